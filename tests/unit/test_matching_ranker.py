"""Hybrid ranker behaviour, structured signals, explanations and the service functions."""

from __future__ import annotations

from decimal import Decimal

import numpy as np
import pytest

from innopoints.transfer.matching.knowledge import load_knowledge, load_ranker_config
from innopoints.transfer.matching.records import (
    AchievementRecord,
    DemandRecord,
    ExpertRecord,
    PilotServiceRecord,
    demand_query,
    resolve_district,
)
from innopoints.transfer.matching.service import (
    AchievementMatcher,
    candidate_firms,
    experts_for_demand,
    pilot_services_for_demand,
)
from innopoints.transfer.matching.signals import budget_fit

ACHIEVEMENTS = [
    AchievementRecord(
        "A1",
        "动力电池健康状态估计方法",
        "基于卡尔曼滤波估计电池荷电状态与容量衰减。",
        "新能源",
        "东北大学",
        7,
        "转让",
        Decimal("500000"),
        ("动力电池", "荷电状态"),
    ),
    AchievementRecord(
        "A2",
        "光伏组件清扫机器人",
        "屋顶光伏无水清扫。",
        "新能源",
        "沈阳工业大学",
        7,
        "许可",
        Decimal("300000"),
        ("光伏",),
    ),
    AchievementRecord(
        "A3",
        "钛合金增材制造",
        "激光选区熔化成形钛合金构件。",
        "航空航天",
        "中国科学院金属研究所",
        5,
        "转让",
        Decimal("4000000"),
        ("增材制造",),
    ),
    AchievementRecord(
        "A4",
        "高镍正极材料包覆改性",
        "抑制锂电池正极颗粒开裂，提升循环寿命。",
        "新材料",
        "外省某大学",
        6,
        "转让",
        None,
        ("正极材料",),
    ),
]


@pytest.fixture(scope="module")
def matcher() -> AchievementMatcher:
    return AchievementMatcher(ACHIEVEMENTS)


def test_synonym_concepts_bridge_paraphrases(matcher: AchievementMatcher) -> None:
    demand = DemandRecord(
        "D1",
        "储能电池电量估不准",
        "锂电池剩余电量算不准，荷电状态误差大",
        "新能源",
        Decimal("600000"),
        "浑南区",
    )
    ranking = [m.doc_id for m in matcher.rank_demand(demand, 4)]
    assert ranking[0] == "A1"
    assert len(ranking) == 4  # every achievement is returned when top exceeds the collection


def test_scores_are_sorted_and_components_bounded(matcher: AchievementMatcher) -> None:
    demand = DemandRecord(
        "D2", "屋顶光伏板积灰", "光伏发电量下降，需要清扫", "新能源", Decimal("400000"), "铁西区"
    )
    matches = matcher.rank_demand(demand, 4)
    assert matches[0].doc_id == "A2"
    assert [m.score for m in matches] == sorted((m.score for m in matches), reverse=True)
    for m in matches:
        assert all(0.0 <= v <= 1.0 + 1e-9 for v in m.components.values())
        assert m.score == pytest.approx(sum(m.contributions.values()))


def test_cross_field_affinity_from_data() -> None:
    knowledge = load_knowledge()
    assert knowledge.cluster_affinity("new_energy", "new_energy") == 1.0
    assert 0 < knowledge.cluster_affinity("new_energy", "new_materials") < 1.0  # type: ignore[operator]
    assert knowledge.cluster_affinity("modern_agriculture", "aerospace") == 0.0
    assert knowledge.cluster_affinity(None, "aerospace") is None
    assert knowledge.resolve_cluster("新能源") == "new_energy"
    assert knowledge.resolve_cluster(" New Energy ") == "new_energy"
    assert knowledge.resolve_cluster("生物医药") == "biomedicine"
    assert knowledge.resolve_cluster("不存在的领域") is None


def test_budget_fit_is_one_within_budget_and_decays_smoothly() -> None:
    fit = budget_fit(np.array([0.5, 1.0, 2.0, 4.0, 8.0]), halving=2.0)
    assert fit[0] == fit[1] == 1.0
    assert fit[2] == pytest.approx(0.5)
    assert fit[1] > fit[2] > fit[3] > fit[4] > 0


