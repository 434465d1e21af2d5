"""Features take an explicit cutoff and never read later years; labels follow the data thresholds."""

from __future__ import annotations

import datetime as dt
from fractions import Fraction

import numpy as np
import polars as pl
import pytest

from innopoints.potential.data import PotentialData
from innopoints.potential.features import FEATURE_CODES, build_features
from innopoints.potential.labels import high_growth_labels, label_specs, labelled_origins, ladder_labels
from innopoints.synth.city import SynthConfig, generate_city


@pytest.fixture(scope="module")
def city_data() -> PotentialData:
    city = generate_city(SynthConfig(seed=11, enterprises=800, with_transfer=False))
    ent = city.enterprises
    ladder = pl.when(pl.col("ladder_tier").is_not_null()).then(pl.col("ladder_year")).cast(pl.Int64)
    enterprises = ent.select(
        "uscc", "registration_date", "park_id", "cluster_id", ladder.alias("ladder_year")
    )
    panel = city.panel_wide().with_columns(pl.col("year").cast(pl.Int64))
    return PotentialData(panel, enterprises, "test")


@pytest.mark.parametrize("cutoff", [2021, 2022, 2023])
def test_features_do_not_move_when_future_years_are_perturbed(city_data: PotentialData, cutoff: int) -> None:
    before = build_features(city_data, cutoff)
    value_cols = [c for c in city_data.panel.columns if c not in ("uscc", "year")]
    future = pl.col("year") > cutoff
    perturbed_panel = city_data.panel.with_columns(
        [pl.when(future).then(pl.col(c) * 7 + 12_345).otherwise(pl.col(c)).alias(c) for c in value_cols]
    )
    # also drop a third of future rows and add a brand-new future-only firm
    perturbed_panel = perturbed_panel.filter(~future | (pl.col("uscc").hash() % 3 != 0))
    ghost = perturbed_panel.filter(future).head(1).with_columns(pl.lit("GHOST").alias("uscc"))
    perturbed = PotentialData(pl.concat([perturbed_panel, ghost]), city_data.enterprises, "perturbed")
    after = build_features(perturbed, cutoff)
    assert after.equals(before)
    assert before.height > 100 and before["origin_year"].unique().to_list() == [cutoff]
    assert list(before.columns) == ["uscc", "origin_year", *FEATURE_CODES]


def test_features_do_move_when_the_cutoff_year_changes(city_data: PotentialData) -> None:
    cutoff = 2022
    bumped = city_data.panel.with_columns(
        pl.when(pl.col("year") == cutoff)
        .then(pl.col("operating_revenue") * 2)
        .otherwise(pl.col("operating_revenue"))
    )
    a = build_features(city_data, cutoff)["log_revenue"].to_numpy()
    b = build_features(PotentialData(bumped, city_data.enterprises, "x"), cutoff)["log_revenue"].to_numpy()
    assert np.nanmax(np.abs(a - b)) > 0.5  # the perturbation test above is not vacuous


def _toy(rows: list[tuple[str, int, int | None, int | None]], ladder: dict[str, int | None]) -> PotentialData:
    panel = pl.DataFrame(
        rows,
        schema={"uscc": pl.String, "year": pl.Int64, "operating_revenue": pl.Int64, "employees": pl.Int64},
        orient="row",
    )
    ent = pl.DataFrame(
        {
            "uscc": list(ladder), "registration_date": [dt.date(2015, 1, 1)] * len(ladder),
            "park_id": [None] * len(ladder), "cluster_id": ["x"] * len(ladder),
            "ladder_year": list(ladder.values()),
        },
        schema_overrides={"ladder_year": pl.Int64, "park_id": pl.String},
    )  # fmt: skip
    return PotentialData(panel, ent, "toy")


def test_high_growth_threshold_is_exact_and_size_filtered() -> None:
    spec = label_specs()["high_growth"]
    assert spec.growth_factor() == Fraction(216, 125) and spec.min_employees_at_start == 10
    start = 1_000_000_00  # 100万元 in fen
    rows = [
        ("EXACT", 2021, start, 1000), ("EXACT", 2024, start * 216 // 125, 1000),  # exactly 20% a year
        ("BELOW", 2021, start, 1000), ("BELOW", 2024, start * 216 // 125 - 1, 1000),
        ("STAFF", 2021, start, 5000), ("STAFF", 2024, start, 8640),  # 50 → 86.4 staff = 20% a year
        ("SMALL", 2021, start, 900), ("SMALL", 2024, start * 3, 900),  # 9 staff at start: out of scope
        ("UNDECIDED", 2021, start, 2000), ("UNDECIDED", 2024, None, 2000),
        ("GONE", 2021, start, 2000),
    ]  # fmt: skip
    data = _toy(rows, dict.fromkeys(("EXACT", "BELOW", "STAFF", "SMALL", "UNDECIDED", "GONE")))
    out = dict(high_growth_labels(data, 2021, spec).iter_rows())
    assert out == {"BELOW": 0, "EXACT": 1, "STAFF": 1}


def test_ladder_label_window_and_population() -> None:
    rows = [(u, 2022, 100, 1000) for u in ("NEXT", "LATER", "BEFORE", "NEVER", "EDGE")]
    data = _toy(rows, {"NEXT": 2023, "EDGE": 2024, "LATER": 2025, "BEFORE": 2022, "NEVER": None})
    out = dict(ladder_labels(data, 2022, label_specs()["ladder"]).iter_rows())
    assert out == {"EDGE": 1, "LATER": 0, "NEVER": 0, "NEXT": 1}


def test_labelled_origins_respect_the_horizon() -> None:
    years = [2021, 2022, 2023, 2024, 2025]
    assert labelled_origins("high_growth", years) == [2021, 2022]
    assert labelled_origins("ladder", years) == [2021, 2022, 2023]
