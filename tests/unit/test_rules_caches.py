"""What the rule engine remembers between lookups must never leak: across dates, rulebooks, fact changes
or traces; and its fast exact comparisons must agree with comparisons on Fractions at every boundary."""

from __future__ import annotations

import datetime as dt
import itertools
import operator
from decimal import Decimal
from fractions import Fraction
from pathlib import Path

import pytest

from innopoints.eligibility.rulebooks import rulebook, rulebook_path
from innopoints.rules.compiled import CompiledBand
from innopoints.rules.evaluation import Evaluation, compare
from innopoints.rules.loader import load_rulebook
from innopoints.rules.numbers import ScoreRange, exact
from innopoints.rules.results import Status
from innopoints.rules.schema import Band

OLD, NEW = dt.date(2012, 3, 1), dt.date(2016, 1, 1)  # the two periods of rd_required_ratio


def test_resolution_follows_the_date_whatever_was_resolved_before() -> None:
    book = rulebook("national/high_tech.yaml")
    for day in (OLD, NEW, OLD, NEW, dt.date(2015, 12, 31), dt.date(2016, 1, 1)):
        resolved = book.resolve("rd_required_ratio", day)
        expected_from = "2008-01-01" if day < NEW else "2016-01-01"
        assert resolved.citation()["effective"]["from"] == expected_from
        assert resolved.band_for(Decimal("50000000")).value == Decimal("0.04" if day < NEW else "0.05")


def test_resolution_is_per_rulebook(tmp_path: Path) -> None:
    text = rulebook_path("national/tech_sme.yaml").read_text(encoding="utf-8")
    changed = text.replace(
        "values: [{from: 2017-05-03, value: 60}]", "values: [{from: 2017-05-03, value: 70}]"
    )
    assert changed != text
    path = tmp_path / "tech_sme.yaml"
    path.write_text(changed, encoding="utf-8")
    day = dt.date(2025, 1, 1)
    shipped, other = rulebook("national/tech_sme.yaml"), load_rulebook(path)
    for _ in range(2):
        assert shipped.resolve("min_score", day).value == 60
        assert other.resolve("min_score", day).value == 70
    for book, score, met in ((shipped, 65, Status.MET), (other, 65, Status.NOT_MET)):
        ev = Evaluation(book, day)
        ev.derive("score", ScoreRange.exact(score))
        assert ev.check("c5a_min_score").status is met


def test_a_checked_condition_is_rechecked_once_a_fact_changes() -> None:
    ev = Evaluation(rulebook("national/tech_sme.yaml"), dt.date(2025, 1, 1))
    ev.derive("score", ScoreRange.exact(59))
    first = ev.check("c5a_min_score")
    assert first.status is Status.NOT_MET and ev.check("c5a_min_score") is first
    ev.derive("score", ScoreRange.exact(60))
    assert ev.check("c5a_min_score").status is Status.MET
    ev.input("employees", None)
    assert ev.check("c5a_min_score") is not first


def test_trace_entries_share_nothing_between_evaluations() -> None:
    book = rulebook("national/tech_sme.yaml")
    day = dt.date(2025, 1, 1)
    first, second = Evaluation(book, day), Evaluation(book, day)
    first.param("staff_ratio_points")
    second.param("staff_ratio_points")
    entry, other = first.trace[-1], second.trace[-1]
    assert entry == other and entry is not other
    assert entry["kind"] == "parameter" and entry["value"][0]["points"]
    entry["effective"]["from"] = "changed"
    entry["value"][0]["points"].append(99)
    entry["value"].append({})
    third = Evaluation(book, day)
    third.param("staff_ratio_points")
    assert third.trace[-1] == other and other["effective"]["from"] == "2017-05-03"


NUMBERS: list[int | Decimal | Fraction] = [
    0,
    1,
    -1,
    60,
    Decimal("60"),
    Decimal("60.00"),
    Decimal("59.99"),
    Decimal("60.01"),
    Decimal("-0"),
    Decimal("0.3333333333333333333333333334"),
    Decimal("1E+2"),
    Fraction(1, 3),
    Fraction(6000, 100),
    Fraction(5999, 100),
    Fraction(-1, 7),
    Fraction(100),
]
OPS = {">=": operator.ge, ">": operator.gt, "<=": operator.le, "<": operator.lt, "==": operator.eq}
OPS["!="] = operator.ne


@pytest.mark.parametrize("op", sorted(OPS))
def test_compare_agrees_with_fractions_on_every_pair(op: str) -> None:
    for a, b in itertools.product(NUMBERS, repeat=2):
        assert compare(a, op, b) is OPS[op](Fraction(a), Fraction(b)), (a, op, b)


def test_exact_accepts_numbers_only() -> None:
    assert exact(Decimal("0.10")) == Fraction(1, 10) and type(exact(Decimal("0.10"))) is Fraction
    assert exact(7) == Fraction(7) and exact(Fraction(2, 4)) == Fraction(1, 2)
    with pytest.raises(TypeError):
        exact(True)
    with pytest.raises(ValueError):
        exact(Decimal("NaN"))


def _band(lower: str | None, lower_in: bool | None, upper: str | None, upper_in: bool | None) -> CompiledBand:
    return CompiledBand.from_band(
        Band(
            lower=None if lower is None else Decimal(lower),
            lower_inclusive=lower_in,
            upper=None if upper is None else Decimal(upper),
            upper_inclusive=upper_in,
            points=1,
        )
    )


@pytest.mark.parametrize(
    ("band", "inside", "outside"),
    [
        (
            _band("0.2", True, "0.3", False),
            ["0.2", "1/4", "29999999/100000000"],
            ["0.19999999", "3/10", "-1"],
        ),
        (_band("0.2", False, "0.3", True), ["0.20000001", "0.3"], ["1/5", "0.30000001", "1/3"]),
        (_band(None, None, "-0.5", True), ["-1/2", "-100"], ["-0.49999999", "0"]),
        (_band("5", True, None, None), ["5", "1000000000000"], ["4.99999999", "-5"]),
    ],
)
def test_band_bounds_are_exact(band: CompiledBand, inside: list[str], outside: list[str]) -> None:
    for text in inside:
        assert band.contains(Fraction(text)), text
    for text in outside:
        assert not band.contains(Fraction(text)), text
