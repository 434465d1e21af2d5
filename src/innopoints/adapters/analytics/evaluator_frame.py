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

from innopoints.adapters.analytics.columns import cur, growth_fields, prev
from innopoints.adapters.analytics.frame_plan import FramePlan
from innopoints.adapters.analytics.inputs import firm_plan
from innopoints.eligibility.common import add_years
from innopoints.eligibility.panel_inputs import CLASS1, CLASS2
from innopoints.registry.negative_kinds import INCIDENT_KINDS
from innopoints.scoring.rulebook import PointsRulebook

WINDOW = 4
HIGH_TECH_SERIES = (  # 高企: three-year series (R−2 … R), as panel_inputs._high_tech reads them
    "sales_revenue",
    "rd_expense",
    "rd_expense_domestic",
    "total_assets",
    "total_liabilities",
    "conversions",
)
HIGH_TECH_LATEST = ("high_tech_income", "total_income", "standards_led")
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
            *HIGH_TECH_SERIES,
            *HIGH_TECH_LATEST,
        )
    )
)
SERIES_FIELDS = ("operating_revenue", "employees", "rd_expense")  # 瞪羚: years R−3 … R
MIDDLE_FIELDS = tuple(dict.fromkeys((*SERIES_FIELDS, *HIGH_TECH_SERIES)))  # years R−2 and R−1
HISTORY_FIELDS = ("largest_venture_investment", "valuation", "venture_rounds", "equity_financing")


def panel_reads(year: int) -> list[tuple[list[int] | None, list[str]]]:
    """(years, fields) the evaluator columns need — for stores that read by year and field:
    every window field in R, the 瞪羚 and 高企 series in R−2 and R−1, the 瞪羚 series in R−3,
    the history fields in every year."""
    return [
        ([year], list(WINDOW_FIELDS)),
        ([year - 2, year - 1], list(MIDDLE_FIELDS)),
        ([year - 3], list(SERIES_FIELDS)),
        (None, list(HISTORY_FIELDS)),
    ]


VALID_KINDS = ("tech_sme", "high_tech_enterprise")


def year_fields(k: int) -> tuple[str, ...]:
    """The fields read for window year ``k`` (0 = R−3 … 3 = R): every field in R, the 高企 and 瞪羚
    series in R−2 and R−1, the 瞪羚 series in R−3."""
    if k == WINDOW - 1:
        return WINDOW_FIELDS
    return SERIES_FIELDS if k == 0 else MIDDLE_FIELDS


def window_col(field: str, k: int) -> str:
    return f"x_{field}__{k}"


def valid_col(kind: str) -> str:
    return f"x_valid_{kind}"


HIGH_TECH_FIELD = "x_high_tech_field"
INCIDENT = "x_incident"


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


def enterprise_columns(year: int, ent_cols: list[str]) -> list[pl.Expr]:
    """The evaluator columns read from the enterprise row (one expression each, over that row)."""
    day = date(year, 12, 31)
    synth = _synth_valid(ent_cols, day)
    listed = pl.col("listed").cast(pl.Boolean).fill_null(False) if "listed" in ent_cols else pl.lit(False)
    field = (
        pl.col("high_tech_field_id").cast(pl.String)
        if "high_tech_field_id" in ent_cols
        else pl.lit(None, dtype=pl.String)
    )
    return [
        pl.col("registration_date").alias("x_registration_date"),
        listed.alias("x_listed"),
        field.alias(HIGH_TECH_FIELD),
        *[synth.get(k, pl.lit(False)).fill_null(False).alias(valid_col(k)) for k in VALID_KINDS],
    ]


def window_columns(year: int, names: list[str], skip: frozenset[str]) -> dict[int, list[pl.Expr]]:
    """Panel year → the window columns read from that year's row (a panel holds at most one row per firm
    and year): the fields :func:`year_fields` names for years ``R−3 … R``, except the columns in ``skip``."""
    first, _ = panel_years_needed(year)
    out: dict[int, list[pl.Expr]] = {}
    for k in range(WINDOW):
        cols = [
            pl.col(f).cast(pl.Int64).alias(window_col(f, k))
            for f in year_fields(k)
            if f in names and window_col(f, k) not in skip
        ]
        if cols:
            out[first + k] = cols
    return out


def _history_part(year: int, lazy: pl.LazyFrame, names: list[str]) -> pl.LazyFrame | None:
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


def _incident_part(negatives: pl.DataFrame | None, year: int) -> pl.LazyFrame | None:
    """高企 第十一条（八）: a 重大安全/质量事故 or 严重环境违法 in the year up to the as-of date
    (``panel_inputs._high_tech``: occurred on ``add_years(as_of, −1)`` … ``as_of``)."""
    if negatives is None or not negatives.height:
        return None
    day = date(year, 12, 31)
    since = add_years(day, -1)
    hit = pl.col("kind").is_in(sorted(INCIDENT_KINDS)) & pl.col("occurred_on").is_between(since, day)
    return negatives.lazy().filter(hit).select("uscc").unique().with_columns(pl.lit(True).alias("_incident"))


def _qualification_part(qualifications: pl.DataFrame | None, year: int) -> pl.LazyFrame | None:
    if qualifications is None or not qualifications.height:
        return None
    valid = _valid_on(qualifications.lazy(), date(year, 12, 31))
    return valid.group_by("uscc").agg((pl.col("kind") == k).any().alias(f"_v_{k}") for k in VALID_KINDS)


