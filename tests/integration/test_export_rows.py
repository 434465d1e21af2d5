"""``export_rows``/``write_rows``: CSV with BOM and XLSX with exact decimals and typed cells."""

from __future__ import annotations

import csv
import io
from datetime import date, datetime
from decimal import Decimal
from pathlib import Path

import pytest
from openpyxl import load_workbook

from innopoints.registry.exporting import export_rows, write_rows

COLUMNS = [
    ("name", "企业名称"),
    ("amount", "研发费用（元）"),
    ("staff", "职工总数（人）"),
    ("day", "注册日期"),
    ("listed", "是否上市"),
    ("note", "备注"),
]
ROWS = [
    {
        "name": "沈阳甲",
        "amount": Decimal("98765432109.99"),
        "staff": 120,
        "day": date(2019, 5, 1),
        "listed": True,
        "note": '=HYPERLINK("x")',
    },
    {"name": "沈阳乙", "amount": Decimal("0.10"), "staff": None, "day": None, "listed": False, "note": "-5"},
    {
        "name": "沈阳丙",
        "amount": Decimal("12345678901234567.89"),
        "staff": 0,
        "day": datetime(2024, 1, 2, 3, 4, 5),
        "listed": None,
        "note": "",
    },
]


def test_csv_has_bom_chinese_headers_and_exact_decimals() -> None:
    data = export_rows(COLUMNS, ROWS, "csv")
    assert data.startswith(b"\xef\xbb\xbf")
    rows = list(csv.reader(io.StringIO(data.decode("utf-8-sig"))))
    assert rows[0] == [h for _, h in COLUMNS]
    assert rows[1] == ["沈阳甲", "98765432109.99", "120", "2019-05-01", "是", '\'=HYPERLINK("x")']
    assert rows[2] == ["沈阳乙", "0.10", "", "", "否", "-5"]
    assert rows[3][1] == "12345678901234567.89" and rows[3][3] == "2024-01-02 03:04:05"


def test_xlsx_has_bold_header_typed_cells_and_exact_decimals(tmp_path: Path) -> None:
    path = tmp_path / "out.xlsx"
    path.write_bytes(export_rows(COLUMNS, ROWS, "xlsx"))
    sheet = load_workbook(path).active
    assert sheet is not None
    assert [c.value for c in sheet[1]] == [h for _, h in COLUMNS]
    assert sheet["A1"].font.b
    amount = sheet["B2"]
    assert Decimal(repr(amount.value)) == Decimal("98765432109.99") and amount.number_format == "#,##0.00"
    assert sheet["C2"].value == 120 and sheet["E2"].value == "是"
    assert sheet["D2"].value == datetime(2019, 5, 1) and sheet["D2"].number_format == "yyyy-mm-dd"
    assert sheet["F2"].value == '=HYPERLINK("x")' and sheet["F2"].data_type == "s"  # text, never a formula
    assert sheet["B4"].value == "12345678901234567.89"  # beyond 15 digits: kept as exact text
    assert sheet["C3"].value is None


def test_streaming_to_a_path_counts_rows(tmp_path: Path) -> None:
    generated = ({"name": f"企业{i}", "amount": Decimal(i) / 100} for i in range(5000))
    count = write_rows(tmp_path / "big.csv", COLUMNS[:2], generated, "csv")
    assert count == 5000
    lines = (tmp_path / "big.csv").read_text(encoding="utf-8-sig").splitlines()
    assert len(lines) == 5001 and lines[-1] == "企业4999,49.99"
    assert write_rows(tmp_path / "big.xlsx", COLUMNS[:2], iter([]), "xlsx") == 0
    with pytest.raises(ValueError):
        export_rows(COLUMNS, ROWS, "pdf")  # type: ignore[arg-type]
