"""Charts for the PDF reports, drawn with ``reportlab.graphics`` (vector, no image files):
a radar of group scores, horizontal bars, a points trend, and progress bars with a 100 % target line."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from innopoints.reports.layout import FONT, ensure_font

BRAND = "#0B4F8A"
PEER = "#F0B429"
MUTED = "#9AA5B1"


def _colors() -> Any:
    from reportlab.lib import colors

    return colors


def _legend(drawing: Any, x: float, y: float, items: Sequence[tuple[str, str]]) -> None:
    from reportlab.graphics.shapes import Rect, String

    colors = _colors()
    for i, (label, color) in enumerate(items):
        left = x + i * 90
        drawing.add(Rect(left, y, 8, 8, fillColor=colors.HexColor(color), strokeColor=None))
        drawing.add(String(left + 12, y + 1, label, fontName=FONT, fontSize=7.5))


def radar(names: Sequence[str], own: Sequence[float], peer: Sequence[float], width: float = 250) -> Any:
    """Group scores as a share of each group's maximum (0–100 %): the firm against its peer-group median."""
    from reportlab.graphics.charts.spider import SpiderChart
    from reportlab.graphics.shapes import Drawing

    ensure_font()
    colors = _colors()
    height = width * 0.85
    drawing = Drawing(width, height)
    chart = SpiderChart()
    chart.x, chart.y = 30, 25
    chart.width, chart.height = width - 60, height - 55
    chart.data = [list(own), list(peer)]
    chart.labels = list(names)
    chart.spokeLabels.fontName = FONT
    chart.spokeLabels.fontSize = 7.5
    chart.strands[0].strokeColor = colors.HexColor(BRAND)
    chart.strands[0].fillColor = colors.Color(0.04, 0.31, 0.54, alpha=0.25)
    chart.strands[0].strokeWidth = 1.5
    chart.strands[1].strokeColor = colors.HexColor(PEER)
    chart.strands[1].fillColor = None
    chart.strands[1].strokeWidth = 1.2
    chart.strands[1].strokeDashArray = (3, 2)
    drawing.add(chart)
    _legend(drawing, 30, 4, [("本企业（占满分 %）", BRAND), ("同组中位", PEER)])
    return drawing


def hbars(
    names: Sequence[str],
    series: Sequence[Sequence[float]],
    legend: Sequence[tuple[str, str]],
    *,
    width: float = 250,
    value_max: float | None = None,
    reference: float | None = None,
    unit: str = "",
) -> Any:
    """Horizontal bars, one group per name and one bar per series; optional vertical reference line."""
    from reportlab.graphics.charts.barcharts import HorizontalBarChart
    from reportlab.graphics.shapes import Drawing, Line, String

    ensure_font()
    colors = _colors()
    rows = max(1, len(names))
    bar_height = 11 if len(series) == 1 else 7
    height = 40 + rows * (bar_height * len(series) + 6)
    drawing = Drawing(width, height)
    chart = HorizontalBarChart()
    label_width = min(170, 12 + 7.5 * max((len(n) for n in names), default=4))  # 7 pt labels, CJK full width
    chart.x, chart.y = label_width, 26
    chart.width, chart.height = width - label_width - 22, height - 38
    chart.data = [list(s) for s in series]
    chart.categoryAxis.categoryNames = list(names)
    chart.categoryAxis.labels.fontName = FONT
    chart.categoryAxis.labels.fontSize = 7
    chart.categoryAxis.reverseDirection = True
    chart.valueAxis.labels.fontName = FONT
    chart.valueAxis.labels.fontSize = 7
    chart.valueAxis.valueMin = 0
    top = max([v for s in series for v in s] + [reference or 0, 1])
    chart.valueAxis.valueMax = value_max if value_max is not None else top * 1.1
    if unit:
        chart.valueAxis.labelTextFormat = "%d" + unit
    palette = [BRAND, PEER, MUTED]
    for i in range(len(series)):
        chart.bars[i].fillColor = colors.HexColor(palette[i % len(palette)])
        chart.bars[i].strokeColor = None
    chart.barWidth = bar_height
    drawing.add(chart)
    if reference is not None:
        span = chart.valueAxis.valueMax - chart.valueAxis.valueMin
        x = chart.x + chart.width * (reference - chart.valueAxis.valueMin) / span
        drawing.add(
            Line(x, chart.y, x, chart.y + chart.height, strokeColor=colors.red, strokeDashArray=(2, 2))
        )
        drawing.add(
            String(x + 2, chart.y + chart.height + 2, "目标", fontName=FONT, fontSize=7, fillColor=colors.red)
        )
    if legend:
        _legend(drawing, chart.x, 4, legend)
    return drawing


def trend(
    years: Sequence[int], points: Sequence[float], estimated: Sequence[bool], width: float = 250
) -> Any:
    """Points by year as columns; estimated years (not an official round) drawn lighter."""
    from reportlab.graphics.charts.barcharts import VerticalBarChart
    from reportlab.graphics.shapes import Drawing

    ensure_font()
    colors = _colors()
    height = 150
    drawing = Drawing(width, height)
    chart = VerticalBarChart()
    chart.x, chart.y = 40, 30
    chart.width, chart.height = width - 60, height - 50
    chart.data = [list(points)]
    chart.categoryAxis.categoryNames = [f"{y}年" for y in years]
    chart.categoryAxis.labels.fontName = FONT
    chart.categoryAxis.labels.fontSize = 7.5
    chart.valueAxis.labels.fontName = FONT
    chart.valueAxis.labels.fontSize = 7
    chart.valueAxis.valueMin = 0
    chart.valueAxis.valueMax = max([*points, 1]) * 1.2
    chart.barLabelFormat = "%.1f"
    chart.barLabels.fontName = FONT
    chart.barLabels.fontSize = 7
    chart.barLabels.nudge = 6
    chart.bars[0].strokeColor = None
    for i, est in enumerate(estimated):
        chart.bars[(0, i)].fillColor = colors.HexColor(MUTED if est else BRAND)
    drawing.add(chart)
    _legend(drawing, chart.x, 4, [("评价批次结果", BRAND), ("按冻结参照估算", MUTED)])
    return drawing
