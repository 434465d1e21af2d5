"""The workflows of 成果转化 as state machines: ascii state ids, Chinese names, allowed actions.

An action that the current state does not allow is rejected with a Chinese message naming the object, its
current state, the action and the actions that are allowed now.
"""

from __future__ import annotations

from dataclasses import dataclass

from innopoints.errors import UserError


class TransitionError(UserError):
    """An action the current state does not allow (HTTP 409 in the web layer; exit code 2 in the CLI)."""


@dataclass(frozen=True)
class Machine:
    subject: str  # Chinese name of what moves, e.g. 服务订单
    states: dict[str, str]  # id -> Chinese name
    actions: dict[str, str]  # id -> Chinese name
    moves: dict[tuple[str, str], str]  # (state, action) -> next state

    def __post_init__(self) -> None:
        for (state, action), target in self.moves.items():
            if state not in self.states or target not in self.states or action not in self.actions:
                raise ValueError(f"{self.subject}: bad move {state} -{action}-> {target}")

    def state_zh(self, state: str) -> str:
        return self.states.get(state, state)

    def allowed(self, state: str) -> list[str]:
        return [a for (s, a) in self.moves if s == state]

    def is_final(self, state: str) -> bool:
        return not self.allowed(state)

    def next(self, state: str, action: str, label: str = "") -> str:
        """The state after ``action``; raises :class:`TransitionError` when not allowed."""
        if action not in self.actions:
            known = "、".join(f"{a}（{n}）" for a, n in self.actions.items())
            raise TransitionError(f"{self.subject}不支持操作“{action}”，可用操作：{known}")
        target = self.moves.get((state, action))
        if target is None:
            allowed = self.allowed(state)
            now = "、".join(self.actions[a] for a in allowed) if allowed else "无（已是终态）"
            who = f"{self.subject}{label}" if label else self.subject
            raise TransitionError(
                f"{who}当前状态为“{self.state_zh(state)}”，不能执行“{self.actions[action]}”；当前可执行：{now}"
            )
        return target


ACHIEVEMENT = Machine(
    "科技成果",
    {
        "draft": "草稿",
        "published": "已发布",
        "negotiating": "洽谈中",
        "transferred": "已转化",
        "withdrawn": "已撤回",
    },
    {
        "publish": "发布",
        "negotiate": "进入洽谈",
        "reopen": "重新开放",
        "complete": "完成转化",
        "withdraw": "撤回",
    },
    {
        ("draft", "publish"): "published",
        ("draft", "withdraw"): "withdrawn",
        ("published", "negotiate"): "negotiating",
        ("published", "withdraw"): "withdrawn",
        ("negotiating", "reopen"): "published",
        ("negotiating", "complete"): "transferred",
        ("negotiating", "withdraw"): "withdrawn",
        ("withdrawn", "publish"): "published",
    },
)

DEMAND = Machine(
    "技术需求",
    {"open": "征集中", "matched": "已对接", "closed": "已关闭", "withdrawn": "已撤回"},
    {"match": "确认对接", "close": "关闭", "withdraw": "撤回", "reopen": "重新征集"},
    {
        ("open", "match"): "matched",
        ("open", "close"): "closed",
        ("open", "withdraw"): "withdrawn",
        ("matched", "close"): "closed",
        ("matched", "reopen"): "open",
    },
)

ASSIGNMENT = Machine(
    "经纪人对接",
    {"docking": "对接", "negotiation": "洽谈", "signed": "签约", "terminated": "终止"},
    {"negotiate": "进入洽谈", "sign": "签约", "terminate": "终止"},
    {
        ("docking", "negotiate"): "negotiation",
        ("docking", "terminate"): "terminated",
        ("negotiation", "sign"): "signed",
        ("negotiation", "terminate"): "terminated",
    },
)
ACTIVE_STAGES = ("docking", "negotiation")

ORDER = Machine(
    "服务订单",
    {
        "submitted": "已提交",
        "accepted": "已受理",
        "in_service": "服务中",
        "delivered": "已交付",
        "rejected": "未受理",
        "cancelled": "已取消",
    },
    {"accept": "受理", "start": "开始服务", "deliver": "交付", "reject": "不予受理", "cancel": "取消"},
    {
        ("submitted", "accept"): "accepted",
        ("submitted", "reject"): "rejected",
        ("submitted", "cancel"): "cancelled",
        ("accepted", "start"): "in_service",
        ("accepted", "cancel"): "cancelled",
        ("in_service", "deliver"): "delivered",
    },
)

CHALLENGE = Machine(
    "“卡脖子”难题",
    {
        "submitted": "已提交",
        "reviewing": "专家评审中",
        "selected": "已入选",
        "rejected": "未入选",
        "published": "已发榜",
        "awarded": "已揭榜",
        "completed": "已完成",
        "withdrawn": "已撤回",
        "closed": "已关闭",
    },
    {
        "review": "提交评审",
        "select": "入选",
        "reject": "不予入选",
        "publish": "发榜",
        "award": "确定揭榜团队",
        "complete": "完成攻关",
        "withdraw": "撤回",
        "close": "关闭",
    },
    {
        ("submitted", "review"): "reviewing",
        ("submitted", "withdraw"): "withdrawn",
        ("reviewing", "select"): "selected",
        ("reviewing", "reject"): "rejected",
        ("selected", "publish"): "published",
        ("published", "award"): "awarded",
        ("published", "close"): "closed",
        ("awarded", "complete"): "completed",
        ("awarded", "close"): "closed",
    },
)

APPLICATION = Machine(
    "揭榜申请",
    {"applied": "已申请", "chosen": "已选定", "not_chosen": "未选定", "withdrawn": "已撤回"},
    {"choose": "选定", "decline": "未选定", "withdraw": "撤回"},
    {
        ("applied", "choose"): "chosen",
        ("applied", "decline"): "not_chosen",
        ("applied", "withdraw"): "withdrawn",
    },
)

CONTRACT = Machine(
    "技术合同",
    {"pending": "待登记", "registered": "已登记", "refused": "未予登记"},
    {"register": "予以登记", "refuse": "不予登记"},
    {("pending", "register"): "registered", ("pending", "refuse"): "refused"},
)

MACHINES: dict[str, Machine] = {
    "achievement": ACHIEVEMENT,
    "demand": DEMAND,
    "assignment": ASSIGNMENT,
    "order": ORDER,
    "challenge": CHALLENGE,
    "application": APPLICATION,
    "contract": CONTRACT,
}
