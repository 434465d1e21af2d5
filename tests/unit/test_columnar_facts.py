"""The columnar compiler's derived facts: exact ages at anniversaries (29 February), ratios with zero and
negative denominators, unknown inputs, the ``in`` operator and the refusals."""

from __future__ import annotations

import datetime as dt
from fractions import Fraction

import polars as pl
import pytest

from innopoints.eligibility.common import add_years, age_in_years
from innopoints.eligibility.rulebooks import rulebook
from innopoints.errors import UserError
from innopoints.rules.columnar import ColumnarRulebook, PolarsBackend
from innopoints.rules.columnar_facts import Anniversary, Quantity, Ratio, fact_condition

B = PolarsBackend()


def _eval(expr: pl.Expr, frame: pl.DataFrame) -> list[bool | None]:
    return frame.select(expr.alias("out"))["out"].to_list()


@pytest.mark.parametrize("as_of", [dt.date(2031, 2, 28), dt.date(2032, 2, 29), dt.date(2030, 3, 1)], ids=str)
@pytest.mark.parametrize("op", ["<=", "<", ">", ">="])
@pytest.mark.parametrize("years", [0, 1, 10])
def test_age_conditions_match_the_exact_age(as_of: dt.date, op: str, years: int) -> None:
    days = [as_of - dt.timedelta(days=d) for d in range(-3, 4000, 7)]
    days += [dt.date(2020, 2, 29), dt.date(2021, 2, 28), dt.date(2021, 3, 1), dt.date(2022, 2, 28)]
    edge = add_years(as_of, -years)
    days += [edge + dt.timedelta(days=d) for d in (-1, 0, 1)]
    frame = pl.DataFrame({"reg": [*days, None]}, schema={"reg": pl.Date})
    got = _eval(fact_condition(B, Anniversary(pl.col("reg")), op, Fraction(years), as_of), frame)
    for day, value in zip(days, got, strict=False):
        age = age_in_years(day, as_of)
        want = {"<=": age <= years, "<": age < years, ">": age > years, ">=": age >= years}[op]
        assert value == want, (day, op, years)
    assert got[-1] is None


def test_ratio_facts_are_exact_and_three_state() -> None:
    frame = pl.DataFrame({"n": [3, 2, 5, -3, None, 7], "d": [100, 100, 0, -100, 100, None]})
    ratio = Ratio(pl.col("n"), pl.col("d"), pl.col("n").is_not_null() & pl.col("d").is_not_null())
    assert _eval(fact_condition(B, ratio, ">=", Fraction(3, 100), dt.date.min), frame) == [
        True,
        False,
        False,  # zero denominator: undefined, as the single evaluator (not met)
        True,  # -3 / -100 = 3 %
        None,
        None,
    ]


def test_quantity_scales_the_threshold_to_the_column_unit() -> None:
    frame = pl.DataFrame({"fen": [1_000_000_000, 999_999_999, None]})
    q = Quantity(pl.col("fen"), pl.col("fen").is_not_null(), 100)
    assert _eval(fact_condition(B, q, ">=", Fraction(10_000_000), dt.date.min), frame) == [True, False, None]


def test_in_operator_reads_the_set_parameter() -> None:
    book = rulebook("national/high_tech.yaml")
    as_of = dt.date(2025, 12, 31)
    member = book.resolve("high_tech_fields", as_of).value[0]
    frame = pl.DataFrame({"f": [member, "not-a-field", None]})
    cr = ColumnarRulebook(book, as_of, B, {"high_tech_field": pl.col("f")})
    assert _eval(cr.condition("c3_field", {}), frame) == [True, False, None]


def test_series_inputs_are_refused_as_scalars_and_checked_for_length() -> None:
    book = rulebook("liaoning/gazelle.yaml")
    cr = ColumnarRulebook(book, dt.date(2025, 12, 31), B, {"operating_revenue": [pl.col("a")]})
    with pytest.raises(UserError, match="series"):
        cr.input("operating_revenue")
    with pytest.raises(UserError, match="4"):
        cr.series("operating_revenue")
    assert len(cr.series("employees")) == 4  # not given: four unknown years
