"""Time-split evaluation: train on origin years ≤ t_train, test on a later origin year; no look-ahead.

The training rows of origin t use features from years ≤ t and labels from t+1..t+h; the whole training
window (t + h) must not exceed the test origin's label window. With the 2021–2025 synthetic panel:
high growth (h = 3) trains on t = 2021 (labels 2022–2024) and tests on t = 2022 (labels 2023–2025);
ladder (h = 2) trains on t ≤ 2022 and tests on t = 2023.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import numpy as np
import polars as pl
from sklearn.base import ClassifierMixin

from innopoints.errors import UserError
from innopoints.potential.data import PotentialData
from innopoints.potential.estimators import GrowthBoostingClassifier, LastYearGrowthRule, logistic_baseline
from innopoints.potential.features import FEATURE_CODES, build_features
from innopoints.potential.labels import labelled_origins, labels
from innopoints.potential.metrics import evaluate_scores

MODEL_NAMES = {
    "gbm": "梯度提升 LightGBM",
    "logistic": "逻辑回归 (logistic)",
    "last_year_growth": "上年增速规则 (rule)",
}
RULE_COLUMN = {"high_growth": "revenue_growth_1y", "ladder": "revenue_growth_1y"}


@dataclass
class Split:
    task: str
    train_origins: list[int]
    test_origin: int


@dataclass
class TaskResult:
    split: Split
    n_train: int
    train_positive_rate: float
    metrics: dict[str, dict[str, Any]]  # model name → metrics
    models: dict[str, ClassifierMixin] = field(repr=False, default_factory=dict)
    feature_medians: dict[str, float | None] = field(default_factory=dict)  # training medians (explanations)


def plan_split(task: str, years: list[int]) -> Split:
    origins = labelled_origins(task, years)
    if len(origins) < 2:
        raise UserError(
            f"面板年份 {years} 不足以做时间切分 (task {task}: need two labelled origin years, got {origins})"
        )
    return Split(task, origins[:-1], origins[-1])


def dataset(
    data: PotentialData, task: str, origins: list[int]
) -> tuple[np.ndarray, np.ndarray, pl.DataFrame]:
    frames = []
    for t in origins:
        feats = build_features(data, cutoff=t)
        frames.append(feats.join(labels(data, task, t), on="uscc", how="inner"))
    frame = pl.concat(frames)
    X = frame.select(FEATURE_CODES).to_numpy().astype(np.float64)
    y = frame["label"].to_numpy().astype(int)
    return X, y, frame.select("uscc", "origin_year", "label")


def make_models(random_state: int = 0) -> dict[str, ClassifierMixin]:
    return {
        "gbm": GrowthBoostingClassifier(random_state=random_state),
        "logistic": logistic_baseline(random_state),
        "last_year_growth": LastYearGrowthRule(column=FEATURE_CODES.index(RULE_COLUMN["high_growth"])),
    }


def run_task(data: PotentialData, task: str, random_state: int = 0) -> TaskResult:
    split = plan_split(task, data.years)
    X_tr, y_tr, _ = dataset(data, task, split.train_origins)
    X_te, y_te, _ = dataset(data, task, [split.test_origin])
    if not 0 < y_tr.sum() < len(y_tr):
        raise UserError(f"训练窗口内只有一类样本 (task {task}: training labels are all one class)")
    metrics: dict[str, dict[str, Any]] = {}
    models = make_models(random_state)
    for name, model in models.items():
        model.fit(X_tr, y_tr)
        metrics[name] = evaluate_scores(y_te, model.predict_proba(X_te)[:, 1])
    medians = {}
    for i, code in enumerate(FEATURE_CODES):
        column = X_tr[:, i][~np.isnan(X_tr[:, i])]
        medians[code] = float(np.median(column)) if len(column) else None
    return TaskResult(split, len(y_tr), float(y_tr.mean()), metrics, models, medians)
