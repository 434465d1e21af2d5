"""A validated rulebook ready for evaluation: dated parameter lookup and band tables on exact numbers."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from decimal import Decimal
from fractions import Fraction
from functools import cached_property
from typing import Any

from innopoints.errors import UserError
from innopoints.rules.numbers import Number, exact
from innopoints.rules.schema import Band, ConditionDecl, Parameter, Period, Rulebook


@dataclass(frozen=True)
class CompiledBand:
    lower: Fraction | None
    lower_inclusive: bool
    upper: Fraction | None
    upper_inclusive: bool
    points: tuple[int, int] | None
    value: Decimal | None
    label: str | None

    @classmethod
    def from_band(cls, band: Band) -> CompiledBand:
        points = band.points
        pair = (
            (points, points) if isinstance(points, int) else (tuple(points) if points is not None else None)
        )
        return cls(
            lower=None if band.lower is None else exact(band.lower),
            lower_inclusive=bool(band.lower_inclusive),
            upper=None if band.upper is None else exact(band.upper),
            upper_inclusive=bool(band.upper_inclusive),
            points=pair,  # type: ignore[arg-type]
            value=band.value,
            label=band.label,
        )

    def contains(self, x: Fraction) -> bool:
        if type(x) is not Fraction:
            return self._contains(x)
        # Exact comparison of x = n/d with each bound p/q by cross-multiplying (all denominators > 0).
        n, d = x.numerator, x.denominator
        lower, upper = self.lower, self.upper
        if lower is not None:
            left, right = n * lower.denominator, lower.numerator * d
            if left < right or (left == right and not self.lower_inclusive):
                return False
        if upper is not None:
            left, right = n * upper.denominator, upper.numerator * d
            return not (left > right or (left == right and not self.upper_inclusive))
        return True

    def _contains(self, x: Any) -> bool:
        if self.lower is not None and (x < self.lower or (x == self.lower and not self.lower_inclusive)):
            return False
        return not (
            self.upper is not None and (x > self.upper or (x == self.upper and not self.upper_inclusive))
        )

    def describe(self) -> str:
        return self._interval

    @cached_property
    def _interval(self) -> str:  # the band is frozen: its text is computed once
        lo = "-∞" if self.lower is None else str(_dec(self.lower))
        hi = "+∞" if self.upper is None else str(_dec(self.upper))
        return f"{'[' if self.lower_inclusive else '('}{lo}, {hi}{']' if self.upper_inclusive else ')'}"

    def as_dict(self) -> dict[str, Any]:
        out: dict[str, Any] = {"interval": self.describe()}
        if self.points is not None:
            out["points"] = list(self.points)
        if self.value is not None:
            out["value"] = self.value
        if self.label:
            out["label"] = self.label
        return out


def _dec(value: Fraction) -> Decimal:
    return Decimal(value.numerator) / Decimal(value.denominator)


@dataclass(frozen=True)
class ResolvedParameter:
    """A parameter's value in force on one date, with everything needed to cite it."""

    id: str
    param: Parameter
    period: Period
    bands: tuple[CompiledBand, ...] | None

    @property
    def value(self) -> Any:
        p = self.period
        if self.param.kind == "scalar":
            return p.value
        if self.param.kind == "set":
            return tuple(p.members or ())
        if self.param.kind == "weights":
            return dict(p.weights or {})
        if self.param.kind == "table":
            return dict(p.rows or {})
        return self.bands

    def band_for(self, x: Number) -> CompiledBand:
        if self.bands is None:
            raise TypeError(f"parameter {self.id} is not a band table")
        fx = exact(x)
        for band in self.bands:
            if band.contains(fx):
                return band
        raise UserError(f"数值 {x} 不在参数 {self.id} 的任何档次内 (value outside every band of {self.id})")

    def citation(self) -> dict[str, Any]:
        return {
            "id": self.id,
            "name": self.param.name.zh,
            "name_en": self.param.name.en,
            "unit": self.param.unit,
            "effective": {
                "from": self.period.start.isoformat(),
                "until": self.period.until.isoformat() if self.period.until else None,
            },
            "reference": self.param.reference,
            "status": self.param.status,
        }

    def trace_entry(self) -> dict[str, Any]:
        """The trace record of this parameter: its citation, value (band tables as dicts) and note.
        A fresh copy on every call (down to the lists inside), so that no two traces share a mutable part."""
        template = self._trace_template
        entry = dict(template)
        entry["effective"] = dict(template["effective"])
        value = template["value"]
        if self.bands is not None:
            entry["value"] = [_copy_band(b) for b in value]
        elif isinstance(value, dict):  # weights and tables: values are numbers or tuples
            entry["value"] = dict(value)
        return entry

    @cached_property
    def _trace_template(self) -> dict[str, Any]:  # the resolution is frozen: built once
        entry: dict[str, Any] = {"kind": "parameter", **self.citation()}
        value = self.value
        entry["value"] = [b.as_dict() for b in value] if self.bands is not None else value
        if self.period.note:
            entry["note"] = self.period.note
        return entry


