"""Matching as services over the database: demand → achievements (explained), experts and pilot services;
achievement → candidate firms. The ranking itself is :mod:`innopoints.transfer.matching` (unchanged); these
wrappers only load records, check who may look, and pass the firm's past interactions as priors."""

from __future__ import annotations

from collections import OrderedDict
from dataclasses import dataclass

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from innopoints.accounts.errors import AccessDenied
from innopoints.accounts.principal import Principal
from innopoints.accounts.roles import Role
from innopoints.adapters.db.tables import Achievement, Demand, Enterprise
from innopoints.adapters.db.transfer_tables import AchievementInterest, BrokerAssignment
from innopoints.transfer import db_records
from innopoints.transfer.access import is_staff, require_own_institution
from innopoints.transfer.common import get_row
from innopoints.transfer.matching.explain import Explanation
from innopoints.transfer.matching.service import (
    AchievementMatcher,
    candidate_firms,
    experts_for_demand,
    pilot_services_for_demand,
)


@dataclass(frozen=True)
class Hit:
    id: int
    label: str
    score: float


@dataclass(frozen=True)
class DemandMatches:
    demand_id: int
    achievements: list[Explanation]
    experts: list[Hit]
    services: list[Hit]


def _may_see_demand(session: Session, principal: Principal, demand: Demand) -> None:
    if is_staff(principal) or principal.is_firm(demand.enterprise_id):
        return
    if principal.role is Role.BROKER:
        mine = session.scalar(
            select(BrokerAssignment.id).where(
                BrokerAssignment.demand_id == demand.id, BrokerAssignment.broker_id == principal.broker_id
            )
        )
        if mine is not None:
            return
    raise AccessDenied(f"{principal.role_label}无权查看技术需求 #{demand.id} 的匹配结果")


_CACHE: OrderedDict[tuple[object, ...], AchievementMatcher] = OrderedDict()
_CACHE_SIZE = 8


def _matcher(session: Session, priors: frozenset[str]) -> AchievementMatcher:
    """The index over published achievements, rebuilt only when that set changes (count, id sum, max id)."""
    a = Achievement
    fingerprint = session.execute(
        select(func.count(), func.coalesce(func.sum(a.id), 0), func.max(a.id)).where(a.status == "published")
    ).one()
    key = (str(session.get_bind().engine.url), tuple(fingerprint), priors)
    if key in _CACHE:
        _CACHE.move_to_end(key)
        return _CACHE[key]
    matcher = AchievementMatcher(db_records.load_achievements(session), priors=dict.fromkeys(priors, 1.0))
    _CACHE[key] = matcher
    while len(_CACHE) > _CACHE_SIZE:
        _CACHE.popitem(last=False)
    return matcher


def demand_matches(session: Session, principal: Principal, demand_id: int, top: int = 10) -> DemandMatches:
    demand = get_row(session, Demand, demand_id, "技术需求")
    _may_see_demand(session, principal, demand)
    (record,) = db_records.load_demands(session, only_open=False, ids=[demand_id])
    interested = session.scalars(
        select(AchievementInterest.achievement_id).where(
            AchievementInterest.enterprise_id == demand.enterprise_id
        )
    )
    priors = frozenset(str(a) for a in interested)
    matcher = _matcher(session, priors)
    experts = db_records.load_experts(session)
    names = {e.id: e.name for e in experts}
    services = db_records.load_pilot_services(session)
    labels = {s.id: f"{s.base_name} · {s.name}" for s in services}
    return DemandMatches(
        demand_id,
        matcher.explain_demand(record, top),
        [Hit(int(m.doc_id), names[m.doc_id], m.score) for m in experts_for_demand(record, experts, top)],
        [
            Hit(int(m.doc_id), labels[m.doc_id], m.score)
            for m in pilot_services_for_demand(record, services, top)
        ],
    )


@dataclass(frozen=True)
class CandidateFirm:
    enterprise_id: int
    name: str
    demand_id: int
    demand_title: str
    score: float
    interested: bool


def achievement_candidates(
    session: Session, principal: Principal, achievement_id: int, top: int = 10
) -> list[CandidateFirm]:
    """Firms whose open demands fit the achievement, best first (the institution's view)."""
    ach = get_row(session, Achievement, achievement_id, "科技成果")
    require_own_institution(principal, ach.institution_id, "查看候选企业")
    (record,) = db_records.load_achievements(session, only_published=False, ids=[ach.id])
    demands = db_records.load_demands(session, only_open=True)
    matches = candidate_firms(record, demands=demands, top=top)
    ids = [int(m.doc_id) for m in matches]
    rows = {
        d.id: (d, name)
        for d, name in session.execute(
            select(Demand, Enterprise.name)
            .join(Enterprise, Demand.enterprise_id == Enterprise.id)
            .where(Demand.id.in_(ids))
        )
    }
    keen = set(
        session.scalars(
            select(AchievementInterest.enterprise_id).where(AchievementInterest.achievement_id == ach.id)
        )
    )
    out = []
    for m in matches:
        d, name = rows[int(m.doc_id)]
        out.append(CandidateFirm(d.enterprise_id, name, d.id, d.title, m.score, d.enterprise_id in keen))
    return out
