"""Authentication and CSRF for the web layer.

A request is authenticated by the ``innopoints_session`` cookie (browsers) or by ``Authorization: Bearer``
with an API token (machine clients). Every unsafe request (POST, PUT, PATCH, DELETE) made with a session
cookie must carry the session's CSRF token, as the ``csrf_token`` form field or the ``X-CSRF-Token`` header;
the login form, made before a session exists, uses a double-submit cookie instead. Token requests carry no
ambient credentials, so they need no CSRF token.
"""

from __future__ import annotations

import hmac
from typing import Annotated

from fastapi import Depends, Request, Response
from sqlalchemy.orm import Session

from innopoints.accounts.context import Actor
from innopoints.accounts.errors import AccessDenied, NotAuthenticated
from innopoints.accounts.principal import Principal
from innopoints.accounts.secrets_store import new_secret
from innopoints.accounts.sessions import signed_in
from innopoints.accounts.tokens import resolve_token
from innopoints.accounts.users import principal_of

SESSION_COOKIE = "innopoints_session"
LOGIN_CSRF_COOKIE = "innopoints_login_csrf"
CSRF_FIELD = "csrf_token"
CSRF_HEADER = "X-CSRF-Token"
SAFE_METHODS = frozenset({"GET", "HEAD", "OPTIONS"})
CSRF_MESSAGE = "请求缺少有效的 CSRF 令牌（页面可能已过期），请刷新页面后重试"


class _Resolved:
    def __init__(self, principal: Principal | None, csrf_token: str | None, via_token: bool) -> None:
        self.principal = principal
        self.csrf_token = csrf_token
        self.via_token = via_token


def _bearer(request: Request) -> str | None:
    header = request.headers.get("authorization", "")
    scheme, _, value = header.partition(" ")
    if scheme.lower() == "bearer" and value.strip():
        return value.strip()
    return None


def resolve(request: Request) -> _Resolved:
    """Who is calling (cached on the request): the principal, the session's CSRF token, and whether by token."""
    cached = getattr(request.state, "auth", None)
    if isinstance(cached, _Resolved):
        return cached
    container = request.app.state.container
    resolved = _Resolved(None, None, False)
    token = _bearer(request)
    # One statement (two for a token: its last use is recorded): run them without a transaction around,
    # which on PostgreSQL saves the BEGIN and COMMIT round trips on every request.
    with container.engine.connect().execution_options(isolation_level="AUTOCOMMIT") as connection:
        if token is not None:
            with Session(bind=connection) as session:
                user = resolve_token(session, token)
                if user is None:
                    raise NotAuthenticated("API 令牌无效、已撤销或已过期")
                resolved = _Resolved(principal_of(user, via_token=True), None, True)
                session.commit()  # last_used_at
        else:
            cookie = request.cookies.get(SESSION_COOKIE)
            found = signed_in(connection, cookie) if cookie else None
            if found is not None:
                principal, csrf = found
                resolved = _Resolved(principal, csrf, False)
    request.state.auth = resolved
    return resolved


def optional_principal(request: Request) -> Principal | None:
    return resolve(request).principal


def current_principal(request: Request) -> Principal:
    principal = resolve(request).principal
    if principal is None:
        raise NotAuthenticated()
    return principal


async def current_actor(
    request: Request, principal: Annotated[Principal, Depends(current_principal)]
) -> Actor:
    channel = "api" if request.url.path.startswith("/api/") else "web"
    return Actor(principal, channel, request.url.path)


PrincipalDep = Annotated[Principal, Depends(current_principal)]
OptionalPrincipalDep = Annotated[Principal | None, Depends(optional_principal)]
ActorDep = Annotated[Actor, Depends(current_actor)]


def _matches(expected: str | None, given: str | None) -> bool:
    return bool(expected) and bool(given) and hmac.compare_digest(str(expected), str(given))


async def _submitted_token(request: Request) -> str | None:
    header = request.headers.get(CSRF_HEADER)
    if header:
        return header
    content_type = request.headers.get("content-type", "")
    if content_type.startswith(("application/x-www-form-urlencoded", "multipart/form-data")):
        form = await request.form()
        value = form.get(CSRF_FIELD)
        return value if isinstance(value, str) else None
    return None


async def csrf_protect(request: Request) -> None:
    """Router-wide dependency: unsafe cookie-authenticated requests must carry the CSRF token."""
    if request.method in SAFE_METHODS or _bearer(request) is not None:
        return
    given = await _submitted_token(request)
    if request.url.path == "/login":
        if not _matches(request.cookies.get(LOGIN_CSRF_COOKIE), given):
            raise AccessDenied(CSRF_MESSAGE)
        return
    resolved = resolve(request)
    if resolved.principal is None:
        raise NotAuthenticated()
    if not _matches(resolved.csrf_token, given):
        raise AccessDenied(CSRF_MESSAGE)


def csrf_token_for(request: Request) -> str | None:
    """The token forms on this page must carry (the session's, or the login form's double-submit value)."""
    try:
        resolved = resolve(request)
    except NotAuthenticated:
        return None
    if resolved.csrf_token:
        return resolved.csrf_token
    existing = request.cookies.get(LOGIN_CSRF_COOKIE)
    if existing:
        return existing
    fresh = getattr(request.state, "login_csrf", None) or new_secret()
    request.state.login_csrf = fresh
    return fresh


def set_login_csrf_cookie(request: Request, response: Response, secure: bool) -> None:
    fresh = getattr(request.state, "login_csrf", None)
    # Only the login page sets it: a signed-out 404 (e.g. the browser's /favicon.ico) must not replace the
    # value the login form on screen carries.
    if fresh and request.url.path == "/login":
        response.set_cookie(
            LOGIN_CSRF_COOKIE, fresh, httponly=True, samesite="strict", secure=secure, path="/login"
        )


def set_session_cookie(response: Response, value: str, max_age: int, secure: bool) -> None:
    response.set_cookie(
        SESSION_COOKIE, value, max_age=max_age, httponly=True, samesite="lax", secure=secure, path="/"
    )


def clear_session_cookie(response: Response, secure: bool) -> None:
    response.delete_cookie(SESSION_COOKIE, path="/", httponly=True, samesite="lax", secure=secure)
