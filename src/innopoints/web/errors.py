"""Error responses: ``{"error": {"code", "message"}}`` for the API, a Chinese error page for HTML."""

from __future__ import annotations

import logging
from typing import Any
from urllib.parse import quote

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse, RedirectResponse, Response
from starlette.exceptions import HTTPException

from innopoints.accounts.errors import AccessDenied, AccountError, NotAuthenticated, TooManyAttempts
from innopoints.errors import NotFound, UserError
from innopoints.finance.loans import LoanConflict
from innopoints.web.templating import render

log = logging.getLogger(__name__)

_TYPES = {
    "int_parsing": ("应为整数", "must be an integer"),
    "int_from_float": ("应为整数", "must be an integer"),
    "bool_parsing": ("应为 true 或 false", "must be a boolean"),
    "missing": ("缺少必填参数", "required"),
    "string_too_long": ("内容过长", "too long"),
    "greater_than_equal": ("数值过小", "too small"),
    "less_than_equal": ("数值过大", "too large"),
}
_STATUS_TEXT = {
    404: ("not_found", "页面或资源不存在 (not found)"),
    405: ("method_not_allowed", "不支持该请求方法 (method not allowed)"),
}


def _wants_json(request: Request) -> bool:
    path = request.url.path
    return path.startswith("/api/") or path in ("/api", "/healthz", "/openapi.json")


def _synthetic(request: Request) -> bool:
    try:
        from innopoints.adapters.db import enterprise_repo

        container = request.app.state.container
        with container.sessions() as session:
            cache = request.app.state.cache
            return bool(cache.get("synthetic", lambda: enterprise_repo.has_synthetic(session)))
    except Exception:  # the error page must render even when the database is down
        log.exception("synthetic-data check failed while rendering an error page")
        return False


def error_response(request: Request, status: int, code: str, message: str) -> Response:
    if _wants_json(request):
        return JSONResponse({"error": {"code": code, "message": message}}, status_code=status)
    context: dict[str, Any] = {"status": status, "code": code, "message": message}
    return render(request, "error.html", context, synthetic=_synthetic(request), status_code=status)


def validation_message(exc: RequestValidationError) -> str:
    parts = []
    for err in exc.errors():
        loc = [str(p) for p in err.get("loc", ()) if p not in ("query", "path", "body")]
        name = ".".join(loc) or "请求"
        zh, en = _TYPES.get(err.get("type", ""), ("取值无效", str(err.get("msg", ""))))
        given = err.get("input")
        received = f"，收到“{given}”" if isinstance(given, str | int) else ""
        parts.append(f"参数 {name}：{zh}{received} ({en})")
    return "；".join(parts) or "请求参数无效 (invalid request)"


def install(app: FastAPI) -> None:
    @app.exception_handler(NotAuthenticated)
    def _not_authenticated(request: Request, exc: NotAuthenticated) -> Response:
        if _wants_json(request) or request.method not in ("GET", "HEAD"):
            response = error_response(request, 401, "not_authenticated", exc.message)
            response.headers["WWW-Authenticate"] = "Bearer"
            return response
        target = request.url.path + (f"?{request.url.query}" if request.url.query else "")
        return RedirectResponse(f"/login?next={quote(target, safe='')}", status_code=303)

    @app.exception_handler(AccessDenied)
    def _denied(request: Request, exc: AccessDenied) -> Response:
        return error_response(request, 403, "forbidden", exc.message)

    @app.exception_handler(TooManyAttempts)
    def _too_many(request: Request, exc: TooManyAttempts) -> Response:
        response = error_response(request, 429, "too_many_attempts", exc.message)
        response.headers["Retry-After"] = str(exc.retry_after_seconds)
        return response

    @app.exception_handler(AccountError)
    def _account_error(request: Request, exc: AccountError) -> Response:
        return error_response(request, 400, "invalid_request", exc.message)

    @app.exception_handler(LoanConflict)
    def _loan_conflict(request: Request, exc: LoanConflict) -> Response:
        return error_response(request, 409, "conflict", exc.message)  # 他人已修改此申请，请刷新后重试

    @app.exception_handler(UserError)
    def _user_error(request: Request, exc: UserError) -> Response:
        if isinstance(exc, NotFound):
            return error_response(request, 404, "not_found", exc.message)
        return error_response(request, 422, "invalid_query", exc.message)

    @app.exception_handler(RequestValidationError)
    def _validation(request: Request, exc: RequestValidationError) -> Response:
        return error_response(request, 422, "invalid_query", validation_message(exc))

    @app.exception_handler(HTTPException)
    def _http(request: Request, exc: HTTPException) -> Response:
        code, message = _STATUS_TEXT.get(exc.status_code, ("http_error", str(exc.detail)))
        return error_response(request, exc.status_code, code, message)

    @app.exception_handler(Exception)
    def _internal(request: Request, exc: Exception) -> Response:
        log.exception("unhandled error on %s", request.url.path)
        return error_response(request, 500, "internal_error", "服务器内部错误，请稍后重试 (internal error)")
