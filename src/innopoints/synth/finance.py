"""Banks and loans of the 创新积分制 credit products. Disbursed points-credit loans sum to the
calibrated 25亿元 (scaled with the city size)."""

from __future__ import annotations

import numpy as np
import polars as pl

from innopoints.synth.calibration import Calibration
from innopoints.synth.firms import DAY, Firms
from innopoints.synth.rng import scale_to_total, stream

DISBURSED = ("disbursed", "repaid")


def banks(cal: Calibration) -> pl.DataFrame:
    names = cal.entities["banks"]
    return pl.DataFrame(
        {"id": list(range(1, len(names) + 1)), "name": names, "is_synthetic": [True] * len(names)}
    )


def loans(cal: Calibration, seed: int, firms: Firms, qualified: np.ndarray, scale: float) -> pl.DataFrame:
    """``qualified``: firms holding tech_sme or high-tech status in 2025 (the usual borrowers)."""
    rng = stream(seed, "loans")
    products = cal.entities["loan_products"]
    points = [i for i, p in enumerate(products) if p["type"] == "points_credit"]
    others = [i for i, p in enumerate(products) if p["type"] != "points_credit"]
    n_points = max(5, round(int(cal.assumption["loans_points_credit_count"]) * scale))
    n_other = max(2, round(n_points * 0.35))
    n_pending = max(2, round((n_points + n_other) * 0.15))
    total = n_points + n_other + n_pending
    pw = np.array([float(products[i]["weight"]) for i in points])
    ow = np.array([float(products[i]["weight"]) for i in others])
    product = np.concatenate(
        [
            np.array(points)[rng.choice(len(points), size=n_points, p=pw / pw.sum())],
            np.array(others)[rng.choice(len(others), size=n_other, p=ow / ow.sum())],
            np.array(points + others)[rng.integers(0, len(products), size=n_pending)],
        ]
    )
    pool = np.flatnonzero(firms.active_in(2025) & qualified)
    w = np.exp(0.5 * firms.z_size[pool])
    borrower = pool[rng.choice(len(pool), size=total, p=w / w.sum())]
    amount = (np.exp(np.log(2.0e6) + 0.7 * rng.standard_normal(total)) / 1e4).round() * 1e4 * 100
    amount = np.clip(amount, 1e7, 1e9).astype(np.int64)
    target = round(int(cal.published["points_credit_financing_yuan"]) * 100 * scale)
    amount[:n_points] = scale_to_total(amount[:n_points], target)
    status = np.array(
        list(rng.choice(DISBURSED, size=n_points + n_other, p=[0.8, 0.2]))
        + list(rng.choice(["applied", "approved", "rejected"], size=n_pending, p=[0.4, 0.3, 0.3])),
        dtype=object,
    )
    is_disbursed = np.isin(status, DISBURSED)
    first, last = np.datetime64("2023-03-01"), np.datetime64("2025-12-31")
    applied = first + rng.integers(0, (last - first).astype(np.int64) - 30, size=total) * DAY
    decided = applied + rng.integers(2, 15, size=total) * DAY
    disbursed = np.where(is_disbursed, decided + rng.integers(1, 10, size=total) * DAY, np.datetime64("NaT"))
    decided = np.where(status == "applied", np.datetime64("NaT"), decided)
    return pl.DataFrame(
        {
            "id": np.arange(1, total + 1),
            "bank_id": rng.integers(1, len(cal.entities["banks"]) + 1, size=total),
            "enterprise_id": borrower + 1,
            "product_id": [products[int(i)]["id"] for i in product],
            "product_type": [products[int(i)]["type"] for i in product],
            "amount_fen": amount,
            "status": status.astype(str),
            "applied_on": applied,
            "decided_on": decided,
            "disbursed_on": disbursed,
            "version": np.ones(total, dtype=np.int64),
            "is_synthetic": np.ones(total, dtype=bool),
        }
    )
