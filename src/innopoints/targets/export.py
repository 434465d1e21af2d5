"""Flat rows of a targets report for XLSX/CSV (``registry.exporting``): one row per city indicator,
then one per district × decomposed indicator, then the monthly contract turnover."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from innopoints.targets.report import TargetsReport

COLUMNS = [
    ("scope", "范围"),
    ("indicator", "指标"),
    ("unit", "单位"),
    ("target", "目标值"),
    ("current", "当前值（按数据实时计算）"),
    ("progress_pct", "完成进度（%）"),
    ("projection", "年底预计"),
    ("status", "状态"),
    ("note", "口径 / 说明"),
]


def report_rows(report: TargetsReport) -> Iterator[dict[str, Any]]:
    for r in report.indicators:
        yield {
            "scope": "全市",
            "indicator": r.name,
            "unit": r.unit,
            "target": r.target,
            "current": r.current,
            "progress_pct": r.progress_pct,
            "projection": r.projection,
            "status": r.status,
            "note": f"{r.definition}；{r.method}" if r.method else r.definition,
        }
    for d in report.districts:
        yield {
            "scope": d.district_name,
            "indicator": d.indicator_name,
            "unit": d.unit,
            "target": d.target,
            "current": d.current,
            "progress_pct": d.progress_pct,
            "projection": d.projection,
            "status": d.status,
            "note": "已调整分解" if d.edited else report.allocation_label,
        }
    for m in report.months:
        yield {
            "scope": f"{report.year}年{m.month}月",
            "indicator": "技术合同成交额（月度，已登记）",
            "unit": "元",
            "current": m.current_yuan,
            "note": f"上年同月 {m.previous_yuan:f} 元",
        }
    for a in report.alerts:
        yield {"scope": "预警", "note": a}
