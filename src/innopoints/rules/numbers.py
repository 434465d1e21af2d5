"""Exact arithmetic helpers: comparisons on ``Fraction``, display as ``Decimal``."""

from __future__ import annotations

from dataclasses import dataclass
from decimal import ROUND_HALF_EVEN, Decimal
from fractions import Fraction

Number = int | Decimal | Fraction


@dataclass(frozen=True, slots=True)
class ScoreRange:
    """Whole points known to lie in ``[lo, hi]``; ``missing`` names the inputs whose absence widened it."""

    lo: int
    hi: int
    missing: tuple[str, ...] = ()

    @classmethod
    def exact(cls, points: int) -> ScoreRange:
        return cls(points, points)

    @property
    def decided(self) -> bool:
        return self.lo == self.hi

    def __add__(self, other: ScoreRange) -> ScoreRange:
        missing = self.missing + tuple(m for m in other.missing if m not in self.missing)
        return ScoreRange(self.lo + other.lo, self.hi + other.hi, missing)

    def capped(self, cap: int) -> ScoreRange:
        return ScoreRange(min(self.lo, cap), min(self.hi, cap), self.missing)

    def as_list(self) -> list[int]:
        return [self.lo, self.hi]


DISPLAY_PLACES = 6
_QUANT = Decimal(1).scaleb(-DISPLAY_PLACES)


def exact(value: Number) -> Fraction:
    """The exact rational value of an int, Decimal or Fraction (never a float)."""
    if type(value) is Fraction:
        return value
    if type(value) is Decimal:  # Fraction(value) would do the same, after slower type tests
        numerator, denominator = value.as_integer_ratio()
        return Fraction(numerator, denominator)
    if type(value) is int:
        return Fraction(value)
    if isinstance(value, bool):
        raise TypeError("a boolean is not a number")
    if isinstance(value, Fraction):
        return value
    return Fraction(value)


def ratio(numerator: Number, denominator: Number) -> Fraction | None:
    """``numerator / denominator`` exactly, or None when the denominator is zero (ratio undefined)."""
    den = exact(denominator)
    if den == 0:
        return None
    return exact(numerator) / den


def to_display(value: Number) -> Decimal:
    """A Decimal for output: integers and short decimals exactly, others rounded half-even to 6 places."""
    if isinstance(value, int):
        return Decimal(value)
    if isinstance(value, Decimal):
        return value
    if value.denominator == 1:
        return Decimal(value.numerator)
    # Exact when the denominator only has factors 2 and 5 and few digits; else rounded.
    quotient = Decimal(value.numerator) / Decimal(value.denominator)
    rounded = quotient.quantize(_QUANT, rounding=ROUND_HALF_EVEN)
    if rounded.as_integer_ratio() == (value.numerator, value.denominator):  # both in lowest terms
        return rounded.normalize() if rounded != 0 else Decimal(0)
    return rounded
