"""One firm against one policy with the generic single-firm evaluator: status, reasons, references.

Facts come as the frame's row (integers in :data:`~innopoints.policy.facts.UNITS`) and are turned into
the evaluator's values: money in 元 (exact ``Decimal``), points in 分, counts whole, choices text.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from innopoints.policy.facts import CHOICE_LABELS, FACTS, UNITS, fact_label
from innopoints.policy.library import Policy
from innopoints.policy.schema import BENEFIT_ZH, STATUS_ZH
from innopoints.rules.evaluation import Evaluation
from innopoints.rules.results import ConditionResult, Status

STATUS_TEXT = {Status.MET: "符合", Status.NOT_MET: "不符合", Status.UNKNOWN: "待核实（缺少数据）"}


@dataclass
class PolicyMatch:
    policy_id: str
    policy_name: str
    status: Status
    reasons: list[str]
    references: list[str]
    missing: list[str]
    benefit: str
    amount_yuan: Decimal | None
    policy_status: str
    deadline: dt.date | None
    trace: list[dict[str, Any]] = field(default_factory=list)

    def as_dict(self) -> dict[str, Any]:
        return {
            "policy": self.policy_id,
            "name": self.policy_name,
            "status": self.status.value,
            "status_zh": STATUS_TEXT[self.status],
            "reasons": self.reasons,
            "references": self.references,
            "missing": self.missing,
            "benefit": self.benefit,
            "amount_yuan": None if self.amount_yuan is None else format(self.amount_yuan, "f"),
            "policy_status": self.policy_status,
            "deadline": None if self.deadline is None else self.deadline.isoformat(),
        }


def fact_value(name: str, raw: Any) -> Any:
    """The evaluator's value of a frame cell (``None`` stays missing)."""
    if raw is None:
        return None
    kind = FACTS[name].kind
    if kind in ("money", "signed_money", "points"):
        return Decimal(int(raw)) / UNITS[kind]
    if kind == "count":
        return int(raw)
    if kind == "bool":
        return bool(raw)
    return str(raw)


def benefit_amount(policy: Policy, row: dict[str, Any]) -> Decimal | None:
    """The benefit in 元: ``rate × base`` capped at ``max_amount`` (exact), else the maximum amount."""
    b = policy.meta.benefit
    cap = None if b.max_amount is None else b.max_amount.yuan
    if b.rate is not None and b.base is not None:
        base = fact_value(b.base, row.get(b.base))
        if base is None:
            return None
        amount = (b.rate * base).quantize(Decimal("0.01"))
        return amount if cap is None else min(amount, cap)
    return cap


def benefit_text(policy: Policy) -> str:
    b = policy.meta.benefit
    text = f"{BENEFIT_ZH[b.kind]}：{b.description}"
    if b.max_amount is not None:
        text += f"；上限 {b.max_amount.text()}"
    return text + ("（示例数额 EXAMPLE）" if b.amount_status == "example" else "")


def _reason(cond: ConditionResult) -> str:
    if cond.status is Status.UNKNOWN:
        names = "、".join(fact_label(m) for m in cond.missing) or "数据"
        return f"{cond.name.zh}：缺少 {names}，无法判断"
    observed = "" if cond.field is None else f"（当前：{_show(cond.observed, cond.field)}）"
    return f"{cond.name.zh}：{cond.text}{observed}"


def _show(value: Any, name: str) -> str:
    decl = FACTS.get(name)
    unit = f" {decl.unit}" if decl is not None and decl.unit else ""
    if isinstance(value, bool):
        return "是" if value else "否"
    if isinstance(value, Decimal):
        return f"{value:f}{unit}"
    if isinstance(value, int):
        return f"{value}{unit}"
    if value is None:
        return "无"
    return CHOICE_LABELS.get(str(value), str(value))


def match_one(policy: Policy, row: dict[str, Any], as_of: dt.date) -> PolicyMatch:
    ev = Evaluation(policy.book, as_of)
    for name in policy.book.book.inputs:
        ev.input(name, fact_value(name, row.get(name)))
    result = ev.check(policy.meta.eligibility)
    if result.status is Status.MET:
        reasons = [f"满足全部条件：{result.text}"]
        decisive: list[ConditionResult] = [result]
    else:
        decisive = result.blockers(result.status)
        reasons = [_reason(c) for c in decisive]
    refs = list(dict.fromkeys([policy.meta.reference, *(c.reference for c in decisive)]))
    return PolicyMatch(
        policy_id=policy.id,
        policy_name=policy.meta.name.zh,
        status=result.status,
        reasons=reasons,
        references=refs,
        missing=[fact_label(m) for m in result.missing] if result.status is Status.UNKNOWN else [],
        benefit=benefit_text(policy),
        amount_yuan=benefit_amount(policy, row) if result.status is not Status.NOT_MET else None,
        policy_status=STATUS_ZH[policy.meta.status],
        deadline=policy.meta.deadline,
        trace=ev.trace,
    )
