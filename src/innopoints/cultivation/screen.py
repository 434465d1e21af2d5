"""Screen a round's firm frame: every program's verdict and the tier, computed columnar in one Polars pass.

Output columns: ``uscc``, ``prog_<id>`` (Boolean), ``met_<id>`` (conditions met), ``tier`` (seedling /
trunk / pillar or null), ``tier_rule`` (the deciding clause) and ``programs`` (matched ids, comma-separated).
"""

from __future__ import annotations

from fractions import Fraction

import polars as pl

from innopoints.cultivation.conditions import ConditionCompiler
from innopoints.cultivation.rulebook import CultivationRulebook
from innopoints.cultivation.schema import Program, Tier


def prog_col(pid: str) -> str:
    return f"prog_{pid}"


def met_col(pid: str) -> str:
    return f"met_{pid}"


def _program_exprs(cc: ConditionCompiler, pid: str, program: Program) -> list[pl.Expr]:
    excluded = pl.any_horizontal([cc.compile(c).fill_null(False) for c in program.unless] or [pl.lit(False)])
    required = pl.all_horizontal([cc.compile(c).fill_null(False) for c in program.required] or [pl.lit(True)])
    met = [cc.compile(c).fill_null(False) for c in program.conditions]
    count = pl.sum_horizontal([m.cast(pl.Int32) for m in met]).cast(pl.Int32)
    passes = count >= program.needed
    if program.gap is not None:
        near = [
            cc.compile(c, Fraction(str(c.near))).fill_null(False) if c.near is not None else m
            for c, m in zip(program.conditions, met, strict=True)
        ]
        within = (len(program.conditions) - count <= program.gap.max_unmet) & pl.all_horizontal(near)
        passes = passes | within
    verdict = ~excluded & required & passes
    return [verdict.alias(prog_col(pid)), count.alias(met_col(pid))]


def _tier_test(tier: Tier) -> pl.Expr:
    test = pl.any_horizontal([pl.col(prog_col(p)) for p in tier.any_programs])
    if tier.or_top is not None:
        top = pl.any_horizontal([pl.col(prog_col(p)) for p in tier.or_top.programs]) & (
            pl.col("percentile_bp").fill_null(0) >= tier.or_top.min_percentile_bp
        )
        test = test | top
    return test


def _tier_rule(tier: Tier) -> pl.Expr:
    """Which clause placed the firm (for the event's rule id)."""
    direct = pl.any_horizontal([pl.col(prog_col(p)) for p in tier.any_programs])
    if tier.or_top is None:
        return pl.lit(f"tier.{tier.id}")
    return pl.when(direct).then(pl.lit(f"tier.{tier.id}")).otherwise(pl.lit(f"tier.{tier.id}.top"))


def screen(book: CultivationRulebook, frame: pl.DataFrame, year: int) -> pl.DataFrame:
    """Programs, counts and tier for every firm in ``frame`` (one lazy plan, evaluated once)."""
    cc = ConditionCompiler(year)
    exprs = [e for pid, program in book.programs.items() for e in _program_exprs(cc, pid, program)]
    lazy = frame.lazy().with_columns(exprs)
    tiers = book.tiers.tiers
    tier: pl.Expr = pl.lit(None, pl.String)
    rule: pl.Expr = pl.lit(None, pl.String)
    for t in reversed(tiers):  # highest first wins: build the chain from the lowest
        tier = pl.when(_tier_test(t)).then(pl.lit(t.id)).otherwise(tier)
        rule = pl.when(_tier_test(t)).then(_tier_rule(t)).otherwise(rule)
    ids = list(book.programs)
    joined = pl.concat_str(
        [pl.when(pl.col(prog_col(p))).then(pl.lit(p)).otherwise(pl.lit(None, pl.String)) for p in ids],
        separator=",",
        ignore_nulls=True,
    )
    matched = pl.when(joined == "").then(pl.lit(None, pl.String)).otherwise(joined)
    cols = ["uscc", *[c for p in ids for c in (prog_col(p), met_col(p))]]
    return (
        lazy.with_columns(tier.alias("tier"), rule.alias("tier_rule"), matched.alias("programs"))
        .select(*cols, "tier", "tier_rule", "programs")
        .collect()
    )
