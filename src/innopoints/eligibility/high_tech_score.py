"""高新技术企业 innovation-capability score (国科发火〔2016〕195号) as a [min, max] range.

Data-driven items take their band's range; expert items are inputs or, when absent, their full range.
An expert value for a data-driven item must lie inside the band the data puts the firm in.
"""

from __future__ import annotations

from collections.abc import Sequence
from fractions import Fraction
from typing import Any

from innopoints.eligibility.common import ZERO, band_points, best_of, series_known, total
from innopoints.errors import UserError
from innopoints.rules.evaluation import Evaluation
from innopoints.rules.numbers import ScoreRange, exact


def expert(ev: Evaluation, name: str, rng: ScoreRange) -> ScoreRange:
    """Narrow ``rng`` to an expert's points when given (they must lie inside ``rng``)."""
    fact = ev.fact(name)
    if not fact.known:
        return rng
    points = int(fact.value)
    if not rng.lo <= points <= rng.hi:
        raise UserError(
            f"输入字段 {name}：专家评分 {points} 分不在数据确定的档次 [{rng.lo}, {rng.hi}] 内 "
            f"(expert points outside the band the data gives)"
        )
    return ScoreRange.exact(points)


def _table_points(value: Any) -> ScoreRange:
    return ScoreRange(value, value) if isinstance(value, int) else ScoreRange(value[0], value[1])


def ip_block(ev: Evaluation) -> dict[str, ScoreRange]:
    maxima = ev.value("ip_item_max")
    c1, c2 = ev.fact("ip_class1"), ev.fact("ip_class2")
    q1 = (
        band_points(ev, "ip_quantity_class1_points", c1.value, about="ip_class1")
        if c1.known
        else ScoreRange(0, int(maxima["quantity"]), ("ip_class1",))
    )
    q2 = (
        band_points(ev, "ip_quantity_class2_points", c2.value, about="ip_class2")
        if c2.known
        else ScoreRange(0, int(maxima["quantity"]), ("ip_class2",))
    )
    total_ip = ev.fact("ip_total")
    if total_ip.known and total_ip.value == 0:
        acquisition = ZERO
    else:
        table = ev.value("ip_acquisition_points")
        how = ev.fact("ip_acquisition")
        if how.known:
            acquisition = _table_points(table[how.value])
        else:
            widest = max((_table_points(v) for v in table.values()), key=lambda r: r.hi)
            low = widest.lo if total_ip.known else 0
            acquisition = ScoreRange(low, widest.hi, ("ip_acquisition", *ev.missing_of("ip_total")))
    std = ev.fact("standards")
    table = ev.value("ip_standards_points")
    if std.known:
        standards = _table_points(table["yes" if std.value > 0 else "no"])
    else:
        standards = ScoreRange(0, int(maxima["standards"]), ("standards",))
    return {
        "advancement": expert(ev, "expert_ip_advancement", ScoreRange(0, int(maxima["advancement"]))),
        "core_support": expert(ev, "expert_ip_core_support", ScoreRange(0, int(maxima["core_support"]))),
        "quantity": expert(ev, "expert_ip_quantity", best_of(q1, q2)),
        "acquisition": expert(ev, "expert_ip_acquisition", acquisition),
        "standards": expert(ev, "expert_ip_standards", standards),
    }


def conversion_item(ev: Evaluation, maximum: int) -> ScoreRange:
    fact = ev.fact("conversions")
    value = fact.value
    if isinstance(value, list):
        known = series_known(value)
        count = total(value) if known else None
    else:
        known, count = fact.known, (exact(value) if fact.known else None)
    if not known or count is None:
        ev.derive("conversions_yearly_average", None, inputs=("conversions",), missing=("conversions",))
        return expert(ev, "expert_conversion", ScoreRange(0, maximum, ("conversions",)))
    average = count / 3
    ev.derive("conversions_yearly_average", average, inputs=("conversions",))
    band = band_points(ev, "conversion_points", average, about="conversions_yearly_average")
    return expert(ev, "expert_conversion", band)


def growth_rate(values: Sequence[Any]) -> tuple[Fraction | None, str | None]:
    """½ × (y2/y1 + y3/y2) − 1; y1 = 0 → y3/y2 − 1; y2 = 0 → undefined (the item scores 0)."""
    y1, y2, y3 = (exact(v) for v in values)
    if y2 == 0:
        return None, "第二年数值为0，该项得0分 (second year is zero: the item scores 0)"
    if y1 == 0:
        return y3 / y2 - 1, "第一年数值为0，按 第三年/第二年 − 1 计算 (first year zero: y3/y2 − 1)"
    return (y2 / y1 + y3 / y2) / 2 - 1, None


def growth_item(
    ev: Evaluation, name: str, values: list[Any] | None, missing: tuple[str, ...], maximum: int
) -> tuple[Fraction | None, ScoreRange]:
    expert_name = "expert_growth_net_assets" if name == "net_assets" else "expert_growth_sales"
    if values is None or not series_known(values):
        ev.derive(f"growth_{name}", None, inputs=(name,), missing=missing or (name,))
        return None, expert(ev, expert_name, ScoreRange(0, maximum, missing or (name,)))
    rate, note = growth_rate(values)
    ev.derive(f"growth_{name}", rate, inputs=(name,), note=note)
    if rate is None:
        return None, expert(ev, expert_name, ZERO)
    return rate, expert(ev, expert_name, band_points(ev, "growth_points", rate, about=f"growth_{name}"))
