"""Full scoring round over 1,000,000 firms vs a hand-written Polars peer-percentile job (same run).

Bar: round time <= 2 x the hand-written job, peak memory <= 3 GB.
Run: .venv/bin/python benchmarks/round_1m.py [n_firms]
"""

from __future__ import annotations

import os
import sys
import time
from datetime import date

import polars as pl
from round_common import panel_dir, peak_rss_mb, timed

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


def main() -> None:
    n = int(sys.argv[1]) if len(sys.argv) > 1 else 1_000_000
    folder = panel_dir(n)
    rb = load_points()
    cpu = time.process_time()
    base, t_base = timed(
        f"hand-written Polars peer-percentile points ({n:,} firms)", lambda: hand_written(folder, rb)
    )
    cpu_base, cpu = time.process_time() - cpu, time.process_time()
    result, t_round = timed(
        f"full round: points, every ladder evaluator, ladder stages, ranks, lists ({n:,} firms)",
        lambda: full_round(folder, rb),
    )
    cpu_round, cpu = time.process_time() - cpu, time.process_time()
    _base2, t_base2 = timed("hand-written again (order effects)", lambda: hand_written(folder, rb))
    cpu_base = min(cpu_base, time.process_time() - cpu)
    t_base = min(t_base, t_base2)
    print(
        f"CPU seconds (both cores; less sensitive to other load): round {cpu_round:.2f}, "
        f"hand-written {cpu_base:.2f}, ratio {cpu_round / cpu_base:.2f}"
    )
    assert result.height == base.height == n, (result.height, base.height)
    ratio = t_round / t_base
    print(f"ratio round / hand-written: {ratio:.2f} (bar <= 2.0) -> {'PASS' if ratio <= 2.0 else 'FAIL'}")
    peak = peak_rss_mb()
    print(f"peak RSS: {peak:,.0f} MB (bar <= 3072 MB) -> {'PASS' if peak <= 3072 else 'FAIL'}")
    load = os.getloadavg()
    print(
        f"machine: {os.cpu_count()} CPUs, load average {load[0]:.1f} / {load[1]:.1f} / {load[2]:.1f} (1/5/15 min)"
    )


if __name__ == "__main__":
    main()
