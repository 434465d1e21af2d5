"""Risk-compensation claims (风险补偿): on a defaulted loan the lending bank claims the product's share of
the outstanding principal; the science and technology bureau (admin, or the firm's district officer)
approves or rejects it and records the payment.

Amounts are integer fen: ``claimed = floor(outstanding × share_bp / 10000)``. One claim per loan.
"""

from __future__ import annotations

import datetime as dt

import sqlalchemy as sa
from sqlalchemy.orm import Session
from sqlalchemy.orm.exc import StaleDataError

from innopoints.accounts.consent import live_scope
from innopoints.accounts.context import Actor
from innopoints.accounts.errors import AccessDenied
from innopoints.accounts.roles import Role
from innopoints.adapters.db.finance_tables import RiskCompensationClaim
from innopoints.adapters.db.tables import Enterprise, Loan
from innopoints.errors import NotFound, UserError
from innopoints.finance.access import require_roles
from innopoints.finance.lifecycle import state_zh
from innopoints.finance.loans import LoanConflict
from innopoints.finance.money import wan_text
from innopoints.finance.products import get_product

CLAIM_STATES = {"submitted": "已提交", "approved": "已核准", "rejected": "已驳回", "paid": "已拨付"}


def claim_amount(outstanding_fen: int, share_bp: int) -> int:
    """The compensation in fen, rounded down (never more than the share)."""
    return outstanding_fen * share_bp // 10_000


def submit_claim(
    session: Session, actor: Actor, loan_id: int, *, outstanding_fen: int, on: dt.date, now: dt.datetime
) -> RiskCompensationClaim:
    loan = session.get(Loan, loan_id)
    if loan is None:
        raise NotFound(f"贷款 #{loan_id} 不存在")
    p = actor.principal
    if not p.is_admin:
        if p.role is not Role.BANK or p.bank_id != loan.bank_id:
            raise AccessDenied("只有放贷银行可以申请风险补偿")
        if not live_scope(session, loan.bank_id, loan.enterprise_id, now):
            raise AccessDenied("该企业未向本行授权（或授权已撤销、已过期），无权处理其贷款")
    if loan.status != "defaulted":
        raise UserError(
            f"贷款 #{loan_id} 当前状态为“{state_zh(loan.status)}”，只有“违约”的贷款可以申请风险补偿"
        )
    if loan.defaulted_on is not None and on < loan.defaulted_on:
        raise UserError(f"申请日期 {on.isoformat()} 早于违约认定日期 {loan.defaulted_on.isoformat()}")
    if not 0 < outstanding_fen <= loan.amount_fen:
        raise UserError(f"未偿本金须大于 0 且不超过贷款金额 {wan_text(loan.amount_fen)}")
    share = get_product(loan.product_id).meta.risk_compensation_share
    if share is None or share == 0:
        raise UserError("该产品无风险补偿安排")
    existing = session.scalar(
        sa.select(RiskCompensationClaim.id).where(RiskCompensationClaim.loan_id == loan_id)
    )
    if existing is not None:
        raise UserError(f"贷款 #{loan_id} 已提交风险补偿申请 #{existing}")
    share_bp = int(share * 10_000)
    claim = RiskCompensationClaim(
        loan_id=loan.id,
        bank_id=loan.bank_id,
        outstanding_fen=outstanding_fen,
        share_bp=share_bp,
        claimed_fen=claim_amount(outstanding_fen, share_bp),
        status="submitted",
        submitted_on=on,
        submitted_by=p.user_id or None,
        is_synthetic=False,
    )
    session.add(claim)
    session.flush()
    return claim


_DECISIONS = {
    "approve": ("submitted", "approved"),
    "reject": ("submitted", "rejected"),
    "pay": ("approved", "paid"),
}
_DECISION_ZH = {"approve": "核准", "reject": "驳回", "pay": "拨付"}


def decide_claim(
    session: Session,
    actor: Actor,
    claim_id: int,
    decision: str,
    *,
    on: dt.date,
    now: dt.datetime,
    reason: str = "",
    expected_version: int | None = None,
) -> RiskCompensationClaim:
    """``approve`` / ``reject`` a submitted claim, or ``pay`` an approved one (admin, or the firm's officer)."""
    require_roles(actor.principal, "审核风险补偿", Role.OFFICER)
    if decision not in _DECISIONS:
        raise UserError(f"未知的审核结果“{decision}”，应为 approve（核准）、reject（驳回）或 pay（拨付）")
    claim = session.get(RiskCompensationClaim, claim_id)
    if claim is None:
        raise NotFound(f"风险补偿申请 #{claim_id} 不存在")
    p = actor.principal
    if p.role is Role.OFFICER:
        firm = session.scalar(
            sa.select(Enterprise)
            .join(Loan, Loan.enterprise_id == Enterprise.id)
            .where(Loan.id == claim.loan_id)
        )
        in_scope = firm is not None and (
            (p.district_code is not None and firm.district_code == p.district_code)
            or (p.park_id is not None and firm.park_id == p.park_id)
        )
        if not in_scope:
            raise AccessDenied("该企业不在您的数据范围内")
    if expected_version is not None and expected_version != claim.version:
        raise LoanConflict(f"风险补偿申请 #{claim_id} 已被他人处理，请刷新后重试")
    source, target = _DECISIONS[decision]
    if claim.status != source:
        raise UserError(
            f"风险补偿申请 #{claim_id} 当前为“{CLAIM_STATES[claim.status]}”，只有“{CLAIM_STATES[source]}”的申请可以{_DECISION_ZH[decision]}"
        )
    reason = reason.strip()
    if decision == "reject" and not reason:
        raise UserError("驳回须填写原因")
    if on < claim.submitted_on:
        raise UserError(f"审核日期 {on.isoformat()} 早于申请日期 {claim.submitted_on.isoformat()}")
    claim.status = target
    if decision == "pay":
        claim.paid_on = on
    else:
        claim.decided_on, claim.decided_by, claim.decision_reason = on, p.user_id or None, reason or None
    try:
        session.flush()
    except StaleDataError:
        raise LoanConflict(f"风险补偿申请 #{claim_id} 已被他人同时处理，请刷新后重试") from None
    return claim
