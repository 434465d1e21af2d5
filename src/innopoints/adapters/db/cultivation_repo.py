"""Storage of the cultivation pool: the round's screening inputs (columnar read), screenings, the
append-only event list, alerts, assignments and follow-ups."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date
from typing import Any

import polars as pl
import sqlalchemy as sa
from sqlalchemy.orm import Session

from innopoints.adapters.db.bulk import insert_many
from innopoints.adapters.db.cultivation_tables import (
    PoolAlert,
    PoolAssignment,
    PoolEvent,
    PoolFollowUp,
    PoolScreening,
)
from innopoints.adapters.db.panel_repo import current_panel_frame
from innopoints.adapters.db.scoring_tables import ScoringResult, ScoringRound
from innopoints.adapters.db.tables import Enterprise, NegativeRecord, Qualification
from innopoints.errors import NotFound

EVENT_COLUMNS = (
    "round_id",
    "uscc",
    "kind",
    "tier_from",
    "tier_to",
    "programs",
    "rule_id",
    "reference",
    "reason_zh",
)
EVENT_SCHEMA: dict[str, Any] = {
    "id": pl.Int64,
    "round_id": pl.Int64,
    "uscc": pl.String,
    "kind": pl.String,
    "tier_from": pl.String,
    "tier_to": pl.String,
    "programs": pl.String,
    "rule_id": pl.String,
    "reference": pl.String,
    "reason_zh": pl.String,
    "created_at": pl.Datetime(time_zone="UTC"),
}
RESULT_SCHEMA: dict[str, Any] = {
    "uscc": pl.String,
    "points_centi": pl.Int64,
    "percentile_bp": pl.Int64,
    "tech_sme_score": pl.Int64,
    "tech_sme_qualified": pl.Boolean,
    "ladder_stage": pl.String,
}


def _frame(session: Session, query: Any, schema: dict[str, Any]) -> pl.DataFrame:
    """Run a SELECT on the session's connection straight through the driver cursor (no Row objects:
    about twice as fast for city-sized reads) and type the columns. Values are rendered as SQL literals
    by SQLAlchemy's own compiler (ids, dates and rulebook codes only; never user text)."""
    conn = session.connection()
    sql = str(query.compile(dialect=conn.dialect, compile_kwargs={"literal_binds": True}))
    cursor = conn.connection.dbapi_connection.cursor()  # type: ignore[union-attr]
    try:
        cursor.execute(sql)
        rows = cursor.fetchall()
    finally:
        cursor.close()
    if not rows:
        return pl.DataFrame(schema=schema)
    raw = pl.DataFrame(rows, schema=list(schema), orient="row", infer_schema_length=None)
    return raw.with_columns(_typed(raw, name, dtype) for name, dtype in schema.items())


def _typed(raw: pl.DataFrame, name: str, dtype: Any) -> pl.Expr:
    """SQLite hands dates and times over as ISO text (times in UTC, without offset) and booleans as
    0/1; PostgreSQL as typed values."""
    col = pl.col(name)
    if raw.schema[name] == pl.String and dtype == pl.Date:
        return col.str.to_date("%Y-%m-%d")
    if raw.schema[name] == pl.String and isinstance(dtype, pl.Datetime):
        return col.str.to_datetime(time_unit="us").dt.replace_time_zone(dtype.time_zone)
    return col.cast(dtype)


def round_results(session: Session, round_id: int) -> pl.DataFrame:
    r = ScoringResult
    query = sa.select(
        r.uscc, r.points_centi, r.percentile_bp, r.tech_sme_score, r.tech_sme_qualified, r.ladder_stage
    ).where(r.round_id == round_id)
    return _frame(session, query, RESULT_SCHEMA)


def enterprises(session: Session, columns: Sequence[str] | None = None) -> pl.DataFrame:
    """Enterprise columns (all of ENTERPRISE_SCHEMA by default) as a Polars frame."""
    names = list(columns or ENTERPRISE_SCHEMA)
    query = sa.select(*(Enterprise.__table__.c[c] for c in names))
    return _frame(session, query, {c: ENTERPRISE_SCHEMA[c] for c in names})


ENTERPRISE_SCHEMA: dict[str, Any] = {
    "id": pl.Int64,
    "uscc": pl.String,
    "name": pl.String,
    "registration_date": pl.Date,
    "district_code": pl.String,
    "cluster_id": pl.String,
    "park_id": pl.String,
    "high_tech_field_id": pl.String,
}


def panel(session: Session, years: Sequence[int], fields: Sequence[str]) -> pl.DataFrame:
    """Current panel values (enterprise_id, year, one Int64 hundredths column per field)."""
    return current_panel_frame(session.connection(), years=list(years), fields=list(fields))


def held_qualifications(session: Session, kinds: Sequence[str], year: int) -> pl.DataFrame:
    """(enterprise_id, kind) for every qualification in force at some time in ``year``."""
    q = Qualification
    start, end = date(year, 1, 1), date(year, 12, 31)
    query = sa.select(q.enterprise_id, q.kind).where(
        q.kind.in_(list(kinds)),
        q.granted_on <= end,
        sa.or_(q.expires_on.is_(None), q.expires_on >= start),
        sa.or_(q.revoked_on.is_(None), q.revoked_on > end),
    )
    return _frame(session, query, {"enterprise_id": pl.Int64, "kind": pl.String}).unique()


