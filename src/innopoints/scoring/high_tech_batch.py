"""高新技术企业 in batch: the twin of :mod:`innopoints.eligibility.high_tech` (+ ``high_tech_score``).

Same facts in the same order — days registered at application (the as-of date when not given), the IP
count (a lower bound when one class is missing but the other is positive), the staff ratio, the 3-year
R&D ratio against the threshold of the band holding the latest year's sales, the domestic R&D share, the
high-tech income share — and the innovation-capability score as a range ``[lo, hi]`` exactly like
:class:`~innopoints.rules.numbers.ScoreRange`: data-driven items take their band's range, an expert's
points narrow an item when given (null when outside the band the data gives: the single evaluator
refuses them), a missing input widens an item to ``[0, item maximum]`` and is remembered (``missing``)
so that the verdict can tell *depends* (only expert scoring undecided) from *unknown* (data missing).

Growth rates ``½ × (y2/y1 + y3/y2) − 1`` (``y3/y2 − 1`` when y1 = 0; the item scores 0 when y2 = 0) are
compared with the band edges exactly as one fraction ``(y2² + y1·y3 − 2·y1·y2) / (2·y1·y2)``, in 128-bit
integers (Polars ``Int128``, Spark ``DECIMAL(38,0)``): amounts in fen up to 10¹⁵ 元 stay exact, where
64-bit products would overflow. Thresholds, band edges and item maxima all come from
``rulebook/national/high_tech.yaml`` at the as-of date.

Result columns: ``high_tech_verdict`` (yes / no / depends / unknown), ``high_tech_met`` (yes → true,
no → false, otherwise null: the ladder rung is reached only on *yes*), ``high_tech_score_lo`` /
``high_tech_score_hi``.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from innopoints.rules.columnar import ColumnarRulebook, Expr, Points
from innopoints.rules.columnar_facts import Fact, Quantity, Ratio

SCORE_CONDITION = "c7_score"  # the condition on the expert-scored range (eligibility.high_tech._verdict)
EXPERT_IP = ("advancement", "core_support")
RD_MANAGEMENT = ("system", "institution", "conversion_incentive", "talent")
LEAVES = "_ht_leaf_"  # the plain conditions, one column each (phase 4)


@dataclass(frozen=True)
class Item:
    """Whole points in ``[lo, hi]``; ``missing``: true when an absent input widened the range."""

    lo: Expr
    hi: Expr
    missing: Expr


def _all_known(cr: ColumnarRulebook, exprs: Sequence[Expr]) -> Expr:
    out = ~cr.b.is_null(exprs[0])
    for e in exprs[1:]:
        out = out & ~cr.b.is_null(e)
    return out


def _sum(exprs: Sequence[Expr]) -> Expr:
    out = exprs[0]
    for e in exprs[1:]:
        out = out + e
    return out


def _open(cr: ColumnarRulebook, maximum: int) -> Item:
    """An expert item with no data: ``[0, maximum]``, nothing missing (``ScoreRange(0, maximum)``)."""
    return Item(cr.b.lit(0), cr.b.lit(int(maximum)), cr.b.lit(False))


def _expert(cr: ColumnarRulebook, name: str, item: Item) -> Item:
    """``high_tech_score.expert``: the expert's points when given (null outside ``item``)."""
    b = cr.b
    if cr.given(name) is None:  # no column of expert points: the data's range as it is
        return item
    e = cr.input(name)
    given = ~b.is_null(e)
    inside = (e >= item.lo) & (e <= item.hi)
    points = b.cases([(inside, e)], b.null_int())
    return Item(
        b.cases([(given, points)], item.lo),
        b.cases([(given, points)], item.hi),
        b.cases([(given, b.lit(False))], item.missing),
    )


def _unknown_or(cr: ColumnarRulebook, known: Expr, points: Points, maximum: int) -> Item:
    b = cr.b
    return Item(
        b.cases([(~known, b.lit(0))], points.lo),
        b.cases([(~known, b.lit(int(maximum)))], points.hi),
        ~known,
    )


def _greatest(cr: ColumnarRulebook, x: Expr, y: Expr) -> Expr:
    b = cr.b
    return b.cases([(b.is_null(x) | b.is_null(y), b.null_int()), (x >= y, x)], y)


