"""The loan lifecycle through the services: who may apply and act, invalid moves refused in Chinese, exact
amounts, risk-compensation claims, and two officers acting on one application at once (SQLite and
PostgreSQL)."""

from __future__ import annotations

import re
import threading
from datetime import date, timedelta

import pytest
import sqlalchemy as sa
from finance_world import FIRM_A, FIRM_B, NOW, TODAY, World, build_world

from innopoints.accounts.errors import AccessDenied
from innopoints.adapters.db.finance_tables import LoanEvent, RiskCompensationClaim
from innopoints.adapters.db.tables import Loan
from innopoints.bootstrap import Container
from innopoints.errors import UserError
from innopoints.finance.claims import decide_claim, submit_claim
from innopoints.finance.loans import LoanConflict, act_on_loan, apply_for_loan
from innopoints.finance.pipeline import loan_detail

WAN = 1_000_000


@pytest.fixture
def world(container: Container) -> World:
    return build_world(container)


def _apply(container: Container, world: World, **over: object) -> int:
    args: dict[str, object] = {
        "bank_id": world.bank1,
        "uscc": None,
        "product_id": "kechuang_fendai",
        "amount_fen": 300 * WAN,
        "term_months": 12,
        "on": TODAY,
        "now": NOW,
    }
    who = over.pop("who", world.firm_a_user)
    args.update(over)
    with container.sessions.begin() as s:
        loan = apply_for_loan(s, world.actor(who), **args)  # type: ignore[arg-type]
        return loan.id


def _act(
    container: Container, world: World, loan_id: int, action: str, who=None, on: date = TODAY, **kw: object
) -> Loan:  # type: ignore[no-untyped-def]
    with container.sessions.begin() as s:
        return act_on_loan(s, world.actor(who or world.bank1_officer), loan_id, action, on=on, now=NOW, **kw)  # type: ignore[arg-type]


def test_an_application_stores_the_rounds_suggested_line(container: Container, world: World) -> None:
    loan_id = _apply(container, world)
    with container.sessions() as s:
        loan = s.get(Loan, loan_id)
        assert loan is not None
        assert (loan.status, loan.origin, loan.amount_fen, loan.requested_fen) == (
            "applied",
            "firm",
            300 * WAN,
            300 * WAN,
        )
        assert loan.suggested_fen == 300 * WAN and loan.round_id == world.round_id
        assert loan.created_by == world.firm_a_user.user_id
        events = list(s.scalars(sa.select(LoanEvent).where(LoanEvent.loan_id == loan_id)))
        assert [(e.from_status, e.to_status) for e in events] == [(None, "applied")]


@pytest.mark.parametrize(
    ("over", "error", "message"),
    [
        (
            {"bank_id": "bank2"},
            UserError,
            "须先向 沈阳农商银行测试支行 授权",
        ),  # firm A never consented to bank 2
        (
            {"who": "bank1_officer", "uscc": FIRM_B},
            AccessDenied,
            "不能为其发起申请",
        ),  # bank for a non-consenting firm
        ({"who": "district_officer", "uscc": FIRM_A}, AccessDenied, "无权提交贷款申请"),
        ({"who": "firm_a_user", "uscc": FIRM_B}, AccessDenied, "只能为本企业"),
        ({"amount_fen": 301 * WAN}, UserError, "超过产品最高额度 300 万元"),
        ({"amount_fen": 9 * WAN}, UserError, "低于产品最低额度 10 万元"),
        ({"term_months": 48}, UserError, "不在产品期限 6–36 个月之内"),
        ({"product_id": "equity_direct"}, UserError, "股权类支持"),
        ({"product_id": "no_such"}, UserError, "未找到金融产品"),
        ({"on": date(2024, 6, 1)}, UserError, "不在办理期内"),
    ],
)
def test_applications_that_are_refused(
    container: Container, world: World, over: dict[str, object], error: type[Exception], message: str
) -> None:
    args = dict(over)
    if args.get("bank_id") == "bank2":
        args["bank_id"] = world.bank2
    if "who" in args:
        args["who"] = getattr(world, str(args["who"]))
    with pytest.raises(error, match=message):
        _apply(container, world, **args)


