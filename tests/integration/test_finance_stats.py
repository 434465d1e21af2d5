"""Financing statistics: exact sums by group and year, the points-credit share and the published 25亿元
comparison, approval times in calendar and working days; and the same on a loaded synthetic city with a
real scoring round (ladder stages from the round)."""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from pathlib import Path

import polars as pl
import pytest
from finance_world import NOW, World, build_world

from innopoints.adapters.db.engine import unit_of_work
from innopoints.adapters.db.tables import Loan
from innopoints.bootstrap import Container
from innopoints.errors import UserError
from innopoints.finance.access import cli_actor
from innopoints.finance.stats import financing_stats
from innopoints.scoring.rulebook import load_points
from innopoints.scoring.service import run_db_round
from innopoints.synth.city import SynthConfig, generate_city
from innopoints.synth.db_writer import load_city

WAN = 1_000_000


def _loan(
    world: World,
    firm: int,
    bank: int,
    product: str,
    kind: str,
    amount: int,
    status: str,
    applied: date,
    decided: date | None,
    disbursed: date | None,
) -> Loan:
    return Loan(
        bank_id=bank,
        enterprise_id=firm,
        product_id=product,
        product_type=kind,
        amount_fen=amount,
        status=status,
        applied_on=applied,
        decided_on=decided,
        disbursed_on=disbursed,
    )


@pytest.fixture
def world(container: Container) -> World:
    w = build_world(container)
    with unit_of_work(container.sessions) as s:
        s.add_all(
            [
                # Monday → Thursday: 3 days, 3 working days
                _loan(
                    w,
                    w.firm_a,
                    w.bank1,
                    "kechuang_fendai",
                    "points_credit",
                    300 * WAN + 1,
                    "repaid",
                    date(2024, 3, 4),
                    date(2024, 3, 7),
                    date(2024, 3, 11),
                ),
                # Friday → next Friday: 7 days, 5 working days
                _loan(
                    w,
                    w.firm_b,
                    w.bank2,
                    "ip_pledge",
                    "ip_pledge",
                    200 * WAN,
                    "disbursed",
                    date(2025, 5, 9),
                    date(2025, 5, 16),
                    date(2025, 5, 20),
                ),
                _loan(
                    w,
                    w.firm_c,
                    w.bank1,
                    "shengkedai",
                    "points_credit",
                    150 * WAN,
                    "defaulted",
                    date(2025, 1, 6),
                    date(2025, 1, 7),
                    date(2025, 1, 9),
                ),
                _loan(
                    w,
                    w.firm_b,
                    w.bank1,
                    "rd_loan",
                    "rd",
                    80 * WAN,
                    "rejected",
                    date(2025, 6, 2),
                    date(2025, 6, 12),
                    None,
                ),
                _loan(
                    w,
                    w.firm_a,
                    w.bank1,
                    "liaokedai",
                    "points_credit",
                    90 * WAN,
                    "applied",
                    date(2025, 12, 1),
                    None,
                    None,
                ),
            ]
        )
    return w


def test_sums_by_product_and_year_are_exact(container: Container, world: World) -> None:
    with container.sessions.begin() as s:
        stats = financing_stats(s, cli_actor("test"), container.region, by="product", now=NOW)
    rows = {(r["year"], r["key"]): r for r in stats.rows}
    assert set(rows) == {(2024, "kechuang_fendai"), (2025, "ip_pledge"), (2025, "shengkedai")}
    assert rows[(2024, "kechuang_fendai")]["amount_fen"] == 300 * WAN + 1
    assert rows[(2024, "kechuang_fendai")]["label"] == "科创分贷"
    assert rows[(2025, "ip_pledge")]["share_of_year"] == Decimal("0.5714")  # 200 / 350
    assert stats.financed_fen == 650 * WAN + 1 and stats.financed_loans == 3
    assert stats.points_based_fen == 450 * WAN + 1
    assert stats.points_share == (Decimal(450 * WAN + 1) / Decimal(650 * WAN + 1)).quantize(Decimal("0.0001"))
    assert stats.published_fen == 2_500_000_000 * 100
    assert stats.points_based_cumulative_fen == 450 * WAN + 1
    assert stats.status_counts == {"applied": 1, "defaulted": 1, "disbursed": 1, "rejected": 1, "repaid": 1}
    a = stats.approval
    assert a.decided == 4  # the rejected one counts; the open one does not
    assert a.median_days == Decimal("5.0")  # days 3, 7, 1, 10
    assert a.median_working_days == Decimal("4.0")  # working days 3, 5, 1, 8
    assert a.within_fast == Decimal("0.5000")


@pytest.mark.parametrize(
    ("by", "expected"),
    [
        ("bank", {"盛京银行测试支行": 450 * WAN + 1, "沈阳农商银行测试支行": 200 * WAN}),
        ("district", {"浑南区": 450 * WAN + 1, "铁西区": 200 * WAN}),
        ("cluster", {"机器人及智能制造": 650 * WAN + 1}),
        ("stage", {"高新技术企业": 650 * WAN + 1}),  # every firm's ladder stage in the world's round
    ],
)
def test_other_groupings(container: Container, world: World, by: str, expected: dict[str, int]) -> None:
    with container.sessions.begin() as s:
        stats = financing_stats(s, cli_actor("test"), container.region, by=by, now=NOW)
    totals: dict[str, int] = {}
    for r in stats.rows:
        totals[r["label"]] = totals.get(r["label"], 0) + r["amount_fen"]
    assert totals == expected


def test_year_filter_and_scope(container: Container, world: World) -> None:
    with container.sessions.begin() as s:
        year = financing_stats(s, cli_actor("test"), container.region, year=2025, now=NOW)
        assert {r["year"] for r in year.rows} == {2025} and year.financed_fen == 350 * WAN
        assert year.points_based_cumulative_fen == 450 * WAN + 1  # the published comparison stays cumulative
        officer = financing_stats(s, world.actor(world.district_officer), container.region, now=NOW)
        assert officer.financed_fen == 450 * WAN + 1  # firms A and C are in 浑南区
        with pytest.raises(UserError, match="参数 by"):
            financing_stats(s, cli_actor("test"), container.region, by="colour", now=NOW)


def test_a_synthetic_city_with_a_real_round(container: Container, tmp_path: Path) -> None:
    city = generate_city(SynthConfig(seed=5, enterprises=800))
    load_city(container.engine, city)
    run_db_round(container.sessions, tmp_path, "shenyang", 2025, load_points("shenyang"))
    with container.sessions.begin() as s:
        stats = financing_stats(s, cli_actor("test"), container.region, by="stage", now=NOW)
    loans = city.tables["loan"]
    financed = loans.filter(pl.col("disbursed_on").is_not_null())
    assert stats.financed_fen == financed["amount_fen"].sum()
    points = financed.filter(pl.col("product_type") == "points_credit")["amount_fen"].sum()
    assert stats.points_based_cumulative_fen == points == round(2_500_000_000 * 100 * 800 / 30083 / WAN) * WAN
    labels = {r["label"] for r in stats.rows}
    assert labels and labels <= {
        "科技领军企业",
        "独角兽企业",
        "潜在独角兽",
        "种子独角兽",
        "瞪羚企业",
        "雏鹰企业",
        "高新技术企业",
        "科技型中小企业",
        "未入梯度",
        "未评价",
    }
    assert sum(stats.status_counts.values()) == loans.height
    assert stats.approval.decided > 0 and stats.approval.median_working_days is not None
