"""Hybrid ranker (lexical channels + structured signals) and the plain BM25 baseline.

score(d) = Σ_c w_c · s_c(d) / max_d' s_c(d')   over lexical channels c ∈ {word, ngram, concept}
         + Σ_s w_s · signal_s(d)              over structured signals s ∈ {field, trl, budget, locality, prior}
Lexical scores are normalised per query (divided by the query's best score in that channel), so the
weights in ``weights.yaml`` mean the same for every query. Only the best ``candidates`` documents by
the lexical part are re-ranked with the structured signals (pruning keeps 100k-document queries fast).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, replace

import numpy as np
import numpy.typing as npt

from innopoints.transfer.matching.index import MatchIndex, QueryTerms
from innopoints.transfer.matching.knowledge import BM25Config, Knowledge, RankerConfig
from innopoints.transfer.matching.records import MatchDoc, MatchQuery
from innopoints.transfer.matching.text import TextAnalyzer

F64 = npt.NDArray[np.float64]
I64 = npt.NDArray[np.int64]
LEXICAL = ("word", "ngram", "concept")
STRUCTURED = ("field", "trl", "budget", "locality", "prior")


@dataclass(frozen=True)
class Match:
    doc_id: str
    rank: int
    score: float
    components: dict[str, float]
    contributions: dict[str, float]
    position: int


@dataclass
class Scored:
    """One query's candidates and their component values (all in [0, 1])."""

    query: MatchQuery
    candidates: I64
    components: dict[str, F64]
    terms: dict[str, QueryTerms]

    def combine(self, weights: dict[str, float]) -> F64:
        total = np.zeros(len(self.candidates))
        for name, values in self.components.items():
            total += weights.get(name, 0.0) * values
        return total

    def order(self, weights: dict[str, float], top: int) -> I64:
        """Candidate positions, best first (ties: earlier document first)."""
        total = self.combine(weights)
        order = np.lexsort((self.candidates, -total))
        return order[:top]


class HybridRanker:
    def __init__(self, index: MatchIndex, config: RankerConfig) -> None:
        self.index = index
        self.config = config

    @classmethod
    def build(
        cls, docs: Sequence[MatchDoc], analyzer: TextAnalyzer, knowledge: Knowledge, config: RankerConfig
    ) -> HybridRanker:
        return cls(MatchIndex(docs, analyzer, knowledge, config.bm25), config)

    def score(self, query: MatchQuery) -> Scored:
        terms = self.index.query_terms(query)
        normalised, lexical = self._lexical(terms)
        feedback_docs = int(self.config.params.get("prf_docs", 0))
        if feedback_docs > 0 and lexical.max() > 0:
            terms = self._expand(terms, lexical, feedback_docs)
            normalised, lexical = self._lexical(terms)
        k = self.config.candidates
        if len(lexical) > k:
            cand = np.argpartition(-lexical, k - 1)[:k]
            cand.sort()
        else:
            cand = np.arange(len(lexical))
        components = {name: values[cand] for name, values in normalised.items()}
        components.update(self.index.signals.compute(query, cand, self.config.params))
        return Scored(query, cand.astype(np.int64), components, terms)

    def _lexical(self, terms: dict[str, QueryTerms]) -> tuple[dict[str, F64], F64]:
        raw = self.index.channel_scores(terms)
        normalised: dict[str, F64] = {}
        for name, values in raw.items():
            best = float(values.max()) if len(values) else 0.0
            normalised[name] = values / best if best > 0 else values
        lexical = np.zeros(len(self.index))
        for name, values in normalised.items():
            lexical += self.config.weights.get(name, 0.0) * values
        return normalised, lexical

    def _expand(self, terms: dict[str, QueryTerms], lexical: F64, n_docs: int) -> dict[str, QueryTerms]:
        """Pseudo-relevance feedback (RM3-style) on the word and concept channels."""
        params = self.config.params
        top = np.argsort(-lexical, kind="stable")[:n_docs]
        top = top[lexical[top] > 0]
        doc_weights = lexical[top] / lexical[top[0]]
        expanded = dict(terms)
        for name in ("word", "concept"):
            if name not in terms:
                continue
            q = terms[name]
            new_terms, new_weights = self.index.channels[name].feedback_terms(
                top, doc_weights, q.terms, int(params.get("prf_terms", 10))
            )
            expanded[name] = QueryTerms(
                np.concatenate([q.terms, new_terms]),
                np.concatenate([q.weights, params.get("prf_weight", 0.3) * new_weights]),
            )
        return expanded

    def rank(self, query: MatchQuery, top: int = 10) -> list[Match]:
        scored = self.score(query)
        weights = self.config.weights
        total = scored.combine(weights)
        matches = []
        for rank, pos in enumerate(scored.order(weights, top), start=1):
            comps = {name: float(values[pos]) for name, values in scored.components.items()}
            matches.append(
                Match(
                    doc_id=self.index.ids[int(scored.candidates[pos])],
                    rank=rank,
                    score=float(total[pos]),
                    components=comps,
                    contributions={n: weights.get(n, 0.0) * v for n, v in comps.items()},
                    position=int(scored.candidates[pos]),
                )
            )
        return matches


class PlainBM25Ranker:
    """Baseline: Okapi BM25 (k1 = 1.2, b = 0.75) over jieba words of title + abstract, nothing else."""

    def __init__(self, docs: Sequence[MatchDoc], analyzer: TextAnalyzer, knowledge: Knowledge) -> None:
        flat = [replace(d, title="", keywords="", abstract=f"{d.title} {d.abstract}") for d in docs]
        config = BM25Config(k1=1.2, b=0.75, field_weights={"abstract": 1.0})
        self.index = MatchIndex(flat, analyzer, knowledge, config, channels=("word",))

    def rank_ids(self, query: MatchQuery, top: int = 10) -> list[str]:
        plain = replace(query, title="", text=f"{query.title} {query.text}")
        scores = self.index.channel_scores(self.index.query_terms(plain))["word"]
        order = np.lexsort((np.arange(len(scores)), -scores))[:top]
        return [self.index.ids[int(i)] for i in order]