def evaluator_parts(
    year: int,
    panel: pl.DataFrame | pl.LazyFrame,
    qualifications: pl.DataFrame | None,
    negatives: pl.DataFrame | None,
) -> list[pl.LazyFrame]:
    """The keyed parts the evaluator columns read besides the window years (history, qualifications,
    incidents)."""
    lazy = panel.lazy()
    names = lazy.collect_schema().names()
    parts = []
    for part in (
        _history_part(year, lazy, names),
        _qualification_part(qualifications, year),
        _incident_part(negatives, year),
    ):
        if part is not None:
            parts.append(part)
    return parts


def finish_evaluator_columns(frame: pl.LazyFrame, skip: frozenset[str]) -> pl.LazyFrame:
    """Fold the qualification and incident parts in; absent columns become null (or False)."""
    have = frame.collect_schema().names()
    if "_v_" + VALID_KINDS[0] in have:
        frame = frame.with_columns(
            (pl.col(valid_col(k)) | pl.col(f"_v_{k}").fill_null(False)).alias(valid_col(k))
            for k in VALID_KINDS
        ).drop([f"_v_{k}" for k in VALID_KINDS])
    incident = pl.col("_incident").fill_null(False) if "_incident" in have else pl.lit(False)
    frame = frame.with_columns(incident.alias(INCIDENT))
    if "_incident" in have:
        frame = frame.drop("_incident")
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


def evaluator_frame(
    year: int,
    enterprises: pl.DataFrame | pl.LazyFrame,
    panel: pl.DataFrame | pl.LazyFrame,
    qualifications: pl.DataFrame | None = None,
    skip: frozenset[str] = frozenset(),
    negatives: pl.DataFrame | None = None,
) -> pl.LazyFrame:
    """One row per enterprise (``uscc``) with every evaluator input column, lazily — except the window
    columns named in ``skip`` (the caller has them already)."""
    ent = enterprises.lazy()
    base = ent.select("uscc", *enterprise_columns(year, ent.collect_schema().names()))
    lazy = panel.lazy()
    windows = window_columns(year, lazy.collect_schema().names(), skip)
    parts = [lazy.filter(pl.col("year") == y).select("uscc", *cols) for y, cols in windows.items()]
    parts += evaluator_parts(year, panel, qualifications, negatives)
    return FramePlan(base, parts, lambda f: finish_evaluator_columns(f, skip)).lazy()


def with_evaluator_inputs(
    firms: pl.DataFrame,
    year: int,
    enterprises: pl.DataFrame | pl.LazyFrame,
    panel: pl.DataFrame | pl.LazyFrame,
    qualifications: pl.DataFrame | None = None,
    negatives: pl.DataFrame | None = None,
) -> pl.DataFrame:
    """The firm frame with the evaluator input columns joined on ``uscc`` (``panel``: years R−3 … R+1).

    ``firms`` is :func:`~innopoints.adapters.analytics.inputs.build_firm_frame`'s frame of the same panel
    and year: its year-R (``f_``) and year-R−1 (``p_``) columns already hold those window values, so they
    are copied rather than read and joined again. (:func:`round_inputs` builds both in one plan.)"""
    shared = shared_window_columns(firms.columns)
    extra = evaluator_frame(year, enterprises, panel, qualifications, frozenset(shared), negatives)
    copies = [pl.col(src).alias(dst) for dst, src in shared.items()]
    return firms.lazy().join(extra, on="uscc", how="left").with_columns(copies).collect()


def shared_window_columns(firm_columns: list[str]) -> dict[str, str]:
    """Window column → the firm frame column holding the same value (year R: ``f_``, year R−1: ``p_``)."""
    have = set(firm_columns)
    shared = {window_col(f, WINDOW - 1): cur(f) for f in year_fields(WINDOW - 1) if cur(f) in have}
    shared |= {window_col(f, WINDOW - 2): prev(f) for f in year_fields(WINDOW - 2) if prev(f) in have}
    return shared


def round_inputs(
    rb: PointsRulebook,
    year: int,
    enterprises: pl.DataFrame | pl.LazyFrame,
    panel: pl.DataFrame | pl.LazyFrame,
    qualifications: pl.DataFrame | None = None,
    negatives: pl.DataFrame | None = None,
) -> pl.DataFrame:
    """``with_evaluator_inputs(build_firm_frame(...), ...)`` in one plan collected once: the same columns
    and values (``panel`` holds the years R−3 … R+1; it is read once per year, every part in parallel)."""
    ent_cols = enterprises.collect_schema().names()
    names = panel.collect_schema().names()
    firm_columns = [cur(f) for f in rb.panel_fields_used()] + [prev(f) for f in growth_fields(rb)]
    shared = shared_window_columns([x for x in firm_columns if x.split("_", 1)[1] in names])
    windows = window_columns(year, names, frozenset(shared))
    plan = firm_plan(
        rb, year, enterprises, panel, qualifications, negatives, enterprise_columns(year, ent_cols), windows
    )
    plan.parts += evaluator_parts(year, panel, qualifications, negatives)
    copies = [pl.col(src).alias(dst) for dst, src in shared.items()]
    firm_finish = plan.finish

    def finish(frame: pl.LazyFrame) -> pl.LazyFrame:
        return firm_finish(finish_evaluator_columns(frame, frozenset(shared)).with_columns(copies))

    return FramePlan(plan.base, plan.parts, finish).collect()
