"""Import every table module so that ``Base.metadata`` describes the whole schema.

Alembic's environment, the schema check test and the test fixtures' clean-up import this module; a new
``*_tables.py`` module is added here.
"""

from __future__ import annotations

from innopoints.adapters.db import (
    accounts_tables,
    cultivation_tables,
    finance_tables,
    scoring_tables,
    tables,
    targets_tables,
    transfer_tables,
)
from innopoints.adapters.db.tables import Base

TABLE_MODULES = (
    tables,
    accounts_tables,
    cultivation_tables,
    scoring_tables,
    targets_tables,
    transfer_tables,
    finance_tables,
)

__all__ = ["TABLE_MODULES", "Base"]
