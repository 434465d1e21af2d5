"""Storage of the indicator panel: append-only revisions and the ``indicator_current`` view."""

from __future__ import annotations

import json
from collections.abc import Callable, Iterable
from datetime import UTC, datetime
from typing import Any, cast

import polars as pl
import sqlalchemy as sa
from sqlalchemy.orm import Session

from innopoints.adapters.db.bulk import bind_value, insert_many
from innopoints.adapters.db.tables import IndicatorRevision
from innopoints.registry.panel import PanelValue, Revision
from innopoints.registry.panel_fields import from_scaled, to_scaled

CURRENT = sa.table(
    "indicator_current",
    sa.column("id"),
    sa.column("enterprise_id"),
    sa.column("year"),
    sa.column("indicator"),
    sa.column("value_centi"),
    sa.column("source"),
    sa.column("source_ref"),
    sa.column("batch_id"),
    sa.column("recorded_at"),
    sa.column("recorded_by"),
)


def _revision(row: sa.Row[Any]) -> Revision:
    return Revision(
        id=row.id,
        enterprise_id=row.enterprise_id,
        year=row.year,
        indicator=row.indicator,
        value=from_scaled(row.value_centi),
        source=row.source,
        source_ref=row.source_ref,
        batch_id=row.batch_id,
        recorded_at=row.recorded_at,
        recorded_by=row.recorded_by,
    )


def current_values(session: Session, enterprise_ids: Iterable[int]) -> dict[tuple[int, int, str], Revision]:
    """Latest revision per (enterprise, year, indicator) for the given enterprises."""
    ids = list(enterprise_ids)
    out: dict[tuple[int, int, str], Revision] = {}
    for start in range(0, len(ids), 500):
        chunk = ids[start : start + 500]
        rows = session.execute(sa.select(CURRENT).where(CURRENT.c.enterprise_id.in_(chunk))).all()
        for row in rows:
            rev = _revision(row)
            out[(rev.enterprise_id, rev.year, rev.indicator)] = rev
    return out


def enterprise_panel(session: Session, enterprise_id: int) -> dict[int, dict[str, Revision]]:
    """Current values of one enterprise as {year: {indicator: revision}}."""
    panel: dict[int, dict[str, Revision]] = {}
    for (_, year, indicator), rev in current_values(session, [enterprise_id]).items():
        panel.setdefault(year, {})[indicator] = rev
    return panel


def history(
    session: Session, enterprise_id: int, *, year: int | None = None, indicator: str | None = None
) -> list[Revision]:
    """Every revision of an enterprise's values, oldest first."""
    query = sa.select(IndicatorRevision).where(IndicatorRevision.enterprise_id == enterprise_id)
    if year is not None:
        query = query.where(IndicatorRevision.year == year)
    if indicator is not None:
        query = query.where(IndicatorRevision.indicator == indicator)
    rows = session.execute(query.order_by(IndicatorRevision.id)).scalars().all()
    return [
        Revision(
            id=r.id,
            enterprise_id=r.enterprise_id,
            year=r.year,
            indicator=r.indicator,
            value=from_scaled(r.value_centi),
            source=r.source,
            source_ref=r.source_ref,
            batch_id=r.batch_id,
            recorded_at=r.recorded_at,
            recorded_by=r.recorded_by,
        )
        for r in rows
    ]


def append_values(
    session: Session,
    values: Iterable[PanelValue],
    *,
    source: str,
    source_ref: str | None = None,
    batch_id: int | None = None,
    recorded_by: str | None = None,
    recorded_at: datetime | None = None,
    is_synthetic: bool = False,
) -> int:
    """Append a revision for every value that differs from the current one; return how many.

    Equal values are skipped, so recording the same data twice changes nothing (idempotent).
    Runs inside the caller's transaction: the caller commits or rolls back as one unit.
    """
    pending = list(values)
    frame = pl.DataFrame(
        {
            "enterprise_id": [v.enterprise_id for v in pending],
            "year": [v.year for v in pending],
            "indicator": [v.indicator for v in pending],
            "value_centi": [to_scaled(v.value) for v in pending],
        },
        schema=VALUE_SCHEMA,
    )
    return append_frame(
        session,
        frame,
        source=source,
        source_ref=source_ref,
        batch_id=batch_id,
        recorded_by=recorded_by,
        recorded_at=recorded_at,
        is_synthetic=is_synthetic,
    )


VALUE_SCHEMA = {"enterprise_id": pl.Int64, "year": pl.Int64, "indicator": pl.String, "value_centi": pl.Int64}
_KEY = ["enterprise_id", "year", "indicator"]
_LOOKUP_CHUNK = 900
_INSERT_CHUNK = 50_000


