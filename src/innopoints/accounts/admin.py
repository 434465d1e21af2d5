"""User administration for the 市科技局 admin: list users, create a user whose scope is checked against the
region and the registry, disable/enable, reset a password, and browse the audit log with filters.

Scope values are typed by people, so they are resolved here: an officer's scope is a district (code or
Chinese name) or a park (id or name) of the region; an enterprise user's is a USCC the registry holds; a bank,
institution, broker or pilot-base user's is the organisation's number or full name.
"""

from __future__ import annotations

import secrets
import string
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta, timezone
from typing import Any

import sqlalchemy as sa
from sqlalchemy.orm import Session

from innopoints.accounts import audit
from innopoints.accounts.access import require
from innopoints.accounts.clock import utcnow
from innopoints.accounts.errors import AccountError
from innopoints.accounts.passwords import hash_password, policy_problems
from innopoints.accounts.principal import Principal
from innopoints.accounts.roles import ROLE_LABELS, Role, parse_role
from innopoints.accounts.sessions import end_all_sessions
from innopoints.accounts.users import create_user, set_active
from innopoints.adapters.db.accounts_tables import AuditEvent, LoginAttempt, UserAccount
from innopoints.adapters.db.tables import Bank, Broker, Enterprise, Institution, PilotBase
from innopoints.region import Region
from innopoints.registry.uscc import validate as validate_uscc

BEIJING = timezone(timedelta(hours=8))
AUDIT_PAGE_SIZE = 50
AUDIT_EXPORT_LIMIT = 100_000
_ORGANISATIONS: dict[Role, tuple[str, Any, str]] = {
    Role.BANK: ("bank_id", Bank, "银行"),
    Role.INSTITUTION: ("institution_id", Institution, "高校/院所"),
    Role.BROKER: ("broker_id", Broker, "技术经纪人"),
    Role.PILOT_BASE: ("pilot_base_id", PilotBase, "中试基地/概念验证中心"),
}


@dataclass(frozen=True)
class UserRow:
    id: int
    username: str
    display_name: str
    role: str
    role_label: str
    scope_text: str
    is_active: bool
    is_demo: bool
    created_at: datetime
    last_login: datetime | None


# ------------------------------------------------------------------------------------------ scope


def resolve_scope(session: Session, region: Region, role: str, raw: str) -> dict[str, str | int]:
    """The scope column and value for ``role`` from what the admin typed; Chinese errors when unknown."""
    try:
        parsed = parse_role(role)
    except ValueError as exc:
        raise AccountError(str(exc)) from None
    value = (raw or "").strip()
    if parsed is Role.ADMIN:
        if value:
            raise AccountError("管理员账户可查看全市数据，不能指定数据范围，请清空“数据范围”")
        return {}
    if not value:
        raise AccountError(f"角色“{ROLE_LABELS[parsed]}”必须指定数据范围")
    if len(value) > 200:
        raise AccountError("数据范围过长（不超过 200 个字符）")
    if parsed is Role.OFFICER:
        return _officer_scope(region, value)
    if parsed is Role.ENTERPRISE:
        return {"enterprise_id": _enterprise_id(session, value)}
    column, model, label = _ORGANISATIONS[parsed]
    return {column: _organisation_id(session, model, label, value)}


def _officer_scope(region: Region, value: str) -> dict[str, str | int]:
    for district in region.districts:
        if value in (district.id, district.name_zh):
            return {"district_code": district.id}
    for park in region.parks:
        if value in (park.id, park.name_zh):
            return {"park_id": park.id}
    example_d = region.districts[0] if region.districts else None
    example_p = region.parks[0] if region.parks else None
    hint = "应为区县代码或名称"
    if example_d is not None:
        hint += f"（如 {example_d.id} {example_d.name_zh}）"
    if example_p is not None:
        hint += f"，或园区标识或名称（如 {example_p.id} {example_p.name_zh}）"
    raise AccountError(f"数据范围“{value}”不是{region.name_zh}的区县或园区：{hint}")


def _enterprise_id(session: Session, value: str) -> int:
    code = value.upper()
    check = validate_uscc(code)
    if not check.valid:
        raise AccountError(f"统一社会信用代码“{value}”无效：{check.reason}")
    found = session.scalar(sa.select(Enterprise.id).where(Enterprise.uscc == code))
    if found is None:
        raise AccountError(f"企业库中没有统一社会信用代码为“{code}”的企业")
    return int(found)


