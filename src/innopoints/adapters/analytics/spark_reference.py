"""Peer groups, frozen reference quantiles and percentile lookup on Spark.

* Reference: per peer-group level, a long (group, indicator, value) frame is ranked with a window sort;
  only the order statistics the K quantiles need (positions j and j+1) are collected, and the quantiles
  are computed with scoring.reference.quantile_points — the same formula as the embedded engine.
* Lookup: a firm's peer group becomes an index into per-indicator arrays of frozen quantiles shipped as
  plan literals (broadcast with the task); the position L is found by a 7-step bitwise binary search with
  ``element_at`` and the value interpolated piecewise, all codegen'd column expressions (scales out).
"""

from __future__ import annotations

import numpy as np
from pyspark.sql import Column, DataFrame, SparkSession, Window
from pyspark.sql import functions as F

from innopoints.adapters.analytics import columns as c
from innopoints.adapters.analytics.polars_reference import levels
from innopoints.scoring.reference import MICRO, Reference, group_label, quantile_points
from innopoints.scoring.rulebook import PointsRulebook


def _label(level: list[str]) -> Column:
    stage = F.col("stage") if "stage" in level else F.lit("*")
    cluster = F.col("cluster_id") if "cluster" in level else F.lit("*")
    return F.concat(stage, F.lit(":"), cluster)


def peer_map(cells: list[tuple[str, str, int]], rb: PointsRulebook) -> tuple[dict[str, str], dict[str, int]]:
    """(stage, cluster, size) cells -> {fine label: peer group} and the sizes of every qualifying group."""
    lv = levels(rb)
    sizes: dict[str, int] = {}
    for stage, cluster, n in cells:
        for level in lv:
            key = group_label(stage, cluster, level)
            sizes[key] = sizes.get(key, 0) + n
    qualifying = {
        k: v for k, v in sizes.items() if v >= rb.peer_groups.min_size or k == group_label("", "", [])
    }
    mapping = {}
    for stage, cluster, _ in cells:
        labels = [group_label(stage, cluster, level) for level in lv]
        mapping[f"{stage}:{cluster}"] = next((x for x in labels[:-1] if x in qualifying), labels[-1])
    return mapping, qualifying


def build_reference(
    spark: SparkSession, df: DataFrame, rb: PointsRulebook, cells: list[tuple[str, str, int]]
) -> Reference:
    lv = levels(rb)
    k_points = rb.peer_groups.quantile_points
    _, qualifying = peer_map(cells, rb)
    ref = Reference(k_points=k_points, levels=lv)
    for label, size in qualifying.items():
        ref.group_sizes[label] = size
        ref.quantiles[label] = {}
        ref.value_counts[label] = {}
    ids = [ind.id for ind in rb.indicator_list]
    pairs = F.array(*[F.struct(F.lit(i).alias("ind"), F.col(c.value_col(i)).alias("v")) for i in ids])
    for level in lv:
        long = (
            df.select(_label(level).alias("pg"), F.explode(pairs).alias("p"))
            .select("pg", F.col("p.ind").alias("ind"), F.col("p.v").alias("v"))
            .where(F.col("v").isNotNull() & F.col("pg").isin(list(qualifying)))
        )
        counts = {
            (r["pg"], r["ind"]): r["n"]
            for r in long.groupBy("pg", "ind").agg(F.count("*").alias("n")).collect()
        }
        wanted = []
        for (pg, ind), n in counts.items():
            k = np.arange(k_points, dtype=np.int64)
            j = (k * (n - 1)) // (k_points - 1)
            for pos in sorted(set(j.tolist()) | set(np.minimum(j + 1, n - 1).tolist())):
                wanted.append((pg, ind, int(pos)))
        if not wanted:
            continue
        positions = spark.createDataFrame(wanted, "pg string, ind string, pos long")
        ranked = long.withColumn("pos", F.row_number().over(Window.partitionBy("pg", "ind").orderBy("v")) - 1)
        picked = (
            ranked.join(F.broadcast(positions), ["pg", "ind", "pos"])
            .select("pg", "ind", "pos", "v")
            .collect()
        )
        stats: dict[tuple[str, str], dict[int, float]] = {}
        for r in picked:
            stats.setdefault((r["pg"], r["ind"]), {})[int(r["pos"])] = float(r["v"])
        for (pg, ind), n in counts.items():
            sparse = stats[(pg, ind)]
            dense = np.zeros(n, dtype=np.float64)
            for pos, v in sparse.items():
                dense[pos] = v
            ref.quantiles[pg][ind] = quantile_points(dense, k_points)
            ref.value_counts[pg][ind] = n
    for label in qualifying:
        for ind in ids:
            ref.quantiles[label].setdefault(ind, None)
            ref.value_counts[label].setdefault(ind, 0)
    return ref


