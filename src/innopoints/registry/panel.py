"""Domain types of the annual indicator panel (no storage here)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal

# Where a value came from. Import files use ``import`` with the file name as ``source_ref``.
SOURCES: dict[str, str] = {
    "tax": "税务",
    "market_regulation": "市场监管",
    "intellectual_property": "知识产权",
    "statistics": "统计",
    "self_reported": "自报",
    "import": "导入文件",
    "synthetic": "合成数据",
}


def source_label(source: str) -> str:
    return SOURCES.get(source, source)


@dataclass(frozen=True)
class PanelValue:
    """A value to record for one enterprise, year and panel field."""

    enterprise_id: int
    year: int
    indicator: str
    value: Decimal


@dataclass(frozen=True)
class Revision:
    """One stored revision with its provenance."""

    id: int
    enterprise_id: int
    year: int
    indicator: str
    value: Decimal
    source: str
    source_ref: str | None
    batch_id: int | None
    recorded_at: datetime
    recorded_by: str | None

    @property
    def source_label(self) -> str:
        return source_label(self.source)
