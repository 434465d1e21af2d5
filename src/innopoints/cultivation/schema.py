"""Pydantic schema of the cultivation rulebook (rulebook/<region>/cultivation/*.yaml); unknown keys rejected.

A *condition* reads exactly one kind of input (the key present among ``ratio``, ``sum``, ``value_of``,
``base_value``, ``growth``, ``registered_years``, ``present``, ``qualification``, ``result``,
``no_negatives``) and compares it with a literal ``value`` or a ``threshold`` taken from another
rulebook's dated parameter. ``near`` (0–1) is the gap limit: the condition counts as *near* when the
observed value reaches ``near`` × the threshold.
"""

from __future__ import annotations

from decimal import Decimal
from fractions import Fraction
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field, field_validator, model_validator

from innopoints.registry.panel_fields import panel_fields

Status = Literal["official", "regional_default", "unverified"]
Op = Literal[">=", ">", "<=", "<", "==", "!=", "in"]
INPUT_KEYS = (
    "ratio",
    "sum",
    "value_of",
    "base_value",
    "growth",
    "registered_years",
    "present",
    "qualification",
    "result",
    "no_negatives",
)
RESULT_COLUMNS = ("points_centi", "percentile_bp", "tech_sme_score", "tech_sme_qualified", "ladder_stage")
ENTERPRISE_COLUMNS = ("high_tech_field_id", "park_id")


def fraction(text: str | int | float | Decimal) -> Fraction:
    """An exact fraction from YAML (``0.75``, ``"1/3"``, ``5``): floats go through their decimal text."""
    return Fraction(str(text))


class Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class Name(Strict):
    zh: str
    en: str


class Metadata(Strict):
    status: Status
    reference: str
    effective_from: str


class ThresholdRef(Strict):
    rulebook: str
    param: str
    factor: str | float | None = None
    band_on: str | None = None  # for a band-valued parameter: the panel field that picks the band


class Condition(Strict):
    id: str
    name: Name
    ratio: list[str] | None = None
    sum: list[str] | None = None
    value_of: str | None = None
    base_value: str | None = None
    growth: str | None = None
    registered_years: bool | None = None
    present: str | None = None
    qualification: str | None = None
    result: str | None = None
    no_negatives: list[str] | None = None
    op: Op = "=="
    value: bool | int | float | str | list[str] | None = None
    threshold: ThresholdRef | None = None
    near: float | None = Field(default=None, gt=0, lt=1)

    @model_validator(mode="after")
    def _shape(self) -> Condition:
        given = [k for k in INPUT_KEYS if getattr(self, k) is not None]
        if len(given) != 1:
            raise ValueError(f"条件 {self.id} 须且只须有一种输入 (exactly one input key), got {given}")
        fields = (self.ratio or []) + (self.sum or [])
        fields += [x for x in (self.value_of, self.base_value, self.growth) if x is not None]
        unknown = [f for f in fields if f not in panel_fields()]
        if unknown:
            raise ValueError(f"条件 {self.id}: 未知的面板字段 (unknown panel fields) {unknown}")
        if self.ratio is not None and len(self.ratio) != 2:
            raise ValueError(f"条件 {self.id}: ratio 须为 [分子, 分母] (numerator, denominator)")
        if self.result is not None and self.result not in RESULT_COLUMNS:
            raise ValueError(f"条件 {self.id}: result 须为 {RESULT_COLUMNS} 之一")
        if self.present is not None and self.present not in ENTERPRISE_COLUMNS:
            raise ValueError(f"条件 {self.id}: present 须为 {ENTERPRISE_COLUMNS} 之一")
        needs_threshold = not (self.present or self.qualification or self.no_negatives)
        if needs_threshold and (self.value is None) == (self.threshold is None):
            raise ValueError(
                f"条件 {self.id} 须有 value 或 threshold 之一 (exactly one of value / threshold)"
            )
        if self.op == "in" and not isinstance(self.value, list):
            raise ValueError(f"条件 {self.id}: in 须配列表 value (op in needs a list)")
        if self.near is not None and self.op not in (">=", ">"):
            raise ValueError(f"条件 {self.id}: near 只用于 >= / > 条件")
        return self


class Gap(Strict):
    max_unmet: int = Field(ge=1)


class Program(Strict):
    name: Name
    reference: str
    status: Status
    unless: list[Condition] = Field(default_factory=list)
    required: list[Condition] = Field(default_factory=list)
    conditions: list[Condition]
    min_met: int | None = None
    gap: Gap | None = None

    @model_validator(mode="after")
    def _counts(self) -> Program:
        if not self.conditions:
            raise ValueError("conditions 不能为空 (a program needs conditions)")
        if self.min_met is not None and not 1 <= self.min_met <= len(self.conditions):
            raise ValueError(f"min_met 须在 1..{len(self.conditions)} (min_met out of range)")
        return self

    @property
    def needed(self) -> int:
        return len(self.conditions) if self.min_met is None else self.min_met


class ScreeningFile(Strict):
    metadata: Metadata
    programs: dict[str, Program]


class TierTop(Strict):
    """Any of ``programs`` together with a city percentile of at least ``min_percentile_bp``."""

    programs: list[str]
    min_percentile_bp: int = Field(ge=0, le=10000)


class Tier(Strict):
    id: Literal["seedling", "trunk", "pillar"]
    rank: int = Field(ge=1)
    name: Name
    reference: str
    status: Status
    any_programs: list[str]
    or_top: TierTop | None = None


class TiersFile(Strict):
    metadata: Metadata
    tiers: list[Tier]

    @field_validator("tiers")
    @classmethod
    def _ordered(cls, tiers: list[Tier]) -> list[Tier]:
        ranks = [t.rank for t in tiers]
        if ranks != sorted(ranks, reverse=True) or len(set(ranks)) != len(ranks):
            raise ValueError("层级须按 rank 从高到低排列且不重复 (tiers highest first, distinct ranks)")
        return tiers


class AlertRule(Strict):
    id: str
    name: Name
    kind: Literal["drop", "falls_below", "rises_to"]
    metric: Literal["points_centi", "percentile_bp", "tech_sme_score"]
    amount: int | None = Field(default=None, gt=0)
    threshold: int | None = None
    reference: str
    status: Status

    @model_validator(mode="after")
    def _shape(self) -> AlertRule:
        if (self.kind == "drop") != (self.amount is not None) or (self.kind != "drop") != (
            self.threshold is not None
        ):
            raise ValueError(f"预警 {self.id}: drop 须给 amount，其余须给 threshold")
        return self

    @property
    def level(self) -> int:
        return self.amount if self.amount is not None else int(self.threshold or 0)


class AlertsFile(Strict):
    metadata: Metadata
    alerts: list[AlertRule]
