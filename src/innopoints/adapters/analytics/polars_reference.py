"""Peer groups, frozen reference quantiles and percentile lookup for the embedded (Polars) engine.

The percentile kernel is vectorised numpy per peer group (``searchsorted`` over the K frozen quantiles),
run for all indicators in parallel threads; formulas are in scoring/reference.py.
"""

from __future__ import annotations

import os
from concurrent.futures import ThreadPoolExecutor

import numpy as np
import numpy.typing as npt
import polars as pl

from innopoints.adapters.analytics import columns as c
from innopoints.scoring.reference import (
    FloatArray,
    IntArray,
    Reference,
    group_label,
    percentile_micro,
    quantile_points,
)
from innopoints.scoring.rulebook import PointsRulebook


def levels(rb: PointsRulebook) -> list[list[str]]:
    pg = rb.peer_groups
    out: list[list[str]] = [[str(x) for x in pg.key]]
    if pg.fallback and pg.fallback != pg.key:
        out.append([str(x) for x in pg.fallback])
    out.append([])
    return out


def _cell_keys(df: pl.DataFrame) -> pl.Series:
    """One integer per stage×cluster cell: the two strings' categorical codes (each string hashed once;
    a missing one gets its own code), so that grouping and lookups below run on integers. (Columns are
    taken with ``get_column``: an eager ``select`` on the wide round frame costs far more.)"""
    missing = (1 << 32) - 1
    stage, cluster = (
        df.get_column(x).cast(pl.Categorical).to_physical().cast(pl.UInt64).fill_null(missing)
        for x in ("stage", "cluster_id")
    )
    return (stage * (1 << 32) + cluster).alias("_key")


def _fine_table(df: pl.DataFrame, keys: pl.Series) -> pl.DataFrame:
    """The stage×cluster cells present (their key, stage, cluster and size), in sorted order."""
    return (
        pl.DataFrame([keys, df.get_column("stage"), df.get_column("cluster_id")])
        .group_by("_key")
        .agg(pl.first("stage"), pl.first("cluster_id"), pl.len().alias("size"))
        .sort("stage", "cluster_id")
    )


def _peer_map(fine: pl.DataFrame, rb: PointsRulebook) -> dict[str, str]:
    """fine label -> peer group, by the group sizes of each level (first level reaching min_size)."""
    lv = levels(rb)
    sizes: dict[str, int] = {}
    rows = fine.rows(named=True)
    for row in rows:
        for level in lv:
            key = group_label(row["stage"], row["cluster_id"], level)
            sizes[key] = sizes.get(key, 0) + row["size"]
    out = {}
    for row in rows:
        labels = [group_label(row["stage"], row["cluster_id"], level) for level in lv]
        chosen = next((x for x in labels[:-1] if sizes[x] >= rb.peer_groups.min_size), labels[-1])
        out[f"{row['stage']}:{row['cluster_id']}"] = chosen
    return out


def assign_peer_groups(df: pl.DataFrame, rb: PointsRulebook) -> pl.DataFrame:
    """peer_group = first level whose group has at least min_size firms (the city group otherwise)."""
    keys = _cell_keys(df)
    fine = _fine_table(df, keys)
    return _with_peer(df, keys, fine, _peer_map(fine, rb))


def assign_frozen_groups(df: pl.DataFrame, reference: Reference) -> pl.DataFrame:
    """peer_group from a frozen reference: first level whose group exists in the reference."""
    keys = _cell_keys(df)
    fine = _fine_table(df, keys)
    mapping = {
        f"{r['stage']}:{r['cluster_id']}": reference.resolve(r["stage"], r["cluster_id"])
        for r in fine.rows(named=True)
    }
    return _with_peer(df, keys, fine, mapping)


