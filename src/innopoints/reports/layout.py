"""Shared layout for the PDF reports: the CJK font, paragraph styles, tables, page header/footer and the
"演示数据" watermark drawn on every page when the data is synthetic."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any
from xml.sax.saxutils import escape

FONT = "STSong-Light"
WATERMARK = "演示数据"


def ensure_font() -> None:
    from reportlab.pdfbase import pdfmetrics
    from reportlab.pdfbase.cidfonts import UnicodeCIDFont

    if FONT not in pdfmetrics.getRegisteredFontNames():
        pdfmetrics.registerFont(UnicodeCIDFont(FONT))


def text(value: object) -> str:
    """Any value as paragraph text: markup characters escaped (firm names and notes are user data)."""
    return escape("" if value is None else str(value))


@dataclass(frozen=True)
class Styles:
    title: Any
    heading: Any
    body: Any
    small: Any
    cell: Any


def styles() -> Styles:
    from reportlab.lib import colors
    from reportlab.lib.styles import ParagraphStyle

    ensure_font()
    return Styles(
        title=ParagraphStyle("title", fontName=FONT, fontSize=17, leading=23, spaceAfter=4),
        heading=ParagraphStyle(
            "heading",
            fontName=FONT,
            fontSize=12,
            leading=16,
            spaceBefore=8,
            spaceAfter=4,
            keepWithNext=1,
            textColor=colors.HexColor("#0B4F8A"),
        ),
        body=ParagraphStyle("body", fontName=FONT, fontSize=9, leading=13),
        small=ParagraphStyle(
            "small", fontName=FONT, fontSize=7.5, leading=10, textColor=colors.HexColor("#616E7C")
        ),
        cell=ParagraphStyle("cell", fontName=FONT, fontSize=8, leading=10.5),
    )


def table(header: Sequence[str], rows: Sequence[Sequence[object]], widths_mm: Sequence[float]) -> Any:
    """A grid table with a shaded header row; every cell escaped and wrapped."""
    from reportlab.lib import colors
    from reportlab.lib.units import mm
    from reportlab.platypus import Paragraph, Table, TableStyle

    cell = styles().cell
    data = [[Paragraph(text(h), cell) for h in header]]
    data += [[Paragraph(text(v), cell) for v in row] for row in rows]
    t = Table(data, colWidths=[w * mm for w in widths_mm], repeatRows=1)
    t.setStyle(
        TableStyle(
            [
                ("GRID", (0, 0), (-1, -1), 0.4, colors.HexColor("#BCCCDC")),
                ("BACKGROUND", (0, 0), (-1, 0), colors.HexColor("#E3EEF9")),
                ("VALIGN", (0, 0), (-1, -1), "TOP"),
            ]
        )
    )
    return t


def page_decorator(title: str, footer: str, synthetic: bool) -> Callable[[Any, Any], None]:
    """The onPage callback: running title, footer with page number, and the watermark for synthetic data."""

    def draw(canvas: Any, doc: Any) -> None:
        from reportlab.lib import colors

        width, height = doc.pagesize
        canvas.saveState()
        if synthetic:
            canvas.setFont(FONT, 64)
            canvas.setFillColor(colors.Color(0.85, 0.35, 0.1, alpha=0.13))
            canvas.translate(width / 2, height / 2)
            canvas.rotate(35)
            for dy in (-220, 0, 220):
                canvas.drawCentredString(0, dy, WATERMARK)
            canvas.rotate(-35)
            canvas.translate(-width / 2, -height / 2)
        canvas.setFillColor(colors.HexColor("#616E7C"))
        canvas.setFont(FONT, 7.5)
        canvas.drawString(doc.leftMargin, height - doc.topMargin + 12, title)
        canvas.drawString(doc.leftMargin, doc.bottomMargin - 16, footer)
        canvas.drawRightString(width - doc.rightMargin, doc.bottomMargin - 16, f"第 {doc.page} 页")
        canvas.restoreState()

    return draw
