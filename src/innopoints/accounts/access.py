"""Role and data-scope checks, used by every service the web layer calls.

Two kinds of check:
- capabilities (``require(principal, "round.run")``): which roles may use a function at all;
- data scope (``enterprise_scope_clause`` for lists, ``require_enterprise_read`` for one firm): an officer sees
  their district or park, an enterprise user their own firm, a bank officer the firms with a live consent to
  their bank, an admin everything. A single-firm read by anyone but the firm itself is written to the audit log.
"""

from __future__ import annotations

from datetime import datetime

import sqlalchemy as sa
from sqlalchemy.orm import Session

from innopoints.accounts import audit
from innopoints.accounts.clock import utcnow
from innopoints.accounts.consent import consenting_enterprise_ids, live_scope
from innopoints.accounts.errors import AccessDenied
from innopoints.accounts.principal import Principal
from innopoints.accounts.roles import Role
from innopoints.adapters.db.tables import Enterprise

ADMIN, OFFICER, FIRM, BANK = Role.ADMIN, Role.OFFICER, Role.ENTERPRISE, Role.BANK
EVERYONE = frozenset(Role)

# capability -> roles allowed (data scope is checked separately)
CAPABILITIES: dict[str, frozenset[Role]] = {
    "enterprise.list": frozenset({ADMIN, OFFICER, BANK}),
    "enterprise.export": frozenset({ADMIN, OFFICER, BANK}),
    "dashboard.view": frozenset({ADMIN, OFFICER}),
    "round.view": frozenset({ADMIN, OFFICER}),
    "round.run": frozenset({ADMIN}),
    "rulebook.view": EVERYONE,
    "pool.view": frozenset({ADMIN, OFFICER}),
    "pool.edit": frozenset({ADMIN, OFFICER}),
    "targets.view": frozenset({ADMIN, OFFICER}),
    "targets.edit": frozenset({ADMIN}),
    "policy.view": frozenset({ADMIN, OFFICER, FIRM}),
    "potential.view": frozenset({ADMIN, OFFICER}),
    "import.run": frozenset({ADMIN}),
    "users.manage": frozenset({ADMIN}),
    "demo.reset": frozenset({ADMIN}),
    "audit.view_all": frozenset({ADMIN}),
    "corrections.submit": frozenset({FIRM}),
    "corrections.review": frozenset({ADMIN, OFFICER}),
    "consent.manage": frozenset({FIRM}),
    "self.view": frozenset({FIRM}),
    # issue 5, access of the existing profile / policy routes (data scope checked separately)
    "profile.view": frozenset({ADMIN, OFFICER, FIRM, BANK}),
    "profile.what_if": frozenset({ADMIN, OFFICER, FIRM}),
    "policy.library": EVERYONE,
    "policy.eligible": frozenset({ADMIN, OFFICER}),
    # issue 7, 成果转化 (transfer/access.py; data scope checked there): route-level capabilities
    "transfer.view": frozenset(Role) - {BANK},
    "transfer.firm.act": frozenset({FIRM}),
    "transfer.demand.view": frozenset({ADMIN, OFFICER, FIRM, Role.BROKER}),
    "transfer.order.view": frozenset({ADMIN, OFFICER, FIRM, Role.PILOT_BASE}),
    "transfer.order.act": frozenset({ADMIN, FIRM, Role.PILOT_BASE}),
    "transfer.base.work": frozenset({ADMIN, Role.PILOT_BASE}),
    "transfer.institution.act": frozenset({Role.INSTITUTION}),
    "transfer.interest.view": frozenset({ADMIN, OFFICER, Role.INSTITUTION}),
    "transfer.contract.view": frozenset({ADMIN, OFFICER, FIRM, Role.INSTITUTION, Role.BROKER}),
    "transfer.contract.register": frozenset({ADMIN, OFFICER, FIRM, Role.INSTITUTION}),
    "transfer.contract.decide": frozenset({ADMIN, OFFICER}),
    "transfer.revenue.view": frozenset({ADMIN, OFFICER, Role.INSTITUTION}),
    "transfer.pipeline.work": frozenset({ADMIN, Role.BROKER}),
    "transfer.demand.route": frozenset({ADMIN, OFFICER, FIRM}),
    "transfer.stats.view": frozenset({ADMIN, OFFICER}),
    "transfer.challenge.manage": frozenset({ADMIN, OFFICER}),
    "transfer.challenge.apply": frozenset({FIRM, Role.INSTITUTION}),
    "transfer.challenge.choose": frozenset({ADMIN, OFFICER, FIRM}),
    "transfer.staff": frozenset({ADMIN, OFFICER}),
    # issue 6, 科技金融 (finance/access.py checks consent and data scope): route-level capabilities
    "finance.products": EVERYONE,
    "finance.bank": frozenset({ADMIN, BANK}),
    "finance.firms": frozenset({ADMIN, OFFICER, BANK}),
    "finance.self": frozenset({FIRM}),
    "finance.loans.view": frozenset({ADMIN, OFFICER, FIRM, BANK}),
    "finance.loans.apply": frozenset({ADMIN, FIRM, BANK}),
    "finance.loans.act": frozenset({ADMIN, FIRM, BANK}),
    "finance.claims.submit": frozenset({ADMIN, BANK}),
    "finance.claims.view": frozenset({ADMIN, OFFICER, BANK}),
    "finance.claims.decide": frozenset({ADMIN, OFFICER}),
    "finance.stats": frozenset({ADMIN, OFFICER}),
}

