"""The targets report as PDF (reportlab; Chinese text in the built-in CID font STSong-Light, so no
font file is needed)."""

from __future__ import annotations

from io import BytesIO

from innopoints.targets.report import TargetsReport, fmt

FONT = "STSong-Light"


def render_pdf(report: TargetsReport) -> bytes:
    from reportlab.lib import colors
    from reportlab.lib.pagesizes import A4, landscape
    from reportlab.lib.styles import ParagraphStyle
    from reportlab.lib.units import mm
    from reportlab.pdfbase import pdfmetrics
    from reportlab.pdfbase.cidfonts import UnicodeCIDFont
    from reportlab.platypus import Paragraph, SimpleDocTemplate, Spacer, Table, TableStyle

    if FONT not in pdfmetrics.getRegisteredFontNames():
        pdfmetrics.registerFont(UnicodeCIDFont(FONT))
    title = ParagraphStyle("t", fontName=FONT, fontSize=15, leading=20)
    body = ParagraphStyle("b", fontName=FONT, fontSize=8.5, leading=11)
    cell = ParagraphStyle("c", fontName=FONT, fontSize=7.5, leading=9.5)

    def table(header: list[str], rows: list[list[str]], widths: list[float]) -> Table:
        data = [[Paragraph(h, cell) for h in header]] + [[Paragraph(v, cell) for v in r] for r in rows]
        t = Table(data, colWidths=[w * mm for w in widths], repeatRows=1)
        t.setStyle(
            TableStyle(
                [
                    ("GRID", (0, 0), (-1, -1), 0.4, colors.grey),
                    ("BACKGROUND", (0, 0), (-1, 0), colors.HexColor("#DDEBF7")),
                    ("VALIGN", (0, 0), (-1, -1), "TOP"),
                ]
            )
        )
        return t

    buffer = BytesIO()
    doc = SimpleDocTemplate(
        buffer,
        pagesize=landscape(A4),
        leftMargin=12 * mm,
        rightMargin=12 * mm,
        topMargin=12 * mm,
        bottomMargin=12 * mm,
        title=f"{report.year}年目标进度",
    )
    story: list = [
        Paragraph(f"{report.year} 年科技创新目标进度（截至 {report.as_of.isoformat()}）", title),
        Paragraph(f"目标来源：{report.source}。当前值均由平台数据实时计算，未录入任何手填数字。", body),
        Spacer(1, 4 * mm),
    ]
    rows = [
        [
            r.name,
            fmt(r.target, r.unit),
            fmt(r.current, r.unit),
            "—" if r.progress_pct is None else f"{r.progress_pct}%",
            fmt(r.projection, r.unit),
            r.status,
            r.definition + (f"；{r.method}" if r.method else ""),
        ]
        for r in report.indicators
    ]
    story.append(
        table(
            ["指标", "目标", "当前值", "进度", "年底预计", "状态", "口径"],
            rows,
            [42, 26, 26, 16, 26, 18, 115],
        )
    )
    story += [Spacer(1, 4 * mm), Paragraph("预警", title)]
    story += [Paragraph(a, body) for a in report.alerts] or [Paragraph("无", body)]
    story += [Spacer(1, 4 * mm), Paragraph(f"区县分解（{report.allocation_label}）", title)]
    drows = [
        [
            d.district_name,
            d.indicator_name,
            fmt(d.target, d.unit) + ("（已调整）" if d.edited else ""),
            fmt(d.current, d.unit),
            "—" if d.progress_pct is None else f"{d.progress_pct}%",
            fmt(d.projection, d.unit),
            d.status,
        ]
        for d in report.districts
    ]
    story.append(
        table(
            ["区县", "指标", "区县目标", "当前值", "进度", "年底预计", "状态"],
            drows,
            [24, 50, 36, 36, 18, 36, 20],
        )
    )
    story += [Spacer(1, 4 * mm), Paragraph("技术合同成交额月度趋势（已登记）", title)]
    mrows = [[f"{m.month} 月", fmt(m.current_yuan, "元"), fmt(m.previous_yuan, "元")] for m in report.months]
    story.append(table(["月份", f"{report.year} 年", f"{report.year - 1} 年"], mrows, [20, 40, 40]))
    doc.build(story)
    return buffer.getvalue()
