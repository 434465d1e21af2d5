"""Exact number formatting for gap reports: 元 strings (two decimals), 万元 texts, percentages.

Structured fields carry money as exact decimal strings in yuan (``"372000.00"``); Chinese texts show
万元 (``"37.2万元"``, exact: a shift of four decimal places, never rounded).
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from fractions import Fraction
from typing import Any

from innopoints.rules.numbers import ScoreRange, to_display

CENT = Decimal("0.01")
MONEY_UNITS = frozenset({"元", "美元"})


def as_fraction(value: Any) -> Fraction:
    if isinstance(value, Fraction):
        return value
    if isinstance(value, bool):
        raise TypeError("a boolean is not a number")
    return Fraction(value)


def yuan(value: Any) -> str:
    """Exact money text in yuan with two decimals (``"372000.00"``); more decimals are kept if present."""
    frac = as_fraction(value)
    shown = to_display(frac)
    if Fraction(shown) == frac and shown == shown.quantize(CENT):
        return str(shown.quantize(CENT))
    return str(shown)


def wan(value: Any, unit: str = "元") -> str:
    """Money in 万 of ``unit``: ``372000`` → ``"37.2万元"``; exact (a shift of four places)."""
    frac = as_fraction(value)
    shown = to_display(frac / 10000)
    text = format(shown.normalize(), ",f") if shown != 0 else "0"
    prefix = "万美元" if unit == "美元" else "万元"
    return f"{text}{prefix}"


def percent(value: Any) -> str:
    """A ratio as a percentage text: ``Fraction(3, 50)`` → ``"6%"`` (exact when short, else 4 places)."""
    shown = to_display(as_fraction(value) * 100)
    text = format(shown.normalize(), "f") if shown != 0 else "0"
    return f"{text}%"


def structured(value: Any, unit: str | None) -> Any:
    """The exact structured form of an observed/threshold value for JSON output."""
    if value is None or isinstance(value, bool | str):
        return value
    if isinstance(value, dt.date):
        return value.isoformat()
    if isinstance(value, ScoreRange):
        return value.lo if value.decided else value.as_list()
    if isinstance(value, list | tuple):
        return [structured(v, unit) for v in value]
    if isinstance(value, int | Decimal | Fraction):
        if unit in MONEY_UNITS:
            return yuan(value)
        if isinstance(value, int):
            return value
        frac = as_fraction(value)
        if frac.denominator == 1:
            return int(frac)
        return str(to_display(frac))
    return value


def human(value: Any, unit: str | None) -> str:
    """A short Chinese rendering of a value with its unit (万元 for money, % for ratios)."""
    if value is None:
        return "未知"
    if isinstance(value, bool):
        return "是" if value else "否"
    if isinstance(value, dt.date):
        return value.isoformat()
    if isinstance(value, ScoreRange):
        return f"{value.lo}分" if value.decided else f"{value.lo}–{value.hi}分"
    if isinstance(value, list | tuple):
        return "、".join(human(v, unit) for v in value)
    if isinstance(value, str):
        return value
    if unit in MONEY_UNITS:
        return wan(value, unit)
    if unit == "比例":
        return percent(value)
    shown = to_display(as_fraction(value))
    text = format(shown.normalize(), "f") if shown != 0 else "0"
    return f"{text}{unit or ''}"