def _total(items: Sequence[Item]) -> Item:
    missing = items[0].missing
    for item in items[1:]:
        missing = missing | item.missing
    return Item(_sum([i.lo for i in items]), _sum([i.hi for i in items]), missing)


def _capped(cr: ColumnarRulebook, item: Item, cap: int) -> Item:
    c = cr.b.lit(int(cap))
    b = cr.b
    return Item(b.cases([(item.lo > c, c)], item.lo), b.cases([(item.hi > c, c)], item.hi), item.missing)


def ip_total(cr: ColumnarRulebook, c1: Expr, c2: Expr) -> Quantity:
    """Ⅰ类 + Ⅱ类; with one class missing, the other's count when positive (a lower bound)."""
    b = cr.b
    k1, k2 = ~b.is_null(c1), ~b.is_null(c2)
    both = k1 & k2
    lower = (k1 & (c1 > 0)) | (k2 & (c2 > 0))
    bound = _greatest(cr, b.fill_null(c1, 0), b.fill_null(c2, 0))
    value = b.cases([(both, c1 + c2), (lower, bound)], b.null_int())
    return Quantity(value, both | lower, cr.unit_of("ip_class1"))


def _table_range(value: Any) -> tuple[int, int]:
    return (int(value), int(value)) if isinstance(value, int) else (int(value[0]), int(value[1]))


def _quantity(cr: ColumnarRulebook, c1: Expr, c2: Expr) -> Item:
    """The better of the Ⅰ类 and Ⅱ类 quantity tables (``best_of``: missing kept only if undecided)."""
    b = cr.b
    q = int(cr.value("ip_item_max")["quantity"])
    unit = cr.unit_of("ip_class1")
    q1 = _unknown_or(cr, ~b.is_null(c1), cr.band_points("ip_quantity_class1_points", c1, unit), q)
    q2 = _unknown_or(cr, ~b.is_null(c2), cr.band_points("ip_quantity_class2_points", c2, unit), q)
    lo, hi = _greatest(cr, q1.lo, q2.lo), _greatest(cr, q1.hi, q2.hi)
    return _expert(cr, "expert_ip_quantity", Item(lo, hi, (lo != hi) & (q1.missing | q2.missing)))


def _acquisition(cr: ColumnarRulebook, total: Quantity) -> Item:
    """No IP: 0; else the table row of how it was obtained, or the widest row when unknown."""
    b = cr.b
    table = {k: _table_range(v) for k, v in cr.value("ip_acquisition_points").items()}
    widest = max(table.values(), key=lambda r: r[1])
    zero = total.known & (total.value == 0)
    how = cr.input("ip_acquisition")
    rows_lo = [(zero, b.lit(0))] + [(how == b.lit(k), b.lit(r[0])) for k, r in table.items()]
    rows_hi = [(zero, b.lit(0))] + [(how == b.lit(k), b.lit(r[1])) for k, r in table.items()]
    unknown_lo = b.cases([(total.known, b.lit(widest[0]))], b.lit(0))
    item = Item(b.cases(rows_lo, unknown_lo), b.cases(rows_hi, b.lit(widest[1])), ~zero & b.is_null(how))
    return _expert(cr, "expert_ip_acquisition", item)


def _standards(cr: ColumnarRulebook) -> Item:
    b = cr.b
    std = cr.input("standards")
    yes, no = (_table_range(v) for v in (cr.value("ip_standards_points")[k] for k in ("yes", "no")))
    positive = std > 0
    top = int(cr.value("ip_item_max")["standards"])
    item = Item(
        b.cases([(b.is_null(std), b.lit(0)), (positive, b.lit(yes[0]))], b.lit(no[0])),
        b.cases([(b.is_null(std), b.lit(top)), (positive, b.lit(yes[1]))], b.lit(no[1])),
        b.is_null(std),
    )
    return _expert(cr, "expert_ip_standards", item)


def _conversion_count(cr: ColumnarRulebook) -> tuple[Expr, Expr]:
    """The 3-year conversions (a 3-year total, or one column per year) and whether it is known."""
    b = cr.b
    given = cr.given("conversions")
    if given is None:
        return b.null_int(), b.lit(False)
    if isinstance(given, Sequence):
        return _sum(list(given)), _all_known(cr, list(given))
    return given, ~b.is_null(given)


