"""Import service: ``preview`` a file, or ``run_import`` it in ONE database transaction.

The batch record, new enterprises, attribute updates, panel revisions and quarantined rows are
committed together, so an import that fails or is killed half-way leaves no trace. Values are
appended with ``panel_repo.append_frame`` (append-only, unchanged values skipped): importing the
same file twice changes nothing the second time.
"""

from __future__ import annotations

import os
import signal
from collections.abc import Collection
from datetime import UTC, date, datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any

import polars as pl

from innopoints.errors import UserError
from innopoints.region import Region, load_region
from innopoints.registry.importing.columns import HeaderMapping, map_headers
from innopoints.registry.importing.model import (
    ATTRIBUTE_KEYS,
    ExistingEnterprise,
    ImportResult,
    Preview,
    ProgressFn,
    no_progress,
)
from innopoints.registry.importing.reader import RawTable, read_table
from innopoints.registry.importing.report import errors_by_row, raw_rows
from innopoints.registry.importing.validate import Validated, validate_table
from innopoints.registry.panel import SOURCES

if TYPE_CHECKING:
    from sqlalchemy.orm import Session, sessionmaker

    from innopoints.bootstrap import Container

IMPORT_SOURCES = (
    "tax",
    "market_regulation",
    "intellectual_property",
    "statistics",
    "self_reported",
    "import",
)
# Test hook: SIGKILL this process once that many revision rows have been written (never in production).
FAULT_KILL_ENV = "INNOPOINTS_IMPORT_FAULT_KILL_AFTER_ROWS"


def load(path: Path, *, display_name: str | None = None) -> tuple[RawTable, HeaderMapping]:
    """Read and map a file; file-level problems raise ``UserError`` (exit code 2)."""
    table = read_table(path, display_name=display_name)
    mapping = map_headers(table.headers)
    if not mapping.ok:
        lines = "；".join(p.message for p in mapping.problems)
        raise UserError(f"“{table.file_name}”的表头有问题，未导入任何数据：{lines}")
    if not table.row_numbers:
        raise UserError(f"“{table.file_name}”只有表头，没有数据行")
    return table, mapping


def preview(
    path: Path,
    *,
    display_name: str | None = None,
    region: Region | None = None,
    existing_usccs: Collection[str] = (),
    today: date | None = None,
    rows: int = 20,
) -> Preview:
    """Parse and validate without touching the database (for the upload page)."""
    table = read_table(path, display_name=display_name)
    mapping = map_headers(table.headers)
    header_mapping = [
        {
            "header": c.header,
            "key": c.key,
            "unit": c.unit,
            "meaning": c.panel.name_zh if c.panel else (c.attribute.header if c.attribute else "忽略"),
        }
        for c in mapping.columns
    ]
    first = [
        {h: table.columns[p][i] for p, h in enumerate(table.headers)}
        for i in range(min(rows, table.row_count))
    ]
    if not mapping.ok or not table.row_numbers:
        problems = [p.message for p in mapping.problems] or ["没有数据行"]
        return Preview(
            table.file_name,
            table.file_format,
            table.encoding,
            header_mapping,
            problems,
            table.row_count,
            first,
            [],
        )
    validated = validate_table(
        table,
        mapping,
        region=region or load_region(),
        existing_usccs=existing_usccs,
        today=today or date.today(),
    )
    return Preview(
        table.file_name,
        table.file_format,
        table.encoding,
        header_mapping,
        [],
        table.row_count,
        first,
        validated.cell_errors(limit=1000),
    )


def run_import(
    target: Container | sessionmaker[Session],
    path: Path,
    *,
    source: str = "import",
    all_or_nothing: bool = False,
    dry_run: bool = False,
    progress: ProgressFn = no_progress,
    display_name: str | None = None,
    imported_by: str | None = None,
    region: Region | None = None,
    today: date | None = None,
) -> ImportResult:
    """Validate and import one file. Raises ``UserError`` for file-level problems."""
    from innopoints.adapters.db import import_repo

    if source not in IMPORT_SOURCES:
        raise UserError(
            f"未知的数据来源“{source}”，可选：" + "、".join(f"{s}（{SOURCES[s]}）" for s in IMPORT_SOURCES)
        )
    from sqlalchemy.orm import sessionmaker as session_maker

    sessions = target if isinstance(target, session_maker) else target.sessions
    region = region or getattr(target, "region", None) or load_region()
    started = datetime.now(UTC)
    progress("parse", 0, 1)
    table, mapping = load(path, display_name=display_name)
    progress("parse", 1, 1)
    mode = "all_or_nothing" if all_or_nothing else "quarantine"

    with sessions() as session:
        progress("validate", 0, table.row_count)
        codes = {c.strip() for c in table.columns[mapping.by_key()["uscc"].position] if c}
        existing = import_repo.find_enterprises(session, codes)
        validated = validate_table(
            table, mapping, region=region, existing_usccs=existing, today=today or date.today()
        )
        errors = validated.cell_errors()
        bad = validated.bad_row_numbers
        progress("validate", table.row_count, table.row_count)
        result = ImportResult(
            file_name=table.file_name,
            file_format=table.file_format,
            encoding=table.encoding,
            sha256=table.sha256,
            source=source,
            mode=mode,
            status="committed",
            rows_total=table.row_count,
            rows_accepted=table.row_count - len(bad),
            rows_quarantined=len(bad),
            errors=errors,
        )
        if dry_run or (all_or_nothing and bad):
            session.rollback()
            result.status = "dry_run" if dry_run else "rejected"
            if result.status == "rejected":
                result.rows_accepted = 0
            return result
        try:
            _write(session, table, validated, existing, result, imported_by, started, progress)
            session.commit()
        except BaseException:
            session.rollback()
            raise
    return result


