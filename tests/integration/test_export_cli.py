"""``innopoints export enterprises|panel`` against a migrated database."""

from __future__ import annotations

import csv
from collections.abc import Iterator
from decimal import Decimal
from pathlib import Path

import openpyxl
import pytest
from typer.testing import CliRunner
from web_seed import FILLERS, MATERIALS, ROBOT, SCRIPT, seed

from innopoints.bootstrap import Container, default_container
from innopoints.cli import app
from innopoints.errors import UserError
from innopoints.registry.panel_fields import panel_fields
from innopoints.settings import get_settings


@pytest.fixture
def runner(container: Container, monkeypatch: pytest.MonkeyPatch) -> Iterator[CliRunner]:
    seed(container)
    monkeypatch.setenv("INNOPOINTS_DATABASE_URL", container.settings.effective_database_url)
    get_settings.cache_clear()
    default_container.cache_clear()
    yield CliRunner()
    default_container().engine.dispose()
    get_settings.cache_clear()
    default_container.cache_clear()


def _csv(path: Path) -> list[list[str]]:
    assert path.read_bytes().startswith(b"\xef\xbb\xbf")
    with path.open(encoding="utf-8-sig", newline="") as handle:
        return list(csv.reader(handle))


def test_export_enterprises_csv_with_filters(runner: CliRunner, tmp_path: Path) -> None:
    out = tmp_path / "list.csv"
    result = runner.invoke(app, ["export", "enterprises", "--district", "铁西区", "--out", str(out)])
    assert result.exit_code == 0, result.output
    assert "已导出 1 家企业" in result.output
    rows = _csv(out)
    assert rows[0][:2] == ["统一社会信用代码", "企业名称"] and rows[0][9] == "2024年营业收入（元）"
    assert [r[0] for r in rows[1:]] == [MATERIALS]
    everything = tmp_path / "all.csv"
    assert runner.invoke(app, ["export", "enterprises", "--out", str(everything)]).exit_code == 0
    assert len(_csv(everything)) == 1 + 3 + FILLERS


def test_export_enterprises_xlsx_by_cluster(runner: CliRunner, tmp_path: Path) -> None:
    out = tmp_path / "robots.xlsx"
    result = runner.invoke(app, ["export", "enterprises", "--cluster", "robotics", "--out", str(out)])
    assert result.exit_code == 0, result.output
    rows = list(openpyxl.load_workbook(out, read_only=True).active.iter_rows(values_only=True))
    assert len(rows) == 2 and rows[1][0] == ROBOT and rows[1][10] == 1860000.5


def test_export_panel_csv_has_template_headers_and_exact_yuan(runner: CliRunner, tmp_path: Path) -> None:
    out = tmp_path / "panel.csv"
    result = runner.invoke(app, ["export", "panel", "--year", "2024", "--format", "csv", "--out", str(out)])
    assert result.exit_code == 0, result.output
    assert f"{FILLERS} 家企业没有 2024 年的指标数据" in result.output
    rows = _csv(out)
    fields = panel_fields()
    assert rows[0] == [
        "统一社会信用代码",
        "企业名称",
        "年度",
        *(f"{f.name_zh}（{f.unit}）" for f in fields.values()),
    ]
    by_code = {r[0]: dict(zip(rows[0], r, strict=True)) for r in rows[1:]}
    assert set(by_code) == {ROBOT, MATERIALS, SCRIPT}
    robot = by_code[ROBOT]
    assert robot["年度"] == "2024"
    assert robot["营业收入（元）"] == "61234567.89"
    assert robot["研发费用（元）"] == "1860000.50"  # the current revision
    assert robot["职工总数（人）"] == "120"
    assert robot["净利润（元）"] == ""


def test_export_panel_xlsx_of_an_earlier_year(runner: CliRunner, tmp_path: Path) -> None:
    out = tmp_path / "panel2023.xlsx"
    result = runner.invoke(app, ["export", "panel", "--year", "2023", "--out", str(out)])
    assert result.exit_code == 0, result.output
    rows = list(openpyxl.load_workbook(out, read_only=True).active.iter_rows(values_only=True))
    header = list(rows[0])
    assert len(rows) == 2 and rows[1][0] == ROBOT
    assert Decimal(str(rows[1][header.index("营业收入（元）")])) == Decimal("52000000")


def test_export_refuses_unknown_values(runner: CliRunner, tmp_path: Path) -> None:
    out = tmp_path / "x.csv"
    bad_district = runner.invoke(app, ["export", "enterprises", "--district", "火星区", "--out", str(out)])
    assert (
        isinstance(bad_district.exception, UserError)
        and "未知的区县代码“火星区”" in bad_district.exception.message
    )
    bad_format = runner.invoke(
        app, ["export", "panel", "--year", "2024", "--format", "pdf", "--out", str(out)]
    )
    assert isinstance(bad_format.exception, UserError) and "csv 或 xlsx" in bad_format.exception.message
    assert not out.exists()
