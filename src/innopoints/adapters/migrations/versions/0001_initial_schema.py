"""initial schema

Revision ID: 0001
Revises:
Create Date: 2026-11-27 19:18:59.123398
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0001"
down_revision = None
branch_labels = None
depends_on = None


# The current value of each field: the one from the latest revision that carries it.
CURRENT_VIEW = """
CREATE VIEW panel_current AS
SELECT k.enterprise_id, k.year,
    (SELECT r.employees FROM panel_revision r WHERE r.enterprise_id = k.enterprise_id AND r.year = k.year
        AND r.employees IS NOT NULL ORDER BY r.id DESC LIMIT 1) AS employees,
    (SELECT r.sci_tech_staff FROM panel_revision r WHERE r.enterprise_id = k.enterprise_id AND r.year = k.year
        AND r.sci_tech_staff IS NOT NULL ORDER BY r.id DESC LIMIT 1) AS sci_tech_staff,
    (SELECT r.rd_staff FROM panel_revision r WHERE r.enterprise_id = k.enterprise_id AND r.year = k.year
        AND r.rd_staff IS NOT NULL ORDER BY r.id DESC LIMIT 1) AS rd_staff,
    (SELECT r.high_level_talents FROM panel_revision r WHERE r.enterprise_id = k.enterprise_id AND r.year = k.year
        AND r.high_level_talents IS NOT NULL ORDER BY r.id DESC LIMIT 1) AS high_level_talents,
    (SELECT r.sales_revenue FROM panel_revision r WHERE r.enterprise_id = k.enterprise_id AND r.year = k.year
        AND r.sales_revenue IS NOT NULL ORDER BY r.id DESC LIMIT 1) AS sales_revenue,
    (SELECT r.operating_revenue FROM panel_revision r WHERE r.enterprise_id = k.enterprise_id AND r.year = k.year
        AND r.operating_revenue IS NOT NULL ORDER BY r.id DESC LIMIT 1) AS operating_revenue,
    (SELECT r.total_income FROM panel_revision r WHERE r.enterprise_id = k.enterprise_id AND r.year = k.year
        AND r.total_income IS NOT NULL ORDER BY r.id DESC LIMIT 1) AS total_income,
    (SELECT r.high_tech_income FROM panel_revision r WHERE r.enterprise_id = k.enterprise_id AND r.year = k.year
        AND r.high_tech_income IS NOT NULL ORDER BY r.id DESC LIMIT 1) AS high_tech_income,
    (SELECT r.total_assets FROM panel_revision r WHERE r.enterprise_id = k.enterprise_id AND r.year = k.year
        AND r.total_assets IS NOT NULL ORDER BY r.id DESC LIMIT 1) AS total_assets,
    (SELECT r.total_liabilities FROM panel_revision r WHERE r.enterprise_id = k.enterprise_id AND r.year = k.year
        AND r.total_liabilities IS NOT NULL ORDER BY r.id DESC LIMIT 1) AS total_liabilities,
    (SELECT r.cost_expense_total FROM panel_revision r WHERE r.enterprise_id = k.enterprise_id AND r.year = k.year
        AND r.cost_expense_total IS NOT NULL ORDER BY r.id DESC LIMIT 1) AS cost_expense_total,
    (SELECT r.rd_expense FROM panel_revision r WHERE r.enterprise_id = k.enterprise_id AND r.year = k.year
        AND r.rd_expense IS NOT NULL ORDER BY r.id DESC LIMIT 1) AS rd_expense,
    (SELECT r.rd_expense_domestic FROM panel_revision r WHERE r.enterprise_id = k.enterprise_id AND r.year = k.year
        AND r.rd_expense_domestic IS NOT NULL ORDER BY r.id DESC LIMIT 1) AS rd_expense_domestic,
    (SELECT r.net_profit FROM panel_revision r WHERE r.enterprise_id = k.enterprise_id AND r.year = k.year
        AND r.net_profit IS NOT NULL ORDER BY r.id DESC LIMIT 1) AS net_profit,
    (SELECT r.tax_paid FROM panel_revision r WHERE r.enterprise_id = k.enterprise_id AND r.year = k.year
        AND r.tax_paid IS NOT NULL ORDER BY r.id DESC LIMIT 1) AS tax_paid,
    (SELECT r.equity_financing FROM panel_revision r WHERE r.enterprise_id = k.enterprise_id AND r.year = k.year
        AND r.equity_financing IS NOT NULL ORDER BY r.id DESC LIMIT 1) AS equity_financing,
    (SELECT r.venture_rounds FROM panel_revision r WHERE r.enterprise_id = k.enterprise_id AND r.year = k.year
        AND r.venture_rounds IS NOT NULL ORDER BY r.id DESC LIMIT 1) AS venture_rounds,
    (SELECT r.largest_venture_investment FROM panel_revision r WHERE r.enterprise_id = k.enterprise_id AND r.year = k.year
        AND r.largest_venture_investment IS NOT NULL ORDER BY r.id DESC LIMIT 1) AS largest_venture_investment,
    (SELECT r.valuation FROM panel_revision r WHERE r.enterprise_id = k.enterprise_id AND r.year = k.year
        AND r.valuation IS NOT NULL ORDER BY r.id DESC LIMIT 1) AS valuation,
    (SELECT r.ip_invention_granted FROM panel_revision r WHERE r.enterprise_id = k.enterprise_id AND r.year = k.year
        AND r.ip_invention_granted IS NOT NULL ORDER BY r.id DESC LIMIT 1) AS ip_invention_granted,
    (SELECT r.ip_invention_applied FROM panel_revision r WHERE r.enterprise_id = k.enterprise_id AND r.year = k.year
        AND r.ip_invention_applied IS NOT NULL ORDER BY r.id DESC LIMIT 1) AS ip_invention_applied,
    (SELECT r.ip_utility_model FROM panel_revision r WHERE r.enterprise_id = k.enterprise_id AND r.year = k.year
        AND r.ip_utility_model IS NOT NULL ORDER BY r.id DESC LIMIT 1) AS ip_utility_model,
    (SELECT r.ip_design FROM panel_revision r WHERE r.enterprise_id = k.enterprise_id AND r.year = k.year
        AND r.ip_design IS NOT NULL ORDER BY r.id DESC LIMIT 1) AS ip_design,
    (SELECT r.ip_software_copyright FROM panel_revision r WHERE r.enterprise_id = k.enterprise_id AND r.year = k.year
        AND r.ip_software_copyright IS NOT NULL ORDER BY r.id DESC LIMIT 1) AS ip_software_copyright,
    (SELECT r.ip_pct FROM panel_revision r WHERE r.enterprise_id = k.enterprise_id AND r.year = k.year
        AND r.ip_pct IS NOT NULL ORDER BY r.id DESC LIMIT 1) AS ip_pct,
    (SELECT r.ip_ic_layout FROM panel_revision r WHERE r.enterprise_id = k.enterprise_id AND r.year = k.year
        AND r.ip_ic_layout IS NOT NULL ORDER BY r.id DESC LIMIT 1) AS ip_ic_layout,
    (SELECT r.ip_plant_variety FROM panel_revision r WHERE r.enterprise_id = k.enterprise_id AND r.year = k.year
        AND r.ip_plant_variety IS NOT NULL ORDER BY r.id DESC LIMIT 1) AS ip_plant_variety,
    (SELECT r.ip_other_class1 FROM panel_revision r WHERE r.enterprise_id = k.enterprise_id AND r.year = k.year
        AND r.ip_other_class1 IS NOT NULL ORDER BY r.id DESC LIMIT 1) AS ip_other_class1,
    (SELECT r.conversions FROM panel_revision r WHERE r.enterprise_id = k.enterprise_id AND r.year = k.year
        AND r.conversions IS NOT NULL ORDER BY r.id DESC LIMIT 1) AS conversions,
    (SELECT r.tech_contract_turnover FROM panel_revision r WHERE r.enterprise_id = k.enterprise_id AND r.year = k.year
        AND r.tech_contract_turnover IS NOT NULL ORDER BY r.id DESC LIMIT 1) AS tech_contract_turnover,
    (SELECT r.awards_national FROM panel_revision r WHERE r.enterprise_id = k.enterprise_id AND r.year = k.year
        AND r.awards_national IS NOT NULL ORDER BY r.id DESC LIMIT 1) AS awards_national,
    (SELECT r.awards_provincial FROM panel_revision r WHERE r.enterprise_id = k.enterprise_id AND r.year = k.year
        AND r.awards_provincial IS NOT NULL ORDER BY r.id DESC LIMIT 1) AS awards_provincial,
    (SELECT r.standards_led FROM panel_revision r WHERE r.enterprise_id = k.enterprise_id AND r.year = k.year
        AND r.standards_led IS NOT NULL ORDER BY r.id DESC LIMIT 1) AS standards_led,
    (SELECT r.rd_platforms FROM panel_revision r WHERE r.enterprise_id = k.enterprise_id AND r.year = k.year
        AND r.rd_platforms IS NOT NULL ORDER BY r.id DESC LIMIT 1) AS rd_platforms,
    (SELECT r.rd_platforms_provincial FROM panel_revision r WHERE r.enterprise_id = k.enterprise_id AND r.year = k.year
        AND r.rd_platforms_provincial IS NOT NULL ORDER BY r.id DESC LIMIT 1) AS rd_platforms_provincial,
    (SELECT r.tech_projects FROM panel_revision r WHERE r.enterprise_id = k.enterprise_id AND r.year = k.year
        AND r.tech_projects IS NOT NULL ORDER BY r.id DESC LIMIT 1) AS tech_projects
