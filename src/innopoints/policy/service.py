"""Policy matching services: one firm against the library, one policy against the city."""

from __future__ import annotations

import datetime as dt
import time
from dataclasses import dataclass
from typing import Any

import polars as pl
import sqlalchemy as sa

from innopoints.errors import UserError
from innopoints.policy.batch import match_city
from innopoints.policy.facts import facts_frame
from innopoints.policy.library import Policy, get_policy, load_library
from innopoints.policy.single import STATUS_TEXT, PolicyMatch, match_one
from innopoints.region import Region
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
) -> PolicyList:
    """Vectorised selection over the whole city, then the single evaluator's reasons for the chosen firms."""
    policy = get_policy(policy_id)
    rid = resolve_round(conn, round_id)
    started = time.perf_counter()
    frame = facts_frame(conn, as_of, rid)
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
