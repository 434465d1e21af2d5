"""Compile screening conditions to Polars expressions over the screening frame (one row per firm).

Frame columns (see :mod:`innopoints.cultivation.inputs`): ``f_<field>`` (the round's year) and ``b_<field>``
(the base year, three years earlier) as Int64 hundredths of the panel unit; ``registration_year``;
``q_<kind>`` qualification held in the year; ``neg_<kind>`` active negative records; the round's results
(``points_centi``, ``percentile_bp``, ``tech_sme_score``, ``tech_sme_qualified``, ``ladder_stage``) and
enterprise columns (``high_tech_field_id``, ``park_id``).

Every comparison is exact integer cross-multiplication against a :class:`~fractions.Fraction` threshold;
a condition is a nullable Boolean (null = data missing, counted as not met).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from fractions import Fraction

import polars as pl

from innopoints.cultivation.schema import Condition, ThresholdRef, fraction
from innopoints.eligibility.rulebooks import rulebook
from innopoints.errors import UserError
from innopoints.registry.panel_fields import SCALE
from innopoints.rules.columnar import ColumnarRulebook, PolarsBackend
from innopoints.rules.columnar_facts import Banded, Ratio, fact_vs_fact
from innopoints.rules.numbers import exact

GROWTH_YEARS = 3  # growth conditions compare the round's year with the base year three years earlier


def cur(field: str) -> str:
    return f"f_{field}"


def base(field: str) -> str:
    return f"b_{field}"


def qual(kind: str) -> str:
    return f"q_{kind}"


def neg(kind: str) -> str:
    return f"neg_{kind}"


def _compare(left: pl.Expr, op: str, right: pl.Expr) -> pl.Expr:
    ops = {
        ">=": left >= right,
        ">": left > right,
        "<=": left <= right,
        "<": left < right,
        "==": left == right,
        "!=": left != right,
    }
    if op not in ops:
        raise UserError(f"运算符 {op} 不适用于数值 (operator not valid here)")
    return ops[op]


def _lit(value: int) -> pl.Expr:
    return pl.lit(value, dtype=pl.Int64)


class ConditionCompiler:
    """Conditions of one round: thresholds resolved at ``as_of`` (31 December of the round's year)."""

    def __init__(self, year: int) -> None:
        self.year = year
        self.as_of = dt.date(year, 12, 31)

    # -- thresholds -------------------------------------------------------------------------------
    def _factor(self, ref: ThresholdRef) -> Fraction:
        return Fraction(1) if ref.factor is None else fraction(ref.factor)

    def threshold(self, cond: Condition, scale: Fraction = Fraction(1)) -> Fraction:
        """The scalar threshold (``value`` or a rulebook parameter × factor) × ``scale``."""
        if cond.threshold is None:
            if isinstance(cond.value, bool | list) or cond.value is None:
                raise TypeError(f"condition {cond.id} has no numeric threshold")
            return fraction(cond.value) * scale
        ref = cond.threshold
        resolved = rulebook(ref.rulebook).resolve(ref.param, self.as_of)
        if resolved.bands is not None:
            raise TypeError(f"condition {cond.id}: parameter {ref.param} is a band table (give band_on)")
        return exact(resolved.value) * self._factor(ref) * scale

    # -- conditions -------------------------------------------------------------------------------
    def compile(self, cond: Condition, scale: Fraction = Fraction(1)) -> pl.Expr:
        """The condition as a nullable Boolean; ``scale`` multiplies the threshold (gap limits)."""
        if cond.present is not None:
            return pl.col(cond.present).is_not_null()
        if cond.qualification is not None:
            return pl.col(qual(cond.qualification)).fill_null(False)
        if cond.no_negatives is not None:
            total = pl.sum_horizontal([pl.col(neg(k)).fill_null(0) for k in cond.no_negatives])
            return total == 0
        if cond.result is not None:
            return self._result(cond, scale)
        if cond.ratio is not None:
            return self._ratio(cond, scale)
        if cond.growth is not None:
            return self._growth(cond, scale)
        if cond.registered_years:
            t = self.threshold(cond, scale)
            age = _lit(self.year) - pl.col("registration_year").cast(pl.Int64)
            return _compare(age * t.denominator, cond.op, _lit(t.numerator))
        field_expr = self._field_value(cond)
        t = self.threshold(cond, scale) * SCALE
        return _compare(field_expr * t.denominator, cond.op, _lit(t.numerator))

    def _field_value(self, cond: Condition) -> pl.Expr:
        if cond.value_of is not None:
            return pl.col(cur(cond.value_of))
        if cond.base_value is not None:
            return pl.col(base(cond.base_value))
        assert cond.sum is not None
        cols = [pl.col(cur(f)) for f in cond.sum]
        all_null = pl.all_horizontal([c.is_null() for c in cols])
        return pl.when(all_null).then(pl.lit(None, pl.Int64)).otherwise(pl.sum_horizontal(cols))

    def _result(self, cond: Condition, scale: Fraction) -> pl.Expr:
        col = pl.col(cond.result or "")
        if cond.op == "in":
            assert isinstance(cond.value, list)
            return col.is_in(cond.value)
        if isinstance(cond.value, bool):
            return _compare(col, cond.op, pl.lit(cond.value, pl.Boolean))
        t = self.threshold(cond, scale)
        return _compare(col.cast(pl.Int64) * t.denominator, cond.op, _lit(t.numerator))

    def _ratio(self, cond: Condition, scale: Fraction) -> pl.Expr:
        num_field, den_field = cond.ratio or ["", ""]
        num, den = pl.col(cur(num_field)), pl.col(cur(den_field))
        if cond.threshold is not None and cond.threshold.band_on is not None:
            test = self._banded_ratio(cond, num, den, scale)
        else:
            t = self.threshold(cond, scale)
            test = _compare(num * t.denominator, cond.op, den * t.numerator)
        return (
            pl.when(num.is_null() | den.is_null() | (den <= 0)).then(pl.lit(None, pl.Boolean)).otherwise(test)
        )

    def _banded_ratio(self, cond: Condition, num: pl.Expr, den: pl.Expr, scale: Fraction) -> pl.Expr:
        """``num ÷ den`` against the value of the band holding ``f_<band_on>`` (e.g. the 高企 R&D ratio by
        the sales band), compiled by the shared rules compiler (``ColumnarRulebook.band_value``)."""
        ref = cond.threshold
        assert ref is not None and ref.band_on is not None
        key = pl.col(cur(ref.band_on))
        compiler = ColumnarRulebook(rulebook(ref.rulebook), self.as_of, PolarsBackend(), {})
        banded = compiler.band_value(ref.param, key, SCALE, key.is_not_null())
        factor = self._factor(ref) * scale
        scaled = Banded(tuple((test, value * factor) for test, value in banded.branches), banded.known)
        return fact_vs_fact(PolarsBackend(), Ratio(num, den, pl.lit(True)), cond.op, scaled)

    def _growth(self, cond: Condition, scale: Fraction) -> pl.Expr:
        """Compound growth over GROWTH_YEARS: ``end ≥ base × (1+g)^n`` as ``end·qⁿ op base·(q+p)ⁿ``."""
        field = cond.growth or ""
        end, start = pl.col(cur(field)), pl.col(base(field))
        g = self.threshold(cond, scale)
        q, p = g.denominator, g.numerator
        test = _compare(end * (q**GROWTH_YEARS), cond.op, start * ((q + p) ** GROWTH_YEARS))
        return (
            pl.when(end.is_null() | start.is_null() | (start <= 0))
            .then(pl.lit(None, pl.Boolean))
            .otherwise(test)
        )


def panel_fields_used(conditions: Iterable[Condition]) -> tuple[list[str], list[str]]:
    """(fields read in the round's year, fields read in the base year)."""
    current: set[str] = set()
    based: set[str] = set()
    for c in conditions:
        current.update(c.ratio or [])
        current.update(c.sum or [])
        if c.value_of:
            current.add(c.value_of)
        if c.base_value:
            based.add(c.base_value)
        if c.growth:
            current.add(c.growth)
            based.add(c.growth)
        if c.threshold is not None and c.threshold.band_on:
            current.add(c.threshold.band_on)
    return sorted(current), sorted(based)
