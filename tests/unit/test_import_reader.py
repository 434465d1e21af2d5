"""Reading import files: encodings, file types, row numbering."""

from __future__ import annotations

import codecs
from pathlib import Path

import pytest
import xlsxwriter

from innopoints.errors import UserError
from innopoints.registry.importing.reader import excel_cell_text, read_table

HEADER = "统一社会信用代码,企业名称,年度\r\n"
ROW = "91210112MA0000001W,沈阳甲科技有限公司,2024\r\n"


def test_utf8_with_and_without_bom(tmp_path: Path) -> None:
    for name, data in (
        ("bom.csv", codecs.BOM_UTF8 + (HEADER + ROW).encode()),
        ("plain.csv", (HEADER + ROW).encode()),
    ):
        path = tmp_path / name
        path.write_bytes(data)
        table = read_table(path)
        assert table.headers == ["统一社会信用代码", "企业名称", "年度"]
        assert table.columns[1] == ("沈阳甲科技有限公司",)
        assert table.encoding in ("utf-8", "utf-8-sig")


def test_gbk_file_is_detected_and_decoded(tmp_path: Path) -> None:
    path = tmp_path / "gbk.csv"
    path.write_bytes((HEADER + ROW).encode("gbk"))
    table = read_table(path)
    assert table.encoding == "gbk"
    assert table.headers[0] == "统一社会信用代码"
    assert table.columns[1] == ("沈阳甲科技有限公司",)


def test_gb18030_only_characters_are_read(tmp_path: Path) -> None:
    path = tmp_path / "gb18030.csv"
    name = "沈阳𠀀科技有限公司"  # outside GBK, inside GB18030
    path.write_bytes((HEADER + f"91210112MA0000001W,{name},2024\r\n").encode("gb18030"))
    table = read_table(path)
    assert table.encoding == "gb18030"
    assert table.columns[1] == (name,)


def test_binary_garbage_is_rejected_clearly(tmp_path: Path) -> None:
    path = tmp_path / "garbage.csv"
    path.write_bytes(bytes(range(256)) * 20)
    with pytest.raises(UserError, match="不是文本文件"):
        read_table(path)


def test_undecodable_text_is_rejected_with_advice(tmp_path: Path) -> None:
    path = tmp_path / "weird.csv"
    path.write_bytes(HEADER.encode() + b"\xff\xfe\xfa\x81\x30 bad\r\n")
    with pytest.raises(UserError, match="UTF-8"):
        read_table(path)


def test_legacy_xls_and_unknown_types_are_rejected(tmp_path: Path) -> None:
    xls = tmp_path / "old.xls"
    xls.write_bytes(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 100)
    with pytest.raises(UserError, match=r"\.xls"):
        read_table(xls)
    pdf = tmp_path / "data.pdf"
    pdf.write_bytes(b"%PDF-1.4 ...")
    with pytest.raises(UserError, match="不支持的文件类型"):
        read_table(pdf)
    fake = tmp_path / "fake.xlsx"
    fake.write_text(HEADER, encoding="utf-8")
    with pytest.raises(UserError, match="不是有效的 XLSX"):
        read_table(fake)


def test_missing_and_empty_files(tmp_path: Path) -> None:
    with pytest.raises(UserError, match="找不到文件"):
        read_table(tmp_path / "nope.csv")
    empty = tmp_path / "empty.csv"
    empty.write_bytes(b"")
    with pytest.raises(UserError, match="空文件"):
        read_table(empty)


def test_row_numbers_match_the_file_with_blank_rows_and_overlong_rows(tmp_path: Path) -> None:
    path = tmp_path / "rows.csv"
    path.write_text(HEADER + ROW + ",,\r\n\r\n" + ROW.strip() + ",extra\r\n" + "x\r\n", encoding="utf-8")
    table = read_table(path)
    assert table.row_numbers == [2, 5, 6]
    assert table.overlong_rows == {5: ["extra"]}
    assert table.columns[2] == ("2024", "2024", "")


def test_xlsx_cells_are_rendered_as_the_user_sees_them(tmp_path: Path) -> None:
    path = tmp_path / "data.xlsx"
    workbook = xlsxwriter.Workbook(str(path))
    sheet = workbook.add_worksheet("企业数据")
    sheet.write_row(0, 0, ["统一社会信用代码", "年度", "研发费用（元）", "职工总数（人）"])
    sheet.write_row(2, 0, ["91210112MA0000001W", 2024, 1234567.89, 12])
    workbook.close()
    table = read_table(path)
    assert table.file_format == "xlsx" and table.encoding is None
    assert table.row_numbers == [3]
    assert [c[0] for c in table.columns] == ["91210112MA0000001W", "2024", "1234567.89", "12"]


def test_excel_cell_text() -> None:
    assert excel_cell_text(0.1 + 0.2) == "0.3"
    assert excel_cell_text(2024.0) == "2024"
    assert excel_cell_text(True) == "是"
    assert excel_cell_text(None) == ""
