"""The points rulebook compiled to Polars expressions (default embedded engine).

Same declarations and operation order as scoring/firm.py and scoring/explain.py; the tech-SME test is
compiled from the national rulebook by scoring/tech_sme.py.
"""

from __future__ import annotations

from typing import Any

import polars as pl

from innopoints.adapters.analytics import columns as c
from innopoints.registry.panel_fields import SCALE
from innopoints.rules.columnar import Points, PolarsBackend
from innopoints.scoring.ladder_batch import evaluated_stage_expr, evaluator_phases
from innopoints.scoring.reference import MICRO
from innopoints.scoring.rulebook import PointsRulebook
from innopoints.scoring.schema import Condition, Indicator, Stage
from innopoints.scoring.tech_sme import round_rulebook, tech_sme_points, tech_sme_verdict


def _sum_present(cols: list[str]) -> pl.Expr:
    exprs = [pl.col(x) for x in cols]
    return pl.when(pl.any_horizontal([e.is_not_null() for e in exprs])).then(pl.sum_horizontal(exprs))


def indicator_expr(ind: Indicator) -> pl.Expr:
    if ind.kind == "qualifications":
        value = pl.sum_horizontal([pl.col(c.qual(q)).cast(pl.Int64) for q in ind.qualifications]).cast(
            pl.Float64
        )
    elif ind.kind == "value":
        value = _sum_present([c.cur(f) for f in ind.fields]).cast(pl.Float64)
    elif ind.kind == "ratio":
        num = _sum_present([c.cur(f) for f in ind.fields])
        den = _sum_present([c.cur(f) for f in ind.denominator])
        value = pl.when(num.is_not_null() & (den > 0)).then(num.cast(pl.Float64) / den.cast(pl.Float64))
    else:
        now = _sum_present([c.cur(f) for f in ind.fields])
        before = _sum_present([c.prev(f) for f in ind.fields])
        value = pl.when(now.is_not_null() & (before > 0)).then(
            (now - before).cast(pl.Float64) / before.cast(pl.Float64)
        )
    if ind.direction == "lower_better":
        value = -value
    return value.alias(c.value_col(ind.id))


def _condition(cond: Condition, year: int) -> pl.Expr:
    if cond.metric == "age_years":
        left = (pl.lit(year, dtype=pl.Int64) - pl.col("registration_year").cast(pl.Int64)) * SCALE
    else:
        left = pl.col(c.cur("operating_revenue")).fill_null(0)
    right = int(cond.value * SCALE)
    return {"lt": left < right, "le": left <= right, "gt": left > right, "ge": left >= right}[cond.op]


def _stage_match(stage: Stage, year: int) -> pl.Expr:
    conds = [_condition(x, year) for x in stage.conditions]
    return pl.any_horizontal(conds) if stage.match == "any" else pl.all_horizontal(conds)


def stage_expr(rb: PointsRulebook, year: int) -> pl.Expr:
    stages = rb.stages.stages
    chain: Any = pl.when(_stage_match(stages[0], year)).then(pl.lit(stages[0].id))
    for stage in stages[1:-1]:
        chain = chain.when(_stage_match(stage, year)).then(pl.lit(stage.id))
    return chain.otherwise(pl.lit(stages[-1].id)).alias("stage")


SME_PARTS = ("staff", "rd", "ip")


def tech_sme_points_exprs(rb: PointsRulebook, year: int) -> list[pl.Expr]:
    """The three tech-SME partial scores as ``_sme_<part>_lo/hi`` columns (read by :func:`tech_sme_exprs`)."""
    cr = round_rulebook(rb.ladder.tech_sme, year, PolarsBackend(), c.cur, c.qual, c.neg)
    out = []
    for name, points in zip(SME_PARTS, tech_sme_points(cr), strict=True):
        out += [points.lo.alias(f"_sme_{name}_lo"), points.hi.alias(f"_sme_{name}_hi")]
    return out


def tech_sme_exprs(rb: PointsRulebook, year: int) -> list[pl.Expr]:
    """Score (null until its range closes) and verdict compiled from rulebook/national/tech_sme.yaml, over
    the partial-score columns of :func:`tech_sme_points_exprs` (one phase earlier)."""
    b = PolarsBackend()
    cr = round_rulebook(rb.ladder.tech_sme, year, b, c.cur, c.qual, c.neg)
    staff, rd, ip = (Points(pl.col(f"_sme_{n}_lo"), pl.col(f"_sme_{n}_hi")) for n in SME_PARTS)
    sme = tech_sme_verdict(cr, staff, rd, ip)
    score = sme.score_if_closed(b).cast(pl.Int32).alias("tech_sme_score")
    return [score, sme.qualified.alias("tech_sme_qualified")]


