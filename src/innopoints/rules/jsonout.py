"""JSON output with exact numbers: ``Decimal`` values are written as JSON numbers, not strings or floats."""

from __future__ import annotations

import datetime as dt
import json
from decimal import Decimal
from fractions import Fraction
from typing import Any

from innopoints.rules.numbers import to_display


def _number(value: Decimal) -> str:
    if value == value.to_integral_value() and abs(value) < Decimal(10) ** 20:
        return str(int(value))
    text = format(value, "f")
    return text.rstrip("0").rstrip(".") if "." in text else text


def dumps(value: Any, *, indent: int | None = None, _level: int = 0) -> str:
    """Serialise dicts, lists, str, int, bool, None, Decimal, Fraction and dates to JSON text."""
    pad = "" if indent is None else "\n" + " " * (indent * (_level + 1))
    end = "" if indent is None else "\n" + " " * (indent * _level)
    sep = ", " if indent is None else ","
    if value is None or isinstance(value, bool | str):
        return json.dumps(value, ensure_ascii=False)
    if isinstance(value, int):
        return str(value)
    if isinstance(value, Fraction):
        return _number(to_display(value))
    if isinstance(value, Decimal):
        return _number(value)
    if isinstance(value, dt.date):
        return json.dumps(value.isoformat())
    if isinstance(value, dict):
        if not value:
            return "{}"
        items = [f"{pad}{json.dumps(str(k), ensure_ascii=False)}: {dumps(v, indent=indent, _level=_level + 1)}" for k, v in value.items()]
        return "{" + sep.join(items) + end + "}"
    if isinstance(value, list | tuple):
        if not value:
            return "[]"
        return "[" + sep.join(f"{pad}{dumps(v, indent=indent, _level=_level + 1)}" for v in value) + end + "]"
    raise TypeError(f"cannot serialise {type(value).__name__} to JSON")
