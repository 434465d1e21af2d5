"""Policy matching, table-driven: met / not met / unknown with reasons, references and exact amounts;
the vectorised city plan must agree with the single-firm evaluator on every case."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

import polars as pl
import pytest

from innopoints.policy.batch import match_city
from innopoints.policy.library import get_policy, load_library
from innopoints.policy.single import match_one
from innopoints.rules.results import Status

AS_OF = dt.date(2026, 6, 30)
BASE: dict[str, Any] = {
    "uscc": "X",
    "name": "测试企业",
    "district": "210112",
    "cluster": "new_materials",
    "age_years": 2,
    "tech_sme_valid": True,
    "high_tech_valid": False,
    "ladder_tier_valid": False,
    "stage": "startup",
    "ladder_stage": "tech_sme",
    "points": 45_000,  # hundredths: 450.00 分
    "top20": False,
    "rd_expense": 80_000_000,  # fen: 800,000.00 元
    "operating_revenue": 300_000_000,
    "high_level_talents": 0,
    "ip_invention_granted": 2,
    "contract_turnover": 0,
    "negative_active": False,
}

# (policy, changes to BASE, expected status, text that must appear in the reasons)
CASES = [
    ("rd_expense_subsidy", {}, Status.MET, "满足全部条件"),
    (
        "rd_expense_subsidy",
        {"stage": "growth"},
        Status.NOT_MET,
        "须为初创期企业（积分评价批次的阶段判定）（当前：成长期）",
    ),
    ("rd_expense_subsidy", {"rd_expense": 0}, Status.NOT_MET, "上年度研发费用须大于 0 元（当前：0 元）"),
    ("rd_expense_subsidy", {"rd_expense": None}, Status.UNKNOWN, "缺少 上年度研发费用（rd_expense）"),
    ("rd_expense_subsidy", {"stage": None}, Status.UNKNOWN, "缺少 企业发展阶段（积分评价批次）（stage）"),
    (
        "rd_expense_subsidy",
        {"stage": None, "negative_active": True},
        Status.NOT_MET,
        "不得存在未移出的负面记录",
    ),
    (
        "incubation_space",
        {},
        Status.UNKNOWN,
        "缺少 入驻孵化载体（孵化器/众创空间）信息（incubator_resident）",
    ),
    ("incubation_space", {"age_years": 3}, Status.NOT_MET, "成立不满 3 年（当前：3 年）"),
    (
        "capital_market",
        {"stage": "growth", "high_tech_valid": True, "points": 50_000},
        Status.MET,
        "满足全部条件",
    ),
    (
        "capital_market",
        {"stage": "growth", "high_tech_valid": True, "points": 49_999},
        Status.NOT_MET,
        "创新积分不低于 500 分（当前：499.99 分）",
    ),
    (
        "capital_market",
        {"stage": "growth", "points": 60_000},
        Status.NOT_MET,
        "须为高新技术企业或雏鹰/瞪羚/独角兽/科技领军企业之一",
    ),
    (
        "capital_market",
        {"stage": "growth", "ladder_tier_valid": True, "points": None},
        Status.UNKNOWN,
        "缺少 创新积分（积分评价批次）（points）",
    ),
    (
        "market_channel",
        {"stage": "growth", "operating_revenue": 1_000_000_000},
        Status.UNKNOWN,
        "market_channel_plan",
    ),
    (
        "market_channel",
        {"stage": "growth", "operating_revenue": 999_999_999},
        Status.NOT_MET,
        "不低于 1000 万元（当前：9999999.99 元）",
    ),
    ("talent_loan", {"high_level_talents": 1}, Status.MET, "满足全部条件"),
    (
        "talent_loan",
        {"high_level_talents": 1, "tech_sme_valid": False},
        Status.NOT_MET,
        "须为科技型中小企业或高新技术企业",
    ),
    ("talent_loan", {"high_level_talents": None}, Status.UNKNOWN, "high_level_talents"),
    ("rd_loan", {"rd_expense": 100_000_000}, Status.MET, "满足全部条件"),
    ("rd_loan", {"rd_expense": 99_999_999}, Status.NOT_MET, "上年度研发费用不低于 100 万元"),
    ("ip_pledge", {"ip_invention_granted": 0}, Status.NOT_MET, "有效发明专利不少于 1 项（当前：0 项）"),
    ("tech_contract_subsidy", {"contract_turnover": 100_000_000}, Status.MET, "满足全部条件"),
    ("tech_contract_subsidy", {"contract_turnover": 99_999_999}, Status.NOT_MET, "（当前：999999.99 元）"),
    ("pilot_support", {"cluster": "unknown_cluster"}, Status.NOT_MET, "所属产业集群须在中试服务覆盖范围内"),
    ("pilot_support", {}, Status.UNKNOWN, "pilot_project_plan"),
    ("points_credit", {"points": 60_000}, Status.MET, "满足全部条件"),
    ("points_credit", {"top20": True}, Status.MET, "满足全部条件"),
    ("points_credit", {"top20": None, "points": None}, Status.UNKNOWN, "points"),
    ("points_credit", {"top20": None, "points": 60_000}, Status.MET, "满足全部条件"),
    ("points_credit", {"points": 59_999}, Status.NOT_MET, "积分不低于 600 分或位列同类前 20%"),
]


def _row(changes: dict[str, Any]) -> dict[str, Any]:
    return {**BASE, **changes}


@pytest.mark.parametrize(("policy_id", "changes", "status", "reason"), CASES)
def test_single_firm_status_and_reason(
    policy_id: str, changes: dict[str, Any], status: Status, reason: str
) -> None:
    match = match_one(get_policy(policy_id), _row(changes), AS_OF)
    assert match.status is status
    assert any(reason in r for r in match.reasons), match.reasons
    assert "辽宁日报2026-01-29" in match.references[0]
    if status is Status.UNKNOWN:
        assert match.missing
    else:
        assert match.missing == []


def test_batch_plan_agrees_with_single_evaluator_on_every_case() -> None:
    rows = [_row(changes) | {"uscc": f"C{i}"} for i, (_, changes, _, _) in enumerate(CASES)]
    frame = pl.DataFrame(rows, schema_overrides={"points": pl.Int64, "rd_expense": pl.Int64})
    statuses = match_city(load_library(), frame, AS_OF)
    for i, row in enumerate(rows):
        for policy in load_library():
            single = match_one(policy, row, AS_OF).status.value
            assert statuses[policy.id][i] == single, (policy.id, CASES[i])


@pytest.mark.parametrize(
    ("base_fen", "amount"),
    [
        (80_000_000, Decimal("80000.00")),  # 10% of 800,000 元
        (500_000_000, Decimal("500000")),  # exactly at the 50 万元 cap
        (500_000_100, Decimal("500000")),  # above: capped
        (123_457, Decimal("123.46")),  # 10% of 1,234.57 元 = 123.457 → 123.46 元
    ],
)
def test_rate_benefit_is_exact_and_capped(base_fen: int, amount: Decimal) -> None:
    match = match_one(get_policy("rd_expense_subsidy"), _row({"rd_expense": base_fen}), AS_OF)
    assert match.amount_yuan == amount


def test_not_met_has_no_amount_and_flat_benefit_is_its_cap() -> None:
    policy = get_policy("talent_loan")
    assert match_one(policy, _row({}), AS_OF).amount_yuan is None
    assert match_one(policy, _row({"high_level_talents": 3}), AS_OF).amount_yuan == Decimal(5_000_000)


def test_library_covers_the_article_support_and_marks_examples() -> None:
    names = {p.meta.name.zh for p in load_library()}
    for wanted in (
        "研发费用补贴",
        "孵化场地支持",
        "资本市场对接",
        "市场渠道拓展",
        "人才贷",
        "研发贷",
        "知识产权质押融资",
        "技术合同补贴",
        "概念验证与中试支持",
        "创新积分授信",
    ):
        assert wanted in names
    for p in load_library():
        if p.meta.benefit.max_amount is not None:
            assert p.meta.benefit.amount_status == "example"
