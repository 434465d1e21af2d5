"""Storage of the indicator panel: append-only revisions and the ``indicator_current`` view."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import UTC, datetime

import sqlalchemy as sa
from sqlalchemy.orm import Session

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


def _revision(row: sa.Row) -> Revision:  # type: ignore[type-arg]
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
    if not pending:
        return 0
    when = recorded_at or datetime.now(UTC)
    current = current_values(session, {v.enterprise_id for v in pending})
    rows = []
    seen: dict[tuple[int, int, str], int] = {}
    for v in pending:
        key = (v.enterprise_id, v.year, v.indicator)
        scaled = to_scaled(v.value)
        previous = seen.get(key)
        if previous is None and key in current:
            previous = to_scaled(current[key].value)
        if previous == scaled:
            continue
        seen[key] = scaled
        rows.append(
            {
                "enterprise_id": v.enterprise_id,
                "year": v.year,
                "indicator": v.indicator,
                "value_centi": scaled,
                "source": source,
                "source_ref": source_ref,
                "batch_id": batch_id,
                "recorded_at": when,
                "recorded_by": recorded_by,
                "is_synthetic": is_synthetic,
            }
        )
    if rows:
        session.execute(sa.insert(IndicatorRevision), rows)
    return len(rows)
