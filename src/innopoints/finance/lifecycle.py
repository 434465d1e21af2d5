"""The loan lifecycle as a table: which action moves a loan from which state to which, who may take it,
and the date column it stamps. Invalid moves are refused with a Chinese message naming both states.

    applied ─review→ reviewing ─approve→ approved ─disburse→ disbursed ─repay→ repaid
       │                 ├─reject→ rejected                      └─overdue→ overdue ─repay→ repaid
       └──withdraw──────┴─withdraw→ withdrawn                                     └─default→ defaulted
"""

from __future__ import annotations

from dataclasses import dataclass

from innopoints.errors import UserError

STATES: dict[str, str] = {
    "applied": "已申请",
    "reviewing": "审查中",
    "approved": "已批准",
    "rejected": "已拒绝",
    "withdrawn": "已撤回",
    "disbursed": "已放款",
    "repaid": "已结清",
    "overdue": "逾期",
    "defaulted": "违约",
}
OPEN_STATES = ("applied", "reviewing")  # waiting for the bank's decision
DISBURSED_STATES = ("disbursed", "repaid", "overdue", "defaulted")  # the money went out
FINAL_STATES = ("rejected", "withdrawn", "repaid", "defaulted")


@dataclass(frozen=True)
class Action:
    id: str
    zh: str
    sources: tuple[str, ...]
    target: str
    actor: str  # bank / firm
    date_column: str
    needs_reason: bool = False


ACTIONS: dict[str, Action] = {
    a.id: a
    for a in (
        Action("review", "受理审查", ("applied",), "reviewing", "bank", "reviewed_on"),
        Action("approve", "批准", ("reviewing",), "approved", "bank", "decided_on"),
        Action(
            "reject", "拒绝", ("applied", "reviewing"), "rejected", "bank", "decided_on", needs_reason=True
        ),
        Action("withdraw", "撤回申请", ("applied", "reviewing"), "withdrawn", "firm", "withdrawn_on"),
        Action("disburse", "放款", ("approved",), "disbursed", "bank", "disbursed_on"),
        Action("repay", "登记结清", ("disbursed", "overdue"), "repaid", "bank", "repaid_on"),
        Action("overdue", "登记逾期", ("disbursed",), "overdue", "bank", "overdue_on"),
        Action("default", "认定违约", ("overdue",), "defaulted", "bank", "defaulted_on", needs_reason=True),
    )
}


def state_zh(state: str) -> str:
    return STATES.get(state, state)


def get_action(action_id: str) -> Action:
    action = ACTIONS.get(action_id)
    if action is None:
        raise UserError(
            f"未知的贷款操作“{action_id}”，应为：{'、'.join(f'{a.id}（{a.zh}）' for a in ACTIONS.values())}"
        )
    return action


def check_transition(loan_id: int, state: str, action: Action) -> None:
    """Raise a Chinese ``UserError`` unless ``action`` may be taken in ``state``."""
    if state in action.sources:
        return
    allowed = "、".join(f"“{state_zh(s)}”" for s in action.sources)
    raise UserError(
        f"贷款 #{loan_id} 当前状态为“{state_zh(state)}”，不能执行“{action.zh}”（只有 {allowed} 状态可以{action.zh}）"
    )


def actions_from(state: str, actor: str | None = None) -> list[Action]:
    """The actions open in ``state`` (for buttons), optionally only those of one actor kind."""
    return [a for a in ACTIONS.values() if state in a.sources and (actor is None or a.actor == actor)]