def ladder_expr(rb: PointsRulebook) -> pl.Expr:
    rungs = rb.ladder.ladder
    chain: Any = None
    for rung in rungs:
        held = pl.col(c.qual(rung.qualification))
        if rung.or_tech_sme_qualified:
            held = held | pl.col("tech_sme_qualified").fill_null(False)
        chain = (
            pl.when(held).then(pl.lit(rung.id)) if chain is None else chain.when(held).then(pl.lit(rung.id))
        )
    assert chain is not None
    return chain.otherwise(pl.lit(rb.ladder.none_stage)).alias("ladder_stage")


def adjustment_exprs(rb: PointsRulebook) -> list[pl.Expr]:
    adj = rb.adjustments
    bonus_terms = [
        pl.when(pl.col(c.cur(b.field)) >= int(b.min * SCALE)).then(pl.lit(b.points)).otherwise(pl.lit(0))
        for b in adj.bonus
    ]
    bonus = pl.min_horizontal(pl.sum_horizontal(bonus_terms), pl.lit(adj.bonus_cap)).cast(pl.Int64)
    pen_terms = [pl.col(c.neg(p.kind)) * p.points for p in adj.penalties]
    pen_terms.append(pl.col(c.UNLISTED) * adj.unlisted_deduction)
    penalty = pl.sum_horizontal(pen_terms).cast(pl.Int64)
    return [bonus.alias("bonus_points"), penalty.alias("penalty_points")]


def _weight_by_stage(rb: PointsRulebook, ind: Indicator) -> pl.Expr:
    stages = rb.stage_ids
    chain: Any = pl.when(pl.col("stage") == stages[0]).then(pl.lit(int(rb.weight(stages[0], ind) * 10)))
    for s in stages[1:]:
        chain = chain.when(pl.col("stage") == s).then(pl.lit(int(rb.weight(s, ind) * 10)))
    return chain.otherwise(pl.lit(0)).cast(pl.Int64)


def _round_sum(terms: list[pl.Expr]) -> pl.Expr:
    total = terms[0]
    for t in terms[1:]:
        total = total + t
    half = 10 * MICRO // 200
    return (total + half) // (10 * MICRO // 100)


def points_exprs(rb: PointsRulebook) -> list[pl.Expr]:
    """Weighted points in hundredths: (Σ weight·10 × percentile-millionths + ½) // 10⁵, then bonus/penalty."""
    terms = {ind.id: _weight_by_stage(rb, ind) * pl.col(c.micro_col(ind.id)) for ind in rb.indicator_list}
    out = [_round_sum(list(terms.values())).alias("base_centi")]
    for g in rb.indicators.groups:
        out.append(
            _round_sum([terms[i.id] for i in rb.indicator_list if i.group == g.id]).alias(c.group_col(g.id))
        )
    return out


def final_exprs(rb: PointsRulebook) -> list[pl.Expr]:
    top = rb.weights.max_points * 100
    pts = pl.col("base_centi") + pl.col("bonus_points") * 100 - pl.col("penalty_points") * 100
    return [pts.clip(0, top).alias("points_centi")]


def rank_exprs(rb: PointsRulebook, peer: str = "peer_group") -> list[pl.Expr]:
    """Ranks within the peer group (``peer``: any column with one value per peer group) and the city."""
    peer_rank = pl.col("points_centi").rank("min", descending=True).over(peer).cast(pl.Int64)
    peer_size = pl.len().over(peer).cast(pl.Int64)
    out = [
        peer_rank.alias("peer_rank"),
        peer_size.alias("peer_size"),
        pl.col("points_centi").rank("min", descending=True).cast(pl.Int64).alias("city_rank"),
        ((peer_size - peer_rank) * 10000 // peer_size).alias("percentile_bp"),
        (pl.col("points_centi").cast(pl.Float64) / 100.0).alias("points"),
    ]
    for spec in rb.peer_groups.lists:
        share_bp = int(spec.share * 10000)
        out.append((peer_rank <= (peer_size * share_bp + 9999) // 10000).alias(spec.id))
    return out


def evaluator_exprs(year: int) -> list[list[pl.Expr]]:
    """Every ladder evaluator compiled from its rulebook (scoring/ladder_batch.py), in phases."""
    return [[e.alias(k) for k, e in phase.items()] for phase in evaluator_phases(year, PolarsBackend())]


def evaluated_ladder_expr() -> pl.Expr:
    return evaluated_stage_expr(PolarsBackend()).alias("evaluated_ladder_stage")
