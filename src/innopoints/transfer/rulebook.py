"""The transfer rulebook (rulebook/<region>/transfer/*.yaml): contract rules, revenue-sharing policies,
broker routing, challenge-list scoring, service-order capacity and the published figures to compare with.

Every file has ``metadata`` (status, reference, effective_from); unknown keys are rejected and a broken file
fails with a message naming the file and the key. Numbers arrive exact (``Decimal``, never float).
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal
from functools import lru_cache
from importlib import resources
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field, ValidationError, model_validator

from innopoints.errors import UserError
from innopoints.rules.yamlio import load_exact

Status = Literal["official", "regional_default", "unverified", "example"]
STATUS_ZH: dict[str, str] = {
    "official": "官方规定",
    "regional_default": "区域默认值",
    "unverified": "未核实",
    "example": "示例口径",
}


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class Metadata(_Strict):
    status: Status
    reference: str = Field(min_length=1)
    effective_from: str


class Name(_Strict):
    zh: str
    en: str


class ContractType(_Strict):
    id: str = Field(pattern=r"^[a-z_]+$")
    name: Name
    subtypes: list[str]
    counts_as: str | None = None
    status: Status
    reference: str


class Registration(_Strict):
    decision_days: int = Field(gt=0)
    seller_side_only: bool
    once_per_contract: bool
    written_only: bool
    status: Status
    reference: str


class Amounts(_Strict):
    non_technical_items: list[str]
    status: Status
    reference: str


class Reason(_Strict):
    id: str
    zh: str


class ContractsFile(_Strict):
    metadata: Metadata
    types: list[ContractType]
    registration: Registration
    amounts: Amounts
    refusal_reasons: list[Reason]

    @model_validator(mode="after")
    def _check(self) -> ContractsFile:
        ids = [t.id for t in self.types]
        if len(set(ids)) != len(ids):
            raise ValueError("types: 合同类型编号重复 (duplicate type id)")
        for t in self.types:
            if t.counts_as is not None and t.counts_as not in ids:
                raise ValueError(f"types.{t.id}.counts_as: 未知类型 {t.counts_as!r}")
        if "other" not in {r.id for r in self.refusal_reasons}:
            raise ValueError("refusal_reasons: 须包含 other (expected an 'other' reason)")
        return self

    def type(self, type_id: str) -> ContractType:
        for t in self.types:
            if t.id == type_id:
                return t
        known = "、".join(f"{t.id}（{t.name.zh}）" for t in self.types)
        raise UserError(f"未知的技术合同类型“{type_id}”，应为：{known}")

    def reason(self, reason_id: str) -> Reason:
        for r in self.refusal_reasons:
            if r.id == reason_id:
                return r
        known = "、".join(f"{r.id}（{r.zh}）" for r in self.refusal_reasons)
        raise UserError(f"未知的未予登记理由“{reason_id}”，应为：{known}")


class ShareRange(_Strict):
    min: Decimal = Field(ge=0, le=1)
    max: Decimal = Field(ge=0, le=1)
    default: Decimal = Field(ge=0, le=1)

    @model_validator(mode="after")
    def _ordered(self) -> ShareRange:
        if not self.min <= self.default <= self.max:
            raise ValueError("须满足 min ≤ default ≤ max (expected min <= default <= max)")
        return self


class Floor(_Strict):
    inventor_share_min: Decimal = Field(ge=0, le=1)
    status: Status
    reference: str


class DefaultPolicy(_Strict):
    name: str
    inventor_share: ShareRange
    status: Status
    reference: str


class InstitutionPolicy(_Strict):
    name: str
    policy_name: str
    inventor_share: ShareRange
    status: Status
    reference: str


class SharingFile(_Strict):
    metadata: Metadata
    city_floor: Floor
    income_basis: Literal["technical_transaction_amount", "contract_amount"]
    rounding: Literal["inventors_pool_up"]
    default_policy: DefaultPolicy
    institutions: list[InstitutionPolicy]

    @model_validator(mode="after")
    def _floor(self) -> SharingFile:
        floor = self.city_floor.inventor_share_min
        policies: list[DefaultPolicy | InstitutionPolicy] = [self.default_policy, *self.institutions]
        for p in policies:
            if p.inventor_share.min < floor:
                raise ValueError(f"{p.name}: inventor_share.min 低于全市下限 {floor} (below the city floor)")
        return self


class Routing(_Strict):
    default_max_load: int = Field(gt=0)
    require_certificate: bool
    same_field_first: bool
    cross_field_fallback: bool
    prefer_same_district: bool


class RatingScale(_Strict):
    min: int
    max: int


class BrokersFile(_Strict):
    metadata: Metadata
    routing: Routing
    rating: RatingScale
    levels: dict[str, str]


class Scoring(_Strict):
    scale_min: int
    scale_max: int
    min_reviews: int = Field(gt=0)
    selection_min_average: Decimal
    conflict_of_interest: Literal["same_enterprise", "none"]


class Publication(_Strict):
    application_days: int = Field(gt=0)


class ChallengesFile(_Strict):
    metadata: Metadata
    scoring: Scoring
    publication: Publication
    major_tasks_target_2026: int


class Capacity(_Strict):
    period: Literal["calendar_year"]
    counted_statuses: list[str]


class OrdersFile(_Strict):
    metadata: Metadata
    capacity: Capacity


class Figure(_Strict):
    value: int
    kind: Literal["exact", "at_least", "goal"]
    unit: str
    zh: str
    text: str = ""


class TurnoverFigure(_Strict):
    year: int
    value_yuan: int
    text: str
    kind: Literal["exact", "goal"] = "exact"


class TurnoverFigures(_Strict):
    actual: TurnoverFigure
    target: TurnoverFigure


class StatisticsFile(_Strict):
    metadata: Metadata
    contract_turnover: TurnoverFigures
    pilot_outputs_cumulative: dict[str, Figure]
    carriers: dict[str, Figure]
    brokers_target_2026: Figure


@dataclass(frozen=True)
class TransferRulebook:
    contracts: ContractsFile
    sharing: SharingFile
    brokers: BrokersFile
    challenges: ChallengesFile
    orders: OrdersFile
    statistics: StatisticsFile
    region: str


FILES: dict[str, type[BaseModel]] = {
    "contracts.yaml": ContractsFile,
    "revenue_sharing.yaml": SharingFile,
    "brokers.yaml": BrokersFile,
    "challenges.yaml": ChallengesFile,
    "service_orders.yaml": OrdersFile,
    "statistics.yaml": StatisticsFile,
}


def parse_file(name: str, text: str) -> Any:
    """Validate one file's text; errors name the file and the key path."""
    model = FILES[name]
    try:
        raw = load_exact(text)
    except Exception as exc:  # yaml errors: duplicate keys, syntax
        raise UserError(f"成果转化规则文件 {name} 无法解析：{exc}") from exc
    try:
        return model.model_validate(raw)
    except ValidationError as exc:
        first = exc.errors()[0]
        where = ".".join(str(p) for p in first["loc"]) or "(根)"
        raise UserError(
            f"成果转化规则文件 {name} 键 {where}：{first['msg']}（invalid transfer rulebook）"
        ) from exc


@lru_cache(maxsize=4)
def load_transfer_rulebook(region: str = "shenyang") -> TransferRulebook:
    folder = resources.files("innopoints.rulebook").joinpath(region).joinpath("transfer")
    parsed = {name: parse_file(name, folder.joinpath(name).read_text("utf-8")) for name in FILES}
    return TransferRulebook(
        contracts=parsed["contracts.yaml"],
        sharing=parsed["revenue_sharing.yaml"],
        brokers=parsed["brokers.yaml"],
        challenges=parsed["challenges.yaml"],
        orders=parsed["service_orders.yaml"],
        statistics=parsed["statistics.yaml"],
        region=region,
    )
