"""Technology contracts: seller-side one-time registration, the 30-day decision, 未予登记 with a reason,
成交额 vs 技术交易额, 输出/吸纳 statistics, turnover vs target, and revenue sharing under each institution's policy."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, date, datetime, timedelta
from decimal import Decimal

import pytest
import sqlalchemy as sa
from sqlalchemy.orm import Session
from transfer_seed import TODAY, World, seed

from innopoints.accounts.errors import AccessDenied
from innopoints.adapters.db.tables import Institution, TechContract
from innopoints.errors import UserError
from innopoints.transfer import contracts, revenue, stats
from innopoints.transfer.states import TransitionError

NOW = datetime(2026, 4, 1, 9, tzinfo=UTC)


@pytest.fixture
def db(engine: sa.Engine) -> Iterator[tuple[Session, World]]:
    with Session(engine) as session:
        world = seed(session)
        session.commit()
        yield session, world


def _input(**kw: object) -> contracts.ContractInput:
    base: dict[str, object] = {
        "contract_type": "license",
        "title": "锂电池荷电状态估计技术许可",
        "amount_fen": 14_000_000_00,
        "signed_on": TODAY - timedelta(days=3),
        "buyer_name": "沈阳储能科技有限公司",
        "cluster_id": "new_energy",
    }
    return contracts.ContractInput(**(base | kw))  # type: ignore[arg-type]


def test_registration_rules(db: tuple[Session, World]) -> None:
    session, w = db
    inst = w.institution(w.neu)
    c = contracts.register_contract(
        session,
        inst,
        _input(buyer_enterprise_id=w.firm_a, achievement_id=w.battery, non_technical_fen=2_000_000_00),
        TODAY,
    )
    assert c.status == "pending" and c.seller_institution_id == w.neu and c.district_code == "210102"
    assert c.contract_no.startswith("202621013") and c.buyer_in_city and c.buyer_district_code == "210112"
    assert contracts.technical_amount(c) == 12_000_000_00
    cases = [
        (inst, _input(contract_no=c.contract_no, buyer_in_city=True), "同一合同只登记一次"),
        (inst, _input(contract_type="sales", buyer_in_city=True), "未知的技术合同类型“sales”"),
        (inst, _input(written=False, buyer_in_city=True), "只有书面技术合同"),
        (inst, _input(amount_fen=0, buyer_in_city=True), "应大于 0 元"),
        (inst, _input(non_technical_fen=14_000_000_01, buyer_in_city=True), "非技术性款项"),
        (inst, _input(signed_on=TODAY + timedelta(days=1), buyer_in_city=True), "不能晚于今天"),
        (inst, _input(buyer_name="某公司"), "须说明买方是否在本市"),
        (inst, _input(buyer_name="东北大学", buyer_in_city=True), "买方与卖方不能相同"),
        (inst, _input(achievement_id=w.coating, buyer_in_city=False), "不属于卖方单位"),
        (
            w.firm(w.firm_a),
            _input(buyer_in_city=True, buyer_name="沈阳某电池公司"),
            None,
        ),  # a firm registers its own sale
    ]
    for who, data, message in cases:
        if message is None:
            assert contracts.register_contract(session, who, data, TODAY).seller_enterprise_id == w.firm_a
            continue
        with pytest.raises(UserError, match=message):
            contracts.register_contract(session, who, data, TODAY)
    with pytest.raises(UserError, match="只能登记本企业作为卖方"):
        contracts.register_contract(
            session, w.firm(w.firm_a), _input(buyer_in_city=True), TODAY, seller_enterprise_id=w.firm_b
        )
    with pytest.raises(AccessDenied):
        contracts.register_contract(session, w.broker(w.brokers[0]), _input(buyer_in_city=True), TODAY)
    assert (
        contracts.register_contract(
            session, w.officer, _input(buyer_in_city=False), TODAY, seller_institution_id=w.sut
        ).seller_institution_id
        == w.sut
    )


@pytest.mark.parametrize(
    ("days_after", "overdue"),
    [(0, -30), (29, -1), (30, 0), (31, 1), (45, 15)],
)
def test_thirty_day_window_boundaries(db: tuple[Session, World], days_after: int, overdue: int) -> None:
    session, w = db
    c = contracts.register_contract(session, w.institution(w.neu), _input(buyer_in_city=True), TODAY)
    decision = contracts.decide_contract(
        session, w.officer, c.id, "register", TODAY + timedelta(days=days_after)
    )
    assert decision.deadline == TODAY + timedelta(days=30)
    assert decision.overdue_days == overdue
    assert (decision.warning is not None) == (days_after > 30)
    assert c.status == "registered" and c.decided_on == TODAY + timedelta(days=days_after)


def test_refusal_needs_a_reason_and_does_not_count(db: tuple[Session, World]) -> None:
    session, w = db
    a = contracts.register_contract(session, w.institution(w.neu), _input(buyer_in_city=True), TODAY)
    b = contracts.register_contract(
        session, w.institution(w.neu), _input(buyer_in_city=True, amount_fen=500_00), TODAY
    )
    with pytest.raises(AccessDenied):
        contracts.decide_contract(session, w.institution(w.neu), a.id, "register", TODAY)
    with pytest.raises(UserError, match="须选择理由"):
        contracts.decide_contract(session, w.officer, b.id, "refuse", TODAY)
    with pytest.raises(UserError, match="未知的未予登记理由"):
        contracts.decide_contract(session, w.officer, b.id, "refuse", TODAY, reason_id="ugly")
    with pytest.raises(UserError, match="须写明具体理由"):
        contracts.decide_contract(session, w.officer, b.id, "refuse", TODAY, reason_id="other")
    with pytest.raises(UserError, match="不能早于提交日期"):
        contracts.decide_contract(
            session, w.officer, b.id, "refuse", TODAY - timedelta(days=1), reason_id="duplicate"
        )
    refused = contracts.decide_contract(
        session, w.officer, b.id, "refuse", TODAY, reason_id="non_technical", reason="实为设备买卖"
    )
    assert refused.contract.status == "refused" and refused.contract.refusal_reason.startswith("非技术合同")  # type: ignore[union-attr]
    with pytest.raises(TransitionError, match="未予登记"):
        contracts.decide_contract(session, w.officer, b.id, "register", TODAY)
    assert (
        contracts.pending_contracts(session, w.officer, TODAY + timedelta(days=31), overdue_only=True)[0][
            0
        ].id
        == a.id
    )
    contracts.decide_contract(session, w.officer, a.id, "register", TODAY)
    totals = stats.contract_stats(session, w.officer, 2026, "type").total
    assert (totals.contracts, totals.amount_fen) == (1, 14_000_000_00)
    with pytest.raises(UserError, match="未予登记，不计入"):
        revenue.compute_shares(session, w.institution(w.neu), b.id, NOW)


def _registered(session: Session, w: World, decided: date, **kw: object) -> TechContract:
    who = kw.pop("who", w.institution(w.neu))
    kw.setdefault("signed_on", decided - timedelta(days=10))
    c = contracts.register_contract(session, who, _input(**kw), decided)  # type: ignore[arg-type]
    contracts.decide_contract(session, w.officer, c.id, "register", decided)
    return c


def test_output_and_absorb_statistics(db: tuple[Session, World]) -> None:
    session, w = db
    d = date(2026, 2, 1)
    _registered(session, w, d, buyer_enterprise_id=w.firm_b, non_technical_fen=1_000_000_00)  # 和平 → 铁西
    _registered(
        session,
        w,
        d,
        contract_type="development",
        amount_fen=2_000_000_00,
        buyer_in_city=False,
        cluster_id="robotics",
    )
    _registered(
        session,
        w,
        d,
        contract_type="training",
        amount_fen=300_000_00,
        buyer_district_code="210113",
        buyer_name="沈北某公司",
        who=w.firm(w.firm_a),
    )
    _registered(session, w, date(2025, 12, 31), amount_fen=999_00, buyer_in_city=True)  # another year
    by_type = {r.key: r for r in stats.contract_stats(session, w.officer, 2026, "type").rows}
    assert set(by_type) == {"license", "development", "service"}  # 技术培训 counts as 技术服务
    assert (
        by_type["license"].amount_fen == 14_000_000_00 and by_type["license"].technical_fen == 13_000_000_00
    )
    assert by_type["service"].name == "技术服务合同"
    out = {r.key: r.amount_fen for r in stats.contract_stats(session, w.officer, 2026, "district").rows}
    assert out == {"210102": 16_000_000_00, "210112": 300_000_00}
    absorb = stats.contract_stats(session, w.officer, 2026, "district", "absorb")
    assert {r.key: r.amount_fen for r in absorb.rows} == {"210106": 14_000_000_00, "210113": 300_000_00}
    assert absorb.total.contracts == 2  # the out-of-city buyer is not 吸纳
    fields = {r.key for r in stats.contract_stats(session, w.officer, 2026, "field").rows}
    assert fields == {"new_energy", "robotics"}
    with pytest.raises(UserError, match="统计维度"):
        stats.contract_stats(session, w.officer, 2026, "colour")
    with pytest.raises(AccessDenied):
        stats.contract_stats(session, w.firm(w.firm_a), 2026)

    progress = stats.turnover_progress(session, w.officer, 2026, date(2026, 3, 31))
    assert progress.turnover_fen == 16_300_000_00 and progress.target_fen == 92_000_000_000_00
    assert progress.previous_year_fen == 999_00 and progress.progress == Decimal(16_300_000_00) / Decimal(
        92_000_000_000_00
    )
    assert "920亿元" in progress.target_text
    last = stats.turnover_progress(session, w.officer, 2025, date(2025, 12, 31))
    assert last.target_fen is None and last.published_fen == 83_060_000_000_00


@pytest.mark.parametrize(
    ("institution", "rate", "income", "expected"),
    [
        # 东北大学: rulebook policy 70%–92%; default 70%; 1400万元 at 92%
        ("neu", None, 14_000_000_00, [4_200_000_00, 4_900_000_00, 2_940_000_00, 1_960_000_00]),
        ("neu", "0.92", 14_000_000_00, [1_120_000_00, 6_440_000_00, 3_864_000_00, 2_576_000_00]),
        ("neu", "0.92", 1, [0, 1, 0, 0]),  # one fen goes to the inventors (minimum), to the first recorded
        # 沈阳工业大学: its own declared range 70%–80% (一校一策)
        # 800,000.8 fen at the 80% maximum: rounding up would exceed it, so the institution keeps the odd fen
        ("sut", "0.80", 10_000_01, [2_000_01, 4_800_00, 3_200_00]),
    ],
)
def test_revenue_sharing_per_institution(
    db: tuple[Session, World], institution: str, rate: str | None, income: int, expected: list[int]
) -> None:
    session, w = db
    inst = w.neu if institution == "neu" else w.sut
    ach = w.battery if institution == "neu" else w.coating
    c = _registered(session, w, TODAY, who=w.institution(inst), achievement_id=ach, buyer_in_city=True)
    result = revenue.compute_shares(
        session,
        w.institution(inst),
        c.id,
        NOW,
        rate=None if rate is None else Decimal(rate),
        income_fen=income,
    )
    assert [p.amount_fen for p in result.split.parts] == expected
    assert sum(expected) == income
    stored = revenue.stored_shares(session, w.officer, c.id)
    assert [s.amount_fen for s in stored] == expected and {s.income_fen for s in stored} == {income}
    assert stored[0].party_kind == "institution" and stored[0].party_name in ("东北大学", "沈阳工业大学")


def test_revenue_policy_limits_and_access(db: tuple[Session, World]) -> None:
    session, w = db
    c = _registered(
        session,
        w,
        TODAY,
        who=w.institution(w.sut),
        achievement_id=w.coating,
        buyer_in_city=True,
        non_technical_fen=1_000_000_00,
    )
    policy = revenue.policy_for(session.get(Institution, w.sut))  # type: ignore[arg-type]
    assert (policy.rate_min, policy.rate_max) == (Decimal("0.70"), Decimal("0.80"))
    with pytest.raises(UserError, match=r"超出本单位政策范围 \[0.70, 0.80\]"):
        revenue.compute_shares(session, w.institution(w.sut), c.id, NOW, rate=Decimal("0.92"))
    with pytest.raises(AccessDenied):
        revenue.compute_shares(session, w.institution(w.neu), c.id, NOW)
    default = revenue.compute_shares(session, w.institution(w.sut), c.id, NOW, save=False)
    assert default.split.income_fen == 13_000_000_00  # 技术交易额 = 成交额 − 非技术性款项
    assert default.split.pool_fen == 9_100_000_00 and revenue.stored_shares(session, w.officer, c.id) == []
    firm_sale = _registered(session, w, TODAY, who=w.firm(w.firm_a), buyer_in_city=True, buyer_name="乙公司")
    with pytest.raises(UserError, match="卖方不是高校/院所"):
        revenue.compute_shares(session, w.admin, firm_sale.id, NOW)
    unlinked = _registered(session, w, TODAY, buyer_in_city=True)
    with pytest.raises(UserError, match="未关联科技成果"):
        revenue.compute_shares(session, w.admin, unlinked.id, NOW)