def _with_peer(
    df: pl.DataFrame, keys: pl.Series, fine: pl.DataFrame, mapping: dict[str, str]
) -> pl.DataFrame:
    """Adds peer_group, ``_cell`` (index of the firm's stage×cluster cell in ``fine``) and ``_peer``
    (index of its peer group), looked up from the cell key (no per-firm string work; later windows run
    over the integer ``_peer``); a firm without a stage or cluster gets nulls. The firm-frame inputs
    (``f_``, ``p_``, ``q_``, ``neg_``, ``x_``) are left out of the result, as on the Spark engine."""
    rows = [
        (key, i, mapping[f"{stage}:{cluster}"])
        for i, (key, stage, cluster) in enumerate(fine.select("_key", "stage", "cluster_id").rows())
        if stage is not None and cluster is not None
    ]
    labels = sorted({peer for _, _, peer in rows})
    index = {label: i for i, label in enumerate(labels)}
    old = [key for key, _, _ in rows]
    cell = keys.replace_strict(old, [i for _, i, _ in rows], default=None, return_dtype=pl.Int32)
    peer = keys.replace_strict(old, [index[p] for _, _, p in rows], default=None, return_dtype=pl.Int32)
    group = pl.Series("peer_group", labels, dtype=pl.String).gather(peer)
    keep = [df.get_column(x) for x in df.columns if not x.startswith(("f_", "p_", "q_", "neg_", "x_"))]
    return pl.DataFrame([*keep, group, cell.alias("_cell"), peer.alias("_peer")])


class Layout:
    """Firms ordered by cell (stage×cluster, sorted): each cell, stage and the city is a contiguous slice."""

    def __init__(self, df: pl.DataFrame) -> None:
        cells = df["_cell"].to_numpy()
        self.order = np.argsort(cells, kind="stable")
        narrow = pl.DataFrame([df.get_column(x) for x in ("_cell", "stage", "cluster_id", "peer_group")])
        table = (
            narrow.group_by("_cell")
            .agg(pl.first("stage"), pl.first("cluster_id"), pl.first("peer_group"), pl.len().alias("n"))
            .sort("_cell")
        )
        self.keys: list[tuple[str, str, str]] = [
            (r[0], r[1], r[2]) for r in table.select("stage", "cluster_id", "peer_group").rows()
        ]
        self.bounds = np.concatenate([[0], np.cumsum(table["n"].to_numpy())]).astype(np.int64)
        self._values: dict[str, FloatArray] = {}

    def values(self, df: pl.DataFrame, column: str) -> FloatArray:
        """The column as float64 in cell order (NaN = missing); kept for the next caller (the reference
        build and the percentile lookup of a round read every indicator once each)."""
        cached = self._values.get(column)
        if cached is None:
            raw: FloatArray = df[column].to_numpy().astype(np.float64, copy=False)
            cached = self._values[column] = raw[self.order]
        return cached

    def unsort(self, ordered: IntArray) -> IntArray:
        out = np.empty_like(ordered)
        out[self.order] = ordered
        return out


def _ordered_keys(values: FloatArray) -> npt.NDArray[np.uint64]:
    """An order-preserving map of (non-NaN) float64 to uint64: the IEEE bit trick."""
    bits = values.view(np.uint64)
    sign = np.uint64(1 << 63)
    out: npt.NDArray[np.uint64] = np.where(bits & sign, ~bits, bits | sign)
    return out


def _from_keys(keys: npt.NDArray[np.uint64]) -> FloatArray:
    sign = np.uint64(1 << 63)
    bits = np.where(keys & sign, keys & ~sign, ~keys)
    out: FloatArray = bits.view(np.float64)
    return out


