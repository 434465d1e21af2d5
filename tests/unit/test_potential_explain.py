"""Chinese factor texts: level words against the training median, units and signs."""

from __future__ import annotations

import math

from innopoints.potential.explain import describe, format_value


def test_growth_ratio_money_and_counts_are_worded_with_units() -> None:
    assert describe("revenue_growth_2y", 0.35, 0.10, {}) == "近两年营业收入增速（年均）较高（+35%）"
    assert describe("revenue_growth_1y", -0.05, 0.10, {}) == "上年营业收入增速较低（-5%）"
    assert describe("rd_intensity", 0.082, 0.03, {}) == "研发投入强度（研发费用/营业收入）较高（8.2%）"
    raw = {"operating_revenue": 39_500_000.0, "employees": 216.0}
    assert describe("log_revenue", math.log1p(39_500_000.0), 10.0, raw) == "营业收入规模较大（3,950.0万元）"
    assert describe("log_employees", math.log1p(216.0), 3.0, raw) == "职工人数规模较大（216人）"
    assert describe("age_years", 3.0, 6.0, {}) == "企业年龄较短（3年）"
    assert describe("venture_rounds", 2.0, 0.0, {}) == "累计创投轮次较多（2轮）"
    assert describe("in_park", 1.0, 0.0, {}) == "位于重点园区"
    assert describe("in_park", 0.0, 0.0, {}) == "不位于重点园区"
    assert describe("leverage", float("nan"), 0.5, {}) == "资产负债率无数据"
    assert format_value("log_largest_investment", 0.0, {"largest_venture_investment": 2.5e8}) == "2.50亿元"