def test_a_second_open_application_for_the_same_product_is_refused(
    container: Container, world: World
) -> None:
    first = _apply(container, world)
    with pytest.raises(UserError, match=f"已有处理中的“科创分贷”申请 #{first}"):
        _apply(container, world)
    bank_started = _apply(
        container, world, who=world.bank1_officer, uscc=FIRM_A, product_id="rd_loan", amount_fen=100 * WAN
    )
    with container.sessions() as s:
        loan = s.get(Loan, bank_started)
        assert loan is not None and loan.origin == "bank"


def test_full_lifecycle_with_exact_amounts_and_a_risk_compensation_claim(
    container: Container, world: World
) -> None:
    loan_id = _apply(container, world)
    _act(container, world, loan_id, "review")
    loan = _act(
        container, world, loan_id, "approve", amount_fen=280 * WAN + 1, rate_bp=345, reason="按建议额度下调"
    )
    assert (loan.status, loan.amount_fen, loan.requested_fen, loan.rate_bp) == (
        "approved",
        280 * WAN + 1,
        300 * WAN,
        345,
    )
    loan = _act(container, world, loan_id, "disburse", on=date(2026, 3, 31))
    assert loan.disbursed_on == date(2026, 3, 31) and loan.due_on == date(2027, 3, 31)
    _act(container, world, loan_id, "overdue", on=date(2027, 4, 10))
    with pytest.raises(UserError, match="认定违约须填写原因"):
        _act(container, world, loan_id, "default", on=date(2027, 7, 10))
    loan = _act(container, world, loan_id, "default", on=date(2027, 7, 10), reason="逾期90天以上")
    assert loan.status == "defaulted" and loan.defaulted_on == date(2027, 7, 10)
    with container.sessions.begin() as s:
        claim = submit_claim(
            s,
            world.actor(world.bank1_officer),
            loan_id,
            outstanding_fen=200_000_001,
            on=date(2027, 7, 20),
            now=NOW,
        )
        assert (claim.share_bp, claim.claimed_fen) == (
            4000,
            80_000_000,
        )  # 2,000,000.01 元 × 40%, floored to the fen
        claim_id = claim.id
    with container.sessions.begin() as s, pytest.raises(UserError, match="已提交风险补偿申请"):
        submit_claim(
            s, world.actor(world.bank1_officer), loan_id, outstanding_fen=1, on=date(2027, 7, 21), now=NOW
        )
    with container.sessions.begin() as s, pytest.raises(AccessDenied):
        decide_claim(s, world.actor(world.bank1_officer), claim_id, "approve", on=date(2027, 8, 1), now=NOW)
    with container.sessions.begin() as s, pytest.raises(UserError, match="只有“已核准”的申请可以拨付"):
        decide_claim(s, world.actor(world.district_officer), claim_id, "pay", on=date(2027, 8, 1), now=NOW)
    with container.sessions.begin() as s:
        decide_claim(
            s, world.actor(world.district_officer), claim_id, "approve", on=date(2027, 8, 1), now=NOW
        )
        paid = decide_claim(s, world.actor(world.admin), claim_id, "pay", on=date(2027, 8, 15), now=NOW)
        assert paid.status == "paid" and paid.paid_on == date(2027, 8, 15)
    with container.sessions() as s:
        view = loan_detail(s, world.actor(world.bank1_officer), loan_id, now=NOW)
        assert [e["to"] for e in view.events] == [
            "applied",
            "reviewing",
            "approved",
            "disbursed",
            "overdue",
            "defaulted",
        ]
        assert view.claim is not None and view.claim["claimed"] == "80 万元"
        assert s.scalar(sa.select(RiskCompensationClaim.status)) == "paid"


@pytest.mark.parametrize(
    ("path", "action", "message"),
    [
        ([], "disburse", "当前状态为“已申请”，不能执行“放款”（只有 “已批准” 状态可以放款）"),
        ([], "approve", "不能执行“批准”"),
        (["review", "reject"], "approve", "当前状态为“已拒绝”"),
        (["review"], "repay", "当前状态为“审查中”，不能执行“登记结清”"),
        (["review", "approve"], "default", "不能执行“认定违约”"),
    ],
)
def test_invalid_transitions_are_refused_in_chinese(
    container: Container, world: World, path: list[str], action: str, message: str
) -> None:
    loan_id = _apply(container, world)
    for step in path:
        _act(
            container,
            world,
            loan_id,
            step,
            reason="资料不全" if step == "reject" else "",
            rate_bp=345 if step == "approve" else None,
        )
    with pytest.raises(UserError, match=message):
        _act(container, world, loan_id, action, rate_bp=345, reason="x")


