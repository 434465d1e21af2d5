"""Pilot-base outputs against the published cumulative figures, and broker performance."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from typing import Any

from sqlalchemy import Executable, func, select
from sqlalchemy.orm import Session

from innopoints.accounts.principal import Principal
from innopoints.adapters.db.tables import Broker, PilotBase, PilotService, TechContract
from innopoints.adapters.db.transfer_tables import BrokerAssignment, BrokerCase, BrokerRating, ServiceOrder
from innopoints.transfer.access import require_staff
from innopoints.transfer.rulebook import load_transfer_rulebook
from innopoints.transfer.states import ACTIVE_STAGES, ORDER


def _pairs(session: Session, stmt: Executable) -> dict[Any, Any]:
    return {k: v for k, v in session.execute(stmt)}


OUTPUT_COLUMNS = ("new_products", "new_technologies", "incubated_enterprises", "service_contracts")


@dataclass(frozen=True)
class FigureCheck:
    key: str
    name: str
    unit: str
    value: int
    published: int
    kind: str  # exact / at_least / goal
    text: str

    @property
    def meets(self) -> bool:
        """exact: equal; at_least ("超/突破/余"): not below; goal: reached."""
        return self.value == self.published if self.kind == "exact" else self.value >= self.published


@dataclass(frozen=True)
class PilotOutputs:
    outputs: list[FigureCheck]
    carriers: list[FigureCheck]
    orders_by_status: dict[str, int]
    orders_delivered_fen: int


def pilot_outputs(session: Session, principal: Principal) -> PilotOutputs:
    """Base-reported cumulative outputs and carrier counts vs the published figures; platform orders."""
    require_staff(principal, "查看中试基地产出统计")
    figures = load_transfer_rulebook().statistics
    sums = session.execute(
        select(*(func.coalesce(func.sum(getattr(PilotBase, c)), 0) for c in OUTPUT_COLUMNS))
    ).one()
    outputs = []
    for col, value in zip(OUTPUT_COLUMNS, sums, strict=True):
        f = figures.pilot_outputs_cumulative[col]
        outputs.append(FigureCheck(col, f.zh, f.unit, int(value), f.value, f.kind, f.text))
    kinds = _pairs(session, select(PilotBase.kind, func.count()).group_by(PilotBase.kind))
    subfields = session.scalar(select(func.count(func.distinct(PilotService.subfield)))) or 0
    measured = {
        "pilot_bases": int(kinds.get("pilot", 0)),
        "concept_centers": int(kinds.get("concept", 0)),
        "subfields": int(subfields),
        "target_2026": int(sum(kinds.values())),
    }
    carriers = [
        FigureCheck(k, f.zh, f.unit, measured[k], f.value, f.kind, f.text)
        for k, f in figures.carriers.items()
    ]
    by_status = _pairs(session, select(ServiceOrder.status, func.count()).group_by(ServiceOrder.status))
    delivered = session.scalar(
        select(func.coalesce(func.sum(ServiceOrder.price_fen), 0)).where(ServiceOrder.status == "delivered")
    )
    return PilotOutputs(
        outputs,
        carriers,
        {s: int(by_status.get(s, 0)) for s in ORDER.states},
        int(delivered or 0),
    )


@dataclass(frozen=True)
class BrokerPerformance:
    broker_id: int
    name: str
    level: str
    cluster_id: str
    district_code: str
    active: int
    assigned: int
    signed: int
    terminated: int
    signed_amount_fen: int  # registered contracts the broker signed
    rating: Decimal | None
    ratings: int
    cases: int

    @property
    def conversion(self) -> Decimal | None:
        closed = self.signed + self.terminated
        return None if closed == 0 else Decimal(self.signed) / Decimal(closed)


def broker_performance(
    session: Session, principal: Principal, year: int | None = None, top: int | None = None
) -> list[BrokerPerformance]:
    """Per broker: load, assignments, signed deals and their registered amount, ratings, cases.

    With ``year`` only assignments made in that year count. Sorted by signed amount, then signed count.
    """
    require_staff(principal, "查看经纪人绩效")
    a = BrokerAssignment
    cond = [] if year is None else [a.assigned_on >= date(year, 1, 1), a.assigned_on <= date(year, 12, 31)]
    stage_counts: dict[int, dict[str, int]] = {}
    for broker_id, stage, n in session.execute(
        select(a.broker_id, a.stage, func.count()).where(*cond).group_by(a.broker_id, a.stage)
    ):
        stage_counts.setdefault(broker_id, {})[stage] = int(n)
    amounts = _pairs(
        session,
        select(a.broker_id, func.sum(TechContract.amount_fen))
        .join(TechContract, a.contract_id == TechContract.id)
        .where(a.stage == "signed", TechContract.status == "registered", *cond)
        .group_by(a.broker_id),
    )
    ratings = {
        b: (int(n), avg)
        for b, n, avg in session.execute(
            select(BrokerRating.broker_id, func.count(), func.avg(BrokerRating.score)).group_by(
                BrokerRating.broker_id
            )
        )
    }
    cases = _pairs(session, select(BrokerCase.broker_id, func.count()).group_by(BrokerCase.broker_id))
    rows = []
    for b in session.scalars(select(Broker).order_by(Broker.id)):
        st = stage_counts.get(b.id, {})
        n_ratings, avg = ratings.get(b.id, (0, None))
        rows.append(
            BrokerPerformance(
                broker_id=b.id,
                name=b.name,
                level=b.level,
                cluster_id=b.cluster_id,
                district_code=b.district_code,
                active=sum(st.get(s, 0) for s in ACTIVE_STAGES),
                assigned=sum(st.values()),
                signed=st.get("signed", 0),
                terminated=st.get("terminated", 0),
                signed_amount_fen=int(amounts.get(b.id) or 0),
                rating=None if avg is None else Decimal(str(avg)).quantize(Decimal("0.01")),
                ratings=n_ratings,
                cases=int(cases.get(b.id, 0)),
            )
        )
    rows.sort(key=lambda r: (-r.signed_amount_fen, -r.signed, r.broker_id))
    return rows if top is None else rows[:top]


@dataclass(frozen=True)
class BrokerSummary:
    certified: int
    target: int
    active_assignments: int
    signed: int
    signed_amount_fen: int


def broker_summary(session: Session, principal: Principal, today: date) -> BrokerSummary:
    require_staff(principal, "查看经纪人统计")
    certified = session.scalar(
        select(func.count()).where(Broker.certificate_no.is_not(None), Broker.certified_on <= today)
    )
    a = BrokerAssignment
    active = session.scalar(select(func.count()).where(a.stage.in_(ACTIVE_STAGES)))
    signed, amount = session.execute(
        select(func.count(), func.coalesce(func.sum(TechContract.amount_fen), 0))
        .select_from(a)
        .join(TechContract, a.contract_id == TechContract.id)
        .where(a.stage == "signed", TechContract.status == "registered")
    ).one()
    target = load_transfer_rulebook().statistics.brokers_target_2026.value
    return BrokerSummary(int(certified or 0), target, int(active or 0), int(signed), int(amount))
