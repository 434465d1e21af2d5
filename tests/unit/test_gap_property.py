"""Property: for random firms, every reported gap is exact — the change satisfies the condition and the
same change one fen / one unit / one day smaller does not (re-evaluated independently from the JSON)."""

from __future__ import annotations

import datetime as dt
import os
from decimal import Decimal
from fractions import Fraction
from typing import Any

from gap_support import AS_OF, assert_minimal, changed, leaf_items, status_of
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from innopoints.eligibility.gap import gap_to
from innopoints.eligibility.gap_moves import solve
from innopoints.rules.results import Status

SETTINGS = settings(
    max_examples=int(os.environ.get("GAP_EXAMPLES", "40")),
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow],
)


def money(high: int) -> st.SearchStrategy[Decimal]:
    return st.integers(0, high * 100).map(lambda fen: Decimal(fen).scaleb(-2))


def dates() -> st.SearchStrategy[str]:
    return st.dates(dt.date(2004, 1, 1), dt.date(2025, 6, 1)).map(dt.date.isoformat)


@st.composite
def tech_sme(draw: Any) -> dict[str, Any]:
    employees = draw(st.integers(0, 560))
    return {
        "employees": employees,
        "sci_tech_staff": draw(st.integers(0, max(employees, 0))),
        "sales_revenue": draw(money(220_000_000)),
        "total_assets": draw(money(220_000_000)),
        "rd_expense": draw(money(20_000_000)),
        "cost_expense_total": draw(money(200_000_000)),
        "ip_class1": draw(st.integers(0, 2)),
        "ip_class2": draw(st.integers(0, 6)),
        "valid_hte_certificate": draw(st.booleans()),
    }


@st.composite
def high_tech(draw: Any) -> dict[str, Any]:
    employees = draw(st.integers(1, 800))
    rd = draw(st.lists(money(30_000_000), min_size=3, max_size=3))
    return {
        "net_assets": draw(st.lists(money(300_000_000), min_size=3, max_size=3)),
        "sales_revenue": draw(st.lists(money(400_000_000), min_size=3, max_size=3)),
        "rd_expense": rd,
        "rd_expense_domestic": [draw(money(int(x))) if x >= 1 else Decimal(0) for x in rd],
        "high_tech_income": draw(money(100_000_000)),
        "total_income": draw(money(200_000_000)),
        "employees": employees,
        "sci_tech_staff": draw(st.integers(0, employees)),
        "registration_date": draw(dates()),
        "ip_class1": draw(st.integers(0, 2)),
        "ip_class2": draw(st.integers(0, 7)),
        "ip_acquisition": draw(st.sampled_from(["own", "transfer"])),
        "standards": draw(st.integers(0, 1)),
        "conversions": draw(st.lists(st.integers(0, 6), min_size=3, max_size=3)),
        "high_tech_field": draw(st.sampled_from(["electronic_information", "new_materials", "none"])),
    }


@st.composite
def eaglet(draw: Any) -> dict[str, Any]:
    employees = draw(st.integers(0, 300))
    return {
        "registration_date": draw(dates()),
        "operating_revenue": draw(money(100_000_000)),
        "rd_expense": draw(money(5_000_000)),
        "employees": employees,
        "sci_tech_staff": draw(st.integers(0, employees)),
        "ip_class1": draw(st.integers(0, 1)),
        "ip_class2": draw(st.integers(0, 3)),
        "tech_sme_or_hte": draw(st.booleans()),
    }


@st.composite
def gazelle(draw: Any) -> dict[str, Any]:
    return {
        "registration_date": draw(dates()),
        "operating_revenue": draw(st.lists(money(1_200_000_000), min_size=4, max_size=4)),
        "employees": draw(st.lists(st.integers(0, 900), min_size=4, max_size=4)),
        "sci_activity_expense": draw(st.lists(money(30_000_000), min_size=4, max_size=4)),
        "largest_venture_investment": draw(money(20_000_000)),
    }


