"""Build the normalised firm frame (adapters/analytics/columns.py) from the wide panel layout.

Inputs, all Polars frames: ``enterprises`` (uscc, registration_date, exit_date, cluster_id, optional
mainland_resident and Boolean qualification columns named by qualification kind), ``panel`` (WIDE: uscc,
year, one Int64 hundredths column per panel field), optional ``qualifications`` (uscc, kind, granted_on,
expires_on, revoked_on) and ``negatives`` (uscc, kind, occurred_on, cleared_on).
"""

from __future__ import annotations

from datetime import date

import polars as pl

from innopoints.adapters.analytics import columns as c
from innopoints.adapters.analytics.frame_plan import FramePlan
from innopoints.scoring.firm import FirmInput
from innopoints.scoring.rulebook import PointsRulebook


def _held(quals: pl.DataFrame, year: int) -> pl.DataFrame:
    start, end = date(year, 1, 1), date(year, 12, 31)
    valid = (
        (pl.col("granted_on") <= end)
        & (pl.col("expires_on").is_null() | (pl.col("expires_on") >= start))
        & (pl.col("revoked_on").is_null() | (pl.col("revoked_on") > end))
    )
    return quals.filter(valid).select("uscc", "kind").unique()


def _active_negatives(negatives: pl.DataFrame, year: int, lookback: int) -> pl.DataFrame:
    start = date(year, 1, 1)
    active = pl.col("occurred_on").dt.year().is_between(year - lookback + 1, year) & (
        pl.col("cleared_on").is_null() | (pl.col("cleared_on") >= start)
    )
    return negatives.filter(active).group_by("uscc", "kind").agg(pl.len().cast(pl.Int64).alias("n"))


LADDER_TIERS = ("eaglet", "gazelle", "seed_unicorn", "potential_unicorn", "unicorn")


def _synth_flags(cols: list[str], year: int) -> dict[str, pl.Expr]:
    """Qualification flags from the `innopoints synth --format parquet` enterprise columns
    (docs/synthetic-city.md): tech_sme_year, high_tech_cert_granted_on/_expires_on, ladder_tier/ladder_year
    (status lasts 3 years), tech_leader."""
    start, end = date(year, 1, 1), date(year, 12, 31)
    flags: dict[str, pl.Expr] = {}
    if "tech_sme_year" in cols:
        flags["tech_sme"] = pl.col("tech_sme_year").cast(pl.Int32) == year
    if {"high_tech_cert_granted_on", "high_tech_cert_expires_on"} <= set(cols):
        flags["high_tech_enterprise"] = (pl.col("high_tech_cert_granted_on") <= end) & (
            pl.col("high_tech_cert_expires_on") >= start
        )
    if {"ladder_tier", "ladder_year"} <= set(cols):
        in_force = pl.col("ladder_year").cast(pl.Int32).is_between(year - 2, year)
        for tier in LADDER_TIERS:
            flags[tier] = (pl.col("ladder_tier") == tier) & in_force
    return {k: v.fill_null(False) for k, v in flags.items()}


