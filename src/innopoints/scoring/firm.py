"""One firm's inputs for a scoring year, and the declared indicator/stage formulas for one firm.

Panel values are integer hundredths (registry.panel_fields.SCALE). Indicator values follow the same
IEEE-double operation order as the columnar plans (see scoring/reference.py), so both agree exactly.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from decimal import Decimal

from innopoints.registry.panel_fields import SCALE
from innopoints.scoring.schema import Condition, Indicator, Stage


@dataclass(frozen=True)
class FirmInput:
    uscc: str
    registration_year: int
    cluster_id: str
    mainland_resident: bool = True
    current: dict[str, int | None] = field(default_factory=dict)
    previous: dict[str, int | None] = field(default_factory=dict)
    qualifications: frozenset[str] = frozenset()
    negatives: dict[str, int] = field(default_factory=dict)  # active negative-record kind -> count

    def cur(self, code: str) -> int | None:
        return self.current.get(code)


def sum_fields(values: dict[str, int | None], codes: list[str]) -> int | None:
    """Sum of the present values; None when every listed field is missing."""
    present = [v for c in codes if (v := values.get(c)) is not None]
    return sum(present) if present else None


def indicator_value(ind: Indicator, firm: FirmInput) -> float | None:
    """The indicator's value on its reference scale: hundredths of 元 or of a count for ``value`` kinds
    (kept exact; percentiles do not depend on the unit), a fraction for ratios and growth."""
    if ind.kind == "qualifications":
        return float(sum(1 for q in ind.qualifications if q in firm.qualifications))
    cur = sum_fields(firm.current, ind.fields)
    if ind.kind == "value":
        return None if cur is None else float(cur)  # hundredths: exact, no division
    if ind.kind == "ratio":
        den = sum_fields(firm.current, ind.denominator)
        if cur is None or den is None or den <= 0:
            return None
        return float(cur) / float(den)
    prev = sum_fields(firm.previous, ind.fields)
    if cur is None or prev is None or prev <= 0:
        return None
    return float(cur - prev) / float(prev)


def oriented(ind: Indicator, value: float | None) -> float | None:
    """Value on the "higher is better" axis used by the reference (lower_better values are negated)."""
    if value is None:
        return None
    return -value if ind.direction == "lower_better" else value


def _metric_scaled(metric: str, firm: FirmInput, year: int) -> int:
    if metric == "age_years":
        return (year - firm.registration_year) * SCALE
    return firm.cur("operating_revenue") or 0


def condition_holds(cond: Condition, firm: FirmInput, year: int) -> bool:
    left = _metric_scaled(cond.metric, firm, year)
    right = int(cond.value * SCALE)
    return {"lt": left < right, "le": left <= right, "gt": left > right, "ge": left >= right}[cond.op]


def stage_of(stages: list[Stage], firm: FirmInput, year: int) -> Stage:
    for stage in stages:
        if not stage.conditions:
            return stage
        results = [condition_holds(c, firm, year) for c in stage.conditions]
        if any(results) if stage.match == "any" else all(results):
            return stage
    raise ValueError("stages.yaml has no catch-all stage")


def centi_to_decimal(value: int | None) -> Decimal | None:
    return None if value is None else Decimal(value) / Decimal(SCALE)
