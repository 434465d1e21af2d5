"""The match index: three BM25F channels (words, char n-grams, synonym concepts) + structured arrays.

- word channel: jieba words with the domain dictionary, stop words removed;
- ngram channel: char bigrams + trigrams of the stop-word-masked text (robust to segmentation errors);
- concept channel: words mapped to their synonym group (``synonyms.yaml``): query expansion done once,
  symmetrically, so 锂电池 in a demand meets 动力电池 in an achievement with BM25 saturation per concept.
All three use BM25F over the fields title > keywords > abstract (weights in ``weights.yaml``).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
import numpy.typing as npt

from innopoints.transfer.matching.bm25 import BM25FMatrix, FieldPostings, postings_from_lists
from innopoints.transfer.matching.knowledge import BM25Config, Knowledge
from innopoints.transfer.matching.ngrams import corpus_ngrams, decode, text_ngrams
from innopoints.transfer.matching.records import MatchDoc, MatchQuery
from innopoints.transfer.matching.signals import DocSignals
from innopoints.transfer.matching.text import Analysed, TextAnalyzer

F64 = npt.NDArray[np.float64]
I64 = npt.NDArray[np.int64]
FIELDS = ("title", "keywords", "abstract")


@dataclass(frozen=True)
class QueryTerms:
    """A query in one channel: term ids and their weights."""

    terms: I64
    weights: F64


def _weighted(title_terms: Sequence[int], all_terms: Sequence[int], title_boost: float) -> QueryTerms:
    """Each distinct term once, weight 1 (+ ``title_boost`` when it also occurs in the title)."""
    unique = sorted(set(all_terms))
    in_title = set(title_terms)
    weights = np.array([1.0 + (title_boost if t in in_title else 0.0) for t in unique])
    return QueryTerms(np.array(unique, dtype=np.int64), weights)


class MatchIndex:
    """Built once over documents; scoring a query is a few sparse column sums."""

    def __init__(
        self,
        docs: Sequence[MatchDoc],
        analyzer: TextAnalyzer,
        knowledge: Knowledge,
        bm25: BM25Config,
        *,
        channels: tuple[str, ...] = ("word", "ngram", "concept"),
    ) -> None:
        self.docs = list(docs)
        self.ids = [d.id for d in self.docs]
        self.analyzer = analyzer
        self.knowledge = knowledge
        self.bm25 = bm25
        n = len(self.docs)
        texts = [getattr(d, f) or "" for f in FIELDS for d in self.docs]
        flat = analyzer.analyse_many(texts)
        analysed = {f: flat[i * n : (i + 1) * n] for i, f in enumerate(FIELDS)}
        self.word_vocab: dict[str, int] = {}
        self.channels: dict[str, BM25FMatrix] = {}
        if "word" in channels:
            word_fields = {f: self._word_postings(analysed[f], grow=True) for f in FIELDS}
            self.channels["word"] = self._matrix(word_fields, n, len(self.word_vocab))
        self.ngram_vocab = np.zeros(0, dtype=np.uint64)
        if "ngram" in channels:
            per_field = {f: corpus_ngrams([a.content for a in analysed[f]]) for f in FIELDS}
            self.ngram_vocab = np.unique(np.concatenate([ids for _, ids in per_field.values()]))
            ngram_fields = {}
            for f, (doc_idx, ids) in per_field.items():
                lengths = np.bincount(doc_idx, minlength=n).astype(np.float64)
                terms = np.searchsorted(self.ngram_vocab, ids).astype(np.int64)
                ngram_fields[f] = FieldPostings(doc_idx, terms, lengths)
            self.channels["ngram"] = self._matrix(ngram_fields, n, len(self.ngram_vocab))
        if "concept" in channels:
            concept_fields = {
                f: postings_from_lists([self._concepts(a.words) for a in analysed[f]]) for f in FIELDS
            }
            self.channels["concept"] = self._matrix(concept_fields, n, len(knowledge.concept_members))
        self.signals = DocSignals.build(self.docs, knowledge)

    # -- building -------------------------------------------------------------------------------
    def _matrix(self, fields: dict[str, FieldPostings], n_docs: int, n_terms: int) -> BM25FMatrix:
        return BM25FMatrix.build(
            fields, self.bm25.field_weights, n_docs, n_terms, k1=self.bm25.k1, b=self.bm25.b
        )

    def _word_postings(self, analysed: list[Analysed], *, grow: bool) -> FieldPostings:
        vocab = self.word_vocab
        lists = [[vocab.setdefault(w, len(vocab)) for w in a.words] for a in analysed]
        return postings_from_lists(lists)

    def _concepts(self, words: Sequence[str]) -> list[int]:
        concept_of = self.knowledge.concept_of
        return [concept_of[w] for w in words if w in concept_of]

    # -- querying -------------------------------------------------------------------------------
    def query_terms(self, query: MatchQuery) -> dict[str, QueryTerms]:
        title = self.analyzer.analyse(query.title)
        body = self.analyzer.analyse(query.text)
        out: dict[str, QueryTerms] = {}
        boost = self.bm25.title_boost
        if "word" in self.channels:
            vocab = self.word_vocab
            t_ids = [vocab[w] for w in title.words if w in vocab]
            b_ids = [vocab[w] for w in body.words if w in vocab]
            out["word"] = _weighted(t_ids, t_ids + b_ids, boost)
        if "ngram" in self.channels:
            out["ngram"] = _weighted(
                self._ngram_terms(title.content),
                self._ngram_terms(f"{title.content} {body.content}"),
                boost,
            )
        if "concept" in self.channels:
            t_c = self._concepts(title.words)
            out["concept"] = _weighted(t_c, t_c + self._concepts(body.words), boost)
        return out

    def _ngram_terms(self, content: str) -> list[int]:
        ids = np.unique(text_ngrams(content))
        if len(ids) == 0 or len(self.ngram_vocab) == 0:
            return []
        pos = np.searchsorted(self.ngram_vocab, ids)
        pos = np.minimum(pos, len(self.ngram_vocab) - 1)
        known = self.ngram_vocab[pos] == ids
        return [int(p) for p in pos[known]]

    def channel_scores(self, terms: dict[str, QueryTerms]) -> dict[str, F64]:
        return {name: self.channels[name].score(q.terms, q.weights) for name, q in terms.items()}

    def term_label(self, channel: str, term: int) -> str:
        if channel == "ngram":
            return decode(int(self.ngram_vocab[term]))
        if channel == "concept":
            return self.knowledge.concept_label(term)
        if not hasattr(self, "_word_names"):
            self._word_names = [""] * len(self.word_vocab)
            for w, i in self.word_vocab.items():
                self._word_names[i] = w
        return self._word_names[term]

    def __len__(self) -> int:
        return len(self.docs)
