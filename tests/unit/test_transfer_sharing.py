"""Revenue shares: exact in fen, always summing to the income, within policy, deterministic (Hypothesis)."""

from __future__ import annotations

import math
from decimal import Decimal
from fractions import Fraction

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from innopoints.errors import UserError
from innopoints.transfer.sharing import Inventor, inventors_pool, largest_remainder, split_income

UNITS = 10_000  # inventor shares are multiples of 0.0001, as recorded


@st.composite
def inventor_lists(draw: st.DrawFn) -> list[Inventor]:
    k = draw(st.integers(1, 8))
    cuts = sorted(draw(st.lists(st.integers(1, UNITS - 1), min_size=k - 1, max_size=k - 1, unique=True)))
    bounds = [0, *cuts, UNITS]
    return [Inventor(f"完成人{i}", Decimal(bounds[i + 1] - bounds[i]) / UNITS, i + 1) for i in range(k)]


@st.composite
def policies(draw: st.DrawFn) -> tuple[Decimal, Decimal, Decimal]:
    lo = Decimal(draw(st.integers(50, 100))) / 100
    hi = Decimal(draw(st.integers(int(lo * 100), 100))) / 100
    rate = Decimal(draw(st.integers(int(lo * 10_000), int(hi * 10_000)))) / 10_000
    return lo, hi, rate


incomes = st.one_of(st.integers(0, 1_000), st.integers(0, 10**15))


@settings(max_examples=400, deadline=None)
@given(income=incomes, inventors=inventor_lists(), policy=policies())
def test_parts_sum_exactly_to_the_income(income: int, inventors: list[Inventor], policy: tuple) -> None:
    lo, hi, rate = policy
    split = split_income(income, rate, inventors, "东北大学", lo, hi)
    assert sum(p.amount_fen for p in split.parts) == income
    assert all(p.amount_fen >= 0 for p in split.parts)
    assert split.parts[0].kind == "institution" and split.parts[0].amount_fen == split.institution_fen
    assert sum(p.amount_fen for p in split.parts[1:]) == split.pool_fen
    # the pool is the exact quota rounded to an adjacent fen; it never falls below the policy minimum, and it
    # exceeds the maximum only when no whole fen lies inside [minimum, maximum]
    exact = Fraction(income) * Fraction(rate)
    low, high = Fraction(income) * Fraction(lo), Fraction(income) * Fraction(hi)
    assert abs(split.pool_fen - exact) < 1
    assert split.pool_fen >= low
    assert split.pool_fen <= high or math.ceil(low) > high
    # each inventor is within one fen of their exact quota of the pool
    for inv, part in zip(inventors, split.parts[1:], strict=True):
        assert abs(part.amount_fen - Fraction(split.pool_fen) * Fraction(inv.share)) < 1
    # exact fractions of the income sum to 1
    assert sum((p.fraction for p in split.parts), Fraction(0)) == 1


@settings(max_examples=200, deadline=None)
@given(income=incomes, inventors=inventor_lists(), policy=policies())
def test_same_input_same_split(income: int, inventors: list[Inventor], policy: tuple) -> None:
    lo, hi, rate = policy
    assert split_income(income, rate, inventors, "x", lo, hi) == split_income(
        income, rate, inventors, "x", lo, hi
    )


@settings(max_examples=300, deadline=None)
@given(total=st.integers(0, 10**12), weights=st.lists(st.fractions(min_value=0, max_value=1000), min_size=1))
def test_largest_remainder_is_exact_and_fair(total: int, weights: list[Fraction]) -> None:
    if sum(weights) == 0:
        with pytest.raises(ValueError):
            largest_remainder(total, weights)
        return
    parts = largest_remainder(total, weights)
    assert sum(parts) == total
    s = sum(weights)
    for w, p in zip(weights, parts, strict=True):
        assert abs(p - Fraction(total) * w / s) < 1


@pytest.mark.parametrize(
    ("income", "rate", "lo", "hi", "pool"),
    [
        (0, "0.70", "0.70", "0.92", 0),
        (1, "0.70", "0.70", "0.70", 1),  # 0.7 fen: the minimum wins, rounded up
        (
            3,
            "0.70",
            "0.70",
            "0.92",
            3,
        ),  # 2.1: up (3) breaks the maximum 2.76 but down (2) breaks the minimum 2.1
        (7, "0.75", "0.70", "0.80", 5),  # 5.25: up (6) > 5.6 maximum, down (5) ≥ 4.9 minimum → down
        (10, "0.92", "0.70", "0.92", 9),  # 9.2: up (10) > 9.2 maximum, down (9) ≥ 7 → down
        (10, "0.71", "0.70", "0.92", 8),  # 7.1 → 8 (within 7–9.2)
        (100, "0.70", "0.70", "0.92", 70),  # exact
        (1_400_000_000, "0.92", "0.70", "0.92", 1_288_000_000),  # 1400万元 × 92%
    ],
)
def test_pool_rounding_boundaries(income: int, rate: str, lo: str, hi: str, pool: int) -> None:
    assert inventors_pool(income, Fraction(rate), Fraction(lo), Fraction(hi)) == pool


def test_neu_example_in_fen() -> None:
    inventors = [
        Inventor("甲", Decimal("0.5")),
        Inventor("乙", Decimal("0.3")),
        Inventor("丙", Decimal("0.2")),
    ]
    split = split_income(
        1_400_000_000, Decimal("0.92"), inventors, "东北大学", Decimal("0.70"), Decimal("0.92")
    )
    assert [p.amount_fen for p in split.parts] == [112_000_000, 644_000_000, 386_400_000, 257_600_000]


def test_ties_go_to_the_inventor_recorded_first() -> None:
    thirds = [Inventor(n, Decimal(1) / 3) for n in "甲乙丙"]
    assert largest_remainder(100, [Fraction(1, 3)] * 3) == [34, 33, 33]
    with pytest.raises(UserError, match="合计应为 1"):
        split_income(100, Decimal("0.7"), thirds, "x", Decimal("0.7"), Decimal("0.7"))


@pytest.mark.parametrize(
    ("rate", "inventors", "message"),
    [
        ("0.69", [("甲", "1")], "超出本单位政策范围"),
        ("0.93", [("甲", "1")], "超出本单位政策范围"),
        ("0.70", [], "没有登记完成人"),
        ("0.70", [("甲", "0.5"), ("乙", "0.4")], "合计应为 1"),
        ("0.70", [("甲", "1.0"), ("乙", "0")], "须大于0"),
    ],
)
def test_invalid_inputs_are_refused_in_chinese(rate: str, inventors: list, message: str) -> None:
    invs = [Inventor(n, Decimal(s)) for n, s in inventors]
    with pytest.raises(UserError, match=message):
        split_income(1000, Decimal(rate), invs, "东北大学", Decimal("0.70"), Decimal("0.92"))