def active_negatives(session: Session, kinds: Sequence[str], year: int) -> pl.DataFrame:
    """(enterprise_id, kind, n): records that occurred in the year or the year before and were not
    cleared before the year began."""
    n = NegativeRecord
    query = (
        sa.select(n.enterprise_id, n.kind, sa.func.count())
        .where(
            n.kind.in_(list(kinds)),
            n.occurred_on >= date(year - 1, 1, 1),
            n.occurred_on <= date(year, 12, 31),
            sa.or_(n.cleared_on.is_(None), n.cleared_on >= date(year, 1, 1)),
        )
        .group_by(n.enterprise_id, n.kind)
    )
    return _frame(session, query, {"enterprise_id": pl.Int64, "kind": pl.String, "n": pl.Int64})


# -- screenings and events -----------------------------------------------------------------------
def screenings(session: Session) -> list[PoolScreening]:
    return list(session.execute(sa.select(PoolScreening).order_by(PoolScreening.id)).scalars())


def get_round(session: Session, round_id: int) -> ScoringRound:
    rnd = session.get(ScoringRound, round_id)
    if rnd is None:
        raise NotFound(f"评价批次 {round_id} 不存在 (scoring round {round_id} not found)")
    return rnd


def latest_round_of_year(session: Session, year: int) -> ScoringRound | None:
    query = sa.select(ScoringRound).where(ScoringRound.year == year).order_by(ScoringRound.id.desc()).limit(1)
    return session.execute(query).scalars().first()


def add_screening(session: Session, **values: Any) -> PoolScreening:
    row = PoolScreening(**values)
    session.add(row)
    session.flush()
    return row


def events(
    session: Session, *, round_ids: Sequence[int] | None = None, uscc: str | None = None
) -> pl.DataFrame:
    """Events in append order (id)."""
    e = PoolEvent
    query = sa.select(*(e.__table__.c[c] for c in EVENT_SCHEMA)).order_by(e.id)
    if round_ids is not None:
        query = query.where(e.round_id.in_(list(round_ids)))
    if uscc is not None:
        query = query.where(e.uscc == uscc)
    return _frame(session, query, EVENT_SCHEMA)


def event_states(session: Session, round_ids: Sequence[int]) -> pl.DataFrame:
    """The columns replay needs (id, round_id, uscc, tier_to) of the events of ``round_ids``."""
    e = PoolEvent
    query = sa.select(e.id, e.round_id, e.uscc, e.tier_to).where(e.round_id.in_(list(round_ids)))
    schema = {"id": pl.Int64, "round_id": pl.Int64, "uscc": pl.String, "tier_to": pl.String}
    return _frame(session, query, schema)


def append_events(session: Session, frame: pl.DataFrame, created_at: Any) -> int:
    """Bulk append (one executemany); ``frame`` has EVENT_COLUMNS."""
    rows = frame.select(EVENT_COLUMNS).with_columns(pl.lit(created_at).alias("created_at"))
    table = PoolEvent.__table__
    return insert_many(session.connection(), table, rows.columns, rows.iter_rows())  # type: ignore[arg-type]


# -- alerts --------------------------------------------------------------------------------------
ALERT_COLUMNS = (
    "round_id",
    "prev_round_id",
    "uscc",
    "rule_id",
    "metric",
    "value_from",
    "value_to",
    "threshold",
    "message_zh",
)


def alert_keys(session: Session, round_id: int) -> set[tuple[str, str]]:
    a = PoolAlert
    rows = session.execute(sa.select(a.uscc, a.rule_id).where(a.round_id == round_id)).all()
    return {(r[0], r[1]) for r in rows}


def append_alerts(session: Session, frame: pl.DataFrame, created_at: Any) -> int:
    rows = frame.select(ALERT_COLUMNS).with_columns(pl.lit(created_at).alias("created_at"))
    table = PoolAlert.__table__
    return insert_many(session.connection(), table, rows.columns, rows.iter_rows())  # type: ignore[arg-type]


def alerts(session: Session, round_id: int | None = None, uscc: str | None = None) -> list[PoolAlert]:
    query = sa.select(PoolAlert).order_by(PoolAlert.id)
    if round_id is not None:
        query = query.where(PoolAlert.round_id == round_id)
    if uscc is not None:
        query = query.where(PoolAlert.uscc == uscc)
    return list(session.execute(query).scalars())


# -- assignments and follow-ups -------------------------------------------------------------------
def active_assignments(
    session: Session, *, uscc: str | None = None, person_id: str | None = None
) -> list[PoolAssignment]:
    a = PoolAssignment
    query = sa.select(a).where(a.ended_on.is_(None)).order_by(a.id)
    if uscc is not None:
        query = query.where(a.uscc == uscc)
    if person_id is not None:
        query = query.where(a.person_id == person_id)
    return list(session.execute(query).scalars())


def assignments(session: Session, uscc: str) -> list[PoolAssignment]:
    query = sa.select(PoolAssignment).where(PoolAssignment.uscc == uscc).order_by(PoolAssignment.id)
    return list(session.execute(query).scalars())


def follow_ups(session: Session, uscc: str) -> list[PoolFollowUp]:
    f = PoolFollowUp
    query = sa.select(f).where(f.uscc == uscc).order_by(f.occurred_on, f.id)
    return list(session.execute(query).scalars())


def enterprise_exists(session: Session, uscc: str) -> bool:
    return session.execute(sa.select(Enterprise.id).where(Enterprise.uscc == uscc)).first() is not None
