"""Parquet output of ``innopoints synth`` (the files another engine reads) and CLI errors."""

from __future__ import annotations

import json
from pathlib import Path

import polars as pl
import pytest
from typer.testing import CliRunner

from innopoints.cli import app
from innopoints.errors import UserError
from innopoints.registry.panel_fields import panel_fields
from innopoints.synth.city import SynthConfig, generate_city
from innopoints.synth.parquet_writer import write_parquet


def test_parquet_files_match_the_generator(tmp_path: Path) -> None:
    manifest = write_parquet(SynthConfig(seed=5, enterprises=400), tmp_path)
    ent = pl.read_parquet(tmp_path / "enterprises.parquet")
    panel = pl.read_parquet(tmp_path / "panel.parquet")
    saved = json.loads((tmp_path / "manifest.json").read_text("utf-8"))
    assert saved == manifest and saved["is_synthetic"] is True and saved["seed"] == 5
    assert saved["sizes"] == {
        "enterprises": ent.height,
        "enterprises_active_2025": 400,
        "panel_rows": panel.height,
    }
    assert list(saved["schema"]["enterprises"]) == ent.columns
    assert panel.columns == ["uscc", "year", *panel_fields()]
    assert all(panel.schema[c] == pl.Int64 for c in panel_fields())
    assert panel.select("uscc", "year").is_unique().all()
    for column in (
        "uscc",
        "registration_date",
        "exit_date",
        "district_code",
        "park_id",
        "cluster_id",
        "high_tech_field_id",
        "listed",
        "mainland_resident",
        "tech_sme_year",
        "high_tech_cert_granted_on",
        "high_tech_cert_expires_on",
        "ladder_tier",
        "ladder_year",
        "negative_in_force",
    ):
        assert column in ent.columns
    city = generate_city(SynthConfig(seed=5, enterprises=400, with_transfer=False))
    assert ent.equals(city.enterprises)
    assert panel.equals(city.panel_wide())


def test_cli_parquet_and_errors(tmp_path: Path) -> None:
    runner = CliRunner()
    out = tmp_path / "city"
    result = runner.invoke(app, ["synth", "--enterprises", "120", "--format", "parquet", "--out", str(out)])
    assert result.exit_code == 0, result.output
    assert (out / "panel.parquet").exists() and (out / "manifest.json").exists()
    result = runner.invoke(
        app, ["synth", "--enterprises", "0", "--format", "parquet", "--out", str(out)], standalone_mode=False
    )
    assert isinstance(result.exception, UserError)
    result = runner.invoke(app, ["synth", "--format", "parquet"], standalone_mode=False)
    assert isinstance(result.exception, UserError)
    blocker = tmp_path / "file"
    blocker.write_text("x")
    result = runner.invoke(
        app,
        ["synth", "--enterprises", "10", "--format", "parquet", "--out", str(blocker)],
        standalone_mode=False,
    )
    assert isinstance(result.exception, UserError)


@pytest.mark.parametrize("bad", ["-5", "6000000"])
def test_cli_rejects_bad_sizes(bad: str, tmp_path: Path) -> None:
    result = CliRunner().invoke(
        app,
        ["synth", "--enterprises", bad, "--format", "parquet", "--out", str(tmp_path)],
        standalone_mode=False,
    )
    assert isinstance(result.exception, UserError)