def _selected(runs: list[FloatArray], groups: list[list[int]], ranks: list[IntArray]) -> list[FloatArray]:
    """For each group (indices into ``runs``), the values at 0-based positions ``ranks[g]`` of the
    ascending union of its sorted runs, without merging them: a bisection over the float64 ordering
    finds, for every wanted rank at once, the smallest value v with #{x <= v} > rank — 64 steps of one
    binary search per run and group. Exact: each result
    is an element of the union (a zero may come back as -0.0 where a sort would give 0.0; they compare
    and interpolate alike)."""
    sizes = [len(r) for r in ranks]
    starts = np.concatenate([[0], np.cumsum(sizes)]).astype(np.int64)
    total = int(starts[-1])
    lo = np.empty(total, dtype=np.uint64)
    hi = np.empty(total, dtype=np.uint64)
    searches: list[tuple[FloatArray, int, int]] = []  # (run, first target, end) per group holding the run
    for g, members in enumerate(groups):
        live = [runs[i] for i in members if len(runs[i])]
        a, b = int(starts[g]), int(starts[g + 1])
        lo[a:b] = _ordered_keys(np.array([min(r[0] for r in live)]))[0]
        hi[a:b] = _ordered_keys(np.array([max(r[-1] for r in live)]))[0]
        searches += [(run, a, b) for run in live]
    target = np.concatenate(ranks).astype(np.int64) + 1
    while True:
        open_ = lo < hi
        if not open_.any():
            found = _from_keys(lo)
            return [found[starts[g] : starts[g + 1]] for g in range(len(groups))]
        mid = lo + (hi - lo) // np.uint64(2)
        v = _from_keys(mid)
        count = np.zeros(total, dtype=np.int64)
        for run, a, b in searches:
            count[a:b] += np.searchsorted(run, v[a:b], side="right")
        enough = count >= target
        hi = np.where(open_ & enough, mid, hi)
        lo = np.where(open_ & ~enough, mid + np.uint64(1), lo)


def order_statistics(runs: list[FloatArray], ranks: IntArray) -> FloatArray:
    """The values at 0-based positions ``ranks`` of the ascending union of the sorted ``runs``."""
    return _selected(runs, [list(range(len(runs)))], [ranks])[0]


SORT_BELOW = 250_000  # below this many values a group's union is sorted; above, order statistics are selected


def grouped_quantiles(
    runs: list[FloatArray], groups: list[list[int]], k_points: int, sort_below: int = SORT_BELOW
) -> list[tuple[FloatArray | None, int]]:
    """``quantile_points`` of the union of each group's sorted runs (a one-run group: that run), with
    every group's order statistics selected in one pass (:func:`_selected`)."""
    out: list[tuple[FloatArray | None, int]] = [(None, 0)] * len(groups)
    merged: list[int] = []
    ranks: list[IntArray] = []
    k = np.arange(k_points, dtype=np.int64)
    for g, members in enumerate(groups):
        m = sum(len(runs[i]) for i in members)
        if m and len(members) == 1:
            out[g] = (quantile_points(runs[members[0]], k_points), m)
        elif m and m <= sort_below:  # small groups: sorting the union is cheaper than the bisection
            out[g] = (quantile_points(np.sort(np.concatenate([runs[i] for i in members])), k_points), m)
        elif m:
            j = (k * (m - 1)) // (k_points - 1)
            merged.append(g)
            ranks.append(np.unique(np.concatenate([j, np.minimum(j + 1, m - 1)])))
    if merged:
        for g, needed, stats in zip(
            merged, ranks, _selected(runs, [groups[g] for g in merged], ranks), strict=True
        ):
            m = sum(len(runs[i]) for i in groups[g])
            # a sample holding only the needed order statistics, at their positions: the same quantiles
            sample = np.zeros(m, dtype=np.float64)
            sample[needed] = stats
            out[g] = (quantile_points(sample, k_points), m)
    return out


def quantiles_of_runs(runs: list[FloatArray], k_points: int) -> tuple[FloatArray | None, int]:
    """quantile_points of the union of sorted runs (one run: that run itself)."""
    return grouped_quantiles(runs, [list(range(len(runs)))], k_points)[0]


def _empty_reference(rb: PointsRulebook, layout: Layout) -> tuple[Reference, list[dict[str, list[int]]]]:
    """The reference's groups (every level's groups with at least min_size firms, and the city) and, per
    level, each group's cells."""
    lv = levels(rb)
    keys, bounds = layout.keys, layout.bounds
    ref = Reference(k_points=rb.peer_groups.quantile_points, levels=lv)
    members: list[dict[str, list[int]]] = []
    for li, level in enumerate(lv):
        level_members: dict[str, list[int]] = {}
        for idx, (stage, cluster, _) in enumerate(keys):
            level_members.setdefault(group_label(stage, cluster, level), []).append(idx)
        for label, idxs in level_members.items():
            size = int(sum(bounds[i + 1] - bounds[i] for i in idxs))
            if li == len(lv) - 1 or size >= rb.peer_groups.min_size:
                ref.group_sizes[label] = size
                ref.quantiles[label] = {}
                ref.value_counts[label] = {}
        members.append(level_members)
    return ref, members


