"""Sign-in, sign-out, the account page (password change, API tokens) and the role-based landing page."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Annotated
from urllib.parse import urlparse

from fastapi import APIRouter, Form, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response

from innopoints.accounts import sessions as web_sessions
from innopoints.accounts import tokens
from innopoints.accounts.demo import DEMO_PASSWORD, demo_accounts
from innopoints.accounts.errors import AccountError
from innopoints.accounts.users import authenticate, change_password
from innopoints.adapters.db.accounts_tables import UserAccount
from innopoints.web import auth, navigation
from innopoints.web.deps import ContainerDep, SessionDep
from innopoints.web.templating import render

router = APIRouter(tags=["账户 (accounts)"], include_in_schema=False)

LOGIN_FAILED = "用户名或密码错误，或账户已停用"


def _secure(request: Request) -> bool:
    return bool(request.app.state.settings.environment == "production")


def _safe_next(target: str | None) -> str | None:
    """Only same-site relative paths are followed after login (no open redirects)."""
    if not target:
        return None
    parsed = urlparse(target)
    if parsed.scheme or parsed.netloc or not target.startswith("/") or target.startswith("//"):
        return None
    return target


def _synthetic(request: Request, session: SessionDep) -> bool:
    from innopoints.adapters.db import enterprise_repo

    cache = request.app.state.cache
    return bool(cache.get("synthetic", lambda: enterprise_repo.has_synthetic(session)))


def _client(request: Request) -> str:
    return request.client.host if request.client else "unknown"


@router.get("/", operation_id="page_home")
def home(request: Request) -> Response:
    principal = auth.optional_principal(request)
    if principal is None:
        return RedirectResponse("/login", status_code=303)
    return RedirectResponse(navigation.home_for(principal), status_code=303)


def _login_page(
    request: Request, session: SessionDep, *, error: str | None = None, username: str = "", status: int = 200
) -> HTMLResponse:
    settings = request.app.state.settings
    demo = demo_accounts(session) if settings.demo_mode else []
    context = {
        "error": error,
        "username": username,
        "next": _safe_next(request.query_params.get("next")) or "",
        "demo_accounts": demo,
        "demo_password": DEMO_PASSWORD if demo else None,
    }
    return render(request, "login.html", context, synthetic=_synthetic(request, session), status_code=status)


@router.get("/login", operation_id="page_login", response_class=HTMLResponse)
def login_form(request: Request, session: SessionDep) -> Response:
    if auth.optional_principal(request) is not None:
        return RedirectResponse("/", status_code=303)
    return _login_page(request, session)


@router.post("/login", operation_id="login")
def login(
    request: Request,
    container: ContainerDep,
    session: SessionDep,
    username: Annotated[str, Form(max_length=60)] = "",
    password: Annotated[str, Form(max_length=200)] = "",
    next: Annotated[str, Form(max_length=500)] = "",
) -> Response:
    if not username.strip() or not password:
        return _login_page(request, session, error="请输入用户名和密码", username=username, status=400)
    # Attempts are recorded in their own transaction so a failed login still counts.
    with container.sessions() as attempts:
        user = authenticate(attempts, username, password, _client(request))
        opened = web_sessions.open_session(attempts, user) if user is not None else None
        attempts.commit()
    if opened is None:
        return _login_page(request, session, error=LOGIN_FAILED, username=username, status=401)
    target = _safe_next(next) or "/"
    response = RedirectResponse(target, status_code=303)
    max_age = int((opened.expires_at - datetime.now(UTC)).total_seconds())
    auth.set_session_cookie(response, opened.cookie_value, max_age, _secure(request))
    response.delete_cookie(auth.LOGIN_CSRF_COOKIE, path="/login")
    return response


@router.post("/logout", operation_id="logout")
def logout(request: Request, session: SessionDep, _: auth.PrincipalDep) -> Response:
    cookie = request.cookies.get(auth.SESSION_COOKIE)
    if cookie:
        web_sessions.end_session(session, cookie)
    response = RedirectResponse("/login", status_code=303)
    auth.clear_session_cookie(response, _secure(request))
    return response


def _account_page(
    request: Request,
    session: SessionDep,
    principal: auth.Principal,
    *,
    message: str | None = None,
    error: str | None = None,
    new_token: tokens.IssuedToken | None = None,
    status: int = 200,
) -> HTMLResponse:
    context = {
        "tokens": tokens.tokens_of(session, principal.user_id),
        "message": message,
        "error": error,
        "new_token": new_token,
    }
    return render(
        request, "account.html", context, synthetic=_synthetic(request, session), status_code=status
    )


@router.get("/account", operation_id="page_account", response_class=HTMLResponse)
def account(request: Request, session: SessionDep, principal: auth.PrincipalDep) -> HTMLResponse:
    return _account_page(request, session, principal)


@router.post("/account/password", operation_id="change_password")
def password(
    request: Request,
    session: SessionDep,
    principal: auth.PrincipalDep,
    current: Annotated[str, Form(max_length=200)] = "",
    new: Annotated[str, Form(max_length=200)] = "",
    confirm: Annotated[str, Form(max_length=200)] = "",
) -> Response:
    user = session.get(UserAccount, principal.user_id)
    assert user is not None
    try:
        if new != confirm:
            raise AccountError("两次输入的新密码不一致")
        change_password(session, user, current, new)
    except AccountError as exc:
        return _account_page(request, session, principal, error=exc.message, status=400)
    return _account_page(request, session, principal, message="密码已修改")


@router.post("/account/tokens", operation_id="create_api_token")
def create_token(
    request: Request,
    session: SessionDep,
    principal: auth.PrincipalDep,
    name: Annotated[str, Form(max_length=80)] = "",
    days: Annotated[int, Form(ge=1, le=366)] = 90,
) -> Response:
    user = session.get(UserAccount, principal.user_id)
    assert user is not None
    try:
        issued = tokens.issue_token(session, user, name, expires_at=datetime.now(UTC) + timedelta(days=days))
    except AccountError as exc:
        return _account_page(request, session, principal, error=exc.message, status=400)
    return _account_page(request, session, principal, message="令牌已创建，请立即复制保存", new_token=issued)


@router.post("/account/tokens/{token_id}/revoke", operation_id="revoke_api_token")
def revoke_token(
    request: Request, session: SessionDep, principal: auth.PrincipalDep, token_id: int
) -> Response:
    tokens.revoke_token(session, token_id, principal.user_id)
    return _account_page(request, session, principal, message="令牌已撤销")
