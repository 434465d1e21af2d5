"""The evaluator input columns of a batch round, from the same records the single-firm mapping reads.

:func:`innopoints.eligibility.panel_inputs.build_inputs` builds each ladder evaluator's input object for
one firm; this builds the same facts for every firm at once (Polars, one row per firm). The round scores
year ``R`` on the latest complete year, so the windows are those of ``build_inputs`` with
``as_of = 31 December R`` and ``filing_year = R + 1``: years ``R−3 … R`` oldest first, qualifications
valid on the as-of date, the latest valuation and the largest venture investment up to ``R``, and
"professionally invested" when any year up to ``R`` records a venture round or equity financing.

Columns (money and counts in panel hundredths, like the firm frame): ``x_registration_date``,
``x_listed``, ``x_<field>__<k>`` (k = 0 … 3 for years R−3 … R; before R only ``SERIES_FIELDS``), ``x_venture_max`` (years ≤ R),
``x_valuation`` and ``x_invested`` (years ≤ R + 1, as ``build_inputs`` reads them), ``x_valid_<kind>``.
"""

from __future__ import annotations

from datetime import date

import polars as pl

from innopoints.adapters.analytics.columns import cur, prev
from innopoints.eligibility.panel_inputs import CLASS1, CLASS2

WINDOW = 4
WINDOW_FIELDS = tuple(
    dict.fromkeys(
        (
            "operating_revenue",
            "employees",
            "sci_tech_staff",
            "rd_expense",
            "total_assets",
            "total_liabilities",
            "ip_invention_granted",
            "rd_platforms_provincial",
            *CLASS1,
            *CLASS2,
        )
    )
)
SERIES_FIELDS = ("operating_revenue", "employees", "rd_expense")  # the only fields read before year R
HISTORY_FIELDS = ("largest_venture_investment", "valuation", "venture_rounds", "equity_financing")


def panel_reads(year: int) -> list[tuple[list[int] | None, list[str]]]:
    """(years, fields) the evaluator columns need — for stores that read by year and field:
    every window field in R, the series fields in R−3 … R−1, the history fields in every year."""
    before = list(range(year - WINDOW + 1, year))
    return [([year], list(WINDOW_FIELDS)), (before, list(SERIES_FIELDS)), (None, list(HISTORY_FIELDS))]


VALID_KINDS = ("tech_sme", "high_tech_enterprise")


def year_fields(k: int) -> tuple[str, ...]:
    """The fields read for window year ``k`` (0 = R−3 … 3 = R): every field in R, the series before."""
    return WINDOW_FIELDS if k == WINDOW - 1 else SERIES_FIELDS


def window_col(field: str, k: int) -> str:
    return f"x_{field}__{k}"


def valid_col(kind: str) -> str:
    return f"x_valid_{kind}"


def panel_years_needed(year: int) -> tuple[int, int]:
    """The panel years the evaluator columns read: the window ``R−3 … R`` (history fields: all ≤ R)."""
    return year - WINDOW + 1, year


def _valid_on(quals: pl.LazyFrame, day: date) -> pl.LazyFrame:
    """``QualificationRecord.valid_on``: granted by ``day``, not revoked by it, not yet expired."""
    expires = pl.coalesce(pl.col("expires_on"), pl.date(pl.col("granted_on").dt.year(), 12, 31))
    ok = (
        (pl.col("granted_on") <= day)
        & (pl.col("revoked_on").is_null() | (pl.col("revoked_on") > day))
        & (pl.lit(day) <= expires)
    )
    return quals.filter(ok & pl.col("kind").is_in(VALID_KINDS)).select("uscc", "kind").unique()


def _synth_valid(cols: list[str], day: date) -> dict[str, pl.Expr]:
    """The synthetic-city enterprise columns as qualification records valid on ``day``."""
    out: dict[str, pl.Expr] = {}
    if "tech_sme_year" in cols:
        out["tech_sme"] = pl.col("tech_sme_year").cast(pl.Int32) == day.year
    if {"high_tech_cert_granted_on", "high_tech_cert_expires_on"} <= set(cols):
        out["high_tech_enterprise"] = (pl.col("high_tech_cert_granted_on") <= day) & (
            pl.col("high_tech_cert_expires_on") >= day
        )
    return out


def _window_facts(
    year: int, lazy: pl.LazyFrame, names: list[str], skip: frozenset[str]
) -> pl.LazyFrame | None:
    """The window values of years ``R−3 … R`` in one ``group_by(uscc)`` over those years: per-row
    conditional columns (a panel holds at most one row per firm and year, so the max is that year's value)."""
    first, _ = panel_years_needed(year)
    yr = pl.col("year")
    per_row = [
        pl.when(yr == first + k).then(pl.col(f).cast(pl.Int64)).alias(window_col(f, k))
        for k in range(WINDOW)
        for f in year_fields(k)
        if f in names and window_col(f, k) not in skip
    ]
    if not per_row:
        return None
    years = sorted({first + k for k in range(WINDOW) for f in year_fields(k) if window_col(f, k) not in skip})
    window = lazy.filter(yr.is_in(years)).select("uscc", *per_row)
    return window.group_by("uscc").agg(pl.all().max())


