"""Every batch evaluator compiled from its rulebook (雏鹰, 瞪羚, 独角兽梯度, 科技领军, 创新型中小企业) gives
identical columns on Polars and PySpark (local[2]) over a few hundred boundary-rich sample firms."""

from __future__ import annotations

import datetime as dt
import sys
import tempfile
from pathlib import Path

import polars as pl
import pytest

from innopoints.eligibility.registry import EVALUATORS
from innopoints.eligibility.rulebooks import rulebook
from innopoints.rules.columnar import ColumnarRulebook, PolarsBackend
from innopoints.scoring.evaluators_batch import BATCH, declared_input_exprs, results

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "unit"))
from columnar_samples import input_frame, sample
from test_columnar_ladder_evaluators import GENERATORS

pytestmark = [pytest.mark.spark, pytest.mark.slow]
AS_OF = dt.date(2024, 2, 29)


def test_polars_and_spark_compile_the_same_evaluator_columns() -> None:
    from innopoints.adapters.analytics.spark_engine import session
    from innopoints.rules.columnar_spark import SparkBackend

    spark = session()
    for name, gen in sorted(GENERATORS.items()):
        book = rulebook(EVALUATORS[name].rulebook)
        frame = input_frame(book, sample(gen, 300, AS_OF, seed=7)).with_row_index("row")
        pb, sb = PolarsBackend(), SparkBackend()
        pl_cols = BATCH[name](ColumnarRulebook(book, AS_OF, pb, declared_input_exprs(book, pb)))
        sp_cols = BATCH[name](ColumnarRulebook(book, AS_OF, sb, declared_input_exprs(book, sb)))
        names = results(pl_cols)
        expected = frame.lazy()
        for phase in pl_cols:
            expected = expected.with_columns(e.alias(k) for k, e in phase.items())
        expected = expected.select("row", *names).collect().sort("row")
        with tempfile.TemporaryDirectory(prefix="innopoints-columnar-all-") as tmp:
            src = Path(tmp) / "inputs.parquet"
            frame.write_parquet(src)
            df = spark.read.parquet(str(src))
            out = Path(tmp) / "out"
            for phase in sp_cols:
                df = df.withColumns(phase)
            df.select("row", *names).write.parquet(str(out))
            got = pl.read_parquet(out / "*.parquet").sort("row")
        assert got.columns == expected.columns, name
        for column in expected.columns:
            assert got[column].to_list() == expected[column].to_list(), (name, column)
        first = next(c for c in expected.columns[1:] if expected[c].dtype in (pl.Boolean, pl.String))
        assert set(expected[first].to_list()) >= {True, False} or expected[first].dtype == pl.String, name
        if name == "high-tech":  # the verdict reaches every outcome on both engines
            assert set(expected["high_tech_verdict"].to_list()) == {"yes", "no", "depends", "unknown"}


def test_the_round_gives_the_same_evaluator_columns_on_both_engines() -> None:
    """Through the engines' round plans (polars_engine / spark_engine) on a four-year sample panel."""
    from innopoints.adapters.analytics import polars_engine, spark_engine
    from innopoints.adapters.analytics.evaluator_frame import with_evaluator_inputs
    from innopoints.adapters.analytics.inputs import build_firm_frame
    from innopoints.adapters.analytics.sample_panel import generate
    from innopoints.scoring.result_columns import EVALUATOR_COLUMNS
    from innopoints.scoring.rulebook import load_points

    rb = load_points()
    late, early = generate(300, year=2025, seed=3), generate(300, year=2023, seed=3)
    panel = pl.concat([early.panel, late.panel])
    firms = build_firm_frame(rb, 2025, late.enterprises, late.panel, late.qualifications, late.negatives)
    firms = with_evaluator_inputs(firms, 2025, late.enterprises, panel, late.qualifications)
    columns = ["uscc", "ladder_stage", *EVALUATOR_COLUMNS]
    expected, _ = polars_engine.score(firms, rb, 2025)
    got, _ = spark_engine.score(firms, rb, 2025)
    assert got.select(columns).sort("uscc").equals(expected.select(columns).sort("uscc"))
    assert expected["eaglet_met"].n_unique() >= 2
