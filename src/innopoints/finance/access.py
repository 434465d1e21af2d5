"""Who may see and do what in finance, on top of :mod:`innopoints.accounts.access`.

* A **bank** sees a firm only while the firm's consent to that bank is live (checked against ``now`` on
  every call, so revocation and expiry act at once), and only the parts the consent names; its loans and
  claims are its own, and only for consenting firms.
* A **firm** sees itself, its applications and consents; it applies for itself and withdraws its own.
* An **officer** sees firms and loans of their district or park; an **admin** everything.
* Every read of a firm's data by someone else is audited (one event per firm, lists and exports included).

The CLI acts as :data:`SYSTEM` (an administrator without an account row; its reads are audited with no
user id).
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime

import sqlalchemy as sa
from sqlalchemy.orm import Session

from innopoints.accounts import audit
from innopoints.accounts.access import enterprise_scope_clause, require_enterprise_read
from innopoints.accounts.consent import CONSENT_SCOPES, consenting_enterprise_ids, live_scope
from innopoints.accounts.context import Actor
from innopoints.accounts.errors import AccessDenied
from innopoints.accounts.principal import Principal
from innopoints.accounts.roles import Role
from innopoints.adapters.db.accounts_tables import AuditEvent
from innopoints.adapters.db.tables import Enterprise, Loan

SYSTEM = Principal(user_id=0, username="cli", display_name="命令行（管理员）", role=Role.ADMIN)
NO_CONSENT = "该企业未向本行授权（或授权已撤销、已过期），无权查看其数据"
EVALUATION_PARTS = ("points", "profile", "financials")


def cli_actor(command: str) -> Actor:
    return Actor(SYSTEM, "cli", command)


def require_roles(principal: Principal, what: str, *roles: Role) -> None:
    if principal.is_admin or principal.role in roles:
        return
    raise AccessDenied(f"当前角色（{principal.role_label}）无权{what}")


def bank_id_of(principal: Principal) -> int:
    if principal.role is not Role.BANK or principal.bank_id is None:
        raise AccessDenied(f"当前角色（{principal.role_label}）不是银行用户")
    return principal.bank_id


def _system_record(
    session: Session, actor: Actor, action: str, ids: Iterable[int], detail: str, now: datetime
) -> None:
    rows = [
        {
            "at": now,
            "user_id": None,
            "actor": f"{SYSTEM.display_name}（{SYSTEM.username}）",
            "role": SYSTEM.role.value,
            "action": action,
            "enterprise_id": firm,
            "channel": actor.channel,
            "path": actor.path[:300],
            "detail": detail,
        }
        for firm in ids
    ]
    if rows:
        session.execute(sa.insert(AuditEvent), rows)


def audit_many(
    session: Session, actor: Actor, action: str, ids: list[int], detail: str, now: datetime
) -> None:
    if actor.principal.user_id == SYSTEM.user_id:
        _system_record(session, actor, action, ids, detail, now)
        return
    audit.record_many(
        session, actor.principal, action, ids, channel=actor.channel, path=actor.path, detail=detail, now=now
    )


def require_firm(
    session: Session,
    actor: Actor,
    firm: Enterprise,
    *,
    action: str,
    parts: tuple[str, ...] = ("profile",),
    detail: str = "",
    now: datetime,
) -> None:
    """Raise ``AccessDenied`` unless the actor may read these parts of the firm's data; audit the read."""
    principal = actor.principal
    if principal.role is Role.BANK:
        scope = live_scope(session, bank_id_of(principal), firm.id, now)
        if not scope:
            raise AccessDenied(NO_CONSENT)
        lacking = [CONSENT_SCOPES[p] for p in parts if p not in scope]
        if lacking:
            raise AccessDenied(f"该企业授予本行的数据范围不含：{'、'.join(lacking)}")
    if principal.user_id == SYSTEM.user_id:
        _system_record(session, actor, action, [firm.id], detail, now)
        return
    require_enterprise_read(
        session,
        principal,
        firm,
        action=action,
        channel=actor.channel,
        path=actor.path,
        part=parts[0],
        detail=detail,
        now=now,
    )


def firm_clause(principal: Principal, now: datetime) -> sa.ColumnElement[bool]:
    """Condition on ``Enterprise``: the firms this principal may see (banks: live consents only)."""
    return enterprise_scope_clause(principal, now)


def loan_clause(principal: Principal, now: datetime) -> sa.ColumnElement[bool]:
    """Condition on ``Loan`` (joined with ``Enterprise``): the loans this principal may see."""
    role = principal.role
    if role is Role.ADMIN:
        return sa.true()
    if role is Role.BANK and principal.bank_id is not None:
        return sa.and_(
            Loan.bank_id == principal.bank_id,
            Loan.enterprise_id.in_(consenting_enterprise_ids(principal.bank_id, now)),
        )
    if role is Role.ENTERPRISE and principal.enterprise_id is not None:
        return Loan.enterprise_id == principal.enterprise_id
    if role is Role.OFFICER:
        return enterprise_scope_clause(principal, now)
    return sa.false()
