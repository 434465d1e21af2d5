"""Features for origin year t, built ONLY from panel years ≤ t (explicit ``cutoff``) plus static firm facts.

The panel is filtered to ``year <= cutoff`` before anything else is computed, so no column can derive
from a later year (tests perturb later years and check the features do not move). Qualification fields
of the enterprises table are deliberately NOT used: that table is a 2025 snapshot (latest certificate,
latest 入库 year), and reading it at an earlier origin would leak the future.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import polars as pl

from innopoints.potential.data import PotentialData
from innopoints.registry.panel_fields import SCALE


@dataclass(frozen=True)
class Feature:
    code: str
    name_zh: str
    kind: (
        str  # "growth" (shown as +x%), "ratio" (x%), "log" (shown as the raw value), "count", "flag", "years"
    )
    raw: str | None = None  # panel field shown for "log" features


FEATURES: tuple[Feature, ...] = (
    Feature("revenue_growth_1y", "上年营业收入增速", "growth"),
    Feature("revenue_growth_2y", "近两年营业收入增速（年均）", "growth"),
    Feature("employee_growth_1y", "上年职工人数增速", "growth"),
    Feature("employee_growth_2y", "近两年职工人数增速（年均）", "growth"),
    Feature("rd_growth_1y", "上年研发费用增速", "growth"),
    Feature("log_revenue", "营业收入规模", "log", "operating_revenue"),
    Feature("log_employees", "职工人数规模", "log", "employees"),
    Feature("rd_intensity", "研发投入强度（研发费用/营业收入）", "ratio"),
    Feature("sci_staff_share", "科技人员占比", "ratio"),
    Feature("rd_staff_share", "研发人员占比", "ratio"),
    Feature("profit_margin", "净利润率", "ratio"),
    Feature("leverage", "资产负债率", "ratio"),
    Feature("high_tech_income_share", "高新技术收入占比", "ratio"),
    Feature("log_invention_patents", "有效发明专利", "log", "ip_invention_granted"),
    Feature("log_invention_applied", "当年发明专利申请", "log", "ip_invention_applied"),
    Feature("log_software_copyright", "软件著作权", "log", "ip_software_copyright"),
    Feature("venture_rounds", "累计创投轮次", "count"),
    Feature("log_largest_investment", "单笔最大创投金额", "log", "largest_venture_investment"),
    Feature("log_equity_raised", "当年股权融资额", "log", "equity_financing"),
    Feature("age_years", "企业年龄", "years"),
    Feature("in_park", "位于重点园区", "flag"),
    Feature("years_reported", "近三年报送年数", "count"),
)
FEATURE_CODES: tuple[str, ...] = tuple(f.code for f in FEATURES)
BY_CODE: dict[str, Feature] = {f.code: f for f in FEATURES}
MONEY_FIELDS = {"operating_revenue", "largest_venture_investment", "equity_financing"}
_USED = (
    "operating_revenue", "employees", "rd_expense", "sci_tech_staff", "rd_staff", "net_profit",
    "total_liabilities", "total_assets", "high_tech_income", "total_income", "ip_invention_granted",
    "ip_invention_applied", "ip_software_copyright", "venture_rounds", "largest_venture_investment",
    "equity_financing",
)  # fmt: skip


def _ratio(num: pl.Expr, den: pl.Expr) -> pl.Expr:
    return pl.when(den > 0).then(num.cast(pl.Float64) / den.cast(pl.Float64)).otherwise(None)


def _growth(now: pl.Expr, before: pl.Expr, years: int) -> pl.Expr:
    return pl.when(before > 0).then(
        (now.cast(pl.Float64) / before.cast(pl.Float64)).clip(lower_bound=0.0) ** (1.0 / years) - 1.0
    )


def _log_units(col: pl.Expr) -> pl.Expr:
    return (col.cast(pl.Float64) / SCALE).clip(lower_bound=0.0).log1p()


def build_features(data: PotentialData, cutoff: int, usccs: Sequence[str] | None = None) -> pl.DataFrame:
    """One row per firm reporting in ``cutoff``: ``uscc``, ``origin_year`` and FEATURE_CODES (Float64)."""
    panel = data.panel
    if usccs is not None:
        panel = panel.filter(pl.col("uscc").is_in(list(usccs)))
    panel = panel.filter(pl.col("year") <= cutoff)
    window = panel.filter(pl.col("year") >= cutoff - 2).select("uscc", "year", *_USED)
    now = window.filter(pl.col("year") == cutoff).drop("year")
    lag1 = window.filter(pl.col("year") == cutoff - 1).select(
        "uscc", *(pl.col(c).alias(f"{c}__1") for c in ("operating_revenue", "employees", "rd_expense"))
    )
    lag2 = window.filter(pl.col("year") == cutoff - 2).select(
        "uscc", *(pl.col(c).alias(f"{c}__2") for c in ("operating_revenue", "employees"))
    )
    counts = window.group_by("uscc").agg(pl.len().cast(pl.Float64).alias("years_reported"))
    static = data.enterprises.select("uscc", "registration_date", "park_id")
    frame = (
        now.join(lag1, on="uscc", how="left")
        .join(lag2, on="uscc", how="left")
        .join(counts, on="uscc", how="left")
        .join(static, on="uscc", how="left")
    )
    c = pl.col
    out = frame.select(
        "uscc",
        pl.lit(cutoff, dtype=pl.Int64).alias("origin_year"),
        _growth(c("operating_revenue"), c("operating_revenue__1"), 1).alias("revenue_growth_1y"),
        _growth(c("operating_revenue"), c("operating_revenue__2"), 2).alias("revenue_growth_2y"),
        _growth(c("employees"), c("employees__1"), 1).alias("employee_growth_1y"),
        _growth(c("employees"), c("employees__2"), 2).alias("employee_growth_2y"),
        _growth(c("rd_expense"), c("rd_expense__1"), 1).alias("rd_growth_1y"),
        _log_units(c("operating_revenue")).alias("log_revenue"),
        _log_units(c("employees")).alias("log_employees"),
        _ratio(c("rd_expense"), c("operating_revenue")).alias("rd_intensity"),
        _ratio(c("sci_tech_staff"), c("employees")).alias("sci_staff_share"),
        _ratio(c("rd_staff"), c("employees")).alias("rd_staff_share"),
        _ratio(c("net_profit"), c("operating_revenue")).alias("profit_margin"),
        _ratio(c("total_liabilities"), c("total_assets")).alias("leverage"),
        _ratio(c("high_tech_income"), c("total_income")).alias("high_tech_income_share"),
        _log_units(c("ip_invention_granted").fill_null(0)).alias("log_invention_patents"),
        _log_units(c("ip_invention_applied").fill_null(0)).alias("log_invention_applied"),
        _log_units(c("ip_software_copyright").fill_null(0)).alias("log_software_copyright"),
        (c("venture_rounds").fill_null(0).cast(pl.Float64) / SCALE).alias("venture_rounds"),
        _log_units(c("largest_venture_investment").fill_null(0)).alias("log_largest_investment"),
        _log_units(c("equity_financing").fill_null(0)).alias("log_equity_raised"),
        (pl.lit(cutoff) - c("registration_date").dt.year()).cast(pl.Float64).alias("age_years"),
        c("park_id").is_not_null().cast(pl.Float64).alias("in_park"),
        c("years_reported"),
    )
    return out.sort("uscc")


def raw_values(data: PotentialData, cutoff: int, uscc: str) -> dict[str, float | None]:
    """Panel values (元 or counts) of one firm in ``cutoff`` for the fields behind 'log' features."""
    row = data.panel.filter((pl.col("uscc") == uscc) & (pl.col("year") == cutoff))
    out: dict[str, float | None] = {}
    for feature in FEATURES:
        if feature.raw is None:
            continue
        value = None if row.is_empty() else row[feature.raw][0]
        out[feature.raw] = None if value is None else value / SCALE
    return out
