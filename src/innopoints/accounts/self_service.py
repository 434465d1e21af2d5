"""The enterprise user's own area (企业端): its bank consents (grant, revoke, list with status) and its audit
trail. Every function takes the principal and works on the principal's own firm only."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta, timezone

import sqlalchemy as sa
from sqlalchemy.orm import Session

from innopoints.accounts import audit, consent
from innopoints.accounts.access import require
from innopoints.accounts.clock import as_utc, utcnow
from innopoints.accounts.errors import AccessDenied, AccountError
from innopoints.accounts.principal import Principal
from innopoints.adapters.db.accounts_tables import AuditEvent, BankConsent
from innopoints.adapters.db.tables import Bank, Enterprise

BEIJING = timezone(timedelta(hours=8))
MAX_CONSENT_DAYS = 3 * 366  # a consent runs at most about three years
CONSENT_STATUS_LABELS = {"live": "有效", "expired": "已过期", "revoked": "已撤销"}
TRAIL_LIMIT = 500


@dataclass(frozen=True)
class ConsentRow:
    id: int
    bank_id: int
    bank_name: str
    scope: tuple[str, ...]
    scope_text: str
    purpose: str
    granted_at: datetime
    expires_at: datetime
    revoked_at: datetime | None
    status: str

    @property
    def status_label(self) -> str:
        return CONSENT_STATUS_LABELS[self.status]


def own_enterprise(session: Session, principal: Principal) -> Enterprise:
    """The signed-in enterprise user's firm (403 for every other role)."""
    require(principal, "self.view")
    firm = None if principal.enterprise_id is None else session.get(Enterprise, principal.enterprise_id)
    if firm is None:
        raise AccessDenied("本账户未关联企业，请联系管理员")
    return firm


def banks(session: Session) -> list[tuple[int, str]]:
    return [(int(i), str(n)) for i, n in session.execute(sa.select(Bank.id, Bank.name).order_by(Bank.name))]


def consent_status(row: BankConsent, now: datetime) -> str:
    if row.revoked_at is not None:
        return "revoked"
    return "live" if as_utc(row.expires_at) > now else "expired"


def consent_rows(session: Session, principal: Principal, now: datetime | None = None) -> list[ConsentRow]:
    firm = own_enterprise(session, principal)
    now = now or utcnow()
    names = dict(banks(session))
    out = []
    for row in consent.consents_of_enterprise(session, firm.id):
        parts = tuple(p for p in row.scope.split(",") if p)
        out.append(
            ConsentRow(
                id=row.id,
                bank_id=row.bank_id,
                bank_name=names.get(row.bank_id, f"银行 #{row.bank_id}"),
                scope=parts,
                scope_text="、".join(consent.CONSENT_SCOPES.get(p, p) for p in parts),
                purpose=row.purpose,
                granted_at=row.granted_at,
                expires_at=row.expires_at,
                revoked_at=row.revoked_at,
                status=consent_status(row, now),
            )
        )
    return out


def end_of_day(day: date) -> datetime:
    """23:59:59 of a Beijing calendar day, as UTC: a consent "until 2026-12-31" lasts that whole day."""
    return datetime.combine(day, time(23, 59, 59), tzinfo=BEIJING).astimezone(UTC)


def grant_consent(
    session: Session,
    principal: Principal,
    *,
    bank_id: int,
    scope: tuple[str, ...],
    purpose: str,
    expires_on: date,
    now: datetime | None = None,
) -> BankConsent:
    require(principal, "consent.manage")
    firm = own_enterprise(session, principal)
    now = now or utcnow()
    if not scope:
        raise AccountError("请至少选择一项授权范围（创新积分、企业画像或经营数据）")
    expires_at = end_of_day(expires_on)
    if expires_at - now > timedelta(days=MAX_CONSENT_DAYS):
        raise AccountError(f"授权期限最长约三年（{MAX_CONSENT_DAYS} 天），请选择更早的到期日")
    return consent.grant(
        session,
        enterprise_id=firm.id,
        bank_id=bank_id,
        purpose=purpose,
        expires_at=expires_at,
        scope=scope,
        by_user_id=principal.user_id,
        now=now,
    )


def revoke_consent(
    session: Session, principal: Principal, consent_id: int, now: datetime | None = None
) -> BankConsent:
    require(principal, "consent.manage")
    firm = own_enterprise(session, principal)
    return consent.revoke(session, consent_id, enterprise_id=firm.id, by_user_id=principal.user_id, now=now)


def audit_trail(session: Session, principal: Principal, limit: int = TRAIL_LIMIT) -> list[AuditEvent]:
    """Who read this firm's data, newest first."""
    firm = own_enterprise(session, principal)
    return audit.events_for_enterprise(session, firm.id, limit=limit)
