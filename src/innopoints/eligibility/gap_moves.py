"""Exact minimal moves: edits of an evaluator's inputs, and the linear-fractional solver behind them.

Every quantity a ladder condition compares is, as a function of the one input the firm would change by
``k``, of the form ``(a + b·k) / (c + d·k)``: a plain value (``b = ±1, c = 1, d = 0``), a ratio whose
numerator moves (R&D ÷ revenue), a ratio whose numerator and denominator move together (new S&T staff are
also employees), a growth multiple or the 高企 growth rate (linear in the latest year). :func:`solve` finds
the smallest ``k`` — a whole number of fen or of units — that satisfies ``op threshold`` exactly.
"""

from __future__ import annotations

import datetime as dt
import math
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from dataclasses import field as _field
from decimal import Decimal
from fractions import Fraction
from typing import Any

from innopoints.eligibility.gap_text import CENT, human, structured, wan
from innopoints.rules.compiled import CompiledRulebook
from innopoints.rules.numbers import exact

MONEY_STEP = Fraction(1, 100)
COUNT_STEP = Fraction(1)

Sel = tuple[str, int | None]  # an input and, for a series, the element (None: the whole series' total)


@dataclass(frozen=True)
class Context:
    """One evaluator's parsed inputs on one date, with its rulebook for names and units."""

    evaluator: str
    inputs: Mapping[str, Any]
    as_of: dt.date
    book: CompiledRulebook
    details: Mapping[str, Any] = _field(default_factory=dict)  # the evaluator's Verdict.details

    def name(self, field: str) -> str:
        decl = self.book.book.inputs.get(field)
        if decl is not None:
            return decl.name.zh
        derived = self.book.book.derived.get(field)
        return derived.name.zh if derived is not None else field

    def unit(self, field: str) -> str | None:
        decl = self.book.book.inputs.get(field)
        return decl.unit if decl is not None else None

    def kind(self, field: str) -> str:
        return self.book.book.inputs[field].kind

    def step(self, field: str) -> Fraction:
        return MONEY_STEP if self.kind(field) in ("money", "signed_money") else COUNT_STEP

    def index(self, sel: Sel) -> int | None:
        name, index = sel
        value = self.inputs.get(name)
        if index is None or not isinstance(value, list):
            return None
        return index % len(value)

    def value(self, sel: Sel) -> Fraction | None:
        """An element, a scalar, or (index None) the total of a series; None when unknown."""
        name, index = sel
        value = self.inputs.get(name)
        if value is None:
            return None
        if isinstance(value, list):
            picked = value if index is None else [value[index]]
            if any(v is None for v in picked):
                return None
            return sum((exact(v) for v in picked), Fraction(0))
        return exact(value)


@dataclass(frozen=True)
class Step:
    """One edit: ``input`` (element ``index`` of a series) goes from ``before`` to ``after``."""

    input: str
    index: int | None
    before: Any
    after: Any
    unit: str | None
    name: str

    @property
    def delta(self) -> Any:
        numeric = (int, Decimal)
        if isinstance(self.after, numeric) and not isinstance(self.after, bool):
            before = self.before if isinstance(self.before, numeric) else 0
            return self.after - before
        return None

    def label(self, length: int | None) -> str:
        if self.index is None or length is None:
            return self.name
        if self.index == length - 1:
            return f"{self.name}（最近一年）"
        if self.index == 0:
            return f"{self.name}（基期/第1年）"
        return f"{self.name}（第{self.index + 1}年）"

    def as_dict(self) -> dict[str, Any]:
        out: dict[str, Any] = {"input": self.input, "name": self.name}
        if self.index is not None:
            out["index"] = self.index
        out["from"] = structured(self.before, self.unit)
        out["to"] = structured(self.after, self.unit)
        delta = self.delta
        if delta is not None:
            out["delta"] = structured(delta, self.unit)
            if self.unit in ("元", "美元"):
                out["delta_wan"] = wan(delta, self.unit)
        if self.unit:
            out["unit"] = self.unit
        return out


def apply_steps(inputs: Mapping[str, Any], steps: Sequence[Step]) -> dict[str, Any]:
    out = dict(inputs)
    for step in steps:
        if step.index is None:
            out[step.input] = step.after
        else:
            series = list(out[step.input])
            series[step.index] = step.after
            out[step.input] = series
    return out


@dataclass
class Option:
    """One way to satisfy a score condition: ``steps`` together; each of ``lesses`` is the same with one
    move a fen / a unit smaller. ``reached`` reads the points the move is meant to reach from a Verdict's
    details (None: the option must make the condition itself met)."""

    text: str
    steps: list[Step]
    lesses: list[list[Step]]
    points: dict[str, Any]
    reached: Callable[[Mapping[str, Any]], Any] | None = None
    expected: Any = None
    assumptions: list[str] = _field(default_factory=list)
    side_effects: list[str] = _field(default_factory=list)

    def as_dict(self) -> dict[str, Any]:
        out: dict[str, Any] = {"text": self.text, "change": [s.as_dict() for s in self.steps], **self.points}
        if self.assumptions:
            out["assumptions"] = list(self.assumptions)
        if self.side_effects:
            out["side_effects"] = list(self.side_effects)
        return out


