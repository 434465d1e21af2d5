"""File imports end to end: one transaction, quarantine, all-or-nothing, idempotence, reports."""

from __future__ import annotations

import csv
import json
from decimal import Decimal
from pathlib import Path

import pytest
import sqlalchemy as sa

from innopoints.adapters.db import panel_repo
from innopoints.adapters.db.tables import Enterprise, ImportBatch, QuarantinedRow, panel_revision
from innopoints.bootstrap import Container
from innopoints.errors import UserError
from innopoints.registry.importing.report import write_error_report
from innopoints.registry.importing.service import preview, run_import
from innopoints.registry.uscc import build

HEADER = [
    "统一社会信用代码",
    "企业名称",
    "年度",
    "注册日期",
    "所属区县",
    "所属园区",
    "产业集群",
    "高新技术领域",
    "是否上市",
    "职工总数（人）",
    "研发人员数（人）",
    "研发费用（万元）",
    "成本费用支出总额（元）",
]
A = build("9", "1", "210112", "MA0000001")
B = build("9", "1", "210106", "MA0000002")
C = build("9", "1", "210102", "MA0000003")


def _row(code: str, year: str = "2024", employees: str = "120", rd_wan: str = "12.345678") -> list[str]:
    return [
        code,
        f"沈阳{code[-4:]}科技有限公司",
        year,
        "2019-05-01",
        "浑南区",
        "浑南科技城",
        "机器人及智能制造",
        "",
        "否",
        employees,
        "30",
        rd_wan,
        "5000000",
    ]


def _csv(path: Path, rows: list[list[str]], header: list[str] = HEADER, encoding: str = "utf-8-sig") -> Path:
    with path.open("w", encoding=encoding, newline="") as handle:
        csv.writer(handle).writerows([header, *rows])
    return path


def _count(container: Container, model: object) -> int:
    with container.sessions() as s:
        return int(s.scalar(sa.select(sa.func.count()).select_from(model)) or 0)


def test_clean_file_commits_enterprises_and_exact_values(container: Container, tmp_path: Path) -> None:
    path = _csv(tmp_path / "统计局2024.csv", [_row(A), _row(B), _row(A, "2023", employees="100")])
    result = run_import(container, path, source="statistics")
    assert (result.status, result.exit_code) == ("committed", 0)
    assert (result.rows_total, result.rows_accepted, result.enterprises_created) == (3, 3, 2)
    assert result.values_changed == 12
    with container.sessions() as s:
        firm = s.scalars(sa.select(Enterprise).where(Enterprise.uscc == A)).one()
        assert (firm.district_code, firm.park_id, firm.cluster_id, firm.listed) == (
            "210112",
            "hunnan_science_city",
            "robotics",
            False,
        )
        panel = panel_repo.enterprise_panel(s, firm.id)
        assert panel[2024]["rd_expense"].value == Decimal("123456.78")
        assert panel[2023]["employees"].value == Decimal(100)
        rev = panel[2024]["rd_expense"]
        assert (rev.source, rev.source_ref, rev.batch_id) == ("statistics", "统计局2024.csv", result.batch_id)
        batch = s.get(ImportBatch, result.batch_id)
        assert batch is not None and batch.status == "committed" and batch.values_changed == 12
        assert (
            batch.file_sha256 == result.sha256 and batch.rows_accepted == 3 and batch.enterprises_created == 2
        )


def test_reimport_is_idempotent(container: Container, tmp_path: Path) -> None:
    path = _csv(tmp_path / "a.csv", [_row(A), _row(B)])
    first = run_import(container, path)
    revisions = _count(container, panel_revision)
    second = run_import(container, path)
    assert first.values_changed == 8 and revisions == 2  # one revision row per firm-year
    assert (second.values_changed, second.enterprises_created, second.enterprises_updated) == (0, 0, 0)
    assert _count(container, panel_revision) == revisions and _count(container, Enterprise) == 2


def test_changed_value_appends_one_revision_and_updates_attributes(
    container: Container, tmp_path: Path
) -> None:
    run_import(container, _csv(tmp_path / "a.csv", [_row(A)]))
    changed = _row(A, employees="130")
    changed[4] = "铁西区"
    result = run_import(container, _csv(tmp_path / "b.csv", [changed]), source="tax")
    assert (result.values_changed, result.enterprises_updated) == (1, 1)
    with container.sessions() as s:
        firm = s.scalars(sa.select(Enterprise).where(Enterprise.uscc == A)).one()
        assert firm.district_code == "210106"
        history = panel_repo.history(s, firm.id, indicator="employees")
        assert [(r.value, r.source) for r in history] == [(Decimal(120), "import"), (Decimal(130), "tax")]


