"""Enterprise demands (技术需求, 订单式需求): problem, technical indicators, budget and deadline."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from sqlalchemy import select
from sqlalchemy.orm import Session

from innopoints.accounts.principal import Principal
from innopoints.adapters.db.tables import Demand, Enterprise
from innopoints.errors import UserError
from innopoints.transfer.access import acting_enterprise, is_staff, require_own_enterprise
from innopoints.transfer.common import check_cluster, get_row, need_text
from innopoints.transfer.states import DEMAND


@dataclass(frozen=True)
class DemandInput:
    title: str
    description: str  # the problem to solve
    cluster_id: str
    budget_fen: int
    deadline: date
    indicators: str = ""  # technical indicators the solution must meet


def post_demand(
    session: Session,
    principal: Principal,
    data: DemandInput,
    today: date,
    enterprise_id: int | None = None,
) -> Demand:
    firm_id = acting_enterprise(principal, enterprise_id, "发布技术需求")
    firm = get_row(session, Enterprise, firm_id, "企业")
    if data.budget_fen <= 0:
        raise UserError("需求预算应大于 0 元")
    if data.deadline <= today:
        raise UserError(f"截止日期 {data.deadline.isoformat()} 应晚于今天 {today.isoformat()}")
    row = Demand(
        enterprise_id=firm.id,
        title=need_text(data.title, "需求名称", 300),
        description=need_text(data.description, "需求描述（要解决的问题）"),
        indicators=data.indicators.strip(),
        cluster_id=check_cluster(data.cluster_id),
        budget_fen=data.budget_fen,
        deadline=data.deadline,
        district_code=firm.district_code,
        status="open",
        posted_on=today,
    )
    session.add(row)
    session.flush()
    return row


def change_demand(session: Session, principal: Principal, demand_id: int, action: str, today: date) -> Demand:
    row = get_row(session, Demand, demand_id, "技术需求")
    require_own_enterprise(principal, row.enterprise_id, "变更该需求状态")
    row.status = DEMAND.next(row.status, action, f" #{row.id}")
    row.closed_on = today if row.status in ("closed", "withdrawn") else None
    session.flush()
    return row


def visible_demands(
    session: Session, principal: Principal, status: str | None = None, limit: int = 200
) -> list[Demand]:
    """A firm sees its own demands; staff see all; other roles see open demands (for matching and brokering)."""
    stmt = select(Demand).order_by(Demand.posted_on.desc(), Demand.id.desc()).limit(limit)
    if principal.enterprise_id is not None and not is_staff(principal):
        stmt = stmt.where(Demand.enterprise_id == principal.enterprise_id)
    elif not is_staff(principal):
        stmt = stmt.where(Demand.status == "open")
    if status is not None:
        if status not in DEMAND.states:
            raise UserError(f"需求状态“{status}”不存在，应为：{'、'.join(DEMAND.states)}")
        stmt = stmt.where(Demand.status == status)
    return list(session.scalars(stmt))
