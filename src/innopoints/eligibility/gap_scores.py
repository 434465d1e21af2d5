"""Gaps on score conditions: 科技型中小企业 total ≥ 60 and the 高企 innovation-capability score > 70.

科技型中小企业: the cheapest band jumps, one table at a time (科技人员 by hiring S&T staff, 研发投入 by more
R&D — whichever of the two ratios gets there first —, 科技成果 by one more Ⅰ类 or more Ⅱ类 IP); when no single
table is enough, the Pareto-minimal combinations of two (then three) tables. Every option lists its exact
changes; lowering any one of them by a fen or a unit leaves the firm below the minimum.

高企: the score is a range because experts choose within bands. The report gives the points still missing
(for certain: against the minimum; at best: against the maximum), the data-driven items that can still
move up a band (IP quantity, acquisition, standards, conversions, the two growth rates) with the minimal
change for each band, and the expert-only items.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from fractions import Fraction
from itertools import combinations, product
from typing import Any

from innopoints.eligibility.gap_levers import HIRES, SME_STAFF, Lever
from innopoints.eligibility.gap_moves import Context, Option, Remedy, Sel, Step, numeric_steps, phrase, solve
from innopoints.rules.numbers import exact
from innopoints.rules.results import ConditionResult

SME_TABLES = {"staff": "科技人员指标", "rd": "研发投入指标", "ip": "科技成果指标"}


@dataclass(frozen=True)
class _Move:
    table: str
    points: int
    steps: list[Step]
    less: list[Step]
    text: str
    notes: tuple[tuple[str, ...], tuple[str, ...]] = ((), ())


def _targets(ctx: Context, pid: str, above: int) -> list[tuple[int, str, Fraction]]:
    bands = ctx.book.resolve(pid, ctx.as_of).bands or ()
    out = [
        (b.points[0], ">=" if b.lower_inclusive else ">", b.lower)
        for b in bands
        if b.points is not None and b.points[0] > above and b.lower is not None
    ]
    return sorted(out)


def _moves(
    ctx: Context,
    table: str,
    current: int,
    pid: str,
    coeffs: tuple[Fraction, ...],
    moves: Sequence[Sel],
    notes: tuple[tuple[str, ...], tuple[str, ...]] = ((), ()),
) -> list[_Move]:
    out: list[_Move] = []
    step = ctx.step(moves[0][0])
    for points, op, lower in _targets(ctx, pid, current):
        k = solve((coeffs[0], coeffs[1], coeffs[2], coeffs[3]), op, lower, step)
        if k is None:
            continue
        points = _points_at(ctx, pid, (coeffs[0] + coeffs[1] * k) / (coeffs[2] + coeffs[3] * k))
        steps = numeric_steps(ctx, moves, k, +1)
        if out and out[-1].steps[0].after == steps[0].after:
            continue  # the same change already reaches this band (and more)
        less = numeric_steps(ctx, moves, k - step, +1)
        text = f"{phrase(ctx, steps[0])}（{SME_TABLES[table]} {current}→{points}分）"
        out.append(_Move(table, points, steps, less, text, notes))
    return out


def _points_at(ctx: Context, pid: str, value: Fraction) -> int:
    """The points the change actually gives (it can overshoot into a higher band)."""
    band = ctx.book.resolve(pid, ctx.as_of).band_for(value)
    assert band.points is not None
    return band.points[0]


def _rd_moves(ctx: Context, current: int) -> list[_Move]:
    r, s, c = (ctx.value((n, None)) for n in ("rd_expense", "sales_revenue", "cost_expense_total"))
    assert r is not None and s is not None and c is not None
    sales = {p: (op, t) for p, op, t in _targets(ctx, "rd_sales_ratio_points", current)}
    cost = {p: (op, t) for p, op, t in _targets(ctx, "rd_cost_ratio_points", current)}
    out: list[_Move] = []
    moves: tuple[Sel, ...] = (("rd_expense", None), ("cost_expense_total", None))
    for points in sorted(set(sales) | set(cost)):
        found = [
            solve((r, Fraction(1), den, Fraction(moving)), *table[points], Fraction(1, 100))
            for table, den, moving in ((sales, s, 0), (cost, c, 1))
            if points in table
        ]
        ks = [k for k in found if k is not None]
        if not ks:
            continue
        k = min(ks)
        reached = [_points_at(ctx, "rd_cost_ratio_points", (r + k) / (c + k))]
        if s > 0:
            reached.append(_points_at(ctx, "rd_sales_ratio_points", (r + k) / s))
        points = max(reached)
        steps = numeric_steps(ctx, moves, k, +1)
        if out and out[-1].steps[0].after == steps[0].after:
            continue
        text = f"{phrase(ctx, steps[0])}（研发投入指标 {current}→{points}分）"
        notes = (("研发费用计入成本费用支出总额，二者同步增加 (R&D is part of the cost total)",), ())
        out.append(
            _Move("rd", points, steps, numeric_steps(ctx, moves, k - Fraction(1, 100), +1), text, notes)
        )
    return out


def _sme_levers(ctx: Context, scores: Mapping[str, int]) -> dict[str, list[list[_Move]]]:
    s, e = ctx.value(("sci_tech_staff", None)), ctx.value(("employees", None))
    assert s is not None and e is not None
    staff_moves: tuple[Sel, ...] = (("sci_tech_staff", None), ("employees", None))
    one = Fraction(1)
    ip = []
    for name, pid in (("ip_class1", "ip_class1_points"), ("ip_class2", "ip_class2_points")):
        x = ctx.value((name, None))
        assert x is not None
        ip.append(_moves(ctx, "ip", scores["ip"], pid, (x, one, one, Fraction(0)), ((name, None),)))
    return {
        "staff": [
            _moves(
                ctx,
                "staff",
                scores["staff"],
                "staff_ratio_points",
                (s, one, e, one),
                staff_moves,
                ((HIRES,), (SME_STAFF,)),
            )
        ],
        "rd": [_rd_moves(ctx, scores["rd"])],
        "ip": ip,
    }


def _minimal(picks: Sequence[tuple[list[_Move], int]], gain_of: Any, need: int) -> bool:
    """No single pick can step down to its lever's previous band and still reach ``need``."""
    total = sum(gain_of(lever[i]) for lever, i in picks)
    for lever, i in picks:
        lower = gain_of(lever[i - 1]) if i > 0 else 0
        if total - gain_of(lever[i]) + lower >= need:
            return False
    return True