class _Lookup:
    """Per-indicator literal array of the frozen quantiles of every peer group, indexed by ``_gidx``."""

    def __init__(self, ind_id: str, log: bool, groups: list[str], ref: Reference) -> None:
        self.k = ref.k_points
        self.log = log
        self.x = F.col(c.value_col(ind_id))
        self.low = F.col(f"_L_{ind_id}")
        self.name = c.micro_col(ind_id)
        flat = np.concatenate(
            [q if (q := ref.quantiles[g].get(ind_id)) is not None else np.zeros(self.k) for g in groups]
        )
        self.has_ref = [i for i, g in enumerate(groups) if ref.quantiles[g].get(ind_id) is not None]
        self.qs = F.lit(np.ascontiguousarray(flat, dtype=np.float64))  # one array Literal (not CreateArray)

    def q_at(self, index0: Column) -> Column:
        """Quantile at a 0-based position (clamped) inside the row's peer group."""
        pos = F.least(F.greatest(index0, F.lit(0).cast("long")), F.lit(self.k - 1).cast("long"))
        return F.element_at(self.qs, (F.col("_gidx").cast("long") * self.k + pos + 1).cast("int"))

    def step(self, b: int) -> Column:
        cand = self.low + b
        return F.when((cand <= self.k) & (self.q_at(cand - 1) < self.x), cand).otherwise(self.low)

    def micro(self) -> Column:
        k, low, x = self.k, self.low, self.x
        scale = F.log1p if self.log else (lambda v: v)
        lo = scale(self.q_at(low - 1))
        hi_raw = self.q_at(low)
        den = scale(hi_raw) - lo
        frac = F.when(den > 0, (scale(x) - lo) / den).otherwise(F.lit(0.0))
        tie = low.cast("double") / F.lit(float(k - 1))
        inner = ((low - 1).cast("double") + frac) / F.lit(float(k - 1))
        p = F.when(hi_raw == x, tie).otherwise(inner)
        micro = F.floor(p * F.lit(float(MICRO)) + F.lit(0.5)).cast("long")
        return (
            F.when(x.isNull() | ~F.col("_gidx").isin(self.has_ref), F.lit(0).cast("long"))
            .when(low == k, F.lit(MICRO).cast("long"))
            .when(low == 0, F.lit(0).cast("long"))
            .otherwise(micro)
        )


def with_percentiles(df: DataFrame, rb: PointsRulebook, ref: Reference) -> DataFrame:
    """Adds ``m_<indicator>`` (percentile millionths) for every indicator; one projection per search step
    so each step's position column is computed once, not inlined."""
    groups = sorted(ref.quantiles)
    gidx = F.when(F.lit(False), F.lit(-1))
    for i, g in enumerate(groups):
        gidx = gidx.when(F.col("peer_group") == g, F.lit(i))
    df = df.withColumn("_gidx", gidx.otherwise(F.lit(-1)))
    lookups = [_Lookup(ind.id, ind.interpolate == "log", groups, ref) for ind in rb.indicator_list]
    df = df.withColumns({f"_L_{ind.id}": F.lit(0).cast("long") for ind in rb.indicator_list})
    b = 1 << (ref.k_points - 1).bit_length()
    while b:
        df = df.withColumns(
            {f"_L_{ind.id}": lk.step(b) for ind, lk in zip(rb.indicator_list, lookups, strict=True)}
        )
        b >>= 1
    df = df.withColumns({lk.name: lk.micro() for lk in lookups})
    return df.drop("_gidx", *[f"_L_{ind.id}" for ind in rb.indicator_list])
