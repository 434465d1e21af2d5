"""Embedded columnar engine: one scoring round over a normalised firm frame with Polars."""

from __future__ import annotations

import polars as pl
import polars.selectors as cs

from innopoints.adapters.analytics import polars_plan as plan
from innopoints.adapters.analytics.polars_reference import (
    Layout,
    apply_reference,
    assign_frozen_groups,
    assign_peer_groups,
    build_reference,
)
from innopoints.scoring.ladder_batch import has_evaluator_inputs
from innopoints.scoring.reference import Reference
from innopoints.scoring.rulebook import PointsRulebook


def features(firms: pl.DataFrame, rb: PointsRulebook, year: int) -> pl.DataFrame:
    """Indicator values, stage, tech-SME test, ladder stage, bonus and penalty points."""
    first = [plan.indicator_expr(ind) for ind in rb.indicator_list]
    first += [plan.stage_expr(rb, year), *plan.tech_sme_points_exprs(rb, year), *plan.adjustment_exprs(rb)]
    lazy = firms.lazy().with_columns(first).with_columns(plan.tech_sme_exprs(rb, year))
    lazy = lazy.with_columns(plan.ladder_expr(rb))
    if has_evaluator_inputs(firms.columns):
        for phase in plan.evaluator_exprs(year):
            lazy = lazy.with_columns(phase)
        lazy = lazy.with_columns(plan.evaluated_ladder_expr())
    return lazy.drop(cs.starts_with("_")).collect()


def finish(df: pl.DataFrame, rb: PointsRulebook) -> pl.DataFrame:
    """Points (hundredths), group scores, ranks, percentile and list flags from the percentile columns."""
    peer = "_peer" if "_peer" in df.columns else "peer_group"
    return (
        df.lazy()
        .with_columns(plan.points_exprs(rb))
        .with_columns(plan.final_exprs(rb))
        .with_columns(plan.rank_exprs(rb, peer))
        .drop("_cell", "_peer", strict=False)
        .collect()
    )


def score(
    firms: pl.DataFrame, rb: PointsRulebook, year: int, reference: Reference | None = None
) -> tuple[pl.DataFrame, Reference]:
    """Score every firm. Without a reference the round's own reference is built and frozen first;
    with one (a frozen round), firms are looked up against it and nothing is re-normalised."""
    df = features(firms, rb, year)
    percentiles: list[pl.Series] = []
    if reference is None:
        df = assign_peer_groups(df, rb)
        reference = build_reference(df, rb, layout=Layout(df), percentiles=percentiles)
    else:
        df = assign_frozen_groups(df, reference)
        percentiles = apply_reference(df, rb, reference, layout=Layout(df))
    df = df.with_columns(percentiles)
    return finish(df, rb), reference
