"""Pydantic schema of the points rulebook (rulebook/<region>/points/*.yaml); unknown keys are rejected."""

from __future__ import annotations

from decimal import Decimal
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field, field_validator, model_validator

from innopoints.registry.panel_fields import panel_fields

Status = Literal["official", "regional_default", "unverified"]


class Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class Metadata(Strict):
    status: Status
    reference: str
    effective_from: str


def _check_fields(codes: list[str]) -> list[str]:
    known = panel_fields()
    unknown = [c for c in codes if c not in known]
    if unknown:
        raise ValueError(f"未知的面板字段 (unknown panel fields): {', '.join(unknown)}")
    return codes


class Group(Strict):
    id: str
    name_zh: str
    name_en: str


class Indicator(Strict):
    id: str
    group: str
    name_zh: str
    name_en: str
    kind: Literal["value", "ratio", "growth", "qualifications"]
    fields: list[str] = Field(default_factory=list)
    denominator: list[str] = Field(default_factory=list)
    qualifications: list[str] = Field(default_factory=list)
    unit: str
    interpolate: Literal["linear", "log"] = "linear"
    direction: Literal["higher_better", "lower_better"] = "higher_better"

    @field_validator("fields", "denominator")
    @classmethod
    def _known(cls, codes: list[str]) -> list[str]:
        return _check_fields(codes)

    @model_validator(mode="after")
    def _shape(self) -> Indicator:
        if self.kind == "qualifications":
            if not self.qualifications or self.fields:
                raise ValueError("kind qualifications needs `qualifications` and no `fields`")
        elif not self.fields:
            raise ValueError(f"kind {self.kind} needs `fields`")
        if (self.kind == "ratio") != bool(self.denominator):
            raise ValueError("`denominator` is required for kind ratio and only there")
        if self.interpolate == "log" and (
            self.kind in ("ratio", "growth") or self.direction == "lower_better"
        ):
            raise ValueError("interpolate: log is only allowed for non-negative, higher_better values")
        return self


class IndicatorFile(Strict):
    metadata: Metadata
    groups: list[Group]
    indicators: list[Indicator]

    @model_validator(mode="after")
    def _unique(self) -> IndicatorFile:
        group_ids = {g.id for g in self.groups}
        seen: set[str] = set()
        for ind in self.indicators:
            if ind.id in seen:
                raise ValueError(f"indicator {ind.id} is declared twice")
            if ind.group not in group_ids:
                raise ValueError(f"indicator {ind.id}: unknown group {ind.group}")
            seen.add(ind.id)
        return self


class GroupWeights(Strict):
    total: Decimal
    weights: dict[str, Decimal]


class StageWeights(Strict):
    total: Decimal
    groups: dict[str, GroupWeights]


class WeightsFile(Strict):
    metadata: Metadata
    max_points: int = Field(gt=0)
    stages: dict[str, StageWeights]

    @field_validator("stages")
    @classmethod
    def _tenths(cls, stages: dict[str, StageWeights]) -> dict[str, StageWeights]:
        for stage, sw in stages.items():
            for group, gw in sw.groups.items():
                for ind, w in gw.weights.items():
                    if w < 0 or (w * 10) != (w * 10).to_integral_value():
                        raise ValueError(
                            f"{stage}.{group}.{ind}: 权重须为非负且最多一位小数 (weight must be >= 0 with one decimal)"
                        )
        return stages


class Condition(Strict):
    metric: Literal["age_years", "operating_revenue"]
    op: Literal["lt", "le", "gt", "ge"]
    value: Decimal


class Stage(Strict):
    id: str
    name_zh: str
    name_en: str
    match: Literal["any", "all"]
    conditions: list[Condition]


class StagesFile(Strict):
    metadata: Metadata
    stages: list[Stage]

    @model_validator(mode="after")
    def _catch_all(self) -> StagesFile:
        if not self.stages or self.stages[-1].conditions:
            raise ValueError("the last stage must be the catch-all (conditions: [])")
        return self


class ListSpec(Strict):
    id: str
    name_zh: str
    share: Decimal = Field(gt=0, le=1)


class PeerGroupsFile(Strict):
    metadata: Metadata
    key: list[Literal["stage", "cluster"]]
    fallback: list[Literal["stage", "cluster"]]
    min_size: int = Field(ge=1)
    quantile_points: int = Field(ge=3, le=10001)
    lists: list[ListSpec]


class BonusItem(Strict):
    id: str
    name_zh: str
    name_en: str
    field: str
    min: Decimal
    points: int = Field(ge=0)

    @field_validator("field")
    @classmethod
    def _known(cls, code: str) -> str:
        return _check_fields([code])[0]


class PenaltyItem(Strict):
    kind: str
    name_zh: str
    name_en: str
    points: int = Field(ge=0)


class AdjustmentsFile(Strict):
    metadata: Metadata
    bonus_cap: int = Field(ge=0)
    bonus: list[BonusItem]
    lookback_years: int = Field(ge=1)
    unlisted_deduction: int = Field(ge=0)
    penalties: list[PenaltyItem]


class TechSmeSpec(Strict):
    """How the round feeds the national 科技型中小企业 rulebook from the panel (no thresholds here:
    they are read from ``rulebook``, the file the single-firm evaluator uses)."""

    rulebook: str = Field(pattern=r"^[a-z_]+/[a-z_]+\.yaml$")
    class1_fields: list[str]
    class2_fields: list[str]
    qualification_flags: dict[str, str]
    field_flags: dict[str, str]
    blocking_negative_kinds: list[str]
    unlisted_blocks: bool

    @field_validator("class1_fields", "class2_fields")
    @classmethod
    def _known(cls, codes: list[str]) -> list[str]:
        return _check_fields(codes)

    @field_validator("field_flags")
    @classmethod
    def _known_flags(cls, flags: dict[str, str]) -> dict[str, str]:
        _check_fields(list(flags.values()))
        return flags


class Rung(Strict):
    id: str
    name_zh: str
    qualification: str
    or_tech_sme_qualified: bool = False


class LadderFile(Strict):
    metadata: Metadata
    tech_sme: TechSmeSpec
    ladder: list[Rung]
    none_stage: str
