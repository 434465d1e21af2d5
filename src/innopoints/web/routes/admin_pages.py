"""管理 (admin): users with role and scope (create, disable/enable, reset password), the audit-log browser and the
demo-data reset; as pages under ``/admin`` and JSON under ``/api/admin``. Service: ``accounts.admin``."""

from __future__ import annotations

from dataclasses import asdict
from datetime import date
from math import ceil
from typing import Annotated, Any
from urllib.parse import urlencode

from fastapi import APIRouter, Body, Depends, Form, Query, Request
from fastapi.responses import HTMLResponse, Response
from pydantic import BaseModel, Field

from innopoints.accounts import admin
from innopoints.accounts.access import require
from innopoints.accounts.audit import ACTION_LABELS
from innopoints.accounts.demo import reset_demo_activity
from innopoints.accounts.errors import AccountError
from innopoints.accounts.roles import ROLE_LABELS, SCOPE_COLUMNS, Role
from innopoints.web.auth import PrincipalDep
from innopoints.web.deps import ContainerDep, SessionDep
from innopoints.web.routes.cultivation_common import json_response
from innopoints.web.routes.page_helpers import export, synthetic
from innopoints.web.templating import render

router = APIRouter(tags=["管理 (admin)"])
FORMAT = Query(alias="format", description="csv 或 xlsx")
USER_COLUMNS: tuple[tuple[str, str], ...] = (
    ("id", "编号"),
    ("username", "用户名"),
    ("display_name", "显示名称"),
    ("role_label", "角色"),
    ("scope_text", "数据范围"),
    ("active_text", "状态"),
    ("demo_text", "演示账户"),
    ("created_at", "创建时间"),
    ("last_login", "最近登录"),
)
AUDIT_COLUMNS: tuple[tuple[str, str], ...] = (
    ("id", "编号"),
    ("at", "时间（UTC）"),
    ("actor", "访问者"),
    ("role_label", "角色"),
    ("action_label", "操作"),
    ("enterprise_name", "企业"),
    ("uscc", "统一社会信用代码"),
    ("channel", "渠道"),
    ("path", "地址"),
    ("detail", "说明"),
)
SCOPE_HINTS = {
    Role.ADMIN: "留空（全市）",
    Role.OFFICER: "区县代码或名称（如 210112 / 浑南区），或园区标识或名称",
    Role.ENTERPRISE: "企业统一社会信用代码",
    Role.BANK: "银行编号或全称",
    Role.INSTITUTION: "高校/院所编号或全称",
    Role.BROKER: "技术经纪人编号或姓名",
    Role.PILOT_BASE: "中试基地/概念验证中心编号或全称",
}


def _user_dict(row: admin.UserRow) -> dict[str, Any]:
    body = asdict(row)
    body["active_text"] = "启用" if row.is_active else "已停用"
    body["demo_text"] = "是" if row.is_demo else "否"
    return body


def _audit_dict(row: admin.AuditRow) -> dict[str, Any]:
    body = asdict(row)
    try:
        body["role_label"] = ROLE_LABELS[Role(row.role)]
    except ValueError:
        body["role_label"] = row.role
    body["action_label"] = ACTION_LABELS.get(row.action, row.action)
    return body


def _users_page(
    request: Request,
    session: SessionDep,
    principal: PrincipalDep,
    *,
    message: str | None = None,
    error: str | None = None,
    secret: tuple[str, str] | None = None,
    form: dict[str, str] | None = None,
    status: int = 200,
) -> HTMLResponse:
    region = request.app.state.container.region
    context = {
        "users": admin.list_users(session, principal, region),
        "roles": [(r.value, ROLE_LABELS[r], SCOPE_HINTS[r]) for r in Role],
        "message": message,
        "error": error,
        "secret": secret,
        "form": form or {},
        "demo_mode": request.app.state.settings.demo_mode,
        "tab": "users",
    }
    return render(
        request, "admin_users.html", context, synthetic=synthetic(request, session), status_code=status
    )


@router.get("/admin", operation_id="page_admin", response_class=HTMLResponse, include_in_schema=False)
def admin_page(request: Request, session: SessionDep, principal: PrincipalDep) -> HTMLResponse:
    return _users_page(request, session, principal)


@router.post("/admin/users", operation_id="page_create_user", include_in_schema=False)
def create_user_page(
    request: Request,
    container: ContainerDep,
    session: SessionDep,
    principal: PrincipalDep,
    username: Annotated[str, Form(max_length=60)] = "",
    display_name: Annotated[str, Form(max_length=120)] = "",
    role: Annotated[str, Form(max_length=20)] = "",
    scope: Annotated[str, Form(max_length=200)] = "",
    password: Annotated[str, Form(max_length=200)] = "",
) -> HTMLResponse:
    form = {"username": username, "display_name": display_name, "role": role, "scope": scope}
    try:
        user, initial = admin.create_scoped_user(
            session,
            principal,
            container.region,
            username=username,
            display_name=display_name,
            role=role,
            scope=scope,
            password=password,
        )
    except AccountError as exc:
        return _users_page(request, session, principal, error=exc.message, form=form, status=400)
    shown = None if password else (user.username, initial)
    return _users_page(request, session, principal, message=f"用户“{user.username}”已创建", secret=shown)


