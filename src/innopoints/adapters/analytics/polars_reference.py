"""Peer groups, frozen reference quantiles and percentile lookup for the embedded (Polars) engine.

The percentile kernel is vectorised numpy per peer group (``searchsorted`` over the K frozen quantiles),
run for all indicators in parallel threads; formulas are in scoring/reference.py.
"""

from __future__ import annotations

import os
from concurrent.futures import ThreadPoolExecutor

import numpy as np
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


def _fine_label() -> pl.Expr:
    return pl.concat_str([pl.col("stage"), pl.lit(":"), pl.col("cluster_id")])


def _fine_table(df: pl.DataFrame) -> pl.DataFrame:
    """The stage×cluster cells present, in sorted order, with their sizes."""
    return df.group_by("stage", "cluster_id").agg(pl.len().alias("size")).sort("stage", "cluster_id")


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
    return _with_peer(df, _peer_map(_fine_table(df), rb))


def assign_frozen_groups(df: pl.DataFrame, reference: Reference) -> pl.DataFrame:
    """peer_group from a frozen reference: first level whose group exists in the reference."""
    fine = _fine_table(df)
    mapping = {
        f"{r['stage']}:{r['cluster_id']}": reference.resolve(r["stage"], r["cluster_id"])
        for r in fine.rows(named=True)
    }
    return _with_peer(df, mapping)


def _with_peer(df: pl.DataFrame, mapping: dict[str, str]) -> pl.DataFrame:
    """Adds peer_group and ``_cell`` (index of the stage×cluster cell in sorted order)."""
    order = {label: i for i, label in enumerate(sorted(mapping))}
    keep = [x for x in df.columns if not x.startswith(("f_", "p_", "q_", "neg_"))]
    fine = _fine_label()
    return df.select(keep).with_columns(
        fine.replace_strict(mapping, return_dtype=pl.String).alias("peer_group"),
        fine.replace_strict(order, return_dtype=pl.Int32).alias("_cell"),
    )


class _Layout:
    """Firms ordered by cell (stage×cluster, sorted): each cell, stage and the city is a contiguous slice."""

    def __init__(self, df: pl.DataFrame) -> None:
        cells = df["_cell"].to_numpy()
        self.order = np.argsort(cells, kind="stable")
        table = (
            df.group_by("_cell", "stage", "cluster_id", "peer_group").agg(pl.len().alias("n")).sort("_cell")
        )
        self.keys: list[tuple[str, str, str]] = [
            (r[0], r[1], r[2]) for r in table.select("stage", "cluster_id", "peer_group").rows()
        ]
        self.bounds = np.concatenate([[0], np.cumsum(table["n"].to_numpy())]).astype(np.int64)

    def values(self, df: pl.DataFrame, column: str) -> FloatArray:
        raw: FloatArray = df[column].to_numpy().astype(np.float64)
        return raw[self.order]

    def unsort(self, ordered: IntArray) -> IntArray:
        out = np.empty_like(ordered)
        out[self.order] = ordered
        return out


def build_reference(df: pl.DataFrame, rb: PointsRulebook, threads: int | None = None) -> Reference:
    """Freeze the quantiles of every peer group the round uses and of every fallback level."""
    lv = levels(rb)
    k_points = rb.peer_groups.quantile_points
    layout = _Layout(df)
    keys, bounds = layout.keys, layout.bounds
    ref = Reference(k_points=k_points, levels=lv)
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

    def one(ind_id: str) -> list[tuple[str, FloatArray | None, int]]:
        values = layout.values(df, c.value_col(ind_id))
        runs = []
        for i in range(len(keys)):
            part = values[bounds[i] : bounds[i + 1]]
            runs.append(np.sort(part[~np.isnan(part)]))
        out = []
        for level_members in members:
            for label, idxs in level_members.items():
                if label not in ref.quantiles:
                    continue
                merged = runs[idxs[0]] if len(idxs) == 1 else np.sort(np.concatenate([runs[i] for i in idxs]))
                out.append((label, quantile_points(merged, k_points) if len(merged) else None, len(merged)))
        return out

    ids = [ind.id for ind in rb.indicator_list]
    with ThreadPoolExecutor(max_workers=threads or os.cpu_count() or 1) as pool:
        for ind_id, rows in zip(ids, pool.map(one, ids), strict=True):
            for label, q, n in rows:
                ref.quantiles[label][ind_id] = q
                ref.value_counts[label][ind_id] = n
    return ref


def apply_reference(
    df: pl.DataFrame, rb: PointsRulebook, ref: Reference, threads: int | None = None
) -> list[pl.Series]:
    """Percentile millionths of every indicator for every firm, against its peer group's frozen quantiles."""
    layout = _Layout(df)

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