def test_budget_changes_order_between_equal_texts() -> None:
    twins = [
        AchievementRecord(
            "cheap", "退役电池梯次利用", "退役电池快速分选重组", "新能源", "", 7, "", Decimal("100000")
        ),
        AchievementRecord(
            "dear", "退役电池梯次利用", "退役电池快速分选重组", "新能源", "", 7, "", Decimal("9000000")
        ),
    ]
    demand = DemandRecord("D", "旧电池再利用", "退役电池分选", "新能源", Decimal("200000"), "")
    assert [m.doc_id for m in AchievementMatcher(twins).rank_demand(demand, 2)] == ["cheap", "dear"]
    swapped = DemandRecord("D", "旧电池再利用", "退役电池分选", "新能源", None, "")
    # without a budget the tie falls back to input order: the budget was what decided
    assert [m.doc_id for m in AchievementMatcher(twins[::-1]).rank_demand(swapped, 2)] == ["dear", "cheap"]


def test_district_resolution() -> None:
    assert resolve_district("浑南区") == ("210112", True)
    assert resolve_district("沈阳市浑南区") == ("210112", True)
    assert resolve_district("210106") == ("210106", True)
    assert resolve_district("大连市") == (None, False)
    assert resolve_district("") == (None, None)


def test_explanation_in_chinese_names_terms_field_budget(matcher: AchievementMatcher) -> None:
    demand = DemandRecord("D3", "锂电池正极材料寿命", "正极材料循环衰减快", "新能源", Decimal("300000"), "")
    explanations = matcher.explain_demand(demand, 2)
    top = explanations[0]
    assert top.doc_id == "A4"
    assert "正极材料" in top.matched_words
    assert "跨领域" in top.field_text and "新材料" in top.field_text
    assert "未提供" in top.budget_text  # A4 has no price
    text = top.to_text()
    assert "匹配词语" in text and "得分构成" in text and "领域" in text
    second = explanations[1]
    assert "万元" in second.budget_text


def test_candidate_pruning_keeps_top_results() -> None:
    config = load_ranker_config()
    small = type(config)(config.bm25, 2, config.weights, config.params)
    demand = DemandRecord("D4", "钛合金零件增材制造", "激光选区熔化", "航空航天", None, "")
    full = [m.doc_id for m in AchievementMatcher(ACHIEVEMENTS).rank_demand(demand, 1)]
    pruned = [m.doc_id for m in AchievementMatcher(ACHIEVEMENTS, small).rank_demand(demand, 2)]
    assert full[0] == pruned[0] == "A3"
    assert len(pruned) == 2


def test_prior_lifts_a_document() -> None:
    twins = [
        AchievementRecord("x", "光伏清扫", "光伏清扫机器人", "新能源"),
        AchievementRecord("y", "光伏清扫", "光伏清扫机器人", "新能源"),
    ]
    demand = DemandRecord("D", "光伏清扫", "", "新能源")
    assert AchievementMatcher(twins, priors={"y": 1.0}).rank_demand(demand, 1)[0].doc_id == "y"


def test_candidate_firms_experts_and_pilot_services() -> None:
    achievement = ACHIEVEMENTS[0]
    demands = [
        DemandRecord("F1", "储能电站电池管理", "电池荷电状态估计不准", "新能源", Decimal("800000"), "浑南区"),
        DemandRecord("F2", "水稻育秧", "秧苗细弱", "现代农业", Decimal("100000"), "新民市"),
    ]
    assert candidate_firms(achievement, demands, top=2)[0].doc_id == "F1"
    experts = [
        ExpertRecord("E1", "张工", "教授", "现代农业", ("水稻", "育秧")),
        ExpertRecord("E2", "李工", "研究员", "新能源", ("电池管理系统", "荷电状态")),
    ]
    assert experts_for_demand(demands[0], experts, 1)[0].doc_id == "E2"
    services = [
        PilotServiceRecord(
            "S1", "电池安全测试", "动力电池针刺与热失控测试", "新能源", "新能源中试基地", Decimal("50000")
        ),
        PilotServiceRecord("S2", "种子检验", "种子发芽率检验", "现代农业", "农业中试基地", Decimal("5000")),
    ]
    assert pilot_services_for_demand(demands[1], services, 1)[0].doc_id == "S2"
    assert experts_for_demand(demands[0], [], 3) == []


def test_pseudo_relevance_feedback_adds_expansion_terms() -> None:
    config = load_ranker_config()
    prf = type(config)(config.bm25, config.candidates, config.weights, {**config.params, "prf_docs": 2.0})
    matcher = AchievementMatcher(ACHIEVEMENTS, prf)
    query = demand_query(DemandRecord("D5", "电池荷电状态", "", "新能源"), matcher.knowledge)
    original = matcher.ranker.index.query_terms(query)
    scored = matcher.ranker.score(query)
    assert len(scored.terms["word"].terms) > len(original["word"].terms)  # feedback terms were added
    assert matcher.ranker.rank(query, 1)[0].doc_id == "A1"
