"""The points rulebook as browsable rows: every indicator with unit, how it is computed, its weight in each
development stage, the reference and the status of the rule; plus bonus and deduction items, stages,
lists and the ladder. Exportable."""

from __future__ import annotations

from typing import Any

from innopoints.registry.panel_fields import panel_fields
from innopoints.rules.schema import STATUS_LABELS
from innopoints.scoring.rulebook import PointsRulebook
from innopoints.scoring.schema import Stage

KIND_ZH = {
    "value": "取值（当年合计）",
    "ratio": "比值（分子/分母）",
    "growth": "增长率（较上年）",
    "qualifications": "资质数量",
}
DIRECTION_ZH = {"higher_better": "越高越好", "lower_better": "越低越好"}
OP_ZH = {"lt": "<", "le": "≤", "gt": ">", "ge": "≥"}
METRIC_ZH = {"age_years": "成立年限（年）", "operating_revenue": "营业收入（元）"}


def _field_names(codes: list[str]) -> str:
    fields = panel_fields()
    return "、".join(fields[c].name_zh if c in fields else c for c in codes)


def indicator_rows(rb: PointsRulebook) -> list[dict[str, Any]]:
    groups = {g.id: g.name_zh for g in rb.indicators.groups}
    meta = rb.indicators.metadata
    weights_meta = rb.weights.metadata
    rows = []
    for ind in rb.indicator_list:
        source = _field_names(ind.fields) if ind.fields else "、".join(ind.qualifications)
        if ind.denominator:
            source = f"{source} ÷ {_field_names(ind.denominator)}"
        rows.append(
            {
                "id": ind.id,
                "group": groups[ind.group],
                "name": ind.name_zh,
                "name_en": ind.name_en,
                "unit": ind.unit,
                "kind": KIND_ZH[ind.kind],
                "source": source,
                "direction": DIRECTION_ZH[ind.direction],
                "weights": {s: rb.weight(s, ind) for s in rb.stage_ids},
                "reference": meta.reference,
                "weights_reference": weights_meta.reference,
                "status": meta.status,
                "status_label": STATUS_LABELS[meta.status],
            }
        )
    return rows


def export_columns(rb: PointsRulebook) -> list[tuple[str, str]]:
    stages = [(f"weight_{s.id}", f"{s.name_zh}权重（分）") for s in rb.stages.stages]
    return [
        ("group", "一级指标"),
        ("id", "指标编号"),
        ("name", "指标名称"),
        ("unit", "单位"),
        ("kind", "计算方式"),
        ("source", "数据字段"),
        ("direction", "方向"),
        *stages,
        ("reference", "依据"),
        ("status_label", "规则性质"),
    ]


def export_rows(rb: PointsRulebook) -> list[dict[str, Any]]:
    return [{**r, **{f"weight_{s}": w for s, w in r["weights"].items()}} for r in indicator_rows(rb)]


def _stage_rule(stage: Stage) -> str:
    if not stage.conditions:
        return "不属于以上阶段的其余企业"
    joined = "；".join(f"{METRIC_ZH[c.metric]} {OP_ZH[c.op]} {c.value:,f}" for c in stage.conditions)
    return ("满足任一：" if stage.match == "any" else "同时满足：") + joined


def rulebook_view(rb: PointsRulebook) -> dict[str, Any]:
    adj = rb.adjustments
    stage_totals = {s: {g: w.total for g, w in sw.groups.items()} for s, sw in rb.weights.stages.items()}
    return {
        "source": rb.source,
        "version": rb.version_hash,
        "max_points": rb.weights.max_points,
        "groups": [{"id": g.id, "name": g.name_zh} for g in rb.indicators.groups],
        "stages": [
            {
                "id": s.id,
                "name": s.name_zh,
                "rule": _stage_rule(s),
                "group_totals": stage_totals[s.id],
            }
            for s in rb.stages.stages
        ],
        "indicators": indicator_rows(rb),
        "bonus": [
            {"name": b.name_zh, "field": _field_names([b.field]), "min": b.min, "points": b.points}
            for b in adj.bonus
        ],
        "bonus_cap": adj.bonus_cap,
        "penalties": [{"name": p.name_zh, "points": p.points} for p in adj.penalties],
        "lookback_years": adj.lookback_years,
        "unlisted_deduction": adj.unlisted_deduction,
        "lists": [{"id": x.id, "name": x.name_zh, "share": x.share} for x in rb.peer_groups.lists],
        "peer_min_size": rb.peer_groups.min_size,
        "ladder": [
            {"id": r.id, "name": r.name_zh, "qualification": r.qualification} for r in rb.ladder.ladder
        ],
        "files": [
            {
                "file": name,
                "status": m.status,
                "status_label": STATUS_LABELS[m.status],
                "reference": m.reference,
                "effective_from": m.effective_from,
            }
            for name, m in (
                ("indicators.yaml", rb.indicators.metadata),
                ("weights.yaml", rb.weights.metadata),
                ("stages.yaml", rb.stages.metadata),
                ("peer_groups.yaml", rb.peer_groups.metadata),
                ("adjustments.yaml", rb.adjustments.metadata),
                ("ladder.yaml", rb.ladder.metadata),
            )
        ],
    }
