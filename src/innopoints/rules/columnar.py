"""Compile a rulebook's declarations to columnar expressions (Polars here, PySpark in columnar_spark).

The compiler reads the same :class:`CompiledRulebook` the single-firm :class:`Evaluation` reads:
dated parameters resolved at one as-of date, band tables with explicit inclusivity and conditions
``field op param`` / ``all_of`` / ``any_of``. Nothing numeric is written here: every threshold and
band edge comes from the rulebook.

Conventions of the firm table (one row per firm):

* inputs are integer columns in ``units[kind]`` per declared unit (default: money in fen, i.e. 100 per
  元; counts in whole units); thresholds ``p/q`` are compared by cross-multiplication (``x·q op p·unit``)
  and ratios ``a/b`` against a band edge ``p/q`` as ``a·q op p·b`` — exact integers, never floats;
* booleans are nullable: null means unknown, and ``all_of``/``any_of`` use Kleene logic (as
  :mod:`innopoints.rules.results` does);
* points are ranges ``[lo, hi]`` exactly like :class:`~innopoints.rules.numbers.ScoreRange`: a missing
  input widens them to ``[0, maximum]`` and a condition on a range is decided only when both ends agree.
  A value outside every band (which the single evaluator refuses) gives null points: unknown.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from fractions import Fraction
from typing import Any, Protocol

import polars as pl

from innopoints.errors import UserError
from innopoints.rules.columnar_facts import Banded, Fact, compare, fact_condition, fact_vs_fact
from innopoints.rules.compiled import CompiledBand, CompiledRulebook, ResolvedParameter
from innopoints.rules.numbers import exact

Expr = Any  # a Polars expression or a PySpark Column, depending on the backend
DEFAULT_UNITS: Mapping[str, int] = {"money": 100, "signed_money": 100, "count": 1, "points": 1}


class Backend(Protocol):
    """The few constructs that differ between engines; arithmetic, comparison, ``&``, ``|``, ``~`` and
    ``alias`` are the same Python operators on both."""

    def col(self, name: str) -> Expr: ...
    def lit(self, value: int | bool | str) -> Expr: ...
    def null_int(self) -> Expr: ...
    def null_bool(self) -> Expr: ...
    def null_str(self) -> Expr: ...
    def is_null(self, expr: Expr) -> Expr: ...
    def fill_null(self, expr: Expr, value: int | bool) -> Expr: ...
    def cases(self, branches: Sequence[tuple[Expr, Expr]], otherwise: Expr) -> Expr: ...
    def is_in(self, expr: Expr, members: Sequence[str]) -> Expr: ...
    def date_lit(self, day: dt.date) -> Expr: ...
    def add_years(self, expr: Expr, years: int) -> Expr: ...
    def days_between(self, start: Expr, end: Expr) -> Expr: ...
    def wide(self, expr: Expr) -> Expr: ...


class PolarsBackend:
    def col(self, name: str) -> Expr:
        return pl.col(name)

    def lit(self, value: int | bool | str) -> Expr:
        if isinstance(value, bool):
            return pl.lit(value, dtype=pl.Boolean)
        return pl.lit(value, dtype=pl.Int64) if isinstance(value, int) else pl.lit(value, dtype=pl.Utf8)

    def null_int(self) -> Expr:
        return pl.lit(None, dtype=pl.Int64)

    def null_bool(self) -> Expr:
        return pl.lit(None, dtype=pl.Boolean)

    def null_str(self) -> Expr:
        return pl.lit(None, dtype=pl.Utf8)

    def is_null(self, expr: Expr) -> Expr:
        return expr.is_null()

    def fill_null(self, expr: Expr, value: int | bool) -> Expr:
        return expr.fill_null(self.lit(value))

    def cases(self, branches: Sequence[tuple[Expr, Expr]], otherwise: Expr) -> Expr:
        (cond, value), *rest = branches
        chain: Any = pl.when(cond).then(value)
        for cond, value in rest:
            chain = chain.when(cond).then(value)
        return chain.otherwise(otherwise)

    def is_in(self, expr: Expr, members: Sequence[str]) -> Expr:
        return pl.when(expr.is_null()).then(self.null_bool()).otherwise(expr.is_in(list(members)))

    def date_lit(self, day: dt.date) -> Expr:
        return pl.lit(day, dtype=pl.Date)

    def add_years(self, expr: Expr, years: int) -> Expr:
        """The same day ``years`` later; 29 February → 28 February (as ``common.add_years``)."""
        return expr.dt.offset_by(f"{years}y")

    def days_between(self, start: Expr, end: Expr) -> Expr:
        """Whole days from ``start`` to ``end`` (``(end − start).days``)."""
        return (end - start).dt.total_days().cast(pl.Int64)

    def wide(self, expr: Expr) -> Expr:
        """An exact integer type wide enough for products of two money amounts (128-bit)."""
        return expr.cast(pl.Int128)


@dataclass(frozen=True)
class Points:
    """Whole points known to lie in ``[lo, hi]`` (two integer expressions; null = outside every band)."""

    lo: Expr
    hi: Expr


def _fraction(value: Any) -> Fraction:
    if isinstance(value, bool) or value is None:
        raise TypeError(f"expected a number, got {value!r}")
    return exact(value)


class ColumnarRulebook:
    """One rulebook at one as-of date, compiled against a firm table through ``backend``.

    ``inputs`` maps declared input ids to expressions (integer columns in ``units`` or booleans); an
    input not given takes its declared default, else it is unknown (null).
    """

    def __init__(
        self,
        book: CompiledRulebook,
        as_of: dt.date,
        backend: Backend,
        inputs: Mapping[str, Expr | Sequence[Expr]],
        units: Mapping[str, int] = DEFAULT_UNITS,
    ) -> None:
        unknown = [name for name in inputs if name not in book.book.inputs]
        if unknown:
            raise UserError(f"规则库 {book.id} 未声明输入 (undeclared inputs): {', '.join(unknown)}")
        self.book, self.as_of, self.b, self.units = book, as_of, backend, units
        self._inputs = dict(inputs)

    # -- facts and parameters -------------------------------------------------------------------
    def param(self, pid: str) -> ResolvedParameter:
        return self.book.resolve(pid, self.as_of)

    def value(self, pid: str) -> Any:
        return self.param(pid).value

    def input(self, name: str) -> Expr:
        decl = self.book.book.inputs[name]
        if decl.shape == "series":
            raise UserError(f"输入 {name} 为多年序列，请用 series() (series input: use series())")
        if name in self._inputs:
            return self._inputs[name]
        if decl.default is not None:
            return self.b.lit(decl.default)
        if decl.kind == "bool":
            return self.b.null_bool()
        return self.b.null_str() if decl.kind == "choice" else self.b.null_int()

    def series(self, name: str) -> list[Expr]:
        """A series input as one expression per year, oldest first (all null when not given)."""
        decl = self.book.book.inputs[name]
        if decl.shape != "series" or decl.length is None:
            raise UserError(f"输入 {name} 不是定长多年序列 (not a fixed-length series input)")
        given = self._inputs.get(name)
        if given is None:
            return [self.b.null_int() for _ in range(decl.length)]
        values = list(given) if isinstance(given, Sequence) else [given]
        if len(values) != decl.length:
            raise UserError(
                f"输入 {name} 应为 {decl.length} 个年度列 (expected {decl.length} yearly columns)"
            )
        return values

    def unit_of(self, name: str) -> int:
        return self.units[self.book.book.inputs[name].kind]

    # -- points ---------------------------------------------------------------------------------
    def _band_test(self, band: CompiledBand, num: Expr, den: Expr | int) -> Expr:
        """``num/den`` inside ``band`` (``den`` positive), by cross-multiplication."""
        terms: list[Expr] = []
        if band.lower is not None:
            p, q = band.lower.numerator, band.lower.denominator
            terms.append(compare(num * q, ">=" if band.lower_inclusive else ">", den * p))
        if band.upper is not None:
            p, q = band.upper.numerator, band.upper.denominator
            terms.append(compare(num * q, "<=" if band.upper_inclusive else "<", den * p))
        out = self.b.lit(True)
        for term in terms:
            out = out & term
        return out

    def band_points(self, pid: str, num: Expr, den: Expr | int) -> Points:
        """Points of the band of ``pid`` holding ``num ÷ den`` (``den`` positive); null outside every band."""
        bands = self.param(pid).bands
        if bands is None:
            raise TypeError(f"parameter {pid} is not a band table")
        lows: list[tuple[Expr, Expr]] = []
        highs: list[tuple[Expr, Expr]] = []
        for band in bands:
            if band.points is None:
                raise TypeError(f"band table {pid} gives values, not points")
            test = self._band_test(band, num, den)
            lows.append((test, self.b.lit(band.points[0])))
            highs.append((test, self.b.lit(band.points[1])))
        return Points(self.b.cases(lows, self.b.null_int()), self.b.cases(highs, self.b.null_int()))

    def band_index(self, pid: str, num: Expr, den: Expr | int) -> Expr:
        """Index of the band of ``pid`` holding ``num ÷ den`` (``den`` positive); null outside every band.
        A plan can write it to a column and read the points with :meth:`band_index_points`, testing the
        band edges once (worth it for wide-integer tests)."""
        bands = self.param(pid).bands
        if bands is None:
            raise TypeError(f"parameter {pid} is not a band table")
        branches = [(self._band_test(band, num, den), self.b.lit(i)) for i, band in enumerate(bands)]
        return self.b.cases(branches, self.b.null_int())

    def band_index_points(self, pid: str, index: Expr) -> Points:
        """The points of band number ``index`` of ``pid`` (null index: null points)."""
        bands = self.param(pid).bands or ()
        lows, highs = [], []
        for i, band in enumerate(bands):
            if band.points is None:
                raise TypeError(f"band table {pid} gives values, not points")
            lows.append((index == self.b.lit(i), self.b.lit(band.points[0])))
            highs.append((index == self.b.lit(i), self.b.lit(band.points[1])))
        return Points(self.b.cases(lows, self.b.null_int()), self.b.cases(highs, self.b.null_int()))

    def _unknown_or(self, known: Expr, points: Points, maximum: int) -> Points:
        return Points(
            self.b.cases([(~known, self.b.lit(0))], points.lo),
            self.b.cases([(~known, self.b.lit(int(maximum)))], points.hi),
        )

    def ratio_points(self, num: str, den: str, pid: str, maximum: int, *, undefined: int = 0) -> Points:
        """Band points of ``num ÷ den``: ``[0, maximum]`` when either is missing, ``undefined`` when
        ``den`` is 0 (the ratio has no value), null when ``den`` is negative or no band holds it."""
        if self.unit_of(num) != self.unit_of(den):
            raise TypeError(f"{num} and {den} are not in the same unit")
        n, d = self.input(num), self.input(den)
        known = ~(self.b.is_null(n) | self.b.is_null(d))
        return self.ratio_expr_points(n, d, known, pid, maximum, undefined=undefined)

    def ratio_expr_points(
        self, n: Expr, d: Expr, known: Expr, pid: str, maximum: int, *, undefined: int = 0
    ) -> Points:
        """As :meth:`ratio_points` for a derived ratio ``n ÷ d`` whose inputs are known when ``known``."""
        inner = self.band_points(pid, n, d)
        zero, bad = d == 0, d < 0
        fixed = [(zero, self.b.lit(undefined)), (bad, self.b.null_int())]
        banded = Points(self.b.cases(fixed, inner.lo), self.b.cases(fixed, inner.hi))
        return self._unknown_or(known, banded, maximum)

    def count_points(self, name: str, pid: str, maximum: int) -> Points:
        """Band points of one input: ``[0, maximum]`` when it is missing."""
        x = self.input(name)
        inner = self.band_points(pid, x, self.unit_of(name))
        return self._unknown_or(~self.b.is_null(x), inner, maximum)

    def band_value(self, pid: str, num: Expr, den: Expr | int, known: Expr) -> Banded:
        """The value of the band of ``pid`` holding ``num ÷ den`` (``den`` positive) as a threshold fact,
        e.g. the 高企 R&D ratio required by the latest year's sales band; unknown unless ``known``."""
        bands = self.param(pid).bands
        if bands is None:
            raise TypeError(f"parameter {pid} is not a band table")
        branches = []
        for band in bands:
            if band.value is None:
                raise TypeError(f"band table {pid} gives points, not values")
            branches.append((self._band_test(band, num, den), Fraction(band.value)))
        return Banded(tuple(branches), known)

    def given(self, name: str) -> Expr | Sequence[Expr] | None:
        """The expression(s) given for a declared input (a list for a multi-year input), None if absent."""
        if name not in self.book.book.inputs:
            raise KeyError(name)
        return self._inputs.get(name)

    def band_maximum(self, pid: str) -> int:
        """The highest points any band of ``pid`` gives (the maximum of an item scored by that table)."""
        bands = self.param(pid).bands or ()
        return max(band.points[1] for band in bands if band.points is not None)

    def table_points(self, pid: str, key: Expr, rows: Mapping[bool, str]) -> Points:
        """Points of a ``table`` parameter row chosen by a nullable Boolean (null: ``[0, highest row]``)."""
        table = self.value(pid)
        yes, no = int(table[rows[True]]), int(table[rows[False]])
        exact_pts = self.b.cases([(key, self.b.lit(yes))], self.b.lit(no))
        known = ~self.b.is_null(key)
        return self._unknown_or(known, Points(exact_pts, exact_pts), max(yes, no))

    def capped(self, points: Points, cap: int) -> Points:
        """``min(lo, cap)``, ``min(hi, cap)`` as ``ScoreRange.capped``."""
        c = self.b.lit(int(cap))
        return Points(
            self.b.cases([(points.lo > c, c)], points.lo), self.b.cases([(points.hi > c, c)], points.hi)
        )

    def best_of(self, *ranges: Points) -> Points:
        """The better of alternative scorings (max of lows, max of highs), as the evaluator's best_of."""
        return Points(self._greatest([r.lo for r in ranges]), self._greatest([r.hi for r in ranges]))

    def _greatest(self, exprs: list[Expr]) -> Expr:
        out = exprs[0]
        for e in exprs[1:]:
            either_null = self.b.is_null(out) | self.b.is_null(e)
            out = self.b.cases([(either_null, self.b.null_int()), (out >= e, out)], e)
        return out

    @staticmethod
    def total(*ranges: Points) -> Points:
        lo, hi = ranges[0].lo, ranges[0].hi
        for r in ranges[1:]:
            lo, hi = lo + r.lo, hi + r.hi
        return Points(lo, hi)

    # -- conditions -----------------------------------------------------------------------------
    def leaves(self, cid: str) -> list[str]:
        """The plain (non-composite) conditions under ``cid``, in declaration order."""
        decl = self.book.condition(cid)
        children = decl.all_of or decl.any_of
        if children is None:
            return [cid]
        return [leaf for child in children for leaf in self.leaves(child)]

    def composite(self, cid: str, decided: Mapping[str, Expr]) -> Expr:
        """An ``all_of``/``any_of`` condition (Kleene logic, as :meth:`condition`) over plain conditions
        already computed — e.g. written to columns by an earlier phase — given in ``decided``."""
        if cid in decided:
            return decided[cid]
        decl = self.book.condition(cid)
        children = decl.all_of or decl.any_of
        if children is None:
            raise UserError(f"条件 {cid} 未预先计算 (plain condition {cid} not among the decided ones)")
        parts = [self.composite(child, decided) for child in children]
        out = parts[0]
        for part in parts[1:]:
            out = (out & part) if decl.all_of is not None else (out | part)
        return out

    def condition(self, cid: str, derived: Mapping[str, Points | Fact]) -> Expr:
        """The condition as a nullable boolean (null = unknown); ``derived`` holds the values that
        conditions on derived facts compare: points ranges (e.g. ``score``) or the facts of
        :mod:`innopoints.rules.columnar_facts` (ratios, quantities, ages, constants)."""
        decl = self.book.condition(cid)
        if decl.all_of is not None or decl.any_of is not None:
            parts = [self.condition(child, derived) for child in (decl.all_of or decl.any_of or [])]
            out = parts[0]
            for part in parts[1:]:
                out = (out & part) if decl.all_of is not None else (out | part)
            return out
        assert decl.field is not None and decl.op is not None
        threshold = self.value(decl.param) if decl.param is not None else decl.value
        if decl.field in derived:
            fact = derived[decl.field]
            if isinstance(fact, Points):
                return self._range_condition(fact, decl.op, _fraction(threshold))
            if decl.threshold_field is not None:
                if decl.threshold_field not in derived:
                    raise UserError(f"条件 {cid} 的阈值字段 {decl.threshold_field} 未提供 (not supplied)")
                other = derived[decl.threshold_field]
                if isinstance(other, Points):
                    raise UserError(f"条件 {cid}：分数区间不能作阈值 (a points range cannot be a threshold)")
                return fact_vs_fact(self.b, fact, decl.op, other)
            return fact_condition(self.b, fact, decl.op, _fraction(threshold), self.as_of)
        if decl.field not in self.book.book.inputs:
            raise UserError(
                f"条件 {cid} 的字段 {decl.field} 需要计算值 (derived value not supplied to the compiler)"
            )
        left = self.input(decl.field)
        if decl.op == "in":
            if not isinstance(threshold, tuple):
                raise UserError(f"条件 {cid}：运算符 in 需要集合参数 (operator in needs a set parameter)")
            return self.b.is_in(left, [str(m) for m in threshold])
        if decl.threshold_field is not None:
            if self.unit_of(decl.field) != self.unit_of(decl.threshold_field):
                raise TypeError(f"{decl.field} and {decl.threshold_field} are not in the same unit")
            return compare(left, decl.op, self.input(decl.threshold_field))
        if isinstance(threshold, bool | str):
            return compare(left, decl.op, self.b.lit(threshold))
        t = _fraction(threshold) * self.unit_of(decl.field)
        return compare(left * t.denominator, decl.op, self.b.lit(t.numerator))

    def _range_condition(self, rng: Points, op: str, t: Fraction) -> Expr:
        """Decided when the comparison gives the same answer at both ends (for ``==``/``!=``: when the
        range is one value or does not contain the threshold), as Evaluation._check_range."""
        p, q = self.b.lit(t.numerator), t.denominator
        low, high = compare(rng.lo * q, op, p), compare(rng.hi * q, op, p)
        if op in ("==", "!="):
            inside = (rng.lo * q <= p) & (rng.hi * q >= p)
            decided = (rng.lo == rng.hi) | ~inside
        else:
            decided = low == high
        return self.b.cases([(decided, low)], self.b.null_bool())
