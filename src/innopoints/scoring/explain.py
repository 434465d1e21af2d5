"""Single-firm explained evaluation of innovation points against a frozen reference (Decimal + trace)."""

from __future__ import annotations

import bisect
from collections.abc import Sequence
from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal
from functools import cached_property

import numpy as np

from innopoints.registry.panel_fields import SCALE
from innopoints.scoring.firm import FirmInput, indicator_value, oriented, stage_of
from innopoints.scoring.reference import MICRO, FloatArray, Reference, percentile_scalar
from innopoints.scoring.rulebook import PointsRulebook
from innopoints.scoring.tech_sme import TechSmeResult, evaluate_tech_sme, round_as_of
from innopoints.scoring.tech_sme import ladder_stage as stage_on_ladder

CENT = Decimal("0.01")


@dataclass(frozen=True)
class IndicatorTrace:
    id: str
    name_zh: str
    group: str
    unit: str
    raw_value: Decimal | None  # in the indicator's unit (ratios and growth in %)
    reference_low: Decimal | None  # the two reference quantiles the value fell between
    reference_high: Decimal | None
    quantile_position: int | None  # L = number of reference quantiles strictly below the value
    percentile: Decimal  # 0..1, six decimals
    weight: Decimal
    contribution: Decimal  # weight × percentile, exact


@dataclass(frozen=True)
class Adjustment:
    id: str
    name_zh: str
    points: int


@dataclass(frozen=True)
class Explanation:
    uscc: str
    year: int
    stage: str
    stage_name_zh: str
    peer_group: str
    indicators: list[IndicatorTrace]
    group_scores: dict[str, Decimal]
    base_points: Decimal
    bonus: list[Adjustment]
    bonus_points: int
    penalties: list[Adjustment]
    penalty_points: int
    points: Decimal
    rulebook_hash: str
    # What the 科技型中小企业 test and the ladder stage are computed from, on first access: they do not
    # enter the points, and a profile page reads only the points (determined by the fields above).
    rulebook: PointsRulebook = field(repr=False, compare=False)
    firm: FirmInput = field(repr=False, compare=False)

    @property
    def points_centi(self) -> int:
        return int(self.points * 100)

    @cached_property
    def tech_sme(self) -> TechSmeResult:
        return evaluate_tech_sme(self.rulebook.ladder.tech_sme, self.firm, round_as_of(self.year))

    @cached_property
    def ladder_stage(self) -> str:
        return stage_on_ladder(self.rulebook.ladder, self.firm, self.tech_sme.qualified)


def _display(ind_kind: str, value: float | None) -> Decimal | None:
    """A reference-scale value in the indicator's unit: ratios and growth in %, amounts from hundredths."""
    if value is None:
        return None
    d = Decimal(repr(value))
    if ind_kind == "qualifications":
        return d
    return d * 100 if ind_kind in ("ratio", "growth") else d / SCALE


def _floats(values: Sequence[float] | FloatArray) -> list[float]:
    """Reference quantiles as Python floats (``tolist`` converts an array at once, to the same values)."""
    if isinstance(values, np.ndarray):
        out: list[float] = values.tolist()
        return out
    return [float(v) for v in values]


def _bonus(rb: PointsRulebook, firm: FirmInput) -> tuple[list[Adjustment], int]:
    items = []
    for b in rb.adjustments.bonus:
        v = firm.cur(b.field)
        if v is not None and v >= int(b.min * SCALE):
            items.append(Adjustment(b.id, b.name_zh, b.points))
    return items, min(sum(i.points for i in items), rb.adjustments.bonus_cap)


def _penalties(rb: PointsRulebook, firm: FirmInput) -> tuple[list[Adjustment], int]:
    listed = {p.kind: p for p in rb.adjustments.penalties}
    items: list[Adjustment] = []
    for kind, count in sorted(firm.negatives.items()):
        spec = listed.get(kind)
        pts = spec.points if spec else rb.adjustments.unlisted_deduction
        items.extend(Adjustment(kind, spec.name_zh if spec else kind, pts) for _ in range(count))
    return items, sum(i.points for i in items)


def explain(rb: PointsRulebook, reference: Reference, firm: FirmInput, year: int) -> Explanation:
    stage = stage_of(rb.stages.stages, firm, year)
    group = reference.resolve(stage.id, firm.cluster_id)
    traces: list[IndicatorTrace] = []
    weighted_sum = 0  # Σ weight·10 × percentile millionths
    group_sums: dict[str, int] = {g.id: 0 for g in rb.indicators.groups}
    for ind in rb.indicator_list:
        raw = indicator_value(ind, firm)
        x = oriented(ind, raw)
        q = reference.quantiles[group].get(ind.id)
        low_q = high_q = None
        pos = None
        micro = 0
        if q is not None and x is not None:
            qs = _floats(q)
            _, micro = percentile_scalar(qs, x, ind.interpolate == "log")
            pos = bisect.bisect_left(qs, x)
            low_q = _display(ind.kind, qs[pos - 1]) if pos > 0 else None
            high_q = _display(ind.kind, qs[pos]) if pos < len(qs) else None
        weight = rb.weight(stage.id, ind)
        w10 = int(weight * 10)
        weighted_sum += w10 * micro
        group_sums[ind.group] += w10 * micro
        traces.append(
            IndicatorTrace(
                id=ind.id,
                name_zh=ind.name_zh,
                group=ind.group,
                unit=ind.unit,
                raw_value=_display(ind.kind, raw),
                reference_low=low_q,
                reference_high=high_q,
                quantile_position=pos,
                percentile=Decimal(micro) / MICRO,
                weight=weight,
                contribution=weight * Decimal(micro) / MICRO,
            )
        )
    to_points = Decimal(10 * MICRO)
    base = (Decimal(weighted_sum) / to_points).quantize(CENT, rounding=ROUND_HALF_UP)
    groups = {
        g: (Decimal(s) / to_points).quantize(CENT, rounding=ROUND_HALF_UP) for g, s in group_sums.items()
    }
    bonus_items, bonus = _bonus(rb, firm)
    pen_items, penalty = _penalties(rb, firm)
    total = min(max(base + bonus - penalty, Decimal(0)), Decimal(rb.weights.max_points))
    return Explanation(
        uscc=firm.uscc,
        year=year,
        stage=stage.id,
        stage_name_zh=stage.name_zh,
        peer_group=group,
        indicators=traces,
        group_scores=groups,
        base_points=base,
        bonus=bonus_items,
        bonus_points=bonus,
        penalties=pen_items,
        penalty_points=penalty,
        points=total.quantize(CENT),
        rulebook_hash=rb.version_hash,
        rulebook=rb,
        firm=firm,
    )
