"""Policy matching services: one firm against the library, one policy against the city.

The ``*_for`` functions are what the web layer calls: they take the acting ``Actor`` and check the role
(``policy.library``, ``policy.view``, ``policy.eligible``) and the data scope (one firm: 403 out of scope, the
read audited; the city list: only firms in scope, counts included). The plain functions serve the CLI.
"""

from __future__ import annotations

import datetime as dt
import time
from dataclasses import dataclass
from typing import Any

import polars as pl
import sqlalchemy as sa
from sqlalchemy.orm import Session

from innopoints.accounts.context import Actor
from innopoints.errors import UserError
from innopoints.policy.batch import match_city
from innopoints.policy.facts import facts_frame
from innopoints.policy.library import Policy, get_policy, load_library
from innopoints.policy.single import STATUS_TEXT, PolicyMatch, match_one
from innopoints.region import Region
from innopoints.registry.scope import check, codes_in_scope, read_firm
from innopoints.rules.results import Status

NO_ROUND_WARNING = "数据库中无积分评价批次：涉及阶段、梯度、积分的条件显示为待核实 (no scoring round)"
EXPORT_COLUMNS = [
    ("uscc", "统一社会信用代码"),
    ("name", "企业名称"),
    ("district", "所在区县"),
    ("cluster", "产业集群"),
    ("status", "匹配结果"),
    ("amount_yuan", "预计支持金额（元）"),
    ("reasons", "理由"),
    ("references", "依据"),
]


def resolve_round(conn: sa.Connection, round_id: int | None) -> int | None:
    from innopoints.adapters.db.scoring_tables import ScoringRound

    t = ScoringRound.__table__
    if round_id is not None:
        if conn.execute(sa.select(t.c.id).where(t.c.id == round_id)).first() is None:
            raise UserError(f"积分评价批次 {round_id} 不存在 (no such scoring round)")
        return round_id
    latest: int | None = conn.execute(sa.select(sa.func.max(t.c.id))).scalar()
    return latest


@dataclass
class FirmMatches:
    uscc: str
    name: str
    as_of: dt.date
    round_id: int | None
    matches: list[PolicyMatch]
    warnings: list[str]

    def as_dict(self) -> dict[str, Any]:
        return {
            "uscc": self.uscc,
            "name": self.name,
            "as_of": self.as_of.isoformat(),
            "round": self.round_id,
            "warnings": self.warnings,
            "policies": [m.as_dict() for m in self.matches],
        }


def match_firm(
    conn: sa.Connection, uscc: str, as_of: dt.date, round_id: int | None = None, region: str = "shenyang"
) -> FirmMatches:
    rid = resolve_round(conn, round_id)
    frame = facts_frame(conn, as_of, rid, uscc=uscc)
    if frame.is_empty():
        raise UserError(f"未找到企业 {uscc} (no such enterprise)")
    row = frame.row(0, named=True)
    order = {Status.MET: 0, Status.UNKNOWN: 1, Status.NOT_MET: 2}
    matches = sorted((match_one(p, row, as_of) for p in load_library(region)), key=lambda m: order[m.status])
    warnings = [] if rid is not None else [NO_ROUND_WARNING]
    return FirmMatches(uscc, row["name"], as_of, rid, matches, warnings)


@dataclass
class PolicyList:
    policy: Policy
    as_of: dt.date
    round_id: int | None
    counts: dict[str, int]
    rows: list[dict[str, Any]]
    seconds: float
    warnings: list[str]


def eligible_firms(
    conn: sa.Connection,
    region: Region,
    policy_id: str,
    as_of: dt.date,
    round_id: int | None = None,
    *,
    include_unknown: bool = False,
    within: frozenset[str] | None = None,
) -> PolicyList:
    """Vectorised selection over the whole city (or the firms ``within``), then the single evaluator's
    reasons for the chosen firms."""
    policy = get_policy(policy_id)
    rid = resolve_round(conn, round_id)
    started = time.perf_counter()
    frame = facts_frame(conn, as_of, rid)
    if within is not None:
        frame = frame.filter(pl.col("uscc").is_in(sorted(within)))
    statuses = match_city((policy,), frame, as_of)
    seconds = time.perf_counter() - started
    counts = {s.value: int((statuses[policy.id] == s.value).sum()) for s in Status}
    wanted = [Status.MET.value] + ([Status.UNKNOWN.value] if include_unknown else [])
    chosen = frame.filter(statuses[policy.id].is_in(wanted))
    rows = []
    for row in chosen.iter_rows(named=True):
        m = match_one(policy, row, as_of)
        rows.append(
            {
                "uscc": row["uscc"],
                "name": row["name"],
                "district": region.district_name(row["district"]),
                "cluster": region.cluster_name(row["cluster"]),
                "status": STATUS_TEXT[m.status],
                "amount_yuan": m.amount_yuan,
                "reasons": "；".join(m.reasons),
                "references": "；".join(m.references),
            }
        )
    warnings = [] if rid is not None else [NO_ROUND_WARNING]
    return PolicyList(policy, as_of, rid, counts, rows, seconds, warnings)


def city_statuses(conn: sa.Connection, as_of: dt.date, round_id: int | None = None) -> pl.DataFrame:
    """Every firm × every policy (for benchmarks and overviews)."""
    frame = facts_frame(conn, as_of, resolve_round(conn, round_id))
    return match_city(load_library(), frame, as_of)


def library_for(actor: Actor, region: str = "shenyang") -> tuple[Policy, ...]:
    """The policy library (public policy texts: every signed-in role)."""
    check(actor, "policy.library")
    return load_library(region)


def match_firm_for(
    session: Session,
    actor: Actor,
    uscc: str,
    as_of: dt.date,
    round_id: int | None = None,
    region: str = "shenyang",
) -> FirmMatches:
    """One firm against the library, for a firm in the actor's scope (404 unknown, 403 otherwise; audited)."""
    check(actor, "policy.view")
    code = read_firm(session, actor, uscc, action="view_profile", part="profile")
    return match_firm(session.connection(), code, as_of, round_id, region)


def eligible_firms_for(
    session: Session,
    actor: Actor,
    region: Region,
    policy_id: str,
    as_of: dt.date,
    round_id: int | None = None,
    *,
    include_unknown: bool = False,
) -> PolicyList:
    """The city list of one policy, limited to the firms in the actor's scope (an officer: their district)."""
    check(actor, "policy.eligible")
    within = codes_in_scope(session, actor)
    return eligible_firms(
        session.connection(),
        region,
        policy_id,
        as_of,
        round_id,
        include_unknown=include_unknown,
        within=within,
    )
