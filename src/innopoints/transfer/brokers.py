"""Technology brokers (技术经纪人): certification, routing demands to them, the 对接 → 洽谈 → 签约 pipeline,
ratings by the firms they served."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from decimal import Decimal, InvalidOperation

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from innopoints.accounts.principal import Principal
from innopoints.adapters.db.tables import Achievement, Broker, Demand, Enterprise, TechContract
from innopoints.adapters.db.transfer_tables import BrokerAssignment, BrokerRating
from innopoints.errors import UserError
from innopoints.transfer.access import require_own_broker, require_own_enterprise, require_staff
from innopoints.transfer.common import check_cluster, check_district, get_row, need_text
from innopoints.transfer.routing import BrokerLoad, choose_broker
from innopoints.transfer.rulebook import load_transfer_rulebook
from innopoints.transfer.states import ACTIVE_STAGES, ASSIGNMENT, DEMAND


def _rating(text: str) -> Decimal:
    try:
        return Decimal(text)
    except InvalidOperation:
        return Decimal(0)


def register_broker(
    session: Session,
    principal: Principal,
    *,
    name: str,
    certificate_no: str,
    certified_on: date,
    cluster_id: str,
    district_code: str,
    level: str = "junior",
    organization: str = "",
    max_load: int | None = None,
) -> Broker:
    require_staff(principal, "登记技术经纪人")
    levels = load_transfer_rulebook().brokers.levels
    if level not in levels:
        raise UserError(
            f"经纪人等级“{level}”不存在，应为：{'、'.join(f'{k}（{v}）' for k, v in levels.items())}"
        )
    cert = need_text(certificate_no, "证书编号", 40)
    if session.scalar(select(Broker.id).where(Broker.certificate_no == cert)) is not None:
        raise UserError(f"证书编号 {cert} 已登记")
    if max_load is not None and max_load <= 0:
        raise UserError("在办上限应为正整数")
    row = Broker(
        name=need_text(name, "经纪人姓名", 60),
        certificate_no=cert,
        certified_on=certified_on,
        cluster_id=check_cluster(cluster_id),
        district_code=check_district(district_code),
        level=level,
        organization=organization.strip(),
        max_load=max_load,
        rating="0",
    )
    session.add(row)
    session.flush()
    return row


def broker_loads(session: Session, today: date) -> list[BrokerLoad]:
    default = load_transfer_rulebook().brokers.routing.default_max_load
    active = (
        select(BrokerAssignment.broker_id, func.count().label("n"))
        .where(BrokerAssignment.stage.in_(ACTIVE_STAGES))
        .group_by(BrokerAssignment.broker_id)
        .subquery()
    )
    stmt = select(Broker, func.coalesce(active.c.n, 0)).outerjoin(active, active.c.broker_id == Broker.id)
    return [
        BrokerLoad(
            broker_id=b.id,
            name=b.name,
            cluster_id=b.cluster_id,
            district_code=b.district_code,
            rating=_rating(b.rating),
            active=int(n),
            max_load=b.max_load or default,
            certified=b.certificate_no is not None and b.certified_on is not None and b.certified_on <= today,
            enabled=b.active,
        )
        for b, n in session.execute(stmt.order_by(Broker.id))
    ]


def route_demand(
    session: Session, principal: Principal, demand_id: int, today: date, broker_id: int | None = None
) -> BrokerAssignment:
    """Assign an open demand to a broker: the one the routing rules choose, or ``broker_id`` (manual)."""
    demand = get_row(session, Demand, demand_id, "技术需求")
    require_own_enterprise(principal, demand.enterprise_id, "分派该需求")
    if demand.status != "open":
        raise UserError(
            f"技术需求 #{demand.id} 当前状态为“{DEMAND.state_zh(demand.status)}”，只有征集中的需求可以分派"
        )
    busy = session.scalar(
        select(BrokerAssignment.id).where(
            BrokerAssignment.demand_id == demand_id, BrokerAssignment.stage.in_(ACTIVE_STAGES)
        )
    )
    if busy is not None:
        raise UserError(f"技术需求 #{demand.id} 已有进行中的经纪人对接（#{busy}）")
    loads = broker_loads(session, today)
    settings = load_transfer_rulebook().brokers.routing
    if broker_id is not None:
        require_staff(principal, "指定经纪人")
        chosen = next((b for b in loads if b.broker_id == broker_id), None)
        if chosen is None:
            raise UserError(f"未找到技术经纪人 #{broker_id}")
        if not chosen.enabled or (settings.require_certificate and not chosen.certified):
            raise UserError(f"技术经纪人 #{broker_id} 未取得有效证书或已停用，不能分派")
        if not chosen.has_capacity:
            raise UserError(f"技术经纪人 #{broker_id} 在办任务已满（{chosen.active}/{chosen.max_load}）")
        by, reason = "manual", f"人工指定（在办 {chosen.active}/{chosen.max_load}）"
    else:
        choice = choose_broker(loads, demand.cluster_id, demand.district_code, settings)
        if choice is None:
            raise UserError("暂无有空闲的持证技术经纪人可分派，请稍后再试或人工指定")
        chosen, by, reason = choice.broker, "auto", choice.reason
    row = BrokerAssignment(
        demand_id=demand.id,
        broker_id=chosen.broker_id,
        stage="docking",
        routed_by=by,
        routing_reason=reason,
        assigned_on=today,
        stage_changed_on=today,
    )
    session.add(row)
    session.flush()
    return row


def advance_assignment(
    session: Session,
    principal: Principal,
    assignment_id: int,
    action: str,
    today: date,
    *,
    contract_id: int | None = None,
    achievement_id: int | None = None,
    reason: str | None = None,
) -> BrokerAssignment:
    """对接 → 洽谈 → 签约 (needs the signed contract), or 终止 (needs a reason)."""
    row = get_row(session, BrokerAssignment, assignment_id, "经纪人对接任务")
    require_own_broker(principal, row.broker_id, "推进该对接任务")
    target = ASSIGNMENT.next(row.stage, action, f" #{row.id}")
    if achievement_id is not None:
        get_row(session, Achievement, achievement_id, "科技成果")
        row.achievement_id = achievement_id
    demand = get_row(session, Demand, row.demand_id, "技术需求")
    if target == "signed":
        if contract_id is None:
            raise UserError("签约须关联已提交登记的技术合同（--contract）")
        contract = get_row(session, TechContract, contract_id, "技术合同")
        if contract.status == "refused":
            raise UserError(f"技术合同 #{contract_id} 未予登记，不能作为签约依据")
        row.contract_id = contract.id
        contract.demand_id, contract.broker_id = demand.id, row.broker_id
        if demand.status == "open":
            demand.status = DEMAND.next(demand.status, "match")
    if target == "terminated":
        row.end_reason = need_text(reason, "终止原因", 300)
    row.stage, row.stage_changed_on = target, today
    session.flush()
    return row


def rate_broker(
    session: Session, principal: Principal, assignment_id: int, score: int, today: date, comment: str = ""
) -> BrokerRating:
    """The demand's firm rates the broker once the assignment is signed or terminated."""
    row = get_row(session, BrokerAssignment, assignment_id, "经纪人对接任务")
    demand = get_row(session, Demand, row.demand_id, "技术需求")
    require_own_enterprise(principal, demand.enterprise_id, "评价经纪人", staff=False)
    scale = load_transfer_rulebook().brokers.rating
    if not scale.min <= score <= scale.max:
        raise UserError(f"评分应为 {scale.min}–{scale.max} 的整数，收到 {score}")
    if row.stage in ACTIVE_STAGES:
        raise UserError(
            f"对接任务 #{row.id} 尚在“{ASSIGNMENT.state_zh(row.stage)}”阶段，签约或终止后才能评价"
        )
    if session.scalar(select(BrokerRating.id).where(BrokerRating.assignment_id == row.id)) is not None:
        raise UserError(f"对接任务 #{row.id} 已评价过")
    rating = BrokerRating(
        assignment_id=row.id, broker_id=row.broker_id, score=score, comment=comment.strip(), rated_on=today
    )
    session.add(rating)
    session.flush()
    broker = get_row(session, Broker, row.broker_id, "技术经纪人")
    avg = session.scalar(select(func.avg(BrokerRating.score)).where(BrokerRating.broker_id == broker.id))
    broker.rating = f"{Decimal(str(avg)).quantize(Decimal('0.1'))}"
    session.flush()
    return rating


