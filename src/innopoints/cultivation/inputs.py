"""The screening frame of one scoring round: the round's frozen results joined with the firms' panel
(the round's year and the base year), qualifications held and active negative records, one row per firm
that the round scored."""

from __future__ import annotations

from collections.abc import Callable

import polars as pl
from sqlalchemy.orm import Session

from innopoints.adapters.db import cultivation_repo as repo
from innopoints.cultivation.conditions import GROWTH_YEARS, base, cur, neg, panel_fields_used, qual
from innopoints.cultivation.rulebook import CultivationRulebook
from innopoints.cultivation.schema import Condition


def _all_conditions(book: CultivationRulebook) -> list[Condition]:
    return [c for p in book.programs.values() for c in (*p.unless, *p.required, *p.conditions)]


def needs(book: CultivationRulebook) -> tuple[list[str], list[str], list[str], list[str]]:
    """(current fields, base-year fields, qualification kinds, negative kinds) the rules read."""
    conds = _all_conditions(book)
    current, based = panel_fields_used(conds)
    kinds = sorted({c.qualification for c in conds if c.qualification})
    negs = sorted({k for c in conds for k in (c.no_negatives or [])})
    return current, based, kinds, negs


def _wide_flags(
    long: pl.DataFrame, kinds: list[str], name: Callable[[str], str], value: pl.Expr
) -> pl.DataFrame:
    aggs = [value.filter(pl.col("kind") == k).sum().alias(name(k)) for k in kinds]
    return long.group_by("enterprise_id").agg(aggs)


def screening_frame(session: Session, book: CultivationRulebook, round_id: int, year: int) -> pl.DataFrame:
    current, based, kinds, negs = needs(book)
    results = repo.round_results(session, round_id)
    ent = repo.enterprises(session, ["id", "uscc", "registration_date", "high_tech_field_id", "park_id"])
    frame = results.join(ent, on="uscc", how="inner").with_columns(
        pl.col("registration_date").dt.year().cast(pl.Int32).alias("registration_year")
    )
    fields = sorted(set(current) | set(based))
    if fields:
        wide = repo.panel(session, [year - GROWTH_YEARS, year], fields)
        this = wide.filter(pl.col("year") == year).select(
            "enterprise_id", *[pl.col(f).alias(cur(f)) for f in current]
        )
        then = wide.filter(pl.col("year") == year - GROWTH_YEARS).select(
            "enterprise_id", *[pl.col(f).alias(base(f)) for f in based]
        )
        frame = frame.join(this, left_on="id", right_on="enterprise_id", how="left")
        frame = frame.join(then, left_on="id", right_on="enterprise_id", how="left")
    if kinds:
        held = repo.held_qualifications(session, kinds, year).with_columns(pl.lit(1, pl.Int64).alias("one"))
        flags = _wide_flags(held, kinds, qual, pl.col("one"))
        frame = frame.join(flags, left_on="id", right_on="enterprise_id", how="left").with_columns(
            [(pl.col(qual(k)).fill_null(0) > 0).alias(qual(k)) for k in kinds]
        )
    if negs:
        counts = _wide_flags(repo.active_negatives(session, negs, year), negs, neg, pl.col("n"))
        frame = frame.join(counts, left_on="id", right_on="enterprise_id", how="left").with_columns(
            [pl.col(neg(k)).fill_null(0) for k in negs]
        )
    return frame
