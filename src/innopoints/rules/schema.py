"""The rulebook file format (pydantic, unknown keys rejected everywhere).

A rulebook is one YAML file: documents cited, declared inputs, dated parameters (scalars, sets, band
tables, weights) and conditions (``field op param``, or ``all_of``/``any_of`` over other conditions).
Structural checks live here; cross-references and semantic checks (period overlap, band coverage,
weight sums) are in :mod:`innopoints.rules.checks` so that each error can name its key path.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field, StrictBool

RuleStatus = Literal["official", "regional_default", "unverified"]
Op = Literal[">=", ">", "<=", "<", "==", "!=", "in"]
InputKind = Literal["money", "signed_money", "count", "bool", "date", "choice", "points"]
Shape = Literal["scalar", "series", "scalar_or_series"]
ParamKind = Literal["scalar", "set", "bands", "weights", "table"]

STATUS_RANK: dict[str, int] = {"official": 0, "regional_default": 1, "unverified": 2}
STATUS_LABELS: dict[str, str] = {
    "official": "官方规则 (official)",
    "regional_default": "区域默认值，非官方 (regional default, not official)",
    "unverified": "未经核实 (unverified)",
}


class Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True, populate_by_name=True)


class Label(Strict):
    zh: str = Field(min_length=1)
    en: str = Field(min_length=1)


class Document(Strict):
    number: str = Field(min_length=1, description="document number, e.g. 国科发政〔2017〕115号")
    title: str = Field(min_length=1)
    issued: dt.date | None = None
    note: str | None = None


class InputDecl(Strict):
    name: Label
    kind: InputKind
    unit: str | None = None
    shape: Shape = "scalar"
    length: int | None = Field(default=None, ge=1, description="number of years for a series, oldest first")
    required: bool = Field(default=False, description="needed to decide; absent → conditions unknown")
    default: StrictBool | None = None
    choices: dict[str, Label] | None = None
    min: int | None = None
    max: int | None = None
    description: str | None = None


class DerivedDecl(Strict):
    """A value the evaluator computes from inputs (named here so conditions and traces can cite it)."""

    name: Label
    unit: str = Field(min_length=1)
    formula: str = Field(min_length=1)


class Band(Strict):
    """One row of a band table. A missing bound is unbounded; a given bound must state its inclusivity."""

    lower: Decimal | None = None
    lower_inclusive: StrictBool | None = None
    upper: Decimal | None = None
    upper_inclusive: StrictBool | None = None
    points: int | tuple[int, int] | None = None
    value: Decimal | None = None
    label: str | None = None


class Period(Strict):
    """A parameter's value over ``[from, until)``; ``until`` absent means still in force."""

    start: dt.date = Field(alias="from")
    until: dt.date | None = None
    value: Decimal | int | StrictBool | None = None
    members: list[str] | None = None
    bands: list[Band] | None = None
    weights: dict[str, int | Decimal] | None = None
    total: int | Decimal | None = None
    rows: dict[str, int | tuple[int, int]] | None = None
    note: str | None = None


class Parameter(Strict):
    name: Label
    kind: ParamKind = "scalar"
    unit: str = Field(min_length=1)
    reference: str = Field(min_length=1, description="document number and article")
    status: RuleStatus
    description: str | None = None
    values: list[Period] = Field(min_length=1)


class ConditionDecl(Strict):
    name: Label
    text: str = Field(min_length=1, description="the rule text shown when the condition fails")
    reference: str = Field(min_length=1)
    status: RuleStatus
    field: str | None = None
    op: Op | None = None
    param: str | None = None
    value: Decimal | int | StrictBool | str | None = None
    threshold_field: str | None = None
    all_of: list[str] | None = None
    any_of: list[str] | None = None
    unit: str | None = None


class Rulebook(Strict):
    id: str = Field(pattern=r"^[a-z][a-z0-9_]*$")
    version: str = Field(min_length=1)
    name: Label
    authority: str = Field(min_length=1)
    description: str | None = None
    notes: list[str] = Field(default_factory=list)
    documents: dict[str, Document] = Field(min_length=1)
    inputs: dict[str, InputDecl] = Field(default_factory=dict)
    derived: dict[str, DerivedDecl] = Field(default_factory=dict)
    parameters: dict[str, Parameter] = Field(default_factory=dict)
    conditions: dict[str, ConditionDecl] = Field(default_factory=dict)
    outline: list[str] = Field(default_factory=list, description="top-level condition ids in display order")