@dataclass(frozen=True)
class PipelineItem:
    assignment_id: int
    stage: str
    stage_zh: str
    demand_id: int
    demand_title: str
    enterprise: str
    budget_fen: int
    deadline: date
    assigned_on: date
    days_in_stage: int
    contract_id: int | None


def pipeline(
    session: Session, principal: Principal, broker_id: int, today: date, include_closed: bool = False
) -> list[PipelineItem]:
    """A broker's assignments, active first then by age (the broker's own view)."""
    require_own_broker(principal, broker_id, "查看对接任务")
    get_row(session, Broker, broker_id, "技术经纪人")
    stmt = (
        select(BrokerAssignment, Demand, Enterprise.name)
        .join(Demand, BrokerAssignment.demand_id == Demand.id)
        .join(Enterprise, Demand.enterprise_id == Enterprise.id)
        .where(BrokerAssignment.broker_id == broker_id)
    )
    if not include_closed:
        stmt = stmt.where(BrokerAssignment.stage.in_(ACTIVE_STAGES))
    items = [
        PipelineItem(
            a.id,
            a.stage,
            ASSIGNMENT.state_zh(a.stage),
            d.id,
            d.title,
            name,
            d.budget_fen,
            d.deadline,
            a.assigned_on,
            (today - a.stage_changed_on).days,
            a.contract_id,
        )
        for a, d, name in session.execute(stmt)
    ]
    order = {s: i for i, s in enumerate(ASSIGNMENT.states)}
    return sorted(items, key=lambda i: (order[i.stage], i.assigned_on, i.assignment_id))
