"""Frozen reference distributions and the percentile of a value within them.

Every engine uses exactly these float formulas in the same operation order, so the Polars plan, the
Spark plan and the single-firm evaluator produce bit-identical percentiles (only ``log1p`` may differ in
the last bit between math libraries, which the rounding to millionths absorbs):

* quantile k of a sorted sample s (size m) among K points: ``num = k·(m−1)``, ``j = num // (K−1)``,
  ``t = (num − j·(K−1)) / (K−1)``, ``q_k = s[j] + (s[min(j+1, m−1)] − s[j]) · t``;
* percentile of x: ``L = #{q_k < x}``; 0 if L = 0, 1 if L = K, ``L/(K−1)`` if ``q_L = x`` (ties take the
  lowest position), otherwise ``(L − 1 + f)/(K − 1)`` with ``f`` the position of x between ``q_{L−1}`` and
  ``q_L`` on the indicator's interpolation scale (linear, or ln(1+x));
* the percentile is kept as an integer number of millionths: ``floor(p·10⁶ + 0.5)``.
"""

from __future__ import annotations

import bisect
import math
from dataclasses import dataclass, field

import numpy as np
import numpy.typing as npt

MICRO = 1_000_000

FloatArray = npt.NDArray[np.float64]
IntArray = npt.NDArray[np.int64]


def quantile_points(sorted_values: FloatArray, k_points: int) -> FloatArray:
    """The K reference quantiles of an ascending sample (linear interpolation of order statistics)."""
    m = len(sorted_values)
    k = np.arange(k_points, dtype=np.int64)
    num = k * (m - 1)
    j = num // (k_points - 1)
    t = (num - j * (k_points - 1)).astype(np.float64) / float(k_points - 1)
    a = sorted_values[j]
    b = sorted_values[np.minimum(j + 1, m - 1)]
    out: FloatArray = a + (b - a) * t
    return out


def percentile_micro(q: FloatArray, x: FloatArray, log: bool) -> IntArray:
    """Vectorised percentile (in millionths) of each x within one reference; NaN (missing) scores 0.

    Every branch is computed for every element and the right one picked per element (no boolean-mask
    gathers); each element's arithmetic is exactly that of :func:`percentile_scalar`."""
    k_points = len(q)
    low = np.searchsorted(q, x, side="left")  # NaN sorts after every quantile
    pos = np.clip(low, 1, k_points - 1)  # L, kept a valid index where 0 < L < K (elsewhere unused)
    scale = np.log1p(q) if log else q
    lo = scale[pos - 1]
    den = scale[pos] - lo
    with np.errstate(divide="ignore", invalid="ignore"):  # NaN, and values outside [q_0, q_K−1], unused
        xs = np.log1p(x) if log else x
        frac = np.where(den > 0, (xs - lo) / den, 0.0)
        p = np.where(q[pos] == x, pos / float(k_points - 1), (pos - 1 + frac) / float(k_points - 1))
        inner = np.floor(p * float(MICRO) + 0.5).astype(np.int64)
    top = np.where((low == k_points) & ~np.isnan(x), MICRO, 0)
    out: IntArray = np.where((low > 0) & (low < k_points), inner, top).astype(np.int64)
    return out


def percentile_scalar(q: list[float], x: float | None, log: bool) -> tuple[float, int]:
    """The same percentile for one value, step by step (single-firm explanations): (p, millionths)."""
    if x is None:
        return 0.0, 0
    k_points = len(q)
    low = bisect.bisect_left(q, x)
    if low == 0:
        p = 0.0
    elif low == k_points:
        p = 1.0
    elif q[low] == x:
        p = low / float(k_points - 1)
    else:
        lo, hi = q[low - 1], q[low]
        den = (math.log1p(hi) - math.log1p(lo)) if log else (hi - lo)
        num = (math.log1p(x) - math.log1p(lo)) if log else (x - lo)
        frac = num / den if den > 0 else 0.0
        p = (low - 1 + frac) / float(k_points - 1)
    return p, math.floor(p * float(MICRO) + 0.5)


def group_label(stage: str, cluster: str, level: list[str]) -> str:
    """Peer-group label at one level, e.g. ``growth:robotics``, ``growth:*`` or ``*:*``."""
    return f"{stage if 'stage' in level else '*'}:{cluster if 'cluster' in level else '*'}"


@dataclass
class Reference:
    """Quantiles per peer group × indicator (None: no firm of the group has a value), plus sizes.

    ``levels`` are the peer-group keys tried in order (e.g. stage×cluster, stage, city); the last is the
    city-wide catch-all, always present.
    """

    k_points: int
    levels: list[list[str]]
    quantiles: dict[str, dict[str, FloatArray | None]] = field(default_factory=dict)
    group_sizes: dict[str, int] = field(default_factory=dict)
    value_counts: dict[str, dict[str, int]] = field(default_factory=dict)

    def resolve(self, stage: str, cluster: str) -> str:
        """The peer group a firm of this stage and cluster is compared with (frozen-round lookup)."""
        for level in self.levels:
            key = group_label(stage, cluster, level)
            if key in self.quantiles:
                return key
        raise KeyError("reference has no city-wide group *:*")
