"""Reading loans: the pipeline (a bank's applications and loans, a firm's own, an officer's district) and one
loan with its history. Scoped by :func:`innopoints.finance.access.loan_clause`; every firm shown to someone
other than itself is audited."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import Any

import sqlalchemy as sa
from sqlalchemy.orm import Session

from innopoints.accounts.context import Actor
from innopoints.accounts.errors import AccessDenied
from innopoints.accounts.roles import Role
from innopoints.adapters.db.finance_tables import LoanEvent, RiskCompensationClaim
from innopoints.adapters.db.tables import Bank, Enterprise, Loan
from innopoints.errors import NotFound, UserError
from innopoints.finance.access import NO_CONSENT, audit_many, loan_clause, require_firm
from innopoints.finance.lifecycle import STATES, actions_from, state_zh
from innopoints.finance.money import rate_text, wan_text
from innopoints.finance.products import get_product

DATE_COLUMNS = (
    "applied_on",
    "reviewed_on",
    "decided_on",
    "withdrawn_on",
    "disbursed_on",
    "due_on",
    "overdue_on",
    "repaid_on",
    "defaulted_on",
)


@dataclass
class LoanView:
    id: int
    version: int
    status: str
    bank_id: int
    bank: str
    enterprise_id: int
    uscc: str
    firm: str
    district: str
    product_id: str
    product: str
    product_type: str
    amount_fen: int
    requested_fen: int | None
    suggested_fen: int | None
    rate_bp: int | None
    term_months: int | None
    origin: str
    dates: dict[str, dt.date | None]
    decision_reason: str | None
    actions: list[str]
    events: list[dict[str, Any]] = field(default_factory=list)
    claim: dict[str, Any] | None = None

    def as_dict(self) -> dict[str, Any]:
        out = {
            "id": self.id,
            "version": self.version,
            "status": self.status,
            "status_zh": state_zh(self.status),
            "bank": self.bank,
            "uscc": self.uscc,
            "firm": self.firm,
            "district": self.district,
            "product": self.product_id,
            "product_name": self.product,
            "product_type": self.product_type,
            "amount_fen": self.amount_fen,
            "amount": wan_text(self.amount_fen),
            "requested_fen": self.requested_fen,
            "suggested_fen": self.suggested_fen,
            "suggested": None if self.suggested_fen is None else wan_text(self.suggested_fen),
            "rate": rate_text(self.rate_bp),
            "term_months": self.term_months,
            "origin": self.origin,
            "dates": {k: (v.isoformat() if v else None) for k, v in self.dates.items()},
            "decision_reason": self.decision_reason,
            "actions": self.actions,
        }
        if self.events:
            out["events"] = self.events
        if self.claim is not None:
            out["claim"] = self.claim
        return out


def _product_name(product_id: str) -> str:
    try:
        return get_product(product_id).meta.name.zh
    except NotFound:
        return product_id


def _open_actions(actor: Actor, status: str) -> list[str]:
    p = actor.principal
    if p.is_admin:
        kind = None
    elif p.role is Role.BANK:
        kind = "bank"
    elif p.role is Role.ENTERPRISE:
        kind = "firm"
    else:
        return []
    return [a.id for a in actions_from(status, kind)]


def to_view(actor: Actor, loan: Loan, bank: str, firm: Enterprise) -> LoanView:
    return LoanView(
        id=loan.id,
        version=loan.version,
        status=loan.status,
        bank_id=loan.bank_id,
        bank=bank,
        enterprise_id=firm.id,
        uscc=firm.uscc,
        firm=firm.name,
        district=firm.district_code,
        product_id=loan.product_id,
        product=_product_name(loan.product_id),
        product_type=loan.product_type,
        amount_fen=loan.amount_fen,
        requested_fen=loan.requested_fen,
        suggested_fen=loan.suggested_fen,
        rate_bp=loan.rate_bp,
        term_months=loan.term_months,
        origin=loan.origin,
        dates={c: getattr(loan, c) for c in DATE_COLUMNS},
        decision_reason=loan.decision_reason,
        actions=_open_actions(actor, loan.status),
    )


def list_loans(
    session: Session,
    actor: Actor,
    *,
    now: dt.datetime,
    status: str | None = None,
    product_id: str | None = None,
    limit: int = 50,
    offset: int = 0,
) -> tuple[int, list[LoanView]]:
    """(total, one page) of the loans the actor may see, newest application first; the firms shown are audited."""
    if status is not None and status not in STATES:
        raise UserError(f"参数 status：未知状态“{status}”，应为 {'、'.join(STATES)}")
    where = [loan_clause(actor.principal, now)]
    if status is not None:
        where.append(Loan.status == status)
    if product_id is not None:
        where.append(Loan.product_id == product_id)
    base = sa.select(Loan, Bank.name, Enterprise).join(Bank, Bank.id == Loan.bank_id)
    base = base.join(Enterprise, Enterprise.id == Loan.enterprise_id).where(*where)
    total = session.scalar(sa.select(sa.func.count()).select_from(base.subquery())) or 0
    rows = session.execute(
        base.order_by(Loan.applied_on.desc(), Loan.id.desc()).limit(limit).offset(offset)
    ).all()
    views = [to_view(actor, loan, bank, firm) for loan, bank, firm in rows]
    audit_many(session, actor, "view_finance", sorted({v.enterprise_id for v in views}), "贷款列表", now)
    return total, views


def loan_detail(session: Session, actor: Actor, loan_id: int, *, now: dt.datetime) -> LoanView:
    row = session.execute(
        sa.select(Loan, Bank.name, Enterprise)
        .join(Bank, Bank.id == Loan.bank_id)
        .join(Enterprise, Enterprise.id == Loan.enterprise_id)
        .where(Loan.id == loan_id)
    ).first()
    if row is None:
        raise NotFound(f"贷款 #{loan_id} 不存在")
    loan, bank, firm = row
    visible = session.scalar(
        sa.select(sa.func.count())
        .select_from(Loan)
        .join(Enterprise, Enterprise.id == Loan.enterprise_id)
        .where(Loan.id == loan_id, loan_clause(actor.principal, now))
    )
    if not visible:
        p = actor.principal
        if p.role is Role.BANK and loan.bank_id == p.bank_id:
            raise AccessDenied(NO_CONSENT)
        raise AccessDenied(f"无权查看贷款 #{loan_id}")
    require_firm(
        session, actor, firm, action="view_finance", parts=("points",), detail=f"贷款 #{loan_id}", now=now
    )
    out = to_view(actor, loan, bank, firm)
    events = session.scalars(sa.select(LoanEvent).where(LoanEvent.loan_id == loan_id).order_by(LoanEvent.id))
    out.events = [
        {
            "from": e.from_status,
            "to": e.to_status,
            "to_zh": state_zh(e.to_status),
            "on": e.happened_on.isoformat(),
            "actor": e.actor,
            "reason": e.reason,
            "amount": None if e.amount_fen is None else wan_text(e.amount_fen),
        }
        for e in events
    ]
    claim = session.scalar(sa.select(RiskCompensationClaim).where(RiskCompensationClaim.loan_id == loan_id))
    if claim is not None:
        out.claim = {
            "id": claim.id,
            "status": claim.status,
            "claimed_fen": claim.claimed_fen,
            "claimed": wan_text(claim.claimed_fen),
            "share": f"{claim.share_bp / 100:.2f}%",
        }
    return out
