"""Polars and Spark give identical points, stages, ranks and references on the same panel."""

from __future__ import annotations

import numpy as np
import pytest

from innopoints.adapters.analytics import polars_engine
from innopoints.adapters.analytics.inputs import build_firm_frame
from innopoints.adapters.analytics.sample_panel import generate
from innopoints.scoring.rulebook import load_points

pytestmark = [pytest.mark.spark, pytest.mark.slow]

COLUMNS = [
    "uscc",
    "points_centi",
    "base_centi",
    "stage",
    "peer_group",
    "peer_rank",
    "peer_size",
    "city_rank",
    "percentile_bp",
    "top5",
    "top10",
    "top20",
    "ladder_stage",
    "tech_sme_score",
    "tech_sme_qualified",
    "bonus_points",
    "penalty_points",
]


def test_polars_and_spark_agree_exactly() -> None:
    from innopoints.adapters.analytics import spark_engine

    rb = load_points()
    sample = generate(400, year=2025, seed=17)
    firms = build_firm_frame(
        rb, 2025, sample.enterprises, sample.panel, sample.qualifications, sample.negatives
    )
    expected, ref_polars = polars_engine.score(firms, rb, 2025)
    got, ref_spark = spark_engine.score(firms, rb, 2025)
    assert got.select(COLUMNS).sort("uscc").equals(expected.select(COLUMNS).sort("uscc"))
    assert set(ref_spark.quantiles) == set(ref_polars.quantiles)
    for group, per in ref_polars.quantiles.items():
        for ind, q in per.items():
            other = ref_spark.quantiles[group][ind]
            assert (q is None and other is None) or np.array_equal(q, other), (group, ind)
    # the frozen path: Spark scoring against the Polars round's reference gives the same points
    frozen, _ = spark_engine.score(firms, rb, 2025, ref_polars)
    assert (
        frozen.select("uscc", "points_centi")
        .sort("uscc")
        .equals(expected.select("uscc", "points_centi").sort("uscc"))
    )