FROM (SELECT DISTINCT enterprise_id, year FROM panel_revision) k
"""


def upgrade() -> None:
    # ### commands auto generated by Alembic - please adjust! ###
    op.create_table(
        "bank",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("name", sa.String(length=120), nullable=False),
        sa.Column("is_synthetic", sa.Boolean(), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_bank")),
        sa.UniqueConstraint("name", name=op.f("uq_bank_name")),
    )
    op.create_table(
        "broker",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("name", sa.String(length=60), nullable=False),
        sa.Column("certificate_no", sa.String(length=40), nullable=True),
        sa.Column("certified_on", sa.Date(), nullable=True),
        sa.Column("cluster_id", sa.String(length=40), nullable=False),
        sa.Column("district_code", sa.String(length=6), nullable=False),
        sa.Column("rating", sa.String(length=8), nullable=False),
        sa.Column("is_synthetic", sa.Boolean(), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_broker")),
        sa.UniqueConstraint("certificate_no", name=op.f("uq_broker_certificate_no")),
    )
    op.create_table(
        "enterprise",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("uscc", sa.String(length=18), nullable=False),
        sa.Column("name", sa.String(length=200), nullable=False),
        sa.Column("registration_date", sa.Date(), nullable=False),
        sa.Column("exit_date", sa.Date(), nullable=True),
        sa.Column("district_code", sa.String(length=6), nullable=False),
        sa.Column("park_id", sa.String(length=40), nullable=True),
        sa.Column("cluster_id", sa.String(length=40), nullable=False),
        sa.Column("high_tech_field_id", sa.String(length=40), nullable=True),
        sa.Column("listed", sa.Boolean(), nullable=False),
        sa.Column("mainland_resident", sa.Boolean(), nullable=False),
        sa.Column("is_synthetic", sa.Boolean(), nullable=False),
        sa.Column("source", sa.String(length=40), nullable=False),
        sa.Column(
            "created_at",
            sa.DateTime(timezone=True),
            server_default=sa.text("(CURRENT_TIMESTAMP)"),
            nullable=False,
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_enterprise")),
        sa.UniqueConstraint("uscc", name=op.f("uq_enterprise_uscc")),
    )
    with op.batch_alter_table("enterprise", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_enterprise_cluster_id"), ["cluster_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_enterprise_district_code"), ["district_code"], unique=False)
        batch_op.create_index(batch_op.f("ix_enterprise_name"), ["name"], unique=False)
        batch_op.create_index(batch_op.f("ix_enterprise_park_id"), ["park_id"], unique=False)

    op.create_table(
        "import_batch",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("file_name", sa.String(length=255), nullable=False),
        sa.Column("file_sha256", sa.String(length=64), nullable=False),
        sa.Column("file_format", sa.String(length=8), nullable=False),
        sa.Column("encoding", sa.String(length=20), nullable=True),
        sa.Column("source", sa.String(length=40), nullable=False),
        sa.Column("mode", sa.String(length=20), nullable=False),
        sa.Column("status", sa.String(length=20), nullable=False),
        sa.Column("rows_total", sa.Integer(), nullable=False),
        sa.Column("rows_accepted", sa.Integer(), nullable=False),
        sa.Column("rows_quarantined", sa.Integer(), nullable=False),
        sa.Column("values_changed", sa.Integer(), nullable=False),
        sa.Column("enterprises_created", sa.Integer(), nullable=False),
        sa.Column("imported_by", sa.String(length=80), nullable=True),
        sa.Column("started_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("finished_at", sa.DateTime(timezone=True), nullable=True),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_import_batch")),
    )
    with op.batch_alter_table("import_batch", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_import_batch_file_sha256"), ["file_sha256"], unique=False)

    op.create_table(
        "institution",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("name", sa.String(length=200), nullable=False),
        sa.Column("kind", sa.String(length=20), nullable=False),
        sa.Column("district_code", sa.String(length=6), nullable=False),
        sa.Column("inventor_share_min", sa.String(length=12), nullable=False),
        sa.Column("inventor_share_max", sa.String(length=12), nullable=False),
        sa.Column("is_synthetic", sa.Boolean(), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_institution")),
        sa.UniqueConstraint("name", name=op.f("uq_institution_name")),
    )
    op.create_table(
        "pilot_base",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("name", sa.String(length=200), nullable=False),
        sa.Column("kind", sa.String(length=10), nullable=False),
        sa.Column("level", sa.String(length=10), nullable=False),
        sa.Column("cluster_id", sa.String(length=40), nullable=False),
        sa.Column("district_code", sa.String(length=6), nullable=False),
        sa.Column("established_on", sa.Date(), nullable=False),
        sa.Column("new_products", sa.Integer(), nullable=False),
        sa.Column("new_technologies", sa.Integer(), nullable=False),
        sa.Column("incubated_enterprises", sa.Integer(), nullable=False),
        sa.Column("service_contracts", sa.Integer(), nullable=False),
        sa.Column("is_synthetic", sa.Boolean(), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_pilot_base")),
    )
    op.create_table(
        "achievement",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("institution_id", sa.Integer(), nullable=False),
        sa.Column("title", sa.String(length=300), nullable=False),
        sa.Column("abstract", sa.Text(), nullable=False),
        sa.Column("cluster_id", sa.String(length=40), nullable=False),
        sa.Column("subfield", sa.String(length=80), nullable=False),
        sa.Column("keywords", sa.String(length=300), nullable=False),
        sa.Column("trl", sa.SmallInteger(), nullable=False),
        sa.Column("ip_summary", sa.String(length=300), nullable=False),
        sa.Column("transfer_mode", sa.String(length=20), nullable=False),
        sa.Column("price_fen", sa.BigInteger(), nullable=False),
        sa.Column("pay_after_use", sa.Boolean(), nullable=False),
        sa.Column("published_on", sa.Date(), nullable=False),
        sa.Column("status", sa.String(length=20), nullable=False),
        sa.Column("is_synthetic", sa.Boolean(), nullable=False),
        sa.ForeignKeyConstraint(
            ["institution_id"], ["institution.id"], name=op.f("fk_achievement_institution_id_institution")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_achievement")),
    )
    with op.batch_alter_table("achievement", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_achievement_cluster_id"), ["cluster_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_achievement_institution_id"), ["institution_id"], unique=False)

    op.create_table(
        "demand",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("enterprise_id", sa.Integer(), nullable=False),
        sa.Column("title", sa.String(length=300), nullable=False),
        sa.Column("description", sa.Text(), nullable=False),
        sa.Column("cluster_id", sa.String(length=40), nullable=False),
        sa.Column("budget_fen", sa.BigInteger(), nullable=False),
        sa.Column("deadline", sa.Date(), nullable=False),
        sa.Column("district_code", sa.String(length=6), nullable=False),
        sa.Column("status", sa.String(length=20), nullable=False),
        sa.Column("posted_on", sa.Date(), nullable=False),
        sa.Column("is_synthetic", sa.Boolean(), nullable=False),
        sa.ForeignKeyConstraint(
            ["enterprise_id"], ["enterprise.id"], name=op.f("fk_demand_enterprise_id_enterprise")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_demand")),
    )
    with op.batch_alter_table("demand", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_demand_enterprise_id"), ["enterprise_id"], unique=False)

    op.create_table(
        "expert",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("name", sa.String(length=60), nullable=False),
        sa.Column("institution_id", sa.Integer(), nullable=True),
        sa.Column("title", sa.String(length=40), nullable=False),
        sa.Column("cluster_id", sa.String(length=40), nullable=False),
        sa.Column("keywords", sa.String(length=300), nullable=False),
        sa.Column("is_tech_commissioner", sa.Boolean(), nullable=False),
        sa.Column("is_synthetic", sa.Boolean(), nullable=False),
        sa.ForeignKeyConstraint(
            ["institution_id"], ["institution.id"], name=op.f("fk_expert_institution_id_institution")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_expert")),
    )
    op.create_table(
        "panel_revision",
        sa.Column("id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=False),
        sa.Column("enterprise_id", sa.Integer(), nullable=False),
        sa.Column("year", sa.SmallInteger(), nullable=False),
        sa.Column("source", sa.String(length=40), nullable=False),
        sa.Column("source_ref", sa.String(length=255), nullable=True),
        sa.Column("batch_id", sa.Integer(), nullable=True),
        sa.Column("recorded_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("recorded_by", sa.String(length=80), nullable=True),
        sa.Column("is_synthetic", sa.Boolean(), nullable=False),
        sa.Column("employees", sa.BigInteger(), nullable=True),
        sa.Column("sci_tech_staff", sa.BigInteger(), nullable=True),
        sa.Column("rd_staff", sa.BigInteger(), nullable=True),
        sa.Column("high_level_talents", sa.BigInteger(), nullable=True),
        sa.Column("sales_revenue", sa.BigInteger(), nullable=True),
        sa.Column("operating_revenue", sa.BigInteger(), nullable=True),
        sa.Column("total_income", sa.BigInteger(), nullable=True),
        sa.Column("high_tech_income", sa.BigInteger(), nullable=True),
        sa.Column("total_assets", sa.BigInteger(), nullable=True),
        sa.Column("total_liabilities", sa.BigInteger(), nullable=True),
        sa.Column("cost_expense_total", sa.BigInteger(), nullable=True),
        sa.Column("rd_expense", sa.BigInteger(), nullable=True),
        sa.Column("rd_expense_domestic", sa.BigInteger(), nullable=True),
        sa.Column("net_profit", sa.BigInteger(), nullable=True),
        sa.Column("tax_paid", sa.BigInteger(), nullable=True),
        sa.Column("equity_financing", sa.BigInteger(), nullable=True),
        sa.Column("venture_rounds", sa.BigInteger(), nullable=True),
        sa.Column("largest_venture_investment", sa.BigInteger(), nullable=True),
        sa.Column("valuation", sa.BigInteger(), nullable=True),
        sa.Column("ip_invention_granted", sa.BigInteger(), nullable=True),
        sa.Column("ip_invention_applied", sa.BigInteger(), nullable=True),
        sa.Column("ip_utility_model", sa.BigInteger(), nullable=True),
        sa.Column("ip_design", sa.BigInteger(), nullable=True),
        sa.Column("ip_software_copyright", sa.BigInteger(), nullable=True),
        sa.Column("ip_pct", sa.BigInteger(), nullable=True),
        sa.Column("ip_ic_layout", sa.BigInteger(), nullable=True),
        sa.Column("ip_plant_variety", sa.BigInteger(), nullable=True),
        sa.Column("ip_other_class1", sa.BigInteger(), nullable=True),
        sa.Column("conversions", sa.BigInteger(), nullable=True),
        sa.Column("tech_contract_turnover", sa.BigInteger(), nullable=True),
        sa.Column("awards_national", sa.BigInteger(), nullable=True),
        sa.Column("awards_provincial", sa.BigInteger(), nullable=True),
        sa.Column("standards_led", sa.BigInteger(), nullable=True),
        sa.Column("rd_platforms", sa.BigInteger(), nullable=True),
        sa.Column("rd_platforms_provincial", sa.BigInteger(), nullable=True),
        sa.Column("tech_projects", sa.BigInteger(), nullable=True),
        sa.ForeignKeyConstraint(
            ["batch_id"], ["import_batch.id"], name=op.f("fk_panel_revision_batch_id_import_batch")
        ),
        sa.ForeignKeyConstraint(
            ["enterprise_id"], ["enterprise.id"], name=op.f("fk_panel_revision_enterprise_id_enterprise")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_panel_revision")),
    )
    with op.batch_alter_table("panel_revision", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_panel_revision_batch_id"), ["batch_id"], unique=False)
        batch_op.create_index("ix_panel_revision_key", ["enterprise_id", "year", "id"], unique=False)

    op.create_table(
        "loan",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("bank_id", sa.Integer(), nullable=False),
        sa.Column("enterprise_id", sa.Integer(), nullable=False),
        sa.Column("product_id", sa.String(length=60), nullable=False),
        sa.Column("product_type", sa.String(length=20), nullable=False),
        sa.Column("amount_fen", sa.BigInteger(), nullable=False),
        sa.Column("status", sa.String(length=20), nullable=False),
        sa.Column("applied_on", sa.Date(), nullable=False),
        sa.Column("decided_on", sa.Date(), nullable=True),
        sa.Column("disbursed_on", sa.Date(), nullable=True),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.Column("is_synthetic", sa.Boolean(), nullable=False),
        sa.ForeignKeyConstraint(["bank_id"], ["bank.id"], name=op.f("fk_loan_bank_id_bank")),
        sa.ForeignKeyConstraint(
            ["enterprise_id"], ["enterprise.id"], name=op.f("fk_loan_enterprise_id_enterprise")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_loan")),
    )
    with op.batch_alter_table("loan", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_loan_bank_id"), ["bank_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_loan_enterprise_id"), ["enterprise_id"], unique=False)

    op.create_table(
        "negative_record",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("enterprise_id", sa.Integer(), nullable=False),
        sa.Column("kind", sa.String(length=40), nullable=False),
        sa.Column("occurred_on", sa.Date(), nullable=False),
        sa.Column("cleared_on", sa.Date(), nullable=True),
        sa.Column("description", sa.Text(), nullable=False),
        sa.Column("source", sa.String(length=40), nullable=False),
        sa.Column("is_synthetic", sa.Boolean(), nullable=False),
        sa.Column(
            "created_at",
            sa.DateTime(timezone=True),
            server_default=sa.text("(CURRENT_TIMESTAMP)"),
            nullable=False,
        ),
        sa.ForeignKeyConstraint(
            ["enterprise_id"], ["enterprise.id"], name=op.f("fk_negative_record_enterprise_id_enterprise")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_negative_record")),
    )
    with op.batch_alter_table("negative_record", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_negative_record_enterprise_id"), ["enterprise_id"], unique=False)

    op.create_table(
        "pilot_service",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("base_id", sa.Integer(), nullable=False),
        sa.Column("subfield", sa.String(length=80), nullable=False),
        sa.Column("name", sa.String(length=200), nullable=False),
        sa.Column("price_fen", sa.BigInteger(), nullable=False),
        sa.Column("capacity_per_year", sa.Integer(), nullable=False),
        sa.Column("is_synthetic", sa.Boolean(), nullable=False),
        sa.ForeignKeyConstraint(
            ["base_id"], ["pilot_base.id"], name=op.f("fk_pilot_service_base_id_pilot_base")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_pilot_service")),
    )
    with op.batch_alter_table("pilot_service", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_pilot_service_base_id"), ["base_id"], unique=False)

    op.create_table(
        "qualification",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("enterprise_id", sa.Integer(), nullable=False),
        sa.Column("kind", sa.String(length=32), nullable=False),
        sa.Column("reference_no", sa.String(length=64), nullable=True),
        sa.Column("year", sa.SmallInteger(), nullable=False),
        sa.Column("granted_on", sa.Date(), nullable=False),
        sa.Column("expires_on", sa.Date(), nullable=True),
        sa.Column("revoked_on", sa.Date(), nullable=True),
        sa.Column("source", sa.String(length=40), nullable=False),
        sa.Column("is_synthetic", sa.Boolean(), nullable=False),
        sa.Column(
            "created_at",
            sa.DateTime(timezone=True),
            server_default=sa.text("(CURRENT_TIMESTAMP)"),
            nullable=False,
        ),
        sa.ForeignKeyConstraint(
            ["enterprise_id"], ["enterprise.id"], name=op.f("fk_qualification_enterprise_id_enterprise")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_qualification")),
        sa.UniqueConstraint("enterprise_id", "kind", "year", name="uq_qualification_firm_kind_year"),
    )
    with op.batch_alter_table("qualification", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_qualification_enterprise_id"), ["enterprise_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_qualification_kind"), ["kind"], unique=False)

    op.create_table(
        "quarantined_row",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("batch_id", sa.Integer(), nullable=False),
        sa.Column("row_number", sa.Integer(), nullable=False),
        sa.Column("raw_json", sa.Text(), nullable=False),
        sa.Column("errors_json", sa.Text(), nullable=False),
        sa.ForeignKeyConstraint(
            ["batch_id"], ["import_batch.id"], name=op.f("fk_quarantined_row_batch_id_import_batch")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_quarantined_row")),
    )
    with op.batch_alter_table("quarantined_row", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_quarantined_row_batch_id"), ["batch_id"], unique=False)

    op.create_table(
        "achievement_inventor",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("achievement_id", sa.Integer(), nullable=False),
        sa.Column("name", sa.String(length=60), nullable=False),
        sa.Column("share", sa.String(length=12), nullable=False),
        sa.ForeignKeyConstraint(
            ["achievement_id"],
            ["achievement.id"],
            name=op.f("fk_achievement_inventor_achievement_id_achievement"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_achievement_inventor")),
    )
    with op.batch_alter_table("achievement_inventor", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_achievement_inventor_achievement_id"), ["achievement_id"], unique=False
        )

    op.create_table(
        "tech_contract",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("contract_no", sa.String(length=40), nullable=False),
        sa.Column("contract_type", sa.String(length=20), nullable=False),
        sa.Column("seller_enterprise_id", sa.Integer(), nullable=True),
        sa.Column("seller_institution_id", sa.Integer(), nullable=True),
        sa.Column("buyer_name", sa.String(length=200), nullable=False),
        sa.Column("buyer_in_city", sa.Boolean(), nullable=False),
        sa.Column("cluster_id", sa.String(length=40), nullable=False),
        sa.Column("district_code", sa.String(length=6), nullable=False),
        sa.Column("signed_on", sa.Date(), nullable=False),
        sa.Column("submitted_on", sa.Date(), nullable=False),
        sa.Column("decided_on", sa.Date(), nullable=True),
        sa.Column("status", sa.String(length=20), nullable=False),
        sa.Column("amount_fen", sa.BigInteger(), nullable=False),
        sa.Column("non_technical_fen", sa.BigInteger(), nullable=False),
        sa.Column("achievement_id", sa.Integer(), nullable=True),
        sa.Column("is_synthetic", sa.Boolean(), nullable=False),
        sa.ForeignKeyConstraint(
            ["achievement_id"], ["achievement.id"], name=op.f("fk_tech_contract_achievement_id_achievement")
        ),
        sa.ForeignKeyConstraint(
            ["seller_enterprise_id"],
            ["enterprise.id"],
            name=op.f("fk_tech_contract_seller_enterprise_id_enterprise"),
        ),
        sa.ForeignKeyConstraint(
            ["seller_institution_id"],
            ["institution.id"],
            name=op.f("fk_tech_contract_seller_institution_id_institution"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_tech_contract")),
        sa.UniqueConstraint("contract_no", name=op.f("uq_tech_contract_contract_no")),
    )
    with op.batch_alter_table("tech_contract", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_tech_contract_seller_enterprise_id"), ["seller_enterprise_id"], unique=False
        )
        batch_op.create_index(
            batch_op.f("ix_tech_contract_seller_institution_id"), ["seller_institution_id"], unique=False
        )

    # ### end Alembic commands ###
    op.execute(CURRENT_VIEW)


def downgrade() -> None:
    op.execute("DROP VIEW IF EXISTS panel_current")
    # ### commands auto generated by Alembic - please adjust! ###
    with op.batch_alter_table("tech_contract", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_tech_contract_seller_institution_id"))
        batch_op.drop_index(batch_op.f("ix_tech_contract_seller_enterprise_id"))

    op.drop_table("tech_contract")
    with op.batch_alter_table("achievement_inventor", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_achievement_inventor_achievement_id"))

    op.drop_table("achievement_inventor")
    with op.batch_alter_table("quarantined_row", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_quarantined_row_batch_id"))

    op.drop_table("quarantined_row")
    with op.batch_alter_table("qualification", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_qualification_kind"))
        batch_op.drop_index(batch_op.f("ix_qualification_enterprise_id"))

    op.drop_table("qualification")
    with op.batch_alter_table("pilot_service", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_pilot_service_base_id"))

    op.drop_table("pilot_service")
    with op.batch_alter_table("negative_record", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_negative_record_enterprise_id"))

    op.drop_table("negative_record")
    with op.batch_alter_table("loan", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_loan_enterprise_id"))
        batch_op.drop_index(batch_op.f("ix_loan_bank_id"))

    op.drop_table("loan")
    with op.batch_alter_table("panel_revision", schema=None) as batch_op:
        batch_op.drop_index("ix_panel_revision_key")
        batch_op.drop_index(batch_op.f("ix_panel_revision_batch_id"))

    op.drop_table("panel_revision")
    op.drop_table("expert")
    with op.batch_alter_table("demand", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_demand_enterprise_id"))

    op.drop_table("demand")
    with op.batch_alter_table("achievement", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_achievement_institution_id"))
        batch_op.drop_index(batch_op.f("ix_achievement_cluster_id"))

    op.drop_table("achievement")
    op.drop_table("pilot_base")
    op.drop_table("institution")
    with op.batch_alter_table("import_batch", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_import_batch_file_sha256"))

    op.drop_table("import_batch")
    with op.batch_alter_table("enterprise", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_enterprise_park_id"))
        batch_op.drop_index(batch_op.f("ix_enterprise_name"))
        batch_op.drop_index(batch_op.f("ix_enterprise_district_code"))
        batch_op.drop_index(batch_op.f("ix_enterprise_cluster_id"))

    op.drop_table("enterprise")
    op.drop_table("broker")
    op.drop_table("bank")
    # ### end Alembic commands ###
