"""Browser sessions kept server-side: the cookie holds a random id; logout and disable end it at once."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

import sqlalchemy as sa
from sqlalchemy.orm import Session

from innopoints.accounts.clock import as_utc, utcnow
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


def resolve_session(
    session: Session, cookie_value: str, now: datetime | None = None
) -> tuple[UserAccount, WebSession] | None:
    """The active user and session row for a cookie, or None when unknown, ended, expired or disabled."""
    now = now or utcnow()
    row = session.execute(
        sa.select(WebSession, UserAccount)
        .join(UserAccount, UserAccount.id == WebSession.user_id)
        .where(WebSession.digest == digest(cookie_value))
    ).first()
    if row is None:
        return None
    web_session, user = row
    if web_session.ended_at is not None or as_utc(web_session.expires_at) <= now or not user.is_active:
        return None
    return user, web_session


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
