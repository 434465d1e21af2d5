"""Score one firm and explain it in Chinese from exact tree-SHAP contributions (LightGBM ``pred_contrib``)."""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Any

import numpy as np

from innopoints.errors import UserError
from innopoints.potential.data import PotentialData
from innopoints.potential.features import BY_CODE, FEATURE_CODES, MONEY_FIELDS, build_features, raw_values
from innopoints.potential.registry import StoredModel

UNITS = {
    "employees": "人",
    "ip_invention_granted": "项",
    "ip_invention_applied": "项",
    "ip_software_copyright": "项",
}
LEVEL_WORDS = {"log": ("较大", "较小"), "years": ("较长", "较短"), "count": ("较多", "较少")}
COUNT_UNITS = {"venture_rounds": "轮", "years_reported": "年"}


@dataclass(frozen=True)
class Factor:
    code: str
    text: str  # e.g. "近两年营业收入增速（年均）较高（+35%）"
    contribution: float  # log-odds


def _money(yuan: float) -> str:
    if abs(yuan) >= 1e8:
        return f"{yuan / 1e8:,.2f}亿元"
    if abs(yuan) >= 1e4:
        return f"{yuan / 1e4:,.1f}万元"
    return f"{yuan:,.0f}元"


def format_value(code: str, value: float, raw: dict[str, float | None]) -> str:
    feature = BY_CODE[code]
    if feature.kind == "growth":
        return f"{value * 100:+.0f}%"
    if feature.kind == "ratio":
        return f"{value * 100:.1f}%"
    if feature.kind == "log" and feature.raw is not None:
        amount = raw.get(feature.raw)
        amount = math.expm1(value) if amount is None else amount
        return _money(amount) if feature.raw in MONEY_FIELDS else f"{amount:,.0f}{UNITS.get(feature.raw, '')}"
    if feature.kind == "years":
        return f"{value:.0f}年"
    if feature.kind == "flag":
        return "是" if value >= 0.5 else "否"
    return f"{value:,.0f}{COUNT_UNITS.get(code, '')}"


def describe(code: str, value: float, median: float | None, raw: dict[str, float | None]) -> str:
    name = BY_CODE[code].name_zh
    if math.isnan(value):
        return f"{name}无数据"
    if BY_CODE[code].kind == "flag":
        return name if value >= 0.5 else f"不{name}"
    high, low = LEVEL_WORDS.get(BY_CODE[code].kind, ("较高", "较低"))
    level = "" if median is None or value == median else (high if value > median else low)
    return f"{name}{level}（{format_value(code, value, raw)}）"


@dataclass(frozen=True)
class Explanation:
    uscc: str
    origin_year: int
    task: str
    probability: float
    raising: list[Factor]
    lowering: list[Factor]


def explain_firm(model: StoredModel, data: PotentialData, uscc: str, top: int = 3) -> list[Explanation]:
    import polars as pl

    cutoff = max(data.years)
    firm = pl.col("uscc") == uscc
    data = PotentialData(data.panel.filter(firm), data.enterprises.filter(firm), data.source)
    feats = build_features(data, cutoff)
    if feats.is_empty():
        raise UserError(f"企业 {uscc} 在 {cutoff} 年没有面板数据 (no panel row for this firm in {cutoff})")
    X = feats.select(FEATURE_CODES).to_numpy().astype(np.float64)
    raw = raw_values(data, cutoff, uscc)
    out = []
    for task, est in model.estimators.items():
        medians: dict[str, Any] = model.card["tasks"][task].get("feature_medians", {})
        row = est.contributions(X)[0]
        prob = 1.0 / (1.0 + math.exp(-float(row.sum())))  # contributions + bias = log-odds (exact)
        contrib = row[:-1]
        factors = [
            Factor(code, describe(code, float(X[0, i]), medians.get(code), raw), float(contrib[i]))
            for i, code in enumerate(FEATURE_CODES)
        ]
        ranked = sorted(factors, key=lambda f: -abs(f.contribution))
        raising = [f for f in ranked if f.contribution > 0][:top]
        lowering = [f for f in ranked if f.contribution < 0][:top]
        out.append(Explanation(uscc, cutoff, task, prob, raising, lowering))
    return out
