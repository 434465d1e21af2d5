"""File formats of the finance rulebooks (pydantic, unknown keys rejected).

* A **product file** (``rulebook/<region>/finance/products/*.yaml``) = ``product`` (bank, type, amounts,
  rate, term, collateral, risk-compensation share, credit-line formula, dates, status) + ``rulebook`` (an
  ordinary :mod:`innopoints.rules` rulebook whose condition ``product.eligibility`` decides who qualifies).
* The **bank-evaluation file** (``finance/bank_evaluation.yaml``) = ``evaluation`` (the five dimensions,
  their indicators and the credit-line formulas, all naming parameters) + ``rulebook`` (those dated
  parameters with references and statuses, and one ``derived`` declaration per computed value).
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field, model_validator

from innopoints.rules.schema import Label

ProductType = Literal["credit", "points_credit", "ip_pledge", "talent", "rd", "equity", "grant_investment"]
PRODUCT_TYPE_ZH: dict[str, str] = {
    "credit": "信用贷",
    "points_credit": "积分贷",
    "ip_pledge": "知识产权质押",
    "talent": "人才贷",
    "rd": "研发贷",
    "equity": "股权",
    "grant_investment": "拨投结合",
}
ProductStatus = Literal["official", "regional_default", "unverified", "example"]
PRODUCT_STATUS_ZH: dict[str, str] = {
    "official": "官方公布条款",
    "regional_default": "区域默认值（非官方）",
    "unverified": "未经核实",
    "example": "示例（条款未公开）",
}
Collateral = Literal["none", "ip_pledge", "guarantee", "equity_stake", "not_applicable"]
COLLATERAL_ZH: dict[str, str] = {
    "none": "信用（无抵押）",
    "ip_pledge": "知识产权质押",
    "guarantee": "担保",
    "equity_stake": "股权",
    "not_applicable": "不适用",
}
AmountUnit = Literal["元", "万元", "亿元"]
UNIT_FEN: dict[str, int] = {"元": 100, "万元": 1_000_000, "亿元": 10_000_000_000}


class Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class Amount(Strict):
    value: Decimal = Field(gt=0)
    unit: AmountUnit

    @property
    def fen(self) -> int:
        fen = self.value * UNIT_FEN[self.unit]
        if fen != fen.to_integral_value():
            raise ValueError(f"amount {self.value} {self.unit} is not a whole number of fen")
        return int(fen)

    def text(self) -> str:
        return f"{self.value.normalize():f} {self.unit}"


class RateRange(Strict):
    """Annual interest rate range in percent (e.g. 3.0 – 4.5 means 3.0%–4.5% a year)."""

    min_pct: Decimal = Field(ge=0, le=36)
    max_pct: Decimal = Field(ge=0, le=36)

    @model_validator(mode="after")
    def _ordered(self) -> RateRange:
        if self.min_pct > self.max_pct:
            raise ValueError("rate.min_pct must not exceed rate.max_pct")
        return self

    @property
    def min_bp(self) -> int:
        return int(self.min_pct * 100)

    @property
    def max_bp(self) -> int:
        return int(self.max_pct * 100)

    def text(self) -> str:
        return f"{self.min_pct.normalize():f}%–{self.max_pct.normalize():f}%（年化）"


class TermRange(Strict):
    min_months: int = Field(ge=1, le=360)
    max_months: int = Field(ge=1, le=360)

    @model_validator(mode="after")
    def _ordered(self) -> TermRange:
        if self.min_months > self.max_months:
            raise ValueError("term.min_months must not exceed term.max_months")
        return self

    def text(self) -> str:
        if self.min_months == self.max_months:
            return f"{self.min_months} 个月"
        return f"{self.min_months}–{self.max_months} 个月"


class CreditLineSpec(Strict):
    formula: str = Field(
        min_length=1, description="a formula id of bank_evaluation.yaml credit_line.formulas"
    )
    share: Decimal = Field(default=Decimal(1), gt=0, le=2, description="product factor on the formula")


class ProductMeta(Strict):
    id: str = Field(pattern=r"^[a-z][a-z0-9_]*$")
    name: Label
    type: ProductType
    status: ProductStatus
    terms_public: bool = Field(description="whether the bank published the terms; false → example terms")
    lender: str = Field(min_length=1, description="who lends, as published (e.g. 合作银行)")
    banks: list[str] = Field(default_factory=list, description="bank names; empty = every partner bank")
    effective_from: dt.date
    effective_until: dt.date | None = None
    eligibility: str = Field(min_length=1, description="condition id in the rulebook part")
    min_amount: Amount | None = None
    max_amount: Amount | None = None
    rate: RateRange | None = None
    term: TermRange | None = None
    collateral: Collateral
    collateral_note: str | None = None
    risk_compensation_share: Decimal | None = Field(default=None, ge=0, le=1)
    points_based: bool = Field(
        description="an 创新积分制 专属信贷 product (counted against the published 25亿元)"
    )
    credit_line: CreditLineSpec | None = None
    reference: str = Field(min_length=1)
    note: str | None = None

    @model_validator(mode="after")
    def _consistent(self) -> ProductMeta:
        if not self.terms_public and self.status not in ("example", "unverified"):
            raise ValueError("terms_public: false needs status example or unverified")
        if self.effective_until is not None and self.effective_until <= self.effective_from:
            raise ValueError("effective_until must be after effective_from")
        equity = self.type in ("equity", "grant_investment")
        if equity and self.credit_line is not None:
            raise ValueError("equity products carry no credit_line (investment is decided per project)")
        if not equity and (self.credit_line is None or self.rate is None or self.term is None):
            raise ValueError("a loan product needs credit_line, rate and term")
        if self.min_amount and self.max_amount and self.min_amount.fen > self.max_amount.fen:
            raise ValueError("min_amount must not exceed max_amount")
        return self

    def in_force(self, day: dt.date) -> bool:
        return self.effective_from <= day and (self.effective_until is None or day < self.effective_until)

    @property
    def is_loan(self) -> bool:
        return self.credit_line is not None


# ------------------------------------------------------------------------------ bank evaluation


class IndicatorSpec(Strict):
    """How one indicator is computed from facts and scored (0–100) by a parameter.

    ``fact``: the fact itself; ``ratio``: sum(numerator) / sum(denominator) (unknown when the
    denominator is 0); ``growth``: (fact − fact_prev) / fact_prev (unknown when fact_prev ≤ 0).
    Scored by ``bands`` (a band table with points) or, for a choice fact, by ``table`` (rows).
    """

    kind: Literal["fact", "ratio", "growth"]
    fact: str | None = None
    numerator: list[str] | None = None
    denominator: list[str] | None = None
    bands: str | None = None
    table: str | None = None

    @model_validator(mode="after")
    def _shape(self) -> IndicatorSpec:
        if (self.bands is None) == (self.table is None):
            raise ValueError("give exactly one of bands, table")
        if self.kind == "ratio" and not (self.numerator and self.denominator and self.fact is None):
            raise ValueError("a ratio needs numerator and denominator (and no fact)")
        if self.kind in ("fact", "growth") and (self.fact is None or self.numerator or self.denominator):
            raise ValueError(f"kind {self.kind} needs fact (and no numerator/denominator)")
        if self.table is not None and self.kind != "fact":
            raise ValueError("a table scores a fact (choice) only")
        return self


class DimensionSpec(Strict):
    id: str = Field(pattern=r"^[a-z][a-z0-9_]*$")
    name: Label
    weights: str = Field(min_length=1, description="weights parameter: indicator id → weight")
    indicators: list[str] = Field(min_length=1)


class CreditFormula(Strict):
    name: Label
    text: str = Field(min_length=1, description="the formula as shown to the bank and the firm")
    points_multiplier: bool
    top_uplift: bool


class CreditLineParams(Strict):
    base_by_stage: dict[str, str] = Field(min_length=1, description="stage → bands parameter over revenue")
    base_field: str = Field(min_length=1, description="the revenue fact the base bands read")
    points_multiplier: str
    score_multiplier: str
    uplift_by_list: str = Field(description="table parameter: list id → uplift in %; highest list wins")
    rounding_unit: str
    cap: str
    formulas: dict[str, CreditFormula] = Field(min_length=1)


class EvaluationSpec(Strict):
    id: str = Field(pattern=r"^[a-z][a-z0-9_]*$")
    dimensions: list[DimensionSpec] = Field(min_length=1)
    composite_weights: str
    indicators: dict[str, IndicatorSpec] = Field(min_length=1)
    missing_scores_zero: bool = Field(
        description="an indicator that cannot be computed scores 0 and is listed as missing"
    )
    credit_line: CreditLineParams
