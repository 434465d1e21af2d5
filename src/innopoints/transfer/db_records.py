"""Read matching records from the database (thin adapter; the matching core never sees a session)."""

from __future__ import annotations

from collections.abc import Collection
from decimal import Decimal

from sqlalchemy import select
from sqlalchemy.orm import Session

from innopoints.adapters.db.tables import (
    Achievement,
    Demand,
    Enterprise,
    Expert,
    Institution,
    PilotBase,
    PilotService,
)
from innopoints.region import load_region
from innopoints.transfer.matching.csv_io import split_keywords
from innopoints.transfer.matching.records import (
    AchievementRecord,
    DemandRecord,
    ExpertRecord,
    PilotServiceRecord,
)


def _yuan(fen: int) -> Decimal:
    return Decimal(fen) / 100


def _cluster_name(cluster_id: str) -> str:
    return load_region().cluster_name(cluster_id)


def load_achievements(
    session: Session, *, only_published: bool = True, ids: Collection[int] | None = None
) -> list[AchievementRecord]:
    stmt = select(Achievement, Institution.name).join(
        Institution, Achievement.institution_id == Institution.id
    )
    if only_published:
        stmt = stmt.where(Achievement.status == "published")
    if ids is not None:
        stmt = stmt.where(Achievement.id.in_(ids))
    return [
        AchievementRecord(
            id=str(a.id),
            title=a.title,
            abstract=a.abstract,
            field=_cluster_name(a.cluster_id),
            institution=inst,
            trl=a.trl,
            transfer_mode=a.transfer_mode,
            price_yuan=_yuan(a.price_fen),
            keywords=split_keywords(f"{a.keywords} {a.subfield}"),
        )
        for a, inst in session.execute(stmt.order_by(Achievement.id))
    ]


def load_demands(
    session: Session, *, only_open: bool = True, ids: Collection[int] | None = None
) -> list[DemandRecord]:
    stmt = select(Demand, Enterprise.name).join(Enterprise, Demand.enterprise_id == Enterprise.id)
    if only_open:
        stmt = stmt.where(Demand.status == "open")
    if ids is not None:
        stmt = stmt.where(Demand.id.in_(ids))
    region = load_region()
    return [
        DemandRecord(
            id=str(d.id),
            title=d.title,
            description=d.description,
            field=_cluster_name(d.cluster_id),
            budget_yuan=_yuan(d.budget_fen),
            district=region.district_name(d.district_code),
            enterprise=name,
        )
        for d, name in session.execute(stmt.order_by(Demand.id))
    ]


def load_experts(session: Session) -> list[ExpertRecord]:
    stmt = select(Expert, Institution.name).outerjoin(Institution, Expert.institution_id == Institution.id)
    return [
        ExpertRecord(
            id=str(e.id),
            name=e.name,
            title=e.title,
            field=_cluster_name(e.cluster_id),
            keywords=split_keywords(e.keywords),
            institution=inst or "",
        )
        for e, inst in session.execute(stmt.order_by(Expert.id))
    ]


def load_pilot_services(session: Session) -> list[PilotServiceRecord]:
    stmt = select(PilotService, PilotBase).join(PilotBase, PilotService.base_id == PilotBase.id)
    region = load_region()
    return [
        PilotServiceRecord(
            id=str(s.id),
            name=s.name,
            subfield=s.subfield,
            field=_cluster_name(b.cluster_id),
            base_name=b.name,
            price_yuan=_yuan(s.price_fen),
            district=region.district_name(b.district_code),
        )
        for s, b in session.execute(stmt.order_by(PilotService.id))
    ]
