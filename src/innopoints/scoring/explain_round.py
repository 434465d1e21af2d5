"""Explain one firm inside a stored round: its frozen reference and its input snapshot."""

from __future__ import annotations

from pathlib import Path

import polars as pl

from innopoints.adapters.analytics import columns as c
from innopoints.adapters.analytics.inputs import build_firm_frame, firm_inputs
from innopoints.adapters.analytics.parquet_source import read_panel
from innopoints.adapters.db import scoring_repo as repo
from innopoints.adapters.db.engine import unit_of_work
from innopoints.bootstrap import Container
from innopoints.errors import NotFound, UserError
from innopoints.scoring.explain import Explanation, explain
from innopoints.scoring.rulebook import load_points


def explain_in_round(container: Container, round_id: int, uscc: str) -> Explanation:
    rb = load_points(container.settings.region)
    with unit_of_work(container.sessions) as session:
        rnd = repo.get_round(session, round_id)
        reference = repo.load_reference(session, rnd)
        year, kind, snapshot, round_hash = rnd.year, rnd.input_kind, rnd.snapshot_path, rnd.rulebook_hash
    if round_hash != rb.version_hash:
        raise UserError(
            f"批次 {round_id} 的积分规则版本与当前不同 (round rulebook {round_hash[:12]} ≠ {rb.version_hash[:12]})"
        )
    if not snapshot or not Path(snapshot).exists():
        raise UserError(f"批次 {round_id} 的输入快照不存在 (input snapshot missing): {snapshot}")
    if kind == "database":
        frame = pl.read_parquet(snapshot).filter(pl.col("uscc") == uscc)
    else:
        src = read_panel(Path(snapshot), year, rb.panel_fields_used())
        ent = src.enterprises.filter(pl.col("uscc") == uscc)
        frame = build_firm_frame(
            rb, year, ent, src.panel.filter(pl.col("uscc") == uscc), src.qualifications, src.negatives
        )
    if frame.height == 0:
        raise NotFound(f"批次 {round_id} 中没有企业 {uscc} (firm not in the round)")
    return explain(rb, reference, firm_inputs(frame.select(c.input_columns(rb)), rb)[0], year)
