"""The database round and the Parquet round give the same evaluator columns (雏鹰, 瞪羚, 独角兽梯度, 科技领军,
创新型中小企业, evaluated ladder stage) on the same four-year panel, and the database round keeps them in
its folder as ``evaluators.parquet``."""

from __future__ import annotations

from pathlib import Path

import polars as pl
import sqlalchemy as sa
from test_rounds_frozen import _load

from innopoints.adapters.analytics.sample_panel import SamplePanel, generate
from innopoints.adapters.db.engine import unit_of_work
from innopoints.adapters.db.tables import Enterprise
from innopoints.bootstrap import Container
from innopoints.scoring import service
from innopoints.scoring.result_columns import EVALUATOR_COLUMNS
from innopoints.scoring.rulebook import load_points

YEAR = 2025


def test_database_and_parquet_rounds_agree_on_every_evaluator(container: Container, tmp_path: Path) -> None:
    late, early = generate(240, year=YEAR, seed=23), generate(240, year=YEAR - 2, seed=23)
    sample = SamplePanel(
        late.enterprises, pl.concat([early.panel, late.panel]), late.qualifications, late.negatives
    )
    _load(container, sample)
    listed = sample.enterprises.filter(pl.col("listed"))["uscc"].to_list()
    with unit_of_work(container.sessions) as s:
        s.execute(sa.update(Enterprise).where(Enterprise.uscc.in_(listed)).values(listed=True))
    sample.write(tmp_path / "panel")
    rb = load_points()
    columns = ["uscc", *EVALUATOR_COLUMNS]
    from_db = service.run_db_round(container.sessions, container.settings.data_dir, "shenyang", YEAR, rb)
    from_parquet = service.run_panel_round(tmp_path / "panel", YEAR, rb)
    expected = from_parquet.results.select(columns).sort("uscc")
    assert from_db.results.select(columns).sort("uscc").equals(expected)
    kept = pl.read_parquet(
        container.settings.data_dir / "rounds" / str(from_db.round_id) / "evaluators.parquet"
    )
    assert kept.sort("uscc").equals(expected)
    assert expected["gazelle_met"].n_unique() >= 2  # the four-year window reaches the gazelle test
