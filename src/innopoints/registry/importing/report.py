"""The per-cell error report (CSV with BOM or XLSX) and the quarantine payloads."""

from __future__ import annotations

import json
from collections import defaultdict
from collections.abc import Sequence
from datetime import datetime
from pathlib import Path

from innopoints.errors import UserError
from innopoints.registry.exporting import write_rows
from innopoints.registry.importing.model import ERROR_REPORT_COLUMNS, CellError
from innopoints.registry.importing.reader import RawTable


def write_error_report(errors: Sequence[CellError], path: Path) -> Path:
    """Write 行号, 列名, 原始值, 期望, 错误说明 to ``path``; the format follows the extension."""
    suffix = path.suffix.lower()
    if suffix not in (".csv", ".xlsx"):
        raise UserError(f"错误报告只能保存为 .csv 或 .xlsx（got “{path.name}”）")
    path.parent.mkdir(parents=True, exist_ok=True)
    write_rows(
        path, ERROR_REPORT_COLUMNS, (e.as_dict() for e in errors), "csv" if suffix == ".csv" else "xlsx"
    )
    return path


def default_report_path(data_dir: Path, batch_id: int | None, now: datetime) -> Path:
    tag = f"batch{batch_id}" if batch_id is not None else now.strftime("%Y%m%d-%H%M%S")
    return data_dir / "reports" / f"import-{tag}-errors.csv"


def raw_rows(table: RawTable, row_numbers: Sequence[int]) -> dict[int, str]:
    """The original cells of the given rows as JSON objects ``{header: text}`` (every column kept)."""
    index = {number: i for i, number in enumerate(table.row_numbers)}
    keys: list[str] = []
    for header in table.headers:
        key = header or "（空列名）"
        while key in keys:
            key += "#"
        keys.append(key)
    out: dict[int, str] = {}
    for number in row_numbers:
        i = index[number]
        cells = {key: table.columns[pos][i] for pos, key in enumerate(keys)}
        if number in table.overlong_rows:
            cells["（表头之外）"] = " | ".join(table.overlong_rows[number])
        out[number] = json.dumps(cells, ensure_ascii=False)
    return out


def errors_by_row(errors: Sequence[CellError]) -> dict[int, str]:
    grouped: dict[int, list[dict[str, object]]] = defaultdict(list)
    for error in errors:
        entry = error.as_dict()
        del entry["row"]
        grouped[error.row].append(entry)
    return {row: json.dumps(items, ensure_ascii=False) for row, items in grouped.items()}
