"""Evaluation on the development set (hybrid vs plain BM25) and weight tuning on its "tune" half.

Tuning is coordinate ascent over a grid per weight, maximising mean nDCG@10 on the tune half only;
the test half is never looked at while tuning, so its figures show whether the weights over-fit.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, replace

from innopoints.transfer.matching.devset import DevSet, load_devset
from innopoints.transfer.matching.knowledge import (
    COMPONENTS,
    BM25Config,
    RankerConfig,
    load_knowledge,
    load_ranker_config,
)
from innopoints.transfer.matching.metrics import mean, ndcg_at_k, recall_at_k
from innopoints.transfer.matching.ranker import HybridRanker, PlainBM25Ranker, Scored
from innopoints.transfer.matching.records import achievement_doc, demand_query
from innopoints.transfer.matching.text import default_analyzer, plain_analyzer

PARTS = ("tune", "test", "all")
GRID = (0.0, 0.01, 0.02, 0.04, 0.07, 0.1, 0.15, 0.2, 0.3, 0.4, 0.5, 0.7)
# Upper bounds for the structured signals: they are weak evidence by design (a budget or a TRL does not
# make an achievement solve a problem), so tuning on a small labelled set may not inflate them.
BOUNDS = {"field": 0.3, "trl": 0.1, "budget": 0.1, "locality": 0.05, "prior": 0.1}
# BM25F grid per parameter (field weights relative to abstract = 1.0) for ``tune_bm25``.
BM25_GRID: dict[str, tuple[float, ...]] = {
    "k1": (0.1, 0.2, 0.3, 0.5, 0.8, 1.0, 1.2, 1.6, 2.0),
    "b": (0.0, 0.15, 0.3, 0.5, 0.6, 0.75, 0.9),
    "title": (1.0, 1.5, 2.0, 3.0, 5.0),
    "keywords": (0.5, 1.0, 1.5, 2.0, 3.0),
    "title_boost": (0.0, 0.25, 0.5, 1.0),
}


@dataclass(frozen=True)
class Scores:
    ndcg: float
    recall: float
    queries: int


@dataclass(frozen=True)
class Report:
    hybrid: dict[str, Scores]
    baseline: dict[str, Scores]

    def improvement(self, part: str) -> float:
        base = self.baseline[part].ndcg
        return (self.hybrid[part].ndcg - base) / base if base else float("inf")


def _score(rankings: dict[str, list[str]], devset: DevSet, part: str, k: int) -> Scores:
    demands = devset.demands_in(part)
    return Scores(
        ndcg=mean([ndcg_at_k(rankings[d.id], devset.qrels[d.id], k) for d in demands]),
        recall=mean([recall_at_k(rankings[d.id], devset.qrels[d.id], k) for d in demands]),
        queries=len(demands),
    )


def evaluate(
    config: RankerConfig | None = None,
    k: int = 10,
    devset: DevSet | None = None,
    *,
    plain_baseline: bool = True,
) -> Report:
    """Hybrid vs BM25 on every half. ``plain_baseline``: the baseline uses jieba's default dictionary and
    no stop-word list (the bar's "plain BM25"); False gives it our dictionary and stop words too."""
    devset = devset or load_devset()
    config = config or load_ranker_config()
    knowledge = load_knowledge()
    docs = [achievement_doc(a, knowledge) for a in devset.achievements]
    hybrid = HybridRanker.build(docs, default_analyzer(), knowledge, config)
    baseline = PlainBM25Ranker(docs, plain_analyzer() if plain_baseline else default_analyzer(), knowledge)
    hybrid_runs: dict[str, list[str]] = {}
    base_runs: dict[str, list[str]] = {}
    for demand in devset.demands:
        query = demand_query(demand, knowledge)
        hybrid_runs[demand.id] = [m.doc_id for m in hybrid.rank(query, k)]
        base_runs[demand.id] = baseline.rank_ids(query, k)
    return Report(
        hybrid={p: _score(hybrid_runs, devset, p, k) for p in PARTS},
        baseline={p: _score(base_runs, devset, p, k) for p in PARTS},
    )


def tune(
    config: RankerConfig | None = None,
    *,
    rounds: int = 3,
    k: int = 10,
    devset: DevSet | None = None,
    progress: Callable[[str], None] | None = None,
) -> tuple[RankerConfig, float]:
    """Coordinate ascent of the component weights on the tune half; returns (config, tune nDCG@10)."""
    devset = devset or load_devset()
    config = config or load_ranker_config()
    knowledge = load_knowledge()
    docs = [achievement_doc(a, knowledge) for a in devset.achievements]
    ranker = HybridRanker.build(docs, default_analyzer(), knowledge, config)
    demands = devset.demands_in("tune")
    # candidates = every document here, so component values do not depend on the weights being tuned
    # (and without pseudo-relevance feedback, whose feedback documents would depend on them)
    params = {**config.params, "prf_docs": 0.0}
    ranker.config = RankerConfig(config.bm25, max(config.candidates, len(docs)), config.weights, params)
    scored = [(d.id, ranker.score(demand_query(d, knowledge))) for d in demands]
    ids = ranker.index.ids

    def objective(weights: dict[str, float]) -> float:
        return mean([_ndcg_of(s, weights, ids, devset.qrels[did], k) for did, s in scored])

    weights = dict(config.weights)
    best = objective(weights)
    for round_no in range(rounds):
        improved = False
        for name in COMPONENTS:
            for value in (v for v in GRID if v <= BOUNDS.get(name, 1.0)):
                trial = {**weights, name: value}
                result = objective(trial)
                if result > best + 1e-9:
                    best, weights, improved = result, trial, True
        if progress:
            progress(f"第 {round_no + 1} 轮 (round): tune nDCG@{k} = {best:.4f}")
        if not improved:
            break
    return config.with_weights(**weights), best


def _ndcg_of(
    scored: Scored, weights: dict[str, float], ids: Sequence[str], qrels: dict[str, int], k: int
) -> float:
    order = scored.order(weights, k)
    return ndcg_at_k([ids[int(scored.candidates[p])] for p in order], qrels, k)


def _with_bm25(bm25: BM25Config, name: str, value: float) -> BM25Config:
    if name in ("title", "keywords"):
        return replace(bm25, field_weights={**bm25.field_weights, name: value})
    if name == "k1":
        return replace(bm25, k1=value)
    if name == "b":
        return replace(bm25, b=value)
    if name == "title_boost":
        return replace(bm25, title_boost=value)
    raise ValueError(f"unknown BM25F parameter {name!r}")


def _bm25_value(bm25: BM25Config, name: str) -> float:
    if name in ("title", "keywords"):
        return float(bm25.field_weights.get(name, 1.0))
    return float(getattr(bm25, name))


def tune_bm25(
    config: RankerConfig | None = None,
    *,
    rounds: int = 3,
    k: int = 10,
    devset: DevSet | None = None,
    progress: Callable[[str], None] | None = None,
) -> tuple[RankerConfig, float]:
    """Coordinate ascent of the BM25F parameters (k1, b, title/keywords field weights, query title
    boost) on the tune half, component weights fixed; returns (config, tune nDCG@10)."""
    devset = devset or load_devset()
    config = config or load_ranker_config()
    knowledge = load_knowledge()
    analyzer = default_analyzer()
    docs = [achievement_doc(a, knowledge) for a in devset.achievements]
    demands = [(d.id, demand_query(d, knowledge)) for d in devset.demands_in("tune")]

    def objective(bm25: BM25Config) -> float:
        ranker = HybridRanker.build(docs, analyzer, knowledge, replace(config, bm25=bm25))
        return mean(
            [ndcg_at_k([m.doc_id for m in ranker.rank(q, k)], devset.qrels[did], k) for did, q in demands]
        )

    bm25 = config.bm25
    best = objective(bm25)
    for round_no in range(rounds):
        improved = False
        for name, grid in BM25_GRID.items():
            for value in grid:
                if value == _bm25_value(bm25, name):
                    continue
                trial = _with_bm25(bm25, name, value)
                result = objective(trial)
                if result > best + 1e-9:
                    best, bm25, improved = result, trial, True
        if progress:
            progress(f"BM25F 第 {round_no + 1} 轮 (round): tune nDCG@{k} = {best:.4f}")
        if not improved:
            break
    return replace(config, bm25=bm25), best
