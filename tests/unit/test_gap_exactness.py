"""Exact gaps at the boundaries: the reported change flips the condition, one fen / unit / day less does not."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

import pytest
from gap_support import AS_OF, assert_minimal, changed, leaf_items, status_of

from innopoints.eligibility.gap import gap_for, gap_to
from innopoints.errors import UserError
from innopoints.rules.results import Status

HIGH_TECH: dict[str, Any] = {
    "net_assets": [10000000, 13000000, 18000000],
    "sales_revenue": [20000000, 26000000, Decimal("35000000.50")],
    "rd_expense": [800000, 900000, 1000000],
    "rd_expense_domestic": [500000, 500000, 600000],
    "high_tech_income": 18000000,
    "total_income": 35000000,
    "employees": 100,
    "sci_tech_staff": 8,
    "registration_date": "2024-09-01",
    "ip_class1": 0,
    "ip_class2": 2,
    "ip_acquisition": "transfer",
    "standards": 0,
    "conversions": [1, 2, 1],
    "high_tech_field": "electronic_information",
}
TECH_SME: dict[str, Any] = {
    "employees": 50,
    "sci_tech_staff": 4,
    "sales_revenue": 30000000,
    "total_assets": 10000000,
    "rd_expense": 500000,
    "cost_expense_total": 25000000,
    "ip_class1": 0,
    "ip_class2": 1,
}


def by_id(items: list[dict[str, Any]]) -> dict[str, dict[str, Any]]:
    return {i["id"]: i for i in leaf_items(items)}


def test_high_tech_rd_ratio_rounds_up_to_the_fen() -> None:
    items = by_id(gap_to("high-tech", HIGH_TECH, AS_OF).as_dict()["items"])
    rd = items["c5a_rd_ratio"]
    # Σsales = 81,000,000.50 → 5% = 4,050,000.025 → Σrd must reach 4,050,000.03; Σrd = 2,700,000.
    main = rd["change"][0]
    assert (main["input"], main["index"], main["delta"]) == ("rd_expense", 2, "1350000.03")
    assert rd["change"][1]["input"] == "rd_expense_domestic" and rd["change"][1]["delta"] == "1350000.03"
    assert "135.000003万元" in rd["delta_text"] and rd["achievable"] is True
    assert rd["rule_status"] == "official" and "第十一条第（五）项" in rd["reference"]
    assert any("境内" in a for a in rd["assumptions"])
    assert_minimal("high-tech", HIGH_TECH, rd)


def test_high_tech_staff_income_domestic_and_date() -> None:
    items = by_id(gap_to("high-tech", HIGH_TECH, AS_OF).as_dict()["items"])
    staff = items["c4_staff"]
    assert staff["change"][0]["delta"] == 3 and "再增加 3 人" in staff["delta_text"]  # (8+3)/(100+3) ≥ 10%
    income = items["c6_income"]
    assert income["change"][0]["delta"] == "7500000.00"  # (18M + x)/(35M + x) ≥ 60% → x = 7.5M
    assert (
        "提高到" not in income["delta_text"]
        and "60%" in income["delta_text"]
        and "750万元" in income["delta_text"]
    )
    domestic = items["c5b_domestic_rd"]
    assert domestic["change"][0]["delta"] == "50000.00"  # (1.6M + x)/(2.7M + x) ≥ 0.6
    registration = items["c1_registration"]
    assert registration["achievable_on"] == "2025-09-01" and registration["achievable"] is True
    for item in (staff, income, domestic, registration):
        assert_minimal("high-tech", HIGH_TECH, item)


def test_high_tech_score_lists_moves_and_expert_items() -> None:
    item = by_id(gap_to("high-tech", HIGH_TECH, AS_OF, verify=True).as_dict()["items"])["c7_score"]
    score = item["score"]
    assert score["current"] == [17, 63] and score["must_exceed"] == 70
    assert score["short_for_certain"] == 54 and score["short_at_best"] == 8
    moved = {o["item"] for o in item["options"]}
    assert {"ip.quantity", "ip.acquisition", "ip.standards", "conversion", "growth.sales_revenue"} <= moved
    class1 = next(o for o in item["options"] if o["change"][0]["input"] == "ip_class1")
    assert class1["points_after"] == [7, 8] and class1["change"][0]["delta"] == 1
    conv = [o for o in item["options"] if o["item"] == "conversion"]
    assert [o["change"][0]["delta"] for o in conv] == [2, 5, 8, 11]  # averages 2, 3, 4, 5 over 3 years
    assert {e["item"] for e in score["expert_items"]} >= {"ip.advancement", "rd_management.system"}
    assert item["verified"] is True


def test_tech_sme_score_options_are_minimal_and_alternatives() -> None:
    gap = gap_to("tech-sme", TECH_SME, AS_OF, verify=True).as_dict()
    group = gap["items"][0]
    assert group["kind"] == "any_of" and {o["id"] for o in group["options"]} == {
        "d1_hte_certificate",
        "d2_national_award",
        "d3_provincial_rd_institution",
        "d4_led_standard",
        "c5_score",
    }
    items = by_id(gap["items"])
    score = items["c5a_min_score"]
    assert score["score"]["short"] == 54 and score["verified"] is True
    for option in score["options"]:
        assert status_of("tech-sme", changed(TECH_SME, option["change"]), "c5a_min_score") is Status.MET
        assert option["score_after"] >= 60
    texts = [o["text"] for o in score["options"]]
    assert any("再获得 1 项Ⅰ类知识产权" in t and "70万元" in t for t in texts)  # R&D 4% of 3,000万 = 120万
    nonzero = items["c5b_staff_nonzero"]
    assert nonzero["change"][0]["delta"] == 2  # (4+2)/(50+2) ≥ 10%, (4+1)/51 < 10%
    assert_minimal("tech-sme", TECH_SME, nonzero)


def test_tech_sme_single_table_move_when_enough() -> None:
    firm = dict(TECH_SME, sci_tech_staff=12, ip_class2=4, rd_expense=Decimal("900000.00"))  # 12+20+24 = 56
    score = by_id(gap_to("tech-sme", firm, AS_OF, verify=True).as_dict()["items"])["c5a_min_score"]
    assert all(len(o["tables"]) == 1 for o in score["options"])
    rd = next(o for o in score["options"] if "rd" in o["tables"])
    # 4% of sales 3,000万 = 120万 vs cost route (R + x)/(C + x) ≥ 20%: x = 5.125M; the sales route wins.
    assert rd["change"][0]["delta"] == "300000.00" and rd["score_after"] == 66
    assert rd["change"][1]["input"] == "cost_expense_total"
    ip = next(o for o in score["options"] if "ip" in o["tables"])
    assert ip["change"][0]["input"] == "ip_class1" and ip["score_after"] == 62
    assert score["verified"] is True


def test_eaglet_age_limit_is_not_achievable_and_unknowns_list_data() -> None:
    raw = {
        "registration_date": "2010-03-01",
        "operating_revenue": 10000000,
        "rd_expense": 200000,
        "employees": 40,
        "sci_tech_staff": 5,
        "ip_class1": None,
        "ip_class2": 0,
        "tech_sme_or_hte": True,
    }
    items = by_id(gap_to("eaglet", raw, AS_OF).as_dict()["items"])
    age = items["e1_age"]
    assert age["achievable"] is False and "2020-03-01" in age["reason"]
    assert (
        items["e3_rd"]["change"][0]["delta"] == "100000.00"
        and items["e3_rd"]["rule_status"] == "regional_default"
    )
    assert_minimal("eaglet", raw, items["e3_rd"])
    ip = items["e5_ip"]
    assert ip["status"] == "unknown" and ip["achievable"] is None
    assert ip["missing"] == [{"input": "ip_class1", "name": "Ⅰ类知识产权数"}]


def test_gazelle_strict_and_multiple_boundaries() -> None:
    raw = {
        "registration_date": "2012-01-01",
        "operating_revenue": [20000000, 25000000, 30000000, 30000000],
        "employees": [120, 130, 140, 150],
        "sci_activity_expense": [400000, 500000, 600000, 700000],
        "largest_venture_investment": 5000000,
    }
    items = by_id(gap_to("gazelle", raw, AS_OF).as_dict()["items"])
    assert items["c1c_last_year"]["change"][0]["delta"] == "0.01"  # strictly more than last year
    assert items["c1a_cagr"]["change"][0]["delta"] == "4560000.00"  # 20M × 1.728 = 34.56M
    assert "c1b_base" not in items and "c2b_base" not in items  # met conditions are no gap
    assert items["c2a_cagr"]["change"][0]["delta"] == 114  # ceil(120 × 2.197) = 264 = 150 + 114
    assert items["c3_venture"]["change"][0]["to"] == "10000000.00"
    for key in ("c1c_last_year", "c1a_cagr", "c2a_cagr", "c2c_last_year", "c3_venture", "g_rd"):
        if key in items:
            assert_minimal("gazelle", raw, items[key])


def test_unicorn_valuation_in_the_given_currency() -> None:
    raw = {"registration_date": "2022-01-01", "valuation_usd": 30000000, "professional_investment": True}
    gap = gap_to("seed-unicorn", raw, AS_OF).as_dict()
    item = by_id(gap["items"])["s_valuation"]
    main = item["change"][0]
    assert main["input"] == "valuation_usd" and item["unit"] == "元"
    assert "万美元" in item["delta_text"]
    assert_minimal("unicorn", raw, item)


def test_ladder_report_stage_next_and_missing_rung_inputs() -> None:
    sme = dict(TECH_SME, sci_tech_staff=12, rd_expense=1800000, ip_class2=4)
    report = gap_for({"tech-sme": sme}, AS_OF).as_dict()
    assert report["highest"]["id"] == "tech_sme" and report["next"]["id"] == "high_tech_enterprise"
    gap = report["gap"]
    assert gap["items"] == [] and {m["input"] for m in gap["missing_inputs"]} >= {
        "sales_revenue",
        "rd_expense",
    }
    report = gap_for({"tech-sme": sme, "high-tech": HIGH_TECH}, AS_OF).as_dict()
    assert report["gap"]["rung"] == "high_tech_enterprise" and report["gap"]["reached"] is False


def test_unknown_target_is_a_user_error() -> None:
    with pytest.raises(UserError, match="目标梯度"):
        gap_to("innovative-sme", {}, AS_OF)


def test_fixed_conditions_are_explained() -> None:
    raw = dict(TECH_SME, mainland_resident=False, employees=520, sci_tech_staff=60)
    items = by_id(gap_to("tech-sme", raw, dt.date(2025, 6, 30)).as_dict()["items"])
    assert (
        items["c1_mainland_resident"]["achievable"] is False and items["c1_mainland_resident"]["change"] == []
    )
    size = items["c2a_employees"]
    assert size["change"][0]["delta"] == -20 and size["achievable"] is False
    assert_minimal("tech-sme", raw, size)
