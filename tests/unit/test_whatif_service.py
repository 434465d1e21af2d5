"""What-if: overrides on top of a firm's inputs, before/after verdicts and the conditions that changed."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest

from innopoints.eligibility.whatif import what_if
from innopoints.errors import UserError

AS_OF = dt.date(2025, 6, 30)
SME = {
    "employees": 50,
    "sci_tech_staff": 12,
    "sales_revenue": 30000000,
    "total_assets": 10000000,
    "rd_expense": 1800000,
    "cost_expense_total": 25000000,
    "ip_class1": 0,
    "ip_class2": 4,
}


def test_lowering_staff_below_ten_percent_flips_the_verdict() -> None:
    result = what_if("tech-sme", SME, {"sci_tech_staff": 4}, AS_OF).as_dict()
    assert result["before"]["qualified"] is True and result["after"]["qualified"] is False
    assert result["before"]["score"] == 86 and result["after"]["score"] == 74
    assert result["verdict_changed"] is True
    changed = {c["id"]: c for c in result["changed_conditions"]}
    assert (
        changed["c5b_staff_nonzero"]["before"] == "met" and changed["c5b_staff_nonzero"]["after"] == "not_met"
    )
    assert changed["c5a_min_score"]["status_changed"] is False  # 86 → 74 is still ≥ 60
    assert (
        changed["c5a_min_score"]["observed_before"] == 86 and changed["c5a_min_score"]["observed_after"] == 74
    )
    assert {f["id"] for f in result["failed_after"]} >= {"c5b_staff_nonzero"}


def test_series_element_override_and_exact_boundary() -> None:
    raw = {
        "registration_date": "2018-01-01",
        "operating_revenue": 10000000,
        "rd_expense": Decimal("299999.99"),
        "employees": 40,
        "sci_tech_staff": 5,
        "ip_class1": 1,
        "ip_class2": 0,
        "tech_sme_or_hte": True,
    }
    result = what_if("eaglet", raw, {"rd_expense": Decimal("300000.00")}, AS_OF).as_dict()
    assert result["before"]["qualified"] is False and result["after"]["qualified"] is True
    gazelle = {
        "registration_date": "2012-01-01",
        "operating_revenue": [20000000, 25000000, 30000000, 30000000],
        "employees": [120, 130, 140, 150],
        "sci_activity_expense": [700000, 800000, 900000, 1000000],
        "largest_venture_investment": 0,
    }
    out = what_if("gazelle", gazelle, {"operating_revenue[-1]": Decimal("34560000.00")}, AS_OF).as_dict()
    assert out["after"]["qualified"] is True and out["before"]["qualified"] is False
    assert out["overrides"] == {"operating_revenue[-1]": Decimal("34560000.00")}


def test_unknown_field_and_bad_index_are_refused() -> None:
    with pytest.raises(UserError, match="未知的字段"):
        what_if("tech-sme", SME, {"rd_expence": 1}, AS_OF)
    with pytest.raises(UserError, match="不是多年数组"):
        what_if("tech-sme", SME, {"rd_expense[0]": 1}, AS_OF)
    with pytest.raises(UserError, match="两位小数"):
        what_if("tech-sme", SME, {"rd_expense": Decimal("1.001")}, AS_OF)
    with pytest.raises(UserError, match="未知的评价"):
        what_if("nope", SME, {"rd_expense": 1}, AS_OF)
