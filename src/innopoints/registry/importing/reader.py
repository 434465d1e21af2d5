"""Read an import file (CSV in UTF-8/GBK/GB18030, or XLSX) into a table of text cells.

Row numbers are the ones the user sees in Excel: the header is row 1. Blank rows are skipped but
still counted, so numbering never drifts. Every failure here is a file-level ``UserError`` (exit 2).
"""

from __future__ import annotations

import codecs
import csv
import hashlib
import io
import math
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from pathlib import Path
from typing import Literal

from innopoints.errors import UserError

FileFormat = Literal["csv", "xlsx"]

CSV_SUFFIXES = {".csv", ".txt"}
XLSX_SUFFIXES = {".xlsx", ".xlsm"}
DATA_SHEET = "企业数据"


@dataclass
class RawTable:
    """Text cells of a file: ``columns[i][j]`` is column i of data row j (``""`` when empty)."""

    file_name: str
    file_format: FileFormat
    encoding: str | None
    sha256: str
    headers: list[str]
    row_numbers: list[int]
    columns: list[tuple[str, ...]]
    overlong_rows: dict[int, list[str]] = field(default_factory=dict)  # row -> cells beyond the header

    @property
    def row_count(self) -> int:
        return len(self.row_numbers)


def _sniff_format(path: Path, head: bytes) -> FileFormat:
    suffix = path.suffix.lower()
    if head.startswith(b"\xd0\xcf\x11\xe0"):
        raise UserError(
            f"“{path.name}”是旧版 Excel（.xls）或加密文件，请在 Excel 中另存为 .xlsx 或 CSV 后再导入"
        )
    if head.startswith(b"PK\x03\x04"):
        if suffix in CSV_SUFFIXES:
            raise UserError(f"“{path.name}”扩展名为 {suffix}，但内容是压缩包（可能是 XLSX），请检查文件")
        return "xlsx"
    if suffix in XLSX_SUFFIXES:
        raise UserError(f"“{path.name}”不是有效的 XLSX 文件（内容不是 Excel 工作簿）")
    if suffix not in CSV_SUFFIXES:
        raise UserError(f"不支持的文件类型“{suffix or '无扩展名'}”：请上传 .csv 或 .xlsx 文件")
    return "csv"


def decode_text(data: bytes, name: str) -> tuple[str, str]:
    """Decode CSV bytes: BOM first, then strict UTF-8, then strict GB18030 (a superset of GBK)."""
    for bom, encoding in (
        (codecs.BOM_UTF8, "utf-8-sig"),
        (codecs.BOM_UTF16_LE, "utf-16"),
        (codecs.BOM_UTF16_BE, "utf-16"),
    ):
        if data.startswith(bom):
            try:
                return data.decode(encoding), encoding
            except UnicodeDecodeError as exc:
                raise UserError(f"“{name}”声明为 {encoding} 编码但内容无法解码（第{exc.start}字节）") from exc
    if b"\x00" in data:
        raise UserError(f"“{name}”不是文本文件（含二进制内容），请上传 CSV（UTF-8 或 GBK 编码）或 XLSX 文件")
    for encoding in ("utf-8", "gb18030"):
        try:
            text = data.decode(encoding)
        except UnicodeDecodeError:
            continue
        controls = sum(1 for ch in text[:200_000] if ord(ch) < 32 and ch not in "\r\n\t")
        if controls:
            raise UserError(f"“{name}”含有{controls}个控制字符，不像是 CSV 文本文件，请检查文件内容")
        return text, "gbk" if encoding == "gb18030" and _is_gbk(data) else encoding
    raise UserError(
        f"无法识别“{name}”的字符编码：既不是 UTF-8 也不是 GBK/GB18030，请在 Excel 中另存为“CSV UTF-8”后再导入"
    )


def _is_gbk(data: bytes) -> bool:
    try:
        data.decode("gbk")
    except UnicodeDecodeError:
        return False
    return True


