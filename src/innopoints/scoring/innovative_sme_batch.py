"""创新型中小企业 in batch: the twin of :mod:`innopoints.eligibility.innovative_sme`.

Same items in the same order — Ⅰ/Ⅱ类 IP (better of the two tables), R&D ratio on the latest revenue,
revenue growth, debt ratio, main-business share and the strategic-industry table — each a points range
(``[0, item maximum]`` when an input is missing, 0 when a ratio is undefined), blocks capped at their
declared weights, then the declared conditions on the ranges. Item maxima are the band tables' highest
points; thresholds come from ``rulebook/national/innovative_sme.yaml``.
"""

from __future__ import annotations

from innopoints.rules.columnar import ColumnarRulebook, Expr, Points


def _ratio(cr: ColumnarRulebook, num: Expr, den: Expr, pid: str) -> Points:
    known = ~(cr.b.is_null(num) | cr.b.is_null(den))
    return cr.ratio_expr_points(num, den, known, pid, cr.band_maximum(pid))


def innovative_sme_columns(cr: ColumnarRulebook) -> dict[str, Expr]:
    blocks = cr.value("block_weights")
    revenue = cr.series("operating_revenue")
    previous, latest = revenue[-2], revenue[-1]
    ip = cr.best_of(
        cr.count_points("ip_class1", "ip_class1_points", cr.band_maximum("ip_class1_points")),
        cr.count_points("ip_class2", "ip_class2_points", cr.band_maximum("ip_class2_points")),
    )
    rd = _ratio(cr, cr.input("rd_expense"), latest, "rd_ratio_points")
    growth = _ratio(cr, latest - previous, previous, "revenue_growth_points")
    debt = _ratio(cr, cr.input("total_liabilities"), cr.input("total_assets"), "debt_ratio_points")
    share = _ratio(cr, cr.input("main_business_revenue"), latest, "main_business_share_points")
    industry = cr.table_points(
        "strategic_industry_points", cr.input("strategic_emerging_industry"), {True: "yes", False: "no"}
    )
    innovation = cr.capped(cr.total(ip, rd), int(blocks["innovation"]))
    growth_pts = cr.capped(cr.total(growth, debt), int(blocks["growth"]))
    special = cr.capped(cr.total(share, industry), int(blocks["specialization"]))
    score = cr.total(innovation, growth_pts, special)
    derived = {
        "innovation_points": innovation,
        "growth_points": growth_pts,
        "specialization_points": special,
        "score": score,
    }
    return {
        "innovative_sme_qualified": cr.condition("qualified", derived),
        "innovative_sme_score_lo": score.lo,
        "innovative_sme_score_hi": score.hi,
    }
