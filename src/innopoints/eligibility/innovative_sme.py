"""创新型中小企业 (工信部 2022 scale): 100 points, ≥ 60 with 创新能力 ≥ 20, 成长性 ≥ 15, 专业化 ≥ 15.
Unverified items are regional defaults (labelled in every result)."""

from __future__ import annotations

import datetime as dt
from typing import Any

from innopoints.eligibility.common import ZERO, band_points, finish, ratio_fact, start, unknown_points
from innopoints.rules.evaluation import Evaluation
from innopoints.rules.numbers import ScoreRange, exact
from innopoints.rules.results import Verdict

RULEBOOK = "national/innovative_sme.yaml"


def _banded(ev: Evaluation, name: str, value: Any, pid: str, maximum: int, *inputs: str) -> ScoreRange:
    if value is not None:
        return band_points(ev, pid, value, about=name)
    if ev.fact(name).missing:
        return unknown_points(ev, maximum, *inputs)
    return ZERO


def _growth(ev: Evaluation) -> Any:
    values = ev.fact("operating_revenue").value
    if values is None or any(v is None for v in values):
        ev.derive("revenue_growth", None, inputs=("operating_revenue",), missing=("operating_revenue",))
        return None
    previous, last = exact(values[0]), exact(values[1])
    if previous == 0:
        ev.derive(
            "revenue_growth",
            None,
            inputs=("operating_revenue",),
            note="上上年营业收入为0，增长率无定义，得0分",
        )
        return None
    rate = (last - previous) / previous
    ev.derive("revenue_growth", rate, inputs=("operating_revenue",))
    return rate


def evaluate(inputs: dict[str, Any], as_of: dt.date) -> Verdict:
    ev = start(RULEBOOK, inputs, as_of)
    blocks = ev.value("block_weights")
    revenue = ev.fact("operating_revenue").value
    ev.derive(
        "revenue_latest",
        revenue[-1] if revenue else None,
        inputs=("operating_revenue",),
        missing=() if revenue and revenue[-1] is not None else ("operating_revenue",),
    )
    rd_ratio = ratio_fact(ev, "rd_ratio", "rd_expense", "revenue_latest", zero_note="营业收入为0，得0分")
    debt = ratio_fact(ev, "debt_ratio", "total_liabilities", "total_assets", zero_note="资产总额为0，得0分")
    share = ratio_fact(
        ev, "main_business_share", "main_business_revenue", "revenue_latest", zero_note="营业收入为0，得0分"
    )
    growth = _growth(ev)
    c1, c2 = ev.fact("ip_class1"), ev.fact("ip_class2")
    ip1 = (
        band_points(ev, "ip_class1_points", c1.value, about="ip_class1")
        if c1.known
        else unknown_points(ev, 15, "ip_class1")
    )
    ip2 = (
        band_points(ev, "ip_class2_points", c2.value, about="ip_class2")
        if c2.known
        else unknown_points(ev, 5, "ip_class2")
    )
    ip = ScoreRange(max(ip1.lo, ip2.lo), max(ip1.hi, ip2.hi), ip1.missing + ip2.missing)
    strategic = ev.fact("strategic_emerging_industry")
    if strategic.known:
        row = ev.value("strategic_industry_points")["yes" if strategic.value else "no"]
        industry = ScoreRange.exact(int(row))
    else:
        industry = ScoreRange(
            0, int(ev.value("strategic_industry_points")["yes"]), ("strategic_emerging_industry",)
        )
    items = {
        "ip": ip,
        "rd_ratio": _banded(
            ev, "rd_ratio", rd_ratio, "rd_ratio_points", 20, "rd_expense", "operating_revenue"
        ),
        "revenue_growth": _banded(
            ev, "revenue_growth", growth, "revenue_growth_points", 20, "operating_revenue"
        ),
        "debt_ratio": _banded(
            ev, "debt_ratio", debt, "debt_ratio_points", 10, "total_liabilities", "total_assets"
        ),
        "main_business_share": _banded(
            ev,
            "main_business_share",
            share,
            "main_business_share_points",
            20,
            "main_business_revenue",
            "operating_revenue",
        ),
        "strategic_industry": industry,
    }
    innovation = (items["ip"] + items["rd_ratio"]).capped(int(blocks["innovation"]))
    growth_pts = (items["revenue_growth"] + items["debt_ratio"]).capped(int(blocks["growth"]))
    special = (items["main_business_share"] + items["strategic_industry"]).capped(
        int(blocks["specialization"])
    )
    ev.derive("innovation_points", innovation, inputs=("ip", "rd_ratio"))
    ev.derive("growth_points", growth_pts, inputs=("revenue_growth", "debt_ratio"))
    ev.derive("specialization_points", special, inputs=("main_business_share", "strategic_industry"))
    score = innovation + growth_pts + special
    ev.derive("score", score, inputs=("innovation_points", "growth_points", "specialization_points"))
    details = {
        "score": {"min": score.lo, "max": score.hi},
        "blocks": {
            "innovation": innovation.as_list(),
            "growth": growth_pts.as_list(),
            "specialization": special.as_list(),
        },
        "items": {k: v.as_list() for k, v in items.items()},
        "ratios": {
            "rd_ratio": rd_ratio,
            "revenue_growth": growth,
            "debt_ratio": debt,
            "main_business_share": share,
        },
    }
    return finish(ev, "innovative_sme", details)
