"""scoring rounds: frozen rounds, peer reference distributions, per-firm results

Revision ID: 0002
Revises: 0001
Create Date: 2026-11-27 19:40:00
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0002"
down_revision = "0001"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "scoring_round",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("year", sa.SmallInteger(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("region", sa.String(length=40), nullable=False),
        sa.Column("rulebook_hash", sa.String(length=64), nullable=False),
        sa.Column("engine", sa.String(length=20), nullable=False),
        sa.Column("input_kind", sa.String(length=20), nullable=False),
        sa.Column("input_ref", sa.String(length=500), nullable=False),
        sa.Column("input_sha256", sa.String(length=64), nullable=False),
        sa.Column("snapshot_path", sa.String(length=500), nullable=True),
        sa.Column("quantile_points", sa.Integer(), nullable=False),
        sa.Column("levels_json", sa.Text(), nullable=False),
        sa.Column("firms", sa.Integer(), nullable=False),
        sa.Column("note", sa.Text(), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_scoring_round")),
    )
    with op.batch_alter_table("scoring_round", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_scoring_round_year"), ["year"], unique=False)

    op.create_table(
        "scoring_reference",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("round_id", sa.Integer(), nullable=False),
        sa.Column("peer_group", sa.String(length=100), nullable=False),
        sa.Column("indicator", sa.String(length=60), nullable=False),
        sa.Column("group_size", sa.Integer(), nullable=False),
        sa.Column("value_count", sa.Integer(), nullable=False),
        sa.Column("quantiles_json", sa.Text(), nullable=True),
        sa.ForeignKeyConstraint(
            ["round_id"], ["scoring_round.id"], name=op.f("fk_scoring_reference_round_id_scoring_round")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_scoring_reference")),
        sa.UniqueConstraint("round_id", "peer_group", "indicator", name="uq_scoring_reference_key"),
    )
    op.create_table(
        "scoring_result",
        sa.Column("id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=False),
        sa.Column("round_id", sa.Integer(), nullable=False),
        sa.Column("uscc", sa.String(length=18), nullable=False),
        sa.Column("stage", sa.String(length=20), nullable=False),
        sa.Column("peer_group", sa.String(length=100), nullable=False),
        sa.Column("points_centi", sa.Integer(), nullable=False),
        sa.Column("base_centi", sa.Integer(), nullable=False),
        sa.Column("group_scores_json", sa.Text(), nullable=False),
        sa.Column("bonus_points", sa.Integer(), nullable=False),
        sa.Column("penalty_points", sa.Integer(), nullable=False),
        sa.Column("peer_rank", sa.Integer(), nullable=False),
        sa.Column("peer_size", sa.Integer(), nullable=False),
        sa.Column("city_rank", sa.Integer(), nullable=False),
        sa.Column("percentile_bp", sa.Integer(), nullable=False),
        sa.Column("top5", sa.Boolean(), nullable=False),
        sa.Column("top10", sa.Boolean(), nullable=False),
        sa.Column("top20", sa.Boolean(), nullable=False),
        sa.Column("ladder_stage", sa.String(length=30), nullable=False),
        sa.Column("tech_sme_score", sa.SmallInteger(), nullable=True),
        sa.Column("tech_sme_qualified", sa.Boolean(), nullable=True),
        sa.ForeignKeyConstraint(
            ["round_id"], ["scoring_round.id"], name=op.f("fk_scoring_result_round_id_scoring_round")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_scoring_result")),
        sa.UniqueConstraint("round_id", "uscc", name="uq_scoring_result_round_uscc"),
    )
    with op.batch_alter_table("scoring_result", schema=None) as batch_op:
        batch_op.create_index("ix_scoring_result_round_points", ["round_id", "points_centi"], unique=False)
        batch_op.create_index("ix_scoring_result_round_group", ["round_id", "peer_group"], unique=False)


def downgrade() -> None:
    with op.batch_alter_table("scoring_result", schema=None) as batch_op:
        batch_op.drop_index("ix_scoring_result_round_group")
        batch_op.drop_index("ix_scoring_result_round_points")
    op.drop_table("scoring_result")
    op.drop_table("scoring_reference")
    with op.batch_alter_table("scoring_round", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_scoring_round_year"))
    op.drop_table("scoring_round")
