"""Load a generated city into the configured database in one transaction: executemany of tuples on
the raw SQLite connection, ``COPY … FROM STDIN`` (psycopg) on PostgreSQL."""

from __future__ import annotations

import io
from collections.abc import Callable
from datetime import UTC, datetime

import polars as pl
import sqlalchemy as sa

from innopoints.errors import UserError
from innopoints.synth.city import City
from innopoints.synth.enterprise_table import DB_COLUMNS, SOURCE

# Parents before children (foreign keys are enforced on SQLite).
TABLE_ORDER = (
    "enterprise",
    "qualification",
    "negative_record",
    "institution",
    "achievement",
    "achievement_inventor",
    "demand",
    "expert",
    "broker",
    "pilot_base",
    "pilot_service",
    "tech_contract",
    "broker_assignment",
    "broker_rating",
    "broker_case",
    "service_order",
    "challenge",
    "challenge_score",
    "challenge_application",
    "achievement_interest",
    "commissioner_pairing",
    "bank",
    "loan",
    "loan_event",
    "risk_compensation_claim",
)
CHUNK = 250_000
Advance = Callable[[str, int], None]


def panel_wide(city: City) -> pl.DataFrame:
    """The panel years as ``panel_revision`` rows: one revision per enterprise and year carrying
    every field the firm reported, sorted by the index key so the B-tree grows at its right edge."""
    ids = city.enterprises.select("uscc", enterprise_id="id")
    frames = []
    for table in city.panel_years:
        wide = pl.from_arrow(table)
        assert isinstance(wide, pl.DataFrame)
        frames.append(wide.join(ids, on="uscc", how="left").drop("uscc"))
    if not frames:
        return pl.DataFrame()
    panel = pl.concat(frames, how="diagonal_relaxed")
    fields = [c for c in panel.columns if c not in ("enterprise_id", "year")]
    return panel.select("enterprise_id", "year", *fields).sort("enterprise_id", "year")


def city_tables(city: City, recorded_at: datetime) -> dict[str, pl.DataFrame]:
    tables = {
        "enterprise": city.enterprises.select(DB_COLUMNS),
        "qualification": city.qualifications,
        "negative_record": city.negative_records,
        **city.tables,
    }
    out = {name: tables[name] for name in TABLE_ORDER if name in tables}
    out["panel_revision"] = panel_wide(city)
    return out


def revision_constants(city: City, recorded_at: datetime) -> dict[str, object]:
    """Columns that are the same on every synthetic revision."""
    return {
        "source": SOURCE,
        "source_ref": f"innopoints synth seed={city.seed}",
        "recorded_at": recorded_at,
        "recorded_by": "synth",
        "is_synthetic": True,
    }


def ensure_empty(engine: sa.Engine) -> None:
    names = (*TABLE_ORDER, "panel_revision")
    with engine.connect() as conn:
        busy = [t for t in names if conn.execute(sa.text(f"SELECT EXISTS (SELECT 1 FROM {t})")).scalar()]
    if busy:
        raise UserError(
            f"数据库中已有数据，合成城市只能载入空库 (the database is not empty: {', '.join(busy)}); "
            "请使用 --if-empty 跳过或换用新数据库 (use --if-empty or a fresh database)"
        )


def load_city(engine: sa.Engine, city: City, advance: Advance | None = None) -> dict[str, int]:
    """Insert every table of the city; return row counts. All or nothing."""
    now = datetime.now(UTC)
    tables = city_tables(city, now)
    constants = revision_constants(city, now)
    step = advance or (lambda _t, _n: None)
    raw = engine.raw_connection()
    try:
        if engine.dialect.name == "sqlite":
            _sqlite(raw, tables, constants, step)
        elif engine.dialect.name == "postgresql":
            _postgres(raw, tables, constants, step)
        else:
            raise UserError(f"不支持的数据库 (unsupported database): {engine.dialect.name}")
        raw.commit()
    except BaseException:
        raw.rollback()
        raise
    finally:
        raw.close()
    return {name: df.height for name, df in tables.items()}


def _sqlite_ready(df: pl.DataFrame) -> pl.DataFrame:
    casts = []
    for name, dtype in df.schema.items():
        if dtype == pl.Boolean:
            casts.append(pl.col(name).cast(pl.Int8))
        elif dtype == pl.Date:
            casts.append(pl.col(name).dt.strftime("%Y-%m-%d"))
        elif isinstance(dtype, pl.Datetime):
            casts.append(pl.col(name).dt.strftime("%Y-%m-%d %H:%M:%S.%6f"))
    return df.with_columns(casts) if casts else df


def _sqlite_literal(value: object) -> str:
    if isinstance(value, bool):
        return "1" if value else "0"
    if isinstance(value, datetime):
        value = value.strftime("%Y-%m-%d %H:%M:%S.%f")
    return "'" + str(value).replace("'", "''") + "'"


def _sqlite(
    raw: object, tables: dict[str, pl.DataFrame], constants: dict[str, object], step: Advance
) -> None:
    cur = raw.cursor()  # type: ignore[attr-defined]
    cur.execute("PRAGMA cache_size=-262144")  # 256 MiB page cache for this connection's bulk load
    cur.execute("BEGIN")
    for name, df in tables.items():
        ready = _sqlite_ready(df)
        fixed = constants if name == "panel_revision" else {}
        columns = [*df.columns, *fixed]
        marks = ["?"] * df.width + [_sqlite_literal(v) for v in fixed.values()]
        sql = f"INSERT INTO {name} ({', '.join(columns)}) VALUES ({', '.join(marks)})"
        for start in range(0, ready.height, CHUNK):
            chunk = ready.slice(start, CHUNK)
            cur.executemany(sql, zip(*(chunk[c].to_list() for c in chunk.columns), strict=True))
            step(name, chunk.height)


def _postgres(
    raw: object, tables: dict[str, pl.DataFrame], constants: dict[str, object], step: Advance
) -> None:
    cur = raw.cursor()  # type: ignore[attr-defined]
    for name, frame in tables.items():
        df = (
            frame.with_columns(**{k: pl.lit(v) for k, v in constants.items()})
            if name == "panel_revision"
            else frame
        )
        ready = df.with_columns(
            [
                pl.col(c).dt.strftime("%Y-%m-%d %H:%M:%S%.f+00")
                for c, t in df.schema.items()
                if isinstance(t, pl.Datetime)
            ]
        )
        with cur.copy(f"COPY {name} ({', '.join(df.columns)}) FROM STDIN (FORMAT csv)") as copy:
            for start in range(0, ready.height, CHUNK):
                chunk = ready.slice(start, CHUNK)
                buf = io.BytesIO()
                chunk.write_csv(buf, include_header=False, null_value="")
                copy.write(buf.getvalue())
                step(name, chunk.height)
        if "id" in df.columns:
            cur.execute(
                f"SELECT setval(pg_get_serial_sequence('{name}', 'id'), (SELECT COALESCE(MAX(id), 1) FROM {name}))"
            )
