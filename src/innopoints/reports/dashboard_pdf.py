"""The city dashboard as a PDF: headline figures, the year's targets with progress and projection (chart and
table), progress by district for every decomposed indicator (charts), alerts and the source of each figure."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from io import BytesIO
from typing import Any

from innopoints.registry.directory import Overview
from innopoints.reports import charts
from innopoints.reports.layout import page_decorator, styles, table, text
from innopoints.targets.report import DistrictRow, TargetsReport, fmt

MAX_ALERTS = 30


@dataclass(frozen=True)
class DashboardReport:
    region_name: str
    overview: Overview
    targets: TargetsReport
    synthetic: bool
    generated_at: datetime
    generated_by: str


def _pct(value: object) -> float:
    return 0.0 if value is None else float(str(value))


def _headline(report: DashboardReport, st: Any) -> list[Any]:
    from reportlab.platypus import Paragraph

    o = report.overview
    quals = "、".join(f"{t.label} {t.count:,} 家" for t in o.by_qualification[:6]) or "—"
    rows = [
        ["企业总数（在册）", f"{o.enterprises:,} 家", "上市企业", f"{o.listed:,} 家"],
        ["最新数据年度", f"{o.panel_year or '—'} 年", "统计日期", o.as_of.isoformat()],
        ["有效资质", quals, "", ""],
    ]
    return [
        Paragraph("一、概况", st.heading),
        table(["项目", "数值", "项目", "数值"], rows, [35, 90, 25, 40]),
    ]


def _targets(report: DashboardReport, st: Any) -> list[Any]:
    from reportlab.platypus import Paragraph

    t = report.targets
    measured = [r for r in t.indicators if r.measured and r.progress_pct is not None]
    out: list[Any] = [Paragraph(f"二、{t.year} 年目标进度（截至 {t.as_of.isoformat()}）", st.heading)]
    if measured:
        out.append(
            charts.hbars(
                [r.name for r in measured],
                [[min(_pct(r.progress_pct), 150.0) for r in measured]],
                [("完成进度（%，红线为目标 100%）", charts.BRAND)],
                width=500,
                value_max=max(110.0, max(_pct(r.progress_pct) for r in measured) * 1.05),
                reference=100.0,
            )
        )
    rows = [
        [
            r.name,
            fmt(r.target, r.unit),
            fmt(r.current, r.unit),
            "—" if r.progress_pct is None else f"{r.progress_pct}%",
            fmt(r.projection, r.unit),
            r.status,
        ]
        for r in t.indicators
    ]
    out.append(table(["指标", "目标", "当前值", "进度", "年底预计", "状态"], rows, [52, 28, 28, 16, 28, 28]))
    out.append(
        Paragraph(text(f"目标来源：{t.source}。当前值由平台数据实时计算，未录入任何手填数字。"), st.small)
    )
    return out


def _districts(report: DashboardReport, st: Any) -> list[Any]:
    from reportlab.platypus import CondPageBreak, Paragraph

    by_indicator: dict[str, list[DistrictRow]] = defaultdict(list)
    for row in report.targets.districts:
        by_indicator[row.indicator].append(row)
    out: list[Any] = [
        CondPageBreak(100 * 2.83),  # the heading starts the page of its first chart
        Paragraph(f"三、区县进度（{report.targets.allocation_label}）", st.heading),
    ]
    if not by_indicator:
        out.append(Paragraph("暂无区县分解。", st.body))
    for i, rows in enumerate(by_indicator.values()):
        first = rows[0]
        if i:
            out.append(CondPageBreak(90 * 2.83))
        out.append(Paragraph(text(f"{first.indicator_name}（单位：{first.unit}）"), st.body))
        progress = [min(_pct(r.progress_pct), 200.0) for r in rows]
        out.append(
            charts.hbars(
                [r.district_name for r in rows],
                [progress],
                [("区县完成进度（%）", charts.BRAND)],
                width=500,
                value_max=max(110.0, max(progress) * 1.05),
                reference=100.0,
            )
        )
        table_rows = [
            [
                r.district_name,
                fmt(r.target, r.unit) + ("（已调整）" if r.edited else ""),
                fmt(r.current, r.unit),
                "—" if r.progress_pct is None else f"{r.progress_pct}%",
                fmt(r.projection, r.unit),
                r.status,
            ]
            for r in rows
        ]
        out.append(
            table(
                ["区县", "区县目标", "当前值", "进度", "年底预计", "状态"],
                table_rows,
                [30, 34, 34, 18, 34, 30],
            )
        )
    return out


def _alerts(alerts: Sequence[str], st: Any) -> list[Any]:
    from reportlab.platypus import Paragraph

    out: list[Any] = [Paragraph("四、预警", st.heading)]
    shown = list(alerts[:MAX_ALERTS])
    out += [Paragraph(text(a), st.body) for a in shown] or [Paragraph("无", st.body)]
    if len(alerts) > MAX_ALERTS:
        out.append(Paragraph(f"另有 {len(alerts) - MAX_ALERTS} 条预警，见平台“首页”。", st.small))
    return out


def render(report: DashboardReport) -> bytes:
    from reportlab.lib.pagesizes import A4
    from reportlab.lib.units import mm
    from reportlab.platypus import Paragraph, SimpleDocTemplate

    st = styles()
    buffer = BytesIO()
    title = f"{report.region_name}科技创新工作看板"
    doc = SimpleDocTemplate(
        buffer,
        pagesize=A4,
        leftMargin=12 * mm,
        rightMargin=12 * mm,
        topMargin=16 * mm,
        bottomMargin=16 * mm,
        title=title,
        author="InnoPoints 科创积分平台",
    )
    story: list[Any] = [
        Paragraph(text(title), st.title),
        Paragraph(
            text(f"生成时间：{report.generated_at:%Y-%m-%d %H:%M}（UTC） · 生成人：{report.generated_by}"),
            st.small,
        ),
    ]
    story += _headline(report, st)
    story += _targets(report, st)
    story += _districts(report, st)
    story += _alerts(report.targets.alerts, st)
    if report.synthetic:
        story.append(Paragraph("本报告数据为平台合成的演示数据，非真实统计。", st.small))
    decorate = page_decorator(
        f"InnoPoints 科创积分 · {title}", "看板报告 · 数据以平台记录为准", report.synthetic
    )
    doc.build(story, onFirstPage=decorate, onLaterPages=decorate)
    return buffer.getvalue()
