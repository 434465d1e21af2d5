"""Metrics on hand-checked toy cases."""

from __future__ import annotations

import math

import numpy as np
import pytest

from innopoints.potential.metrics import calibration_bins, evaluate_scores, top_share


def test_top_decile_on_twenty_firms() -> None:
    # 20 firms, 4 positives; top decile = ceil(2.0) = 2 firms: scores 0.95 (positive) and 0.90 (negative).
    p = np.array([0.95, 0.90] + [0.5] * 16 + [0.1, 0.05])
    y = np.array([1, 0] + [0] * 16 + [1, 1])
    y[5] = 1
    top = top_share(y, p)
    assert top["k"] == 2
    assert top["precision"] == pytest.approx(0.5)
    assert top["recall"] == pytest.approx(1 / 4)
    assert top["lift"] == pytest.approx(0.5 / (4 / 20))


def test_auc_and_brier_by_hand() -> None:
    y = np.array([0, 0, 1, 1])
    p = np.array([0.1, 0.6, 0.4, 0.8])
    out = evaluate_scores(y, p)
    # pairs (pos, neg): (0.4>0.1) yes, (0.4>0.6) no, (0.8>0.1) yes, (0.8>0.6) yes → 3/4
    assert out["auc"] == pytest.approx(0.75)
    assert out["brier"] == pytest.approx((0.01 + 0.36 + 0.36 + 0.04) / 4)
    assert out["base_rate"] == 0.5 and out["positives"] == 2 and out["n"] == 4


def test_calibration_keeps_ten_bins_and_puts_one_in_the_last() -> None:
    y = np.array([0, 1, 1, 0, 1])
    p = np.array([0.05, 0.15, 0.19, 0.55, 1.0])
    rows = calibration_bins(y, p)
    assert len(rows) == 10
    assert [r["count"] for r in rows] == [1, 2, 0, 0, 0, 1, 0, 0, 0, 1]
    assert rows[1]["mean_predicted"] == pytest.approx(0.17)
    assert rows[1]["observed_rate"] == 1.0
    assert rows[2]["observed_rate"] is None
    assert rows[9]["bin"] == "[0.9, 1.0]"


def test_single_class_auc_is_nan() -> None:
    out = evaluate_scores(np.zeros(5, dtype=int), np.linspace(0, 1, 5))
    assert math.isnan(out["auc"])
