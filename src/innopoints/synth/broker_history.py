"""Broker history in the synthetic city (SYNTHETIC): firms' ratings of ended assignments (a broker's rating
becomes their average) and representative cases, linked to the contracts a broker signed where there are some."""

from __future__ import annotations

from datetime import timedelta
from decimal import Decimal
from typing import Any

import numpy as np
import polars as pl

from innopoints.synth.calibration import Calibration
from innopoints.synth.firms import LAST_YEAR
from innopoints.synth.rng import stream
from innopoints.synth.transfer_flow import END, _pick, assumptions


def ratings_and_cases(
    seed: int, brokers: pl.DataFrame, assigned: pl.DataFrame, contracts: pl.DataFrame, cal: Calibration
) -> tuple[pl.DataFrame, pl.DataFrame, pl.DataFrame]:
    """Ratings of ended assignments (broker.rating becomes their average), and representative cases."""
    a, rng = assumptions(), stream(seed, "brokers.ratings")
    quality = {int(b): float(r) for b, r in zip(brokers["id"], brokers["rating"], strict=True)}
    ended = assigned.filter(pl.col("stage").is_in(["signed", "terminated"]))
    rows: dict[str, list[Any]] = {
        k: [] for k in ("id", "assignment_id", "broker_id", "score", "comment", "rated_on")
    }
    for a_id, b_id, stage, changed in ended.select(
        "id", "broker_id", "stage", "stage_changed_on"
    ).iter_rows():
        if rng.random() >= float(a["rated_share"]):
            continue
        bonus = 0.4 if stage == "signed" else -0.4
        score = int(np.clip(round(quality[int(b_id)] + bonus + rng.normal(0, 0.7)), 1, 5))
        rows["id"].append(len(rows["id"]) + 1)
        rows["assignment_id"].append(int(a_id))
        rows["broker_id"].append(int(b_id))
        rows["score"].append(score)
        rows["comment"].append(
            "对接及时，专业性强" if score >= 4 else ("基本满意" if score == 3 else "沟通不够充分")
        )
        rows["rated_on"].append(min(changed + timedelta(days=int(rng.integers(1, 15))), END))
    ratings = pl.DataFrame(
        rows,
        schema={
            "id": pl.Int64,
            "assignment_id": pl.Int64,
            "broker_id": pl.Int64,
            "score": pl.Int16,
            "comment": pl.String,
            "rated_on": pl.Date,
        },
    ).with_columns(is_synthetic=pl.lit(True))
    totals: dict[int, list[int]] = {}
    for b_id, score in zip(rows["broker_id"], rows["score"], strict=True):
        totals.setdefault(b_id, []).append(score)
    averaged = {b: f"{Decimal(sum(v)) / len(v):.1f}" for b, v in totals.items()}
    brokers = brokers.with_columns(
        rating=pl.Series(
            [averaged.get(int(b), r) for b, r in zip(brokers["id"], brokers["rating"], strict=True)]
        )
    )
    return brokers, ratings, _cases(cal, seed, brokers, assigned, contracts)


def _cases(
    cal: Calibration, seed: int, brokers: pl.DataFrame, assigned: pl.DataFrame, contracts: pl.DataFrame
) -> pl.DataFrame:
    a, rng = assumptions(), stream(seed, "brokers.cases")
    signed = assigned.filter(pl.col("stage") == "signed").join(
        contracts.select(pl.col("id").alias("contract_id"), "title", "amount_fen", "signed_on", "cluster_id"),
        on="contract_id",
    )
    own: dict[int, list[tuple[Any, ...]]] = {}
    for row in signed.select(
        "broker_id", "contract_id", "title", "amount_fen", "signed_on", "cluster_id"
    ).iter_rows():
        own.setdefault(int(row[0]), []).append(row[1:])
    rows: dict[str, list[Any]] = {
        k: [] for k in ("id", "broker_id", "title", "cluster_id", "year", "amount_fen", "contract_id")
    }
    for b_id, cluster, certified in brokers.select("id", "cluster_id", "certified_on").iter_rows():
        n = int(rng.poisson(float(a["broker_cases_mean"])))
        linked = own.get(int(b_id), [])[:n]
        for contract_id, title, amount, signed_on, c_cluster in linked:
            _case_row(
                rows, int(b_id), f"促成“{title}”", c_cluster, signed_on.year, int(amount), int(contract_id)
            )
        for _ in range(n - len(linked)):
            year = int(rng.integers(certified.year, LAST_YEAR + 1))
            objects = cal.vocabulary["clusters"][cluster]["objects"]
            amount = int(np.exp(np.log(8e5) + 0.9 * rng.standard_normal()) / 100) * 100 * 100
            _case_row(rows, int(b_id), f"{_pick(rng, objects)}技术转移服务案例", cluster, year, amount, None)
    return pl.DataFrame(
        rows,
        schema={
            "id": pl.Int64,
            "broker_id": pl.Int64,
            "title": pl.String,
            "cluster_id": pl.String,
            "year": pl.Int16,
            "amount_fen": pl.Int64,
            "contract_id": pl.Int64,
        },
    ).with_columns(is_synthetic=pl.lit(True))


def _case_row(rows: dict[str, list[Any]], *values: Any) -> None:
    rows["id"].append(len(rows["id"]) + 1)
    for key, value in zip(
        ("broker_id", "title", "cluster_id", "year", "amount_fen", "contract_id"), values, strict=True
    ):
        rows[key].append(value)
