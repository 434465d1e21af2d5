"""Policy file format: ``policy`` (what is granted, by whom, until when) + ``rulebook`` (who qualifies).

The ``rulebook`` part is an ordinary rulebook of :mod:`innopoints.rules` (documents, inputs, dated
parameters, conditions with references and statuses); ``policy.eligibility`` names the condition that
decides. Amounts are exact decimals with their unit (元 or 万元); ``status: example`` marks a policy or
amount with no official figure behind it.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field

from innopoints.rules.schema import Label

PolicyStatus = Literal["official", "example"]
BenefitKind = Literal["cash_subsidy", "loan", "space", "service", "credit", "interest_subsidy"]
AmountUnit = Literal["元", "万元"]
UNIT_YUAN: dict[str, Decimal] = {"元": Decimal(1), "万元": Decimal(10000)}
STATUS_ZH: dict[str, str] = {"official": "官方政策", "example": "示例（非官方数额）"}
BENEFIT_ZH: dict[str, str] = {
    "cash_subsidy": "资金补贴",
    "loan": "信贷产品",
    "space": "场地支持",
    "service": "对接服务",
    "credit": "授信额度",
    "interest_subsidy": "贴息",
}


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class Amount(_Strict):
    value: Decimal = Field(gt=0)
    unit: AmountUnit

    @property
    def yuan(self) -> Decimal:
        return self.value * UNIT_YUAN[self.unit]

    def text(self) -> str:
        return f"{self.value.normalize():f} {self.unit}"


class Benefit(_Strict):
    kind: BenefitKind
    description: str = Field(min_length=1)
    rate: Decimal | None = Field(default=None, gt=0, le=1, description="share of ``base`` granted")
    base: str | None = Field(default=None, description="money fact the rate applies to")
    max_amount: Amount | None = None
    amount_status: PolicyStatus


class PolicyMeta(_Strict):
    id: str = Field(pattern=r"^[a-z][a-z0-9_]*$")
    name: Label
    support_stage: str = Field(min_length=1, description="the article's stage grouping, e.g. 初创期")
    status: PolicyStatus
    eligibility: str = Field(min_length=1)
    benefit: Benefit
    deadline: dt.date | None = None
    reference: str = Field(min_length=1)
    note: str | None = None
