"""targets allocation: append-only district decomposition of the annual targets

Revision ID: 0004
Revises: 0003
Create Date: 2026-11-27 21:00:00
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0004"
down_revision = "0003"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "target_allocation",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("year", sa.SmallInteger(), nullable=False),
        sa.Column("indicator", sa.String(length=60), nullable=False),
        sa.Column("district_code", sa.String(length=6), nullable=False),
        sa.Column("value", sa.BigInteger(), nullable=False),
        sa.Column("changed_by", sa.String(length=80), nullable=False),
        sa.Column("changed_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("reason", sa.Text(), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_target_allocation")),
    )
    with op.batch_alter_table("target_allocation", schema=None) as batch_op:
        batch_op.create_index(
            "ix_target_allocation_key", ["year", "indicator", "district_code", "id"], unique=False
        )


def downgrade() -> None:
    with op.batch_alter_table("target_allocation", schema=None) as batch_op:
        batch_op.drop_index("ix_target_allocation_key")
    op.drop_table("target_allocation")
