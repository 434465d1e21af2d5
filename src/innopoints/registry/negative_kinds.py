"""The kinds of negative record (负面记录) the official rules name, one ascii id each.

科技型中小企业评价办法 (国科发政〔2017〕115号) 第六条(四) and 高新技术企业认定管理办法
(国科发火〔2016〕32号) 第十一条(八) name accidents, environmental violations, research misconduct and
the two credit lists; every part of the platform uses these ids.
"""

from __future__ import annotations

NEGATIVE_KINDS: dict[str, str] = {
    "major_safety_accident": "重大安全事故",
    "major_quality_accident": "重大质量事故",
    "serious_environmental_violation": "严重环境违法",
    "research_misconduct": "科研严重失信",
    "abnormal_operation_list": "经营异常名录",
    "serious_illegal_dishonest": "严重违法失信名单",
}

# Groups as the rules use them.
INCIDENT_KINDS = frozenset(
    {"major_safety_accident", "major_quality_accident", "serious_environmental_violation"}
)
MISCONDUCT_KINDS = frozenset({"research_misconduct"})
LISTING_KINDS = frozenset({"abnormal_operation_list", "serious_illegal_dishonest"})


def negative_kind_label(kind: str) -> str:
    return NEGATIVE_KINDS.get(kind, kind)
