"""The embedded engine's reference: the percentiles computed while the reference is built (sorted cells)
are exactly those of the frozen-reference lookup, and the result frame carries no firm-frame inputs."""

from __future__ import annotations

import numpy as np
import polars as pl

from innopoints.adapters.analytics import polars_engine
from innopoints.adapters.analytics.evaluator_frame import round_inputs
from innopoints.adapters.analytics.polars_reference import (
    Layout,
    apply_reference,
    assign_peer_groups,
    build_reference,
)
from innopoints.adapters.analytics.sample_panel import generate
from innopoints.scoring.rulebook import load_points


def test_percentiles_while_building_equal_the_frozen_lookup() -> None:
    rb = load_points()
    late, early = generate(3000, year=2025, seed=8), generate(3000, year=2023, seed=8)
    firms = round_inputs(rb, 2025, late.enterprises, pl.concat([early.panel, late.panel]))
    df = assign_peer_groups(polars_engine.features(firms, rb, 2025), rb)
    assert df["peer_group"].n_unique() > 3  # cells, stage fallbacks and the city all occur
    built: list[pl.Series] = []
    reference = build_reference(df, rb, layout=Layout(df), percentiles=built)
    looked_up = apply_reference(df, rb, reference, layout=Layout(df))
    assert [s.name for s in built] == [s.name for s in looked_up]
    for a, b in zip(built, looked_up, strict=True):
        assert a.equals(b), a.name
    assert sum(int((s > 0).sum()) for s in built) > 0
    again = build_reference(df, rb)  # without percentiles: the same reference
    assert again.quantiles.keys() == reference.quantiles.keys()
    for group, per in again.quantiles.items():
        for ind, q in per.items():
            other = reference.quantiles[group][ind]
            assert (q is None and other is None) or np.array_equal(q, other), (group, ind)


def test_the_result_frame_leaves_out_the_inputs() -> None:
    rb = load_points()
    sample = generate(500, year=2025, seed=2)
    firms = round_inputs(rb, 2025, sample.enterprises, sample.panel)
    result, _ = polars_engine.score(firms, rb, 2025)
    assert not [c for c in result.columns if c.startswith(("f_", "p_", "q_", "neg_", "x_", "_"))]
    assert {"peer_group", "peer_rank", "evaluated_ladder_stage", "high_tech_verdict"} <= set(result.columns)