ROLE_DENIED_MESSAGE = "当前角色（{role}）无权使用此功能"


def allowed(principal: Principal, capability: str) -> bool:
    return principal.role in CAPABILITIES[capability]


def require(principal: Principal, capability: str) -> None:
    if not allowed(principal, capability):
        raise AccessDenied(ROLE_DENIED_MESSAGE.format(role=principal.role_label))


def enterprise_scope_clause(
    principal: Principal, now: datetime | None = None, part: str | None = None
) -> sa.ColumnElement[bool]:
    """SQL condition on ``Enterprise`` selecting exactly the firms this principal may see.

    ``part`` matters for banks only: with it, a firm counts when its live consent covers that part
    (``points``, ``profile`` or ``financials``) — a list showing revenue needs ``financials``."""
    role = principal.role
    if role is Role.ADMIN:
        return sa.true()
    if role is Role.OFFICER:
        if principal.district_code:
            return Enterprise.district_code == principal.district_code
        if principal.park_id:
            return Enterprise.park_id == principal.park_id
        return sa.false()
    if role is Role.ENTERPRISE and principal.enterprise_id is not None:
        return Enterprise.id == principal.enterprise_id
    if role is Role.BANK and principal.bank_id is not None:
        return Enterprise.id.in_(consenting_enterprise_ids(principal.bank_id, now or utcnow(), part))
    return sa.false()


def scope_description(principal: Principal) -> str:
    """The principal's data scope in words, for page headers and audit details."""
    if principal.role is Role.ADMIN:
        return "全市"
    if principal.role is Role.OFFICER:
        return f"区县 {principal.district_code}" if principal.district_code else f"园区 {principal.park_id}"
    if principal.role is Role.ENTERPRISE:
        return "本企业"
    if principal.role is Role.BANK:
        return "已授权本行的企业"
    return "无企业数据"


def can_read_enterprise(
    session: Session,
    principal: Principal,
    enterprise: Enterprise,
    part: str = "profile",
    now: datetime | None = None,
) -> bool:
    role = principal.role
    if role is Role.ADMIN:
        return True
    if role is Role.OFFICER:
        if principal.district_code:
            return enterprise.district_code == principal.district_code
        return principal.park_id is not None and enterprise.park_id == principal.park_id
    if role is Role.ENTERPRISE:
        return principal.enterprise_id == enterprise.id
    if role is Role.BANK and principal.bank_id is not None:
        return part in live_scope(session, principal.bank_id, enterprise.id, now)
    return False


def require_enterprise_read(
    session: Session,
    principal: Principal,
    enterprise: Enterprise,
    *,
    action: str,
    channel: str,
    path: str,
    part: str = "profile",
    detail: str = "",
    now: datetime | None = None,
) -> None:
    """Raise ``AccessDenied`` unless the principal may read this part of the firm's data; audit the read.

    ``part`` matters for banks, whose consent names what they may see: ``points``, ``profile`` or ``financials``.
    """
    now = now or utcnow()
    if not can_read_enterprise(session, principal, enterprise, part, now):
        if principal.role is Role.BANK:
            raise AccessDenied("该企业未向本行授权（或授权已撤销、已过期），无权查看其数据")
        raise AccessDenied("该企业不在您的数据范围内")
    audit.record(
        session,
        principal,
        action,
        enterprise_id=enterprise.id,
        channel=channel,
        path=path,
        detail=detail,
        now=now,
    )
