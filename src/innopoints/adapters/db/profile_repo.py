"""Read queries behind the enterprise profile (画像): one firm's records, its stored round result, its peer
group's stored results, the frozen reference of a few peer groups, the round's input-snapshot row, top lists.

Every function reads only what one profile needs (index seeks on ``uscc``, ``round_id``/``peer_group``), so a
profile stays fast on a city of 30,000 firms.
"""

from __future__ import annotations

import json
import threading
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import UTC, date, datetime
from decimal import Decimal
from pathlib import Path

import numpy as np
import polars as pl
import sqlalchemy as sa
from sqlalchemy.orm import Session

from innopoints.adapters.db import enterprise_repo
from innopoints.adapters.db.scoring_tables import ScoringReference, ScoringResult, ScoringRound
from innopoints.adapters.db.tables import Enterprise
from innopoints.eligibility.panel_inputs import (
    EnterpriseAttributes,
    FirmData,
    NegativeEntry,
    QualificationRecord,
)
from innopoints.scoring.reference import Reference


@dataclass(frozen=True)
class FirmRecord:
    """One enterprise as the profile needs it: identity plus the eligibility read model (``FirmData``)."""

    id: int
    uscc: str
    name: str
    cluster_id: str
    exit_date: date | None
    data: FirmData
    last_recorded: datetime | None  # latest time any of its records was stored (UTC)


@dataclass(frozen=True)
class PeerScores:
    """Stored results of one peer group in one round: points and per-group scores (hundredths)."""

    points_centi: list[int]
    group_scores: list[dict[str, int]]


def load_firm(session: Session, uscc: str) -> FirmRecord | None:
    rows = enterprise_repo.firm_rows(session, uscc)
    if rows is None:
        return None
    firm, quals, negs = rows.firm, rows.qualifications, rows.negatives
    panel: dict[int, dict[str, Decimal]] = {}
    stamps = [utc(firm.created_at), *(utc(q.created_at) for q in quals), *(utc(n.created_at) for n in negs)]
    for rev in rows.history:  # oldest first: the latest revision carrying a field is its current value
        panel.setdefault(rev.year, {})[rev.indicator] = rev.value
        stamps.append(utc(rev.recorded_at))
    data = FirmData(
        attributes=EnterpriseAttributes(
            registration_date=firm.registration_date,
            district=firm.district_code,
            cluster=firm.cluster_id,
            high_tech_field_id=firm.high_tech_field_id,
            listed=firm.listed,
            mainland_resident=firm.mainland_resident,
        ),
        panel=panel,
        qualifications=tuple(
            QualificationRecord(q.kind, q.year, q.granted_on, q.expires_on, q.revoked_on) for q in quals
        ),
        negatives=tuple(NegativeEntry(n.kind, n.occurred_on, n.cleared_on) for n in negs),
    )
    return FirmRecord(firm.id, firm.uscc, firm.name, firm.cluster_id, firm.exit_date, data, max(stamps))


def utc(moment: datetime) -> datetime:
    """SQLite returns naive datetimes for ``DateTime(timezone=True)`` columns: they are stored in UTC."""
    return moment.replace(tzinfo=UTC) if moment.tzinfo is None else moment.astimezone(UTC)


def names_of(session: Session, usccs: Iterable[str]) -> dict[str, str]:
    codes = sorted(set(usccs))
    out: dict[str, str] = {}
    for start in range(0, len(codes), 900):
        chunk = codes[start : start + 900]
        rows = session.execute(sa.select(Enterprise.uscc, Enterprise.name).where(Enterprise.uscc.in_(chunk)))
        out.update({u: n for u, n in rows.all()})
    return out


def rounds(session: Session) -> list[ScoringRound]:
    return list(session.execute(sa.select(ScoringRound).order_by(ScoringRound.id)).scalars())


def get_round(session: Session, round_id: int) -> ScoringRound | None:
    return session.get(ScoringRound, round_id)


def has_rounds(session: Session) -> bool:
    return session.execute(sa.select(ScoringRound.id).limit(1)).first() is not None


def results_with_rounds(session: Session, uscc: str) -> list[tuple[ScoringResult, ScoringRound]]:
    """Every stored result of the firm with its round, oldest round first (by year, then id): one query
    gives both the latest result and the points of each year."""
    r, rnd = ScoringResult, ScoringRound
    query = sa.select(r, rnd).join(rnd, rnd.id == r.round_id).where(r.uscc == uscc.upper())
    return [(res, found) for res, found in session.execute(query.order_by(rnd.year, rnd.id))]


