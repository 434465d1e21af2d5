"""A validated rulebook ready for evaluation: dated parameter lookup and band tables on exact numbers."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from decimal import Decimal
from fractions import Fraction
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
        if self.lower is not None and (x < self.lower or (x == self.lower and not self.lower_inclusive)):
            return False
        return not (
            self.upper is not None and (x > self.upper or (x == self.upper and not self.upper_inclusive))
        )

    def describe(self) -> str:
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


class CompiledRulebook:
    def __init__(self, book: Rulebook, *, source: str, digest: str) -> None:
        self.book = book
        self.source = source
        self.digest = digest
        self._bands: dict[tuple[str, int], tuple[CompiledBand, ...]] = {}
        for pid, param in book.parameters.items():
            for i, period in enumerate(param.values):
                if period.bands is not None:
                    self._bands[(pid, i)] = tuple(CompiledBand.from_band(b) for b in period.bands)

    @property
    def id(self) -> str:
        return self.book.id

    def condition(self, cid: str) -> ConditionDecl:
        return self.book.conditions[cid]

    def resolve(self, pid: str, as_of: dt.date) -> ResolvedParameter:
        param = self.book.parameters.get(pid)
        if param is None:
            raise KeyError(f"rulebook {self.id} has no parameter {pid!r}")
        for i, period in enumerate(param.values):
            if period.start <= as_of and (period.until is None or as_of < period.until):
                return ResolvedParameter(pid, param, period, self._bands.get((pid, i)))
        raise UserError(
            f"规则库 {self.id} 的参数 {pid}（{param.name.zh}）在 {as_of.isoformat()} 无生效值 "
            f"(no value in force on that date; periods start {param.values[0].start.isoformat()})"
        )
