"""Points sections of the profile (pure): ranks and lists, radar of group scores against the peer group,
per-indicator contributions, strengths and weaknesses with Chinese texts.

Percentiles against peers are "the share of the OTHER firms of the peer group that the firm is strictly
above", in percent with one decimal (``高于同组 92% 的企业``); a group of one firm gives 100.
"""

from __future__ import annotations

import bisect
import statistics
from decimal import ROUND_HALF_UP, Decimal
from typing import Any

from innopoints.scoring.explain import Explanation, IndicatorTrace
from innopoints.scoring.rulebook import PointsRulebook

TENTH = Decimal("0.1")
CENT = Decimal("0.01")
STRENGTHS = 3
WEAK_BELOW = Decimal(50)  # a weakness is an indicator below the peer median
STRONG_FROM = Decimal(50)


def share_below(value: int, others: list[int]) -> Decimal:
    """Percent of ``others`` strictly below ``value`` (one decimal); 100 when there is nobody else."""
    if not others:
        return Decimal(100)
    below = sum(1 for v in others if v < value)
    return (Decimal(100 * below) / len(others)).quantize(TENTH, rounding=ROUND_HALF_UP)


def centi(value: int) -> Decimal:
    return (Decimal(value) / 100).quantize(CENT)


def ranks(result: Any, round_firms: int, list_names: dict[str, str]) -> dict[str, Any]:
    """Peer and city ranks of a stored result (``ScoringResult``), percentile and list flags."""
    lists = {flag: bool(getattr(result, flag)) for flag in ("top5", "top10", "top20")}
    return {
        "peer_group": result.peer_group,
        "peer_rank": result.peer_rank,
        "peer_size": result.peer_size,
        "city_rank": result.city_rank,
        "city_size": round_firms,
        "percentile": (Decimal(result.percentile_bp) / 100).quantize(CENT),
        "lists": lists,
        "lists_text": [list_names[k] for k, on in lists.items() if on and k in list_names],
        "text": f"同组第 {result.peer_rank} 名（共 {result.peer_size} 家），全市第 {result.city_rank} 名"
        f"（共 {round_firms} 家）",
    }


def radar(
    rb: PointsRulebook, stage: str, own: dict[str, int], peers: list[dict[str, int]], own_index: int | None
) -> list[dict[str, Any]]:
    """One axis per indicator group: the firm's score (points), its percentile among the peer group and
    the peer median score; ``own_index`` is the firm's position in ``peers`` (excluded from "others")."""
    axes = []
    for group in rb.indicators.groups:
        values = [p.get(group.id, 0) for p in peers]
        others = [v for i, v in enumerate(values) if i != own_index]
        score = own.get(group.id, 0)
        full = rb.weights.stages[stage].groups[group.id].total
        median = Decimal(str(statistics.median(values))) if values else Decimal(0)
        axes.append(
            {
                "group": group.id,
                "name": group.name_zh,
                "score": centi(score),
                "max_score": full,
                "percentile": share_below(score, others),
                "peer_median": (median / 100).quantize(CENT, rounding=ROUND_HALF_UP),
                "peer_count": len(values),
            }
        )
    return axes


def radar_sorted(
    rb: PointsRulebook,
    stage: str,
    own: dict[str, int],
    sorted_scores: dict[str, list[int]],
    medians: dict[str, Decimal],
    size: int,
    member: bool,
) -> list[dict[str, Any]]:
    """``radar`` from the peer group's per-group scores already sorted (cached per round): the same axes,
    each percentile found by bisection. ``member``: the firm's own score vector is among the ``size``."""
    others = size - (1 if member else 0)
    axes = []
    for group in rb.indicators.groups:
        score = own.get(group.id, 0)
        below = bisect.bisect_left(sorted_scores.get(group.id, []), score)
        percentile = (
            Decimal(100)
            if others <= 0
            else (Decimal(100 * below) / others).quantize(TENTH, rounding=ROUND_HALF_UP)
        )
        axes.append(
            {
                "group": group.id,
                "name": group.name_zh,
                "score": centi(score),
                "max_score": rb.weights.stages[stage].groups[group.id].total,
                "percentile": percentile,
                "peer_median": (medians.get(group.id, Decimal(0)) / 100).quantize(
                    CENT, rounding=ROUND_HALF_UP
                ),
                "peer_count": size,
            }
        )
    return axes


def _value_text(trace: IndicatorTrace) -> str:
    if trace.raw_value is None:
        return "缺失"
    value = trace.raw_value
    if trace.unit == "元":
        return f"{format((value / 10000).quantize(CENT, rounding=ROUND_HALF_UP), ',f')}万元"
    if trace.unit == "%":
        return f"{value.quantize(CENT, rounding=ROUND_HALF_UP)}%"
    return f"{value.normalize():f}{trace.unit}"


def _structured(trace: IndicatorTrace) -> str | None:
    """Exact 元 with two decimals, percentages to four decimals, counts as whole numbers."""
    value = trace.raw_value
    if value is None:
        return None
    if trace.unit == "元":
        return str(value.quantize(CENT, rounding=ROUND_HALF_UP))
    if trace.unit == "%":
        return str(value.quantize(Decimal("0.0001"), rounding=ROUND_HALF_UP))
    return f"{value.normalize():f}"


def contributions(explanation: Explanation, group_names: dict[str, str]) -> list[dict[str, Any]]:
    out = []
    for t in explanation.indicators:
        out.append(
            {
                "id": t.id,
                "name": t.name_zh,
                "group": t.group,
                "group_name": group_names[t.group],
                "unit": t.unit,
                "value": _structured(t),
                "value_text": _value_text(t),
                "missing": t.raw_value is None,
                "peer_percentile": (t.percentile * 100).quantize(TENTH, rounding=ROUND_HALF_UP),
                "weight": t.weight,
                "contribution": t.contribution.quantize(CENT, rounding=ROUND_HALF_UP),
            }
        )
    return out


def strengths_weaknesses(items: list[dict[str, Any]]) -> dict[str, list[dict[str, Any]]]:
    """Top indicators (at or above the peer median) and bottom ones (below it, or missing), weighted first."""
    weighted = [i for i in items if i["weight"] > 0]
    known = [i for i in weighted if not i["missing"]]
    strong = sorted(
        (i for i in known if i["peer_percentile"] >= STRONG_FROM),
        key=lambda i: (-i["peer_percentile"], -i["weight"], i["id"]),
    )[:STRENGTHS]
    weak = sorted(
        (i for i in weighted if i["missing"] or i["peer_percentile"] < WEAK_BELOW),
        key=lambda i: (i["peer_percentile"], -i["weight"], i["id"]),
    )[:STRENGTHS]
    return {
        "strengths": [_point(i, strong=True) for i in strong],
        "weaknesses": [_point(i, strong=False) for i in weak],
    }


def _point(item: dict[str, Any], *, strong: bool) -> dict[str, Any]:
    pct = item["peer_percentile"]
    if item["missing"]:
        text = f"{item['name']}缺少数据，按 0 分计（补报可提高积分）"
    elif strong:
        text = f"{item['name']}（{item['value_text']}）高于同组 {pct.normalize():f}% 的企业"
    else:
        text = f"{item['name']}（{item['value_text']}）仅高于同组 {pct.normalize():f}% 的企业"
    return {"id": item["id"], "name": item["name"], "peer_percentile": pct, "text": text}
