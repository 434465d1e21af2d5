"""The tech_contract table (database columns) from the simulated contracts."""

from __future__ import annotations

import numpy as np
import polars as pl

from innopoints.synth.calibration import Calibration
from innopoints.synth.contracts import CONTRACT_TYPES, Contracts
from innopoints.synth.rng import stream
from innopoints.synth.text import TextMaker


def frame(cal: Calibration, seed: int, c: Contracts) -> pl.DataFrame:
    rng = stream(seed, "contracts.table")
    text = TextMaker(cal, rng)
    n = len(c.year)
    order = np.lexsort((c.submitted_on, c.year))
    seq = np.zeros(n, dtype=np.int64)
    for year in np.unique(c.year):
        sel = order[c.year[order] == year]
        seq[sel] = np.arange(1, len(sel) + 1)
    numbers = [
        f"{y}2101{k + 1}{s:07d}"
        for y, k, s in zip(c.year.tolist(), c.kind.tolist(), seq.tolist(), strict=True)
    ]
    return pl.DataFrame(
        {
            "id": np.arange(1, n + 1, dtype=np.int64),
            "contract_no": numbers,
            "contract_type": np.array(CONTRACT_TYPES)[c.kind],
            "seller_enterprise_id": pl.Series(np.where(c.seller_firm >= 0, c.seller_firm + 1, 0)).set(
                pl.Series(c.seller_firm < 0), None
            ),
            "seller_institution_id": pl.Series(
                np.where(c.seller_institution >= 0, c.seller_institution + 1, 0)
            ).set(pl.Series(c.seller_institution < 0), None),
            "buyer_name": [text.buyer(bool(b)) for b in c.buyer_in_city.tolist()],
            "buyer_in_city": c.buyer_in_city,
            "cluster_id": np.array(cal.cluster_ids)[c.cluster],
            "district_code": np.array(cal.district_codes)[c.district],
            "signed_on": c.signed_on,
            "submitted_on": c.submitted_on,
            "decided_on": c.decided_on,
            "status": c.status.astype(str),
            "amount_fen": c.amount_fen,
            "non_technical_fen": c.non_technical_fen,
            "achievement_id": pl.Series([None] * n, dtype=pl.Int64),
            "is_synthetic": True,
        }
    )