def firm_plan(
    rb: PointsRulebook,
    year: int,
    enterprises: pl.DataFrame | pl.LazyFrame,
    panel: pl.DataFrame | pl.LazyFrame,
    qualifications: pl.DataFrame | None = None,
    negatives: pl.DataFrame | None = None,
    extra: list[pl.Expr] | None = None,
    year_columns: dict[int, list[pl.Expr]] | None = None,
) -> FramePlan:
    """The firm frame as a plan: the active firms (plus the enterprise-level ``extra`` columns), this
    year's and last year's panel values, held qualifications and active negative records. ``panel`` is
    read once per year: ``year_columns`` adds columns (over the panel row of that year) to those reads."""
    end = date(year, 12, 31)
    ent_cols = enterprises.collect_schema().names()
    panel_cols = panel.collect_schema().names()
    ent = enterprises.lazy().filter(
        (pl.col("registration_date") <= end) & (pl.col("exit_date").is_null() | (pl.col("exit_date") > end))
    )
    resident = pl.col("mainland_resident") if "mainland_resident" in ent_cols else pl.lit(True)
    kinds = rb.qualification_kinds()
    synth = _synth_flags(ent_cols, year)
    own_flags = []
    for k in kinds:
        sources = ([pl.col(k).cast(pl.Boolean).fill_null(False)] if k in ent_cols else []) + (
            [synth[k]] if k in synth else []
        )
        if sources:
            own_flags.append(pl.any_horizontal(sources).alias(c.qual(k)))
    in_force = ["negative_in_force"] if "negative_in_force" in ent_cols else []
    base = ent.select(
        "uscc",
        pl.col("registration_date").dt.year().cast(pl.Int32).alias("registration_year"),
        pl.col("cluster_id").cast(pl.String),
        resident.cast(pl.Boolean).alias("mainland_resident"),
        *own_flags,
        *[pl.col("negative_in_force").fill_null(False).cast(pl.Int64).alias("_in_force") for _ in in_force],
        *(extra or []),
    )
    fields = rb.panel_fields_used()
    present = [f for f in fields if f in panel_cols]
    lazy_panel = panel.lazy()
    grow = [f for f in c.growth_fields(rb) if f in panel_cols]
    reads = {
        year: [pl.col(f).cast(pl.Int64).alias(c.cur(f)) for f in present],
        year - 1: [pl.col(f).cast(pl.Int64).alias(c.prev(f)) for f in grow],
    }
    for y, cols in (year_columns or {}).items():
        reads[y] = reads.get(y, []) + cols
    parts = [lazy_panel.filter(pl.col("year") == y).select("uscc", *cols) for y, cols in reads.items()]
    held_kinds: list[str] = []
    if qualifications is not None and qualifications.height:
        held = _held(qualifications, year).filter(pl.col("kind").is_in(kinds))
        held_kinds = kinds
        parts.append(
            held.lazy().group_by("uscc").agg([(pl.col("kind") == k).any().alias(f"_h_{k}") for k in kinds])
        )
    listed = [p.kind for p in rb.adjustments.penalties]
    neg_cols = [c.neg(k) for k in listed] + [c.UNLISTED]
    if negatives is not None and negatives.height:
        act = _active_negatives(negatives, year, rb.adjustments.lookback_years)
        aggs = [pl.col("n").filter(pl.col("kind") == k).sum().alias(c.neg(k)) for k in listed]
        aggs.append(pl.col("n").filter(~pl.col("kind").is_in(listed)).sum().alias(c.UNLISTED))
        parts.append(act.lazy().group_by("uscc").agg(aggs))

    def finish(frame: pl.LazyFrame) -> pl.LazyFrame:
        have = frame.collect_schema().names()
        held = []
        for k in held_kinds:
            base_flag = pl.col(c.qual(k)) if c.qual(k) in have else pl.lit(False)
            held.append((base_flag | pl.col(f"_h_{k}").fill_null(False)).alias(c.qual(k)))
        frame = frame.with_columns(held).drop([f"_h_{k}" for k in held_kinds])
        have = frame.collect_schema().names()
        missing = []
        for col in c.input_columns(rb):
            if col in have:
                continue
            if col.startswith(("f_", "p_")):
                missing.append(pl.lit(None, dtype=pl.Int64).alias(col))
            elif col.startswith("q_"):
                missing.append(pl.lit(False).alias(col))
        fills = [
            pl.col(x).fill_null(0).cast(pl.Int64) if x in have else pl.lit(0, pl.Int64).alias(x)
            for x in neg_cols
        ]
        if in_force:  # the Parquet layout's kind-less flag counts as one unlisted record
            fills[-1] = (fills[-1] + pl.col("_in_force")).alias(c.UNLISTED)
        flags = [pl.col(c.qual(k)).fill_null(False) for k in kinds]
        evaluator = [x for x in have if x.startswith("x_")]  # the evaluator columns (evaluator_frame)
        return (
            frame.with_columns(missing).with_columns(fills + flags).select(*c.input_columns(rb), *evaluator)
        )

    return FramePlan(base, parts, finish)


def build_firm_frame(
    rb: PointsRulebook,
    year: int,
    enterprises: pl.DataFrame | pl.LazyFrame,
    panel: pl.DataFrame | pl.LazyFrame,
    qualifications: pl.DataFrame | None = None,
    negatives: pl.DataFrame | None = None,
) -> pl.DataFrame:
    """One row per firm active at the end of ``year`` with every column the plans read."""
    return firm_plan(rb, year, enterprises, panel, qualifications, negatives).collect()


def firm_inputs(frame: pl.DataFrame, rb: PointsRulebook) -> list[FirmInput]:
    """The same rows as single-firm inputs (for explanations and the agreement tests)."""
    fields = rb.panel_fields_used()
    grow = c.growth_fields(rb)
    kinds = rb.qualification_kinds()
    listed = [p.kind for p in rb.adjustments.penalties]
    out = []
    for row in frame.iter_rows(named=True):
        negatives = {k: row[c.neg(k)] for k in listed if row[c.neg(k)]}
        if row[c.UNLISTED]:
            negatives["unlisted"] = row[c.UNLISTED]
        out.append(
            FirmInput(
                uscc=row["uscc"],
                registration_year=row["registration_year"],
                cluster_id=row["cluster_id"],
                mainland_resident=bool(row["mainland_resident"]),
                current={f: row[c.cur(f)] for f in fields},
                previous={f: row[c.prev(f)] for f in grow},
                qualifications=frozenset(k for k in kinds if row[c.qual(k)]),
                negatives=negatives,
            )
        )
    return out
