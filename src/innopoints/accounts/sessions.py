"""Browser sessions kept server-side: the cookie holds a random id; logout and disable end it at once."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

import sqlalchemy as sa
from sqlalchemy import Connection
from sqlalchemy.orm import Session

from innopoints.accounts.clock import as_utc, utcnow
from innopoints.accounts.principal import Principal
from innopoints.accounts.roles import SCOPE_FIELDS, Role
from innopoints.accounts.secrets_store import digest, new_secret
from innopoints.adapters.db.accounts_tables import UserAccount, WebSession

SESSION_LIFETIME = timedelta(hours=8)


@dataclass(frozen=True)
class OpenedSession:
    cookie_value: str
    csrf_token: str
    expires_at: datetime


def open_session(session: Session, user: UserAccount, now: datetime | None = None) -> OpenedSession:
    now = now or utcnow()
    cookie = new_secret()
    csrf = new_secret()
    expires = now + SESSION_LIFETIME
    session.add(
        WebSession(
            digest=digest(cookie), user_id=user.id, csrf_token=csrf, created_at=now, expires_at=expires
        )
    )
    session.flush()
    return OpenedSession(cookie, csrf, expires)


_SIGNED_IN = (
    sa.select(
        WebSession.ended_at,
        WebSession.expires_at,
        WebSession.csrf_token,
        UserAccount.is_active,
        UserAccount.id,
        UserAccount.username,
        UserAccount.display_name,
        UserAccount.role,
        *(getattr(UserAccount, name) for name in SCOPE_FIELDS),
    )
    .join(UserAccount, UserAccount.id == WebSession.user_id)
    .where(WebSession.digest == sa.bindparam("digest"))
)


def signed_in(
    connection: Connection, cookie_value: str, now: datetime | None = None
) -> tuple[Principal, str] | None:
    """The principal and CSRF token of the active session behind a cookie; None when the cookie is unknown or
    its session ended, expired or belongs to a disabled user. Plain columns in one query: this runs on every
    request."""
    row = connection.execute(_SIGNED_IN, {"digest": digest(cookie_value)}).first()
    if row is None:
        return None
    if row.ended_at is not None or as_utc(row.expires_at) <= (now or utcnow()) or not row.is_active:
        return None
    scope = {name: getattr(row, name) for name in SCOPE_FIELDS}
    principal = Principal(
        user_id=row.id, username=row.username, display_name=row.display_name, role=Role(row.role), **scope
    )
    return principal, row.csrf_token


def end_session(session: Session, cookie_value: str, now: datetime | None = None) -> None:
    session.execute(
        sa.update(WebSession)
        .where(WebSession.digest == digest(cookie_value), WebSession.ended_at.is_(None))
        .values(ended_at=now or utcnow())
    )


def end_all_sessions(session: Session, user_id: int, now: datetime | None = None) -> None:
    session.execute(
        sa.update(WebSession)
        .where(WebSession.user_id == user_id, WebSession.ended_at.is_(None))
        .values(ended_at=now or utcnow())
    )
