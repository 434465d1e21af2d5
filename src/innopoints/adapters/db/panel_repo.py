"""Storage of the indicator panel: append-only revisions (``panel_revision``) and current values.

A revision is one row per (enterprise, year) and change that carries only the fields it changes;
the current value of a field is the one from the latest revision carrying it (SQL view
``panel_current``; here computed from the same rows). Callers see one ``Revision`` per value.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from datetime import UTC, datetime
from typing import Any

import polars as pl
import sqlalchemy as sa
from sqlalchemy.orm import Session

from innopoints.adapters.db.bulk import bind_value, insert_many
from innopoints.adapters.db.tables import PANEL_FIELD_CODES, panel_revision
from innopoints.registry.panel import PanelValue, Revision
from innopoints.registry.panel_fields import from_scaled, to_scaled

VALUE_SCHEMA = {"enterprise_id": pl.Int64, "year": pl.Int64, "indicator": pl.String, "value_centi": pl.Int64}
_KEY = ["enterprise_id", "year", "indicator"]
_META = ("source", "source_ref", "batch_id", "recorded_at", "recorded_by", "is_synthetic")
_LOOKUP_CHUNK = 900
_INSERT_CHUNK = 5_000


# ------------------------------------------------------------------------------------------ reads


def _rows_for(
    session: Session, enterprise_ids: Sequence[int], years: Sequence[int] | None = None
) -> list[sa.Row[Any]]:
    """Revision rows of the given enterprises (optionally years), oldest first."""
    t = panel_revision
    out: list[sa.Row[Any]] = []
    for start in range(0, len(enterprise_ids), _LOOKUP_CHUNK):
        query = sa.select(t).where(t.c.enterprise_id.in_(enterprise_ids[start : start + _LOOKUP_CHUNK]))
        if years is not None:
            query = query.where(t.c.year.in_(list(years)))
        out.extend(session.execute(query.order_by(t.c.id)).all())
    out.sort(key=lambda r: r.id)
    return out


def _revisions_of(row: sa.Row[Any], only: str | None = None) -> Iterable[Revision]:
    mapping = row._mapping
    for code in PANEL_FIELD_CODES if only is None else (only,):
        centi = mapping[code]
        if centi is None:
            continue
        yield Revision(
            id=row.id,
            enterprise_id=row.enterprise_id,
            year=row.year,
            indicator=code,
            value=from_scaled(centi),
            source=row.source,
            source_ref=row.source_ref,
            batch_id=row.batch_id,
            recorded_at=row.recorded_at,
            recorded_by=row.recorded_by,
        )


def current_values(session: Session, enterprise_ids: Iterable[int]) -> dict[tuple[int, int, str], Revision]:
    """Latest revision per (enterprise, year, indicator) for the given enterprises."""
    out: dict[tuple[int, int, str], Revision] = {}
    for row in _rows_for(session, sorted(set(enterprise_ids))):
        for rev in _revisions_of(row):
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
    """Every recorded value of an enterprise with its provenance, oldest first."""
    if indicator is not None and indicator not in PANEL_FIELD_CODES:
        return []
    rows = _rows_for(session, [enterprise_id], None if year is None else [year])
    return [rev for row in rows for rev in _revisions_of(row, indicator)]


def current_panel_frame(
    connection: sa.Connection,
    *,
    years: Sequence[int] | None = None,
    fields: Sequence[str] | None = None,
) -> pl.DataFrame:
    """The current panel as a wide frame: one row per (enterprise_id, year), Int64 hundredths.

    Reads the revision rows once and keeps, per key and field, the value of the latest revision
    that carries it: the same rule as the ``panel_current`` view, at columnar speed.
    """
    codes = list(PANEL_FIELD_CODES if fields is None else fields)
    t = panel_revision
    query = sa.select(t.c.id, t.c.enterprise_id, t.c.year, *(t.c[c] for c in codes))
    if years is not None:
        query = query.where(t.c.year.in_(list(years)))
    schema = {"id": pl.Int64, "enterprise_id": pl.Int64, "year": pl.Int64, **dict.fromkeys(codes, pl.Int64)}
    rows = connection.execute(query).all()
    frame = pl.DataFrame(rows, schema=schema, orient="row")
    if frame.is_empty():
        return frame.drop("id")
    return (
        frame.sort("id")
        .group_by(["enterprise_id", "year"], maintain_order=True)
        .agg([pl.col(c).drop_nulls().last().alias(c) for c in codes])
        .sort(["enterprise_id", "year"])
    )


# ----------------------------------------------------------------------------------------- writes


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
    """Record values; return how many differ from the current ones (only those are stored).

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
    """The long form of ``append_wide``: ``values`` has the columns of ``VALUE_SCHEMA``.

    Values are taken in the order given: a key given twice yields two revisions in that order (each
    compared with the one before it), so no value is lost. Returns the number of values recorded.
    """
    if values.is_empty():
        return 0
    frame = values.select([*_KEY, "value_centi"]).cast(VALUE_SCHEMA)  # type: ignore[arg-type]
    leveled = frame.with_columns(pl.int_range(pl.len()).over(_KEY).alias("__occurrence"))
    recorded = 0
    for level in range(int(leveled["__occurrence"].max() or 0) + 1):
        wide = (
            leveled.filter(pl.col("__occurrence") == level)
            .pivot(on="indicator", index=["enterprise_id", "year"], values="value_centi")
            .sort(["enterprise_id", "year"])
        )
        recorded += append_wide(
            session,
            wide,
            source=source,
            source_ref=source_ref,
            batch_id=batch_id,
            recorded_by=recorded_by,
            recorded_at=recorded_at,
            is_synthetic=is_synthetic,
            on_chunk=on_chunk,
        )
    return recorded


