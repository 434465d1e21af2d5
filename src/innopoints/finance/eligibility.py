"""One firm against one product's eligibility rules (generic single-firm evaluator): status and reasons."""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from innopoints.finance.facts import FACTS, fact_label, fact_value
from innopoints.finance.products import Product
from innopoints.rules.evaluation import Evaluation
from innopoints.rules.results import ConditionResult, Status

STATUS_TEXT = {Status.MET: "符合", Status.NOT_MET: "不符合", Status.UNKNOWN: "待核实（缺少数据）"}
CHOICE_LABELS: dict[str, str] = {
    "startup": "初创期",
    "growth": "成长期",
    "stable": "稳定期",
    "tech_leader": "科技领军企业",
    "unicorn": "独角兽企业",
    "potential_unicorn": "潜在独角兽",
    "seed_unicorn": "种子独角兽",
    "gazelle": "瞪羚企业",
    "eaglet": "雏鹰企业",
    "high_tech_enterprise": "高新技术企业",
    "tech_sme": "科技型中小企业",
    "none": "未入梯度",
}


@dataclass
class ProductEligibility:
    status: Status
    reasons: list[str]
    references: list[str]
    missing: list[str]
    conditions: list[dict[str, Any]]

    def as_dict(self) -> dict[str, Any]:
        return {
            "status": self.status.value,
            "status_zh": STATUS_TEXT[self.status],
            "reasons": self.reasons,
            "references": self.references,
            "missing": self.missing,
            "conditions": self.conditions,
        }


def show(value: Any, name: str) -> str:
    decl = FACTS.get(name)
    unit = f" {decl.unit}" if decl is not None and decl.unit else ""
    if isinstance(value, bool):
        return "是" if value else "否"
    if isinstance(value, Decimal):
        return f"{value.normalize():f}{unit}" if value == value.to_integral_value() else f"{value:f}{unit}"
    if isinstance(value, int):
        return f"{value}{unit}"
    if value is None:
        return "无"
    return CHOICE_LABELS.get(str(value), str(value))


def _reason(cond: ConditionResult) -> str:
    if cond.status is Status.UNKNOWN:
        names = "、".join(fact_label(m) for m in cond.missing) or "数据"
        return f"{cond.name.zh}：缺少 {names}，无法判断"
    observed = "" if cond.field is None else f"（当前：{show(cond.observed, cond.field)}）"
    return f"{cond.name.zh}：{cond.text}{observed}"


def check_product(
    product: Product, row: Mapping[str, Any], extra: Mapping[str, Any], as_of: dt.date
) -> ProductEligibility:
    """``row``: frame facts (integers in facts.UNITS); ``extra``: evaluator values (the dimension scores)."""
    ev = Evaluation(product.book, as_of)
    for name in product.book.book.inputs:
        ev.input(name, extra[name] if name in extra else fact_value(name, row.get(name)))
    result = ev.check(product.meta.eligibility)
    if result.status is Status.MET:
        decisive: list[ConditionResult] = [result]
        reasons = [f"满足全部条件：{result.text}"]
    else:
        decisive = result.blockers(result.status)
        reasons = [_reason(c) for c in decisive]
    refs = list(dict.fromkeys([product.meta.reference, *(c.reference for c in decisive)]))
    missing = [fact_label(m) for m in result.missing] if result.status is Status.UNKNOWN else []
    return ProductEligibility(result.status, reasons, refs, missing, [result.as_dict()])
