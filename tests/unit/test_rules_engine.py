"""Generic machinery: dated parameters, band inclusivity, three-state logic, score ranges, JSON numbers."""

from __future__ import annotations

import datetime as dt
import json
from decimal import Decimal
from fractions import Fraction

import pytest

from innopoints.eligibility.rulebooks import rulebook
from innopoints.errors import UserError
from innopoints.rules.evaluation import Evaluation, compare
from innopoints.rules.jsonout import dumps
from innopoints.rules.numbers import ScoreRange, to_display
from innopoints.rules.results import Status, all_of, any_of


def test_parameters_resolve_by_effective_date() -> None:
    book = rulebook("national/high_tech.yaml")
    old = book.resolve("rd_required_ratio", dt.date(2012, 3, 1))
    new = book.resolve("rd_required_ratio", dt.date(2016, 1, 1))
    assert old.band_for(Decimal("49999999.99")).value == Decimal("0.06")
    assert old.band_for(Decimal("50000000")).value == Decimal("0.04")
    assert new.band_for(Decimal("50000000")).value == Decimal("0.05")
    assert new.band_for(Decimal("50000000.01")).value == Decimal("0.04")
    assert old.citation()["effective"] == {"from": "2008-01-01", "until": "2016-01-01"}
    with pytest.raises(UserError, match="无生效值"):
        book.resolve("rd_required_ratio", dt.date(2007, 12, 31))


def test_band_inclusivity_is_exact() -> None:
    bands = rulebook("national/high_tech.yaml").resolve("growth_points", dt.date(2025, 1, 1))
    assert bands.band_for(Fraction(0)).points == (0, 0)
    assert bands.band_for(Fraction(1, 10**12)).points == (1, 2)
    assert bands.band_for(Fraction(35, 100)).points == (9, 10)
    assert bands.band_for(Fraction(35, 100) - Fraction(1, 10**15)).points == (7, 8)


def test_three_state_combinators() -> None:
    met, no, unk = Status.MET, Status.NOT_MET, Status.UNKNOWN
    assert all_of([met, unk]) is unk and all_of([unk, no]) is no and all_of([met, met]) is met
    assert any_of([no, unk]) is unk and any_of([unk, met]) is met and any_of([no, no]) is no


def test_compare_uses_exact_rationals() -> None:
    assert compare(Decimal("0.1") + Decimal("0.2"), "==", Decimal("0.3"))
    assert compare(Fraction(1, 3), "<", Decimal("0.3333333333333333333333333334"))
    assert compare("a", "in", ("a", "b")) and not compare(True, "==", False)


def test_score_range_decides_only_when_whole_range_agrees() -> None:
    ev = Evaluation(rulebook("national/tech_sme.yaml"), dt.date(2025, 1, 1))
    ev.derive("score", ScoreRange(60, 80))
    ev.derive("staff_points", ScoreRange(0, 20, ("employees",)))
    assert ev.check("c5a_min_score").status is Status.MET
    staff = ev.check("c5b_staff_nonzero")
    assert staff.status is Status.UNKNOWN and staff.missing == ["employees"]
    ev.derive("score", ScoreRange(40, 59))
    assert ev.check("c5a_min_score").status is Status.NOT_MET


def test_missing_and_undefined_facts() -> None:
    ev = Evaluation(rulebook("national/high_tech.yaml"), dt.date(2025, 1, 1))
    ev.derive("staff_ratio", None, missing=("employees",))
    assert ev.check("c4_staff").status is Status.UNKNOWN
    ev.derive("staff_ratio", None, note="no employees")
    result = ev.check("c4_staff")
    assert result.status is Status.NOT_MET and result.note == "no employees"


def test_trace_cites_parameters_with_period_and_reference() -> None:
    ev = Evaluation(rulebook("national/tech_sme.yaml"), dt.date(2025, 1, 1))
    ev.input("employees", 501)
    ev.check("c2a_employees")
    entry = next(e for e in ev.trace if e["kind"] == "parameter")
    assert entry["id"] == "max_employees" and entry["value"] == 500
    assert entry["reference"].startswith("国科发政〔2017〕115号") and entry["status"] == "official"
    assert entry["effective"]["from"] == "2017-05-03"


def test_json_numbers_are_exact() -> None:
    text = dumps({"a": Decimal("0.10"), "b": Fraction(1, 3), "c": Decimal("200000000.00"), "d": [True, None]})
    assert text == '{"a": 0.1, "b": 0.333333, "c": 200000000, "d": [true, null]}'
    assert json.loads(text, parse_float=Decimal)["a"] == Decimal("0.1")
    assert to_display(Fraction(1, 8)) == Decimal("0.125")
    with pytest.raises(TypeError):
        dumps({"x": 0.1})
