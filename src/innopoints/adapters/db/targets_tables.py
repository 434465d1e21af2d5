"""Editable district allocation of the annual targets (目标分解), append-only.

Created by migration 0004_targets_allocation. Each row is one change: who set which district's
target of which indicator to what value, when and why. Rows are never updated or deleted; the current
allocation of a (year, indicator, district) is its latest row, else the default allocation of
``rulebook/<region>/targets_allocation_<year>.yaml``. Values are integers in the target's unit
(家/个/名; 元 for money).
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import BigInteger, DateTime, Index, Integer, SmallInteger, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from innopoints.adapters.db.tables import Base


class TargetAllocation(Base):
    __tablename__ = "target_allocation"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    year: Mapped[int] = mapped_column(SmallInteger, nullable=False)
    indicator: Mapped[str] = mapped_column(String(60), nullable=False)
    district_code: Mapped[str] = mapped_column(String(6), nullable=False)
    value: Mapped[int] = mapped_column(BigInteger, nullable=False)
    changed_by: Mapped[str] = mapped_column(String(80), nullable=False)
    changed_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), nullable=False)
    reason: Mapped[str] = mapped_column(Text, nullable=False)

    __table_args__ = (Index("ix_target_allocation_key", "year", "indicator", "district_code", "id"),)
