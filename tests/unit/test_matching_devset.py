"""The labelled development set: size, coverage, labels, split, and the evaluation bar."""

from __future__ import annotations

import pytest

from innopoints.transfer.matching.devset import load_devset
from innopoints.transfer.matching.knowledge import load_knowledge


def test_devset_size_coverage_and_labels() -> None:
    devset = load_devset()
    knowledge = load_knowledge()
    assert len(devset.achievements) >= 300
    assert len(devset.demands) >= 60
    fields = {knowledge.resolve_cluster(a.field) for a in devset.achievements}
    assert fields == set(knowledge.cluster_names)
    ids = {a.id for a in devset.achievements}
    assert len(ids) == len(devset.achievements)
    for demand in devset.demands:
        judged = devset.qrels[demand.id]
        assert 2 in judged.values(), demand.id  # every demand has an achievement that solves it
        assert set(judged) <= ids and set(judged.values()) <= {1, 2}
    cross = sum(
        1
        for d in devset.demands
        for aid, g in devset.qrels[d.id].items()
        if g == 2
        and knowledge.resolve_cluster(d.field)
        != knowledge.resolve_cluster(next(a.field for a in devset.achievements if a.id == aid))
    )
    assert cross >= 5  # some demands are solved across clusters
    over_budget = sum(
        1
        for d in devset.demands
        for a in devset.achievements
        if devset.qrels[d.id].get(a.id) == 2
        and d.budget_yuan
        and a.price_yuan
        and a.price_yuan > d.budget_yuan
    )
    assert over_budget >= 3
    assert set(devset.split.values()) == {"tune", "test"}


@pytest.mark.slow
def test_hybrid_beats_plain_bm25_on_both_halves() -> None:
    from innopoints.transfer.matching.evaluate import evaluate

    report = evaluate()
    for part in ("tune", "test"):
        assert report.hybrid[part].ndcg >= 0.75
        assert report.hybrid[part].ndcg > report.baseline[part].ndcg
        assert report.hybrid[part].recall > report.baseline[part].recall
    # the "achievement transformation" bar: +15% nDCG@10 over plain BM25 on the whole dev set
    assert report.improvement("all") >= 0.15


@pytest.mark.slow
def test_bm25_tuning_uses_tune_half_and_never_gets_worse_there() -> None:
    from dataclasses import replace

    from innopoints.transfer.matching.evaluate import evaluate, tune_bm25
    from innopoints.transfer.matching.knowledge import BM25Config, load_ranker_config

    start = replace(load_ranker_config(), bm25=BM25Config(k1=1.2, b=0.75, title_boost=0.5))
    before = evaluate(start).hybrid["tune"].ndcg
    tuned, best = tune_bm25(start, rounds=1)
    assert best >= before
    assert abs(evaluate(tuned).hybrid["tune"].ndcg - best) < 1e-9
    assert tuned.bm25 != start.bm25
