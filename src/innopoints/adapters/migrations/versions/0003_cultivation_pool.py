"""cultivation pool: screenings, append-only pool events, alerts, assignments, follow-ups

Revision ID: 0003
Revises: 0002
Create Date: 2026-11-27 21:00:00
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0003"
down_revision = "0002"
branch_labels = None
depends_on = None

_BIG_ID = sa.BigInteger().with_variant(sa.Integer(), "sqlite")
_ACTIVE = "ended_on IS NULL"
_ACTIVE_COMMISSIONER = "ended_on IS NULL AND role = 'commissioner'"


def _round_fk(table: str, column: str = "round_id") -> sa.ForeignKeyConstraint:
    return sa.ForeignKeyConstraint(
        [column], ["scoring_round.id"], name=op.f(f"fk_{table}_{column}_scoring_round")
    )


def upgrade() -> None:
    op.create_table(
        "pool_screening",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("round_id", sa.Integer(), nullable=False),
        sa.Column("year", sa.SmallInteger(), nullable=False),
        sa.Column("rulebook_hash", sa.String(length=64), nullable=False),
        sa.Column("screened_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("firms", sa.Integer(), nullable=False),
        sa.Column("members", sa.Integer(), nullable=False),
        _round_fk("pool_screening"),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_pool_screening")),
        sa.UniqueConstraint("round_id", name=op.f("uq_pool_screening_round_id")),
    )
    op.create_table(
        "pool_event",
        sa.Column("id", _BIG_ID, nullable=False),
        sa.Column("round_id", sa.Integer(), nullable=False),
        sa.Column("uscc", sa.String(length=18), nullable=False),
        sa.Column("kind", sa.String(length=10), nullable=False),
        sa.Column("tier_from", sa.String(length=20), nullable=True),
        sa.Column("tier_to", sa.String(length=20), nullable=True),
        sa.Column("programs", sa.String(length=300), nullable=False),
        sa.Column("rule_id", sa.String(length=60), nullable=False),
        sa.Column("reference", sa.Text(), nullable=False),
        sa.Column("reason_zh", sa.Text(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        _round_fk("pool_event"),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_pool_event")),
    )
    with op.batch_alter_table("pool_event", schema=None) as batch_op:
        batch_op.create_index("ix_pool_event_uscc", ["uscc", "id"], unique=False)
        batch_op.create_index("ix_pool_event_round", ["round_id"], unique=False)
    op.create_table(
        "pool_alert",
        sa.Column("id", _BIG_ID, nullable=False),
        sa.Column("round_id", sa.Integer(), nullable=False),
        sa.Column("prev_round_id", sa.Integer(), nullable=False),
        sa.Column("uscc", sa.String(length=18), nullable=False),
        sa.Column("rule_id", sa.String(length=60), nullable=False),
        sa.Column("metric", sa.String(length=40), nullable=False),
        sa.Column("value_from", sa.BigInteger(), nullable=True),
        sa.Column("value_to", sa.BigInteger(), nullable=True),
        sa.Column("threshold", sa.BigInteger(), nullable=False),
        sa.Column("message_zh", sa.Text(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        _round_fk("pool_alert"),
        _round_fk("pool_alert", "prev_round_id"),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_pool_alert")),
    )
    with op.batch_alter_table("pool_alert", schema=None) as batch_op:
        batch_op.create_index("uq_pool_alert_key", ["round_id", "uscc", "rule_id"], unique=True)
    op.create_table(
        "pool_assignment",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("uscc", sa.String(length=18), nullable=False),
        sa.Column("role", sa.String(length=20), nullable=False),
        sa.Column("person_id", sa.String(length=40), nullable=False),
        sa.Column("person_name", sa.String(length=100), nullable=False),
        sa.Column("started_on", sa.Date(), nullable=False),
        sa.Column("ended_on", sa.Date(), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_pool_assignment")),
    )
    with op.batch_alter_table("pool_assignment", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_pool_assignment_uscc"), ["uscc"], unique=False)
        batch_op.create_index(
            "uq_pool_assignment_firm_role_active",
            ["uscc", "role"],
            unique=True,
            sqlite_where=sa.text(_ACTIVE),
            postgresql_where=sa.text(_ACTIVE),
        )
        batch_op.create_index(
            "uq_pool_assignment_commissioner_active",
            ["person_id"],
            unique=True,
            sqlite_where=sa.text(_ACTIVE_COMMISSIONER),
            postgresql_where=sa.text(_ACTIVE_COMMISSIONER),
        )
    op.create_table(
        "pool_follow_up",
        sa.Column("id", _BIG_ID, nullable=False),
        sa.Column("uscc", sa.String(length=18), nullable=False),
        sa.Column("assignment_id", sa.Integer(), nullable=True),
        sa.Column("occurred_on", sa.Date(), nullable=False),
        sa.Column("kind", sa.String(length=20), nullable=False),
        sa.Column("summary", sa.Text(), nullable=False),
        sa.Column("recorded_by", sa.String(length=100), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["assignment_id"],
            ["pool_assignment.id"],
            name=op.f("fk_pool_follow_up_assignment_id_pool_assignment"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_pool_follow_up")),
    )
    with op.batch_alter_table("pool_follow_up", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_pool_follow_up_uscc"), ["uscc"], unique=False)


def downgrade() -> None:
    op.drop_table("pool_follow_up")
    op.drop_table("pool_assignment")
    op.drop_table("pool_alert")
    op.drop_table("pool_event")
    op.drop_table("pool_screening")
