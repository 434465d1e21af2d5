"""成果转化 workflow tables (migration 0007): broker assignments and ratings, broker cases, pilot-service
orders, the 卡脖子 challenge list (scores, applications), firm interest in achievements, revenue shares of
contracts and 科技特派员 pairings. The entity tables (institution, achievement, demand, expert, broker,
pilot_base, pilot_service, tech_contract) are in ``tables.py``. Money is integer fen; state ids are ascii
(Chinese names in ``innopoints.transfer.states``).
"""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import (
    BigInteger,
    Boolean,
    Date,
    DateTime,
    ForeignKey,
    Index,
    Integer,
    SmallInteger,
    String,
    Text,
    UniqueConstraint,
)
from sqlalchemy.orm import Mapped, mapped_column

from innopoints.adapters.db.tables import Base


class BrokerAssignment(Base):
    """A demand routed to a broker; stage 对接 → 洽谈 → 签约 (or 终止)."""

    __tablename__ = "broker_assignment"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    demand_id: Mapped[int] = mapped_column(ForeignKey("demand.id"), nullable=False, index=True)
    broker_id: Mapped[int] = mapped_column(ForeignKey("broker.id"), nullable=False)
    stage: Mapped[str] = mapped_column(String(20), nullable=False)
    routed_by: Mapped[str] = mapped_column(String(20), nullable=False)  # auto / manual
    routing_reason: Mapped[str] = mapped_column(String(300), nullable=False, default="")
    assigned_on: Mapped[date] = mapped_column(Date, nullable=False)
    stage_changed_on: Mapped[date] = mapped_column(Date, nullable=False)
    achievement_id: Mapped[int | None] = mapped_column(ForeignKey("achievement.id"))
    contract_id: Mapped[int | None] = mapped_column(ForeignKey("tech_contract.id"))
    end_reason: Mapped[str | None] = mapped_column(String(300))
    is_synthetic: Mapped[bool] = mapped_column(Boolean, nullable=False, default=False)

    __table_args__ = (Index("ix_broker_assignment_broker_stage", "broker_id", "stage"),)


class BrokerRating(Base):
    """The demand's firm rates the broker (1–5) once an assignment is signed or terminated."""

    __tablename__ = "broker_rating"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    assignment_id: Mapped[int] = mapped_column(
        ForeignKey("broker_assignment.id"), nullable=False, unique=True
    )
    broker_id: Mapped[int] = mapped_column(ForeignKey("broker.id"), nullable=False, index=True)
    score: Mapped[int] = mapped_column(SmallInteger, nullable=False)
    comment: Mapped[str] = mapped_column(Text, nullable=False, default="")
    rated_on: Mapped[date] = mapped_column(Date, nullable=False)
    is_synthetic: Mapped[bool] = mapped_column(Boolean, nullable=False, default=False)


class BrokerCase(Base):
    """A representative case (代表性案例) on a broker's profile; linked to a contract when on the platform."""

    __tablename__ = "broker_case"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    broker_id: Mapped[int] = mapped_column(ForeignKey("broker.id"), nullable=False, index=True)
    title: Mapped[str] = mapped_column(String(300), nullable=False)
    cluster_id: Mapped[str] = mapped_column(String(40), nullable=False)
    year: Mapped[int] = mapped_column(SmallInteger, nullable=False)
    amount_fen: Mapped[int | None] = mapped_column(BigInteger)
    contract_id: Mapped[int | None] = mapped_column(ForeignKey("tech_contract.id"))
    is_synthetic: Mapped[bool] = mapped_column(Boolean, nullable=False, default=False)


class ServiceOrder(Base):
    """A firm orders a menu item of a pilot base (订单式需求 + 菜单式服务)."""

    __tablename__ = "service_order"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    service_id: Mapped[int] = mapped_column(ForeignKey("pilot_service.id"), nullable=False)
    base_id: Mapped[int] = mapped_column(ForeignKey("pilot_base.id"), nullable=False, index=True)
    enterprise_id: Mapped[int] = mapped_column(ForeignKey("enterprise.id"), nullable=False, index=True)
    demand_id: Mapped[int | None] = mapped_column(ForeignKey("demand.id"))
    status: Mapped[str] = mapped_column(String(20), nullable=False)
    price_fen: Mapped[int] = mapped_column(BigInteger, nullable=False)
    ordered_on: Mapped[date] = mapped_column(Date, nullable=False)
    accepted_on: Mapped[date | None] = mapped_column(Date)
    started_on: Mapped[date | None] = mapped_column(Date)
    delivered_on: Mapped[date | None] = mapped_column(Date)
    note: Mapped[str] = mapped_column(Text, nullable=False, default="")
    delivery_note: Mapped[str | None] = mapped_column(Text)
    reason: Mapped[str | None] = mapped_column(String(300))  # rejection / cancellation reason
    is_synthetic: Mapped[bool] = mapped_column(Boolean, nullable=False, default=False)

    __table_args__ = (Index("ix_service_order_service_status", "service_id", "status"),)


