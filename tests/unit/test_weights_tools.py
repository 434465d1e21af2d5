"""AHP and entropy weight proposals."""

from __future__ import annotations

from decimal import Decimal

import numpy as np
import pytest

from innopoints.errors import UserError
from innopoints.scoring.weights import ahp, entropy_weights, scale_to_total


def test_ahp_consistent_matrix_recovers_the_weights() -> None:
    w = np.array([0.5, 0.3, 0.2])
    matrix = [[repr(float(w[i] / w[j])) for j in range(3)] for i in range(3)]
    res = ahp(["a", "b", "c"], matrix)
    assert np.allclose(res.weights, w, atol=1e-12)
    assert res.lambda_max == pytest.approx(3.0)
    assert res.consistency_ratio == pytest.approx(0.0, abs=1e-12)


def test_ahp_saaty_example_and_fractions() -> None:
    res = ahp(["tech", "growth", "aux"], [[1, 3, 5], ["1/3", 1, 3], ["1/5", "1/3", 1]])
    assert res.weights[0] > res.weights[1] > res.weights[2]
    assert res.random_index == 0.58
    assert 0 < res.consistency_ratio < 0.1
    assert sum(res.weights) == pytest.approx(1.0)


def test_ahp_refuses_inconsistent_judgements() -> None:
    with pytest.raises(UserError, match="CR"):
        ahp(["a", "b", "c"], [[1, 9, "1/9"], ["1/9", 1, 9], [9, "1/9", 1]])


def test_ahp_refuses_non_reciprocal_and_bad_values() -> None:
    with pytest.raises(UserError, match="互反"):
        ahp(["a", "b"], [[1, 3], [3, 1]])
    with pytest.raises(UserError, match="正数"):
        ahp(["a", "b"], [[1, -2], ["-1/2", 1]])
    with pytest.raises(UserError, match="1–10"):
        ahp([str(i) for i in range(11)], [[1] * 11 for _ in range(11)])


def test_entropy_weights_favour_dispersed_indicators() -> None:
    rng = np.random.default_rng(3)
    cols = {
        "flat": np.full(500, 7.0),
        "mild": rng.normal(100, 1, 500),
        "spiky": np.where(rng.random(500) < 0.02, 1000.0, 1.0),
        "gappy": np.where(rng.random(500) < 0.5, np.nan, rng.normal(100, 1, 500)),
    }
    w = entropy_weights(cols)
    assert w["flat"] == 0.0
    assert w["spiky"] > w["mild"]
    assert sum(w.values()) == pytest.approx(1.0)
    with pytest.raises(UserError):
        entropy_weights({"flat": np.ones(10)})


def test_scale_to_total_is_exact() -> None:
    out = scale_to_total({"a": 1 / 3, "b": 1 / 3, "c": 1 / 3}, Decimal(600))
    assert sum(out.values()) == Decimal(600)
    assert max(out.values()) - min(out.values()) <= Decimal("0.1")
    assert all((v * 10) == (v * 10).to_integral_value() for v in out.values())
