"""The profile page's indicator panel as HTML rows, built in Python.

The panel is the largest part of the profile page (about 26 fields × 5 years of values). Rendered by Jinja2
it cost about a millisecond per page, most of it in per-cell template overhead; here each cell is one format
call with every text escaped. Each value opens into its provenance and history, which htmx loads from
``/enterprises/{uscc}/revisions/{indicator}/{year}`` when the value is opened.
"""

from __future__ import annotations

from markupsafe import Markup, escape

from innopoints.registry.directory import Panel, PanelCell
from innopoints.registry.panel_fields import PanelField
from innopoints.web.presenters import field_unit, field_value, yuan

_CELL = (
    '<td class="num"><details class="cell" hx-get="/enterprises/{uscc}/revisions/{code}/{year}" '
    'hx-trigger="toggle once" hx-swap="beforeend"><summary><span class="value"{title}>{value}</span>{badge}'
    "</summary></details></td>"
)
_EMPTY = '<td class="num">—</td>'


def _cell(uscc: str, field: PanelField, year: int, cell: PanelCell, exact: bool) -> str:
    current = cell.current.value
    title = f' title="精确值：{yuan(current)} 元"' if field.kind == "money" else ""
    count = len(cell.revisions)
    badge = f'<span class="badge" title="共 {count} 次修订">{count}</span>' if count > 1 else ""
    return _CELL.format(
        uscc=escape(uscc),
        code=escape(field.code),
        year=year,
        title=title,
        value=escape(field_value(current, field, exact)),
        badge=badge,
    )


def panel_rows(uscc: str, panel: Panel, exact: bool) -> Markup:
    """``<tr>`` rows: the field with its unit, then one cell per year of ``panel.years`` (— when absent)."""
    rows = []
    for row in panel.rows:
        field = row.field
        head = f'<th scope="row">{escape(field.name_zh)}（{escape(field_unit(field, exact))}）</th>'
        cells = "".join(
            _EMPTY if (cell := row.cells.get(year)) is None else _cell(uscc, field, year, cell, exact)
            for year in panel.years
        )
        rows.append(f"<tr>{head}{cells}</tr>")
    return Markup("\n".join(rows))
