"""A stored round's results as a frame (one row per firm) and the round list with plain facts."""

from __future__ import annotations

import threading
from collections import OrderedDict
from dataclasses import dataclass
from datetime import datetime

import polars as pl
import sqlalchemy as sa
from sqlalchemy.orm import Session

from innopoints.adapters.db.cultivation_tables import PoolScreening
from innopoints.adapters.db.scoring_tables import ScoringResult, ScoringRound
from innopoints.errors import NotFound

RESULT_SCHEMA: dict[str, pl.DataType] = {
    "uscc": pl.String(),
    "stage": pl.String(),
    "peer_group": pl.String(),
    "points_centi": pl.Int64(),
    "peer_rank": pl.Int64(),
    "peer_size": pl.Int64(),
    "city_rank": pl.Int64(),
    "percentile_bp": pl.Int64(),
    "top5": pl.Boolean(),
    "top10": pl.Boolean(),
    "top20": pl.Boolean(),
    "ladder_stage": pl.String(),
    "tech_sme_qualified": pl.Boolean(),
}


@dataclass(frozen=True)
class RoundInfo:
    id: int
    year: int
    created_at: datetime
    firms: int
    engine: str
    input_kind: str
    rulebook_hash: str
    current_rulebook: bool
    screened: bool

    @property
    def label(self) -> str:
        return f"第 {self.id} 批次（{self.year} 年）"


_CACHE_SIZE = 6
_cache: OrderedDict[tuple[str, int, str], pl.DataFrame] = OrderedDict()
_cache_lock = threading.Lock()


def round_results(session: Session, round_id: int) -> pl.DataFrame:
    """One row per firm of a stored round. A round never changes once stored, so the last few read are
    kept in memory (keyed by database, round id and creation time: a recreated database never hits)."""
    created = session.execute(sa.select(ScoringRound.created_at).where(ScoringRound.id == round_id)).scalar()
    if created is None:
        raise NotFound(f"评价批次 {round_id} 不存在 (scoring round {round_id} not found)")
    key = (str(session.get_bind().engine.url), round_id, str(created))
    with _cache_lock:
        hit = _cache.get(key)
        if hit is not None:
            _cache.move_to_end(key)
            return hit
    r = ScoringResult
    query = sa.select(*(getattr(r, name) for name in RESULT_SCHEMA)).where(r.round_id == round_id)
    frame = pl.DataFrame(session.execute(query).all(), schema=RESULT_SCHEMA, orient="row")
    with _cache_lock:
        _cache[key] = frame
        while len(_cache) > _CACHE_SIZE:
            _cache.popitem(last=False)
    return frame


def rounds(session: Session, current_hash: str) -> list[RoundInfo]:
    """Every stored round, newest first."""
    screened = set(session.execute(sa.select(PoolScreening.round_id)).scalars())
    rows = session.execute(sa.select(ScoringRound).order_by(ScoringRound.id.desc())).scalars()
    return [
        RoundInfo(
            id=r.id,
            year=r.year,
            created_at=r.created_at,
            firms=r.firms,
            engine=r.engine,
            input_kind=r.input_kind,
            rulebook_hash=r.rulebook_hash,
            current_rulebook=r.rulebook_hash == current_hash,
            screened=r.id in screened,
        )
        for r in rows
    ]


def find_round(all_rounds: list[RoundInfo], round_id: int) -> RoundInfo:
    for info in all_rounds:
        if info.id == round_id:
            return info
    raise NotFound(f"评价批次 {round_id} 不存在 (scoring round {round_id} not found)")


def previous_round(all_rounds: list[RoundInfo], round_id: int) -> RoundInfo | None:
    """The round stored just before ``round_id`` (the comparison for "this round's movers")."""
    earlier = [r for r in all_rounds if r.id < round_id]
    return max(earlier, key=lambda r: r.id) if earlier else None