def _copy_band(band: dict[str, Any]) -> dict[str, Any]:
    """A copy of ``CompiledBand.as_dict()`` output (its only mutable part is the points list)."""
    out = dict(band)
    if "points" in out:
        out["points"] = list(out["points"])
    return out


_MAX_REMEMBERED = 4096  # (parameter, date) resolutions kept per rulebook before starting afresh


class CompiledRulebook:
    def __init__(self, book: Rulebook, *, source: str, digest: str) -> None:
        self.book = book
        self.source = source
        self.digest = digest
        self._bands: dict[tuple[str, int], tuple[CompiledBand, ...]] = {}
        # One resolution per (parameter, period): filled on first use, shared by every evaluation
        # whose date falls in that period (a resolution depends on the period, not on the date).
        self._resolved: dict[tuple[str, int], ResolvedParameter] = {}
        self._by_date: dict[tuple[str, dt.date], ResolvedParameter] = {}
        self._units: dict[str, str | None] = {}
        for pid, param in book.parameters.items():
            for i, period in enumerate(param.values):
                if period.bands is not None:
                    self._bands[(pid, i)] = tuple(CompiledBand.from_band(b) for b in period.bands)

    @property
    def id(self) -> str:
        return self.book.id

    def condition(self, cid: str) -> ConditionDecl:
        return self.book.conditions[cid]

    def unit_of(self, field: str) -> str | None:
        """The unit of a derived value or declared input (None when it has none or is undeclared)."""
        try:
            return self._units[field]
        except KeyError:
            pass
        if field in self.book.derived:
            unit: str | None = self.book.derived[field].unit
        else:
            decl = self.book.inputs.get(field)
            unit = decl.unit if decl is not None else None
        self._units[field] = unit
        return unit

    def resolve(self, pid: str, as_of: dt.date) -> ResolvedParameter:
        """The parameter's value in force on ``as_of`` (remembered per date: evaluations resolve the same
        parameters on the same few dates over and over)."""
        key = (pid, as_of)
        found = self._by_date.get(key)
        if found is None:
            found = self._resolve(pid, as_of)
            if len(self._by_date) >= _MAX_REMEMBERED:
                self._by_date.clear()
            self._by_date[key] = found
        return found

    def _resolve(self, pid: str, as_of: dt.date) -> ResolvedParameter:
        param = self.book.parameters.get(pid)
        if param is None:
            raise KeyError(f"rulebook {self.id} has no parameter {pid!r}")
        for i, period in enumerate(param.values):
            if period.start <= as_of and (period.until is None or as_of < period.until):
                found = self._resolved.get((pid, i))
                if found is None:
                    found = ResolvedParameter(pid, param, period, self._bands.get((pid, i)))
                    self._resolved[(pid, i)] = found
                return found
        raise UserError(
            f"规则库 {self.id} 的参数 {pid}（{param.name.zh}）在 {as_of.isoformat()} 无生效值 "
            f"(no value in force on that date; periods start {param.values[0].start.isoformat()})"
        )
