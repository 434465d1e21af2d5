"""The points rulebook compiled to PySpark column expressions (same declarations and operation order as
adapters/analytics/polars_plan.py and the single-firm evaluator)."""

from __future__ import annotations

from functools import reduce

from pyspark.sql import Column, Window
from pyspark.sql import functions as F

from innopoints.adapters.analytics import columns as c
from innopoints.registry.panel_fields import SCALE
from innopoints.rules.columnar_spark import SparkBackend
from innopoints.scoring.ladder_batch import evaluated_stage_expr, evaluator_phases
from innopoints.scoring.reference import MICRO
from innopoints.scoring.rulebook import PointsRulebook
from innopoints.scoring.schema import Condition, Indicator, Stage
from innopoints.scoring.tech_sme import compile_round


def _sum_present(cols: list[str]) -> Column:
    exprs = [F.col(x) for x in cols]
    any_present = reduce(lambda a, b: a | b, [e.isNotNull() for e in exprs])
    total = reduce(lambda a, b: a + b, [F.coalesce(e, F.lit(0).cast("long")) for e in exprs])
    return F.when(any_present, total)


def indicator_expr(ind: Indicator) -> Column:
    if ind.kind == "qualifications":
        value = reduce(lambda a, b: a + b, [F.col(c.qual(q)).cast("long") for q in ind.qualifications]).cast(
            "double"
        )
    elif ind.kind == "value":
        value = _sum_present([c.cur(f) for f in ind.fields]).cast("double")
    elif ind.kind == "ratio":
        num = _sum_present([c.cur(f) for f in ind.fields])
        den = _sum_present([c.cur(f) for f in ind.denominator])
        value = F.when(num.isNotNull() & (den > 0), num.cast("double") / den.cast("double"))
    else:
        now = _sum_present([c.cur(f) for f in ind.fields])
        before = _sum_present([c.prev(f) for f in ind.fields])
        value = F.when(now.isNotNull() & (before > 0), (now - before).cast("double") / before.cast("double"))
    if ind.direction == "lower_better":
        value = -value
    return value.alias(c.value_col(ind.id))


def _condition(cond: Condition, year: int) -> Column:
    if cond.metric == "age_years":
        left = (F.lit(year).cast("long") - F.col("registration_year").cast("long")) * SCALE
    else:
        left = F.coalesce(F.col(c.cur("operating_revenue")), F.lit(0).cast("long"))
    right = F.lit(int(cond.value * SCALE)).cast("long")
    return {"lt": left < right, "le": left <= right, "gt": left > right, "ge": left >= right}[cond.op]


def _stage_match(stage: Stage, year: int) -> Column:
    conds = [_condition(x, year) for x in stage.conditions]
    return reduce((lambda a, b: a | b) if stage.match == "any" else (lambda a, b: a & b), conds)


def stage_expr(rb: PointsRulebook, year: int) -> Column:
    stages = rb.stages.stages
    chain = F.when(_stage_match(stages[0], year), F.lit(stages[0].id))
    for stage in stages[1:-1]:
        chain = chain.when(_stage_match(stage, year), F.lit(stage.id))
    return chain.otherwise(F.lit(stages[-1].id)).alias("stage")


def tech_sme_exprs(rb: PointsRulebook, year: int) -> list[Column]:
    """Score (null until its range closes) and verdict compiled from rulebook/national/tech_sme.yaml."""
    sme = compile_round(rb.ladder.tech_sme, year, SparkBackend(), c.cur, c.qual, c.neg)
    score = sme.score_if_closed(SparkBackend()).cast("int").alias("tech_sme_score")
    return [score, sme.qualified.alias("tech_sme_qualified")]


def ladder_expr(rb: PointsRulebook) -> Column:
    chain = None
    for rung in rb.ladder.ladder:
        held = F.col(c.qual(rung.qualification))
        if rung.or_tech_sme_qualified:
            held = held | F.coalesce(F.col("tech_sme_qualified"), F.lit(False))
        chain = F.when(held, F.lit(rung.id)) if chain is None else chain.when(held, F.lit(rung.id))
    assert chain is not None
    return chain.otherwise(F.lit(rb.ladder.none_stage)).alias("ladder_stage")