class TechSmeScoreLever(Lever):
    def remedy(self, ctx: Context, cond: ConditionResult) -> Remedy | None:
        details = ctx.details
        if not details["score_complete"]:
            return None
        score, minimum = int(details["score"]), int(exact(cond.threshold))
        scores: dict[str, int] = dict(details["scores"])
        need = minimum - score
        levers = _sme_levers(ctx, scores)

        def gain(move: _Move) -> int:
            return move.points - scores[move.table]

        options: list[Option] = []
        for size in (1, 2, 3):
            for tables in combinations(levers, size):
                for chosen in product(*(levers[t] for t in tables)):
                    for idx in product(*(range(len(lever)) for lever in chosen)):
                        picks = list(zip(chosen, idx, strict=True))
                        if sum(gain(lv[i]) for lv, i in picks) >= need and _minimal(picks, gain, need):
                            options.append(_sme_option([lv[i] for lv, i in picks], score, scores))
            if options:
                break
        if not options:
            return Remedy([], f"综合评价得分 {score} 分，无法通过调整数据达到 {minimum} 分", False)
        text = f"综合评价得分 {score} 分，还差 {need} 分（须不低于 {minimum} 分），可选：" + "；或 ".join(
            o.text for o in options
        )
        extra = {"score": {"current": score, "required": minimum, "short": need, "tables": scores}}
        return Remedy([], text, True, options=options, extra=extra)


def _sme_option(moves: list[_Move], score: int, scores: Mapping[str, int]) -> Option:
    steps = [s for m in moves for s in m.steps]
    lesses = [[s for other in moves for s in (m.less if other is m else other.steps)] for m in moves]
    after = score + sum(m.points - scores[m.table] for m in moves)
    assumptions = sorted({a for m in moves for a in m.notes[0]})
    side = sorted({a for m in moves for a in m.notes[1]})
    points = {
        "tables": {m.table: [scores[m.table], m.points] for m in moves},
        "score_after": after,
    }
    text = " + ".join(m.text for m in moves) + f"，得分 {after} 分"
    return Option(text, steps, lesses, points, assumptions=assumptions, side_effects=side)
