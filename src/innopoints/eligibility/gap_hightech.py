"""Gap on the 高企 innovation-capability score (国科发火〔2016〕195号): which items can still move.

The score is a [min, max] range (experts choose within bands). The data-driven items — IP quantity,
IP acquisition, standards bonus, conversions and the two growth rates — can move up a band by a change of
the firm's data; for each higher band the minimal change is exact (counts in units, money in fen). An
expert score given for a moved item is dropped (the experts re-score within the new band).
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from fractions import Fraction
from typing import Any

from innopoints.eligibility.gap_levers import LATEST, Lever
from innopoints.eligibility.gap_moves import Context, Option, Remedy, Sel, Step, numeric_steps, phrase, solve
from innopoints.rules.numbers import exact
from innopoints.rules.results import ConditionResult

ITEMS: dict[str, tuple[str, tuple[str, ...], str]] = {
    "ip.quantity": ("知识产权数量", ("score", "items", "ip", "quantity"), "expert_ip_quantity"),
    "ip.acquisition": ("知识产权获得方式", ("score", "items", "ip", "acquisition"), "expert_ip_acquisition"),
    "ip.standards": ("参与标准制定（加分）", ("score", "items", "ip", "standards"), "expert_ip_standards"),
    "conversion": ("科技成果转化能力", ("score", "blocks", "conversion"), "expert_conversion"),
    "growth.net_assets": ("净资产增长率", ("growth", "net_assets", "points"), "expert_growth_net_assets"),
    "growth.sales_revenue": ("销售收入增长率", ("growth", "sales_revenue", "points"), "expert_growth_sales"),
}
EXPERT_ONLY: dict[str, tuple[str, tuple[str, ...]]] = {
    "ip.advancement": ("技术的先进程度（专家评分）", ("score", "items", "ip", "advancement")),
    "ip.core_support": ("对主要产品的核心支持作用（专家评分）", ("score", "items", "ip", "core_support")),
    "rd_management.system": (
        "研发组织管理制度与辅助账（专家评分）",
        ("score", "items", "rd_management", "system"),
    ),
    "rd_management.institution": (
        "研发机构与产学研合作（专家评分）",
        ("score", "items", "rd_management", "institution"),
    ),
    "rd_management.conversion_incentive": (
        "成果转化激励与创新创业平台（专家评分）",
        ("score", "items", "rd_management", "conversion_incentive"),
    ),
    "rd_management.talent": (
        "人才培养与绩效奖励制度（专家评分）",
        ("score", "items", "rd_management", "talent"),
    ),
}
SALES_SIDE = (
    "最近一年销售收入增加会改变研发费用比例门槛档次和研发费用占比 (also moves the R&D threshold and ratio)"
)
EXPERT_RESCORE = "该项已给出的专家评分按新档次重新评定 (a given expert score is re-scored in the new band)"


def at(details: Mapping[str, Any], path: Sequence[str]) -> Any:
    node: Any = details
    for key in path:
        node = node[key]
    return node


def reader(path: Sequence[str]) -> Callable[[Mapping[str, Any]], Any]:
    return lambda details: list(at(details, path))


class HighTechScoreLever(Lever):
    def remedy(self, ctx: Context, cond: ConditionResult) -> Remedy | None:
        score = ctx.details["score"]
        lo, hi, threshold = int(score["min"]), int(score["max"]), int(exact(cond.threshold))
        options: list[Option] = []
        for item, builder in _BUILDERS.items():
            current = list(at(ctx.details, ITEMS[item][1]))
            options.extend(builder(ctx, item, current))
        certain, best = max(0, threshold + 1 - lo), max(0, threshold + 1 - hi)
        experts = [
            {"item": key, "name": name, "points": list(at(ctx.details, path))}
            for key, (name, path) in EXPERT_ONLY.items()
        ]
        extra = {
            "score": {
                "current": [lo, hi],
                "must_exceed": threshold,
                "short_for_certain": certain,
                "short_at_best": best,
                "expert_items": experts,
            }
        }
        head = f"创新能力评价当前 {lo}–{hi} 分，须高于 {threshold} 分：确保达标还差 {certain} 分"
        head += f"，按专家最高评分还差 {best} 分" if best else "，专家按区间高端评分即可达标"
        moves = "；".join(o.text for o in options) if options else "无可由数据提升的评分项"
        text = f"{head}。可由数据提升的项：{moves}。其余为专家评分项（技术先进程度、核心支持作用、研发组织管理水平）。"
        return Remedy([], text, bool(options) or best == 0, options=options, extra=extra)


def _clear_expert(ctx: Context, item: str) -> list[Step]:
    name = ITEMS[item][2]
    given = ctx.inputs.get(name)
    return [] if given is None else [Step(name, None, given, None, "分", ctx.name(name))]


def _band_moves(
    ctx: Context,
    item: str,
    current: list[int],
    pid: str,
    coeffs: tuple[Fraction, ...],
    moves: Sequence[Sel],
    notes: tuple[list[str], list[str]] = ([], []),
) -> list[Option]:
    out: list[Option] = []
    step = ctx.step(moves[0][0])
    bands = ctx.book.resolve(pid, ctx.as_of).bands or ()
    clear = _clear_expert(ctx, item)
    for band in sorted(bands, key=lambda b: b.points or (0, 0)):
        if band.points is None or band.lower is None or band.points[0] <= current[1]:
            continue
        op = ">=" if band.lower_inclusive else ">"
        k = solve((coeffs[0], coeffs[1], coeffs[2], coeffs[3]), op, band.lower, step)
        if k is None:
            continue
        steps = numeric_steps(ctx, moves, k, +1) + clear
        if out and out[-1].steps[0].after == steps[0].after:
            continue  # the same change already reaches this band (and more)
        less = numeric_steps(ctx, moves, k - step, +1) + clear
        reached = ctx.book.resolve(pid, ctx.as_of).band_for(
            (coeffs[0] + coeffs[1] * k) / (coeffs[2] + coeffs[3] * k)
        )
        target = list(reached.points or band.points)
        text = f"{phrase(ctx, steps[0])}（{ITEMS[item][0]} {_pts(current)}→{_pts(target)}分）"
        points = {"item": item, "points_before": current, "points_after": target}
        assumptions = notes[0] + ([EXPERT_RESCORE] if clear else [])
        out.append(Option(text, steps, [less], points, reader(ITEMS[item][1]), target, assumptions, notes[1]))
    return out


def _pts(points: list[int]) -> str:
    return str(points[0]) if points[0] == points[1] else f"{points[0]}–{points[1]}"


def _quantity(ctx: Context, item: str, current: list[int]) -> list[Option]:
    one, zero = Fraction(1), Fraction(0)
    out: list[Option] = []
    for name, pid in (("ip_class1", "ip_quantity_class1_points"), ("ip_class2", "ip_quantity_class2_points")):
        x = ctx.value((name, None))
        if x is not None:
            out += _band_moves(ctx, item, current, pid, (x, one, one, zero), ((name, None),))
    return out


def _acquisition(ctx: Context, item: str, current: list[int]) -> list[Option]:
    if ctx.inputs.get("ip_acquisition") != "transfer" or not (current[1] > 0):
        return []
    own = ctx.book.resolve("ip_acquisition_points", ctx.as_of).value["own"]
    target = [own, own] if isinstance(own, int) else list(own)
    if target[1] <= current[1]:
        return []
    clear = _clear_expert(ctx, item)
    step = Step("ip_acquisition", None, "transfer", "own", None, ctx.name("ip_acquisition"))
    text = f"开展自主研发形成知识产权（知识产权获得方式 {_pts(current)}→{_pts(target)}分）"
    points = {"item": item, "points_before": current, "points_after": target}
    return [Option(text, [step, *clear], [], points, reader(ITEMS[item][1]), target)]


def _standards(ctx: Context, item: str, current: list[int]) -> list[Option]:
    std = ctx.inputs.get("standards")
    if std is None or std > 0:
        return []
    table = ctx.book.resolve("ip_standards_points", ctx.as_of).value["yes"]
    target = [table, table] if isinstance(table, int) else list(table)
    clear = _clear_expert(ctx, item)
    steps = numeric_steps(ctx, (("standards", None),), Fraction(1), +1) + clear
    text = f"参与编制 1 项国家或行业标准、检测方法或技术规范（标准加分 {_pts(current)}→{_pts(target)}分）"
    points = {"item": item, "points_before": current, "points_after": target}
    return [Option(text, steps, [], points, reader(ITEMS[item][1]), target)]


def _conversion(ctx: Context, item: str, current: list[int]) -> list[Option]:
    total = ctx.value(("conversions", None))
    if total is None:
        return []
    move: Sel = ("conversions", -1 if isinstance(ctx.inputs.get("conversions"), list) else None)
    notes: tuple[list[str], list[str]] = ([LATEST] if move[1] is not None else [], [])
    coeffs = (total, Fraction(1), Fraction(3), Fraction(0))  # yearly average = total ÷ 3
    return _band_moves(ctx, item, current, "conversion_points", coeffs, (move,), notes)


def _growth_coeffs(values: Sequence[Fraction]) -> tuple[Fraction, ...] | None:
    y1, y2, y3 = values
    if y2 == 0:
        return None
    if y1 == 0:
        return (y3 / y2 - 1, 1 / y2, Fraction(1), Fraction(0))
    return ((y2 / y1 + y3 / y2) / 2 - 1, 1 / (2 * y2), Fraction(1), Fraction(0))


def _series(ctx: Context, name: str) -> list[Fraction] | None:
    values = ctx.inputs.get(name)
    if not isinstance(values, list) or any(v is None for v in values):
        return None
    return [exact(v) for v in values]


def _sales_growth(ctx: Context, item: str, current: list[int]) -> list[Option]:
    values = _series(ctx, "sales_revenue")
    coeffs = _growth_coeffs(values) if values else None
    if coeffs is None:
        return []
    notes: tuple[list[str], list[str]] = ([LATEST], [SALES_SIDE])
    return _band_moves(ctx, item, current, "growth_points", coeffs, (("sales_revenue", -1),), notes)


def _net_asset_growth(ctx: Context, item: str, current: list[int]) -> list[Option]:
    net, assets, debts = (_series(ctx, n) for n in ("net_assets", "total_assets", "total_liabilities"))
    moves: list[Sel] = []
    if net is not None:
        values, moves = net, [("net_assets", -1)]
        if assets is not None:
            moves.append(("total_assets", -1))
    elif assets is not None and debts is not None:
        values, moves = [a - d for a, d in zip(assets, debts, strict=True)], [("total_assets", -1)]
    else:
        return []
    coeffs = _growth_coeffs(values)
    if coeffs is None:
        return []
    notes: tuple[list[str], list[str]] = (
        [LATEST, "净资产增加按资产总额增加、负债不变计 (assets rise, liabilities unchanged)"],
        [],
    )
    return _band_moves(ctx, item, current, "growth_points", coeffs, moves, notes)


_BUILDERS: dict[str, Callable[[Context, str, list[int]], list[Option]]] = {
    "ip.quantity": _quantity,
    "ip.acquisition": _acquisition,
    "ip.standards": _standards,
    "conversion": _conversion,
    "growth.net_assets": _net_asset_growth,
    "growth.sales_revenue": _sales_growth,
}