def adjustment_exprs(rb: PointsRulebook) -> list[Column]:
    adj = rb.adjustments
    bonus_terms = [
        F.when(F.col(c.cur(b.field)) >= int(b.min * SCALE), F.lit(b.points)).otherwise(F.lit(0))
        for b in adj.bonus
    ]
    bonus = F.least(reduce(lambda a, b: a + b, bonus_terms), F.lit(adj.bonus_cap)).cast("long")
    pen_terms = [F.col(c.neg(p.kind)) * p.points for p in adj.penalties]
    pen_terms.append(F.col(c.UNLISTED) * adj.unlisted_deduction)
    penalty = reduce(lambda a, b: a + b, pen_terms).cast("long")
    return [bonus.alias("bonus_points"), penalty.alias("penalty_points")]


def _weight_by_stage(rb: PointsRulebook, ind: Indicator) -> Column:
    stages = rb.stage_ids
    chain = F.when(F.col("stage") == stages[0], F.lit(int(rb.weight(stages[0], ind) * 10)))
    for s in stages[1:]:
        chain = chain.when(F.col("stage") == s, F.lit(int(rb.weight(s, ind) * 10)))
    return chain.otherwise(F.lit(0)).cast("long")


def _idiv(num: Column, den: Column | int) -> Column:
    """Integer floor division of non-negative longs: (num − pmod(num, den)) / den is an exact integer."""
    d = den if isinstance(den, Column) else F.lit(den).cast("long")
    return ((num - F.pmod(num, d)) / d).cast("long")


def _round_sum(terms: list[Column]) -> Column:
    total = reduce(lambda a, b: a + b, terms)
    return _idiv(total + F.lit(10 * MICRO // 200).cast("long"), 10 * MICRO // 100)


def points_exprs(rb: PointsRulebook) -> list[Column]:
    terms = {ind.id: _weight_by_stage(rb, ind) * F.col(c.micro_col(ind.id)) for ind in rb.indicator_list}
    out = [_round_sum(list(terms.values())).alias("base_centi")]
    for g in rb.indicators.groups:
        out.append(
            _round_sum([terms[i.id] for i in rb.indicator_list if i.group == g.id]).alias(c.group_col(g.id))
        )
    return out


def final_expr(rb: PointsRulebook) -> Column:
    top = rb.weights.max_points * 100
    pts = F.col("base_centi") + F.col("bonus_points") * 100 - F.col("penalty_points") * 100
    return F.least(F.greatest(pts, F.lit(0).cast("long")), F.lit(top).cast("long")).alias("points_centi")


def rank_exprs(rb: PointsRulebook) -> list[Column]:
    peer = Window.partitionBy("peer_group").orderBy(F.col("points_centi").desc())
    peer_rank = F.rank().over(peer).cast("long")
    peer_size = F.count(F.lit(1)).over(Window.partitionBy("peer_group")).cast("long")
    city_rank = F.rank().over(Window.orderBy(F.col("points_centi").desc())).cast("long")
    out = [
        peer_rank.alias("peer_rank"),
        peer_size.alias("peer_size"),
        city_rank.alias("city_rank"),
        _idiv((peer_size - peer_rank) * 10000, peer_size).alias("percentile_bp"),
        (F.col("points_centi").cast("double") / F.lit(100.0)).alias("points"),
    ]
    for spec in rb.peer_groups.lists:
        share_bp = int(spec.share * 10000)
        out.append((peer_rank <= _idiv(peer_size * share_bp + 9999, 10000)).alias(spec.id))
    return out


def evaluator_exprs(year: int) -> list[dict[str, Column]]:
    """Every ladder evaluator compiled from its rulebook (scoring/ladder_batch.py), in phases."""
    return evaluator_phases(year, SparkBackend())


def evaluated_ladder_expr() -> Column:
    expr: Column = evaluated_stage_expr(SparkBackend())
    return expr