def _history_facts(year: int, lazy: pl.LazyFrame, names: list[str]) -> pl.LazyFrame | None:
    """The history columns from the (few) rows recording any history field: the largest venture investment
    of the years ≤ R, the latest valuation and "professionally invested" (years ≤ R + 1, as build_inputs
    reads them; null when no year records a venture round or equity financing)."""
    history = [f for f in HISTORY_FIELDS if f in names]
    if not history:
        return None
    yr = pl.col("year")
    rows = lazy.filter((yr <= year + 1) & pl.any_horizontal([pl.col(f).is_not_null() for f in history]))
    aggs: list[pl.Expr] = []
    if "largest_venture_investment" in history:
        venture = pl.col("largest_venture_investment").filter(yr <= year).max()
        aggs.append(venture.cast(pl.Int64).alias("x_venture_max"))
    if "valuation" in history:
        valued = pl.col("valuation").is_not_null()
        latest = pl.col("valuation").filter(valued).sort_by(yr.filter(valued)).last()
        aggs.append(latest.cast(pl.Int64).alias("x_valuation"))
    invest = [f for f in ("venture_rounds", "equity_financing") if f in history]
    if invest:
        known = pl.any_horizontal([pl.col(f).is_not_null() for f in invest]).any()
        positive = pl.any_horizontal([pl.col(f) > 0 for f in invest]).fill_null(False).any()
        aggs.append(pl.when(known).then(positive).alias("x_invested"))
    return rows.select("uscc", "year", *history).group_by("uscc").agg(aggs)


def _panel_facts(year: int, panel: pl.DataFrame | pl.LazyFrame, skip: frozenset[str]) -> pl.LazyFrame | None:
    """Every panel-derived column, one row per firm: one aggregation of the window years and one of the
    rows carrying history fields (instead of one join per window year). ``None`` when none apply."""
    lazy = panel.lazy()
    names = lazy.collect_schema().names()
    parts = [
        f
        for f in (_window_facts(year, lazy, names, skip), _history_facts(year, lazy, names))
        if f is not None
    ]
    if not parts:
        return None
    facts = parts[0]
    for part in parts[1:]:
        facts = facts.join(part, on="uscc", how="full", coalesce=True)
    return facts


def evaluator_frame(
    year: int,
    enterprises: pl.DataFrame | pl.LazyFrame,
    panel: pl.DataFrame | pl.LazyFrame,
    qualifications: pl.DataFrame | None = None,
    skip: frozenset[str] = frozenset(),
) -> pl.LazyFrame:
    """One row per enterprise (``uscc``) with every evaluator input column, lazily — except the window
    columns named in ``skip`` (the caller has them already)."""
    day = date(year, 12, 31)
    ent = enterprises.lazy()
    ent_cols = ent.collect_schema().names()
    synth = _synth_valid(ent_cols, day)
    listed = pl.col("listed").cast(pl.Boolean).fill_null(False) if "listed" in ent_cols else pl.lit(False)
    frame = ent.select(
        "uscc",
        pl.col("registration_date").alias("x_registration_date"),
        listed.alias("x_listed"),
        *[synth.get(k, pl.lit(False)).fill_null(False).alias(valid_col(k)) for k in VALID_KINDS],
    )
    facts = _panel_facts(year, panel, skip)
    if facts is not None:
        frame = frame.join(facts, on="uscc", how="left")
    if qualifications is not None and qualifications.height:
        valid = _valid_on(qualifications.lazy(), day)
        flags = valid.group_by("uscc").agg((pl.col("kind") == k).any().alias(f"_v_{k}") for k in VALID_KINDS)
        frame = (
            frame.join(flags, on="uscc", how="left")
            .with_columns(
                (pl.col(valid_col(k)) | pl.col(f"_v_{k}").fill_null(False)).alias(valid_col(k))
                for k in VALID_KINDS
            )
            .drop([f"_v_{k}" for k in VALID_KINDS])
        )
    have = frame.collect_schema().names()
    fill = [
        pl.lit(None, dtype=pl.Int64).alias(c)
        for c in [window_col(f, k) for k in range(WINDOW) for f in year_fields(k)]
        + ["x_venture_max", "x_valuation"]
        if c not in have and c not in skip
    ]
    if "x_invested" not in have:
        fill.append(pl.lit(None, dtype=pl.Boolean).alias("x_invested"))
    return frame.with_columns(fill)


def with_evaluator_inputs(
    firms: pl.DataFrame,
    year: int,
    enterprises: pl.DataFrame | pl.LazyFrame,
    panel: pl.DataFrame | pl.LazyFrame,
    qualifications: pl.DataFrame | None = None,
) -> pl.DataFrame:
    """The firm frame with the evaluator input columns joined on ``uscc`` (``panel``: years R−3 … R+1).

    ``firms`` is :func:`~innopoints.adapters.analytics.inputs.build_firm_frame`'s frame of the same panel
    and year: its year-R (``f_``) and year-R−1 (``p_``) columns already hold those window values, so they
    are copied rather than read and joined again."""
    shared = shared_window_columns(firms.columns)
    extra = evaluator_frame(year, enterprises, panel, qualifications, skip=frozenset(shared))
    copies = [pl.col(src).alias(dst) for dst, src in shared.items()]
    return firms.lazy().join(extra, on="uscc", how="left").with_columns(copies).collect()


def shared_window_columns(firm_columns: list[str]) -> dict[str, str]:
    """Window column → the firm frame column holding the same value (year R: ``f_``, year R−1: ``p_``)."""
    have = set(firm_columns)
    shared = {window_col(f, WINDOW - 1): cur(f) for f in year_fields(WINDOW - 1) if cur(f) in have}
    shared |= {window_col(f, WINDOW - 2): prev(f) for f in year_fields(WINDOW - 2) if prev(f) in have}
    return shared
