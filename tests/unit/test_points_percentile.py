"""Frozen-reference quantiles and percentiles: ties, interpolation, bounds; scalar == vector."""

from __future__ import annotations

import numpy as np
import pytest

from innopoints.scoring.reference import MICRO, percentile_micro, percentile_scalar, quantile_points


def test_quantiles_match_linear_interpolation_of_order_statistics() -> None:
    rng = np.random.default_rng(1)
    for m in (1, 2, 7, 100, 1234):
        s = np.sort(rng.lognormal(3, 2, m))
        q = quantile_points(s, 101)
        assert np.allclose(q, np.quantile(s, np.linspace(0, 1, 101)), rtol=1e-12, atol=0)
        assert q[0] == s[0] and q[-1] == s[-1]


def test_percentile_rules() -> None:
    q = [0.0, 0.0, 0.0, 10.0, 20.0]  # K = 5, positions 0, .25, .5, .75, 1
    assert percentile_scalar(q, None, False) == (0.0, 0)
    assert percentile_scalar(q, -1.0, False)[1] == 0
    assert percentile_scalar(q, 0.0, False)[1] == 0  # a tie takes the lowest position: zero earns nothing
    assert percentile_scalar(q, 10.0, False)[1] == 750_000
    assert percentile_scalar(q, 15.0, False)[1] == 875_000  # halfway between .75 and 1
    assert percentile_scalar(q, 5.0, False)[1] == 625_000  # between q2 = 0 and q3 = 10
    assert percentile_scalar(q, 20.0, False)[1] == MICRO
    assert percentile_scalar(q, 99.0, False)[1] == MICRO


def test_log_scale_interpolation() -> None:
    q = [0.0, 9.0, 99.0]
    _, micro = percentile_scalar(q, 9.0, True)
    assert micro == 500_000
    # ln(1+x) halfway between ln 10 and ln 100 is x + 1 = sqrt(1000)
    _, micro = percentile_scalar(q, 1000**0.5 - 1, True)
    assert micro == 750_000


@pytest.mark.parametrize("log", [False, True])
def test_vector_and_scalar_agree_bit_for_bit(log: bool) -> None:
    rng = np.random.default_rng(5)
    sample = np.where(rng.random(5000) < 0.3, 0.0, rng.lognormal(8, 2, 5000))
    q = quantile_points(np.sort(sample), 101)
    probe = np.concatenate([sample[:2000], rng.lognormal(8, 2, 2000), [np.nan, -5.0, q[-1] * 2], q])
    vec = percentile_micro(q, probe, log)
    ql = q.tolist()
    scal = [percentile_scalar(ql, None if np.isnan(x) else float(x), log)[1] for x in probe]
    assert vec.tolist() == scal
