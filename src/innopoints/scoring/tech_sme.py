"""科技型中小企业 score and qualification (国科发政〔2017〕115号) and the ladder stage, for one firm.

Exact integer arithmetic on hundredths; three-state results (None = cannot tell, data missing) with
Kleene logic, mirrored by the columnar plans in adapters/analytics.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

from innopoints.registry.panel_fields import SCALE
from innopoints.scoring.firm import FirmInput, sum_fields
from innopoints.scoring.schema import Band, LadderFile, TechSmeSpec


def k_and(*values: bool | None) -> bool | None:
    if any(v is False for v in values):
        return False
    return None if any(v is None for v in values) else True


def k_or(*values: bool | None) -> bool | None:
    if any(v is True for v in values):
        return True
    return None if any(v is None for v in values) else False


def percent_scaled(band_min: Decimal) -> int:
    """A percent threshold as an integer in hundredths of a percent (``6`` -> 600)."""
    return int(band_min * 100)


def ratio_band(num: int, den: int, bands: list[Band]) -> int:
    """Points of the first band with num/den >= min% (exact: num·10000 >= min·100·den); den <= 0 -> 0."""
    if den <= 0:
        return 0
    for band in bands:
        if num * 10000 >= percent_scaled(band.min) * den:
            return band.points
    return 0


def count_band(count: int, bands: list[Band]) -> int:
    for band in bands:
        if count >= int(band.min * SCALE):
            return band.points
    return 0


@dataclass(frozen=True)
class TechSmeResult:
    staff_points: int | None
    rd_points: int | None
    ip_points: int | None
    score: int | None
    basic: bool | None
    direct: bool | None
    qualified: bool | None


def _le(value: int | None, limit_units: int) -> bool | None:
    return None if value is None else value <= limit_units * SCALE


def evaluate_tech_sme(spec: TechSmeSpec, firm: FirmInput) -> TechSmeResult:
    cur = firm.current
    staff, emp = cur.get("sci_tech_staff"), cur.get("employees")
    staff_pts = None if staff is None or emp is None else ratio_band(staff, emp, spec.staff_bands)
    rd, sales, cost = cur.get("rd_expense"), cur.get("sales_revenue"), cur.get("cost_expense_total")
    rd_pts = None
    if rd is not None and sales is not None and cost is not None:
        rd_pts = max(ratio_band(rd, sales, spec.rd_sales_bands), ratio_band(rd, cost, spec.rd_cost_bands))
    c1, c2 = sum_fields(cur, spec.class1_fields), sum_fields(cur, spec.class2_fields)
    ip_pts: int | None
    if c1 is not None and c1 >= SCALE:
        ip_pts = spec.class1_points
    elif c1 is None or c2 is None:
        ip_pts = None
    else:
        ip_pts = count_band(c2, spec.class2_bands)
    score = None if None in (staff_pts, rd_pts, ip_pts) else (staff_pts or 0) + (rd_pts or 0) + (ip_pts or 0)
    kinds = list(spec.blocking_negative_kinds) + (["unlisted"] if spec.unlisted_blocks else [])
    blocked = sum(firm.negatives.get(k, 0) for k in kinds) > 0
    basic = k_and(
        firm.mainland_resident,
        _le(emp, spec.max_employees),
        _le(cur.get("sales_revenue"), spec.max_sales_revenue),
        _le(cur.get("total_assets"), spec.max_total_assets),
        not blocked,
    )
    direct = k_or(
        *(q in firm.qualifications for q in spec.direct_qualifications),
        *(None if cur.get(f) is None else (cur.get(f) or 0) >= SCALE for f in spec.direct_fields),
    )
    passes = k_and(
        None if score is None else score >= spec.pass_score, None if staff_pts is None else staff_pts > 0
    )
    return TechSmeResult(staff_pts, rd_pts, ip_pts, score, basic, direct, k_and(basic, k_or(direct, passes)))


def ladder_stage(ladder: LadderFile, firm: FirmInput, tech_sme_qualified: bool | None) -> str:
    for rung in ladder.ladder:
        if rung.qualification in firm.qualifications:
            return rung.id
        if rung.or_tech_sme_qualified and tech_sme_qualified is True:
            return rung.id
    return ladder.none_stage
