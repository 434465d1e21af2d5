"""Benchmark: growth-potential model on the default synthetic city (30,083 active firms).

Writes the city as Parquet into a temporary directory, trains + evaluates both tasks and saves the model
(bar: ≤ 3 min), then scores and explains single firms from the stored model (bar: ≤ 100 ms per firm).

    .venv/bin/python benchmarks/potential_train.py
"""

from __future__ import annotations

import statistics
import tempfile
import time
from pathlib import Path

import polars as pl

from innopoints.potential.data import load_parquet
from innopoints.potential.evaluation import run_task
from innopoints.potential.explain import explain_firm
from innopoints.potential.labels import TASKS
from innopoints.potential.registry import build_card, load, save
from innopoints.scoring.rulebook import load_points
from innopoints.synth.city import SynthConfig
from innopoints.synth.parquet_writer import write_parquet


def main() -> None:
    with tempfile.TemporaryDirectory() as tmp:
        city = Path(tmp) / "city"
        t0 = time.perf_counter()
        write_parquet(SynthConfig(), city)
        print(f"synth (parquet, 30,083 firms): {time.perf_counter() - t0:.1f} s")

        t0 = time.perf_counter()
        data = load_parquet(city)
        results = {task: run_task(data, task) for task in TASKS}
        path = save(
            Path(tmp) / "models", results, build_card(results, data.source, load_points().version_hash, 0)
        )
        train_s = time.perf_counter() - t0
        print(f"train + evaluate + save (both tasks, 3 models each): {train_s:.1f} s  (bar ≤ 180 s)")
        for task, res in results.items():
            for name, m in res.metrics.items():
                print(
                    f"  {task:<12} {name:<17} AUC {m['auc']:.3f}  top10% precision {m['top_decile_precision']:.3f}"
                    f"  recall {m['top_decile_recall']:.3f}  lift {m['top_decile_lift']:.2f}  Brier {m['brier']:.3f}"
                    f"  (n={m['n']:,}, base {m['base_rate']:.3f})"
                )

        model = load(path.parent, path.name)
        firms = data.panel.filter(pl.col("year") == max(data.years))["uscc"].sample(200, seed=1).to_list()
        explain_firm(model, data, firms[0])  # warm-up
        times = []
        for uscc in firms:
            t0 = time.perf_counter()
            explain_firm(model, data, uscc)
            times.append((time.perf_counter() - t0) * 1000)
        times.sort()
        print(
            f"score + explain one firm (both tasks): median {statistics.median(times):.1f} ms, "
            f"p95 {times[int(0.95 * len(times)) - 1]:.1f} ms, max {times[-1]:.1f} ms  (bar ≤ 100 ms)"
        )
        assert train_s <= 180, "training bar missed"
        assert times[int(0.95 * len(times)) - 1] <= 100, "explain bar missed"


if __name__ == "__main__":
    main()
