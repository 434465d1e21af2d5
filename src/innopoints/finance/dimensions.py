"""The five bank-side dimensions of one firm, computed from its round facts with the generic evaluator.

Each indicator is a ``derived`` value of the bank-evaluation rulebook (ratio, growth or fact), scored 0–100
by a dated band table or lookup table; a dimension is the weighted sum of its indicators' scores and the
composite the weighted sum of the dimensions (weights total 100, so every score is an exact decimal).
The :class:`~innopoints.rules.evaluation.Evaluation` trace records every input, value, parameter (with its
reference and status) and band lookup.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from dataclasses import dataclass, field
from decimal import Decimal
from fractions import Fraction
from typing import Any

from innopoints.finance.evaluation_book import EvaluationBook, indicator_facts
from innopoints.finance.facts import fact_value
from innopoints.finance.schema import IndicatorSpec
from innopoints.rules.evaluation import Evaluation
from innopoints.rules.numbers import exact, to_display
from innopoints.rules.results import plain


@dataclass
class IndicatorScore:
    id: str
    name: str
    unit: str
    value: Any
    score: int
    weight: Decimal
    band: str | None
    missing: list[str] = field(default_factory=list)
    note: str | None = None

    def as_dict(self) -> dict[str, Any]:
        out: dict[str, Any] = {
            "id": self.id,
            "name": self.name,
            "value": plain(self.value),
            "unit": self.unit,
            "score": self.score,
            "weight": self.weight,
            "band": self.band,
        }
        if self.missing:
            out["missing"] = self.missing
        if self.note:
            out["note"] = self.note
        return out


@dataclass
class DimensionScore:
    id: str
    name: str
    score: Decimal
    weight: Decimal
    indicators: list[IndicatorScore]

    @property
    def missing(self) -> list[str]:
        return [i.id for i in self.indicators if i.missing or i.note]

    def as_dict(self) -> dict[str, Any]:
        return {
            "id": self.id,
            "name": self.name,
            "score": self.score,
            "unit": "分",
            "weight": self.weight,
            "indicators": [i.as_dict() for i in self.indicators],
        }


@dataclass
class DimensionResult:
    evaluation: Evaluation
    dimensions: list[DimensionScore]
    composite: Decimal

    def facts(self) -> dict[str, Decimal]:
        """The dimension facts (``dim_*``, ``composite_score``) as exact evaluator values (分)."""
        out = {f"dim_{d.id}": d.score for d in self.dimensions}
        out["composite_score"] = self.composite
        return out


def _sum(ev: Evaluation, names: list[str]) -> tuple[Fraction | None, list[str]]:
    missing = list(ev.missing_of(*names))
    if missing:
        return None, missing
    return sum((exact(ev.fact(n).value) for n in names), Fraction(0)), []


def _compute(ev: Evaluation, ind: IndicatorSpec) -> tuple[Any, list[str], str | None]:
    """(value, missing inputs, note when undefined)."""
    if ind.kind == "fact":
        assert ind.fact is not None
        fact = ev.fact(ind.fact)
        return fact.value, list(fact.missing), None
    if ind.kind == "ratio":
        num, miss_n = _sum(ev, ind.numerator or [])
        den, miss_d = _sum(ev, ind.denominator or [])
        if miss_n or miss_d:
            return None, miss_n + [m for m in miss_d if m not in miss_n], None
        assert num is not None and den is not None
        if den <= 0:
            return None, [], "分母为 0，比值无定义 (denominator is zero)"
        return num / den * 100, [], None
    assert ind.fact is not None
    this, prev = ev.fact(ind.fact), ev.fact(f"{ind.fact}_prev")
    missing = list(ev.missing_of(ind.fact, f"{ind.fact}_prev"))
    if missing:
        return None, missing, None
    base = exact(prev.value)
    if base <= 0:
        return None, [], "上年值不大于 0，增长率无定义 (previous year not positive)"
    return (exact(this.value) - base) / base * 100, [], None


def _score(ev: Evaluation, ind_id: str, ind: IndicatorSpec, value: Any) -> tuple[int, str | None, str | None]:
    """(score, band or row shown, note)."""
    if ind.bands is not None:
        band = ev.band(ind.bands, value, about=ind_id)
        assert band.points is not None
        return band.points[0], band.describe(), None
    assert ind.table is not None
    rows = ev.value(ind.table)
    points = rows.get(str(value))
    ev.trace.append(
        {"kind": "lookup", "parameter": ind.table, "id": ind_id, "observed": value, "row": points}
    )
    if points is None:
        return 0, None, f"“{value}”不在查表 {ind.table} 中，按 0 分计"
    return int(points), str(value), None


def evaluate_dimensions(eb: EvaluationBook, row: Mapping[str, Any], as_of: dt.date) -> DimensionResult:
    """``row``: the firm's facts frame row (integers in facts.UNITS)."""
    ev = Evaluation(eb.book, as_of)
    for name in eb.book.book.inputs:
        ev.input(name, fact_value(name, row.get(name)))
    derived = eb.book.book.derived
    dims: list[DimensionScore] = []
    composite = Fraction(0)
    dim_weights = ev.value(eb.spec.composite_weights)
    for dim in eb.spec.dimensions:
        weights = ev.value(dim.weights)
        scores: list[IndicatorScore] = []
        total = Fraction(0)
        for ind_id in dim.indicators:
            ind = eb.spec.indicators[ind_id]
            value, missing, note = _compute(ev, ind)
            ev.derive(ind_id, value, inputs=indicator_facts(ind), missing=missing, note=note)
            score, band = 0, None
            if value is not None and not missing:
                score, band, lookup_note = _score(ev, ind_id, ind, value)
                note = note or lookup_note
            elif not eb.spec.missing_scores_zero:  # pragma: no cover - the shipped rulebook scores them 0
                raise ValueError(f"indicator {ind_id} has no value")
            weight = Decimal(weights[ind_id])
            total += Fraction(score) * exact(weight) / 100
            shown = to_display(value) if isinstance(value, Fraction) else value
            scores.append(
                IndicatorScore(
                    ind_id,
                    derived[ind_id].name.zh,
                    derived[ind_id].unit,
                    shown,
                    score,
                    weight,
                    band,
                    missing,
                    note,
                )
            )
        ev.derive(f"dim_{dim.id}", total, inputs=dim.indicators)
        dim_weight = Decimal(dim_weights[dim.id])
        composite += total * exact(dim_weight) / 100
        dims.append(DimensionScore(dim.id, dim.name.zh, to_display(total), dim_weight, scores))
    ev.derive("composite_score", composite, inputs=[f"dim_{d.id}" for d in eb.spec.dimensions])
    return DimensionResult(ev, dims, to_display(composite))
