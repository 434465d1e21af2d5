"""enterprise list indexes: (district, cluster, name) and (park, cluster, name)

Revision ID: 0008
Revises: 0007
Create Date: 2026-11-27 22:40:00

The firm list filtered by district (or a district officer's scope) and cluster read every firm of the
district through the single-column index to test the cluster (浑南区: 9,603 rows, 12-15 ms for the count
and again for the page). The composite indexes answer the count from the index alone and give the page
its ids and names without touching the table; the same for a park officer's list by cluster.
"""

from __future__ import annotations

from alembic import op

revision = "0008"
down_revision = "0007"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_index(
        "ix_enterprise_district_cluster_name", "enterprise", ["district_code", "cluster_id", "name"]
    )
    op.create_index("ix_enterprise_park_cluster_name", "enterprise", ["park_id", "cluster_id", "name"])


def downgrade() -> None:
    op.drop_index("ix_enterprise_park_cluster_name", table_name="enterprise")
    op.drop_index("ix_enterprise_district_cluster_name", table_name="enterprise")