def append_frame(
    session: Session,
    values: pl.DataFrame,
    *,
    source: str,
    source_ref: str | None = None,
    batch_id: int | None = None,
    recorded_by: str | None = None,
    recorded_at: datetime | None = None,
    is_synthetic: bool = False,
    on_chunk: Callable[[int, int], None] | None = None,
) -> int:
    """The bulk form of ``append_values`` (same semantics, one implementation).

    ``values`` has the columns of ``VALUE_SCHEMA`` (``value_centi`` in hundredths), in the order they
    were given: a value is appended when it differs from the previous one for its key, the previous
    one being the value before it in ``values`` or else the current stored value. ``on_chunk(done,
    total)`` is called after each inserted chunk.
    """
    if values.is_empty():
        return 0
    when = recorded_at or datetime.now(UTC)
    frame = values.select([*_KEY, "value_centi"]).cast(VALUE_SCHEMA)  # type: ignore[arg-type]
    current = _current_centi(session, frame)
    # The previous value of a key is the one before it in ``values``, else the stored one. When
    # every key occurs once (the import validates that) the window step is skipped: same result.
    unique_keys = frame.select(pl.struct(_KEY).is_unique().all()).item()
    previous = pl.lit(None, dtype=pl.Int64) if unique_keys else pl.col("value_centi").shift(1).over(_KEY)
    if current.is_empty():
        with_current = frame.with_columns(pl.lit(None, dtype=pl.Int64).alias("__current"))
    else:
        with_current = frame.join(current, on=_KEY, how="left", maintain_order="left")
    changed = (
        with_current.with_columns(pl.coalesce(previous, pl.col("__current")).alias("__previous"))
        .filter(pl.col("__previous").is_null() | (pl.col("__previous") != pl.col("value_centi")))
        .select([*_KEY, "value_centi"])
    )
    constants: dict[str, object] = {
        "source": source,
        "source_ref": source_ref,
        "batch_id": batch_id,
        "recorded_at": when,
        "recorded_by": recorded_by,
        "is_synthetic": is_synthetic,
    }
    total = changed.height
    for start in range(0, total, _INSERT_CHUNK):
        _insert_revisions(session, changed.slice(start, _INSERT_CHUNK), constants)
        if on_chunk is not None:
            on_chunk(min(start + _INSERT_CHUNK, total), total)
    return total


def _current_centi(session: Session, frame: pl.DataFrame) -> pl.DataFrame:
    """The latest stored value per key for the enterprises and years in ``frame``."""
    table = IndicatorRevision.__table__
    ids = frame["enterprise_id"].unique().sort().to_list()
    years = frame["year"].unique().to_list()
    parts: list[Any] = []
    for start in range(0, len(ids), _LOOKUP_CHUNK):
        query = (
            sa.select(table.c.enterprise_id, table.c.year, table.c.indicator, table.c.value_centi)
            .where(table.c.enterprise_id.in_(ids[start : start + _LOOKUP_CHUNK]), table.c.year.in_(years))
            .order_by(table.c.id)
        )
        parts.extend(session.execute(query).all())
    stored = pl.DataFrame(parts, schema=[*VALUE_SCHEMA.items()], orient="row")
    return stored.unique(subset=_KEY, keep="last", maintain_order=False).rename({"value_centi": "__current"})


_REVISION_COLUMNS = "enterprise_id, year, indicator, value_centi, source, source_ref, batch_id, recorded_at, recorded_by, is_synthetic"


def _insert_revisions(session: Session, chunk: pl.DataFrame, constants: dict[str, object]) -> None:
    """Insert one chunk of revisions with the fastest path the database offers."""
    connection = session.connection()
    dialect = connection.dialect
    table = cast(sa.Table, IndicatorRevision.__table__)
    names = ("source", "source_ref", "batch_id", "recorded_at", "recorded_by", "is_synthetic")
    if dialect.name == "sqlite":
        # One statement per chunk: SQLite reads the rows from a JSON array in C (json_each) and the
        # constant columns are bound once instead of once per row.
        tail = tuple(bind_value(connection, table.c[n], constants[n]) for n in names)
        connection.exec_driver_sql(
            f"INSERT INTO indicator_revision ({_REVISION_COLUMNS}) "
            "SELECT value->>0, value->>1, value->>2, value->>3, ?, ?, ?, ?, ?, ? FROM json_each(?)",
            (*tail, _json_rows(chunk)),
        )
        return
    tail = tuple(constants[n] for n in names)
    if dialect.name == "postgresql" and dialect.driver == "psycopg":
        raw = connection.connection.driver_connection
        assert raw is not None
        with (
            raw.cursor() as cursor,
            cursor.copy(f"COPY indicator_revision ({_REVISION_COLUMNS}) FROM STDIN") as copy,
        ):
            for row in chunk.iter_rows():
                copy.write_row(row + tail)
        return
    insert_many(connection, table, [*_KEY, "value_centi", *names], (row + tail for row in chunk.iter_rows()))


def _json_rows(chunk: pl.DataFrame) -> str:
    """``[[enterprise_id, year, "indicator", value_centi], ...]`` for json_each."""
    if chunk["indicator"].str.contains(r"^[A-Za-z0-9_.\-]+$").all():
        row = pl.concat_str(
            pl.lit("["),
            pl.col("enterprise_id"),
            pl.lit(","),
            pl.col("year"),
            pl.lit(',"'),
            pl.col("indicator"),
            pl.lit('",'),
            pl.col("value_centi"),
            pl.lit("]"),
        )
        return "[" + chunk.select(row.str.join(",")).item() + "]"
    return json.dumps(chunk.rows(), ensure_ascii=False)
