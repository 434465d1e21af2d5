"""Year-end projection methods, the largest-remainder split and the default allocation file."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest

from innopoints.region import load_region
from innopoints.targets.allocation import BP, load_default, split
from innopoints.targets.projection import FINAL, NET_GROWTH, RUN_RATE, SEASONAL, TrendInputs, elapsed, project


def test_elapsed_counts_the_day_itself_and_leap_years() -> None:
    assert elapsed(dt.date(2026, 1, 1)) == (1, 365)
    assert elapsed(dt.date(2028, 12, 31)) == (366, 366)


def test_flow_uses_the_previous_years_season_when_known() -> None:
    trend = TrendInputs(
        Decimal("300"), previous_same_period=Decimal("200"), previous_full_year=Decimal("900")
    )
    assert project("flow", trend, dt.date(2026, 3, 31), 2) == (Decimal("1350.00"), SEASONAL)


def test_flow_falls_back_to_the_daily_run_rate() -> None:
    # 90 days elapsed on 31 March 2026: 300 × 365 / 90 = 1216.666… → 1216.67
    trend = TrendInputs(Decimal("300"))
    assert project("flow", trend, dt.date(2026, 3, 31), 2) == (Decimal("1216.67"), RUN_RATE)


def test_stock_extrapolates_net_growth_and_never_a_fall() -> None:
    day = dt.date(2026, 7, 2)  # 183 days elapsed, 182 remaining
    assert project("stock", TrendInputs(Decimal(1183), start=Decimal(1000)), day, 0) == (
        Decimal(1365),
        NET_GROWTH,
    )
    assert project("stock", TrendInputs(Decimal(900), start=Decimal(1000)), day, 0) == (
        Decimal(900),
        NET_GROWTH,
    )


def test_year_end_value_is_final() -> None:
    trend = TrendInputs(Decimal(5), previous_same_period=Decimal(1), previous_full_year=Decimal(1))
    assert project("flow", trend, dt.date(2026, 12, 31), 0) == (Decimal(5), FINAL)


@pytest.mark.parametrize("total", [0, 1, 7, 34_000, 92_000_000_000, 1401])
def test_split_adds_up_exactly(total: int) -> None:
    shares = {"a": 3333, "b": 3333, "c": 3334}
    parts = split(total, shares)
    assert sum(parts.values()) == total
    for d, s in shares.items():
        assert abs(parts[d] * BP - total * s) < BP


def test_split_gives_remainders_to_the_largest_fractions() -> None:
    assert split(10, {"a": 3333, "b": 3333, "c": 3334}) == {"a": 3, "b": 3, "c": 4}


def test_default_allocation_is_labelled_an_assumption_and_covers_every_district() -> None:
    region = load_region()
    default = load_default(region, 2026)
    assert "假设" in default.label
    assert set(default.shares_bp) == {d.id for d in region.districts}
    assert sum(default.shares_bp.values()) == BP
    assert set(default.indicators) <= set(region.targets_2026)
