"""Per-round aggregates the profile reads on every page view, kept in memory per server process.

A stored scoring round never changes, so what the profile derives from it alone (the names of its peer
groups, its frozen reference distributions decoded from JSON, the sorted score columns of each peer group)
is computed once per round and reused. Entries are keyed by the database, the round id, its creation time
and input fingerprint, so a round recreated under the same id (a reset database) is a miss; the cache is
bounded (least recently used entries go first).
"""

from __future__ import annotations

import bisect
import statistics
import threading
from collections import OrderedDict
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from decimal import Decimal
from typing import Any, TypeVar

from sqlalchemy import Engine
from sqlalchemy.orm import Session

from innopoints.adapters.db import profile_repo as repo
from innopoints.adapters.db.scoring_tables import ScoringRound
from innopoints.scoring.reference import Reference

T = TypeVar("T")
MAX_ENTRIES = 512


class _Lru:
    def __init__(self, size: int) -> None:
        self.size = size
        self._lock = threading.Lock()
        self._items: OrderedDict[tuple[Any, ...], Any] = OrderedDict()

    def get(self, key: tuple[Any, ...], compute: Callable[[], T]) -> T:
        with self._lock:
            if key in self._items:
                self._items.move_to_end(key)
                found: T = self._items[key]
                return found
        value = compute()
        with self._lock:
            self._items[key] = value
            while len(self._items) > self.size:
                self._items.popitem(last=False)
        return value

    def clear(self) -> None:
        with self._lock:
            self._items.clear()


_CACHE = _Lru(MAX_ENTRIES)


def clear() -> None:
    _CACHE.clear()


def round_key(session: Session, rnd: ScoringRound) -> tuple[str, int, str, str]:
    bind = session.get_bind()
    engine = bind if isinstance(bind, Engine) else bind.engine
    url = engine.url.render_as_string(hide_password=True)
    return (url, rnd.id, repo.utc(rnd.created_at).isoformat(), rnd.input_sha256)


def group_names(session: Session, rnd: ScoringRound) -> frozenset[str]:
    """The round's peer-group names."""
    key = ("groups", *round_key(session, rnd))
    return _CACHE.get(key, lambda: frozenset(repo.peer_group_names(session, rnd.id)))


def reference(session: Session, rnd: ScoringRound, groups: Iterable[str]) -> Reference:
    """The round's frozen reference restricted to ``groups`` (the whole reference is decoded once)."""
    key = ("reference", *round_key(session, rnd))
    full = _CACHE.get(key, lambda: repo.reference_for(session, rnd, repo.peer_group_names(session, rnd.id)))
    wanted = set(groups)
    return Reference(
        k_points=full.k_points,
        levels=full.levels,
        quantiles={g: q for g, q in full.quantiles.items() if g in wanted},
        group_sizes={g: n for g, n in full.group_sizes.items() if g in wanted},
        value_counts={g: c for g, c in full.value_counts.items() if g in wanted},
    )


@dataclass(frozen=True)
class PeerColumns:
    """One peer group's stored scores by indicator group, sorted, and the set of score vectors present."""

    sorted_scores: dict[str, list[int]]
    medians: dict[str, Decimal]
    members: frozenset[tuple[tuple[str, int], ...]]
    size: int

    def contains(self, scores: dict[str, int]) -> bool:
        return _vector(scores) in self.members

    def below(self, group: str, value: int) -> int:
        """How many stored scores of ``group`` are strictly below ``value``."""
        return bisect.bisect_left(self.sorted_scores.get(group, []), value)


def _vector(scores: dict[str, int]) -> tuple[tuple[str, int], ...]:
    return tuple(sorted(scores.items()))


def peer_columns(session: Session, rnd: ScoringRound, peer_group: str, groups: Iterable[str]) -> PeerColumns:
    """Sorted columns of the peer group's stored per-group scores (for the radar's percentile and median)."""
    wanted = tuple(groups)
    key = ("columns", *round_key(session, rnd), peer_group, wanted)

    def build() -> PeerColumns:
        stored = repo.peer_scores(session, rnd, peer_group).group_scores
        columns = {g: sorted(s.get(g, 0) for s in stored) for g in wanted}
        medians = {g: Decimal(str(statistics.median(v))) if v else Decimal(0) for g, v in columns.items()}
        return PeerColumns(columns, medians, frozenset(_vector(s) for s in stored), len(stored))

    return _CACHE.get(key, build)
