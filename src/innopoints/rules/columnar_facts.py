"""Derived facts for the columnar compiler: the batch twins of ``Evaluation.derive`` values.

A single-firm evaluator derives values (ratios, sums, ages, the latest year of a series) and the
rulebook's conditions compare them. In a batch plan each derived fact carries a Boolean ``known``
expression (False = a needed input is missing: the condition is unknown) and its value:

* :class:`Quantity` — an integer expression in ``unit`` per declared unit (money in fen: 100 per 元);
* :class:`Ratio` — ``num ÷ den`` kept as two integer expressions (times ``unit`` per declared unit); ``den == 0`` means *undefined*, which
  the single evaluator records as a value-less fact with a note and therefore *not met*;
* :class:`Anniversary` — the exact age in years of ``common.age_in_years`` from a date expression:
  ``age ≤ N`` holds exactly when the as-of date is no later than the N-th anniversary, so an integer
  threshold is decided by comparing dates (29 February → 28 February, as ``add_years``);
* a :class:`fractions.Fraction` — a constant derived from parameters (e.g. ``(1 + g)³``).

Comparisons are exact: ``num/den op p/q`` is ``num·q op p·den`` for a positive denominator (the sign
is folded in for a negative one). Nothing numeric is written here.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from fractions import Fraction
from typing import TYPE_CHECKING, Any

from innopoints.errors import UserError

if TYPE_CHECKING:
    from innopoints.rules.columnar import Backend, Expr


@dataclass(frozen=True)
class Quantity:
    value: Any
    known: Any
    unit: int = 1


@dataclass(frozen=True)
class Ratio:
    num: Any
    den: Any
    known: Any
    unit: int = 1


@dataclass(frozen=True)
class Anniversary:
    registration: Any


@dataclass(frozen=True)
class Banded:
    """A threshold chosen per row: ``branches`` are (condition, value) tried in order (a band table's
    bands); unknown when ``known`` is false, and when no branch holds (a value outside every band,
    which the single evaluator refuses)."""

    branches: tuple[tuple[Any, Fraction], ...]
    known: Any


Fact = Quantity | Ratio | Anniversary | Fraction | Banded

_FLIP = {">=": "<=", ">": "<", "<=": ">=", "<": ">", "==": "==", "!=": "!="}


def compare(left: Expr, op: str, right: Expr) -> Expr:
    if op == ">=":
        return left >= right
    if op == ">":
        return left > right
    if op == "<=":
        return left <= right
    if op == "<":
        return left < right
    if op == "==":
        return left == right
    if op == "!=":
        return left != right
    raise UserError(f"列式编译不支持运算符 {op} (the columnar compiler does not support operator {op})")


def _ratio_vs(b: Backend, num: Expr, den: Expr, op: str, t: Fraction) -> Expr:
    """``num/den op t`` exactly, for any non-zero ``den``."""
    p, q = t.numerator, t.denominator
    pos = compare(num * q, op, den * p)
    neg = compare(num * q, _FLIP[op], den * p)
    return b.cases([(den > 0, pos)], neg)


def fact_condition(b: Backend, fact: Fact, op: str, threshold: Fraction, as_of: dt.date) -> Expr:
    """A leaf condition on a derived fact as a nullable Boolean (null = unknown), as Evaluation.check:
    missing input → unknown; undefined value (zero denominator) → not met; else the exact comparison."""
    if isinstance(fact, Fraction):
        return b.lit(_const(fact, op, threshold))
    if isinstance(fact, Quantity):
        t = threshold * fact.unit
        return b.cases(
            [(~fact.known, b.null_bool())], compare(fact.value * t.denominator, op, b.lit(t.numerator))
        )
    if isinstance(fact, Ratio):
        t = threshold * fact.unit
        decided = b.cases([(fact.den == 0, b.lit(False))], _ratio_vs(b, fact.num, fact.den, op, t))
        return b.cases([(~fact.known, b.null_bool())], decided)
    if isinstance(fact, Banded):
        raise UserError("分档阈值只能作阈值字段 (a banded threshold is only a threshold_field)")
    return _age(b, fact, op, threshold, as_of)


def fact_vs_fact(b: Backend, left: Fact, op: str, right: Fact) -> Expr:
    """``field op threshold_field`` where the threshold is a derived constant (``Fraction``) or a
    :class:`Banded` threshold (each branch compared exactly; unknown when either side is)."""
    if isinstance(left, Anniversary | Banded):
        raise UserError("成立年限不能与计算值比较 (age compared with a derived value is not compiled)")
    if isinstance(right, Banded):
        branches = [(~right.known, b.null_bool())]
        branches += [
            (test, fact_condition(b, left, op, value, dt.date.min)) for test, value in right.branches
        ]
        return b.cases(branches, b.null_bool())
    if not isinstance(right, Fraction):
        raise UserError("列式编译仅支持以常数作为阈值字段 (threshold_field must be a derived constant)")
    return fact_condition(b, left, op, right, dt.date.min)


def _const(value: Fraction, op: str, t: Fraction) -> bool:
    table = {">=": value >= t, ">": value > t, "<=": value <= t, "<": value < t, "==": value == t}
    if op not in table and op != "!=":
        raise UserError(f"列式编译不支持运算符 {op} (the columnar compiler does not support operator {op})")
    return bool(table[op]) if op != "!=" else value != t


def _age(b: Backend, fact: Anniversary, op: str, t: Fraction, as_of: dt.date) -> Expr:
    if t.denominator != 1 or t < 0:
        raise UserError(f"成立年限阈值须为非负整数年 (age threshold must be whole years, got {t})")
    reg = fact.registration
    anniversary = b.add_years(reg, int(t.numerator))
    on = b.date_lit(as_of)
    if op == "<=":
        out = on <= anniversary
    elif op == "<":
        out = on < anniversary
    elif op == ">":
        out = on > anniversary
    elif op == ">=":
        out = on >= anniversary
    else:
        raise UserError(f"成立年限不支持运算符 {op} (operator {op} not compiled for age)")
    if t == 0 and op in ("<", ">="):  # the age is never negative
        out = b.lit(op == ">=")
    return b.cases([(b.is_null(reg), b.null_bool())], out)
