"""Service orders (菜单式服务): a firm orders a menu item of a 中试基地 / 概念验证中心; the base accepts it
(within the item's yearly capacity), serves and delivers it."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from innopoints.accounts.principal import Principal
from innopoints.accounts.roles import Role
from innopoints.adapters.db.tables import Demand, Enterprise, PilotBase, PilotService
from innopoints.adapters.db.transfer_tables import ServiceOrder
from innopoints.errors import UserError
from innopoints.transfer.access import acting_enterprise, is_staff, require_own_base, require_own_enterprise
from innopoints.transfer.common import get_row, need_text
from innopoints.transfer.rulebook import load_transfer_rulebook
from innopoints.transfer.states import ORDER

BASE_ACTIONS = ("accept", "start", "deliver", "reject")


@dataclass(frozen=True)
class Capacity:
    service_id: int
    year: int
    capacity: int
    used: int

    @property
    def remaining(self) -> int:
        return max(0, self.capacity - self.used)


def capacity(session: Session, service_id: int, year: int) -> Capacity:
    """Orders of ``year`` (by order date) in the statuses that use capacity, against the yearly capacity."""
    service = get_row(session, PilotService, service_id, "中试服务项目")
    counted = load_transfer_rulebook().orders.capacity.counted_statuses
    used = session.scalar(
        select(func.count()).where(
            ServiceOrder.service_id == service_id,
            ServiceOrder.status.in_(counted),
            ServiceOrder.ordered_on >= date(year, 1, 1),
            ServiceOrder.ordered_on <= date(year, 12, 31),
        )
    )
    return Capacity(service_id, year, service.capacity_per_year, int(used or 0))


def _full(service: PilotService, cap: Capacity) -> UserError:
    return UserError(
        f"服务项目 #{service.id}“{service.name}”{cap.year} 年服务能力已满（{cap.used}/{cap.capacity} 单），请选择其他基地或明年再约"
    )


def place_order(
    session: Session,
    principal: Principal,
    service_id: int,
    today: date,
    note: str = "",
    demand_id: int | None = None,
    enterprise_id: int | None = None,
) -> ServiceOrder:
    firm_id = acting_enterprise(principal, enterprise_id, "预约中试服务")
    get_row(session, Enterprise, firm_id, "企业")
    service = get_row(session, PilotService, service_id, "中试服务项目")
    cap = capacity(session, service_id, today.year)
    if cap.remaining <= 0:
        raise _full(service, cap)
    if demand_id is not None and get_row(session, Demand, demand_id, "技术需求").enterprise_id != firm_id:
        raise UserError(f"技术需求 #{demand_id} 不属于本企业")
    row = ServiceOrder(
        service_id=service.id,
        base_id=service.base_id,
        enterprise_id=firm_id,
        demand_id=demand_id,
        status="submitted",
        price_fen=service.price_fen,
        ordered_on=today,
        note=note.strip(),
    )
    session.add(row)
    session.flush()
    return row


def change_order(
    session: Session, principal: Principal, order_id: int, action: str, today: date, note: str | None = None
) -> ServiceOrder:
    """Base actions: accept (capacity checked), start, deliver (delivery note), reject (reason). Firm: cancel."""
    row = get_row(session, ServiceOrder, order_id, "服务订单")
    if action == "cancel":
        require_own_enterprise(principal, row.enterprise_id, "取消该订单")
    elif action in BASE_ACTIONS:
        require_own_base(principal, row.base_id, "处理该订单")
    target = ORDER.next(row.status, action, f" #{row.id}")
    if action == "accept":
        session.get(PilotService, row.service_id, with_for_update=True)  # serialise accepts of one item (PG)
        cap = capacity(session, row.service_id, row.ordered_on.year)
        if cap.remaining <= 0:
            raise _full(get_row(session, PilotService, row.service_id, "中试服务项目"), cap)
        row.accepted_on = today
    elif action == "start":
        row.started_on = today
    elif action == "deliver":
        row.delivery_note = need_text(note, "交付说明（成果、报告或样品）")
        row.delivered_on = today
    elif action in ("reject", "cancel"):
        row.reason = need_text(note, "不予受理原因" if action == "reject" else "取消原因", 300)
    row.status = target
    session.flush()
    return row


@dataclass(frozen=True)
class OrderView:
    order_id: int
    status: str
    status_zh: str
    service: str
    base: str
    enterprise: str
    price_fen: int
    ordered_on: date
    delivered_on: date | None


def list_orders(
    session: Session, principal: Principal, base_id: int | None = None, status: str | None = None
) -> list[OrderView]:
    """A firm sees its orders, a base its base's orders, staff any (optionally one base)."""
    stmt = (
        select(ServiceOrder, PilotService.name, PilotBase.name, Enterprise.name)
        .join(PilotService, ServiceOrder.service_id == PilotService.id)
        .join(PilotBase, ServiceOrder.base_id == PilotBase.id)
        .join(Enterprise, ServiceOrder.enterprise_id == Enterprise.id)
        .order_by(ServiceOrder.ordered_on.desc(), ServiceOrder.id.desc())
    )
    if principal.role is Role.ENTERPRISE:
        stmt = stmt.where(ServiceOrder.enterprise_id == principal.enterprise_id)
    elif principal.role is Role.PILOT_BASE:
        stmt = stmt.where(ServiceOrder.base_id == principal.pilot_base_id)
    elif not is_staff(principal):
        require_own_base(principal, base_id or -1, "查看服务订单")
    if base_id is not None:
        stmt = stmt.where(ServiceOrder.base_id == base_id)
    if status is not None:
        if status not in ORDER.states:
            raise UserError(f"订单状态“{status}”不存在，应为：{'、'.join(ORDER.states)}")
        stmt = stmt.where(ServiceOrder.status == status)
    return [
        OrderView(
            o.id,
            o.status,
            ORDER.state_zh(o.status),
            svc,
            base,
            firm,
            o.price_fen,
            o.ordered_on,
            o.delivered_on,
        )
        for o, svc, base, firm in session.execute(stmt)
    ]
