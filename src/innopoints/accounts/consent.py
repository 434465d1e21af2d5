"""Bank consents: an enterprise grants one bank access to its data for a purpose until a date; revocable.

A consent is *live* while not revoked and not expired; checks compare against ``now`` on every request, so
revocation and expiry take effect immediately.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

import sqlalchemy as sa
from sqlalchemy.orm import Session

from innopoints.accounts.clock import as_utc, utcnow
from innopoints.accounts.errors import AccountError
from innopoints.adapters.db.accounts_tables import BankConsent
from innopoints.adapters.db.tables import Bank

# What a consent may cover; the bank sees the parts named in the consent's scope.
CONSENT_SCOPES: dict[str, str] = {
    "points": "创新积分与排名",
    "profile": "企业画像（分组得分、梯度、资格）",
    "financials": "经营与研发数据（面板明细）",
}
DEFAULT_SCOPE = ("points", "profile", "financials")


def _live(now: datetime) -> sa.ColumnElement[bool]:
    return sa.and_(BankConsent.revoked_at.is_(None), BankConsent.expires_at > now)


def grant(
    session: Session,
    *,
    enterprise_id: int,
    bank_id: int,
    purpose: str,
    expires_at: datetime,
    scope: tuple[str, ...] = DEFAULT_SCOPE,
    by_user_id: int | None = None,
    now: datetime | None = None,
) -> BankConsent:
    now = now or utcnow()
    purpose = purpose.strip()
    if not purpose or len(purpose) > 200:
        raise AccountError("授权用途不能为空，且不超过 200 个字符")
    if as_utc(expires_at) <= now:
        raise AccountError("授权到期时间必须晚于当前时间")
    unknown = [s for s in scope if s not in CONSENT_SCOPES]
    if unknown or not scope:
        raise AccountError(f"授权范围应为 {'、'.join(CONSENT_SCOPES)} 中的一项或多项")
    if session.get(Bank, bank_id) is None:
        raise AccountError(f"银行 {bank_id} 不存在")
    row = BankConsent(
        enterprise_id=enterprise_id,
        bank_id=bank_id,
        scope=",".join(dict.fromkeys(scope)),
        purpose=purpose,
        granted_at=now,
        expires_at=expires_at,
        granted_by=by_user_id,
    )
    session.add(row)
    session.flush()
    return row


def revoke(
    session: Session,
    consent_id: int,
    *,
    enterprise_id: int,
    by_user_id: int | None,
    now: datetime | None = None,
) -> BankConsent:
    row = session.get(BankConsent, consent_id)
    if row is None or row.enterprise_id != enterprise_id:
        raise AccountError(f"授权 {consent_id} 不存在")
    if row.revoked_at is None:
        row.revoked_at = now or utcnow()
        row.revoked_by = by_user_id
    return row


def consents_of_enterprise(session: Session, enterprise_id: int) -> list[BankConsent]:
    return list(
        session.scalars(
            sa.select(BankConsent)
            .where(BankConsent.enterprise_id == enterprise_id)
            .order_by(BankConsent.id.desc())
        )
    )


def is_live(consent: BankConsent, now: datetime | None = None) -> bool:
    now = now or utcnow()
    return consent.revoked_at is None and as_utc(consent.expires_at) > now


def live_scope(session: Session, bank_id: int, enterprise_id: int, now: datetime | None = None) -> set[str]:
    """The union of the scopes of the bank's live consents from this firm (empty: no access)."""
    now = now or utcnow()
    scopes = session.scalars(
        sa.select(BankConsent.scope).where(
            BankConsent.bank_id == bank_id, BankConsent.enterprise_id == enterprise_id, _live(now)
        )
    ).all()
    return {part for value in scopes for part in value.split(",") if part}


def has_live_consent(session: Session, bank_id: int, enterprise_id: int, now: datetime | None = None) -> bool:
    return bool(live_scope(session, bank_id, enterprise_id, now))


def consenting_enterprise_ids(
    bank_id: int, now: datetime | None = None, part: str | None = None
) -> sa.Select[Any]:
    """A SELECT of the firms with a live consent to this bank (covering ``part`` when given), for ``in_()``."""
    now = now or utcnow()
    query = sa.select(BankConsent.enterprise_id).where(BankConsent.bank_id == bank_id, _live(now))
    if part is not None:
        # scope is a comma-separated list of known words; match the whole word
        wrapped = sa.literal(",", sa.String) + BankConsent.scope + sa.literal(",", sa.String)
        query = query.where(wrapped.contains(f",{part},", autoescape=True))
    return query
