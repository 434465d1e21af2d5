"""Display helpers registered as Jinja2 filters: money in 万元 (2 decimals) with the exact 元, counts, dates."""

from __future__ import annotations

from datetime import date, datetime
from decimal import ROUND_HALF_UP, Decimal

from jinja2 import Environment

from innopoints.registry.panel_fields import PanelField

_WAN = Decimal(10000)
_CENT = Decimal("0.01")


def yuan(value: Decimal | None) -> str:
    """Exact 元 with thousands separators: ``1,860,000.50``."""
    if value is None:
        return "—"
    return f"{value.quantize(_CENT):,}"


def wan(value: Decimal | None) -> str:
    """万元 rounded half-up to 2 decimals: ``186.00``."""
    if value is None:
        return "—"
    return f"{(value / _WAN).quantize(_CENT, rounding=ROUND_HALF_UP):,}"


def number(value: Decimal | None) -> str:
    """A count: whole numbers without decimals, otherwise as stored."""
    if value is None:
        return "—"
    if value == value.to_integral_value():
        return f"{int(value):,}"
    return f"{value.normalize():,f}"


def field_value(value: Decimal | None, spec: PanelField, exact: bool = False) -> str:
    """A panel value for display: money in 万元 (or exact 元 when ``exact``), counts as numbers."""
    if spec.kind == "money":
        return yuan(value) if exact else wan(value)
    return number(value)


def field_unit(spec: PanelField, exact: bool = False) -> str:
    if spec.kind == "money":
        return "元" if exact else "万元"
    return spec.unit


def when(value: datetime | date | None) -> str:
    if value is None:
        return "—"
    if isinstance(value, datetime):
        return value.strftime("%Y-%m-%d %H:%M")
    return value.isoformat()


def register(env: Environment) -> None:
    env.filters.update(
        yuan=yuan, wan=wan, number=number, field_value=field_value, field_unit=field_unit, when=when
    )