def append_wide(
    session: Session,
    wide: pl.DataFrame,
    *,
    source: str,
    source_ref: str | None = None,
    batch_id: int | None = None,
    recorded_by: str | None = None,
    recorded_at: datetime | None = None,
    is_synthetic: bool = False,
    on_chunk: Callable[[int, int], None] | None = None,
) -> int:
    """Record a wide frame (``enterprise_id``, ``year``, one Int64 column per field in hundredths;
    null = not given) with one (enterprise, year) per row. Values equal to the current stored ones
    are dropped; each remaining row becomes one revision. Returns the number of values recorded.
    """
    fields = [c for c in wide.columns if c not in ("enterprise_id", "year")]
    unknown = set(fields) - set(PANEL_FIELD_CODES)
    if unknown:
        raise ValueError(f"unknown panel fields: {sorted(unknown)}")
    if wide.is_empty() or not fields:
        return 0
    if not wide.select(pl.struct("enterprise_id", "year").is_unique().all()).item():
        raise ValueError("append_wide needs one row per (enterprise_id, year); use append_frame")
    frame = wide.select(
        pl.col("enterprise_id").cast(pl.Int64),
        pl.col("year").cast(pl.Int64),
        *(pl.col(f).cast(pl.Int64) for f in fields),
    )
    current = _stored_current(session, frame, fields)
    if not current.is_empty():
        frame = frame.join(current, on=["enterprise_id", "year"], how="left", maintain_order="left").select(
            "enterprise_id",
            "year",
            *(
                pl.when(pl.col(f) == pl.col(f"{f}__current")).then(None).otherwise(pl.col(f)).alias(f)
                for f in fields
            ),
        )
    frame = frame.filter(pl.any_horizontal(pl.col(f).is_not_null() for f in fields))
    if frame.is_empty():
        return 0
    recorded = int(frame.select(pl.sum_horizontal(pl.col(f).is_not_null().sum() for f in fields)).item())
    meta: dict[str, object] = {
        "source": source,
        "source_ref": source_ref,
        "batch_id": batch_id,
        "recorded_at": recorded_at or datetime.now(UTC),
        "recorded_by": recorded_by,
        "is_synthetic": is_synthetic,
    }
    write_wide(session.connection(), frame, meta, on_chunk=on_chunk)
    return recorded


def write_wide(
    connection: sa.Connection,
    wide: pl.DataFrame,
    meta: dict[str, object],
    *,
    on_chunk: Callable[[int, int], None] | None = None,
) -> int:
    """Insert revision rows from a wide frame (enterprise_id, year, field columns in hundredths).

    ``meta`` gives the provenance columns shared by every row. Uses COPY on PostgreSQL and one
    executemany per chunk elsewhere. Returns the number of rows written.
    """
    fields = [c for c in wide.columns if c not in ("enterprise_id", "year")]
    columns = ["enterprise_id", "year", *fields, *_META]
    total = wide.height
    dialect = connection.dialect
    tail = tuple(meta[name] for name in _META)
    bound_tail = tuple(bind_value(connection, panel_revision.c[name], meta[name]) for name in _META)
    sql = (
        f"INSERT INTO panel_revision ({', '.join(columns)}) "
        f"VALUES ({', '.join(['%s' if dialect.paramstyle in ('format', 'pyformat') else '?'] * len(columns))})"
    )
    for start in range(0, total, _INSERT_CHUNK):
        chunk = wide.slice(start, _INSERT_CHUNK).select(["enterprise_id", "year", *fields])
        if dialect.name == "postgresql" and dialect.driver == "psycopg":
            raw = connection.connection.driver_connection
            assert raw is not None
            with (
                raw.cursor() as cursor,
                cursor.copy(f"COPY panel_revision ({', '.join(columns)}) FROM STDIN") as copy,
            ):
                for row in chunk.iter_rows():
                    copy.write_row(row + tail)
        elif dialect.paramstyle in ("qmark", "format", "pyformat"):
            # Field values are plain integers; only the shared provenance needed binding (done once).
            connection.exec_driver_sql(sql, [row + bound_tail for row in chunk.iter_rows()])
        else:
            insert_many(connection, panel_revision, columns, (row + tail for row in chunk.iter_rows()))
        if on_chunk is not None:
            on_chunk(min(start + _INSERT_CHUNK, total), total)
    return total


def _stored_current(session: Session, frame: pl.DataFrame, fields: Sequence[str]) -> pl.DataFrame:
    """Current stored values of ``fields`` for the keys in ``frame``: columns ``<field>__current``."""
    ids = frame["enterprise_id"].unique().sort().to_list()
    years = frame["year"].unique().to_list()
    t = panel_revision
    rows: list[Any] = []
    for start in range(0, len(ids), _LOOKUP_CHUNK):
        query = sa.select(t.c.id, t.c.enterprise_id, t.c.year, *(t.c[f] for f in fields)).where(
            t.c.enterprise_id.in_(ids[start : start + _LOOKUP_CHUNK]), t.c.year.in_(years)
        )
        rows.extend(session.execute(query).all())
    schema = {"id": pl.Int64, "enterprise_id": pl.Int64, "year": pl.Int64, **dict.fromkeys(fields, pl.Int64)}
    stored = pl.DataFrame(rows, schema=schema, orient="row")
    return (
        stored.sort("id")
        .group_by(["enterprise_id", "year"])
        .agg([pl.col(f).drop_nulls().last().alias(f"{f}__current") for f in fields])
    )
