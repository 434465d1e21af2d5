"""The database source gives the same features and labels as the Parquet contract for the same city."""

from __future__ import annotations

import polars as pl
import sqlalchemy as sa

from innopoints.potential.data import PotentialData, load_database
from innopoints.potential.features import build_features
from innopoints.potential.labels import labels
from innopoints.synth.city import SynthConfig, generate_city
from innopoints.synth.db_writer import load_city


def test_database_matches_generated_city(engine: sa.Engine) -> None:
    city = generate_city(SynthConfig(seed=4, enterprises=150))
    load_city(engine, city)
    from_db = load_database(engine)
    ladder = pl.when(pl.col("ladder_tier").is_not_null()).then(pl.col("ladder_year")).cast(pl.Int64)
    direct = PotentialData(
        city.panel_wide().with_columns(pl.col("year").cast(pl.Int64)),
        city.enterprises.select(
            "uscc", "registration_date", "park_id", "cluster_id", ladder.alias("ladder_year")
        ),
        "memory",
    )
    for year in (2022, 2023):
        assert build_features(from_db, year).equals(build_features(direct, year))
        assert labels(from_db, "ladder", year).equals(labels(direct, "ladder", year))
    assert labels(from_db, "high_growth", 2021).equals(labels(direct, "high_growth", 2021))
    assert labels(direct, "ladder", 2023)["label"].sum() > 0
