"""Alerts between two consecutively screened rounds: a pool firm crossed a threshold (alerts.yaml)."""

from __future__ import annotations

import polars as pl

from innopoints.cultivation.rulebook import CultivationRulebook
from innopoints.cultivation.schema import AlertRule

_METRIC_ZH = {
    "points_centi": "创新积分",
    "percentile_bp": "全市百分位",
    "tech_sme_score": "科技型中小企业测评分",
}


def _show(metric: str, value: pl.Expr) -> pl.Expr:
    """A metric value as Chinese text with its unit."""
    if metric == "tech_sme_score":
        return pl.format("{} 分", value)
    hundredths = pl.format("{}.{}", value // 100, (value % 100).cast(pl.String).str.zfill(2))
    return pl.format("{} 分", hundredths) if metric == "points_centi" else pl.format("{}%", hundredths)


def _fires(rule: AlertRule) -> pl.Expr:
    a, b = pl.col("value_from"), pl.col("value_to")
    known = a.is_not_null() & b.is_not_null()
    if rule.kind == "drop":
        return known & (a - b >= rule.level)
    if rule.kind == "falls_below":
        return known & (a >= rule.level) & (b < rule.level)
    return known & (a < rule.level) & (b >= rule.level)


def derive_alerts(
    book: CultivationRulebook,
    members: pl.DataFrame,
    prev: pl.DataFrame,
    current: pl.DataFrame,
    round_id: int,
    prev_round_id: int,
) -> pl.DataFrame:
    """Alert rows for firms in ``members`` (uscc) scored in both rounds (``prev``/``current`` results)."""
    frames = []
    both = members.select("uscc").unique().join(prev, on="uscc").join(current, on="uscc", suffix="_to")
    for rule in book.alerts.alerts:
        m = rule.metric
        rows = both.select(
            "uscc",
            pl.col(m).cast(pl.Int64).alias("value_from"),
            pl.col(f"{m}_to").cast(pl.Int64).alias("value_to"),
        ).filter(_fires(rule))
        message = pl.concat_str(
            [
                pl.lit(f"{rule.name.zh}：{_METRIC_ZH[m]} "),
                _show(m, pl.col("value_from")),
                pl.lit(" → "),
                _show(m, pl.col("value_to")),
                pl.lit(f"（{rule.reference}）"),
            ]
        )
        frames.append(
            rows.select(
                pl.lit(round_id, pl.Int64).alias("round_id"),
                pl.lit(prev_round_id, pl.Int64).alias("prev_round_id"),
                "uscc",
                pl.lit(rule.id).alias("rule_id"),
                pl.lit(m).alias("metric"),
                "value_from",
                "value_to",
                pl.lit(rule.level, pl.Int64).alias("threshold"),
                message.alias("message_zh"),
            )
        )
    return pl.concat(frames) if frames else pl.DataFrame()
