"""Storage side of file imports: enterprises, the ImportBatch record and quarantined rows.

Every function runs inside the caller's transaction; the import service commits the batch, its
enterprises, revisions and quarantined rows as one unit.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from datetime import datetime
from typing import Any, cast

import sqlalchemy as sa
from sqlalchemy.orm import Session

from innopoints.adapters.db.bulk import insert_many
from innopoints.adapters.db.tables import Enterprise, ImportBatch, QuarantinedRow
from innopoints.registry.importing.model import ATTRIBUTE_KEYS, ExistingEnterprise

_CHUNK = 900
_ENTERPRISE = cast(sa.Table, Enterprise.__table__)
_BATCH = cast(sa.Table, ImportBatch.__table__)
_QUARANTINE = cast(sa.Table, QuarantinedRow.__table__)


def find_enterprises(session: Session, usccs: Iterable[str]) -> dict[str, ExistingEnterprise]:
    """The registry's record of each of ``usccs`` that it holds."""
    codes = sorted(set(usccs))
    table = _ENTERPRISE
    columns = [table.c.id, table.c.uscc, *(table.c[k] for k in ATTRIBUTE_KEYS)]
    found: dict[str, ExistingEnterprise] = {}
    for start in range(0, len(codes), _CHUNK):
        query = sa.select(*columns).where(table.c.uscc.in_(codes[start : start + _CHUNK]))
        for row in session.execute(query).mappings():
            found[row["uscc"]] = ExistingEnterprise(**row)
    return found


_ENTERPRISE_COLUMNS = ("uscc", *ATTRIBUTE_KEYS, "exit_date", "mainland_resident", "is_synthetic", "source")


def insert_enterprises(session: Session, rows: Sequence[Mapping[str, Any]], *, source: str) -> dict[str, int]:
    """Insert new enterprises (``uscc`` plus the attribute keys); return their ids by code."""
    if not rows:
        return {}
    table = _ENTERPRISE
    connection = session.connection()
    payload = [(r["uscc"], *(r.get(k) for k in ATTRIBUTE_KEYS), None, True, False, source) for r in rows]
    before = session.execute(sa.select(sa.func.max(table.c.id))).scalar_one() or 0
    insert_many(connection, table, _ENTERPRISE_COLUMNS, payload)
    # New ids are above the previous maximum (SQLite rowids and PostgreSQL sequences only grow);
    # one range query fetches them, filtered to our codes in case another writer inserted too.
    wanted = {r["uscc"] for r in rows}
    query = sa.select(table.c.uscc, table.c.id).where(table.c.id > before)
    ids = {uscc: id_ for uscc, id_ in session.execute(query).all() if uscc in wanted}
    missing = wanted - ids.keys()
    if missing:
        raise RuntimeError(f"{len(missing)} inserted enterprises were not found again")
    return ids


def update_enterprises(session: Session, changes: Mapping[int, Mapping[str, Any]]) -> None:
    """Apply attribute changes ``{enterprise id: {attribute: new value}}``."""
    table = _ENTERPRISE
    for enterprise_id, values in changes.items():
        session.execute(sa.update(table).where(table.c.id == enterprise_id).values(**values))


def start_batch(
    session: Session,
    *,
    file_name: str,
    sha256: str,
    file_format: str,
    encoding: str | None,
    source: str,
    mode: str,
    imported_by: str | None,
    started_at: datetime,
) -> int:
    batch = ImportBatch(
        file_name=file_name[:255],
        file_sha256=sha256,
        file_format=file_format,
        encoding=encoding,
        source=source,
        mode=mode,
        status="running",
        imported_by=imported_by,
        started_at=started_at,
    )
    session.add(batch)
    session.flush()
    return batch.id


def finish_batch(session: Session, batch_id: int, *, finished_at: datetime, **counts: int | str) -> None:
    """Record the outcome: ``status`` and the row/value counts (ImportBatch column names)."""
    table = _BATCH
    session.execute(sa.update(table).where(table.c.id == batch_id).values(finished_at=finished_at, **counts))


def insert_quarantined(session: Session, batch_id: int, rows: Iterable[tuple[int, str, str]]) -> int:
    """Store refused rows whole: ``(row number, raw row JSON, errors JSON)``."""
    payload = [(batch_id, number, raw, errors) for number, raw, errors in rows]
    columns = ("batch_id", "row_number", "raw_json", "errors_json")
    return insert_many(session.connection(), _QUARANTINE, columns, payload)


def batches_with_sha(session: Session, sha256: str) -> list[int]:
    """Ids of earlier committed batches of the same file content."""
    table = _BATCH
    query = sa.select(table.c.id).where(table.c.file_sha256 == sha256).order_by(table.c.id)
    return list(session.execute(query).scalars())