class Challenge(Base):
    """A "卡脖子" problem submitted by a firm; scored by experts; selected ones become open tasks (揭榜挂帅)."""

    __tablename__ = "challenge"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    enterprise_id: Mapped[int] = mapped_column(ForeignKey("enterprise.id"), nullable=False, index=True)
    title: Mapped[str] = mapped_column(String(300), nullable=False)
    description: Mapped[str] = mapped_column(Text, nullable=False)
    indicators: Mapped[str] = mapped_column(Text, nullable=False, default="")
    cluster_id: Mapped[str] = mapped_column(String(40), nullable=False)
    budget_fen: Mapped[int] = mapped_column(BigInteger, nullable=False)
    status: Mapped[str] = mapped_column(String(20), nullable=False, index=True)
    submitted_on: Mapped[date] = mapped_column(Date, nullable=False)
    decided_on: Mapped[date | None] = mapped_column(Date)
    published_on: Mapped[date | None] = mapped_column(Date)
    apply_deadline: Mapped[date | None] = mapped_column(Date)
    awarded_on: Mapped[date | None] = mapped_column(Date)
    closed_on: Mapped[date | None] = mapped_column(Date)
    reason: Mapped[str | None] = mapped_column(String(300))
    is_synthetic: Mapped[bool] = mapped_column(Boolean, nullable=False, default=False)


class ChallengeScore(Base):
    __tablename__ = "challenge_score"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    challenge_id: Mapped[int] = mapped_column(ForeignKey("challenge.id"), nullable=False)
    expert_id: Mapped[int] = mapped_column(ForeignKey("expert.id"), nullable=False)
    score: Mapped[int] = mapped_column(SmallInteger, nullable=False)
    comment: Mapped[str] = mapped_column(Text, nullable=False, default="")
    scored_on: Mapped[date] = mapped_column(Date, nullable=False)
    is_synthetic: Mapped[bool] = mapped_column(Boolean, nullable=False, default=False)

    __table_args__ = (
        UniqueConstraint("challenge_id", "expert_id", name="uq_challenge_score_challenge_expert"),
    )


class ChallengeApplication(Base):
    """A team applies for a published task (揭榜); exactly one is chosen."""

    __tablename__ = "challenge_application"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    challenge_id: Mapped[int] = mapped_column(ForeignKey("challenge.id"), nullable=False, index=True)
    team_name: Mapped[str] = mapped_column(String(200), nullable=False)
    lead_institution_id: Mapped[int | None] = mapped_column(ForeignKey("institution.id"))
    lead_enterprise_id: Mapped[int | None] = mapped_column(ForeignKey("enterprise.id"))
    plan: Mapped[str] = mapped_column(Text, nullable=False)
    quote_fen: Mapped[int] = mapped_column(BigInteger, nullable=False)
    status: Mapped[str] = mapped_column(String(20), nullable=False)
    applied_on: Mapped[date] = mapped_column(Date, nullable=False)
    is_synthetic: Mapped[bool] = mapped_column(Boolean, nullable=False, default=False)


class AchievementInterest(Base):
    """A firm says it is interested in an achievement (institutions see these as interested firms)."""

    __tablename__ = "achievement_interest"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    achievement_id: Mapped[int] = mapped_column(ForeignKey("achievement.id"), nullable=False, index=True)
    enterprise_id: Mapped[int] = mapped_column(ForeignKey("enterprise.id"), nullable=False, index=True)
    demand_id: Mapped[int | None] = mapped_column(ForeignKey("demand.id"))
    note: Mapped[str] = mapped_column(Text, nullable=False, default="")
    created_on: Mapped[date] = mapped_column(Date, nullable=False)
    is_synthetic: Mapped[bool] = mapped_column(Boolean, nullable=False, default=False)

    __table_args__ = (
        UniqueConstraint("achievement_id", "enterprise_id", name="uq_achievement_interest_achievement_firm"),
    )


class RevenueShare(Base):
    """One party's share of a contract's transformation income; the rows of a contract sum to income_fen."""

    __tablename__ = "revenue_share"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    contract_id: Mapped[int] = mapped_column(ForeignKey("tech_contract.id"), nullable=False, index=True)
    party_kind: Mapped[str] = mapped_column(String(20), nullable=False)  # institution / inventor
    party_name: Mapped[str] = mapped_column(String(200), nullable=False)
    inventor_id: Mapped[int | None] = mapped_column(ForeignKey("achievement_inventor.id"))
    fraction: Mapped[str] = mapped_column(String(40), nullable=False)  # exact share of the income, "p/q"
    amount_fen: Mapped[int] = mapped_column(BigInteger, nullable=False)
    income_fen: Mapped[int] = mapped_column(BigInteger, nullable=False)
    inventor_rate: Mapped[str] = mapped_column(String(12), nullable=False)
    policy: Mapped[str] = mapped_column(String(300), nullable=False)
    computed_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), nullable=False)


class CommissionerPairing(Base):
    """科技特派员 one-to-one: an expert serving one firm (at most one open pairing each side)."""

    __tablename__ = "commissioner_pairing"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    expert_id: Mapped[int] = mapped_column(ForeignKey("expert.id"), nullable=False, index=True)
    enterprise_id: Mapped[int] = mapped_column(ForeignKey("enterprise.id"), nullable=False, index=True)
    started_on: Mapped[date] = mapped_column(Date, nullable=False)
    ended_on: Mapped[date | None] = mapped_column(Date)
    note: Mapped[str] = mapped_column(Text, nullable=False, default="")
    is_synthetic: Mapped[bool] = mapped_column(Boolean, nullable=False, default=False)