def _conversion(cr: ColumnarRulebook, count: Expr, known: Expr) -> Item:
    """The yearly average's band (``count ÷ 3``)."""
    maximum = int(cr.value("score_weights")["conversion"])
    band = cr.band_points("conversion_points", count, 3 * cr.unit_of("conversions"))
    return _expert(cr, "expert_conversion", _unknown_or(cr, known, band, maximum))


def growth_rate(cr: ColumnarRulebook, values: Sequence[Expr]) -> tuple[Expr, Expr, Expr]:
    """``high_tech_score.growth_rate`` as one exact fraction in wide integers: (numerator, positive
    denominator, undefined) — ``½(y2/y1 + y3/y2) − 1``, ``y3/y2 − 1`` when y1 = 0, undefined when y2 = 0."""
    b = cr.b
    y1, y2, y3 = (b.wide(v) for v in values)
    first_zero = y1 == 0
    num = b.cases([(first_zero, y3 - y2)], y2 * y2 + y1 * y3 - y1 * y2 * 2)
    den = b.cases([(first_zero, y2)], y1 * y2 * 2)
    negative = den < 0
    return b.cases([(negative, num * -1)], num), b.cases([(negative, den * -1)], den), y2 == 0


def _growth(cr: ColumnarRulebook, band_index: Expr, undefined: Expr, known: Expr, which: str) -> Item:
    """``high_tech_score.growth_item``: the rate's band; 0 when undefined; ``[0, max]`` when unknown."""
    b = cr.b
    maximum = int(cr.value("growth_items")[which])
    band = cr.band_index_points("growth_points", band_index)
    lo = b.cases([(~known, b.lit(0)), (undefined, b.lit(0))], band.lo)
    hi = b.cases([(~known, b.lit(maximum)), (undefined, b.lit(0))], band.hi)
    expert = "expert_growth_net_assets" if which == "net_assets" else "expert_growth_sales"
    return _expert(cr, expert, Item(lo, hi, ~known))


def _net_assets(cr: ColumnarRulebook) -> tuple[list[Expr], Expr]:
    """Net assets as given, else total assets − total liabilities (``high_tech._net_assets``)."""
    b = cr.b
    net, assets, debts = (cr.series(x) for x in ("net_assets", "total_assets", "total_liabilities"))
    direct = _all_known(cr, net)
    derived = _all_known(cr, [*assets, *debts])
    values = [b.cases([(direct, n)], a - d) for n, a, d in zip(net, assets, debts, strict=True)]
    return values, direct | derived


def facts(cr: ColumnarRulebook, total: Quantity, points: Points) -> dict[str, Points | Fact]:
    """The derived values the eight conditions compare (``high_tech._facts``)."""
    b = cr.b
    reg, app = cr.input("registration_date"), cr.given("application_date")
    applied = b.date_lit(cr.as_of)  # the application date defaults to the as-of date
    if app is not None:
        applied = b.cases([(b.is_null(app), applied)], app)
    rd, sales, domestic = (cr.series(x) for x in ("rd_expense", "sales_revenue", "rd_expense_domestic"))
    staff, employees = cr.input("sci_tech_staff"), cr.input("employees")
    income, total_income = cr.input("high_tech_income"), cr.input("total_income")
    latest = sales[-1]
    return {
        "registered_days": Quantity(b.days_between(reg, applied), ~b.is_null(reg)),
        "ip_total": total,
        "staff_ratio": Ratio(staff, employees, _all_known(cr, [staff, employees])),
        "rd_ratio": Ratio(_sum(rd), _sum(sales), _all_known(cr, [*rd, *sales])),
        "rd_required_ratio": cr.band_value(
            "rd_required_ratio", latest, cr.unit_of("sales_revenue"), ~b.is_null(latest)
        ),
        "domestic_rd_share": Ratio(_sum(domestic), _sum(rd), _all_known(cr, [*domestic, *rd])),
        "high_tech_income_share": Ratio(income, total_income, _all_known(cr, [income, total_income])),
        "score": points,
    }


def _col(name: str) -> str:
    return f"_ht_{name}"


def _item_columns(name: str, item: Item) -> dict[str, Expr]:
    return {_col(f"{name}_lo"): item.lo, _col(f"{name}_hi"): item.hi, _col(f"{name}_missing"): item.missing}


