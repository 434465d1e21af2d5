"""The loan lifecycle table (every state × action) and exact money parsing."""

from __future__ import annotations

from decimal import Decimal

import pytest

from innopoints.errors import UserError
from innopoints.finance.lifecycle import ACTIONS, STATES, actions_from, check_transition, get_action
from innopoints.finance.money import parse_amount, wan_text, yi_text, yuan_text

ALLOWED = {
    ("applied", "review"): "reviewing",
    ("applied", "reject"): "rejected",
    ("applied", "withdraw"): "withdrawn",
    ("reviewing", "approve"): "approved",
    ("reviewing", "reject"): "rejected",
    ("reviewing", "withdraw"): "withdrawn",
    ("approved", "disburse"): "disbursed",
    ("disbursed", "repay"): "repaid",
    ("disbursed", "overdue"): "overdue",
    ("overdue", "repay"): "repaid",
    ("overdue", "default"): "defaulted",
}


@pytest.mark.parametrize("state", list(STATES))
@pytest.mark.parametrize("action_id", list(ACTIONS))
def test_every_state_and_action(state: str, action_id: str) -> None:
    action = get_action(action_id)
    if (state, action_id) in ALLOWED:
        check_transition(7, state, action)
        assert action.target == ALLOWED[(state, action_id)]
        return
    with pytest.raises(UserError) as err:
        check_transition(7, state, action)
    message = err.value.message
    assert f"贷款 #7 当前状态为“{STATES[state]}”" in message
    assert f"不能执行“{action.zh}”" in message
    assert all(f"“{STATES[s]}”" in message for s in action.sources)


def test_final_states_offer_no_action_and_open_states_offer_the_right_ones() -> None:
    for state in ("rejected", "withdrawn", "repaid", "defaulted"):
        assert actions_from(state) == []
    assert [a.id for a in actions_from("applied", "bank")] == ["review", "reject"]
    assert [a.id for a in actions_from("applied", "firm")] == ["withdraw"]
    assert {a.id for a in actions_from("overdue")} == {"repay", "default"}


def test_unknown_action_lists_the_known_ones() -> None:
    with pytest.raises(UserError, match=r"未知的贷款操作“lend”.*approve（批准）"):
        get_action("lend")


@pytest.mark.parametrize(
    ("text", "fen"),
    [
        ("300万", 300_000_000),
        ("300万元", 300_000_000),
        ("3000000.00", 300_000_000),
        ("2000000.01元", 200_000_001),
        ("1.5亿", 15_000_000_000),
        ("0.01", 1),
        (" 12.5 万 ", 12_500_000),
    ],
)
def test_amounts_parse_exactly_to_fen(text: str, fen: int) -> None:
    assert parse_amount(text) == fen


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("0.001", "最多两位小数"),
        ("1.234万元", None),  # 12,340 元: fine
        ("0", "须大于 0"),
        ("-5", "须大于 0"),
        ("三百万", "不是有效金额"),
        ("300 美元", "不是有效金额"),
        ("1e9", "不是有效金额"),
    ],
)
def test_bad_amounts_are_refused_in_chinese(text: str, message: str | None) -> None:
    if message is None:
        assert parse_amount(text) == 1_234_000
        return
    with pytest.raises(UserError, match=message):
        parse_amount(text, what="申请金额")


def test_money_display_keeps_units_and_exact_digits() -> None:
    assert yuan_text(123_456_789) == "1,234,567.89 元"
    assert wan_text(300_000_000) == "300 万元"
    assert wan_text(12_345) == "0.012345 万元"
    assert yi_text(250_000_000_000) == "25.00 亿元"
    assert yi_text(249_999_999_999) == "24.99 亿元"  # display rounds down, never up
    assert Decimal(wan_text(123_456_700).split()[0]) == Decimal("123.4567")
