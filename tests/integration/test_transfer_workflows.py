"""成果转化 workflows on the database: demands routed to brokers through 对接 → 洽谈 → 签约, service orders within
capacity, the "卡脖子" challenge list, achievements and interested firms — each with its access rules."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date, timedelta

import pytest
import sqlalchemy as sa
from sqlalchemy.orm import Session
from transfer_seed import TODAY, World, seed

from innopoints.accounts.errors import AccessDenied
from innopoints.adapters.db.tables import Broker, Demand
from innopoints.errors import UserError
from innopoints.transfer import (
    achievements,
    brokers,
    challenges,
    commissioners,
    contracts,
    demands,
    matches,
    orders,
    pilots,
)
from innopoints.transfer.states import TransitionError


@pytest.fixture
def db(engine: sa.Engine) -> Iterator[tuple[Session, World]]:
    with Session(engine) as session:
        world = seed(session)
        session.commit()
        yield session, world


def _demand(session: Session, w: World, firm: int | None = None, cluster: str = "new_energy") -> Demand:
    data = demands.DemandInput(
        title="储能电池剩余电量估计不准",
        description="需要提高电池管理系统的荷电状态估计精度",
        cluster_id=cluster,
        budget_fen=5_000_000_00,
        deadline=TODAY + timedelta(days=120),
        indicators="SOC 误差 ≤ 2%",
    )
    return demands.post_demand(session, w.firm(firm or w.firm_a), data, TODAY)


def test_demand_is_routed_by_field_and_load_then_signed(db: tuple[Session, World]) -> None:
    session, w = db
    first = brokers.route_demand(session, w.firm(w.firm_a), _demand(session, w).id, TODAY)
    # equal load 0/2: the broker in the demand's district (吴, 浑南区) before the better-rated one elsewhere
    assert (
        first.broker_id == w.brokers[1]
        and "同领域" in first.routing_reason
        and "同区县" in first.routing_reason
    )
    second = brokers.route_demand(session, w.officer, _demand(session, w).id, TODAY)
    assert second.broker_id == w.brokers[0]  # 吴 now has 1/2, 周 0/2
    third = brokers.route_demand(session, w.admin, _demand(session, w).id, TODAY)
    fourth = brokers.route_demand(session, w.admin, _demand(session, w).id, TODAY)
    # both new-energy brokers full (2/2): cross-field fallback, never the uncertified one
    fifth = brokers.route_demand(session, w.admin, _demand(session, w).id, TODAY)
    assert fifth.broker_id == w.brokers[2] and "跨领域兜底" in fifth.routing_reason

    with pytest.raises(UserError, match="已有进行中的经纪人对接"):
        brokers.route_demand(session, w.admin, first.demand_id, TODAY)
    mine = w.broker(first.broker_id)
    assert (third.broker_id, fourth.broker_id) == (
        w.brokers[1],
        w.brokers[0],
    )  # 1/2 each: same district first
    assert [i.assignment_id for i in brokers.pipeline(session, mine, first.broker_id, TODAY)] == [
        first.id,
        third.id,
    ]
    with pytest.raises(AccessDenied):
        brokers.pipeline(session, w.broker(w.brokers[0]), w.brokers[1], TODAY)
    with pytest.raises(AccessDenied):
        brokers.advance_assignment(session, w.broker(w.brokers[0]), first.id, "negotiate", TODAY)
    with pytest.raises(TransitionError, match="当前状态为“对接”，不能执行“签约”"):
        brokers.advance_assignment(session, mine, first.id, "sign", TODAY)
    brokers.advance_assignment(session, mine, first.id, "negotiate", TODAY + timedelta(days=5))
    with pytest.raises(UserError, match="签约须关联"):
        brokers.advance_assignment(session, mine, first.id, "sign", TODAY)
    with pytest.raises(UserError, match="尚在“洽谈”阶段"):
        brokers.rate_broker(session, w.firm(w.firm_a), first.id, 5, TODAY)
    contract = contracts.register_contract(
        session,
        w.institution(w.neu),
        contracts.ContractInput(
            "license",
            "电池荷电状态估计技术许可",
            3_000_000_00,
            TODAY,
            "沈阳储能科技有限公司",
            "new_energy",
            buyer_enterprise_id=w.firm_a,
            achievement_id=w.battery,
        ),
        TODAY,
    )
    signed = brokers.advance_assignment(
        session, mine, first.id, "sign", TODAY + timedelta(days=9), contract_id=contract.id
    )
    assert signed.stage == "signed" and session.get(Demand, first.demand_id).status == "matched"  # type: ignore[union-attr]
    assert contract.broker_id == first.broker_id and contract.demand_id == first.demand_id
    with pytest.raises(AccessDenied):
        brokers.rate_broker(session, w.firm(w.firm_b), first.id, 5, TODAY)
    with pytest.raises(UserError, match="评分应为 1–5"):
        brokers.rate_broker(session, w.firm(w.firm_a), first.id, 6, TODAY)
    brokers.rate_broker(session, w.firm(w.firm_a), first.id, 3, TODAY, "响应及时")
    assert session.get(Broker, first.broker_id).rating == "3.0"  # type: ignore[union-attr]
    with pytest.raises(UserError, match="已评价过"):
        brokers.rate_broker(session, w.firm(w.firm_a), first.id, 4, TODAY)
    with pytest.raises(UserError, match="终止原因不能为空"):
        brokers.advance_assignment(session, w.admin, second.id, "terminate", TODAY)
    brokers.advance_assignment(session, w.admin, second.id, "terminate", TODAY, reason="企业暂停项目")


def test_manual_routing_respects_certificates_and_load(db: tuple[Session, World]) -> None:
    session, w = db
    d = _demand(session, w)
    with pytest.raises(AccessDenied, match="无权指定经纪人"):
        brokers.route_demand(session, w.firm(w.firm_a), d.id, TODAY, broker_id=w.brokers[0])
    with pytest.raises(UserError, match="未取得有效证书"):
        brokers.route_demand(session, w.officer, d.id, TODAY, broker_id=w.brokers[3])
    row = brokers.route_demand(session, w.officer, d.id, TODAY, broker_id=w.brokers[2])
    assert row.routed_by == "manual"
    with pytest.raises(AccessDenied):
        brokers.route_demand(session, w.firm(w.firm_b), _demand(session, w).id, TODAY)


def test_demand_input_and_state_rules(db: tuple[Session, World]) -> None:
    session, w = db
    base = dict(
        title="t",
        description="d",
        cluster_id="new_energy",
        budget_fen=100,
        deadline=TODAY + timedelta(days=1),
    )
    for change, message in (
        ({"budget_fen": 0}, "预算应大于 0 元"),
        ({"deadline": TODAY}, "应晚于今天"),
        ({"cluster_id": "space"}, "技术领域（产业集群）“space”不存在"),
        ({"title": "  "}, "需求名称不能为空"),
    ):
        with pytest.raises(UserError, match=message):
            demands.post_demand(session, w.firm(w.firm_a), demands.DemandInput(**(base | change)), TODAY)  # type: ignore[arg-type]
    with pytest.raises(AccessDenied, match="仅企业用户"):
        demands.post_demand(session, w.institution(w.neu), demands.DemandInput(**base), TODAY)  # type: ignore[arg-type]
    d = demands.post_demand(
        session, w.firm(w.firm_a), demands.DemandInput(**base | {"cluster_id": "新能源"}), TODAY
    )  # type: ignore[arg-type]
    assert d.cluster_id == "new_energy" and d.district_code == "210112"
    demands.change_demand(session, w.firm(w.firm_a), d.id, "withdraw", TODAY)
    with pytest.raises(TransitionError, match=r"技术需求 #\d+当前状态为“已撤回”"):
        demands.change_demand(session, w.firm(w.firm_a), d.id, "close", TODAY)
    assert [x.id for x in demands.visible_demands(session, w.firm(w.firm_b))] == []


def test_service_orders_respect_capacity_and_roles(db: tuple[Session, World]) -> None:
    session, w = db
    base_user = w.base_user(w.base)
    first = orders.place_order(session, w.firm(w.firm_a), w.service, TODAY, note="试制 50 只电芯")
    second = orders.place_order(session, w.firm(w.firm_b), w.service, TODAY)
    third = orders.place_order(session, w.firm(w.firm_c), w.service, TODAY)
    assert orders.capacity(session, w.service, 2026).used == 0  # submitted orders use no capacity yet
    with pytest.raises(AccessDenied, match="仅限本基地"):
        orders.change_order(session, w.firm(w.firm_a), first.id, "accept", TODAY)
    orders.change_order(session, base_user, first.id, "accept", TODAY)
    orders.change_order(session, base_user, second.id, "accept", TODAY)
    with pytest.raises(UserError, match="2026 年服务能力已满（2/2 单）"):
        orders.change_order(session, base_user, third.id, "accept", TODAY)
    with pytest.raises(UserError, match="服务能力已满"):
        orders.place_order(session, w.firm(w.firm_c), w.service, TODAY)
    # next year the capacity is fresh
    assert orders.capacity(session, w.service, 2027).remaining == 2
    with pytest.raises(TransitionError, match="当前状态为“已受理”，不能执行“交付”"):
        orders.change_order(session, base_user, first.id, "deliver", TODAY, note="报告")
    orders.change_order(session, base_user, first.id, "start", TODAY)
    with pytest.raises(UserError, match="交付说明"):
        orders.change_order(session, base_user, first.id, "deliver", TODAY)
    done = orders.change_order(
        session, base_user, first.id, "deliver", TODAY + timedelta(days=30), note="试制报告与样品"
    )
    assert done.status == "delivered" and done.delivered_on == TODAY + timedelta(days=30)
    with pytest.raises(AccessDenied, match="仅限本企业"):
        orders.change_order(session, w.firm(w.firm_a), third.id, "cancel", TODAY, note="x")
    orders.change_order(session, w.firm(w.firm_c), third.id, "cancel", TODAY, note="改约其他基地")
    # a cancelled accepted order frees capacity
    orders.change_order(session, w.firm(w.firm_b), second.id, "cancel", TODAY, note="项目调整")
    assert orders.capacity(session, w.service, 2026).remaining == 1
    assert [o.order_id for o in orders.list_orders(session, w.firm(w.firm_a))] == [first.id]
    assert len(orders.list_orders(session, base_user)) == 3
    with pytest.raises(AccessDenied):
        orders.list_orders(session, w.broker(w.brokers[0]))


def test_challenge_list_from_submission_to_award(db: tuple[Session, World]) -> None:
    session, w = db
    data = challenges.ChallengeInput(
        "高温合金叶片精密铸造", "国外产品依赖度高", "new_materials", 20_000_000_00, "良品率 ≥ 90%"
    )
    good = challenges.submit_challenge(session, w.firm(w.firm_c), data, TODAY)
    weak = challenges.submit_challenge(session, w.firm(w.firm_b), data, TODAY)
    early = challenges.submit_challenge(session, w.firm(w.firm_a), data, TODAY)
    with pytest.raises(AccessDenied):
        challenges.decide_challenge(session, w.firm(w.firm_c), good.id, "review", TODAY)
    with pytest.raises(UserError, match="只有评审中的难题可以评分"):
        challenges.score_challenge(session, w.officer, good.id, w.experts[0], 80, TODAY)
    for c in (good, weak, early):
        challenges.decide_challenge(session, w.officer, c.id, "review", TODAY)
    commissioners.pair(session, w.officer, w.experts[0], w.firm_c, TODAY)
    with pytest.raises(UserError, match="应回避评审"):
        challenges.score_challenge(session, w.officer, good.id, w.experts[0], 90, TODAY)
    for expert, score in zip(w.experts[1:], (80, 75, 70), strict=True):
        challenges.score_challenge(session, w.officer, good.id, expert, score, TODAY)
    for expert, score in zip(w.experts[1:], (70, 80, 74), strict=True):
        challenges.score_challenge(session, w.officer, weak.id, expert, score, TODAY)
    challenges.score_challenge(session, w.officer, early.id, w.experts[1], 99, TODAY)
    with pytest.raises(UserError, match="已为难题"):
        challenges.score_challenge(session, w.officer, early.id, w.experts[1], 98, TODAY)
    with pytest.raises(UserError, match="0–100"):
        challenges.score_challenge(session, w.officer, early.id, w.experts[2], 101, TODAY)
    with pytest.raises(UserError, match="只有 1 位专家评分"):
        challenges.decide_challenge(session, w.officer, early.id, "select", TODAY)
    with pytest.raises(UserError, match=r"平均分 74\.67 低于入选线 75"):
        challenges.decide_challenge(session, w.officer, weak.id, "select", TODAY)
    selected, rejected = challenges.screen(session, w.officer, TODAY)
    assert (selected, rejected) == ([good.id], [weak.id])  # average exactly 75.00 is selected (inclusive)
    challenges.decide_challenge(session, w.officer, good.id, "publish", TODAY)
    assert good.apply_deadline == TODAY + timedelta(days=60)
    with pytest.raises(UserError, match="出题企业不能揭自己的榜"):
        challenges.apply(session, w.firm(w.firm_c), good.id, "自家团队", "方案", 100, TODAY)
    a1 = challenges.apply(
        session, w.institution(w.neu), good.id, "东北大学材料团队", "定向凝固工艺", 18_000_000_00, TODAY
    )
    a2 = challenges.apply(
        session, w.firm(w.firm_b), good.id, "机器人公司联合体", "工艺仿真", 15_000_000_00, TODAY
    )
    with pytest.raises(UserError, match="揭榜截止日期"):
        challenges.apply(
            session, w.institution(w.sut), good.id, "晚到团队", "方案", 100, TODAY + timedelta(days=61)
        )
    with pytest.raises(UserError, match="不在揭榜期"):
        challenges.apply(session, w.institution(w.sut), weak.id, "团队", "方案", 100, TODAY)
    public = challenges.challenge_list(session, w.firm(w.firm_a))
    assert {v.challenge_id for v in public} == {good.id, early.id}  # open tasks + its own problem
    awarded = challenges.choose(session, w.firm(w.firm_c), a1.id, TODAY + timedelta(days=70))
    assert awarded.status == "awarded" and a1.status == "chosen" and a2.status == "not_chosen"
    with pytest.raises(TransitionError):
        challenges.choose(session, w.officer, a2.id, TODAY)
    staff_view = {v.challenge_id: v for v in challenges.challenge_list(session, w.officer)}
    assert staff_view[good.id].reviews == 3 and str(staff_view[good.id].average) == "75.00"
    assert staff_view[good.id].applications == 2 and staff_view[weak.id].status_zh == "未入选"


def test_achievements_interest_and_access(db: tuple[Session, World]) -> None:
    session, w = db
    data = achievements.AchievementInput(
        title="寒地水稻壮苗技术",
        abstract="提高寒地育秧成苗率",
        cluster_id="modern_agriculture",
        subfield="育种",
        trl=6,
        transfer_mode="许可",
        price_fen=50_000_00,
        inventors=[("甲", "0.6"), ("乙", "0.4")],
        pay_after_use=True,
        pay_after_use_months=12,
        license_terms="普通许可，先使用12个月后按销售额3%付费",
    )
    row = achievements.publish_achievement(session, w.institution(w.sut), data, TODAY)
    assert row.transfer_mode == "license" and row.status == "published" and row.pay_after_use_months == 12
    for change, message in (
        ({"trl": 10}, "1–9"),
        ({"transfer_mode": "作价入股"}, "仅适用于转让或许可"),
        ({"pay_after_use_months": None}, "先行使用期"),
        ({"inventors": [("甲", "0.6"), ("乙", "0.3")]}, "合计应为 1"),
        ({"inventors": [("甲", "六成")]}, "不是数字"),
        ({"transfer_mode": "买断"}, "转化方式“买断”不存在"),
    ):
        with pytest.raises(UserError, match=message):
            achievements.publish_achievement(
                session,
                w.institution(w.sut),
                achievements.AchievementInput(**(data.__dict__ | change)),
                TODAY,
            )
    with pytest.raises(AccessDenied):
        achievements.publish_achievement(session, w.firm(w.firm_a), data, TODAY)
    with pytest.raises(AccessDenied):
        achievements.change_achievement(session, w.institution(w.neu), row.id, "withdraw", TODAY)
    achievements.express_interest(session, w.firm(w.firm_a), w.battery, TODAY, note="希望许可")
    with pytest.raises(UserError, match="已对科技成果"):
        achievements.express_interest(session, w.firm(w.firm_a), w.battery, TODAY)
    achievements.express_interest(session, w.firm(w.firm_b), w.battery, TODAY + timedelta(days=1))
    seen = achievements.interested_firms(session, w.institution(w.neu), w.battery)
    assert [f.enterprise_id for f in seen] == [w.firm_b, w.firm_a]
    with pytest.raises(AccessDenied):
        achievements.interested_firms(session, w.institution(w.sut), w.battery)
    achievements.change_achievement(session, w.institution(w.sut), row.id, "withdraw", TODAY)
    with pytest.raises(UserError, match="不接受合作意向"):
        achievements.express_interest(session, w.firm(w.firm_a), row.id, TODAY)


def test_commissioners_are_one_to_one(db: tuple[Session, World]) -> None:
    session, w = db
    with pytest.raises(UserError, match="不是科技特派员"):
        commissioners.pair(session, w.officer, w.experts[1], w.firm_a, TODAY)
    p = commissioners.pair(session, w.officer, w.experts[0], w.firm_a, TODAY)
    with pytest.raises(UserError, match="一对一"):
        commissioners.pair(session, w.officer, w.experts[0], w.firm_b, TODAY)
    commissioners.end_pairing(session, w.officer, p.id, TODAY + timedelta(days=200), "项目结题")
    assert (
        commissioners.pair(session, w.officer, w.experts[0], w.firm_b, date(2026, 12, 1)).expert_id
        == w.experts[0]
    )


def test_matching_services_respect_roles_and_see_new_achievements(db: tuple[Session, World]) -> None:
    session, w = db
    d = _demand(session, w)
    found = matches.demand_matches(session, w.firm(w.firm_a), d.id, top=5)
    assert found.achievements[0].doc_id == str(w.battery)  # 荷电状态 / 电池管理系统 in the demand
    assert found.experts and found.services[0].id == w.service
    with pytest.raises(AccessDenied):
        matches.demand_matches(session, w.firm(w.firm_b), d.id)
    with pytest.raises(AccessDenied):
        matches.demand_matches(session, w.broker(w.brokers[1]), d.id)
    routed = brokers.route_demand(session, w.admin, d.id, TODAY)
    assert matches.demand_matches(session, w.broker(routed.broker_id), d.id).demand_id == d.id
    # a newly published achievement is in the index on the next call (the cached index is rebuilt)
    data = achievements.AchievementInput(
        title="电池管理系统荷电状态在线标定方法",
        abstract="锂电池荷电状态在线估计与标定",
        cluster_id="new_energy",
        subfield="储能",
        trl=8,
        transfer_mode="transfer",
        price_fen=100_000_00,
        inventors=[("孙", "1")],
    )
    new = achievements.publish_achievement(session, w.institution(w.sut), data, TODAY)
    ids = [e.doc_id for e in matches.demand_matches(session, w.officer, d.id, top=5).achievements]
    assert str(new.id) in ids[:2]
    achievements.express_interest(session, w.firm(w.firm_a), w.battery, TODAY)
    firms = matches.achievement_candidates(session, w.institution(w.neu), w.battery)
    assert firms[0].demand_id == d.id and firms[0].interested
    with pytest.raises(AccessDenied):
        matches.achievement_candidates(session, w.institution(w.sut), w.battery)


def test_menu_shows_remaining_capacity_and_bases_report_outputs(db: tuple[Session, World]) -> None:
    session, w = db
    (item,) = pilots.menu(session, 2026, cluster_id="新能源")
    assert (item.service_id, item.capacity, item.remaining, item.base_kind) == (w.service, 2, 2, "pilot")
    order = orders.place_order(session, w.firm(w.firm_a), w.service, TODAY)
    orders.change_order(session, w.base_user(w.base), order.id, "accept", TODAY)
    assert pilots.menu(session, 2026, subfield="储能")[0].remaining == 1
    assert pilots.menu(session, 2027)[0].remaining == 2
    assert pilots.menu(session, 2026, cluster_id="robotics") == []
    base = pilots.report_outputs(session, w.base_user(w.base), w.base, new_products=2, service_contracts=1)
    assert (base.new_products, base.service_contracts) == (12, 31)
    with pytest.raises(AccessDenied):
        pilots.report_outputs(session, w.firm(w.firm_a), w.base, new_products=1)
    with pytest.raises(UserError, match="不能为负数"):
        pilots.report_outputs(session, w.officer, w.base, new_products=-1)
    with pytest.raises(UserError, match="未知的产出指标"):
        pilots.report_outputs(session, w.officer, w.base, patents=1)
