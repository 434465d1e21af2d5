"""Demo accounts, one per role, on the synthetic city; shown on the login page only in demo mode.

``ensure_demo_accounts`` is idempotent (``make run`` calls it every time). ``reset_demo_activity`` puts the
demo back as it was: demo passwords restored, accounts re-enabled, the demo firms' consents, corrections,
pending corrections, sessions and tokens of demo users removed (the audit log is kept), and the demo consents granted again.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

import sqlalchemy as sa
from sqlalchemy.orm import Session

from innopoints.accounts import consent
from innopoints.accounts.clock import utcnow
from innopoints.accounts.passwords import hash_password
from innopoints.accounts.users import create_user, get_user
from innopoints.adapters.db.accounts_tables import (
    ApiToken,
    BankConsent,
    DataCorrection,
    UserAccount,
    WebSession,
)
from innopoints.adapters.db.tables import Bank, Broker, Enterprise, Institution, PilotBase

DEMO_PASSWORD = "InnoDemo2026"
DEMO_DISTRICT = "210112"  # 浑南区
DEMO_PARK = "shenbei_edu_park"
DEMO_CONSENTING_FIRMS = 40  # firms that have granted the demo bank access


@dataclass(frozen=True)
class DemoAccount:
    username: str
    display_name: str
    role: str
    description: str


def _first_id(session: Session, column: Any, *where: sa.ColumnElement[bool]) -> int | None:
    return session.scalar(sa.select(column).where(*where).order_by(column).limit(1))


def _demo_enterprise_id(session: Session) -> int | None:
    return _first_id(
        session, Enterprise.id, Enterprise.district_code == DEMO_DISTRICT, Enterprise.exit_date.is_(None)
    )


def _plan(session: Session) -> list[tuple[DemoAccount, dict[str, str | int | None]]]:
    plan: list[tuple[DemoAccount, dict[str, str | int | None]]] = [
        (DemoAccount("admin", "市科技局管理员（演示）", "admin", "全市数据、积分评价、用户管理"), {}),
        (
            DemoAccount("hunnan", "浑南区科技局（演示）", "officer", "仅浑南区企业"),
            {"district_code": DEMO_DISTRICT},
        ),
        (
            DemoAccount("shenbei_park", "沈北科教融合园（演示）", "officer", "仅该园区企业"),
            {"park_id": DEMO_PARK},
        ),
    ]
    firm = _demo_enterprise_id(session)
    if firm is not None:
        name = session.scalar(sa.select(Enterprise.name).where(Enterprise.id == firm))
        plan.append(
            (DemoAccount("firm", f"{name}（演示）", "enterprise", "仅本企业"), {"enterprise_id": firm})
        )
    for username, label, role, column, model in (
        ("bank", "银行客户经理（演示）", "bank", "bank_id", Bank),
        ("university", "高校成果转化处（演示）", "institution", "institution_id", Institution),
        ("broker", "技术经纪人（演示）", "broker", "broker_id", Broker),
        ("pilot", "中试基地（演示）", "pilot_base", "pilot_base_id", PilotBase),
    ):
        found = _first_id(session, model.id)
        if found is not None:
            scope_text = {"bank": "仅已授权本行的企业"}.get(role, "本机构的业务")
            plan.append((DemoAccount(username, label, role, scope_text), {column: found}))
    return plan


def demo_accounts(session: Session) -> list[DemoAccount]:
    """The demo accounts that exist, for the login page."""
    existing = set(session.scalars(sa.select(UserAccount.username).where(UserAccount.is_demo.is_(True))))
    return [account for account, _ in _plan(session) if account.username in existing]


def _grant_demo_consents(session: Session, bank_id: int, skip: int | None, now: datetime) -> None:
    firms = session.scalars(
        sa.select(Enterprise.id)
        .where(Enterprise.exit_date.is_(None), Enterprise.id != (skip or -1))
        .order_by(Enterprise.id)
        .limit(DEMO_CONSENTING_FIRMS * 97)
    ).all()
    for enterprise_id in firms[::97][:DEMO_CONSENTING_FIRMS]:
        consent.grant(
            session,
            enterprise_id=enterprise_id,
            bank_id=bank_id,
            purpose="申请创新积分贷（演示数据）",
            expires_at=now + timedelta(days=365),
            now=now,
        )


def ensure_demo_accounts(session: Session, now: datetime | None = None) -> list[DemoAccount]:
    """Create the missing demo accounts (and the demo bank's consents the first time)."""
    now = now or utcnow()
    created: list[DemoAccount] = []
    for account, scope in _plan(session):
        if get_user(session, account.username) is not None:
            continue
        create_user(
            session,
            username=account.username,
            password=DEMO_PASSWORD,
            role=account.role,
            display_name=account.display_name,
            is_demo=True,
            **scope,
        )
        created.append(account)
        if account.role == "bank" and isinstance(scope.get("bank_id"), int):
            _grant_demo_consents(session, int(scope["bank_id"] or 0), _demo_enterprise_id(session), now)
    return created


def reset_demo_activity(session: Session, now: datetime | None = None) -> None:
    now = now or utcnow()
    demo_users = session.scalars(sa.select(UserAccount).where(UserAccount.is_demo.is_(True))).all()
    ids = [u.id for u in demo_users]
    firm_ids = [u.enterprise_id for u in demo_users if u.enterprise_id is not None]
    bank_ids = [u.bank_id for u in demo_users if u.bank_id is not None]
    session.execute(sa.delete(ApiToken).where(ApiToken.user_id.in_(ids)))
    session.execute(sa.delete(WebSession).where(WebSession.user_id.in_(ids)))
    session.execute(
        sa.delete(DataCorrection).where(
            DataCorrection.enterprise_id.in_(firm_ids), DataCorrection.status == "pending"
        )
    )
    session.execute(
        sa.delete(BankConsent).where(
            sa.or_(BankConsent.bank_id.in_(bank_ids), BankConsent.enterprise_id.in_(firm_ids))
        )
    )
    demo_hash = hash_password(DEMO_PASSWORD)
    for user in demo_users:
        user.password_hash = demo_hash
        user.is_active = True
    for bank_id in bank_ids:
        _grant_demo_consents(session, bank_id, firm_ids[0] if firm_ids else None, now)