def _organisation_id(session: Session, model: Any, label: str, value: str) -> int:
    if value.isdigit():
        found = session.scalar(sa.select(model.id).where(model.id == int(value)))
    else:
        ids = session.scalars(sa.select(model.id).where(model.name == value).limit(2)).all()
        if len(ids) > 1:
            raise AccountError(f"名称为“{value}”的{label}不止一个，请填写编号")
        found = ids[0] if ids else None
    if found is None:
        raise AccountError(f"{label}“{value}”不存在：请填写{label}编号或全称")
    return int(found)


def scope_text(user: UserAccount, region: Region, names: dict[tuple[str, int], str] | None = None) -> str:
    """The user's scope in words (``浑南区（210112）``, ``企业 …``)."""
    names = names or {}
    if user.district_code:
        return f"区县：{region.district_name(user.district_code)}（{user.district_code}）"
    if user.park_id:
        return f"园区：{region.park_name(user.park_id)}"
    for column, label in (
        ("enterprise_id", "企业"),
        ("bank_id", "银行"),
        ("institution_id", "高校/院所"),
        ("broker_id", "技术经纪人"),
        ("pilot_base_id", "中试基地"),
    ):
        value = getattr(user, column)
        if value is not None:
            return f"{label}：{names.get((column, value), '')}（#{value}）"
    return "全市"


def _scope_names(session: Session, users: list[UserAccount]) -> dict[tuple[str, int], str]:
    names: dict[tuple[str, int], str] = {}
    for column, model, attr in (
        ("enterprise_id", Enterprise, "name"),
        ("bank_id", Bank, "name"),
        ("institution_id", Institution, "name"),
        ("broker_id", Broker, "name"),
        ("pilot_base_id", PilotBase, "name"),
    ):
        ids = {getattr(u, column) for u in users if getattr(u, column) is not None}
        if ids:
            rows = session.execute(sa.select(model.id, getattr(model, attr)).where(model.id.in_(ids)))
            names.update({(column, i): n for i, n in rows})
    return names


# ------------------------------------------------------------------------------------------ users


def list_users(session: Session, principal: Principal, region: Region) -> list[UserRow]:
    require(principal, "users.manage")
    users = list(session.scalars(sa.select(UserAccount).order_by(UserAccount.id)))
    last = dict(
        session.execute(
            sa.select(LoginAttempt.username, sa.func.max(LoginAttempt.at))
            .where(LoginAttempt.succeeded.is_(True))
            .group_by(LoginAttempt.username)
        ).all()
    )
    names = _scope_names(session, users)
    return [
        UserRow(
            id=u.id,
            username=u.username,
            display_name=u.display_name,
            role=u.role,
            role_label=ROLE_LABELS[Role(u.role)],
            scope_text=scope_text(u, region, names),
            is_active=u.is_active,
            is_demo=u.is_demo,
            created_at=u.created_at,
            last_login=last.get(u.username),
        )
        for u in users
    ]


def temporary_password(username: str = "") -> str:
    """A random password meeting the policy (letters and digits, 14 characters, not containing the user name)."""
    letters, digits = string.ascii_letters, string.digits
    while True:
        chars = [secrets.choice(letters) for _ in range(10)] + [secrets.choice(digits) for _ in range(4)]
        secrets.SystemRandom().shuffle(chars)
        password = "".join(chars)
        if not policy_problems(password, username):
            return password


def create_scoped_user(
    session: Session,
    principal: Principal,
    region: Region,
    *,
    username: str,
    display_name: str,
    role: str,
    scope: str,
    password: str = "",
) -> tuple[UserAccount, str]:
    """Create a user after resolving the typed scope; returns the user and the initial password
    (generated when none is given, shown to the admin once)."""
    require(principal, "users.manage")
    display_name = display_name.strip()
    if len(display_name) > 120:
        raise AccountError("显示名称不超过 120 个字符")
    resolved = resolve_scope(session, region, role, scope)
    initial = password or temporary_password(username.strip())
    scope_args: dict[str, Any] = dict(resolved)
    user = create_user(
        session,
        username=username,
        password=initial,
        role=role,
        display_name=display_name or None,
        **scope_args,
    )
    return user, initial