_PEER_CACHE: dict[tuple[str, int, str, str, str], PeerScores] = {}
_PEER_CACHE_SIZE = 256
_PEER_LOCK = threading.Lock()


def peer_scores(session: Session, rnd: ScoringRound, peer_group: str) -> PeerScores:
    """The peer group's stored scores. A stored round never changes, so they are kept in memory, keyed by
    the database, the round and its creation time and input fingerprint (a recreated round id misses)."""
    url = session.connection().engine.url.render_as_string(hide_password=True)
    key = (url, rnd.id, utc(rnd.created_at).isoformat(), rnd.input_sha256, peer_group)
    with _PEER_LOCK:
        found = _PEER_CACHE.get(key)
    if found is None:
        found = _read_peer_scores(session, rnd.id, peer_group)
        with _PEER_LOCK:
            if len(_PEER_CACHE) >= _PEER_CACHE_SIZE:
                _PEER_CACHE.pop(next(iter(_PEER_CACHE)))
            _PEER_CACHE[key] = found
    return found


def clear_peer_cache() -> None:
    with _PEER_LOCK:
        _PEER_CACHE.clear()


def _read_peer_scores(session: Session, round_id: int, peer_group: str) -> PeerScores:
    r = ScoringResult
    query = sa.select(r.points_centi, r.group_scores_json).where(
        r.round_id == round_id, r.peer_group == peer_group
    )
    points: list[int] = []
    groups: list[dict[str, int]] = []
    for pts, scores in session.execute(query).all():
        points.append(pts)
        groups.append(json.loads(scores))
    return PeerScores(points, groups)


def peer_group_names(session: Session, round_id: int) -> set[str]:
    t = ScoringReference
    query = sa.select(t.peer_group).where(t.round_id == round_id).distinct()
    return set(session.execute(query).scalars())


def reference_for(session: Session, rnd: ScoringRound, groups: Iterable[str]) -> Reference:
    """The round's frozen reference restricted to ``groups`` (the caller resolves which groups it needs
    from ``peer_group_names``)."""
    ref = Reference(k_points=rnd.quantile_points, levels=json.loads(rnd.levels_json))
    wanted = sorted(set(groups))
    t = ScoringReference
    rows = session.execute(sa.select(t).where(t.round_id == rnd.id, t.peer_group.in_(wanted))).scalars()
    for row in rows:
        ref.quantiles.setdefault(row.peer_group, {})[row.indicator] = (
            None if row.quantiles_json is None else np.array(json.loads(row.quantiles_json), dtype=np.float64)
        )
        ref.group_sizes[row.peer_group] = row.group_size
        ref.value_counts.setdefault(row.peer_group, {})[row.indicator] = row.value_count
    return ref


def snapshot_row(rnd: ScoringRound, uscc: str) -> pl.DataFrame | None:
    """The firm's row of a database round's input snapshot (None when the round has no readable snapshot)."""
    if rnd.input_kind != "database" or not rnd.snapshot_path or not Path(rnd.snapshot_path).exists():
        return None
    return pl.scan_parquet(rnd.snapshot_path).filter(pl.col("uscc") == uscc.upper()).collect()


def top_results(
    session: Session,
    round_id: int,
    flag: str,
    peer_group: str | None,
    limit: int,
    *,
    scope: sa.ColumnElement[bool] | None = None,
) -> tuple[int, list[ScoringResult]]:
    """Firms on one list (``top5``/``top10``/``top20``) ordered by peer group and rank; (total, first rows).
    ``scope``: an extra condition (the viewer's data scope) limiting both the total and the rows."""
    r = ScoringResult
    cond = [r.round_id == round_id, getattr(r, flag).is_(True)]
    if peer_group is not None:
        cond.append(r.peer_group == peer_group)
    if scope is not None:
        cond.append(scope)
    total = session.execute(sa.select(sa.func.count()).select_from(r).where(*cond)).scalar_one()
    query = sa.select(r).where(*cond).order_by(r.peer_group, r.peer_rank, r.uscc).limit(limit)
    return total, list(session.execute(query).scalars())
