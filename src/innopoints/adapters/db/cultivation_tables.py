"""The cultivation pool (培育库): screenings per scoring round, the APPEND-ONLY pool event history,
alerts, officer / 科技特派员 assignments and follow-up records.

Created by migration 0003_cultivation_pool. There is no mutable "status" column anywhere: a firm's pool
membership and tier at any screened round are derived by replaying ``pool_event`` (see
``innopoints.cultivation.history``).
"""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import (
    BigInteger,
    Date,
    DateTime,
    ForeignKey,
    Index,
    Integer,
    SmallInteger,
    String,
    Text,
    text,
)
from sqlalchemy.orm import Mapped, mapped_column

from innopoints.adapters.db.tables import Base

_BIG_ID = BigInteger().with_variant(Integer, "sqlite")
_ACTIVE_COMMISSIONER = "ended_on IS NULL AND role = 'commissioner'"


class PoolScreening(Base):
    """One screening of one scoring round (a round is screened once; re-runs only append corrections)."""

    __tablename__ = "pool_screening"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    round_id: Mapped[int] = mapped_column(ForeignKey("scoring_round.id"), nullable=False, unique=True)
    year: Mapped[int] = mapped_column(SmallInteger, nullable=False)
    rulebook_hash: Mapped[str] = mapped_column(String(64), nullable=False)
    screened_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), nullable=False)
    firms: Mapped[int] = mapped_column(Integer, nullable=False)
    members: Mapped[int] = mapped_column(Integer, nullable=False)


class PoolEvent(Base):
    """入库 enter / 升级 promote / 降级 demote / 出库 exit — never updated, never deleted."""

    __tablename__ = "pool_event"

    id: Mapped[int] = mapped_column(_BIG_ID, primary_key=True)
    round_id: Mapped[int] = mapped_column(ForeignKey("scoring_round.id"), nullable=False)
    uscc: Mapped[str] = mapped_column(String(18), nullable=False)
    kind: Mapped[str] = mapped_column(String(10), nullable=False)
    tier_from: Mapped[str | None] = mapped_column(String(20))
    tier_to: Mapped[str | None] = mapped_column(String(20))
    programs: Mapped[str] = mapped_column(
        String(300), nullable=False
    )  # matched screening rules, comma-separated
    rule_id: Mapped[str] = mapped_column(String(60), nullable=False)
    reference: Mapped[str] = mapped_column(Text, nullable=False)
    reason_zh: Mapped[str] = mapped_column(Text, nullable=False)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), nullable=False)

    __table_args__ = (
        Index("ix_pool_event_uscc", "uscc", "id"),
        Index("ix_pool_event_round", "round_id"),
    )


class PoolAlert(Base):
    """A firm crossed a threshold between two screened rounds (one row per round × firm × alert rule)."""

    __tablename__ = "pool_alert"

    id: Mapped[int] = mapped_column(_BIG_ID, primary_key=True)
    round_id: Mapped[int] = mapped_column(ForeignKey("scoring_round.id"), nullable=False)
    prev_round_id: Mapped[int] = mapped_column(ForeignKey("scoring_round.id"), nullable=False)
    uscc: Mapped[str] = mapped_column(String(18), nullable=False)
    rule_id: Mapped[str] = mapped_column(String(60), nullable=False)
    metric: Mapped[str] = mapped_column(String(40), nullable=False)
    value_from: Mapped[int | None] = mapped_column(BigInteger)
    value_to: Mapped[int | None] = mapped_column(BigInteger)
    threshold: Mapped[int] = mapped_column(BigInteger, nullable=False)
    message_zh: Mapped[str] = mapped_column(Text, nullable=False)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), nullable=False)

    __table_args__ = (Index("uq_pool_alert_key", "round_id", "uscc", "rule_id", unique=True),)


class PoolAssignment(Base):
    """A district officer (区县专员) or 科技特派员 serving a firm from ``started_on`` until ``ended_on``."""

    __tablename__ = "pool_assignment"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    uscc: Mapped[str] = mapped_column(String(18), nullable=False, index=True)
    role: Mapped[str] = mapped_column(String(20), nullable=False)  # officer / commissioner
    person_id: Mapped[str] = mapped_column(String(40), nullable=False)
    person_name: Mapped[str] = mapped_column(String(100), nullable=False)
    started_on: Mapped[date] = mapped_column(Date, nullable=False)
    ended_on: Mapped[date | None] = mapped_column(Date)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), nullable=False)

    __table_args__ = (
        # one active person per firm and role; a 科技特派员 serves at most one firm at a time
        Index(
            "uq_pool_assignment_firm_role_active",
            "uscc",
            "role",
            unique=True,
            sqlite_where=text("ended_on IS NULL"),
            postgresql_where=text("ended_on IS NULL"),
        ),
        Index(
            "uq_pool_assignment_commissioner_active",
            "person_id",
            unique=True,
            sqlite_where=text(_ACTIVE_COMMISSIONER),
            postgresql_where=text(_ACTIVE_COMMISSIONER),
        ),
    )


class PoolFollowUp(Base):
    """A dated follow-up record (visit, service delivered, outcome); append-only."""

    __tablename__ = "pool_follow_up"

    id: Mapped[int] = mapped_column(_BIG_ID, primary_key=True)
    uscc: Mapped[str] = mapped_column(String(18), nullable=False, index=True)
    assignment_id: Mapped[int | None] = mapped_column(ForeignKey("pool_assignment.id"))
    occurred_on: Mapped[date] = mapped_column(Date, nullable=False)
    kind: Mapped[str] = mapped_column(String(20), nullable=False)  # visit / service / outcome
    summary: Mapped[str] = mapped_column(Text, nullable=False)
    recorded_by: Mapped[str] = mapped_column(String(100), nullable=False)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), nullable=False)