@st.composite
def unicorn(draw: Any) -> dict[str, Any]:
    raw: dict[str, Any] = {
        "registration_date": draw(dates()),
        "professional_investment": draw(st.booleans()),
        "listed": draw(st.booleans()),
    }
    currency = draw(st.sampled_from(["valuation", "valuation_usd", "both"]))
    if currency in ("valuation", "both"):
        raw["valuation"] = draw(money(8_000_000_000))
    if currency in ("valuation_usd", "both"):
        raw["valuation_usd"] = draw(money(1_200_000_000))
    return raw


@st.composite
def tech_leader(draw: Any) -> dict[str, Any]:
    return {
        "valid_hte_certificate": draw(st.booleans()),
        "operating_revenue": draw(money(800_000_000)),
        "rd_expense": draw(money(40_000_000)),
        "ip_invention_granted": draw(st.integers(0, 30)),
        "rd_platforms_provincial": draw(st.integers(0, 2)),
    }


def check_gap(target: str, evaluator: str, raw: dict[str, Any]) -> None:
    gap = gap_to(target, raw, AS_OF, verify=True).as_dict()
    assert gap["reached"] in (True, False, None)
    for item in leaf_items(gap["items"]):
        assert "暂无自动差距计算" not in item["delta_text"], item["id"]
        assert item["status"] in ("not_met", "unknown")
        if item["status"] == "unknown" and item.get("missing"):
            assert item["achievable"] is None and item["change"] == []
            continue
        if item.get("options"):
            assert item["verified"] is True, item["delta_text"]
            for option in item["options"]:
                if "score_after" in option:  # 科技型中小企业: the option meets the minimum on its own
                    after = changed(raw, option["change"])
                    assert status_of(evaluator, after, item["id"]) is Status.MET
            continue
        if item["change"]:
            assert item["verified"] is True, item["delta_text"]
            assert_minimal(evaluator, raw, item)
        else:
            assert item["achievable"] is False or item["id"] == "c7_score", item["id"]
            assert item.get("reason") or item["id"] == "c7_score" or "无法" in item["delta_text"]


@SETTINGS
@given(tech_sme())
def test_tech_sme_gaps_are_exact(raw: dict[str, Any]) -> None:
    check_gap("tech-sme", "tech-sme", raw)


@SETTINGS
@given(high_tech())
def test_high_tech_gaps_are_exact(raw: dict[str, Any]) -> None:
    check_gap("high-tech", "high-tech", raw)


@SETTINGS
@given(eaglet())
def test_eaglet_gaps_are_exact(raw: dict[str, Any]) -> None:
    check_gap("eaglet", "eaglet", raw)


@SETTINGS
@given(gazelle())
def test_gazelle_gaps_are_exact(raw: dict[str, Any]) -> None:
    check_gap("gazelle", "gazelle", raw)


@SETTINGS
@given(unicorn(), st.sampled_from(["seed-unicorn", "potential-unicorn", "unicorn"]))
def test_unicorn_gaps_are_exact(raw: dict[str, Any], target: str) -> None:
    check_gap(target, "unicorn", raw)


@SETTINGS
@given(tech_leader())
def test_tech_leader_gaps_are_exact(raw: dict[str, Any]) -> None:
    check_gap("tech-leader", "tech-leader", raw)


@settings(max_examples=300, deadline=None)
@given(
    st.integers(-(10**6), 10**6),
    st.integers(-50, 50),
    st.integers(-(10**6), 10**6),
    st.integers(0, 3),
    st.sampled_from([">=", ">", "<=", "<"]),
    st.fractions(Fraction(-3), Fraction(3), max_denominator=997),
    st.sampled_from([Fraction(1), Fraction(1, 100)]),
)
def test_solve_finds_the_smallest_step(
    a: int, b: int, c: int, d: int, op: str, t: Fraction, step: Fraction
) -> None:
    coeffs = (Fraction(a), Fraction(b), Fraction(c), Fraction(d))

    def holds(k: Fraction) -> bool:
        den = c + d * k
        if den <= 0:
            return False
        value = (a + b * k) / den
        return {">=": value >= t, ">": value > t, "<=": value <= t, "<": value < t}[op]

    k = solve(coeffs, op, t, step)
    if k is None:
        assert not any(holds(step * n) for n in (1, 10, 10**4, 10**9))
        return
    assert k >= 0 and (k / step).denominator == 1
    assert holds(k)
    if k > 0:
        assert not holds(k - step)