@dataclass
class Remedy:
    """The minimal change for one condition (``steps`` empty when no data change can satisfy it)."""

    steps: list[Step]
    text: str
    achievable: bool
    less: list[Step] | None = None  # the same change one fen / one unit / one day smaller
    achievable_on: dt.date | None = None
    reason: str | None = None
    assumptions: list[str] = _field(default_factory=list)
    side_effects: list[str] = _field(default_factory=list)
    options: list[Option] = _field(default_factory=list)
    extra: dict[str, Any] = _field(default_factory=dict)

    def as_dict(self) -> dict[str, Any]:
        out: dict[str, Any] = {
            "change": [s.as_dict() for s in self.steps],
            "delta_text": self.text,
            "achievable": self.achievable,
            "achievable_on": self.achievable_on.isoformat() if self.achievable_on else None,
        }
        if self.reason:
            out["reason"] = self.reason
        if self.assumptions:
            out["assumptions"] = list(self.assumptions)
        if self.side_effects:
            out["side_effects"] = list(self.side_effects)
        if self.extra:
            out.update(self.extra)
        if self.options:
            out["options"] = [o.as_dict() for o in self.options]
        return out


def _bound(x: Fraction, step: Fraction, *, strict: bool, upper: bool) -> Fraction:
    """The grid point (a multiple of ``step``) closest to ``x`` on the admissible side."""
    units = x / step
    if upper:
        return (math.ceil(units) - 1 if strict else math.floor(units)) * step
    return (math.floor(units) + 1 if strict else math.ceil(units)) * step


def solve(
    coeffs: tuple[Fraction, Fraction, Fraction, Fraction], op: str, threshold: Any, step: Fraction
) -> Fraction | None:
    """Smallest ``k ≥ 0`` (a multiple of ``step``) with ``(a + b·k) / (c + d·k) op threshold`` and a
    positive denominator; None when no ``k`` works (the quantity does not move towards the threshold).

    With ``c + d·k > 0`` the condition is ``(b − t·d)·k op (t·c − a)``: each constraint is a half-line, a
    constant or empty; the answer is the first grid point of their intersection."""
    if op not in (">=", ">", "<=", "<"):
        raise ValueError(f"no minimal move for operator {op}")
    a, b, c, d = coeffs
    t = exact(threshold)
    slope, rest = b - t * d, t * c - a
    strict = op in (">", "<")
    lows, highs = [Fraction(0)], []
    if slope == 0:
        holds = {">=": rest <= 0, ">": rest < 0, "<=": rest >= 0, "<": rest > 0}[op]
        if not holds:
            return None
    elif (slope > 0) == (op in (">=", ">")):
        lows.append(_bound(rest / slope, step, strict=strict, upper=False))
    else:
        highs.append(_bound(rest / slope, step, strict=strict, upper=True))
    if d == 0:
        if c <= 0:
            return None
    elif d > 0:
        lows.append(_bound(-c / d, step, strict=True, upper=False))
    else:
        highs.append(_bound(-c / d, step, strict=True, upper=True))
    k = max(lows)
    return None if any(k > h for h in highs) else k


def numeric_steps(ctx: Context, moves: Sequence[Sel], k: Fraction, sign: int) -> list[Step]:
    """Add ``sign·k`` to every moved input (they move in lockstep: e.g. R&D and domestic R&D)."""
    steps = []
    for sel in moves:
        name = sel[0]
        index = ctx.index(sel)
        current = ctx.inputs.get(name)
        before = current[index] if index is not None and isinstance(current, list) else current
        base = exact(before if before is not None else 0)
        after_f = base + sign * k
        if ctx.step(name) == MONEY_STEP:
            after: Any = (Decimal(after_f.numerator) / Decimal(after_f.denominator)).quantize(CENT)
        else:
            after = int(after_f)
        steps.append(Step(name, index, before, after, ctx.unit(name), ctx.name(name)))
    return steps


def phrase(ctx: Context, step: Step) -> str:
    """Chinese text of one numeric edit, e.g. ``研发费用总额（最近一年）需再增加 37.2万元``."""
    current = ctx.inputs.get(step.input)
    label = step.label(len(current) if isinstance(current, list) else None)
    delta = step.delta
    if delta is None:
        return f"{label}：{human(step.before, step.unit)} → {human(step.after, step.unit)}"
    verb = "需再增加" if delta > 0 else "需减少"
    if step.unit in ("元", "美元"):
        return f"{label}{verb} {wan(abs(delta), step.unit)}"
    count = abs(int(delta))
    if delta > 0 and step.input in ("ip_class1", "ip_class2"):
        return f"再获得 {count} 项{'Ⅰ' if step.input == 'ip_class1' else 'Ⅱ'}类知识产权"
    return f"{label}{verb} {count} {step.unit or ''}".rstrip()
