"""Entropy-weight proposals over a Parquet panel's indicator values (per indicator group)."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import polars as pl

from innopoints.adapters.analytics import columns as c
from innopoints.adapters.analytics.inputs import build_firm_frame
from innopoints.adapters.analytics.parquet_source import read_panel
from innopoints.adapters.analytics.polars_engine import features
from innopoints.errors import UserError
from innopoints.scoring.rulebook import load_points
from innopoints.scoring.weights import entropy_weights


def entropy_shares(panel: Path, year: int, stage: str | None, region: str = "shenyang") -> dict[str, float]:
    """Entropy shares of all indicators over the panel's firms (optionally one stage)."""
    rb = load_points(region)
    if stage is not None and stage not in rb.stage_ids:
        raise UserError(f"未知阶段 {stage} (unknown stage; one of {rb.stage_ids})")
    src = read_panel(panel, year, rb.panel_fields_used())
    firms = build_firm_frame(rb, year, src.enterprises, src.panel, src.qualifications, src.negatives)
    df = features(firms, rb, year)
    if stage is not None:
        df = df.filter(pl.col("stage") == stage)
    if df.height < 2:
        raise UserError("企业太少，无法计算熵权 (fewer than two firms)")
    cols = {
        ind.id: df[c.value_col(ind.id)].cast(pl.Float64).fill_null(np.nan).to_numpy()
        for ind in rb.indicator_list
    }
    return entropy_weights(cols)
