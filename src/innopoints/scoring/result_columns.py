"""The per-firm result columns of a scoring round, declared once.

Both engines (``adapters/analytics/polars_engine``, ``spark_engine``) produce every column below; the
service writes :data:`OUTPUT_COLUMNS` to ``--out FILE.parquet`` and the evaluator columns next to a
database round's input snapshot; the store (``adapters/db/scoring_repo``) keeps :data:`STORED_COLUMNS`
in ``scoring_result`` (plus the group scores as JSON) and reads :data:`LOADED_COLUMNS` back.
"""

from __future__ import annotations

LIST_COLUMNS = ("top5", "top10", "top20")  # the top-share lists the store has a column for

POINTS_COLUMNS = (
    "uscc",
    "points",
    "points_centi",
    "stage",
    "peer_group",
    "peer_rank",
    "peer_size",
    "city_rank",
    "percentile_bp",
    *LIST_COLUMNS,
    "ladder_stage",
    "tech_sme_score",
    "tech_sme_qualified",
    "bonus_points",
    "penalty_points",
    "base_centi",
)

EVALUATOR_COLUMNS = (  # the compiled ladder evaluators (scoring/ladder_batch.py) and the evaluated stage
    "high_tech_verdict",
    "high_tech_met",
    "high_tech_score_lo",
    "high_tech_score_hi",
    "eaglet_met",
    "gazelle_met",
    "unicorn_tier",
    "unicorn_met",
    "tech_leader_met",
    "innovative_sme_qualified",
    "innovative_sme_score_lo",
    "innovative_sme_score_hi",
    "evaluated_ladder_stage",
)

OUTPUT_COLUMNS = (*POINTS_COLUMNS, *EVALUATOR_COLUMNS)

# ``points`` is ``points_centi / 100``: the store keeps the exact hundredths only.
STORED_COLUMNS = tuple(x for x in POINTS_COLUMNS if x != "points")

LOADED_COLUMNS = (
    "uscc",
    "stage",
    "peer_group",
    "points_centi",
    "peer_rank",
    "peer_size",
    "city_rank",
    "percentile_bp",
    "ladder_stage",
    "tech_sme_qualified",
)
