"""Validate one evaluator's input object against the rulebook's declared inputs.

Accepted values: money as numbers (int or Decimal, at most two decimals; never text or float),
counts as whole numbers, booleans as true/false, dates as ``YYYY-MM-DD`` text, choices as their ids,
series as lists of the declared length (oldest year first). ``null`` or an absent key means
"not known" (booleans with a default take the default only when the key is absent).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from decimal import Decimal, InvalidOperation
from typing import Any

from innopoints.errors import UserError
from innopoints.rules.schema import InputDecl

META_KEYS = frozenset({"as_of", "name", "uscc", "comment"})
_CENT = Decimal("0.01")


def _fail(name: str, expected: str, value: Any) -> UserError:
    if value is True or value is False:
        shown = "true" if value else "false"
    elif isinstance(value, int | Decimal):
        shown = str(value)
    else:
        shown = repr(value)
    return UserError(f"输入字段 {name}：{expected}，实际为 {shown} (invalid input field {name})")


def _number(name: str, value: Any, *, signed: bool) -> Decimal:
    if isinstance(value, bool) or not isinstance(value, int | Decimal):
        raise _fail(name, "应为数字（元）(expected a JSON number in yuan)", value)
    amount = Decimal(value)
    if not amount.is_finite():
        raise _fail(name, "应为有限数字 (expected a finite number)", value)
    try:
        cents = amount.quantize(_CENT)
    except InvalidOperation:
        raise _fail(name, "数值过大 (number too large)", value) from None
    if amount != cents:
        raise _fail(name, "金额最多两位小数（分）(expected at most two decimals: fen)", value)
    if not signed and amount < 0:
        raise _fail(name, "金额不能为负 (expected a non-negative amount)", value)
    return amount


def _whole(name: str, value: Any, decl: InputDecl) -> int:
    if isinstance(value, bool) or not isinstance(value, int | Decimal):
        raise _fail(name, "应为非负整数 (expected a whole number)", value)
    if isinstance(value, Decimal) and (not value.is_finite() or value != value.to_integral_value()):
        raise _fail(name, "应为整数 (expected a whole number)", value)
    number = int(value)
    low = decl.min if decl.min is not None else 0
    if number < low or (decl.max is not None and number > decl.max):
        bound = f"{low}–{decl.max}" if decl.max is not None else f"≥ {low}"
        raise _fail(name, f"应在 {bound} 范围内 (expected a whole number {bound})", value)
    return number


def _one(name: str, value: Any, decl: InputDecl) -> Any:
    if value is None:
        return None
    kind = decl.kind
    if kind in ("money", "signed_money"):
        return _number(name, value, signed=kind == "signed_money")
    if kind in ("count", "points"):
        return _whole(name, value, decl)
    if kind == "bool":
        if not isinstance(value, bool):
            raise _fail(name, "应为 true 或 false (expected a boolean)", value)
        return value
    if kind == "date":
        if isinstance(value, dt.date):
            return value
        if not isinstance(value, str):
            raise _fail(name, "应为日期文本 YYYY-MM-DD (expected a date string)", value)
        try:
            return dt.date.fromisoformat(value)
        except ValueError:
            raise _fail(name, "不是有效日期 YYYY-MM-DD (expected a valid date)", value) from None
    if kind == "choice":
        choices = decl.choices or {}
        if isinstance(value, str):
            if value in choices:
                return value
            for cid, label in choices.items():
                if value in (label.zh, label.en):
                    return cid
        raise _fail(name, f"应为以下之一 (expected one of): {', '.join(choices)}", value)
    raise AssertionError(kind)  # pragma: no cover


def parse_inputs(raw: Any, declared: Mapping[str, InputDecl]) -> dict[str, Any]:
    """Return every declared input by id (None when unknown); raise UserError on malformed input."""
    if not isinstance(raw, Mapping):
        raise UserError("输入须为一个 JSON 对象 (expected one JSON object)")
    out: dict[str, Any] = {}
    for name, decl in declared.items():
        if name not in raw:
            out[name] = decl.default
            continue
        value = raw[name]
        if value is None:
            out[name] = None
            continue
        as_list = isinstance(value, list)
        if decl.shape == "series" or (decl.shape == "scalar_or_series" and as_list):
            if not as_list or (decl.length is not None and len(value) != decl.length):
                raise _fail(
                    name,
                    f"应为 {decl.length} 个年度值的数组，早年在前 (expected an array of {decl.length})",
                    value,
                )
            out[name] = [_one(f"{name}[{i}]", v, decl) for i, v in enumerate(value)]
        else:
            if as_list or isinstance(value, Mapping):
                raise _fail(name, "应为单个值 (expected a single value)", value)
            out[name] = _one(name, value, decl)
    return out


def unknown_fields(raw: Any, declared: Mapping[str, InputDecl]) -> list[str]:
    """Keys of ``raw`` that the evaluator does not read: reported as warnings, never silently dropped."""
    if not isinstance(raw, Mapping):
        return []
    return [str(k) for k in raw if k not in declared and k not in META_KEYS]


def parse_as_of(raw: Any) -> dt.date | None:
    if not isinstance(raw, Mapping) or raw.get("as_of") is None:
        return None
    value = raw["as_of"]
    if isinstance(value, dt.date):
        return value
    try:
        return dt.date.fromisoformat(str(value))
    except ValueError:
        raise _fail("as_of", "不是有效日期 YYYY-MM-DD (expected a valid date)", value) from None
