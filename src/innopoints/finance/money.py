"""Money in integer fen (分): exact conversion from 元 text or Decimal, and display with units."""

from __future__ import annotations

import re
from decimal import ROUND_DOWN, Decimal, InvalidOperation

from innopoints.errors import UserError

FEN_PER_YUAN = 100
_UNITS = {
    "元": Decimal(1),
    "万元": Decimal(10_000),
    "万": Decimal(10_000),
    "亿元": Decimal(10**8),
    "亿": Decimal(10**8),
}
_AMOUNT = re.compile(r"^\s*([+-]?\d+(?:\.\d+)?)\s*(元|万元|万|亿元|亿)?\s*$")
MAX_FEN = 10**17  # far above any loan; keeps BigInteger columns safe


def yuan_to_fen(yuan: Decimal | int, *, what: str = "金额") -> int:
    """Exact 元 → 分; more than two decimals of 元 is refused (never rounded)."""
    amount = Decimal(yuan)
    fen = amount * FEN_PER_YUAN
    if fen != fen.to_integral_value():
        raise UserError(f"{what}“{yuan}”：金额最多两位小数（分）(expected at most two decimals in 元)")
    return int(fen)


def parse_amount(text: str, *, what: str = "金额") -> int:
    """``"300万"``, ``"3000000.00"``, ``"1.5亿元"`` → integer fen; positive, exact."""
    match = _AMOUNT.match(str(text))
    if not match:
        raise UserError(
            f"{what}“{text}”不是有效金额，应为数字加可选单位 元/万元/亿元，例如 300万 (invalid amount)"
        )
    try:
        yuan = Decimal(match.group(1)) * _UNITS[match.group(2) or "元"]
    except InvalidOperation:
        raise UserError(f"{what}“{text}”不是有效金额 (invalid amount)") from None
    fen = yuan_to_fen(yuan, what=what)
    if fen <= 0:
        raise UserError(f"{what}“{text}”须大于 0 (expected a positive amount)")
    if fen > MAX_FEN:
        raise UserError(f"{what}“{text}”过大 (amount too large)")
    return fen


def fen_to_yuan(fen: int) -> Decimal:
    return (Decimal(fen) / FEN_PER_YUAN).quantize(Decimal("0.01"))


def yuan_text(fen: int) -> str:
    """``123456789`` → ``"1,234,567.89 元"``."""
    return f"{fen_to_yuan(fen):,.2f} 元"


def wan_text(fen: int) -> str:
    """Exact 万元 (trailing zeros dropped): ``30000000000`` → ``"30,000 万元"``; ``12345`` → ``"0.012345 万元"``."""
    wan = Decimal(fen) / (FEN_PER_YUAN * 10_000)
    text = f"{wan:,f}"
    if "." in text:
        text = text.rstrip("0").rstrip(".")
    return f"{text} 万元"


def yi_text(fen: int, places: int = 2) -> str:
    """亿元 rounded down to ``places`` decimals (display only): ``250000000000`` → ``"25.00 亿元"``."""
    yi = Decimal(fen) / (FEN_PER_YUAN * 10**8)
    return f"{yi.quantize(Decimal(1).scaleb(-places), rounding=ROUND_DOWN):,f} 亿元"


def rate_text(bp: int | None) -> str:
    """Annual rate in basis points → ``"3.45%"``."""
    if bp is None:
        return "—"
    return f"{(Decimal(bp) / 100).quantize(Decimal('0.01'))}%"
