"""The tech-SME plan compiled from rulebook/national/tech_sme.yaml gives identical columns on Polars and
PySpark (points ranges, verdict, route) over a sample round."""

from __future__ import annotations

from typing import Any

import pytest

from innopoints.adapters.analytics import columns as c
from innopoints.adapters.analytics.inputs import build_firm_frame
from innopoints.adapters.analytics.sample_panel import generate
from innopoints.rules.columnar import PolarsBackend
from innopoints.scoring.rulebook import load_points
from innopoints.scoring.tech_sme import TechSmeColumns, compile_round

pytestmark = [pytest.mark.spark, pytest.mark.slow]


def _named(sme: TechSmeColumns) -> dict[str, Any]:
    out: dict[str, Any] = {"qualified": sme.qualified, "direct": sme.direct, "route": sme.route}
    for name, pts in (("staff", sme.staff), ("rd", sme.rd), ("ip", sme.ip), ("score", sme.score)):
        out[f"{name}_lo"], out[f"{name}_hi"] = pts.lo, pts.hi
    return out


def test_polars_and_spark_compile_the_same_tech_sme_verdicts() -> None:
    from innopoints.adapters.analytics.spark_engine import session
    from innopoints.rules.columnar_spark import SparkBackend

    spark = session()  # Column expressions need an active SparkContext
    rb = load_points()
    sample = generate(300, year=2025, seed=5)
    firms = build_firm_frame(
        rb, 2025, sample.enterprises, sample.panel, sample.qualifications, sample.negatives
    )
    spec = rb.ladder.tech_sme
    pl_cols = _named(compile_round(spec, 2025, PolarsBackend(), c.cur, c.qual, c.neg))
    sp_cols = _named(compile_round(spec, 2025, SparkBackend(), c.cur, c.qual, c.neg))
    expected = firms.select("uscc", *(e.alias(k) for k, e in pl_cols.items())).sort("uscc")

    import tempfile
    from pathlib import Path

    import polars as pl

    with tempfile.TemporaryDirectory(prefix="innopoints-columnar-") as tmp:
        src = Path(tmp) / "firms.parquet"
        firms.write_parquet(src)
        df = spark.read.parquet(str(src))
        df.select("uscc", *(e.alias(k) for k, e in sp_cols.items())).write.parquet(str(Path(tmp) / "out"))
        got = pl.read_parquet(Path(tmp) / "out" / "*.parquet").sort("uscc")

    assert got.columns == expected.columns
    for name in expected.columns:
        assert got[name].to_list() == expected[name].to_list(), name
    assert expected.height == 300
    assert {True, False} <= set(expected["qualified"].to_list())
