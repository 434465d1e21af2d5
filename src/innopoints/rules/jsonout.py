"""JSON output with exact numbers: ``Decimal`` values are written as JSON numbers, not strings or floats.

The tree is first made JSON-native with each Decimal replaced by a marker string; the C JSON encoder
then does the work and the markers are unquoted into plain number literals.
"""

from __future__ import annotations

import datetime as dt
import json
import re
from decimal import Decimal
from fractions import Fraction
from typing import Any

from innopoints.rules.numbers import to_display

_MARK = "\x00n:"
_MARKED = re.compile(r'"\\u0000n:([-0-9.eE+]+)"')


def _number(value: Decimal) -> str:
    if value == value.to_integral_value() and abs(value) < Decimal(10) ** 20:
        return str(int(value))
    text = format(value, "f")
    return text.rstrip("0").rstrip(".") if "." in text else text


def _prepare(value: Any) -> Any:
    kind = type(value)
    if kind is dict:
        return {str(k): _prepare(v) for k, v in value.items()}
    if kind is list or kind is tuple:
        return [_prepare(v) for v in value]
    if value is None or kind is bool or kind is str or kind is int:
        return value
    if kind is Decimal:
        return _MARK + _number(value)
    if kind is Fraction:
        return _MARK + _number(to_display(value))
    if isinstance(value, dt.date):
        return value.isoformat()
    if isinstance(value, bool | int | str):
        return value
    raise TypeError(f"cannot serialise {kind.__name__} to JSON")


def dumps(value: Any, *, indent: int | None = None) -> str:
    """Serialise dicts, lists, str, int, bool, None, Decimal, Fraction and dates to JSON text."""
    separators = (", ", ": ") if indent is None else (",", ": ")
    text = json.dumps(_prepare(value), ensure_ascii=False, indent=indent, separators=separators)
    return _MARKED.sub(r"\1", text)
