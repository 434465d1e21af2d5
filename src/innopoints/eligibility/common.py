"""Helpers shared by the evaluators: band points as ranges, exact ratios, firm age."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from fractions import Fraction
from typing import Any

from innopoints.rules.compiled import CompiledRulebook
from innopoints.rules.evaluation import Evaluation
from innopoints.rules.numbers import ScoreRange, exact
from innopoints.rules.results import Status, Verdict

ZERO = ScoreRange.exact(0)
TRI: dict[Status, bool | None] = {Status.MET: True, Status.NOT_MET: False, Status.UNKNOWN: None}


def band_points(ev: Evaluation, pid: str, observed: Any, *, about: str) -> ScoreRange:
    band = ev.band(pid, observed, about=about)
    if band.points is None:
        raise TypeError(f"band table {pid} gives values, not points")
    return ScoreRange(band.points[0], band.points[1])


def best_of(*ranges: ScoreRange) -> ScoreRange:
    """The better of alternative scorings (the firm chooses): max of lows, max of highs."""
    lo, hi = max(r.lo for r in ranges), max(r.hi for r in ranges)
    missing: tuple[str, ...] = ()
    if lo != hi:
        for r in ranges:
            missing += tuple(m for m in r.missing if m not in missing)
    return ScoreRange(lo, hi, missing)


def unknown_points(ev: Evaluation, maximum: Any, *names: str) -> ScoreRange:
    return ScoreRange(0, int(maximum), ev.missing_of(*names))


def ratio_fact(ev: Evaluation, name: str, num: str, den: str, *, zero_note: str) -> Fraction | None:
    """Derive ``num ÷ den`` exactly; missing when an input is missing, undefined when ``den`` is 0."""
    n, d = ev.fact(num), ev.fact(den)
    if not (n.known and d.known):
        ev.derive(name, None, inputs=(num, den), missing=ev.missing_of(num, den))
        return None
    if exact(d.value) == 0:
        ev.derive(name, None, inputs=(num, den), note=zero_note)
        return None
    value = exact(n.value) / exact(d.value)
    ev.derive(name, value, inputs=(num, den))
    return value


def add_years(day: dt.date, years: int) -> dt.date:
    try:
        return day.replace(year=day.year + years)
    except ValueError:  # 29 February → 28 February
        return day.replace(year=day.year + years, day=28)


def age_in_years(registered: dt.date, on: dt.date) -> Fraction:
    """Exact age: completed years plus the elapsed share of the current year (anniversary to anniversary),
    so that ``age <= N`` holds exactly when ``on`` is no later than the N-th anniversary."""
    if on < registered:
        return Fraction(0)
    years = on.year - registered.year
    if add_years(registered, years) > on:
        years -= 1
    start, end = add_years(registered, years), add_years(registered, years + 1)
    return years + Fraction((on - start).days, (end - start).days)


def series_known(values: Sequence[Any] | None) -> bool:
    return values is not None and all(v is not None for v in values)


def total(values: Sequence[Any]) -> Fraction:
    return sum((exact(v) for v in values), Fraction(0))


def start(relative: str, inputs: dict[str, Any], as_of: dt.date) -> Evaluation:
    """An evaluation on the packaged rulebook with every declared input recorded in the trace."""
    from innopoints.eligibility.rulebooks import rulebook

    ev = Evaluation(rulebook(relative), as_of)
    for name in ev.book.book.inputs:
        ev.input(name, inputs.get(name))
    return ev


def finish(
    ev: Evaluation,
    evaluator: str,
    details: dict[str, Any],
    warnings: list[str] | None = None,
    *,
    overall_id: str = "qualified",
) -> Verdict:
    """Check the outline conditions and the overall condition (``overall_id``); build the Verdict."""
    conditions = [ev.check(cid) for cid in ev.book.book.outline]
    overall = ev.check(overall_id)
    out = {"qualified": TRI[overall.status], **details, "qualification": overall.as_dict()}
    return Verdict(
        evaluator, ev.as_of, rulebook_info(ev.book), conditions, out, ev.trace, warnings or [], overall
    )


def rulebook_info(book: CompiledRulebook) -> dict[str, Any]:
    return {
        "id": book.id,
        "version": book.book.version,
        "sha256": book.digest,
        "authority": book.book.authority,
    }


def age_fact(ev: Evaluation, name: str = "age_years") -> None:
    reg = ev.fact("registration_date")
    if reg.known:
        ev.derive(name, age_in_years(reg.value, ev.as_of), inputs=("registration_date",))
    else:
        ev.derive(name, None, inputs=("registration_date",), missing=("registration_date",))
