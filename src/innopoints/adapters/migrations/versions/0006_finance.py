"""finance: loan lifecycle columns, loan events, risk-compensation claims

Revision ID: 0006
Revises: 0005
Create Date: 2026-11-27 22:00:00
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0006"
down_revision = "0005"
branch_labels = None
depends_on = None

_LOAN_DATES = ("reviewed_on", "due_on", "repaid_on", "overdue_on", "defaulted_on", "withdrawn_on")


def upgrade() -> None:
    with op.batch_alter_table("loan", schema=None) as batch_op:
        batch_op.add_column(sa.Column("origin", sa.String(length=10), server_default="firm", nullable=False))
        batch_op.add_column(sa.Column("requested_fen", sa.BigInteger(), nullable=True))
        batch_op.add_column(sa.Column("rate_bp", sa.Integer(), nullable=True))
        batch_op.add_column(sa.Column("term_months", sa.SmallInteger(), nullable=True))
        batch_op.add_column(sa.Column("round_id", sa.Integer(), nullable=True))
        batch_op.add_column(sa.Column("suggested_fen", sa.BigInteger(), nullable=True))
        batch_op.add_column(sa.Column("decision_reason", sa.Text(), nullable=True))
        for name in _LOAN_DATES:
            batch_op.add_column(sa.Column(name, sa.Date(), nullable=True))
        batch_op.add_column(sa.Column("created_by", sa.Integer(), nullable=True))
        batch_op.add_column(sa.Column("updated_by", sa.Integer(), nullable=True))
        batch_op.add_column(sa.Column("updated_at", sa.DateTime(timezone=True), nullable=True))
        batch_op.create_foreign_key(
            op.f("fk_loan_round_id_scoring_round"), "scoring_round", ["round_id"], ["id"]
        )
        batch_op.create_foreign_key(
            op.f("fk_loan_created_by_user_account"), "user_account", ["created_by"], ["id"]
        )
        batch_op.create_foreign_key(
            op.f("fk_loan_updated_by_user_account"), "user_account", ["updated_by"], ["id"]
        )
        batch_op.create_index("ix_loan_status_applied_on", ["status", "applied_on"], unique=False)

    op.create_table(
        "loan_event",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("loan_id", sa.Integer(), nullable=False),
        sa.Column("from_status", sa.String(length=20), nullable=True),
        sa.Column("to_status", sa.String(length=20), nullable=False),
        sa.Column("happened_on", sa.Date(), nullable=False),
        sa.Column("at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("user_id", sa.Integer(), nullable=True),
        sa.Column("actor", sa.String(length=120), nullable=False),
        sa.Column("amount_fen", sa.BigInteger(), nullable=True),
        sa.Column("reason", sa.Text(), nullable=False),
        sa.Column("is_synthetic", sa.Boolean(), nullable=False),
        sa.ForeignKeyConstraint(["loan_id"], ["loan.id"], name=op.f("fk_loan_event_loan_id_loan")),
        sa.ForeignKeyConstraint(
            ["user_id"], ["user_account.id"], name=op.f("fk_loan_event_user_id_user_account")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_loan_event")),
    )
    with op.batch_alter_table("loan_event", schema=None) as batch_op:
        batch_op.create_index("ix_loan_event_loan", ["loan_id", "id"], unique=False)

    op.create_table(
        "risk_compensation_claim",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("loan_id", sa.Integer(), nullable=False),
        sa.Column("bank_id", sa.Integer(), nullable=False),
        sa.Column("outstanding_fen", sa.BigInteger(), nullable=False),
        sa.Column("share_bp", sa.Integer(), nullable=False),
        sa.Column("claimed_fen", sa.BigInteger(), nullable=False),
        sa.Column("status", sa.String(length=12), nullable=False),
        sa.Column("submitted_on", sa.Date(), nullable=False),
        sa.Column("decided_on", sa.Date(), nullable=True),
        sa.Column("paid_on", sa.Date(), nullable=True),
        sa.Column("decision_reason", sa.Text(), nullable=True),
        sa.Column("submitted_by", sa.Integer(), nullable=True),
        sa.Column("decided_by", sa.Integer(), nullable=True),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.Column("is_synthetic", sa.Boolean(), nullable=False),
        sa.ForeignKeyConstraint(
            ["bank_id"], ["bank.id"], name=op.f("fk_risk_compensation_claim_bank_id_bank")
        ),
        sa.ForeignKeyConstraint(
            ["decided_by"],
            ["user_account.id"],
            name=op.f("fk_risk_compensation_claim_decided_by_user_account"),
        ),
        sa.ForeignKeyConstraint(
            ["loan_id"], ["loan.id"], name=op.f("fk_risk_compensation_claim_loan_id_loan")
        ),
        sa.ForeignKeyConstraint(
            ["submitted_by"],
            ["user_account.id"],
            name=op.f("fk_risk_compensation_claim_submitted_by_user_account"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_risk_compensation_claim")),
        sa.UniqueConstraint("loan_id", name=op.f("uq_risk_compensation_claim_loan_id")),
    )
    with op.batch_alter_table("risk_compensation_claim", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_risk_compensation_claim_bank_id"), ["bank_id"], unique=False)


def downgrade() -> None:
    with op.batch_alter_table("risk_compensation_claim", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_risk_compensation_claim_bank_id"))
    op.drop_table("risk_compensation_claim")
    with op.batch_alter_table("loan_event", schema=None) as batch_op:
        batch_op.drop_index("ix_loan_event_loan")
    op.drop_table("loan_event")
    with op.batch_alter_table("loan", schema=None) as batch_op:
        batch_op.drop_index("ix_loan_status_applied_on")
        batch_op.drop_constraint(op.f("fk_loan_updated_by_user_account"), type_="foreignkey")
        batch_op.drop_constraint(op.f("fk_loan_created_by_user_account"), type_="foreignkey")
        batch_op.drop_constraint(op.f("fk_loan_round_id_scoring_round"), type_="foreignkey")
        for name in ("updated_at", "updated_by", "created_by", *reversed(_LOAN_DATES)):
            batch_op.drop_column(name)
        for name in (
            "decision_reason",
            "suggested_fen",
            "round_id",
            "term_months",
            "rate_bp",
            "requested_fen",
            "origin",
        ):
            batch_op.drop_column(name)