def set_user_active(session: Session, principal: Principal, user_id: int, active: bool) -> UserAccount:
    require(principal, "users.manage")
    if user_id == principal.user_id and not active:
        raise AccountError("不能停用自己的账户")
    user = set_active(session, user_id, active)
    if not active:
        end_all_sessions(session, user_id)
    return user


def reset_password(
    session: Session, principal: Principal, user_id: int, new_password: str = ""
) -> tuple[UserAccount, str]:
    """Set a new password (generated when none is given) and end the user's sessions."""
    require(principal, "users.manage")
    if user_id == principal.user_id:
        raise AccountError("不能重置自己的密码，请在“账户”页面修改")
    user = session.get(UserAccount, user_id)
    if user is None:
        raise AccountError(f"用户 {user_id} 不存在")
    password = new_password or temporary_password(user.username)
    problems = policy_problems(password, user.username)
    if problems:
        raise AccountError("；".join(problems))
    user.password_hash = hash_password(password)
    user.password_changed_at = utcnow()
    end_all_sessions(session, user_id)
    return user, password


# ------------------------------------------------------------------------------------------ audit


@dataclass(frozen=True)
class AuditFilter:
    actor: str = ""  # user name or part of the actor text
    role: str = ""
    action: str = ""
    uscc: str = ""
    channel: str = ""
    date_from: date | None = None
    date_to: date | None = None


@dataclass(frozen=True)
class AuditRow:
    id: int
    at: datetime
    actor: str
    role: str
    action: str
    enterprise_name: str | None
    uscc: str | None
    channel: str
    path: str
    detail: str


def _day_start(day: date) -> datetime:
    """Midnight of a Beijing calendar day, in UTC (stored times are UTC)."""
    return datetime.combine(day, time.min, tzinfo=BEIJING).astimezone(UTC)


def _audit_query(f: AuditFilter) -> Any:
    """The filtered SELECT of (event, firm name, USCC) rows."""
    query = sa.select(AuditEvent, Enterprise.name, Enterprise.uscc).outerjoin(
        Enterprise, Enterprise.id == AuditEvent.enterprise_id
    )
    if f.actor.strip():
        text = f.actor.strip()
        query = query.where(AuditEvent.actor.contains(text, autoescape=True))
    if f.role:
        try:
            query = query.where(AuditEvent.role == parse_role(f.role).value)
        except ValueError as exc:
            raise AccountError(str(exc)) from None
    if f.action:
        query = query.where(AuditEvent.action == f.action)
    if f.uscc.strip():
        query = query.where(Enterprise.uscc == f.uscc.strip().upper())
    if f.channel:
        if f.channel not in ("web", "api", "cli"):
            raise AccountError(f"渠道应为 web、api 或 cli，收到“{f.channel}”")
        query = query.where(AuditEvent.channel == f.channel)
    if f.date_from and f.date_to and f.date_from > f.date_to:
        raise AccountError("起始日期不能晚于结束日期")
    if f.date_from:
        query = query.where(AuditEvent.at >= _day_start(f.date_from))
    if f.date_to:
        query = query.where(AuditEvent.at < _day_start(f.date_to + timedelta(days=1)))
    return query


def _audit_rows(rows: Any) -> list[AuditRow]:
    return [
        AuditRow(e.id, e.at, e.actor, e.role, e.action, name, uscc, e.channel, e.path, e.detail)
        for e, name, uscc in rows
    ]


def search_audit(
    session: Session, principal: Principal, f: AuditFilter, page: int = 1, page_size: int = AUDIT_PAGE_SIZE
) -> tuple[int, list[AuditRow]]:
    """One page of audit events (newest first) matching the filter, and the total count."""
    require(principal, "audit.view_all")
    audit.write_pending(session)
    query = _audit_query(f)
    total = int(session.scalar(sa.select(sa.func.count()).select_from(query.subquery())) or 0)
    page = max(1, page)
    rows = session.execute(
        query.order_by(AuditEvent.id.desc()).limit(page_size).offset((page - 1) * page_size)
    ).all()
    return total, _audit_rows(rows)


def export_audit(session: Session, principal: Principal, f: AuditFilter) -> list[AuditRow]:
    require(principal, "audit.view_all")
    audit.write_pending(session)
    rows = session.execute(_audit_query(f).order_by(AuditEvent.id.desc()).limit(AUDIT_EXPORT_LIMIT)).all()
    return _audit_rows(rows)
