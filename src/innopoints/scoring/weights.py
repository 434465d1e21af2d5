"""Weight PROPOSALS: AHP (principal eigenvector, Saaty consistency ratio) and entropy weighting.

Released weights live in rulebook/<region>/points/weights.yaml and are frozen; these tools only print
proposals for the people who decide (a change is a new rulebook version with a new hash).
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import ROUND_FLOOR, Decimal
from fractions import Fraction

import numpy as np
import numpy.typing as npt

from innopoints.errors import UserError

# Saaty's random consistency index by matrix order (Saaty 1980); AHP practice keeps matrices to <= 10 items.
RANDOM_INDEX = {1: 0.0, 2: 0.0, 3: 0.58, 4: 0.90, 5: 1.12, 6: 1.24, 7: 1.32, 8: 1.41, 9: 1.45, 10: 1.49}
CR_LIMIT = 0.1


@dataclass(frozen=True)
class AhpResult:
    items: list[str]
    weights: list[float]
    lambda_max: float
    consistency_index: float
    random_index: float
    consistency_ratio: float


def parse_judgement(value: object) -> float:
    """A pairwise judgement: a positive number or a fraction written as text (``"1/3"``)."""
    try:
        number = float(Fraction(str(value).strip()))
    except (ValueError, ZeroDivisionError) as exc:
        raise UserError(f"两两比较值 {value!r} 无效 (invalid pairwise judgement)") from exc
    if number <= 0:
        raise UserError(f"两两比较值须为正数 (judgement must be positive): {value!r}")
    return number


def ahp(items: list[str], matrix: list[list[object]]) -> AhpResult:
    n = len(items)
    if n not in RANDOM_INDEX:
        raise UserError(f"AHP 判断矩阵阶数须为 1–10，当前 {n} (split larger sets hierarchically)")
    if len(matrix) != n or any(len(row) != n for row in matrix):
        raise UserError(f"判断矩阵须为 {n}×{n} (matrix must be square with one row per item)")
    a = np.array([[parse_judgement(v) for v in row] for row in matrix], dtype=np.float64)
    for i in range(n):
        if not np.isclose(a[i, i], 1.0):
            raise UserError(f"判断矩阵对角线须为 1 (diagonal must be 1): {items[i]}")
        for j in range(i + 1, n):
            if not np.isclose(a[i, j] * a[j, i], 1.0, rtol=1e-3):
                raise UserError(
                    f"判断矩阵须互反 (a[{items[i]},{items[j]}] × a[{items[j]},{items[i]}] must be 1)"
                )
    values, vectors = np.linalg.eig(a)
    k = int(np.argmax(values.real))
    lam = float(values[k].real)
    vec = np.abs(vectors[:, k].real)
    w = vec / vec.sum()
    ci = (lam - n) / (n - 1) if n > 2 else 0.0
    ri = RANDOM_INDEX[n]
    cr = ci / ri if ri > 0 else 0.0
    result = AhpResult(items, [float(x) for x in w], lam, ci, ri, cr)
    if cr >= CR_LIMIT:
        raise UserError(
            f"判断矩阵一致性不足：CR = {cr:.4f} ≥ {CR_LIMIT}（λmax = {lam:.4f}, CI = {ci:.4f}, RI = {ri}），"
            "请修改判断 (consistency ratio must be below 0.1)"
        )
    return result


def entropy_weights(
    columns: dict[str, npt.NDArray[np.float64]], lower_better: set[str] | None = None
) -> dict[str, float]:
    """Entropy weight method: min–max normalise each indicator (direction aware, missing values dropped),
    p = x / Σx, e = −Σ p ln p / ln m, weight ∝ 1 − e. A constant indicator gets weight 0."""
    lower_better = lower_better or set()
    diversity: dict[str, float] = {}
    for name, raw in columns.items():
        x = raw[~np.isnan(raw)]
        m = len(x)
        lo, hi = (float(x.min()), float(x.max())) if m else (0.0, 0.0)
        if m < 2 or hi == lo:
            diversity[name] = 0.0
            continue
        z = (hi - x) / (hi - lo) if name in lower_better else (x - lo) / (hi - lo)
        p = z / z.sum()
        nz = p[p > 0]
        e = float(-(nz * np.log(nz)).sum() / np.log(m))
        diversity[name] = 1.0 - e
    total = sum(diversity.values())
    if total <= 0:
        raise UserError("所有指标都没有差异，无法用熵权法 (no indicator varies: entropy weights undefined)")
    return {k: v / total for k, v in diversity.items()}


def scale_to_total(
    shares: dict[str, float], total: Decimal, step: Decimal = Decimal("0.1")
) -> dict[str, Decimal]:
    """Shares -> weights in multiples of ``step`` summing exactly to ``total`` (largest remainder)."""
    units = int(total / step)
    raw = {k: Decimal(repr(v)) * units for k, v in shares.items()}
    base = {k: int(v.to_integral_value(rounding=ROUND_FLOOR)) for k, v in raw.items()}
    left = units - sum(base.values())
    for k in sorted(raw, key=lambda k: (raw[k] - base[k], k), reverse=True)[:left]:
        base[k] += 1
    return {k: v * step for k, v in base.items()}
