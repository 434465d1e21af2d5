"""API tokens for machine clients (a bank's own systems): shown once, stored as a digest, revocable."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

import sqlalchemy as sa
from sqlalchemy.orm import Session

from innopoints.accounts.clock import as_utc, utcnow
from innopoints.accounts.errors import AccountError
from innopoints.accounts.secrets_store import digest, new_secret
from innopoints.adapters.db.accounts_tables import ApiToken, UserAccount

TOKEN_PREFIX = "ipt_"


@dataclass(frozen=True)
class IssuedToken:
    id: int
    name: str
    secret: str  # shown to the user once, never stored


def issue_token(
    session: Session,
    user: UserAccount,
    name: str,
    expires_at: datetime | None = None,
    now: datetime | None = None,
) -> IssuedToken:
    name = name.strip()
    if not name or len(name) > 80:
        raise AccountError("令牌名称不能为空，且不超过 80 个字符")
    secret = new_secret(TOKEN_PREFIX)
    row = ApiToken(
        user_id=user.id,
        name=name,
        prefix=secret[:12],
        digest=digest(secret),
        created_at=now or utcnow(),
        expires_at=expires_at,
    )
    session.add(row)
    session.flush()
    return IssuedToken(row.id, name, secret)


def resolve_token(session: Session, secret: str, now: datetime | None = None) -> UserAccount | None:
    now = now or utcnow()
    row = session.execute(
        sa.select(ApiToken, UserAccount)
        .join(UserAccount, UserAccount.id == ApiToken.user_id)
        .where(ApiToken.digest == digest(secret))
    ).first()
    if row is None:
        return None
    token, user = row
    if token.revoked_at is not None or not user.is_active:
        return None
    if token.expires_at is not None and as_utc(token.expires_at) <= now:
        return None
    token.last_used_at = now
    return user


def revoke_token(session: Session, token_id: int, user_id: int, now: datetime | None = None) -> None:
    token = session.get(ApiToken, token_id)
    if token is None or token.user_id != user_id:
        raise AccountError(f"令牌 {token_id} 不存在")
    token.revoked_at = token.revoked_at or now or utcnow()


def tokens_of(session: Session, user_id: int) -> list[ApiToken]:
    return list(session.scalars(sa.select(ApiToken).where(ApiToken.user_id == user_id).order_by(ApiToken.id)))
