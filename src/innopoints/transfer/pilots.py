"""中试基地 / 概念验证中心: the service menu by field and subfield with this year's remaining capacity (what a firm
orders from), and a base reporting its cumulative outputs (新产品, 新技术, 孵化企业, 中试服务合同)."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from innopoints.accounts.principal import Principal
from innopoints.adapters.db.tables import PilotBase, PilotService
from innopoints.adapters.db.transfer_tables import ServiceOrder
from innopoints.errors import UserError
from innopoints.transfer.access import require_own_base
from innopoints.transfer.common import check_cluster, get_row
from innopoints.transfer.performance import OUTPUT_COLUMNS
from innopoints.transfer.rulebook import load_transfer_rulebook

KIND_ZH = {"pilot": "中试基地", "concept": "概念验证中心"}


@dataclass(frozen=True)
class MenuItem:
    service_id: int
    name: str
    subfield: str
    base_id: int
    base_name: str
    base_kind: str
    cluster_id: str
    district_code: str
    price_fen: int
    capacity: int
    remaining: int


def menu(
    session: Session,
    year: int,
    cluster_id: str | None = None,
    subfield: str | None = None,
    base_id: int | None = None,
    only_available: bool = False,
) -> list[MenuItem]:
    """Menu items (anyone may browse) with the remaining capacity of ``year``."""
    counted = load_transfer_rulebook().orders.capacity.counted_statuses
    used = (
        select(ServiceOrder.service_id, func.count().label("n"))
        .where(
            ServiceOrder.status.in_(counted),
            func.extract("year", ServiceOrder.ordered_on) == year,
        )
        .group_by(ServiceOrder.service_id)
        .subquery()
    )
    stmt = (
        select(PilotService, PilotBase, func.coalesce(used.c.n, 0))
        .join(PilotBase, PilotService.base_id == PilotBase.id)
        .outerjoin(used, used.c.service_id == PilotService.id)
        .order_by(PilotBase.cluster_id, PilotService.subfield, PilotService.id)
    )
    if cluster_id is not None:
        stmt = stmt.where(PilotBase.cluster_id == check_cluster(cluster_id))
    if subfield is not None:
        stmt = stmt.where(PilotService.subfield == subfield)
    if base_id is not None:
        stmt = stmt.where(PilotService.base_id == base_id)
    items = [
        MenuItem(
            s.id,
            s.name,
            s.subfield,
            b.id,
            b.name,
            b.kind,
            b.cluster_id,
            b.district_code,
            s.price_fen,
            s.capacity_per_year,
            max(0, s.capacity_per_year - int(n)),
        )
        for s, b, n in session.execute(stmt)
    ]
    return [i for i in items if i.remaining > 0] if only_available else items


def report_outputs(session: Session, principal: Principal, base_id: int, **added: int) -> PilotBase:
    """A base adds to its cumulative outputs, e.g. ``new_products=2, service_contracts=15`` (never negative)."""
    base = get_row(session, PilotBase, base_id, "中试基地/概念验证中心")
    require_own_base(principal, base.id, "填报产出")
    unknown = sorted(set(added) - set(OUTPUT_COLUMNS))
    if unknown:
        raise UserError(f"未知的产出指标：{'、'.join(unknown)}（应为 {'、'.join(OUTPUT_COLUMNS)}）")
    for key, value in added.items():
        if value < 0:
            raise UserError(f"产出指标 {key} 的新增数不能为负数（累计数只增不减）")
        setattr(base, key, getattr(base, key) + value)
    session.flush()
    return base
