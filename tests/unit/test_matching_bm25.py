"""BM25F sparse scoring sanity, checked against hand-computed Okapi BM25."""

from __future__ import annotations

import math

import numpy as np
import pytest

from innopoints.transfer.matching.bm25 import BM25FMatrix, postings_from_lists


def _okapi(tf: int, df: int, n: int, dl: float, avgdl: float, k1: float = 1.2, b: float = 0.75) -> float:
    idf = math.log(1 + (n - df + 0.5) / (df + 0.5))
    return idf * tf * (k1 + 1) / (tf + k1 * (1 - b + b * dl / avgdl))


def test_single_field_equals_okapi_bm25() -> None:
    # term ids: 0 = 电池, 1 = 正极, 2 = 视觉
    docs = [[0, 0, 1], [0, 2], [2, 2, 2, 2]]
    m = BM25FMatrix.build({"abstract": postings_from_lists(docs)}, {"abstract": 1.0}, 3, 3)
    avgdl = (3 + 2 + 4) / 3
    scores = m.score(np.array([0, 1]), np.array([1.0, 1.0]))
    expected0 = _okapi(2, 2, 3, 3, avgdl) + _okapi(1, 1, 3, 3, avgdl)
    expected1 = _okapi(1, 2, 3, 2, avgdl)
    assert scores[0] == pytest.approx(expected0)
    assert scores[1] == pytest.approx(expected1)
    assert scores[2] == 0.0
    assert m.entry(2, 2) == pytest.approx(_okapi(4, 2, 3, 4, avgdl))
    assert m.entry(2, 0) == 0.0


def test_rare_term_outweighs_common_term() -> None:
    docs = [[0, 1], [0], [0], [0]]
    m = BM25FMatrix.build({"t": postings_from_lists(docs)}, {"t": 1.0}, 4, 2)
    assert m.idf[1] > m.idf[0]
    assert m.score(np.array([0, 1]), np.ones(2)).argmax() == 0


def test_title_weight_beats_abstract_in_bm25f() -> None:
    title = postings_from_lists([[0], [1]])
    abstract = postings_from_lists([[1], [0]])
    m = BM25FMatrix.build({"title": title, "abstract": abstract}, {"title": 3.0, "abstract": 1.0}, 2, 2)
    scores = m.score(np.array([0]), np.ones(1))
    assert scores[0] > scores[1] > 0


def test_empty_query_and_unknown_fields() -> None:
    m = BM25FMatrix.build({"t": postings_from_lists([[0], []])}, {}, 2, 1)
    assert m.score(np.zeros(0, np.int64), np.zeros(0)).tolist() == [0.0, 0.0]


def test_feedback_terms_exclude_query_terms() -> None:
    m = BM25FMatrix.build({"t": postings_from_lists([[0, 1, 2], [0, 3], [4]])}, {"t": 1.0}, 3, 5)
    terms, weights = m.feedback_terms(np.array([0, 1]), np.array([1.0, 0.5]), np.array([0]), 2)
    assert 0 not in terms.tolist() and len(terms) == 2
    assert weights.max() == pytest.approx(1.0)
    assert set(terms.tolist()) <= {1, 2, 3}
