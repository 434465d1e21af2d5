"""``innopoints score`` over a Parquet panel and the database, ``score diff``, ``score weights``."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import polars as pl
import yaml

from innopoints.adapters.analytics.sample_panel import generate


def _cli(*args: str, data_dir: Path) -> subprocess.CompletedProcess[str]:
    env = os.environ | {"INNOPOINTS_DATA_DIR": str(data_dir), "INNOPOINTS_DATABASE_URL": ""}
    return subprocess.run(
        [sys.executable, "-m", "innopoints", *args], capture_output=True, text=True, env=env, check=False
    )


def test_panel_round_writes_one_row_per_firm(tmp_path: Path) -> None:
    generate(400, year=2025, seed=2).write(tmp_path / "panel")
    out = tmp_path / "points.parquet"
    assert _cli("init", data_dir=tmp_path).returncode == 0
    done = _cli(
        "score",
        "--panel",
        str(tmp_path / "panel"),
        "--year",
        "2025",
        "--out",
        str(out),
        "--save",
        data_dir=tmp_path,
    )
    assert done.returncode == 0, done.stderr
    assert "积分评价完成" in done.stdout and "批次 1" in done.stdout
    df = pl.read_parquet(out)
    assert df.height == 400 and df["uscc"].n_unique() == 400
    for col in ("uscc", "points", "peer_group", "peer_rank", "ladder_stage", "tech_sme_qualified"):
        assert col in df.columns
    again = _cli("score", "--panel", str(tmp_path / "panel"), "--year", "2025", "--save", data_dir=tmp_path)
    assert again.returncode == 0, again.stderr
    diff = _cli("score", "diff", "--from", "1", "--to", "2", data_dir=tmp_path)
    assert diff.returncode == 0, diff.stderr
    assert "共同企业 400 家" in diff.stdout and "新进 (entries) 0" in diff.stdout
    explained = _cli("score", "explain", "--round", "1", "--uscc", df["uscc"][0], data_dir=tmp_path)
    assert explained.returncode == 0, explained.stderr
    assert f"{df['points'][0]:.2f} 分" in explained.stdout and "研发费用总额" in explained.stdout


def test_user_mistakes_are_one_line(tmp_path: Path) -> None:
    done = _cli("score", data_dir=tmp_path)
    assert done.returncode == 2 and "--year" in done.stderr and "Traceback" not in done.stderr
    missing = _cli("score", "--panel", str(tmp_path / "nope"), "--year", "2025", data_dir=tmp_path)
    assert missing.returncode == 2 and "enterprises.parquet" in missing.stderr


def test_weight_proposals(tmp_path: Path) -> None:
    matrix = tmp_path / "m.yaml"
    matrix.write_text(
        yaml.safe_dump(
            {"items": ["tech", "growth", "aux"], "matrix": [[1, 3, 5], ["1/3", 1, 3], ["1/5", "1/3", 1]]}
        )
    )
    done = _cli(
        "score", "weights", "--method", "ahp", "--matrix", str(matrix), "--total", "1000", data_dir=tmp_path
    )
    assert done.returncode == 0, done.stderr
    assert "CR =" in done.stdout and "tech" in done.stdout
    bad = tmp_path / "bad.yaml"
    bad.write_text(
        yaml.safe_dump({"items": ["a", "b", "c"], "matrix": [[1, 9, "1/9"], ["1/9", 1, 9], [9, "1/9", 1]]})
    )
    refused = _cli("score", "weights", "--method", "ahp", "--matrix", str(bad), data_dir=tmp_path)
    assert refused.returncode == 2 and "CR" in refused.stderr
    generate(300, year=2025, seed=4).write(tmp_path / "panel")
    ent = _cli(
        "score",
        "weights",
        "--method",
        "entropy",
        "--panel",
        str(tmp_path / "panel"),
        "--year",
        "2025",
        "--stage",
        "growth",
        "--total",
        "600",
        data_dir=tmp_path,
    )
    assert ent.returncode == 0, ent.stderr
    assert "研发" in ent.stdout or "rd_expense_total" in ent.stdout
