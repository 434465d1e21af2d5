"""Money in integer fen: parse user input exactly, show it with its unit (元 / 万元 / 亿元)."""

from __future__ import annotations

import re
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation

from innopoints.errors import UserError

FEN_PER_YUAN = 100
_UNITS = {
    "": Decimal(1),
    "元": Decimal(1),
    "万": Decimal(10_000),
    "万元": Decimal(10_000),
    "亿": Decimal(10**8),
}
_UNITS["亿元"] = Decimal(10**8)
_MONEY = re.compile(r"^([+-]?\d+(?:\.\d+)?)(元|万元|万|亿元|亿)?$")


def parse_fen(text: str | int | Decimal, what: str = "金额") -> int:
    """Integer fen from ``1200000``, ``1,200,000.50``, ``120万``, ``1.2亿元``; refuses fractions of a fen."""
    if isinstance(text, int):
        return text * FEN_PER_YUAN
    raw = str(text)
    cleaned = re.sub(r"[\s,，¥￥]", "", raw)
    match = _MONEY.match(cleaned)
    if not match:
        raise UserError(f"{what}“{raw}”无法识别，应为数字加可选单位（元、万元、亿元），如 120万 或 1200000")
    try:
        yuan = Decimal(match.group(1)) * _UNITS[match.group(2) or ""]
    except InvalidOperation as exc:  # pragma: no cover - the pattern admits only numbers
        raise UserError(f"{what}“{raw}”无法识别") from exc
    fen = yuan * FEN_PER_YUAN
    if fen != fen.to_integral_value():
        raise UserError(f"{what}“{raw}”精确到分以下，应最多两位小数（元）")
    if fen < 0:
        raise UserError(f"{what}“{raw}”不能为负数")
    return int(fen)


def yuan(fen: int) -> Decimal:
    return Decimal(fen) / FEN_PER_YUAN


def fmt_yuan(fen: int) -> str:
    """Exact yuan with two decimals: ``1,234,567.89 元``."""
    return f"{yuan(fen):,.2f} 元"


def fmt_money(fen: int) -> str:
    """A readable amount with its unit: 亿元 from 1亿, 万元 from 1万, else 元 (rounded half up for display)."""
    value = yuan(fen)
    if abs(value) >= 10**8:
        return f"{(value / 10**8).quantize(Decimal('0.01'), ROUND_HALF_UP):,} 亿元"
    if abs(value) >= 10**4:
        return f"{(value / 10**4).quantize(Decimal('0.01'), ROUND_HALF_UP):,} 万元"
    return f"{value.quantize(Decimal('0.01'), ROUND_HALF_UP):,} 元"


def fmt_pct(value: Decimal, places: int = 1) -> str:
    q = Decimal(1).scaleb(-places)
    return f"{(value * 100).quantize(q, ROUND_HALF_UP)}%"