Rows = list[tuple[str, FloatArray | None, int]]


def build_reference(
    df: pl.DataFrame,
    rb: PointsRulebook,
    threads: int | None = None,
    layout: Layout | None = None,
    percentiles: list[pl.Series] | None = None,
) -> Reference:
    """Freeze the quantiles of every peer group the round uses and of every fallback level.

    Each cell (stage×cluster) is sorted once; the quantiles of a group made of several cells (a stage,
    the city) are read from the cells' sorted runs by :func:`order_statistics` (no re-sort). When
    ``percentiles`` is a list, every firm's percentile against the new reference is appended to it, as
    :func:`apply_reference` gives them, computed on the sorted cells (sorted keys make the lookup cheap;
    each value's arithmetic is the same)."""
    layout = layout or Layout(df)
    keys, bounds = layout.keys, layout.bounds
    k_points = rb.peer_groups.quantile_points
    ref, members = _empty_reference(rb, layout)

    def one(ind_id: str, log: bool) -> tuple[Rows, pl.Series | None]:
        values = layout.values(df, c.value_col(ind_id))
        runs, orders = [], []
        for i in range(len(keys)):
            part = values[bounds[i] : bounds[i + 1]]
            present = np.flatnonzero(~np.isnan(part))  # missing values score 0; sorting without them is
            order = present[np.argsort(part[present])]  # also faster (NaN-free arrays sort vectorised)
            runs.append(part[order])
            orders.append(order)
        labels = [lab for level in members for lab in level if lab in ref.quantiles]
        cells = [idxs for level in members for lab, idxs in level.items() if lab in ref.quantiles]
        rows: Rows = [
            (label, q, n)
            for label, (q, n) in zip(labels, grouped_quantiles(runs, cells, k_points), strict=True)
        ]
        found = {label: q for label, q, _ in rows}
        if percentiles is None:
            return rows, None
        micro = np.zeros(len(values), dtype=np.int64)
        for i, (_, _, peer) in enumerate(keys):
            q = found[peer]
            if q is not None:
                micro[bounds[i] + orders[i]] = percentile_micro(q, runs[i], log)
        return rows, pl.Series(c.micro_col(ind_id), layout.unsort(micro))

    inds = rb.indicator_list
    with ThreadPoolExecutor(max_workers=threads or os.cpu_count() or 1) as pool:
        done = list(pool.map(lambda ind: one(ind.id, ind.interpolate == "log"), inds))
    for ind, (rows, series) in zip(inds, done, strict=True):
        for label, q, n in rows:
            ref.quantiles[label][ind.id] = q
            ref.value_counts[label][ind.id] = n
        if percentiles is not None and series is not None:
            percentiles.append(series)
    return ref


def apply_reference(
    df: pl.DataFrame,
    rb: PointsRulebook,
    ref: Reference,
    threads: int | None = None,
    layout: Layout | None = None,
) -> list[pl.Series]:
    """Percentile millionths of every indicator for every firm, against its peer group's frozen quantiles."""
    layout = layout or Layout(df)

    def one(ind_id: str, log: bool) -> pl.Series:
        values = layout.values(df, c.value_col(ind_id))
        micro = np.zeros(len(values), dtype=np.int64)
        for gi, (_, _, peer) in enumerate(layout.keys):
            q = ref.quantiles[peer].get(ind_id)
            if q is not None:
                lo, hi = layout.bounds[gi], layout.bounds[gi + 1]
                micro[lo:hi] = percentile_micro(q, values[lo:hi], log)
        return pl.Series(c.micro_col(ind_id), layout.unsort(micro))

    inds = rb.indicator_list
    with ThreadPoolExecutor(max_workers=threads or os.cpu_count() or 1) as pool:
        return list(pool.map(lambda ind: one(ind.id, ind.interpolate == "log"), inds))
