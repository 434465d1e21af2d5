"""A one-row-per-firm frame assembled from a base and keyed parts, collected in one go.

A batch round reads a dozen things keyed by ``uscc`` (the firm's enterprise row, this year's and last
year's panel values, the earlier window years, the venture history, qualifications, negative records).
Joining them one after the other onto an ever wider frame copies the wide frame at every join; instead
every part is planned lazily, all are collected together (``pl.collect_all``: one pass of parallel
scans), and the parts are joined onto the base narrowest first, the widest last (a part already aligned
with the base row for row is placed beside it without a join). The finishing
expressions (fills, copies, the final column order) run once on the joined frame.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field

import polars as pl

Finish = Callable[[pl.LazyFrame], pl.LazyFrame]


def _identity(frame: pl.LazyFrame) -> pl.LazyFrame:
    return frame


@dataclass
class FramePlan:
    """``base``: one row per firm with ``uscc``; ``parts``: ``uscc`` plus new columns, at most one row per
    firm (left-joined: a firm without a row gets nulls); ``finish``: applied to the joined frame."""

    base: pl.LazyFrame
    parts: list[pl.LazyFrame] = field(default_factory=list)
    finish: Finish = _identity

    def then(self, step: Finish) -> FramePlan:
        """The same plan with ``step`` run after this plan's finishing steps."""
        first = self.finish
        return FramePlan(self.base, list(self.parts), lambda frame: step(first(frame)))

    def lazy(self) -> pl.LazyFrame:
        frame = self.base
        for part in self.parts:
            frame = frame.join(part, on="uscc", how="left")
        return self.finish(frame)

    def collect(self) -> pl.DataFrame:
        """Collect every part at once; a part holding exactly the base's firms in the base's order (a
        panel year written in enterprise order) is placed beside it, the others are joined."""
        base, *parts = pl.collect_all([self.base, *self.parts])
        frame = base
        for part in sorted(parts, key=lambda p: p.width):
            if part.height == base.height and part["uscc"].equals(base["uscc"]):
                frame = frame.hstack(part.drop("uscc").get_columns())
            else:
                frame = frame.join(part, on="uscc", how="left", maintain_order="left")
        return self.finish(frame.lazy()).collect()
