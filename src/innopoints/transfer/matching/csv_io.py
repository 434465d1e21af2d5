"""Robust CSV loading of achievements and demands for ``innopoints match``.

Accepts UTF-8 with or without BOM (GB18030 as a fallback), quoted newlines, header names in any case
with surrounding spaces, empty cells, keywords separated by ``; ； , ， 、`` or whitespace, and money
written as ``1200000``, ``1,200,000``, ``120万``, ``1.2亿`` or ``120万元`` (anything else, e.g. 面议,
counts as missing). Ids are kept exactly as written in the file.
"""

from __future__ import annotations

import csv
import io
import re
import sys
from collections.abc import Callable
from decimal import Decimal, InvalidOperation
from pathlib import Path
from typing import TypeVar

from innopoints.errors import UserError
from innopoints.transfer.matching.records import AchievementRecord, DemandRecord

ACHIEVEMENT_REQUIRED = ("id", "title")
ACHIEVEMENT_COLUMNS = (
    "id",
    "title",
    "abstract",
    "field",
    "institution",
    "trl",
    "transfer_mode",
    "price_yuan",
    "keywords",
)
DEMAND_REQUIRED = ("id", "title")
DEMAND_COLUMNS = ("id", "title", "description", "field", "budget_yuan", "district")

_KEYWORD_SEP = re.compile(r"[;；,，、\s|/]+")
_MONEY = re.compile(r"^([0-9]+(?:\.[0-9]+)?)(万|亿)?(元|rmb|cny)?$", re.IGNORECASE)
_TRL = re.compile(r"([1-9])")

T = TypeVar("T")


def split_keywords(text: str | None) -> tuple[str, ...]:
    if not text:
        return ()
    return tuple(k for k in _KEYWORD_SEP.split(text.strip()) if k)


def parse_money(text: str | None) -> Decimal | None:
    """Yuan as Decimal; None for empty or unparseable cells."""
    if text is None:
        return None
    cleaned = re.sub(r"[\s,，¥￥]", "", text)
    match = _MONEY.match(cleaned)
    if not match:
        return None
    try:
        value = Decimal(match.group(1))
    except InvalidOperation:
        return None
    unit = match.group(2)
    if unit == "万":
        value *= 10_000
    elif unit == "亿":
        value *= 100_000_000
    return value


def parse_trl(text: str | None) -> int | None:
    if not text:
        return None
    match = _TRL.search(text)
    return int(match.group(1)) if match else None


def read_rows(path: Path, required: tuple[str, ...], what: str) -> list[dict[str, str]]:
    """Rows as dicts keyed by lower-cased header; exit 2 (UserError) on a missing file or column."""
    if not path.is_file():
        raise UserError(f"找不到{what}文件 (file not found): {path}")
    raw = path.read_bytes()
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError:
        try:
            text = raw.decode("gb18030")
        except UnicodeDecodeError as exc:
            raise UserError(f"{what}文件不是 UTF-8 编码 (not UTF-8): {path}") from exc
    reader = csv.reader(io.StringIO(text, newline=""))
    header = next(reader, None)
    if header is None:
        raise UserError(f"{what}文件为空，缺少表头 (empty file, no header row): {path}")
    names = [h.strip().lstrip("\ufeff").lower() for h in header]
    missing = [c for c in required if c not in names]
    if missing:
        raise UserError(
            f"{what}文件缺少必需的列 (missing required columns): {', '.join(missing)}；"
            f"现有列 (found): {', '.join(n for n in names if n) or '无'} — {path}"
        )
    rows = []
    for line_no, cells in enumerate(reader, start=2):
        if not any(c.strip() for c in cells):
            continue
        row = {name: (cells[i] if i < len(cells) else "") for i, name in enumerate(names) if name}
        if not row.get("id", "").strip():
            print(
                f"提示 (note): {path.name} 第 {line_no} 行缺少 id，已跳过 (row without id skipped)",
                file=sys.stderr,
            )
            continue
        rows.append(row)
    return rows


def _dedupe(items: list[T], key: Callable[[T], str], what: str) -> list[T]:
    seen: set[str] = set()
    out = []
    for item in items:
        k = key(item)
        if k in seen:
            print(f"提示 (note): {what} id 重复，保留第一条 (duplicate id kept once): {k}", file=sys.stderr)
            continue
        seen.add(k)
        out.append(item)
    return out


def load_achievements(path: Path) -> list[AchievementRecord]:
    rows = read_rows(path, ACHIEVEMENT_REQUIRED, "科技成果 (achievements) ")
    records = [
        AchievementRecord(
            id=r["id"],
            title=r.get("title", ""),
            abstract=r.get("abstract", ""),
            field=r.get("field", "").strip(),
            institution=r.get("institution", "").strip(),
            trl=parse_trl(r.get("trl")),
            transfer_mode=r.get("transfer_mode", "").strip(),
            price_yuan=parse_money(r.get("price_yuan")),
            keywords=split_keywords(r.get("keywords")),
        )
        for r in rows
    ]
    return _dedupe(records, lambda a: a.id, "成果")


def load_demands(path: Path) -> list[DemandRecord]:
    rows = read_rows(path, DEMAND_REQUIRED, "技术需求 (demands) ")
    return [
        DemandRecord(
            id=r["id"],
            title=r.get("title", ""),
            description=r.get("description", ""),
            field=r.get("field", "").strip(),
            budget_yuan=parse_money(r.get("budget_yuan")),
            district=r.get("district", "").strip(),
        )
        for r in rows
    ]


def write_achievements(path: Path, records: list[AchievementRecord]) -> None:
    with path.open("w", encoding="utf-8", newline="") as fh:
        writer = csv.writer(fh)
        writer.writerow(ACHIEVEMENT_COLUMNS)
        for a in records:
            writer.writerow(
                [
                    a.id,
                    a.title,
                    a.abstract,
                    a.field,
                    a.institution,
                    "" if a.trl is None else a.trl,
                    a.transfer_mode,
                    "" if a.price_yuan is None else a.price_yuan,
                    ";".join(a.keywords),
                ]
            )


def write_demands(path: Path, records: list[DemandRecord]) -> None:
    with path.open("w", encoding="utf-8", newline="") as fh:
        writer = csv.writer(fh)
        writer.writerow(DEMAND_COLUMNS)
        for d in records:
            writer.writerow(
                [
                    d.id,
                    d.title,
                    d.description,
                    d.field,
                    "" if d.budget_yuan is None else d.budget_yuan,
                    d.district,
                ]
            )
