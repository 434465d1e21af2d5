"""transfer: workflow tables (broker assignments/ratings/cases, service orders, challenge list, interests,
revenue shares, 科技特派员 pairings) and new columns on the transfer entity tables

Revision ID: 0007
Revises: 0006
Create Date: 2026-11-27 22:00:00

The existing tables are altered first: on SQLite adding the foreign keys of ``tech_contract`` rebuilds that
table, which must happen before the new tables reference it.
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0007"
down_revision = "0006"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.add_column("achievement", sa.Column("license_terms", sa.Text(), server_default="", nullable=False))
    op.add_column("achievement", sa.Column("pay_after_use_months", sa.SmallInteger(), nullable=True))
    op.add_column(
        "achievement", sa.Column("ownership_granted", sa.Boolean(), server_default=sa.false(), nullable=False)
    )
    op.add_column(
        "achievement",
        sa.Column("separately_managed", sa.Boolean(), server_default=sa.false(), nullable=False),
    )

    op.add_column("broker", sa.Column("level", sa.String(length=20), server_default="junior", nullable=False))
    op.add_column(
        "broker", sa.Column("organization", sa.String(length=200), server_default="", nullable=False)
    )
    op.add_column("broker", sa.Column("max_load", sa.SmallInteger(), nullable=True))
    op.add_column("broker", sa.Column("active", sa.Boolean(), server_default=sa.true(), nullable=False))

    op.add_column("demand", sa.Column("indicators", sa.Text(), server_default="", nullable=False))
    op.add_column("demand", sa.Column("closed_on", sa.Date(), nullable=True))

    with op.batch_alter_table("tech_contract", schema=None) as batch_op:
        batch_op.add_column(sa.Column("title", sa.String(length=300), server_default="", nullable=False))
        batch_op.add_column(sa.Column("buyer_enterprise_id", sa.Integer(), nullable=True))
        batch_op.add_column(sa.Column("buyer_district_code", sa.String(length=6), nullable=True))
        batch_op.add_column(sa.Column("refusal_reason", sa.String(length=300), nullable=True))
        batch_op.add_column(sa.Column("registered_by", sa.String(length=80), nullable=True))
        batch_op.add_column(sa.Column("demand_id", sa.Integer(), nullable=True))
        batch_op.add_column(sa.Column("broker_id", sa.Integer(), nullable=True))
        batch_op.create_index(batch_op.f("ix_tech_contract_broker_id"), ["broker_id"], unique=False)
        batch_op.create_index(
            batch_op.f("ix_tech_contract_buyer_enterprise_id"), ["buyer_enterprise_id"], unique=False
        )
        batch_op.create_foreign_key(
            batch_op.f("fk_tech_contract_broker_id_broker"), "broker", ["broker_id"], ["id"]
        )
        batch_op.create_foreign_key(
            batch_op.f("fk_tech_contract_buyer_enterprise_id_enterprise"),
            "enterprise",
            ["buyer_enterprise_id"],
            ["id"],
        )
        batch_op.create_foreign_key(
            batch_op.f("fk_tech_contract_demand_id_demand"), "demand", ["demand_id"], ["id"]
        )

    op.create_table(
        "challenge",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("enterprise_id", sa.Integer(), nullable=False),
        sa.Column("title", sa.String(length=300), nullable=False),
        sa.Column("description", sa.Text(), nullable=False),
        sa.Column("indicators", sa.Text(), nullable=False),
        sa.Column("cluster_id", sa.String(length=40), nullable=False),
        sa.Column("budget_fen", sa.BigInteger(), nullable=False),
        sa.Column("status", sa.String(length=20), nullable=False),
        sa.Column("submitted_on", sa.Date(), nullable=False),
        sa.Column("decided_on", sa.Date(), nullable=True),
        sa.Column("published_on", sa.Date(), nullable=True),
        sa.Column("apply_deadline", sa.Date(), nullable=True),
        sa.Column("awarded_on", sa.Date(), nullable=True),
        sa.Column("closed_on", sa.Date(), nullable=True),
        sa.Column("reason", sa.String(length=300), nullable=True),
        sa.Column("is_synthetic", sa.Boolean(), nullable=False),
        sa.ForeignKeyConstraint(
            ["enterprise_id"], ["enterprise.id"], name=op.f("fk_challenge_enterprise_id_enterprise")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_challenge")),
    )
    with op.batch_alter_table("challenge", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_challenge_enterprise_id"), ["enterprise_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_challenge_status"), ["status"], unique=False)

    op.create_table(
        "achievement_interest",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("achievement_id", sa.Integer(), nullable=False),
        sa.Column("enterprise_id", sa.Integer(), nullable=False),
        sa.Column("demand_id", sa.Integer(), nullable=True),
        sa.Column("note", sa.Text(), nullable=False),
        sa.Column("created_on", sa.Date(), nullable=False),
        sa.Column("is_synthetic", sa.Boolean(), nullable=False),
        sa.ForeignKeyConstraint(
            ["achievement_id"],
            ["achievement.id"],
            name=op.f("fk_achievement_interest_achievement_id_achievement"),
        ),
        sa.ForeignKeyConstraint(
            ["demand_id"], ["demand.id"], name=op.f("fk_achievement_interest_demand_id_demand")
        ),
        sa.ForeignKeyConstraint(
            ["enterprise_id"],
            ["enterprise.id"],
            name=op.f("fk_achievement_interest_enterprise_id_enterprise"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_achievement_interest")),
        sa.UniqueConstraint(
            "achievement_id", "enterprise_id", name="uq_achievement_interest_achievement_firm"
        ),
    )
    with op.batch_alter_table("achievement_interest", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_achievement_interest_achievement_id"), ["achievement_id"], unique=False
        )
        batch_op.create_index(
            batch_op.f("ix_achievement_interest_enterprise_id"), ["enterprise_id"], unique=False
        )

    op.create_table(
        "challenge_application",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("challenge_id", sa.Integer(), nullable=False),
        sa.Column("team_name", sa.String(length=200), nullable=False),
        sa.Column("lead_institution_id", sa.Integer(), nullable=True),
        sa.Column("lead_enterprise_id", sa.Integer(), nullable=True),
        sa.Column("plan", sa.Text(), nullable=False),
        sa.Column("quote_fen", sa.BigInteger(), nullable=False),
        sa.Column("status", sa.String(length=20), nullable=False),
        sa.Column("applied_on", sa.Date(), nullable=False),
        sa.Column("is_synthetic", sa.Boolean(), nullable=False),
        sa.ForeignKeyConstraint(
            ["challenge_id"], ["challenge.id"], name=op.f("fk_challenge_application_challenge_id_challenge")
        ),
        sa.ForeignKeyConstraint(
            ["lead_enterprise_id"],
            ["enterprise.id"],
            name=op.f("fk_challenge_application_lead_enterprise_id_enterprise"),
        ),
        sa.ForeignKeyConstraint(
            ["lead_institution_id"],
            ["institution.id"],
            name=op.f("fk_challenge_application_lead_institution_id_institution"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_challenge_application")),
    )
    with op.batch_alter_table("challenge_application", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_challenge_application_challenge_id"), ["challenge_id"], unique=False
        )

    op.create_table(
        "challenge_score",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("challenge_id", sa.Integer(), nullable=False),
        sa.Column("expert_id", sa.Integer(), nullable=False),
        sa.Column("score", sa.SmallInteger(), nullable=False),
        sa.Column("comment", sa.Text(), nullable=False),
        sa.Column("scored_on", sa.Date(), nullable=False),
        sa.Column("is_synthetic", sa.Boolean(), nullable=False),
        sa.ForeignKeyConstraint(
            ["challenge_id"], ["challenge.id"], name=op.f("fk_challenge_score_challenge_id_challenge")
        ),
        sa.ForeignKeyConstraint(
            ["expert_id"], ["expert.id"], name=op.f("fk_challenge_score_expert_id_expert")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_challenge_score")),
        sa.UniqueConstraint("challenge_id", "expert_id", name="uq_challenge_score_challenge_expert"),
    )
    op.create_table(
        "commissioner_pairing",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("expert_id", sa.Integer(), nullable=False),
        sa.Column("enterprise_id", sa.Integer(), nullable=False),
        sa.Column("started_on", sa.Date(), nullable=False),
        sa.Column("ended_on", sa.Date(), nullable=True),
        sa.Column("note", sa.Text(), nullable=False),
        sa.Column("is_synthetic", sa.Boolean(), nullable=False),
        sa.ForeignKeyConstraint(
            ["enterprise_id"],
            ["enterprise.id"],
            name=op.f("fk_commissioner_pairing_enterprise_id_enterprise"),
        ),
        sa.ForeignKeyConstraint(
            ["expert_id"], ["expert.id"], name=op.f("fk_commissioner_pairing_expert_id_expert")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_commissioner_pairing")),
    )
    with op.batch_alter_table("commissioner_pairing", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_commissioner_pairing_enterprise_id"), ["enterprise_id"], unique=False
        )
        batch_op.create_index(batch_op.f("ix_commissioner_pairing_expert_id"), ["expert_id"], unique=False)

    op.create_table(
        "service_order",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("service_id", sa.Integer(), nullable=False),
        sa.Column("base_id", sa.Integer(), nullable=False),
        sa.Column("enterprise_id", sa.Integer(), nullable=False),
        sa.Column("demand_id", sa.Integer(), nullable=True),
        sa.Column("status", sa.String(length=20), nullable=False),
        sa.Column("price_fen", sa.BigInteger(), nullable=False),
        sa.Column("ordered_on", sa.Date(), nullable=False),
        sa.Column("accepted_on", sa.Date(), nullable=True),
        sa.Column("started_on", sa.Date(), nullable=True),
        sa.Column("delivered_on", sa.Date(), nullable=True),
        sa.Column("note", sa.Text(), nullable=False),
        sa.Column("delivery_note", sa.Text(), nullable=True),
        sa.Column("reason", sa.String(length=300), nullable=True),
        sa.Column("is_synthetic", sa.Boolean(), nullable=False),
        sa.ForeignKeyConstraint(
            ["base_id"], ["pilot_base.id"], name=op.f("fk_service_order_base_id_pilot_base")
        ),
        sa.ForeignKeyConstraint(["demand_id"], ["demand.id"], name=op.f("fk_service_order_demand_id_demand")),
        sa.ForeignKeyConstraint(
            ["enterprise_id"], ["enterprise.id"], name=op.f("fk_service_order_enterprise_id_enterprise")
        ),
        sa.ForeignKeyConstraint(
            ["service_id"], ["pilot_service.id"], name=op.f("fk_service_order_service_id_pilot_service")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_service_order")),
    )
    with op.batch_alter_table("service_order", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_service_order_base_id"), ["base_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_service_order_enterprise_id"), ["enterprise_id"], unique=False)
        batch_op.create_index("ix_service_order_service_status", ["service_id", "status"], unique=False)

    op.create_table(
        "broker_assignment",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("demand_id", sa.Integer(), nullable=False),
        sa.Column("broker_id", sa.Integer(), nullable=False),
        sa.Column("stage", sa.String(length=20), nullable=False),
        sa.Column("routed_by", sa.String(length=20), nullable=False),
        sa.Column("routing_reason", sa.String(length=300), nullable=False),
        sa.Column("assigned_on", sa.Date(), nullable=False),
        sa.Column("stage_changed_on", sa.Date(), nullable=False),
        sa.Column("achievement_id", sa.Integer(), nullable=True),
        sa.Column("contract_id", sa.Integer(), nullable=True),
        sa.Column("end_reason", sa.String(length=300), nullable=True),
        sa.Column("is_synthetic", sa.Boolean(), nullable=False),
        sa.ForeignKeyConstraint(
            ["achievement_id"],
            ["achievement.id"],
            name=op.f("fk_broker_assignment_achievement_id_achievement"),
        ),
        sa.ForeignKeyConstraint(
            ["broker_id"], ["broker.id"], name=op.f("fk_broker_assignment_broker_id_broker")
        ),
        sa.ForeignKeyConstraint(
            ["contract_id"], ["tech_contract.id"], name=op.f("fk_broker_assignment_contract_id_tech_contract")
        ),
        sa.ForeignKeyConstraint(
            ["demand_id"], ["demand.id"], name=op.f("fk_broker_assignment_demand_id_demand")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_broker_assignment")),
    )
    with op.batch_alter_table("broker_assignment", schema=None) as batch_op:
        batch_op.create_index("ix_broker_assignment_broker_stage", ["broker_id", "stage"], unique=False)
        batch_op.create_index(batch_op.f("ix_broker_assignment_demand_id"), ["demand_id"], unique=False)

    op.create_table(
        "broker_case",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("broker_id", sa.Integer(), nullable=False),
        sa.Column("title", sa.String(length=300), nullable=False),
        sa.Column("cluster_id", sa.String(length=40), nullable=False),
        sa.Column("year", sa.SmallInteger(), nullable=False),
        sa.Column("amount_fen", sa.BigInteger(), nullable=True),
        sa.Column("contract_id", sa.Integer(), nullable=True),
        sa.Column("is_synthetic", sa.Boolean(), nullable=False),
        sa.ForeignKeyConstraint(["broker_id"], ["broker.id"], name=op.f("fk_broker_case_broker_id_broker")),
        sa.ForeignKeyConstraint(
            ["contract_id"], ["tech_contract.id"], name=op.f("fk_broker_case_contract_id_tech_contract")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_broker_case")),
    )
    with op.batch_alter_table("broker_case", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_broker_case_broker_id"), ["broker_id"], unique=False)

    op.create_table(
        "revenue_share",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("contract_id", sa.Integer(), nullable=False),
        sa.Column("party_kind", sa.String(length=20), nullable=False),
        sa.Column("party_name", sa.String(length=200), nullable=False),
        sa.Column("inventor_id", sa.Integer(), nullable=True),
        sa.Column("fraction", sa.String(length=40), nullable=False),
        sa.Column("amount_fen", sa.BigInteger(), nullable=False),
        sa.Column("income_fen", sa.BigInteger(), nullable=False),
        sa.Column("inventor_rate", sa.String(length=12), nullable=False),
        sa.Column("policy", sa.String(length=300), nullable=False),
        sa.Column("computed_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["contract_id"], ["tech_contract.id"], name=op.f("fk_revenue_share_contract_id_tech_contract")
        ),
        sa.ForeignKeyConstraint(
            ["inventor_id"],
            ["achievement_inventor.id"],
            name=op.f("fk_revenue_share_inventor_id_achievement_inventor"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_revenue_share")),
    )
    with op.batch_alter_table("revenue_share", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_revenue_share_contract_id"), ["contract_id"], unique=False)

    op.create_table(
        "broker_rating",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("assignment_id", sa.Integer(), nullable=False),
        sa.Column("broker_id", sa.Integer(), nullable=False),
        sa.Column("score", sa.SmallInteger(), nullable=False),
        sa.Column("comment", sa.Text(), nullable=False),
        sa.Column("rated_on", sa.Date(), nullable=False),
        sa.Column("is_synthetic", sa.Boolean(), nullable=False),
        sa.ForeignKeyConstraint(
            ["assignment_id"],
            ["broker_assignment.id"],
            name=op.f("fk_broker_rating_assignment_id_broker_assignment"),
        ),
        sa.ForeignKeyConstraint(["broker_id"], ["broker.id"], name=op.f("fk_broker_rating_broker_id_broker")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_broker_rating")),
        sa.UniqueConstraint("assignment_id", name=op.f("uq_broker_rating_assignment_id")),
    )
    with op.batch_alter_table("broker_rating", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_broker_rating_broker_id"), ["broker_id"], unique=False)


def downgrade() -> None:
    with op.batch_alter_table("broker_rating", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_broker_rating_broker_id"))

    op.drop_table("broker_rating")
    with op.batch_alter_table("revenue_share", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_revenue_share_contract_id"))

    op.drop_table("revenue_share")
    with op.batch_alter_table("broker_case", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_broker_case_broker_id"))

    op.drop_table("broker_case")
    with op.batch_alter_table("broker_assignment", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_broker_assignment_demand_id"))
        batch_op.drop_index("ix_broker_assignment_broker_stage")

    op.drop_table("broker_assignment")
    with op.batch_alter_table("service_order", schema=None) as batch_op:
        batch_op.drop_index("ix_service_order_service_status")
        batch_op.drop_index(batch_op.f("ix_service_order_enterprise_id"))
        batch_op.drop_index(batch_op.f("ix_service_order_base_id"))

    op.drop_table("service_order")
    with op.batch_alter_table("commissioner_pairing", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_commissioner_pairing_expert_id"))
        batch_op.drop_index(batch_op.f("ix_commissioner_pairing_enterprise_id"))

    op.drop_table("commissioner_pairing")
    op.drop_table("challenge_score")
    with op.batch_alter_table("challenge_application", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_challenge_application_challenge_id"))

    op.drop_table("challenge_application")
    with op.batch_alter_table("achievement_interest", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_achievement_interest_enterprise_id"))
        batch_op.drop_index(batch_op.f("ix_achievement_interest_achievement_id"))

    op.drop_table("achievement_interest")
    with op.batch_alter_table("challenge", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_challenge_status"))
        batch_op.drop_index(batch_op.f("ix_challenge_enterprise_id"))

    op.drop_table("challenge")

    with op.batch_alter_table("tech_contract", schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f("fk_tech_contract_demand_id_demand"), type_="foreignkey")
        batch_op.drop_constraint(
            batch_op.f("fk_tech_contract_buyer_enterprise_id_enterprise"), type_="foreignkey"
        )
        batch_op.drop_constraint(batch_op.f("fk_tech_contract_broker_id_broker"), type_="foreignkey")
        batch_op.drop_index(batch_op.f("ix_tech_contract_buyer_enterprise_id"))
        batch_op.drop_index(batch_op.f("ix_tech_contract_broker_id"))
        batch_op.drop_column("broker_id")
        batch_op.drop_column("demand_id")
        batch_op.drop_column("registered_by")
        batch_op.drop_column("refusal_reason")
        batch_op.drop_column("buyer_district_code")
        batch_op.drop_column("buyer_enterprise_id")
        batch_op.drop_column("title")

    op.drop_column("demand", "closed_on")
    op.drop_column("demand", "indicators")

    op.drop_column("broker", "active")
    op.drop_column("broker", "max_load")
    op.drop_column("broker", "organization")
    op.drop_column("broker", "level")

    op.drop_column("achievement", "separately_managed")
    op.drop_column("achievement", "ownership_granted")
    op.drop_column("achievement", "pay_after_use_months")
    op.drop_column("achievement", "license_terms")
