"""The import file's columns: identity, enterprise attributes and panel values, and header mapping.

A header is normalised (surrounding spaces removed, full-width parentheses made ASCII) and then
matched against the catalogue. Panel headers are ``<name_zh>（<unit>）``; money columns may be given
in 元, 万元 or 亿元 and are converted exactly to 元. Unknown columns are a file-level error: an
unrecognised header is almost always a misspelt panel column (e.g. ``研发费用（千元）``) whose figures
would otherwise be dropped without anyone noticing. A ``备注`` column is allowed and ignored.
"""

from __future__ import annotations

import difflib
import re
from dataclasses import dataclass
from functools import lru_cache
from typing import Literal

from innopoints.registry.panel_fields import PanelField, panel_fields

ColumnKind = Literal["uscc", "name", "year", "date", "district", "park", "cluster", "field", "yesno"]

# Money units a header may carry, with the power of ten that converts them to 元.
MONEY_UNITS: dict[str, int] = {"元": 0, "万元": 4, "亿元": 8}

IGNORED_HEADERS = frozenset({"备注"})


@dataclass(frozen=True)
class AttributeColumn:
    """An identity or enterprise attribute column."""

    key: str
    header: str
    kind: ColumnKind
    description: str
    required_always: bool = False
    required_for_new: bool = False
    aliases: tuple[str, ...] = ()


ATTRIBUTE_COLUMNS: tuple[AttributeColumn, ...] = (
    AttributeColumn(
        "uscc",
        "统一社会信用代码",
        "uscc",
        "18位，按 GB 32100-2015 校验（含第18位校验码）",
        required_always=True,
    ),
    AttributeColumn("name", "企业名称", "name", "企业全称，不超过200字", required_for_new=True),
    AttributeColumn(
        "year", "年度", "year", "数据所属年度，4位数字，2000年至今", required_always=True, aliases=("年份",)
    ),
    AttributeColumn(
        "registration_date",
        "注册日期",
        "date",
        "如 2019-05-01；不晚于今天，也不晚于数据年度",
        required_for_new=True,
    ),
    AttributeColumn(
        "district_code",
        "所属区县",
        "district",
        "区县名称或6位行政区划代码（GB/T 2260）",
        required_for_new=True,
    ),
    AttributeColumn("park_id", "所属园区", "park", "园区名称，可留空"),
    AttributeColumn(
        "cluster_id", "产业集群", "cluster", "十大重点产业集群之一（名称或编号）", required_for_new=True
    ),
    AttributeColumn("high_tech_field_id", "高新技术领域", "field", "国家重点支持的高新技术领域之一，可留空"),
    AttributeColumn("listed", "是否上市", "yesno", "填“是”或“否”", required_for_new=True),
)

REQUIRED_HEADERS = tuple(c.header for c in ATTRIBUTE_COLUMNS if c.required_always)

# Cross-field rules checked within a row when both values are present: (smaller, larger).
CROSS_FIELD_RULES: tuple[tuple[str, str], ...] = (
    ("sci_tech_staff", "employees"),
    ("rd_staff", "employees"),
    ("rd_expense", "cost_expense_total"),
    ("rd_expense_domestic", "rd_expense"),
    ("high_tech_income", "total_income"),
)


@dataclass(frozen=True)
class MappedColumn:
    """One header of the file and what it means."""

    position: int
    header: str
    key: str  # attribute key, panel field code, or "" for an ignored column
    panel: PanelField | None = None
    attribute: AttributeColumn | None = None
    unit: str = ""
    scale_exponent: int = 0  # power of ten from the header's unit to 元 (money only)

    @property
    def ignored(self) -> bool:
        return not self.key


@dataclass(frozen=True)
class HeaderProblem:
    header: str
    message: str


@dataclass(frozen=True)
class HeaderMapping:
    columns: tuple[MappedColumn, ...]
    problems: tuple[HeaderProblem, ...]

    @property
    def ok(self) -> bool:
        return not self.problems

    def by_key(self) -> dict[str, MappedColumn]:
        return {c.key: c for c in self.columns if c.key}