def _attributes(frame: pl.DataFrame) -> pl.DataFrame:
    """One row per enterprise: the first non-empty value of each attribute given in the file."""
    present = [k for k in ATTRIBUTE_KEYS if k in frame.columns]
    return (
        frame.sort("__row")
        .group_by("uscc", maintain_order=True)
        .agg(pl.col(k).drop_nulls().first() for k in present)
    )


def _write(
    session: Session,
    table: RawTable,
    validated: Validated,
    existing: dict[str, ExistingEnterprise],
    result: ImportResult,
    imported_by: str | None,
    started: datetime,
    progress: ProgressFn,
) -> None:
    from innopoints.adapters.db import import_repo, panel_repo

    batch_id = import_repo.start_batch(
        session,
        file_name=table.file_name,
        sha256=table.sha256,
        file_format=table.file_format,
        encoding=table.encoding,
        source=result.source,
        mode=result.mode,
        imported_by=imported_by,
        started_at=started,
    )
    result.batch_id = batch_id
    good = validated.good
    attributes = _attributes(good)
    known = pl.Series(list(existing), dtype=pl.String)
    new_rows = attributes.filter(~pl.col("uscc").is_in(known.implode())).to_dicts()
    ids = {code: firm.id for code, firm in existing.items()}
    ids.update(import_repo.insert_enterprises(session, new_rows, source=result.source))
    changes = _attribute_changes(attributes.filter(pl.col("uscc").is_in(known.implode())), existing)
    import_repo.update_enterprises(session, changes)
    result.enterprises_created = len(new_rows)
    result.enterprises_updated = len(changes)

    values = _panel_values(good, validated.panel_codes, ids)
    kill_after = _fault_kill_threshold()

    def on_chunk(done: int, total: int) -> None:
        progress("write", done, total)
        if kill_after is not None and done >= kill_after:
            os.kill(os.getpid(), signal.SIGKILL)

    progress("write", 0, values.height)
    result.values_changed = panel_repo.append_wide(
        session,
        values,
        source=result.source,
        source_ref=table.file_name,
        batch_id=batch_id,
        recorded_by=imported_by,
        recorded_at=started,
        on_chunk=on_chunk,
    )
    bad = validated.bad_row_numbers
    raw = raw_rows(table, bad)
    problems = errors_by_row(result.errors)
    import_repo.insert_quarantined(session, batch_id, ((n, raw[n], problems[n]) for n in bad))
    result.status = "partial" if bad else "committed"
    import_repo.finish_batch(
        session,
        batch_id,
        finished_at=datetime.now(UTC),
        status=result.status,
        rows_total=result.rows_total,
        rows_accepted=result.rows_accepted,
        rows_quarantined=result.rows_quarantined,
        values_changed=result.values_changed,
        enterprises_created=result.enterprises_created,
    )


def _attribute_changes(
    frame: pl.DataFrame, existing: dict[str, ExistingEnterprise]
) -> dict[int, dict[str, Any]]:
    changes: dict[int, dict[str, Any]] = {}
    for row in frame.iter_rows(named=True):
        firm = existing[row["uscc"]]
        diff = {
            k: v for k, v in row.items() if k in ATTRIBUTE_KEYS and v is not None and getattr(firm, k) != v
        }
        if diff:
            changes[firm.id] = diff
    return changes


def _panel_values(good: pl.DataFrame, codes: tuple[str, ...], ids: dict[str, int]) -> pl.DataFrame:
    """Accepted rows as a wide frame for ``panel_repo.append_wide`` (one row per firm and year)."""
    id_frame = pl.DataFrame(
        {"uscc": list(ids), "enterprise_id": list(ids.values())},
        schema={"uscc": pl.String, "enterprise_id": pl.Int64},
    )
    if not codes or good.is_empty():
        return pl.DataFrame(schema={"enterprise_id": pl.Int64, "year": pl.Int64})
    return (
        good.select("uscc", pl.col("year").cast(pl.Int64), *(pl.col(c).cast(pl.Int64) for c in codes))
        .join(id_frame, on="uscc", how="inner")
        .select("enterprise_id", "year", *codes)
        .sort(["enterprise_id", "year"])
    )


def _fault_kill_threshold() -> int | None:
    value = os.environ.get(FAULT_KILL_ENV)
    if not value or os.environ.get("INNOPOINTS_ENVIRONMENT") == "production":
        return None
    return int(value)
