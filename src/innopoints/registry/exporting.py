"""Tabular exports (CSV in UTF-8 with BOM for Excel, or XLSX) of any list of rows.

``columns`` are ``(key, Chinese header)`` pairs; ``rows`` are mappings read by key. Decimals are
written exactly: as text in CSV, and in XLSX as numbers when Excel's 15 significant digits hold
them exactly (otherwise as text, so nothing is rounded). Strings that a spreadsheet would run as a
formula (starting with = + - @) are prefixed with an apostrophe (CSV/formula injection).
"""

from __future__ import annotations

import csv
import io
import re
from collections.abc import Iterable, Mapping, Sequence
from datetime import date, datetime
from decimal import Decimal
from pathlib import Path
from typing import IO, Any, Literal

ExportFormat = Literal["csv", "xlsx"]
Columns = Sequence[tuple[str, str]]
_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")
_PLAIN_NUMBER = re.compile(r"^[+-]?\d+(\.\d+)?$")
_EXCEL_DIGITS = 15
_MAX_COLUMN_WIDTH = 60


def export_rows(columns: Columns, rows: Iterable[Mapping[str, object]], fmt: ExportFormat) -> bytes:
    """The whole export as bytes (web downloads, small lists)."""
    buffer = io.BytesIO()
    write_rows(buffer, columns, rows, fmt)
    return buffer.getvalue()


def write_rows(
    target: Path | str | IO[bytes], columns: Columns, rows: Iterable[Mapping[str, object]], fmt: ExportFormat
) -> int:
    """Stream rows to a file path or binary stream without holding them in memory; return the count."""
    if fmt not in ("csv", "xlsx"):
        raise ValueError(f"unknown export format {fmt!r}: use 'csv' or 'xlsx'")
    if isinstance(target, str | Path):
        with open(target, "wb") as handle:
            return write_rows(handle, columns, rows, fmt)
    if fmt == "csv":
        return _write_csv(target, columns, rows)
    return _write_xlsx(target, columns, rows)


def format_for_export(value: object) -> str:
    """The CSV text of one value (also used for report previews)."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "是" if value else "否"
    if isinstance(value, Decimal):
        return format(value, "f")
    if isinstance(value, datetime):
        return value.strftime("%Y-%m-%d %H:%M:%S")
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, str):
        risky = value.startswith(_FORMULA_START) and not _PLAIN_NUMBER.match(value)
        return "'" + value if risky else value
    return str(value)


def _write_csv(target: IO[bytes], columns: Columns, rows: Iterable[Mapping[str, object]]) -> int:
    text = io.TextIOWrapper(target, encoding="utf-8-sig", newline="", write_through=True)
    try:
        writer = csv.writer(text, lineterminator="\r\n")
        writer.writerow([header for _, header in columns])
        count = 0
        for row in rows:
            writer.writerow([format_for_export(row.get(key)) for key, _ in columns])
            count += 1
        text.flush()
        return count
    finally:
        text.detach()


class _XlsxCells:
    """Writes typed cells with cached number formats."""

    def __init__(self, workbook: Any, sheet: Any) -> None:
        self.workbook = workbook
        self.sheet = sheet
        self.formats: dict[str, Any] = {}

    def fmt(self, num_format: str) -> Any:
        if num_format not in self.formats:
            self.formats[num_format] = self.workbook.add_format({"num_format": num_format})
        return self.formats[num_format]

    def write(self, row: int, col: int, value: object) -> None:
        sheet = self.sheet
        if value is None or value == "":
            return
        if isinstance(value, bool):
            sheet.write_string(row, col, "是" if value else "否")
        elif isinstance(value, Decimal):
            self._decimal(row, col, value)
        elif isinstance(value, int):
            if abs(value) < 10**_EXCEL_DIGITS:
                sheet.write_number(row, col, value, self.fmt("0"))
            else:
                sheet.write_string(row, col, str(value))
        elif isinstance(value, float):
            sheet.write_number(row, col, value)
        elif isinstance(value, datetime):
            sheet.write_datetime(row, col, value.replace(tzinfo=None), self.fmt("yyyy-mm-dd hh:mm:ss"))
        elif isinstance(value, date):
            sheet.write_datetime(
                row, col, datetime(value.year, value.month, value.day), self.fmt("yyyy-mm-dd")
            )
        else:
            sheet.write_string(row, col, str(value))  # write_string never runs a formula

    def _decimal(self, row: int, col: int, value: Decimal) -> None:
        if not value.is_finite():
            self.sheet.write_string(row, col, str(value))
            return
        exponent = value.as_tuple().exponent
        places = max(0, -exponent) if isinstance(exponent, int) else 0
        as_float = float(value)
        if len(value.as_tuple().digits) <= _EXCEL_DIGITS and Decimal(repr(as_float)) == value:
            pattern = "#,##0" + ("." + "0" * places if places else "")
            self.sheet.write_number(row, col, as_float, self.fmt(pattern))
        else:
            self.sheet.write_string(row, col, format(value, "f"))


def _display_width(text: str) -> int:
    return sum(2 if ord(ch) > 0x2E7F else 1 for ch in text)


def _write_xlsx(target: IO[bytes], columns: Columns, rows: Iterable[Mapping[str, object]]) -> int:
    import xlsxwriter

    workbook = xlsxwriter.Workbook(target, {"constant_memory": True, "strings_to_numbers": False})
    try:
        sheet = workbook.add_worksheet("数据")
        header_format = workbook.add_format(
            {"bold": True, "bg_color": "#DDEBF7", "border": 1, "text_wrap": True}
        )
        for col, (_, header) in enumerate(columns):
            sheet.set_column(col, col, min(_MAX_COLUMN_WIDTH, max(10, _display_width(header) + 2)))
        sheet.freeze_panes(1, 0)
        for col, (_, header) in enumerate(columns):
            sheet.write_string(0, col, header, header_format)
        cells = _XlsxCells(workbook, sheet)
        count = 0
        for count, row in enumerate(rows, start=1):
            for col, (key, _) in enumerate(columns):
                cells.write(count, col, row.get(key))
        if columns:
            sheet.autofilter(0, 0, max(count, 1), len(columns) - 1)
        return count
    finally:
        workbook.close()
