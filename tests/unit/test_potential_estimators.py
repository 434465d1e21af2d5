"""scikit-learn estimator contract for the boosting model and the last-year-growth rule."""

from __future__ import annotations

import numpy as np
import pytest
from sklearn.base import clone
from sklearn.exceptions import NotFittedError
from sklearn.utils.estimator_checks import check_estimator

from innopoints.potential.estimators import GrowthBoostingClassifier, LastYearGrowthRule, logistic_baseline


@pytest.mark.parametrize(
    "estimator",
    [LastYearGrowthRule(), GrowthBoostingClassifier(n_estimators=15, min_child_samples=1)],
    ids=["rule", "gbm"],
)
def test_sklearn_estimator_checks_pass(estimator: object) -> None:
    results = check_estimator(estimator, on_fail=None)
    failed = [(r["check_name"], str(r["exception"])[:200]) for r in results if r["status"] == "failed"]
    assert failed == []
    assert sum(r["status"] == "passed" for r in results) >= 40


def _toy(n: int = 600, seed: int = 3) -> tuple[np.ndarray, np.ndarray]:
    rng = np.random.default_rng(seed)
    X = rng.normal(size=(n, 4))
    X[rng.random(n) < 0.1, 1] = np.nan
    y = (X[:, 0] + 0.3 * rng.normal(size=n) > 0.8).astype(int)
    return X, y


def test_fit_returns_self_learned_attributes_and_params() -> None:
    X, y = _toy()
    est = GrowthBoostingClassifier(n_estimators=30, random_state=1)
    assert est.fit(X, y) is est
    assert est.n_features_in_ == 4 and list(est.classes_) == [0, 1]
    assert est.get_params()["n_estimators"] == 30
    assert est.set_params(n_estimators=5) is est and est.n_estimators == 5
    assert clone(est).get_params() == est.get_params()
    with pytest.raises(NotFittedError):
        GrowthBoostingClassifier().predict_proba(X)


def test_boosting_learns_signal_and_contributions_add_up() -> None:
    X, y = _toy()
    est = GrowthBoostingClassifier(n_estimators=60).fit(X[:400], y[:400])
    p = est.predict_proba(X[400:])[:, 1]
    assert np.corrcoef(p, X[400:, 0])[0, 1] > 0.6
    contrib = est.contributions(X[400:])
    logit = np.log(p / (1 - p))
    np.testing.assert_allclose(contrib.sum(axis=1), logit, rtol=1e-6, atol=1e-6)
    assert np.abs(contrib[:, 0]).mean() > np.abs(contrib[:, 3]).mean()


def test_rule_uses_training_rates_per_growth_group_and_ranks_by_growth() -> None:
    X = np.array([[np.nan], [np.nan], [-0.1], [-0.2], [0.1], [0.05], [0.5], [0.3], [0.4]])
    y = np.array([0, 0, 0, 0, 0, 1, 1, 1, 0])
    rule = LastYearGrowthRule(column=0, threshold=0.2, prior_strength=0.0).fit(X, y)
    np.testing.assert_allclose(rule.group_rates_, [0.0, 0.0, 0.5, 2 / 3])
    p = rule.predict_proba(np.array([[0.9], [0.25], [0.1], [np.nan]]))[:, 1]
    assert p[0] > p[1] and abs(p[1] - 2 / 3) < 1e-8 and abs(p[2] - 0.5) < 1e-8 and p[3] < 1e-8


def test_logistic_baseline_handles_missing_values() -> None:
    X, y = _toy()
    p = logistic_baseline().fit(X, y).predict_proba(X)[:, 1]
    assert p.shape == (len(y),) and np.corrcoef(p, X[:, 0])[0, 1] > 0.6
