"""Storage of scoring rounds and the columnar read of a round's inputs from the operational store."""

from __future__ import annotations

import json
from datetime import UTC, datetime
from typing import Any

import numpy as np
import polars as pl
import sqlalchemy as sa
from sqlalchemy.orm import Session

from innopoints.adapters.db.panel_repo import current_panel_frame
from innopoints.adapters.db.scoring_tables import ScoringReference, ScoringResult, ScoringRound
from innopoints.adapters.db.tables import Enterprise, NegativeRecord, Qualification
from innopoints.errors import NotFound
from innopoints.scoring.reference import Reference
from innopoints.scoring.result_columns import LOADED_COLUMNS, STORED_COLUMNS


def _frame(session: Session, query: Any, schema: dict[str, Any]) -> pl.DataFrame:
    rows = session.execute(query).all()
    return pl.DataFrame(rows, schema=schema, orient="row")


def read_inputs(session: Session, year: int, fields: list[str]) -> dict[str, pl.DataFrame]:
    """Enterprises, the WIDE panel (current values from ``panel_revision``, years year−1 and year),
    qualifications and negative records, as Polars frames keyed by uscc."""
    ent = _frame(
        session,
        sa.select(
            Enterprise.id,
            Enterprise.uscc,
            Enterprise.registration_date,
            Enterprise.exit_date,
            Enterprise.cluster_id,
            Enterprise.mainland_resident,
        ),
        {
            "id": pl.Int64,
            "uscc": pl.String,
            "registration_date": pl.Date,
            "exit_date": pl.Date,
            "cluster_id": pl.String,
            "mainland_resident": pl.Boolean,
        },
    )
    wide = current_panel_frame(session.connection(), years=[year - 1, year], fields=fields)
    panel = wide.rename({"enterprise_id": "id"}).join(ent.select("id", "uscc"), on="id").drop("id")
    q = Qualification
    quals = _frame(
        session,
        sa.select(Enterprise.uscc, q.kind, q.granted_on, q.expires_on, q.revoked_on).join(Enterprise),
        {
            "uscc": pl.String,
            "kind": pl.String,
            "granted_on": pl.Date,
            "expires_on": pl.Date,
            "revoked_on": pl.Date,
        },
    )
    n = NegativeRecord
    negs = _frame(
        session,
        sa.select(Enterprise.uscc, n.kind, n.occurred_on, n.cleared_on).join(Enterprise),
        {"uscc": pl.String, "kind": pl.String, "occurred_on": pl.Date, "cleared_on": pl.Date},
    )
    return {"enterprises": ent.drop("id"), "panel": panel, "qualifications": quals, "negatives": negs}


def read_evaluator_history(
    session: Session, year: int, reads: list[tuple[list[int] | None, list[str]]]
) -> dict[str, pl.DataFrame]:
    """What the ladder evaluators read beyond the round's two years: enterprises (uscc,
    registration_date, listed, high_tech_field_id) and one WIDE panel merging ``reads`` — (years or None
    for every year, fields) — keyed by (uscc, year), years after ``year + 1`` left out."""
    ent = _frame(
        session,
        sa.select(
            Enterprise.id,
            Enterprise.uscc,
            Enterprise.registration_date,
            Enterprise.listed,
            Enterprise.high_tech_field_id,
        ),
        {
            "id": pl.Int64,
            "uscc": pl.String,
            "registration_date": pl.Date,
            "listed": pl.Boolean,
            "high_tech_field_id": pl.String,
        },
    )
    wide: pl.DataFrame | None = None
    for years, fields in reads:
        part = current_panel_frame(session.connection(), years=years, fields=fields)
        part = part.filter(pl.col("year") <= year + 1)
        if wide is None:
            wide = part
            continue
        both = [c for c in part.columns if c in wide.columns and c not in ("enterprise_id", "year")]
        wide = wide.join(part, on=["enterprise_id", "year"], how="full", coalesce=True)
        wide = wide.with_columns(pl.coalesce(c, f"{c}_right").alias(c) for c in both)
        wide = wide.drop([f"{c}_right" for c in both])
    assert wide is not None
    panel = wide.rename({"enterprise_id": "id"}).join(ent.select("id", "uscc"), on="id").drop("id")
    return {"enterprises": ent.drop("id"), "panel": panel}


def create_round(session: Session, **meta: Any) -> ScoringRound:
    row = ScoringRound(created_at=datetime.now(UTC), **meta)
    session.add(row)
    session.flush()
    return row


def save_reference(session: Session, round_id: int, ref: Reference) -> None:
    rows = []
    for group, per_ind in ref.quantiles.items():
        for ind, q in per_ind.items():
            rows.append(
                {
                    "round_id": round_id,
                    "peer_group": group,
                    "indicator": ind,
                    "group_size": ref.group_sizes[group],
                    "value_count": ref.value_counts[group][ind],
                    "quantiles_json": None if q is None else json.dumps([float(v) for v in q]),
                }
            )
    if rows:
        session.execute(sa.insert(ScoringReference), rows)


def load_reference(session: Session, rnd: ScoringRound) -> Reference:
    ref = Reference(k_points=rnd.quantile_points, levels=json.loads(rnd.levels_json))
    rows = session.execute(sa.select(ScoringReference).where(ScoringReference.round_id == rnd.id)).scalars()
    for r in rows:
        ref.quantiles.setdefault(r.peer_group, {})[r.indicator] = (
            None if r.quantiles_json is None else np.array(json.loads(r.quantiles_json), dtype=np.float64)
        )
        ref.group_sizes[r.peer_group] = r.group_size
        ref.value_counts.setdefault(r.peer_group, {})[r.indicator] = r.value_count
    return ref


def save_results(session: Session, round_id: int, results: pl.DataFrame, group_ids: list[str]) -> None:
    """Bulk insert of one row per firm (driver-level executemany)."""
    from innopoints.adapters.analytics.columns import group_col
    from innopoints.adapters.db.bulk import insert_many

    scores = pl.concat_str(
        [pl.lit("{")]
        + [
            pl.concat_str(
                [pl.lit(("" if i == 0 else ", ") + f'"{g}": '), pl.col(group_col(g)).cast(pl.String)]
            )
            for i, g in enumerate(group_ids)
        ]
        + [pl.lit("}")]
    ).alias("group_scores_json")
    frame = results.select(pl.lit(round_id).alias("round_id"), *STORED_COLUMNS, scores)
    insert_many(session.connection(), ScoringResult.__table__, frame.columns, frame.iter_rows())  # type: ignore[arg-type]


def get_round(session: Session, round_id: int) -> ScoringRound:
    rnd = session.get(ScoringRound, round_id)
    if rnd is None:
        raise NotFound(f"评价批次 {round_id} 不存在 (scoring round {round_id} not found)")
    return rnd


_LOADED_TYPES: dict[str, Any] = {"points_centi": pl.Int64, "tech_sme_qualified": pl.Boolean} | {
    c: pl.Int64 for c in ("peer_rank", "peer_size", "city_rank", "percentile_bp")
}


def load_results(session: Session, round_id: int) -> pl.DataFrame:
    r = ScoringResult
    query = sa.select(*[getattr(r, c) for c in LOADED_COLUMNS]).where(r.round_id == round_id)
    return _frame(session, query, {c: _LOADED_TYPES.get(c, pl.String) for c in LOADED_COLUMNS})


def list_rounds(session: Session) -> list[ScoringRound]:
    return list(session.execute(sa.select(ScoringRound).order_by(ScoringRound.id)).scalars())
