"""scikit-learn estimators: the gradient-boosting model and the two honest baselines.

* ``GrowthBoostingClassifier``: LightGBM trees (missing values handled natively) with exact tree SHAP
  contributions via ``pred_contrib``.
* ``logistic_baseline()``: median imputation + standardisation + L2 logistic regression.
* ``LastYearGrowthRule``: rank by last year's growth; probabilities are the training positive rates of
  the groups (unknown / < 0 / 0–threshold / ≥ threshold), ties broken by the growth value itself.

All follow the estimator contract: ``fit`` returns self, learned attributes end with ``_``, parameters are
plain constructor arguments (``get_params`` / ``set_params`` from ``BaseEstimator``).
"""

from __future__ import annotations

from typing import Any

import numpy as np
from sklearn.base import BaseEstimator, ClassifierMixin
from sklearn.impute import SimpleImputer
from sklearn.linear_model import LogisticRegression
from sklearn.pipeline import Pipeline, make_pipeline
from sklearn.preprocessing import StandardScaler
from sklearn.utils import Tags
from sklearn.utils.multiclass import unique_labels
from sklearn.utils.validation import check_is_fitted, validate_data


class GrowthBoostingClassifier(ClassifierMixin, BaseEstimator):
    def __init__(
        self,
        n_estimators: int = 300,
        learning_rate: float = 0.05,
        num_leaves: int = 31,
        min_child_samples: int = 40,
        subsample: float = 0.8,
        colsample_bytree: float = 0.8,
        reg_lambda: float = 1.0,
        random_state: int = 0,
        n_jobs: int = 1,
    ) -> None:
        self.n_estimators = n_estimators
        self.learning_rate = learning_rate
        self.num_leaves = num_leaves
        self.min_child_samples = min_child_samples
        self.subsample = subsample
        self.colsample_bytree = colsample_bytree
        self.reg_lambda = reg_lambda
        self.random_state = random_state
        self.n_jobs = n_jobs

    def __sklearn_tags__(self) -> Tags:
        tags = super().__sklearn_tags__()
        tags.input_tags.allow_nan = True
        assert tags.classifier_tags is not None
        tags.classifier_tags.multi_class = False
        tags.classifier_tags.poor_score = False
        return tags

    def fit(self, X: Any, y: Any) -> GrowthBoostingClassifier:
        import lightgbm as lgb

        X, y = validate_data(self, X, y, ensure_all_finite="allow-nan", dtype=np.float64)
        self.classes_ = unique_labels(y)
        if len(self.classes_) < 2:
            raise ValueError("需要两类样本；只有一类 (only one class present; need two classes to fit)")
        if len(self.classes_) > 2:
            raise ValueError("Only binary classification is supported (仅支持二分类)")
        target = (y == self.classes_[1]).astype(int)
        self.booster_ = lgb.train(
            {
                "objective": "binary",
                "learning_rate": self.learning_rate,
                "num_leaves": self.num_leaves,
                "min_data_in_leaf": self.min_child_samples,
                "bagging_fraction": self.subsample,
                "bagging_freq": 1 if self.subsample < 1 else 0,
                "feature_fraction": self.colsample_bytree,
                "lambda_l2": self.reg_lambda,
                "seed": self.random_state,
                "num_threads": self.n_jobs,
                "deterministic": True,
                "verbosity": -1,
            },
            lgb.Dataset(X, label=target),
            num_boost_round=self.n_estimators,
        )
        return self

    def _checked(self, X: Any) -> np.ndarray:
        check_is_fitted(self, "booster_")
        return validate_data(self, X, reset=False, ensure_all_finite="allow-nan", dtype=np.float64)

    def predict_proba(self, X: Any) -> np.ndarray:
        checked = self._checked(X)
        p = np.asarray(self.booster_.predict(checked, num_threads=self.n_jobs), dtype=float)
        return np.column_stack([1 - p, p])

    def predict(self, X: Any) -> np.ndarray:
        positive = self.predict_proba(X)[:, 1] >= 0.5
        return self.classes_[positive.astype(int)]

    def contributions(self, X: Any) -> np.ndarray:
        """Exact tree-SHAP contributions in log-odds: n × (features + 1); the last column is the bias."""
        checked = self._checked(X)
        return np.asarray(
            self.booster_.predict(checked, pred_contrib=True, num_threads=self.n_jobs), dtype=float
        )


class LastYearGrowthRule(ClassifierMixin, BaseEstimator):
    """The 'last year's growth' rule on one feature column (default: revenue growth, column 0)."""

    def __init__(self, column: int = 0, threshold: float = 0.20, prior_strength: float = 10.0) -> None:
        self.column = column
        self.threshold = threshold
        self.prior_strength = prior_strength

    def __sklearn_tags__(self) -> Tags:
        tags = super().__sklearn_tags__()
        tags.input_tags.allow_nan = True
        assert tags.classifier_tags is not None
        tags.classifier_tags.multi_class = False
        tags.classifier_tags.poor_score = True
        return tags

    def _groups(self, g: np.ndarray) -> np.ndarray:
        return np.where(np.isnan(g), 0, np.where(g < 0, 1, np.where(g < self.threshold, 2, 3)))

    def fit(self, X: Any, y: Any) -> LastYearGrowthRule:
        X, y = validate_data(self, X, y, ensure_all_finite="allow-nan", dtype=np.float64)
        if not 0 <= self.column < X.shape[1]:
            raise ValueError(f"column {self.column} out of range for {X.shape[1]} features")
        self.classes_ = unique_labels(y)
        if len(self.classes_) > 2:
            raise ValueError("Only binary classification is supported (仅支持二分类)")
        target = (y == self.classes_[-1]).astype(float) if len(self.classes_) == 2 else np.zeros(len(y))
        self.base_rate_ = float(target.mean())
        groups = self._groups(X[:, self.column])
        counts = np.bincount(groups, minlength=4).astype(float)
        hits = np.bincount(groups, weights=target, minlength=4)
        self.group_rates_ = (hits + self.prior_strength * self.base_rate_) / (counts + self.prior_strength)
        return self

    def predict_proba(self, X: Any) -> np.ndarray:
        check_is_fitted(self, "group_rates_")
        X = validate_data(self, X, reset=False, ensure_all_finite="allow-nan", dtype=np.float64)
        g = X[:, self.column]
        rate = self.group_rates_[self._groups(g)]
        tie = np.nan_to_num(np.arctan(g), nan=-np.pi / 2) * 1e-9  # monotone in growth, below 1e-8
        p = np.clip(rate + tie, 0.0, 1.0)
        if len(self.classes_) == 1:
            return np.ones((len(p), 1))
        return np.column_stack([1 - p, p])

    def predict(self, X: Any) -> np.ndarray:
        proba = self.predict_proba(X)
        if proba.shape[1] == 1:
            return np.full(len(proba), self.classes_[0])
        return self.classes_[(proba[:, 1] >= 0.5).astype(int)]


def logistic_baseline(random_state: int = 0) -> Pipeline:
    return make_pipeline(
        SimpleImputer(strategy="median", keep_empty_features=True),
        StandardScaler(),
        LogisticRegression(C=1.0, max_iter=2000, random_state=random_state),
    )
