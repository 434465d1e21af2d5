"""Consistency of the eligibility rulebooks with their evaluators, and the ladder helper."""

from __future__ import annotations

import datetime as dt

from innopoints.eligibility.ladder import ladder
from innopoints.eligibility.registry import run
from innopoints.eligibility.rulebooks import rulebook

AS_OF = dt.date(2025, 6, 30)


def test_tech_sme_band_maxima_equal_declared_weights() -> None:
    book = rulebook("national/tech_sme.yaml")
    weights = book.resolve("score_weights", AS_OF).value
    top = {
        pid: max(b.points[1] for b in book.resolve(pid, AS_OF).bands or () if b.points)
        for pid in (
            "staff_ratio_points",
            "rd_sales_ratio_points",
            "rd_cost_ratio_points",
            "ip_class1_points",
            "ip_class2_points",
        )
    }
    assert top["staff_ratio_points"] == weights["staff"]
    assert top["rd_sales_ratio_points"] == top["rd_cost_ratio_points"] == weights["rd"]
    assert max(top["ip_class1_points"], top["ip_class2_points"]) == weights["ip"]


def test_high_tech_blocks_match_weights() -> None:
    book = rulebook("national/high_tech.yaml")
    weights = book.resolve("score_weights", AS_OF).value
    conversion = max(b.points[1] for b in book.resolve("conversion_points", AS_OF).bands or () if b.points)
    growth = book.resolve("growth_items", AS_OF).value
    assert conversion == weights["conversion"]
    assert sum(growth.values()) == weights["growth"]
    assert sum(book.resolve("rd_management_items", AS_OF).value.values()) == weights["rd_management"]


def test_every_condition_exposes_observed_threshold_and_op_for_gap_analysis() -> None:
    verdict = run(
        "gazelle",
        {
            "registration_date": "2015-01-01",
            "operating_revenue": [1, 2, 3, 4],
            "sci_activity_expense": [0, 0, 0, 0],
        },
        AS_OF,
    )
    rd = next(c for c in verdict.conditions if c.id == "g_rd").as_dict()
    assert (
        rd["op"] == ">="
        and rd["threshold"]
        == rulebook("liaoning/gazelle.yaml").resolve("min_sci_activity_ratio", AS_OF).value
        and rd["observed"] == 0
    )


def test_ladder_reports_highest_rung_and_next() -> None:
    firm = {
        "tech-sme": {
            "employees": 50,
            "sci_tech_staff": 12,
            "sales_revenue": 30000000,
            "total_assets": 10000000,
            "rd_expense": 1800000,
            "cost_expense_total": 25000000,
            "ip_class1": 0,
            "ip_class2": 4,
        },
        "eaglet": {
            "registration_date": "2018-03-01",
            "operating_revenue": 30000000,
            "rd_expense": 1800000,
            "employees": 50,
            "sci_tech_staff": 12,
            "ip_class1": 0,
            "ip_class2": 4,
            "tech_sme_or_hte": True,
        },
        "gazelle": {
            "registration_date": "2018-03-01",
            "operating_revenue": [20000000, 22000000, 25000000, 30000000],
            "employees": [40, 45, 48, 50],
            "sci_activity_expense": [1000000, 1000000, 1500000, 1800000],
            "largest_venture_investment": 0,
        },
    }
    result = ladder(firm, AS_OF)
    assert result["highest"] == {"id": "eaglet", "name": "雏鹰企业"}
    assert result["next"]["id"] == "gazelle"
    rungs = {r["id"]: r["reached"] for r in result["rungs"]}
    assert rungs["tech_sme"] is True and rungs["gazelle"] is False and rungs["high_tech_enterprise"] is None
