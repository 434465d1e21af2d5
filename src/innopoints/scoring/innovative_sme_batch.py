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


ITEMS = ("ip", "rd_ratio", "revenue_growth", "debt_ratio", "main_business_share", "strategic_industry")


def _item_col(item: str, end: str) -> str:
    return f"_isme_{item}_{end}"


def item_points(cr: ColumnarRulebook) -> dict[str, Points]:
    """The six scored items as points ranges (phase 1: written to columns before the blocks)."""
    revenue = cr.series("operating_revenue")
    previous, latest = revenue[-2], revenue[-1]
    ip = cr.best_of(
        cr.count_points("ip_class1", "ip_class1_points", cr.band_maximum("ip_class1_points")),
        cr.count_points("ip_class2", "ip_class2_points", cr.band_maximum("ip_class2_points")),
    )
    return {
        "ip": ip,
        "rd_ratio": _ratio(cr, cr.input("rd_expense"), latest, "rd_ratio_points"),
        "revenue_growth": _ratio(cr, latest - previous, previous, "revenue_growth_points"),
        "debt_ratio": _ratio(
            cr, cr.input("total_liabilities"), cr.input("total_assets"), "debt_ratio_points"
        ),
        "main_business_share": _ratio(
            cr, cr.input("main_business_revenue"), latest, "main_business_share_points"
        ),
        "strategic_industry": cr.table_points(
            "strategic_industry_points", cr.input("strategic_emerging_industry"), {True: "yes", False: "no"}
        ),
    }


def innovative_sme_columns(cr: ColumnarRulebook) -> list[dict[str, Expr]]:
    """Two phases: the item ranges as columns, then blocks capped at their weights, the score and the
    declared conditions on those columns (keeps the expression graph small on both engines)."""
    b = cr.b
    phase1: dict[str, Expr] = {}
    for item, pts in item_points(cr).items():
        phase1[_item_col(item, "lo")], phase1[_item_col(item, "hi")] = pts.lo, pts.hi
    items = {i: Points(b.col(_item_col(i, "lo")), b.col(_item_col(i, "hi"))) for i in ITEMS}
    blocks = cr.value("block_weights")
    innovation = cr.capped(cr.total(items["ip"], items["rd_ratio"]), int(blocks["innovation"]))
    growth = cr.capped(cr.total(items["revenue_growth"], items["debt_ratio"]), int(blocks["growth"]))
    special = cr.capped(
        cr.total(items["main_business_share"], items["strategic_industry"]), int(blocks["specialization"])
    )
    score = cr.total(innovation, growth, special)
    derived = {
        "innovation_points": innovation,
        "growth_points": growth,
        "specialization_points": special,
        "score": score,
    }
    phase2 = {
        "innovative_sme_qualified": cr.condition("qualified", derived),
        "innovative_sme_score_lo": score.lo,
        "innovative_sme_score_hi": score.hi,
    }
    return [phase1, phase2]