_TRAILING_UNIT = re.compile(r"^(.*\S)\s*\(([^()]*)\)$")


def normalise_header(text: str) -> str:
    """Trim spaces (also full-width and BOM) and turn full-width parentheses into ASCII ones."""
    cleaned = text.replace("\ufeff", "").replace("（", "(").replace("）", ")")
    cleaned = cleaned.replace("\u3000", " ").replace("\xa0", " ")
    return re.sub(r"\s+", "", cleaned)


@lru_cache(maxsize=1)
def _panel_by_name() -> dict[str, PanelField]:
    return {normalise_header(f.name_zh): f for f in panel_fields().values()}


@lru_cache(maxsize=1)
def _attribute_by_name() -> dict[str, AttributeColumn]:
    out: dict[str, AttributeColumn] = {}
    for col in ATTRIBUTE_COLUMNS:
        for name in (col.header, *col.aliases):
            out[normalise_header(name)] = col
    return out


def known_headers() -> list[str]:
    return [c.header for c in ATTRIBUTE_COLUMNS] + [f.header for f in panel_fields().values()]


def _panel_column(position: int, header: str, field: PanelField, unit: str) -> MappedColumn | HeaderProblem:
    if field.kind == "money":
        if not unit:
            return HeaderProblem(
                header, f"金额列“{header}”缺少单位，请写成“{field.name_zh}（元）”或（万元）、（亿元）"
            )
        if unit not in MONEY_UNITS:
            return HeaderProblem(header, f"金额列“{header}”的单位“{unit}”不受支持，只接受 元、万元、亿元")
        return MappedColumn(
            position, header, field.code, panel=field, unit=unit, scale_exponent=MONEY_UNITS[unit]
        )
    if unit and unit != field.unit:
        return HeaderProblem(header, f"计数列“{header}”的单位应为“{field.unit}”，实际为“{unit}”")
    return MappedColumn(position, header, field.code, panel=field, unit=field.unit)


def _map_one(position: int, header: str) -> MappedColumn | HeaderProblem:
    norm = normalise_header(header)
    if norm in IGNORED_HEADERS:
        return MappedColumn(position, header, "")
    attribute = _attribute_by_name().get(norm)
    if attribute is not None:
        return MappedColumn(position, header, attribute.key, attribute=attribute)
    panel = _panel_by_name()
    if norm in panel:
        return _panel_column(position, header, panel[norm], "")
    match = _TRAILING_UNIT.match(norm)
    if match and match.group(1) in panel:
        return _panel_column(position, header, panel[match.group(1)], match.group(2))
    if not norm:
        return HeaderProblem(header, f"第{position + 1}列的列名为空")
    close = difflib.get_close_matches(norm, [normalise_header(h) for h in known_headers()], n=1, cutoff=0.6)
    hint = f"，是否应为“{close[0]}”？" if close else ""
    return HeaderProblem(header, f"无法识别的列“{header}”{hint}（如需保留说明文字，请使用“备注”列）")


def map_headers(headers: list[str]) -> HeaderMapping:
    """Map a file's header row. Problems are file-level: the file cannot be imported as is."""
    columns: list[MappedColumn] = []
    problems: list[HeaderProblem] = []
    seen: dict[str, str] = {}
    for position, header in enumerate(headers):
        mapped = _map_one(position, header)
        if isinstance(mapped, HeaderProblem):
            problems.append(mapped)
            continue
        if mapped.key and mapped.key in seen:
            problems.append(HeaderProblem(header, f"列“{header}”与列“{seen[mapped.key]}”重复"))
            continue
        if mapped.key:
            seen[mapped.key] = header
        columns.append(mapped)
    missing = [h for h in REQUIRED_HEADERS if _attribute_by_name()[normalise_header(h)].key not in seen]
    if missing:
        problems.insert(
            0, HeaderProblem("", "缺少必填列：" + "、".join(missing) + " (missing required columns)")
        )
    return HeaderMapping(tuple(columns), tuple(problems))