def test_who_may_act(container: Container, world: World) -> None:
    loan_id = _apply(container, world)
    with pytest.raises(AccessDenied, match="只有放贷银行可以受理审查"):
        _act(container, world, loan_id, "review", who=world.bank2_officer)
    with pytest.raises(AccessDenied, match="只有放贷银行"):
        _act(container, world, loan_id, "review", who=world.firm_a_user)
    with pytest.raises(AccessDenied, match="只有申请企业可以撤回申请"):
        _act(container, world, loan_id, "withdraw", who=world.bank1_officer)
    with pytest.raises(UserError, match="早于该贷款上一环节日期"):
        _act(container, world, loan_id, "review", on=TODAY - timedelta(days=1))
    _act(container, world, loan_id, "review")
    with pytest.raises(UserError, match="批准时须给出年利率"):
        _act(container, world, loan_id, "approve")
    with pytest.raises(UserError, match=re.escape("不在产品利率区间 3%–4.35%（年化）之内")):
        _act(container, world, loan_id, "approve", rate_bp=500)
    with pytest.raises(UserError, match="不超过申请金额"):
        _act(container, world, loan_id, "approve", rate_bp=345, amount_fen=301 * WAN)
    loan = _act(container, world, loan_id, "withdraw", who=world.firm_a_user)
    assert loan.status == "withdrawn" and loan.withdrawn_on == TODAY


def test_two_officers_deciding_the_same_application_at_once_cannot_both_succeed(
    container: Container, world: World
) -> None:
    loan_id = _apply(container, world)
    _act(container, world, loan_id, "review")
    first, second = container.sessions(), container.sessions()
    try:
        a = act_on_loan(
            first, world.actor(world.bank1_officer), loan_id, "approve", on=TODAY, now=NOW, rate_bp=345
        )
        b_loan = second.get(Loan, loan_id)  # the second officer has the application open, version 2
        assert b_loan is not None and b_loan.version == a.version - 1 == 2
        first.commit()
        with pytest.raises(LoanConflict, match="已被他人同时处理，本次“拒绝”未生效"):
            act_on_loan(
                second,
                world.actor(world.bank1_other),
                loan_id,
                "reject",
                on=TODAY,
                now=NOW,
                reason="额度不足",
            )
        second.rollback()
    finally:
        first.close()
        second.close()
    with container.sessions() as s:
        loan = s.get(Loan, loan_id)
        assert loan is not None and loan.status == "approved" and loan.version == 3
        decisions = s.scalars(sa.select(LoanEvent.to_status).where(LoanEvent.loan_id == loan_id)).all()
        assert decisions == ["applied", "reviewing", "approved"]


def test_a_decision_on_a_stale_page_is_refused(container: Container, world: World) -> None:
    loan_id = _apply(container, world)
    _act(container, world, loan_id, "review")  # version 2 now
    with pytest.raises(LoanConflict, match="已被他人处理"):
        _act(container, world, loan_id, "reject", expected_version=1, reason="资料不全")
    assert (
        _act(container, world, loan_id, "reject", expected_version=2, reason="资料不全").status == "rejected"
    )


def test_concurrent_threads_one_winner(container: Container, world: World) -> None:
    loan_id = _apply(container, world)
    _act(container, world, loan_id, "review")
    barrier = threading.Barrier(4)
    outcomes: list[str] = []
    lock = threading.Lock()

    def officer(i: int) -> None:
        session = container.sessions()
        try:
            opened = session.get(Loan, loan_id)  # every officer has the application open (version 2)
            assert opened is not None and opened.status == "reviewing"
            barrier.wait(timeout=30)
            act_on_loan(
                session,
                world.actor(world.bank1_officer),
                loan_id,
                "approve",
                on=TODAY,
                now=NOW,
                rate_bp=300 + i,
            )
            session.commit()
            result = f"ok{i}"
        except LoanConflict:
            session.rollback()
            result = "conflict"
        finally:
            session.close()
        with lock:
            outcomes.append(result)

    threads = [threading.Thread(target=officer, args=(i,)) for i in range(4)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(60)
    with container.sessions() as s:
        loan = s.get(Loan, loan_id)
        assert loan is not None and loan.status == "approved"
        approvals = s.scalar(
            sa.select(sa.func.count()).where(LoanEvent.loan_id == loan_id, LoanEvent.to_status == "approved")
        )
    assert approvals == 1
    assert sum(o.startswith("ok") for o in outcomes) == 1, outcomes
