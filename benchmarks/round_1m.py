"""Full scoring round over 1,000,000 firms vs a hand-written Polars peer-percentile job (same run).

Bar: round time <= 2 x the hand-written job, peak memory <= 3 GB.
Run: .venv/bin/python benchmarks/round_1m.py [n_firms] [repeats]
"""

from __future__ import annotations

import os
import statistics
import sys
import time
from collections.abc import Callable
from datetime import date

import polars as pl
from round_common import panel_dir, peak_rss_mb

from innopoints.scoring.rulebook import PointsRulebook, load_points
from innopoints.scoring.service import run_panel_round

YEAR = 2025


def full_round(folder, rb: PointsRulebook) -> pl.DataFrame:
    """What `innopoints score --panel DIR` runs (before writing): inputs, points, every compiled
    evaluator, ladder stages, ranks, lists, and the input fingerprint."""
    outcome = run_panel_round(folder, YEAR, rb)
    assert len(outcome.input_sha256) == 64
    return outcome.results


def hand_written(folder, rb: PointsRulebook) -> pl.DataFrame:
    """Just the peer-percentile points: indicators, stage x cluster groups, rank percentiles, weights."""
    fields = rb.panel_fields_used()
    panel = pl.scan_parquet(folder / "panel.parquet")
    cur = panel.filter(pl.col("year") == YEAR).select("uscc", *fields)
    prev = panel.filter(pl.col("year") == YEAR - 1).select(
        "uscc", *[pl.col(f).alias(f"prev_{f}") for f in ("rd_expense", "operating_revenue", "net_profit")]
    )
    end = date(YEAR, 12, 31)
    ent = (
        pl.scan_parquet(folder / "enterprises.parquet")
        .filter(
            (pl.col("registration_date") <= end)
            & (pl.col("exit_date").is_null() | (pl.col("exit_date") > end))
        )
        .select("uscc", "registration_date", "cluster_id")
    )
    df = ent.join(cur, on="uscc", how="left").join(prev, on="uscc", how="left")
    s = lambda *cols: pl.sum_horizontal([pl.col(x) for x in cols]).cast(pl.Float64)  # noqa: E731
    values = {}
    for ind in rb.indicator_list:
        if ind.kind == "value":
            values[ind.id] = s(*ind.fields)
        elif ind.kind == "ratio":
            values[ind.id] = s(*ind.fields) / s(*ind.denominator)
        elif ind.kind == "growth":
            values[ind.id] = (s(*ind.fields) - pl.col(f"prev_{ind.fields[0]}")) / pl.col(
                f"prev_{ind.fields[0]}"
            )
        else:
            values[ind.id] = pl.lit(0.0)
    age = YEAR - pl.col("registration_date").dt.year()
    rev = pl.col("operating_revenue").fill_null(0)
    stage = (
        pl.when((age < 3) | (rev < 500_000_000))
        .then(pl.lit("startup"))
        .when((age < 10) & (rev < 10_000_000_000))
        .then(pl.lit("growth"))
        .otherwise(pl.lit("stable"))
    )
    df = df.with_columns(stage.alias("stage"), *[v.alias(k) for k, v in values.items()])
    pct = [
        ((pl.col(k).rank("min").over("stage", "cluster_id") - 1) / (pl.len().over("stage", "cluster_id") - 1))
        .fill_null(0)
        .alias(f"pct_{k}")
        for k in values
    ]
    weights = {k: float(rb.weight("growth", ind)) for k, ind in ((i.id, i) for i in rb.indicator_list)}
    pts = pl.sum_horizontal([pl.col(f"pct_{k}") * w for k, w in weights.items()])
    return df.with_columns(pct).with_columns(pts.alias("points")).select("uscc", "points").collect()


def _run(label: str, fn: Callable[[], pl.DataFrame]) -> tuple[pl.DataFrame, float, float]:
    """One timed run: (result, wall seconds, CPU seconds of the process — every thread)."""
    cpu, wall = time.process_time(), time.perf_counter()
    result = fn()
    wall, cpu = time.perf_counter() - wall, time.process_time() - cpu
    print(f"{label}: {wall:.3f} s wall, {cpu:.2f} s CPU")
    return result, wall, cpu


def main() -> None:
    """Usage: round_1m.py [n_firms] [repeats]. The two jobs alternate ``repeats`` times (default 3) so that
    both see the same machine; the ratio of the best times and of the medians are printed, and CPU seconds
    (what the jobs cost, less sensitive to other processes than wall time on a shared machine)."""
    n = int(sys.argv[1]) if len(sys.argv) > 1 else 1_000_000
    repeats = int(sys.argv[2]) if len(sys.argv) > 2 else 3
    folder = panel_dir(n)
    rb = load_points()
    walls: dict[str, list[float]] = {"round": [], "hand": []}
    cpus: dict[str, list[float]] = {"round": [], "hand": []}
    for i in range(repeats):
        jobs = [("hand", hand_written), ("round", full_round)]
        for key, fn in jobs if i % 2 == 0 else jobs[::-1]:
            label = (
                f"hand-written Polars peer-percentile points ({n:,} firms)"
                if key == "hand"
                else f"full round: points, every ladder evaluator, ladder stages, ranks, lists ({n:,} firms)"
            )
            result, wall, cpu = _run(f"[{i + 1}] {label}", lambda fn=fn: fn(folder, rb))
            assert result.height == n, (key, result.height)
            walls[key].append(wall)
            cpus[key].append(cpu)
    best = min(walls["round"]) / min(walls["hand"])
    middle = statistics.median(walls["round"]) / statistics.median(walls["hand"])
    cpu_ratio = statistics.median(cpus["round"]) / statistics.median(cpus["hand"])
    print(
        f"best wall: round {min(walls['round']):.3f} s, hand-written {min(walls['hand']):.3f} s; "
        f"median wall: round {statistics.median(walls['round']):.3f} s, "
        f"hand-written {statistics.median(walls['hand']):.3f} s"
    )
    print(
        f"CPU seconds (median): round {statistics.median(cpus['round']):.2f}, "
        f"hand-written {statistics.median(cpus['hand']):.2f}, ratio {cpu_ratio:.2f}"
    )
    print(
        f"ratio round / hand-written: best {best:.2f}, median {middle:.2f} (bar <= 2.0) -> "
        f"{'PASS' if best <= 2.0 else 'FAIL'}"
    )
    peak = peak_rss_mb()
    print(f"peak RSS: {peak:,.0f} MB (bar <= 3072 MB) -> {'PASS' if peak <= 3072 else 'FAIL'}")
    load = os.getloadavg()
    print(
        f"machine: {os.cpu_count()} CPUs, load average {load[0]:.1f} / {load[1]:.1f} / {load[2]:.1f} (1/5/15 min)"
    )


if __name__ == "__main__":
    main()
