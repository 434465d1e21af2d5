"""Finance tables beside ``loan`` (adapters/db/tables.py): the loan's state history and risk-compensation
claims on defaulted loans. Created by migration 0006_finance. Money in integer fen; shares in basis points.

Importing this module also registers the tables that the columns added to ``loan`` by 0006 refer to
(``scoring_round``, ``user_account``), so a flush of a ``Loan`` can resolve its foreign keys.
"""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import BigInteger, Boolean, Date, DateTime, ForeignKey, Index, Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from innopoints.adapters.db import accounts_tables as _accounts  # noqa: F401  (user_account, named by loan FKs)
from innopoints.adapters.db import scoring_tables as _scoring  # noqa: F401  (scoring_round, named by loan.round_id)
from innopoints.adapters.db.tables import Base


class LoanEvent(Base):
    """One state change of a loan (append-only): who, when, from which state to which, and why."""

    __tablename__ = "loan_event"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    loan_id: Mapped[int] = mapped_column(ForeignKey("loan.id"), nullable=False)
    from_status: Mapped[str | None] = mapped_column(String(20))
    to_status: Mapped[str] = mapped_column(String(20), nullable=False)
    happened_on: Mapped[date] = mapped_column(Date, nullable=False)
    at: Mapped[datetime] = mapped_column(DateTime(timezone=True), nullable=False)
    user_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id"))
    actor: Mapped[str] = mapped_column(String(120), nullable=False)
    amount_fen: Mapped[int | None] = mapped_column(BigInteger)
    reason: Mapped[str] = mapped_column(Text, nullable=False, default="")
    is_synthetic: Mapped[bool] = mapped_column(Boolean, nullable=False, default=False)

    __table_args__ = (Index("ix_loan_event_loan", "loan_id", "id"),)


class RiskCompensationClaim(Base):
    """A bank's claim on the risk-compensation pool (风险补偿) for a defaulted loan: the product's share of
    the outstanding principal, reviewed by the science and technology bureau."""

    __tablename__ = "risk_compensation_claim"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    loan_id: Mapped[int] = mapped_column(ForeignKey("loan.id"), nullable=False, unique=True)
    bank_id: Mapped[int] = mapped_column(ForeignKey("bank.id"), nullable=False, index=True)
    outstanding_fen: Mapped[int] = mapped_column(BigInteger, nullable=False)
    share_bp: Mapped[int] = mapped_column(Integer, nullable=False)
    claimed_fen: Mapped[int] = mapped_column(BigInteger, nullable=False)
    status: Mapped[str] = mapped_column(String(12), nullable=False)  # submitted / approved / rejected / paid
    submitted_on: Mapped[date] = mapped_column(Date, nullable=False)
    decided_on: Mapped[date | None] = mapped_column(Date)
    paid_on: Mapped[date | None] = mapped_column(Date)
    decision_reason: Mapped[str | None] = mapped_column(Text)
    submitted_by: Mapped[int | None] = mapped_column(ForeignKey("user_account.id"))
    decided_by: Mapped[int | None] = mapped_column(ForeignKey("user_account.id"))
    version: Mapped[int] = mapped_column(Integer, nullable=False, default=1)
    is_synthetic: Mapped[bool] = mapped_column(Boolean, nullable=False, default=False)

    __mapper_args__ = {"version_id_col": version}  # noqa: RUF012
