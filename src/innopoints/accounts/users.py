"""Users: creation with role and scope, login with rate limiting, password change, disable."""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any

import sqlalchemy as sa
from sqlalchemy.orm import Session

from innopoints.accounts.clock import as_utc, utcnow
from innopoints.accounts.errors import AccountError, TooManyAttempts
from innopoints.accounts.passwords import hash_password, needs_rehash, policy_problems, verify_password
from innopoints.accounts.principal import Principal
from innopoints.accounts.roles import SCOPE_COLUMNS, SCOPE_FIELDS, Role, parse_role
from innopoints.adapters.db.accounts_tables import LoginAttempt, UserAccount

# At most this many failed attempts per user name, and per client address, within the window.
MAX_FAILURES = 5
FAILURE_WINDOW = timedelta(minutes=15)
_DUMMY_HASH = hash_password("timing-equaliser-0")


def principal_of(user: UserAccount, *, via_token: bool = False) -> Principal:
    return Principal(
        user_id=user.id,
        username=user.username,
        display_name=user.display_name,
        role=Role(user.role),
        district_code=user.district_code,
        park_id=user.park_id,
        enterprise_id=user.enterprise_id,
        bank_id=user.bank_id,
        institution_id=user.institution_id,
        broker_id=user.broker_id,
        pilot_base_id=user.pilot_base_id,
        via_token=via_token,
    )


def create_user(
    session: Session,
    *,
    username: str,
    password: str,
    role: str,
    display_name: str | None = None,
    is_demo: bool = False,
    **scope: str | int | None,
) -> UserAccount:
    """Create a user; the role's scope column must be set and no other (Chinese errors otherwise)."""
    username = username.strip()
    if not username or len(username) > 60:
        raise AccountError("用户名不能为空，且不超过 60 个字符")
    try:
        parsed = parse_role(role)
    except ValueError as exc:
        raise AccountError(str(exc)) from None
    unknown = set(scope) - set(SCOPE_FIELDS)
    if unknown:
        raise AccountError(f"未知的范围字段：{'、'.join(sorted(unknown))}")
    given = {k for k, v in scope.items() if v not in (None, "")}
    needed = set(SCOPE_COLUMNS[parsed])
    if needed and not (given & needed):
        raise AccountError(f"角色 {parsed.value} 须指定数据范围：{' 或 '.join(SCOPE_COLUMNS[parsed])}")
    if given - needed or len(given) > 1:
        raise AccountError(
            f"角色 {parsed.value} 只能指定一个数据范围：{' 或 '.join(SCOPE_COLUMNS[parsed]) or '无'}"
        )
    problems = policy_problems(password, username)
    if problems:
        raise AccountError("；".join(problems))
    if session.scalar(sa.select(UserAccount.id).where(UserAccount.username == username)) is not None:
        raise AccountError(f"用户名“{username}”已存在")
    user = UserAccount(
        username=username,
        display_name=display_name or username,
        password_hash=hash_password(password),
        role=parsed.value,
        is_active=True,
        is_demo=is_demo,
        created_at=utcnow(),
        **{k: scope.get(k) or None for k in SCOPE_FIELDS},
    )
    session.add(user)
    session.flush()
    return user


def _recent_failures(session: Session, column: Any, value: str, since: datetime) -> list[datetime]:
    rows = session.scalars(
        sa.select(LoginAttempt.at)
        .where(column == value, LoginAttempt.at >= since, LoginAttempt.succeeded.is_(False))
        .order_by(LoginAttempt.at)
    ).all()
    return [as_utc(at) for at in rows]


def check_rate_limit(session: Session, username: str, client: str, now: datetime | None = None) -> None:
    """Raise ``TooManyAttempts`` when the user name or the client has failed too often lately."""
    now = now or utcnow()
    since = now - FAILURE_WINDOW
    for column, value in ((LoginAttempt.username, username), (LoginAttempt.client, client)):
        failures = _recent_failures(session, column, value, since)
        if len(failures) >= MAX_FAILURES:
            retry = failures[-MAX_FAILURES] + FAILURE_WINDOW - now
            raise TooManyAttempts(int(retry.total_seconds()) + 1)


def authenticate(
    session: Session, username: str, password: str, client: str, now: datetime | None = None
) -> UserAccount | None:
    """The active user with these credentials, or None. Every attempt is recorded; limits apply first."""
    now = now or utcnow()
    username = username.strip()[:60]
    check_rate_limit(session, username, client, now)
    user = session.scalar(sa.select(UserAccount).where(UserAccount.username == username))
    if user is None:
        verify_password(_DUMMY_HASH, password)  # same cost whether or not the user exists
        ok = False
    else:
        ok = verify_password(user.password_hash, password) and user.is_active
    session.add(LoginAttempt(username=username, client=client[:64], succeeded=ok, at=now))
    if ok and user is not None:
        if needs_rehash(user.password_hash):
            user.password_hash = hash_password(password)
        return user
    return None


def change_password(
    session: Session, user: UserAccount, current: str, new: str, now: datetime | None = None
) -> None:
    if not verify_password(user.password_hash, current):
        raise AccountError("当前密码不正确")
    if current == new:
        raise AccountError("新密码不能与当前密码相同")
    problems = policy_problems(new, user.username)
    if problems:
        raise AccountError("；".join(problems))
    user.password_hash = hash_password(new)
    user.password_changed_at = now or utcnow()


def set_active(session: Session, user_id: int, active: bool) -> UserAccount:
    """Enable or disable an account; a disabled account's sessions and tokens stop working at once."""
    user = session.get(UserAccount, user_id)
    if user is None:
        raise AccountError(f"用户 {user_id} 不存在")
    user.is_active = active
    return user


def get_user(session: Session, username: str) -> UserAccount | None:
    return session.scalar(sa.select(UserAccount).where(UserAccount.username == username))
