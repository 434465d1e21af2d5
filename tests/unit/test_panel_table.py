"""The profile page's panel rows: 万元 with the exact 元 on hover (or exact 元), counts, revision badges,
empty years, the htmx link of each value, and every text escaped."""

from __future__ import annotations

from datetime import UTC, datetime
from decimal import Decimal

from innopoints.registry.directory import Panel, build_panel
from innopoints.registry.panel import Revision
from innopoints.web.panel_table import panel_rows

USCC = "91210112MA0TEST001"


def _rev(rid: int, year: int, indicator: str, value: str) -> Revision:
    return Revision(
        id=rid,
        enterprise_id=1,
        year=year,
        indicator=indicator,
        value=Decimal(value),
        source="tax",
        source_ref=None,
        batch_id=None,
        recorded_at=datetime(2025, 4, 1, tzinfo=UTC),
        recorded_by=None,
    )


def _panel() -> Panel:
    return build_panel(
        [
            _rev(1, 2024, "rd_expense", "1800000.00"),
            _rev(2, 2024, "rd_expense", "1860000.50"),  # a second revision of the same value
            _rev(3, 2023, "employees", "54"),
        ]
    )


def test_money_in_wan_yuan_with_exact_yuan_title_and_revision_badge() -> None:
    html = str(panel_rows(USCC, _panel(), exact=False))
    row = next(line for line in html.splitlines() if "研发费用" in line)
    assert row.startswith('<tr><th scope="row">研发费用（万元）</th><td class="num">—</td>')  # 2023: none
    assert f'hx-get="/enterprises/{USCC}/revisions/rd_expense/2024"' in row
    assert '<span class="value" title="精确值：1,860,000.50 元">186.00</span>' in row  # the current revision
    assert '<span class="badge" title="共 2 次修订">2</span>' in row


def test_counts_and_exact_yuan() -> None:
    html = str(panel_rows(USCC, _panel(), exact=True))
    assert '<th scope="row">研发费用（元）</th>' in html and ">1,860,000.50</span>" in html
    employees = next(line for line in html.splitlines() if "职工总数" in line)
    assert '<span class="value">54</span></summary>' in employees and "badge" not in employees
    assert employees.endswith('<td class="num">—</td></tr>')  # 2024: none


def test_every_text_is_escaped() -> None:
    panel = build_panel([_rev(1, 2024, "<script>x</script>", "1")])  # a code outside the catalogue
    html = str(panel_rows('"><script>', panel, exact=False))
    assert "<script>" not in html
    assert "&lt;script&gt;x&lt;/script&gt;" in html and "&#34;&gt;&lt;script&gt;" in html