def _read_item(cr: ColumnarRulebook, name: str) -> Item:
    b = cr.b
    return Item(b.col(_col(f"{name}_lo")), b.col(_col(f"{name}_hi")), b.col(_col(f"{name}_missing")))


def high_tech_columns(cr: ColumnarRulebook) -> list[dict[str, Expr]]:
    """Six phases, each reading the columns of the ones before (keeps every expression small): IP
    classes, conversions and growth fractions; the data-driven IP and conversion items and the growth
    bands; the growth items; the score range (and whether data is missing); every plain condition;
    ``qualified`` (the rulebook's all_of over those columns) and the verdict."""
    b = cr.b
    count, count_known = _conversion_count(cr)
    net, net_known = _net_assets(cr)
    sales = cr.series("sales_revenue")
    phase1: dict[str, Expr] = {
        _col("ip1"): cr.input("ip_class1"),
        _col("ip2"): cr.input("ip_class2"),
        _col("conversions"): count,
        _col("conversions_known"): count_known,
    }
    for key, values, known in (
        ("net_assets", net, net_known),
        ("sales_revenue", sales, _all_known(cr, sales)),
    ):
        num, den, undefined = growth_rate(cr, values)
        phase1 |= {_col(f"{key}_num"): num, _col(f"{key}_den"): den, _col(f"{key}_zero"): undefined}
        phase1[_col(f"{key}_known")] = known

    c1, c2 = b.col(_col("ip1")), b.col(_col("ip2"))
    total = ip_total(cr, c1, c2)
    phase2 = {
        **_item_columns("quantity", _quantity(cr, c1, c2)),
        **_item_columns("acquisition", _acquisition(cr, total)),
        **_item_columns("standards", _standards(cr)),
        **_item_columns(
            "conversion", _conversion(cr, b.col(_col("conversions")), b.col(_col("conversions_known")))
        ),
    }
    for key in ("net_assets", "sales_revenue"):
        num, den = b.col(_col(f"{key}_num")), b.col(_col(f"{key}_den"))
        phase2[_col(f"{key}_band")] = cr.band_index("growth_points", num, den)  # 128-bit tests once

    phase3: dict[str, Expr] = {}
    for key in ("net_assets", "sales_revenue"):
        band, zero, known = (b.col(_col(f"{key}_{part}")) for part in ("band", "zero", "known"))
        phase3 |= _item_columns(f"growth_{key}", _growth(cr, band, zero, known, key))

    maxima = cr.value("ip_item_max")
    ip = [_expert(cr, f"expert_ip_{k}", _open(cr, int(maxima[k]))) for k in EXPERT_IP]
    ip += [_read_item(cr, k) for k in ("quantity", "acquisition", "standards")]
    rd_max = cr.value("rd_management_items")
    rd = [_expert(cr, f"expert_rd_{k}", _open(cr, int(rd_max[k]))) for k in RD_MANAGEMENT]
    growth = [_read_item(cr, f"growth_{k}") for k in ("net_assets", "sales_revenue")]
    ip_block = _capped(cr, _total(ip), int(cr.value("score_weights")["ip"]))
    item = _total([ip_block, _read_item(cr, "conversion"), *rd, *growth])
    phase4 = {"high_tech_score_lo": item.lo, "high_tech_score_hi": item.hi, _col("missing"): item.missing}

    points = Points(b.col("high_tech_score_lo"), b.col("high_tech_score_hi"))
    derived = facts(cr, total, points)
    leaves = cr.leaves("qualified")
    phase5 = {LEAVES + cid: cr.condition(cid, derived) for cid in leaves}

    decided = {cid: b.col(LEAVES + cid) for cid in leaves}
    qualified = cr.composite("qualified", decided)
    others = [b.fill_null(decided[cid], False) for cid in leaves if cid != SCORE_CONDITION]
    depends = others[0]
    for other in others[1:]:
        depends = depends & other
    depends = depends & ~b.col(_col("missing"))
    yes, no = b.fill_null(qualified, False), ~b.fill_null(qualified, True)
    verdict = b.cases([(yes, b.lit("yes")), (no, b.lit("no")), (depends, b.lit("depends"))], b.lit("unknown"))
    met = b.cases([(yes, b.lit(True)), (no, b.lit(False))], b.null_bool())
    return [phase1, phase2, phase3, phase4, phase5, {"high_tech_verdict": verdict, "high_tech_met": met}]
