"""Bank-side evaluation and credit lines on one firm's facts: band boundaries (exact, in fen), missing and
undefined values, and the credit-line formula with its inputs, caps, uplift and rounding (table-driven)."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

import pytest

from innopoints.finance.dimensions import evaluate_dimensions
from innopoints.finance.evaluate import evaluate_row
from innopoints.finance.evaluation_book import load_evaluation_book
from innopoints.finance.facts import RoundInfo
from innopoints.rules.results import Status

AS_OF = dt.date(2026, 3, 2)
RND = RoundInfo(1, 2025, dt.datetime(2026, 1, 10, tzinfo=dt.UTC), "test")
WAN = 1_000_000  # fen

# 成长期, 2,000万元 revenue (fen), 748 points, on no list: the 龙岩 calibration case.
BASE: dict[str, Any] = {
    "enterprise_id": 1,
    "uscc": "TEST",
    "name": "测试企业",
    "district": "210112",
    "cluster": "robotics",
    "points": 74800,
    "percentile": 9000,
    "stage": "growth",
    "ladder_stage": "high_tech_enterprise",
    "top5": False,
    "top10": False,
    "top20": False,
    "peer_rank": 3,
    "tech_sme_qualified": True,
    "age_years": 7,
    "operating_revenue": 2_000_000_000,
    "operating_revenue_prev": 1_500_000_000,
    "rd_expense": 120_000_000,
    "total_assets": 3_000_000_000,
    "total_liabilities": 1_200_000_000,
    "net_profit": 200_000_000,
    "tax_paid": 80_000_000,
    "equity_financing": 0,
    "tech_contract_turnover": 50_000_000,
    "employees": 80,
    "rd_staff": 20,
    "sci_tech_staff": 30,
    "high_level_talents": 2,
    "venture_rounds": 0,
    "ip_invention_granted": 4,
    "rd_platforms": 1,
    "negative_active": False,
    "negative_count": 0,
    "loan_defaults": 0,
}


def _indicator(row: dict[str, Any], ind_id: str) -> Any:
    result = evaluate_dimensions(load_evaluation_book(), row, AS_OF)
    for dim in result.dimensions:
        for ind in dim.indicators:
            if ind.id == ind_id:
                return ind
    raise KeyError(ind_id)


@pytest.mark.parametrize(
    ("indicator", "changes", "score", "value"),
    [
        # R&D intensity: 3% is the lower bound of the 75 band, exact in fen
        ("rd_intensity", {"rd_expense": 60_000_000}, 75, Decimal(3)),
        ("rd_intensity", {"rd_expense": 59_999_999}, 50, None),
        ("rd_intensity", {"rd_expense": 200_000_000}, 100, Decimal(10)),
        # debt ratio: 55% starts the 50 band (工信部 55%/75% split), 54.99…% is still 80
        ("debt_ratio", {"total_liabilities": 1_650_000_000}, 50, Decimal(55)),
        ("debt_ratio", {"total_liabilities": 1_649_999_999}, 80, None),
        ("debt_ratio", {"total_liabilities": 3_000_000_000}, 0, Decimal(100)),
        # net margin below zero scores 0; exactly 0 is in the 50 band
        ("net_margin", {"net_profit": -1}, 0, None),
        ("net_margin", {"net_profit": 0}, 50, Decimal(0)),
        # growth: +20% exactly is the 90 band
        ("revenue_growth", {"operating_revenue": 1_800_000_000}, 90, Decimal(20)),
        ("revenue_growth", {"operating_revenue": 1_500_000_000}, 50, Decimal(0)),
        ("revenue_growth", {"operating_revenue": 1_499_999_999}, 20, None),
        # counts and money bands
        ("invention_patents", {"ip_invention_granted": 0}, 0, 0),
        ("invention_patents", {"ip_invention_granted": 10}, 100, 10),
        ("contract_turnover", {"tech_contract_turnover": 0}, 0, Decimal(0)),
        ("contract_turnover", {"tech_contract_turnover": 1}, 40, Decimal("0.01")),
        ("contract_turnover", {"tech_contract_turnover": 100_000_000}, 70, Decimal(1_000_000)),
        ("negative_records", {"negative_count": 1}, 0, 1),
        ("loan_defaults", {"loan_defaults": 0}, 100, 0),
        ("firm_age", {"age_years": 10}, 100, 10),
        ("ladder_tier", {"ladder_stage": "gazelle"}, 80, "gazelle"),
        ("ladder_tier", {"ladder_stage": "none"}, 0, "none"),
    ],
)
def test_indicator_bands_are_exact_at_the_boundary(
    indicator: str, changes: dict[str, Any], score: int, value: Any
) -> None:
    ind = _indicator({**BASE, **changes}, indicator)
    assert ind.score == score
    if value is not None:
        assert ind.value == value
    assert not ind.missing


@pytest.mark.parametrize(
    ("indicator", "changes", "missing", "note"),
    [
        ("rd_intensity", {"rd_expense": None}, ["rd_expense"], None),
        ("rd_intensity", {"operating_revenue": 0}, [], "分母为 0"),
        ("revenue_growth", {"operating_revenue_prev": 0}, [], "上年值不大于 0"),
        ("revenue_growth", {"operating_revenue_prev": None}, ["operating_revenue_prev"], None),
        ("venture_rounds", {"venture_rounds": None}, ["venture_rounds"], None),
    ],
)
def test_missing_or_undefined_indicators_score_zero_and_say_why(
    indicator: str, changes: dict[str, Any], missing: list[str], note: str | None
) -> None:
    ind = _indicator({**BASE, **changes}, indicator)
    assert ind.score == 0 and ind.value is None
    assert ind.missing == missing
    if note:
        assert ind.note is not None and note in ind.note


def test_dimension_and_composite_scores_are_exact_weighted_sums() -> None:
    result = evaluate_dimensions(load_evaluation_book(), BASE, AS_OF)
    by_id = {d.id: d for d in result.dimensions}
    assert [d.name for d in result.dimensions] == [
        "科技创新力",
        "团队研发力",
        "融资竞争力",
        "履约能力",
        "偿债能力",
    ]
    innovation = by_id["innovation"]
    expected = sum(Decimal(i.score) * i.weight / 100 for i in innovation.indicators)
    assert innovation.score == expected == Decimal("78.75")
    composite = sum(d.score * d.weight / 100 for d in result.dimensions)
    assert result.composite == composite
    assert isinstance(result.composite, Decimal)
    kinds = {e["kind"] for e in result.evaluation.trace}
    assert {"input", "intermediate", "parameter", "lookup"} <= kinds


def _line(row: dict[str, Any], product: str) -> Any:
    for r in evaluate_row(row, RND, AS_OF).products:
        if r.product.id == product:
            return r
    raise KeyError(product)


@pytest.mark.parametrize(
    ("changes", "product", "amount_wan"),
    [
        ({}, "kechuang_fendai", 300),  # 250万 × 1.2 × 1.0: the calibration case
        ({"top20": True}, "shengkedai", 315),  # +5%
        ({"top10": True, "top20": True}, "shengkedai", 330),  # +10%: the highest list wins
        ({"top5": True, "top10": True, "top20": True}, "shengkedai", 345),  # +15% (龙岩: "up to 15%")
        ({"top5": True, "top10": True, "top20": True}, "kechuang_fendai", 300),  # 科创分贷 is capped at 300万
        ({"points": 70000}, "shengkedai", 300),  # 700 is the lower bound of the 1.2 band
        ({"points": 69999}, "shengkedai", 250),  # 699.99 → 1.0
        ({"operating_revenue": 3_000_000_000}, "shengkedai", 480),  # 3,000万 starts the 400万 base
        ({"operating_revenue": 2_999_999_999}, "shengkedai", 300),
        ({"stage": "stable", "operating_revenue": 50_000_000_000}, "kechuang_fendai", 300),  # product cap
        ({"stage": "stable", "operating_revenue": 50_000_000_000}, "shengkedai", 960),  # 800万 × 1.2
        ({}, "ip_pledge", 250),  # standard formula: no points factor, no uplift
        ({}, "talent_loan", 200),  # product factor 0.8
        ({"top5": True}, "rd_loan", 250),  # standard formula ignores lists
    ],
)
def test_credit_line_formula(changes: dict[str, Any], product: str, amount_wan: int) -> None:
    result = _line({**BASE, **changes}, product)
    assert result.eligibility.status is Status.MET
    assert result.line.status == "suggested"
    assert result.line.amount_fen == amount_wan * WAN


def test_credit_line_shows_every_input_step_and_reference() -> None:
    line = _line(BASE, "kechuang_fendai").line
    inputs = {i["id"]: i for i in line.inputs}
    assert {
        "stage",
        "operating_revenue",
        "points",
        "top5",
        "top10",
        "top20",
        "composite_score",
        "product_share",
        "product_max",
    } <= set(inputs)
    assert (
        inputs["operating_revenue"]["value"] == Decimal(20_000_000)
        and inputs["operating_revenue"]["unit"] == "元"
    )
    assert inputs["points"]["value"] == Decimal(748)
    steps = {s["id"]: s for s in line.steps}
    assert (
        steps["credit_base"]["value"] == Decimal(2_500_000)
        and steps["credit_base"]["parameter"] == "base_growth"
    )
    assert (
        steps["credit_points_factor"]["value"] == Decimal("1.2")
        and steps["credit_points_factor"]["band"] == "[700, 800)"
    )
    assert steps["credit_uplift"]["value"] == 0 and "未进入榜单" in steps["credit_uplift"]["band"]
    for step in (
        "credit_base",
        "credit_points_factor",
        "credit_score_factor",
        "credit_uplift",
        "credit_rounded",
        "formula_cap",
    ):
        assert steps[step]["reference"] and steps[step]["rule_status"] in ("regional_default", "unverified")
    assert line.rulebook["file"] == "bank_evaluation.yaml" and len(line.rulebook["sha256"]) == 64
    assert line.product_rulebook["id"] == "kechuang_fendai"
    assert "积分系数" in line.formula_text


def test_floor_to_the_rounding_unit_never_rounds_up() -> None:
    # 100万 × 0.5 (300.01 points) × 1.05 (top 20%) = 52.5万 before rounding: floored to whole 万元
    row = {**BASE, "stage": "startup", "operating_revenue": 300_000_000, "points": 30001, "top20": True}
    line = _line(row, "kechuang_fendai").line
    steps = {s["id"]: s["value"] for s in line.steps}
    raw = steps["credit_raw"]
    assert steps["credit_rounded"] == (raw // 10_000) * 10_000 <= raw
    assert line.formula_amount_fen == int(steps["credit_rounded"]) * 100


@pytest.mark.parametrize(
    ("changes", "product", "status", "line_status"),
    [
        ({"points": 29999}, "kechuang_fendai", Status.NOT_MET, "not_eligible"),  # < 450 and no list
        (
            {"points": 29999, "top20": True},
            "kechuang_fendai",
            Status.MET,
            "zero",
        ),  # eligible by rank, factor 0
        ({"negative_active": True, "negative_count": 1}, "kechuang_fendai", Status.NOT_MET, "not_eligible"),
        ({"operating_revenue": None}, "rd_loan", Status.MET, "unknown"),  # eligible, line needs revenue
        ({"ladder_stage": "tech_sme"}, "shengkedai", Status.NOT_MET, "not_eligible"),
        ({"stage": "stable"}, "liaokedai", Status.NOT_MET, "not_eligible"),
        ({}, "equity_direct", Status.NOT_MET, "not_applicable"),
        ({"ladder_stage": "gazelle"}, "equity_direct", Status.MET, "not_applicable"),
    ],
)
def test_eligibility_decides_whether_a_line_is_suggested(
    changes: dict[str, Any], product: str, status: Status, line_status: str
) -> None:
    result = _line({**BASE, **changes}, product)
    assert result.eligibility.status is status
    assert result.line.status == line_status
    if line_status != "suggested":
        assert result.line.amount_fen is None or result.line.amount_fen == 0
    if status is Status.NOT_MET:
        assert result.eligibility.reasons and result.eligibility.references


def test_not_eligible_still_shows_the_formula_amount_for_reference() -> None:
    result = _line({**BASE, "negative_active": True, "negative_count": 1}, "kechuang_fendai")
    assert result.line.amount_fen is None
    assert result.line.formula_amount_fen == 300 * WAN
    assert any("不符合产品准入条件" in r for r in result.line.reasons)


def test_minimum_amount_turns_a_small_line_into_zero() -> None:
    # 盛科贷 starts at 50万: a start-up with tiny revenue (base 50万) × 0.7 (400 points) = 35万 → 0
    row = {
        **BASE,
        "stage": "startup",
        "operating_revenue": 10_000_000,
        "points": 40000,
        "ladder_stage": "gazelle",
    }
    row["operating_revenue_prev"] = 10_000_000
    result = _line(row, "shengkedai")
    assert result.eligibility.status is Status.MET
    assert result.line.amount_fen == 0 and result.line.status == "zero"
    assert any("最低额度" in r for r in result.line.reasons)
