"""Evaluation metrics for a probability ranking: AUC, top-decile precision/recall/lift, Brier, calibration."""

from __future__ import annotations

import math
from typing import Any

import numpy as np
from sklearn.metrics import brier_score_loss, roc_auc_score


def top_share(y: np.ndarray, p: np.ndarray, share: float = 0.1) -> dict[str, float]:
    """Precision, recall and lift among the ``share`` highest scores (k = ceil(share × n), stable order)."""
    n = len(y)
    k = max(1, math.ceil(share * n))
    order = np.argsort(-p, kind="stable")[:k]
    hits = float(y[order].sum())
    positives = float(y.sum())
    base = positives / n
    precision = hits / k
    return {
        "k": float(k),
        "precision": precision,
        "recall": hits / positives if positives else float("nan"),
        "lift": precision / base if base else float("nan"),
    }


def calibration_bins(y: np.ndarray, p: np.ndarray, bins: int = 10) -> list[dict[str, Any]]:
    """Equal-width bins on [0, 1]; the last bin includes 1.0. Empty bins are kept with count 0."""
    idx = np.minimum((p * bins).astype(int), bins - 1)
    rows = []
    for b in range(bins):
        mask = idx == b
        count = int(mask.sum())
        rows.append(
            {
                "bin": f"[{b / bins:.1f}, {(b + 1) / bins:.1f}{']' if b == bins - 1 else ')'}",
                "count": count,
                "mean_predicted": float(p[mask].mean()) if count else None,
                "observed_rate": float(y[mask].mean()) if count else None,
            }
        )
    return rows


def evaluate_scores(y: np.ndarray, p: np.ndarray) -> dict[str, Any]:
    y = np.asarray(y, dtype=int)
    p = np.asarray(p, dtype=float)
    top = top_share(y, p)
    return {
        "n": len(y),
        "positives": int(y.sum()),
        "base_rate": float(y.mean()),
        "auc": float(roc_auc_score(y, p)) if 0 < y.sum() < len(y) else float("nan"),
        "top_decile_precision": top["precision"],
        "top_decile_recall": top["recall"],
        "top_decile_lift": top["lift"],
        "brier": float(brier_score_loss(y, p)),
        "calibration": calibration_bins(y, p),
    }
