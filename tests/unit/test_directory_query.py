"""Directory query validation, the panel read model and the money display rules (no database)."""

from __future__ import annotations

from datetime import UTC, datetime
from decimal import Decimal

import pytest

from innopoints.region import load_region
from innopoints.registry.directory import InvalidQuery, build_panel, build_query
from innopoints.registry.panel import Revision
from innopoints.registry.uscc import build
from innopoints.web.presenters import number, wan, yuan

REGION = load_region("shenyang")


def test_query_resolves_ids_and_chinese_names() -> None:
    query = build_query(
        REGION, district="浑南区", cluster="robotics", park="高新区", qualification="瞪羚企业"
    )
    assert (query.district, query.cluster, query.park, query.qualification) == (
        "210112",
        "robotics",
        "high_tech_zone",
        "gazelle",
    )
    assert query.is_filtered
    assert not build_query(REGION, district="", park="  ").is_filtered


def test_exact_uscc_only_for_a_valid_full_code() -> None:
    code = build("9", "1", "210112", "MA0000001")
    assert build_query(REGION, text=f"  {code.lower()} ").exact_uscc == code
    assert build_query(REGION, text=code[:17] + ("0" if code[17] != "0" else "1")).exact_uscc is None
    assert build_query(REGION, text="机器人").exact_uscc is None


@pytest.mark.parametrize(
    ("kwargs", "fragment"),
    [
        ({"page": 0}, "参数 page"),
        ({"page_size": 25}, "参数 page_size"),
        ({"sort": "revenue desc"}, "参数 sort"),
        ({"district": "210100"}, "参数 district"),
        ({"high_tech_field": "quantum"}, "参数 field"),
        ({"qualification": "gold"}, "参数 qualification"),
        ({"text": "长" * 101}, "参数 q"),
    ],
)
def test_invalid_parameters_name_the_parameter(kwargs: dict[str, object], fragment: str) -> None:
    with pytest.raises(InvalidQuery) as caught:
        build_query(REGION, **kwargs)  # type: ignore[arg-type]
    assert fragment in caught.value.message


def _rev(id_: int, year: int, indicator: str, value: str) -> Revision:
    return Revision(
        id_, 1, year, indicator, Decimal(value), "tax", None, None, datetime(2025, 1, id_, tzinfo=UTC), None
    )


def test_panel_current_value_is_the_latest_revision_in_catalogue_order() -> None:
    panel = build_panel(
        [_rev(3, 2024, "rd_expense", "2"), _rev(1, 2024, "rd_expense", "1"), _rev(2, 2023, "employees", "7")]
    )
    assert panel.years == (2023, 2024)
    assert [row.field.code for row in panel.rows] == ["employees", "rd_expense"]
    cell = panel.cell("rd_expense", 2024)
    assert cell is not None and cell.current.value == Decimal("2")
    assert [r.id for r in cell.revisions] == [1, 3]
    assert panel.cell("rd_expense", 2023) is None


@pytest.mark.parametrize(
    ("value", "shown"),
    [
        ("1860000.50", "186.00"),
        ("15000", "1.50"),
        ("50", "0.01"),
        ("49.99", "0.00"),
        ("-1234567.89", "-123.46"),
    ],
)
def test_wan_rounds_half_up_to_two_decimals(value: str, shown: str) -> None:
    assert wan(Decimal(value)) == shown


def test_exact_yuan_and_counts() -> None:
    assert yuan(Decimal("1860000.5")) == "1,860,000.50"
    assert yuan(None) == wan(None) == number(None) == "—"
    assert number(Decimal("1200")) == "1,200"
    assert number(Decimal("2.5")) == "2.5"
