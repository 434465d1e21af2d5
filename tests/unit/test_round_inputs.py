"""The one-plan round inputs and the merged-level quantiles give exactly what the step-by-step paths give."""

from __future__ import annotations

import numpy as np
import polars as pl
import pytest

from innopoints.adapters.analytics.evaluator_frame import round_inputs, with_evaluator_inputs
from innopoints.adapters.analytics.frame_plan import FramePlan
from innopoints.adapters.analytics.inputs import build_firm_frame
from innopoints.adapters.analytics.polars_reference import (
    grouped_quantiles,
    order_statistics,
    quantiles_of_runs,
)
from innopoints.adapters.analytics.sample_panel import generate
from innopoints.scoring.reference import quantile_points
from innopoints.scoring.rulebook import load_points


def test_round_inputs_equal_the_firm_frame_plus_evaluator_columns() -> None:
    rb = load_points()
    late, early = generate(1500, year=2025, seed=21), generate(1500, year=2023, seed=21)
    panel = pl.concat([early.panel, late.panel])
    assert late.qualifications.height and late.negatives.height  # both optional parts are exercised
    firms = build_firm_frame(rb, 2025, late.enterprises, late.panel, late.qualifications, late.negatives)
    stepwise = with_evaluator_inputs(
        firms, 2025, late.enterprises, panel, late.qualifications, late.negatives
    )
    combined = round_inputs(rb, 2025, late.enterprises, panel, late.qualifications, late.negatives)
    assert sorted(combined.columns) == sorted(stepwise.columns)
    columns = sorted(stepwise.columns)
    assert combined.select(columns).sort("uscc").equals(stepwise.select(columns).sort("uscc"))
    assert combined["x_incident"].any() and combined["x_valid_high_tech_enterprise"].any()


@pytest.mark.parametrize("seed", range(40))
def test_order_statistics_of_sorted_runs_equal_those_of_the_merged_sample(seed: int) -> None:
    rng = np.random.default_rng(seed)
    runs = []
    for _ in range(int(rng.integers(1, 7))):
        n = int(rng.integers(0, 60))
        pick = int(rng.integers(0, 4))
        if pick == 0:
            values = rng.normal(size=n)
        elif pick == 1:
            values = rng.integers(-3, 3, size=n).astype(np.float64)  # many ties
        elif pick == 2:
            values = np.where(rng.random(n) < 0.5, -0.0, 0.0)  # signed zeros
        else:
            values = rng.lognormal(5, 4, size=n) * rng.choice([-1.0, 1.0], size=n)
        runs.append(np.sort(values))
    merged = np.sort(np.concatenate(runs))
    if not len(merged):
        assert quantiles_of_runs(runs, 101) == (None, 0)
        return
    ranks = np.arange(len(merged))
    assert np.array_equal(order_statistics(runs, ranks), merged)
    for k_points in (2, 5, 101):
        q, m = quantiles_of_runs(runs, k_points)
        assert m == len(merged) and q is not None
        assert np.array_equal(q, quantile_points(merged, k_points))


def test_frame_plan_places_an_aligned_part_and_joins_the_others_alike() -> None:
    base = pl.DataFrame({"uscc": ["a", "b", "c"], "n": [1, 2, 3]})
    aligned = pl.DataFrame({"uscc": ["a", "b", "c"], "v": [10, None, 30]})
    shuffled = aligned.reverse().rename({"v": "w"})
    partial = pl.DataFrame({"uscc": ["c", "x"], "z": [7, 8]})  # "x" is not a base firm
    plan = FramePlan(base.lazy(), [aligned.lazy(), shuffled.lazy(), partial.lazy()])
    got = plan.collect()
    assert got.to_dict(as_series=False) == {
        "uscc": ["a", "b", "c"],
        "n": [1, 2, 3],
        "z": [None, None, 7],
        "v": [10, None, 30],
        "w": [10, None, 30],
    }
    assert got.sort("uscc").equals(plan.lazy().collect().select(got.columns).sort("uscc"))


def test_round_inputs_do_not_depend_on_the_panel_row_order() -> None:
    rb = load_points()
    late, early = generate(800, year=2025, seed=5), generate(800, year=2023, seed=5)
    panel = pl.concat([early.panel, late.panel])
    ordered = round_inputs(rb, 2025, late.enterprises, panel.sort("year", "uscc"))
    shuffled = round_inputs(rb, 2025, late.enterprises, panel.sample(fraction=1.0, shuffle=True, seed=3))
    columns = sorted(ordered.columns)
    assert ordered.select(columns).sort("uscc").equals(shuffled.select(columns).sort("uscc"))


@pytest.mark.parametrize("sort_below", [0, 10**9], ids=["selected", "sorted"])
@pytest.mark.parametrize("seed", range(10))
def test_grouped_quantiles_share_runs_between_groups(seed: int, sort_below: int) -> None:
    """Cells, stages (some cells) and the city (every cell) at once, as the reference does — by selecting
    order statistics from the runs (large groups) or by sorting their union (small ones)."""
    rng = np.random.default_rng(100 + seed)
    runs = [np.sort(rng.normal(size=int(rng.integers(0, 80))).round(1)) for _ in range(6)]
    groups = [[0], [1], [0, 1, 2], [3, 4, 5], [0, 1, 2, 3, 4, 5], [5]]
    found = grouped_quantiles(runs, groups, 101, sort_below=sort_below)
    for group, (q, m) in zip(groups, found, strict=True):
        merged = np.sort(np.concatenate([runs[i] for i in group]))
        assert m == len(merged)
        assert (q is None and m == 0) or np.array_equal(q, quantile_points(merged, 101))
