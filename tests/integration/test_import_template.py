"""The downloadable template: Chinese headers, instructions sheet, and a filled XLSX imports cleanly."""

from __future__ import annotations

from decimal import Decimal
from pathlib import Path

import sqlalchemy as sa
from openpyxl import load_workbook

from innopoints.adapters.db import panel_repo
from innopoints.adapters.db.tables import Enterprise
from innopoints.bootstrap import Container
from innopoints.registry.importing.columns import map_headers
from innopoints.registry.importing.reader import read_table
from innopoints.registry.importing.service import run_import
from innopoints.registry.panel_fields import panel_fields
from innopoints.registry.template import INSTRUCTIONS_SHEET, template_columns, write_template
from innopoints.registry.uscc import build


def test_csv_template_is_a_bom_header_row_that_maps_completely(tmp_path: Path) -> None:
    path = tmp_path / "t.csv"
    write_template(path, "csv")
    assert path.read_bytes().startswith(b"\xef\xbb\xbf")
    table = read_table(path)
    mapping = map_headers(table.headers)
    assert mapping.ok and table.row_count == 0
    assert set(mapping.by_key()) >= set(panel_fields()) | {"uscc", "year", "name", "district_code"}


def test_xlsx_template_has_instructions_for_every_column(tmp_path: Path) -> None:
    path = tmp_path / "t.xlsx"
    write_template(path, "xlsx")
    book = load_workbook(path)
    assert book.sheetnames[0] == "企业数据" and INSTRUCTIONS_SHEET in book.sheetnames
    headers = [c.value for c in book["企业数据"][1]]
    assert headers == [c.header for c in template_columns()]
    described = {row[0] for row in book[INSTRUCTIONS_SHEET].iter_rows(values_only=True) if row and row[0]}
    assert set(headers) <= described
    rules = {
        row[0]: row[4]
        for row in book[INSTRUCTIONS_SHEET].iter_rows(values_only=True)
        if row and row[0] in headers
    }
    assert "万元" in rules["研发费用（元）"] and "浑南区" in rules["所属区县"]


def test_filled_xlsx_template_round_trips_into_the_registry(container: Container, tmp_path: Path) -> None:
    path = tmp_path / "filled.xlsx"
    write_template(path, "xlsx")
    book = load_workbook(path)
    sheet = book["企业数据"]
    headers = [c.value for c in sheet[1]]
    code = build("9", "1", "210113", "MA0000042")
    values = {
        "统一社会信用代码": code,
        "企业名称": "沈阳模板测试有限公司",
        "年度": 2025,
        "注册日期": "2020-06-30",
        "所属区县": "沈北新区",
        "产业集群": "现代农业",
        "是否上市": "否",
        "职工总数（人）": 48,
        "研发费用（元）": 1234567.89,
        "成本费用支出总额（元）": 9876543.21,
        "净利润（元）": -2500.5,
    }
    sheet.append([values.get(h) for h in headers])
    book.save(path)
    result = run_import(container, path)
    assert result.errors == [] and result.values_changed == 4 and result.file_format == "xlsx"
    with container.sessions() as s:
        firm = s.scalars(sa.select(Enterprise).where(Enterprise.uscc == code)).one()
        assert (firm.district_code, firm.cluster_id) == ("210113", "modern_agriculture")
        panel = panel_repo.enterprise_panel(s, firm.id)[2025]
        assert panel["rd_expense"].value == Decimal("1234567.89")
        assert panel["net_profit"].value == Decimal("-2500.50")
        assert panel["employees"].value == Decimal(48)