def test_bad_rows_are_quarantined_with_raw_content_and_good_rows_committed(
    container: Container, tmp_path: Path
) -> None:
    bad = _row(B, employees="-3")
    bad[11] = "1.2345678"
    path = _csv(tmp_path / "mixed.csv", [_row(A), bad, ["91210112MA00000010", *_row(C)[1:]]])
    result = run_import(container, path)
    assert (result.status, result.exit_code) == ("partial", 1)
    assert (result.rows_accepted, result.rows_quarantined, result.enterprises_created) == (1, 2, 1)
    with container.sessions() as s:
        quarantined = s.scalars(sa.select(QuarantinedRow).order_by(QuarantinedRow.row_number)).all()
        assert [q.row_number for q in quarantined] == [3, 4]
        raw = json.loads(quarantined[0].raw_json)
        assert (
            raw["职工总数（人）"] == "-3"
            and raw["研发费用（万元）"] == "1.2345678"
            and raw["统一社会信用代码"] == B
        )
        errors = json.loads(quarantined[0].errors_json)
        assert {e["column"] for e in errors} == {"职工总数（人）", "研发费用（万元）"}
        assert all(e["message"] and e["expected"] for e in errors)
        assert {q.batch_id for q in quarantined} == {result.batch_id}
        assert s.scalars(sa.select(Enterprise.uscc)).all() == [A]


def test_all_or_nothing_commits_nothing_but_reports_errors(container: Container, tmp_path: Path) -> None:
    path = _csv(tmp_path / "a.csv", [_row(A), _row(B, employees="x")])
    result = run_import(container, path, all_or_nothing=True)
    assert (result.status, result.exit_code, result.rows_accepted) == ("rejected", 1, 0)
    assert [(e.row, e.column, e.value) for e in result.errors] == [(3, "职工总数（人）", "x")]
    for model in (ImportBatch, Enterprise, panel_revision, QuarantinedRow):
        assert _count(container, model) == 0
    ok = run_import(container, _csv(tmp_path / "b.csv", [_row(A)]), all_or_nothing=True)
    assert ok.status == "committed" and _count(container, Enterprise) == 1


def test_dry_run_writes_nothing(container: Container, tmp_path: Path) -> None:
    result = run_import(container, _csv(tmp_path / "a.csv", [_row(A)]), dry_run=True)
    assert result.status == "dry_run" and result.exit_code == 0
    assert _count(container, Enterprise) == 0 and _count(container, ImportBatch) == 0


def test_file_level_errors_raise_user_error_and_write_nothing(container: Container, tmp_path: Path) -> None:
    missing = _csv(tmp_path / "m.csv", [["甲", "1"]], header=["企业名称", "职工总数（人）"])
    with pytest.raises(UserError, match="缺少必填列") as info:
        run_import(container, missing)
    assert info.value.exit_code == 2
    thousand = _csv(
        tmp_path / "k.csv", [[A, "2024", "1"]], header=["统一社会信用代码", "年度", "研发费用（千元）"]
    )
    with pytest.raises(UserError, match="千元"):
        run_import(container, thousand)
    with pytest.raises(UserError, match="未知的数据来源"):
        run_import(container, _csv(tmp_path / "a.csv", [_row(A)]), source="gossip")
    assert _count(container, ImportBatch) == 0


def test_gbk_file_imports_correctly(container: Container, tmp_path: Path) -> None:
    path = _csv(tmp_path / "gbk.csv", [_row(A)], encoding="gbk")
    result = run_import(container, path)
    assert result.encoding == "gbk" and result.status == "committed"
    with container.sessions() as s:
        assert s.scalars(sa.select(Enterprise.name)).one() == f"沈阳{A[-4:]}科技有限公司"


def test_error_report_has_row_column_value_expected_and_message(container: Container, tmp_path: Path) -> None:
    path = _csv(tmp_path / "a.csv", [_row(A, employees="-1")])
    result = run_import(container, path)
    report = write_error_report(result.errors, tmp_path / "errors.csv")
    data = report.read_bytes()
    assert data.startswith(b"\xef\xbb\xbf")
    rows = list(csv.reader(data.decode("utf-8-sig").splitlines()))
    assert rows[0] == ["行号", "列名", "原始值", "期望", "错误说明"]
    assert (
        rows[1][:3] == ["2", "职工总数（人）", "-1"]
        and rows[1][4] == "不能为负数"
        and "不小于0" in rows[1][3]
    )
    xlsx = write_error_report(result.errors, tmp_path / "errors.xlsx")
    from openpyxl import load_workbook

    sheet = load_workbook(xlsx).active
    assert sheet is not None
    assert [c.value for c in sheet[2]][:3] == [2, "职工总数（人）", "-1"]
    with pytest.raises(UserError):
        write_error_report(result.errors, tmp_path / "errors.txt")


def test_preview_shows_mapping_rows_and_errors(tmp_path: Path) -> None:
    path = _csv(tmp_path / "a.csv", [_row(A), _row(B, employees="abc")])
    shown = preview(path)
    assert shown.rows_total == 2 and shown.file_errors == []
    assert {
        "header": "研发费用（万元）",
        "key": "rd_expense",
        "unit": "万元",
        "meaning": "研发费用",
    } in shown.header_mapping
    assert shown.first_rows[0]["统一社会信用代码"] == A
    assert [(e.row, e.column) for e in shown.errors] == [(3, "职工总数（人）")]
    bad = preview(_csv(tmp_path / "b.csv", [["x"]], header=["营收"]))
    assert bad.file_errors and bad.errors == []