@router.post("/admin/users/{user_id}/active", operation_id="page_set_user_active", include_in_schema=False)
def set_active_page(
    request: Request,
    session: SessionDep,
    principal: PrincipalDep,
    user_id: int,
    active: Annotated[str, Form(max_length=5)] = "",
) -> HTMLResponse:
    try:
        if active not in ("1", "0"):
            raise AccountError("请求无效：active 应为 1（启用）或 0（停用）")
        user = admin.set_user_active(session, principal, user_id, active == "1")
    except AccountError as exc:
        return _users_page(request, session, principal, error=exc.message, status=400)
    done = "已启用" if user.is_active else "已停用，其登录会话与 API 令牌立即失效"
    return _users_page(request, session, principal, message=f"用户“{user.username}”{done}")


@router.post("/admin/users/{user_id}/password", operation_id="page_reset_password", include_in_schema=False)
def reset_password_page(
    request: Request, session: SessionDep, principal: PrincipalDep, user_id: int
) -> HTMLResponse:
    try:
        user, password = admin.reset_password(session, principal, user_id)
    except AccountError as exc:
        return _users_page(request, session, principal, error=exc.message, status=400)
    return _users_page(
        request,
        session,
        principal,
        message=f"用户“{user.username}”的密码已重置，原登录会话已结束",
        secret=(user.username, password),
    )


@router.get("/admin/users/export", operation_id="export_users", include_in_schema=False)
def export_users(
    request: Request, session: SessionDep, principal: PrincipalDep, fmt: Annotated[str, FORMAT] = "xlsx"
) -> Response:
    rows = admin.list_users(session, principal, request.app.state.container.region)
    return export(USER_COLUMNS, [_user_dict(r) for r in rows], fmt, "用户列表")


@router.post("/admin/demo-reset", operation_id="page_demo_reset", include_in_schema=False)
def demo_reset_page(request: Request, session: SessionDep, principal: PrincipalDep) -> HTMLResponse:
    require(principal, "demo.reset")
    if not request.app.state.settings.demo_mode:
        return _users_page(request, session, principal, error="仅在演示模式下可以重置演示数据", status=400)
    reset_demo_activity(session)
    return _users_page(
        request,
        session,
        principal,
        message="演示数据已重置：演示账户密码与启用状态恢复，演示企业的授权、待审更正与会话已清除（访问记录保留）；演示账户需重新登录",
    )


# ------------------------------------------------------------------------------------------ audit log


def _day(raw: str | None, label: str) -> date | None:
    if not raw:
        return None
    try:
        return date.fromisoformat(raw)
    except ValueError:
        raise AccountError(f"{label}应为 YYYY-MM-DD 格式，收到“{raw}”") from None


def audit_filter(
    actor: Annotated[str, Query(max_length=120, description="访问者（用户名或名称，部分匹配）")] = "",
    role: Annotated[str, Query(max_length=20, description="角色：admin、officer、bank …")] = "",
    action: Annotated[str, Query(max_length=40, description="操作：view_enterprise、export_profile …")] = "",
    uscc: Annotated[str, Query(max_length=18, description="企业统一社会信用代码")] = "",
    channel: Annotated[str, Query(max_length=10, description="渠道：web、api、cli")] = "",
    date_from: Annotated[str, Query(max_length=10, description="起始日期 YYYY-MM-DD（北京时间）")] = "",
    date_to: Annotated[str, Query(max_length=10, description="结束日期 YYYY-MM-DD（含当天）")] = "",
) -> admin.AuditFilter:
    return admin.AuditFilter(
        actor=actor,
        role=role,
        action=action,
        uscc=uscc,
        channel=channel,
        date_from=_day(date_from, "起始日期"),
        date_to=_day(date_to, "结束日期"),
    )


AuditFilterDep = Annotated[admin.AuditFilter, Depends(audit_filter)]


