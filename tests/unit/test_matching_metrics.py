"""nDCG@k and Recall@k on a hand-checked toy case."""

from __future__ import annotations

import math

import pytest

from innopoints.transfer.matching.metrics import dcg, ndcg_at_k, recall_at_k


def test_hand_checked_ndcg_and_recall() -> None:
    qrels = {"a": 2, "b": 1, "c": 1}
    ranking = ["x", "a", "c", "y"]
    # DCG = (2^2-1)/log2(3) + (2^1-1)/log2(4) = 3/1.58496 + 0.5 = 2.39279
    # IDCG = 3/log2(2) + 1/log2(3) + 1/log2(4) = 3 + 0.63093 + 0.5 = 4.13093
    assert dcg([0, 2, 1, 0]) == pytest.approx(3 / math.log2(3) + 0.5)
    assert ndcg_at_k(ranking, qrels, 10) == pytest.approx(2.392789 / 4.130930, rel=1e-5)
    assert recall_at_k(ranking, qrels, 10) == pytest.approx(2 / 3)
    assert recall_at_k(ranking, qrels, 2) == pytest.approx(1 / 3)


def test_perfect_and_empty_cases() -> None:
    assert ndcg_at_k(["a", "b"], {"a": 2, "b": 1}) == pytest.approx(1.0)
    assert ndcg_at_k(["b", "a"], {"a": 2, "b": 1}) < 1.0
    assert ndcg_at_k(["a"], {}) == 0.0
    assert recall_at_k(["a"], {"a": 0}) == 0.0


def test_cutoff_ignores_documents_after_k() -> None:
    assert ndcg_at_k(["x", "y", "a"], {"a": 2}, k=2) == 0.0
    assert ndcg_at_k(["x", "y", "a"], {"a": 2}, k=3) == pytest.approx(1 / math.log2(4))