def _delimiter(first_line: str) -> str:
    return max((",", "\t", ";"), key=first_line.count)


def _read_csv_rows(path: Path, data: bytes) -> tuple[list[list[str]], str]:
    text, encoding = decode_text(data, path.name)
    first_line = text.split("\n", 1)[0]
    try:
        rows = list(csv.reader(io.StringIO(text, newline=""), delimiter=_delimiter(first_line), strict=True))
    except csv.Error as exc:
        raise UserError(f"“{path.name}”不是有效的 CSV 文件：{exc}") from exc
    return rows, encoding


def excel_cell_text(value: object) -> str:
    """Render an Excel cell the way a user sees it: whole numbers without '.0', 15 significant digits."""
    if value is None or value == "":
        return ""
    if isinstance(value, bool):
        return "是" if value else "否"
    if isinstance(value, float):
        if math.isfinite(value) and value.is_integer() and abs(value) < 1e15:
            return str(int(value))
        return format(value, ".15g")
    if isinstance(value, datetime):
        if value.time() == time(0, 0):
            return value.date().isoformat()
        return value.isoformat(sep=" ")
    if isinstance(value, date | time):
        return value.isoformat()
    if isinstance(value, timedelta):
        return str(value)
    return str(value)


def _read_xlsx_rows(path: Path) -> list[list[str]]:
    from python_calamine import CalamineError, load_workbook

    try:
        workbook = load_workbook(str(path))
        names = workbook.sheet_names
        sheet = (
            workbook.get_sheet_by_name(DATA_SHEET) if DATA_SHEET in names else workbook.get_sheet_by_index(0)
        )
        cells = sheet.to_python(skip_empty_area=False)
    except (CalamineError, OSError, ValueError) as exc:
        raise UserError(f"无法读取 Excel 文件“{path.name}”：{exc}") from exc
    return [[excel_cell_text(v) for v in row] for row in cells]


def read_table(path: Path, *, display_name: str | None = None) -> RawTable:
    """Read the file at ``path``; ``display_name`` is the user's file name (uploads use temp paths)."""
    name = display_name or path.name
    try:
        data = path.read_bytes()
    except FileNotFoundError as exc:
        raise UserError(f"找不到文件“{path}”") from exc
    except OSError as exc:
        raise UserError(f"无法读取文件“{path}”：{exc.strerror}") from exc
    if not data.strip():
        raise UserError(f"“{name}”是空文件")
    named = path.with_name(name) if display_name else path
    fmt = _sniff_format(named, data[:8])
    encoding: str | None = None
    if fmt == "xlsx":
        rows = _read_xlsx_rows(path)
    else:
        rows, encoding = _read_csv_rows(named, data)
    return _to_table(name, fmt, encoding, hashlib.sha256(data).hexdigest(), rows)


def _to_table(name: str, fmt: FileFormat, encoding: str | None, sha: str, rows: list[list[str]]) -> RawTable:
    if not rows or not any(c.strip() for c in rows[0]):
        raise UserError(f"“{name}”第1行没有表头（header row 1 is empty）")
    headers = [h.strip() for h in rows[0]]
    while headers and not headers[-1]:
        headers.pop()
    width = len(headers)
    row_numbers: list[int] = []
    kept: list[list[str]] = []
    overlong: dict[int, list[str]] = {}
    for number, row in enumerate(rows[1:], start=2):
        if not any(c.strip() for c in row):
            continue
        if len(row) > width:
            extra = row[width:]
            if any(c.strip() for c in extra):
                overlong[number] = extra
            row = row[:width]
        elif len(row) < width:
            row = row + [""] * (width - len(row))
        row_numbers.append(number)
        kept.append(row)
    columns: list[tuple[str, ...]] = list(zip(*kept, strict=True)) if kept else [() for _ in headers]
    return RawTable(name, fmt, encoding, sha, headers, row_numbers, columns, overlong)