@router.get(
    "/admin/audit", operation_id="page_audit_log", response_class=HTMLResponse, include_in_schema=False
)
def audit_page(
    request: Request,
    session: SessionDep,
    principal: PrincipalDep,
    filters: AuditFilterDep,
    page: Annotated[int, Query(ge=1, le=100_000)] = 1,
) -> HTMLResponse:
    total, rows = admin.search_audit(session, principal, filters, page)
    params = {k: v for k, v in request.query_params.items() if v and k != "page"}
    pages = max(1, ceil(total / admin.AUDIT_PAGE_SIZE))
    context = {
        "rows": [_audit_dict(r) for r in rows],
        "total": total,
        "page": {"page": page, "pages": pages, "total": total},
        "page_url": lambda n: "?" + urlencode({**params, "page": n}),
        "export_url": lambda fmt: "/admin/audit/export?" + urlencode({**params, "format": fmt}),
        "f": request.query_params,
        "roles": [(r.value, ROLE_LABELS[r]) for r in Role],
        "actions": ACTION_LABELS,
        "tab": "audit",
    }
    return render(request, "admin_audit.html", context, synthetic=synthetic(request, session))


@router.get("/admin/audit/export", operation_id="export_audit_log", include_in_schema=False)
def export_audit(
    session: SessionDep,
    principal: PrincipalDep,
    filters: AuditFilterDep,
    fmt: Annotated[str, FORMAT] = "xlsx",
) -> Response:
    rows = admin.export_audit(session, principal, filters)
    return export(AUDIT_COLUMNS, [_audit_dict(r) for r in rows], fmt, "访问审计")


# ------------------------------------------------------------------------------------------ API


class UserIn(BaseModel):
    username: str = Field(max_length=60, description="用户名")
    display_name: str = Field(default="", max_length=120, description="显示名称")
    role: str = Field(description="角色：admin、officer、enterprise、bank、institution、broker、pilot_base")
    scope: str = Field(
        default="",
        max_length=200,
        description="数据范围：区县代码/名称或园区（officer），统一社会信用代码（enterprise），机构编号或全称（其他）",
    )
    password: str = Field(
        default="", max_length=200, description="初始密码；留空则生成临时密码并在响应中返回一次"
    )


class ActiveIn(BaseModel):
    active: bool = Field(description="true 启用；false 停用（会话与令牌立即失效）")


@router.get(
    "/api/admin/users",
    operation_id="list_users",
    summary="用户列表（角色、数据范围、状态、最近登录）",
    response_class=Response,
)
def api_users(request: Request, session: SessionDep, principal: PrincipalDep) -> Response:
    rows = admin.list_users(session, principal, request.app.state.container.region)
    return json_response({"items": [_user_dict(r) for r in rows]})


@router.post(
    "/api/admin/users",
    operation_id="create_user",
    summary="创建用户（数据范围按区域与企业库校验）",
    response_class=Response,
    status_code=201,
)
def api_create_user(
    container: ContainerDep, session: SessionDep, principal: PrincipalDep, body: Annotated[UserIn, Body()]
) -> Response:
    user, initial = admin.create_scoped_user(
        session,
        principal,
        container.region,
        username=body.username,
        display_name=body.display_name,
        role=body.role,
        scope=body.scope,
        password=body.password,
    )
    out: dict[str, Any] = {"id": user.id, "username": user.username, "role": user.role}
    out.update({c: getattr(user, c) for c in SCOPE_COLUMNS[Role(user.role)] if getattr(user, c) is not None})
    if not body.password:
        out["temporary_password"] = initial
    return json_response(out, status_code=201)


@router.post(
    "/api/admin/users/{user_id}/active",
    operation_id="set_user_active",
    summary="启用或停用用户",
    response_class=Response,
)
def api_set_active(
    session: SessionDep, principal: PrincipalDep, user_id: int, body: Annotated[ActiveIn, Body()]
) -> Response:
    user = admin.set_user_active(session, principal, user_id, body.active)
    return json_response({"id": user.id, "is_active": user.is_active})


@router.post(
    "/api/admin/users/{user_id}/password",
    operation_id="reset_user_password",
    summary="重置密码（生成临时密码，结束该用户的全部会话）",
    response_class=Response,
)
def api_reset_password(session: SessionDep, principal: PrincipalDep, user_id: int) -> Response:
    user, password = admin.reset_password(session, principal, user_id)
    return json_response({"id": user.id, "temporary_password": password})


@router.get(
    "/api/admin/audit",
    operation_id="list_audit_events",
    summary="访问审计日志（筛选：访问者、角色、操作、企业、渠道、日期），每页 50 条",
    response_class=Response,
)
def api_audit(
    session: SessionDep,
    principal: PrincipalDep,
    filters: AuditFilterDep,
    page: Annotated[int, Query(ge=1, le=100_000)] = 1,
) -> Response:
    total, rows = admin.search_audit(session, principal, filters, page)
    return json_response(
        {
            "total": total,
            "page": page,
            "page_size": admin.AUDIT_PAGE_SIZE,
            "items": [_audit_dict(r) for r in rows],
        }
    )
