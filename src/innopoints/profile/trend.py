"""Three-year trends (pure): points per year and the key panel indicators with units.

A year's points come from a stored round of that year when one scored the firm (``source: round``);
otherwise they are computed from the firm's panel of that year against the FROZEN reference of the
profile's round and labelled as an estimate (``source: estimate``), never stored.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from decimal import ROUND_HALF_UP, Decimal
from typing import Any

from innopoints.eligibility.gap_text import wan, yuan
from innopoints.eligibility.panel_inputs import FirmData

YEARS = 3
CENT = Decimal("0.01")
KEY_INDICATORS: tuple[tuple[str, str, str], ...] = (
    ("operating_revenue", "营业收入", "元"),
    ("rd_expense", "研发费用", "元"),
    ("rd_intensity", "研发强度（研发费用/营业收入）", "%"),
    ("sci_tech_staff", "科技人员", "人"),
    ("ip_invention_granted", "有效发明专利", "项"),
)


def trend_years(round_year: int) -> list[int]:
    return list(range(round_year - YEARS + 1, round_year + 1))


def points_trend(
    years: list[int],
    stored: dict[int, tuple[int, int]],
    estimate: Callable[[int], Decimal | None],
    round_id: int,
) -> list[dict[str, Any]]:
    """``stored``: {year: (round id, points hundredths)}; ``estimate(year)``: points against the frozen
    reference of ``round_id`` or None when the firm was not active that year."""
    out = []
    for year in years:
        if year in stored:
            rid, pts = stored[year]
            points: Decimal | None = (Decimal(pts) / 100).quantize(CENT)
            source, label = "round", f"第 {rid} 批次评价结果"
        else:
            points = estimate(year)
            rid = round_id
            source = "estimate" if points is not None else "none"
            label = (
                f"按第 {round_id} 批次冻结参照估算（非正式结果）"
                if points is not None
                else "当年未在营，无积分"
            )
        out.append({"year": year, "points": points, "round_id": rid, "source": source, "label": label})
    return out


def _intensity(values: Mapping[str, Decimal]) -> Decimal | None:
    rd, revenue = values.get("rd_expense"), values.get("operating_revenue")
    if rd is None or revenue is None or revenue <= 0:
        return None
    return (rd * 100 / revenue).quantize(CENT, rounding=ROUND_HALF_UP)


def indicator_trend(data: FirmData, years: list[int]) -> list[dict[str, Any]]:
    """Each key indicator by year: exact structured value (元 as a two-decimal string) and a text (万元)."""
    out = []
    for code, name, unit in KEY_INDICATORS:
        points = []
        for year in years:
            values = data.panel.get(year, {})
            value = _intensity(values) if code == "rd_intensity" else values.get(code)
            if value is None:
                points.append({"year": year, "value": None, "text": "缺失"})
            elif unit == "元":
                points.append({"year": year, "value": yuan(value), "text": wan(value)})
            elif unit == "%":
                points.append({"year": year, "value": str(value), "text": f"{value}%"})
            else:
                shown = f"{value.normalize():f}"
                points.append({"year": year, "value": shown, "text": f"{shown}{unit}"})
        display_unit = "元（文本为万元）" if unit == "元" else unit
        out.append({"id": code, "name": name, "unit": display_unit, "values": points})
    return out
