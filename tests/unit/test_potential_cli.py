"""``innopoints potential train / evaluate / explain`` on a small synthetic Parquet panel."""

from __future__ import annotations

import json
from pathlib import Path

import polars as pl
import pytest
from typer.testing import CliRunner

from innopoints.bootstrap import default_container
from innopoints.cli import app
from innopoints.scoring.rulebook import load_points
from innopoints.settings import get_settings
from innopoints.synth.city import SynthConfig
from innopoints.synth.parquet_writer import write_parquet


@pytest.fixture(scope="module")
def panel_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("city")
    write_parquet(SynthConfig(seed=5, enterprises=2000), out)
    return out


def test_train_evaluate_explain(
    panel_dir: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, request: pytest.FixtureRequest
) -> None:
    monkeypatch.setenv("INNOPOINTS_DATA_DIR", str(tmp_path))
    monkeypatch.setenv("INNOPOINTS_DATABASE_URL", f"sqlite:///{tmp_path / 'unused.db'}")
    get_settings.cache_clear()
    default_container.cache_clear()
    request.addfinalizer(get_settings.cache_clear)
    request.addfinalizer(default_container.cache_clear)
    runner = CliRunner()

    trained = runner.invoke(app, ["potential", "train", "--panel", str(panel_dir)])
    assert trained.exit_code == 0, trained.output
    models = list((tmp_path / "models").glob("gp-*"))
    assert len(models) == 1
    model_dir = models[0]
    assert {p.name for p in model_dir.iterdir()} == {
        "card.json",
        "card.md",
        "high_growth.lgb.txt",
        "ladder.lgb.txt",
    }
    card = json.loads((model_dir / "card.json").read_text("utf-8"))
    assert card["model_id"] == model_dir.name
    assert card["rulebook_version_hash"] == load_points().version_hash
    assert {"lightgbm", "scikit-learn", "numpy", "polars", "python"} <= set(card["libraries"])
    assert len(card["features"]) == 22
    hg, lad = card["tasks"]["high_growth"], card["tasks"]["ladder"]
    assert (hg["train_origin_years"], hg["test_origin_year"]) == ([2021], 2022)
    assert (lad["train_origin_years"], lad["test_origin_year"]) == ([2021, 2022], 2023)
    assert hg["training_window"] == {"features_up_to": 2021, "labels_up_to": 2024}
    for task in (hg, lad):
        assert set(task["metrics"]) == {"gbm", "logistic", "last_year_growth"}
        for m in task["metrics"].values():
            assert 0 <= m["auc"] <= 1 and 0 <= m["brier"] <= 1
            assert len(m["calibration"]) == 10
            assert sum(row["count"] for row in m["calibration"]) == m["n"]
        assert task["metrics"]["gbm"]["auc"] > 0.6  # the synthetic city has signal
    md = (model_dir / "card.md").read_text("utf-8")
    assert "AUC" in md and "Brier" in md and "提升度" in md and card["rulebook_version_hash"] in md

    evaluated = runner.invoke(app, ["potential", "evaluate", "--panel", str(panel_dir)])
    assert evaluated.exit_code == 0, evaluated.output
    assert "逻辑回归" in evaluated.output and "上年增速规则" in evaluated.output
    assert f"{hg['metrics']['gbm']['auc']:.3f}" in evaluated.output  # same seed, same figures

    panel = pl.read_parquet(panel_dir / "panel.parquet")
    uscc = panel.filter(pl.col("year") == 2025)["uscc"][0]
    explained = runner.invoke(app, ["potential", "explain", "--uscc", uscc, "--panel", str(panel_dir)])
    assert explained.exit_code == 0, explained.output
    assert model_dir.name in explained.output
    assert "高成长企业" in explained.output and "概率" in explained.output and "%" in explained.output
    assert "提高因素" in explained.output or "降低因素" in explained.output

    missing = runner.invoke(app, ["potential", "explain", "--uscc", "NOSUCHFIRM", "--panel", str(panel_dir)])
    assert missing.exit_code != 0
