"""The acting principal's view of the enterprise registry, for services that work by USCC.

``accounts.access`` decides (capabilities, the scope clause on ``Enterprise``, one firm's read with its audit
event); this module applies those decisions where a service holds codes rather than ``Enterprise`` rows:
one firm read by code (404 unknown, 403 out of scope, audited), the set of codes in scope to filter a frame or
a list, a SQL condition on a USCC column, and the audit of the firms shown on a list page or written to an
export. ``actor=None`` is a trusted internal caller (CLI, batch): no check, nothing audited.
"""

from __future__ import annotations

from collections.abc import Iterable

import sqlalchemy as sa
from sqlalchemy.orm import QueryableAttribute, Session

from innopoints.accounts import audit
from innopoints.accounts.access import enterprise_scope_clause, require, require_enterprise_read
from innopoints.accounts.context import Actor
from innopoints.accounts.principal import Principal
from innopoints.adapters.db.tables import Enterprise
from innopoints.errors import NotFound


def not_found(uscc: str) -> NotFound:
    return NotFound(f"未找到统一社会信用代码为“{uscc}”的企业 (enterprise not found)")


def check(actor: Actor | None, capability: str) -> None:
    """Role check (403) for a capability of ``accounts.access.CAPABILITIES``; no-op for internal callers."""
    if actor is not None:
        require(actor.principal, capability)


def read_firm(session: Session, actor: Actor | None, uscc: str, *, action: str, part: str = "profile") -> str:
    """The normalised code of a firm the actor may read (this ``part`` of its data); the read is audited.

    Unknown code: ``NotFound`` (404). Out of scope (other district, other firm, no live bank consent naming
    ``part``): ``AccessDenied`` (403). Reads by anyone but the firm itself are written to the audit log.
    """
    code = uscc.strip().upper()
    firm = session.scalar(sa.select(Enterprise).where(Enterprise.uscc == code))
    if firm is None:
        raise not_found(code)
    if actor is not None:
        require_enterprise_read(
            session, actor.principal, firm, action=action, channel=actor.channel, path=actor.path, part=part
        )
    return code


def scope_condition(principal: Principal) -> sa.ColumnElement[bool] | None:
    """The scope clause on ``Enterprise``; ``None`` for an admin (everything, no clause to add)."""
    return None if principal.is_admin else enterprise_scope_clause(principal)


def uscc_in_scope(
    actor: Actor | None, column: sa.ColumnElement[str] | QueryableAttribute[str]
) -> sa.ColumnElement[bool] | None:
    """A condition on a USCC column of another table: the firm is in the actor's scope (``None``: no limit)."""
    if actor is None:
        return None
    clause = scope_condition(actor.principal)
    if clause is None:
        return None
    return column.in_(sa.select(Enterprise.uscc).where(clause))


def codes_in_scope(session: Session, actor: Actor | None) -> frozenset[str] | None:
    """Every USCC the actor may see, to filter a frame or a list; ``None`` means the whole city."""
    if actor is None:
        return None
    clause = scope_condition(actor.principal)
    if clause is None:
        return None
    return frozenset(session.scalars(sa.select(Enterprise.uscc).where(clause)))


def audit_listed(
    session: Session, actor: Actor | None, action: str, usccs: Iterable[str], *, detail: str = ""
) -> None:
    """One audit event per firm shown on a list page or written to an export (the firm's own rows skipped)."""
    if actor is None:
        return
    codes = sorted({u for u in usccs if u})
    ids: list[int] = []
    for start in range(0, len(codes), 900):
        chunk = codes[start : start + 900]
        ids += session.scalars(sa.select(Enterprise.id).where(Enterprise.uscc.in_(chunk))).all()
    audit.record_many(
        session, actor.principal, action, sorted(ids), channel=actor.channel, path=actor.path, detail=detail
    )
