"""企业端 (enterprise users): the firm's own profile, data corrections (submitted for officer review), bank
consents (grant, revoke) and the audit trail of who read its data; as pages under ``/me`` and JSON under
``/api/me``. Services: ``accounts.self_service``, ``accounts.corrections``, ``accounts.correction_rows``."""

from __future__ import annotations

from datetime import date, timedelta
from typing import Annotated, Any

from fastapi import APIRouter, Body, Form, Query, Request
from fastapi.responses import HTMLResponse, Response
from pydantic import BaseModel, Field

from innopoints.accounts import corrections, self_service
from innopoints.accounts.audit import ACTION_LABELS
from innopoints.accounts.consent import CONSENT_SCOPES
from innopoints.accounts.correction_rows import EXPORT_COLUMNS, correction_rows, export_row, value_text
from innopoints.accounts.errors import AccountError
from innopoints.accounts.roles import ROLE_LABELS, Role
from innopoints.adapters.db.accounts_tables import AuditEvent
from innopoints.profile.service import page_summary
from innopoints.registry.panel_fields import panel_fields
from innopoints.scoring.rulebook import load_points
from innopoints.web.auth import PrincipalDep
from innopoints.web.deps import SessionDep
from innopoints.web.routes.cultivation_common import json_response
from innopoints.web.routes.page_helpers import export, synthetic
from innopoints.web.templating import render

router = APIRouter(tags=["企业端 (self service)"])
FORMAT = Query(alias="format", description="csv 或 xlsx")
CONSENT_COLUMNS: tuple[tuple[str, str], ...] = (
    ("id", "授权编号"),
    ("bank_name", "银行"),
    ("scope_text", "授权范围"),
    ("purpose", "用途"),
    ("granted_at", "授权时间"),
    ("expires_at", "到期时间"),
    ("revoked_at", "撤销时间"),
    ("status_label", "状态"),
)
AUDIT_COLUMNS: tuple[tuple[str, str], ...] = (
    ("at", "时间"),
    ("actor", "访问者"),
    ("role_label", "角色"),
    ("action_label", "操作"),
    ("channel", "渠道"),
    ("path", "地址"),
    ("detail", "说明"),
)


def _role_label(role: str) -> str:
    try:
        return ROLE_LABELS[Role(role)]
    except ValueError:
        return role


def audit_row(event: AuditEvent) -> dict[str, Any]:
    return {
        "id": event.id,
        "at": event.at,
        "actor": event.actor,
        "role": event.role,
        "role_label": _role_label(event.role),
        "action": event.action,
        "action_label": ACTION_LABELS.get(event.action, event.action),
        "channel": event.channel,
        "path": event.path,
        "detail": event.detail,
    }


def _consent_dict(row: self_service.ConsentRow) -> dict[str, Any]:
    return {
        "id": row.id,
        "bank_id": row.bank_id,
        "bank_name": row.bank_name,
        "scope": list(row.scope),
        "scope_text": row.scope_text,
        "purpose": row.purpose,
        "granted_at": row.granted_at,
        "expires_at": row.expires_at,
        "revoked_at": row.revoked_at,
        "status": row.status,
        "status_label": row.status_label,
    }


def _render(
    request: Request, session: SessionDep, name: str, context: dict[str, Any], status: int = 200
) -> HTMLResponse:
    return render(request, name, context, synthetic=synthetic(request, session), status_code=status)


# ------------------------------------------------------------------------------------------ overview


@router.get("/me", operation_id="page_me", response_class=HTMLResponse, include_in_schema=False)
def me_page(request: Request, session: SessionDep, principal: PrincipalDep) -> HTMLResponse:
    firm = self_service.own_enterprise(session, principal)
    profile = page_summary(session, load_points(request.app.state.settings.region), firm.uscc)
    pending = len(correction_rows(session, principal, "pending"))
    live = [c for c in self_service.consent_rows(session, principal) if c.status == "live"]
    context = {
        "firm": firm,
        "profile": profile,
        "gap_items": [] if profile is None else profile["gap_items"],
        "pending_corrections": pending,
        "live_consents": live,
        "region": request.app.state.container.region,
        "tab": "overview",
    }
    return _render(request, session, "me.html", context)


# ------------------------------------------------------------------------------------------ corrections


def _corrections_page(
    request: Request,
    session: SessionDep,
    principal: PrincipalDep,
    *,
    message: str | None = None,
    error: str | None = None,
    form: dict[str, str] | None = None,
    status: int = 200,
) -> HTMLResponse:
    firm = self_service.own_enterprise(session, principal)
    context = {
        "firm": firm,
        "rows": correction_rows(session, principal),
        "fields": sorted(panel_fields().values(), key=lambda f: f.name_zh),
        "default_year": date.today().year - 1,
        "message": message,
        "error": error,
        "form": form or {},
        "value_text": value_text,
        "tab": "corrections",
    }
    return _render(request, session, "me_corrections.html", context, status)


@router.get("/me/corrections", operation_id="page_me_corrections", include_in_schema=False)
def me_corrections(request: Request, session: SessionDep, principal: PrincipalDep) -> HTMLResponse:
    return _corrections_page(request, session, principal)


def _year(raw: str) -> int:
    try:
        return int(raw.strip())
    except ValueError:
        raise AccountError(f"年度应为四位数字，如 {date.today().year - 1}，收到“{raw}”") from None


@router.post("/me/corrections", operation_id="page_submit_correction", include_in_schema=False)
def submit_correction_page(
    request: Request,
    session: SessionDep,
    principal: PrincipalDep,
    field: Annotated[str, Form(max_length=60)] = "",
    year: Annotated[str, Form(max_length=10)] = "",
    value: Annotated[str, Form(max_length=40)] = "",
    reason: Annotated[str, Form(max_length=2000)] = "",
) -> Response:
    form = {"field": field, "year": year, "value": value, "reason": reason}
    try:
        row = corrections.submit(
            session, principal, year=_year(year), field=field, raw_value=value, reason=reason
        )
    except AccountError as exc:
        return _corrections_page(request, session, principal, error=exc.message, form=form, status=400)
    return _corrections_page(request, session, principal, message=f"更正申请 #{row.id} 已提交，等待审核")


@router.get("/me/corrections/export", operation_id="export_my_corrections", include_in_schema=False)
def export_my_corrections(
    session: SessionDep, principal: PrincipalDep, fmt: Annotated[str, FORMAT] = "xlsx"
) -> Response:
    self_service.own_enterprise(session, principal)
    rows = [export_row(r) for r in correction_rows(session, principal)]
    return export(EXPORT_COLUMNS, rows, fmt, "数据更正申请")


# ------------------------------------------------------------------------------------------ consents


def _consents_page(
    request: Request,
    session: SessionDep,
    principal: PrincipalDep,
    *,
    message: str | None = None,
    error: str | None = None,
    status: int = 200,
) -> HTMLResponse:
    firm = self_service.own_enterprise(session, principal)
    context = {
        "firm": firm,
        "rows": self_service.consent_rows(session, principal),
        "banks": self_service.banks(session),
        "scopes": CONSENT_SCOPES,
        "default_expiry": (date.today() + timedelta(days=365)).isoformat(),
        "min_expiry": (date.today() + timedelta(days=1)).isoformat(),
        "message": message,
        "error": error,
        "tab": "consents",
    }
    return _render(request, session, "me_consents.html", context, status)


@router.get("/me/consents", operation_id="page_me_consents", include_in_schema=False)
def me_consents(request: Request, session: SessionDep, principal: PrincipalDep) -> HTMLResponse:
    return _consents_page(request, session, principal)


def _parse_day(raw: str) -> date:
    try:
        return date.fromisoformat(raw.strip())
    except ValueError:
        raise AccountError(f"到期日期应为 YYYY-MM-DD 格式，收到“{raw}”") from None


def _parse_bank(raw: str) -> int:
    if not raw.strip().isdigit():
        raise AccountError("请选择被授权的银行")
    return int(raw)


@router.post("/me/consents", operation_id="page_grant_consent", include_in_schema=False)
def grant_consent_page(
    request: Request,
    session: SessionDep,
    principal: PrincipalDep,
    bank_id: Annotated[str, Form(max_length=12)] = "",
    scope: Annotated[list[str] | None, Form(max_length=20)] = None,
    purpose: Annotated[str, Form(max_length=400)] = "",
    expires_on: Annotated[str, Form(max_length=20)] = "",
) -> Response:
    try:
        row = self_service.grant_consent(
            session,
            principal,
            bank_id=_parse_bank(bank_id),
            scope=tuple(scope or ()),
            purpose=purpose,
            expires_on=_parse_day(expires_on),
        )
    except AccountError as exc:
        return _consents_page(request, session, principal, error=exc.message, status=400)
    return _consents_page(request, session, principal, message=f"授权 #{row.id} 已生效")


@router.post("/me/consents/{consent_id}/revoke", operation_id="page_revoke_consent", include_in_schema=False)
def revoke_consent_page(
    request: Request, session: SessionDep, principal: PrincipalDep, consent_id: int
) -> Response:
    try:
        self_service.revoke_consent(session, principal, consent_id)
    except AccountError as exc:
        return _consents_page(request, session, principal, error=exc.message, status=400)
    return _consents_page(
        request, session, principal, message=f"授权 #{consent_id} 已撤销，银行即刻无法再查看"
    )


@router.get("/me/consents/export", operation_id="export_my_consents", include_in_schema=False)
def export_my_consents(
    session: SessionDep, principal: PrincipalDep, fmt: Annotated[str, FORMAT] = "xlsx"
) -> Response:
    rows = [_consent_dict(r) for r in self_service.consent_rows(session, principal)]
    return export(CONSENT_COLUMNS, rows, fmt, "银行授权")


# ------------------------------------------------------------------------------------------ audit trail


@router.get("/me/audit", operation_id="page_me_audit", include_in_schema=False)
def me_audit(request: Request, session: SessionDep, principal: PrincipalDep) -> HTMLResponse:
    firm = self_service.own_enterprise(session, principal)
    events = [audit_row(e) for e in self_service.audit_trail(session, principal)]
    context = {"firm": firm, "events": events, "tab": "audit", "limit": self_service.TRAIL_LIMIT}
    return _render(request, session, "me_audit.html", context)


@router.get("/me/audit/export", operation_id="export_my_audit", include_in_schema=False)
def export_my_audit(
    session: SessionDep, principal: PrincipalDep, fmt: Annotated[str, FORMAT] = "xlsx"
) -> Response:
    events = [audit_row(e) for e in self_service.audit_trail(session, principal, limit=100_000)]
    return export(AUDIT_COLUMNS, events, fmt, "数据访问记录")


# ------------------------------------------------------------------------------------------ API


class CorrectionIn(BaseModel):
    field: str = Field(max_length=60, description="指标编号，如 rd_expense（见 registry/panel_fields.yaml）")
    year: int = Field(ge=2000, le=2100, description="年度")
    value: str = Field(max_length=40, description="更正后的值（金额单位为元，最多两位小数）")
    reason: str = Field(max_length=1000, description="更正理由")


class ConsentIn(BaseModel):
    bank_id: int = Field(description="银行编号")
    scope: list[str] = Field(description="授权范围：points（积分）、profile（画像）、financials（经营数据）")
    purpose: str = Field(max_length=200, description="用途，如 申请创新积分贷")
    expires_on: date = Field(description="到期日期（含当天，北京时间）")


def _firm_json(session: SessionDep, principal: PrincipalDep) -> dict[str, Any]:
    firm = self_service.own_enterprise(session, principal)
    return {
        "uscc": firm.uscc,
        "name": firm.name,
        "district_code": firm.district_code,
        "park_id": firm.park_id,
    }


@router.get("/api/me", operation_id="get_me", summary="本企业基本信息（企业用户）", response_class=Response)
def api_me(session: SessionDep, principal: PrincipalDep) -> Response:
    body = _firm_json(session, principal)
    body["links"] = {
        "profile": f"/api/enterprises/{body['uscc']}/profile",
        "detail": f"/api/enterprises/{body['uscc']}",
        "report_pdf": f"/enterprises/{body['uscc']}/report.pdf",
    }
    return json_response(body)


def _correction_dict(row: Any) -> dict[str, Any]:
    body = export_row(row)
    body.update({"field": row.field, "status": row.status})
    return body


@router.get(
    "/api/me/corrections",
    operation_id="list_my_corrections",
    summary="本企业的数据更正申请",
    response_class=Response,
)
def api_my_corrections(session: SessionDep, principal: PrincipalDep) -> Response:
    self_service.own_enterprise(session, principal)
    return json_response({"items": [_correction_dict(r) for r in correction_rows(session, principal)]})


@router.post(
    "/api/me/corrections",
    operation_id="submit_correction",
    summary="提交数据更正申请（待区县/园区审核，采纳后记为“自报”修订）",
    response_class=Response,
    status_code=201,
)
def api_submit_correction(
    session: SessionDep, principal: PrincipalDep, body: Annotated[CorrectionIn, Body()]
) -> Response:
    row = corrections.submit(
        session, principal, year=body.year, field=body.field, raw_value=body.value, reason=body.reason
    )
    return json_response({"id": row.id, "status": row.status}, status_code=201)


@router.get(
    "/api/me/consents",
    operation_id="list_my_consents",
    summary="本企业对银行的授权（有效、过期、撤销）",
    response_class=Response,
)
def api_my_consents(session: SessionDep, principal: PrincipalDep) -> Response:
    return json_response({"items": [_consent_dict(r) for r in self_service.consent_rows(session, principal)]})


@router.post(
    "/api/me/consents",
    operation_id="grant_consent",
    summary="向银行授权查看本企业数据（范围、用途、到期日），立即生效",
    response_class=Response,
    status_code=201,
)
def api_grant_consent(
    session: SessionDep, principal: PrincipalDep, body: Annotated[ConsentIn, Body()]
) -> Response:
    row = self_service.grant_consent(
        session,
        principal,
        bank_id=body.bank_id,
        scope=tuple(body.scope),
        purpose=body.purpose,
        expires_on=body.expires_on,
    )
    return json_response({"id": row.id, "status": "live"}, status_code=201)


@router.post(
    "/api/me/consents/{consent_id}/revoke",
    operation_id="revoke_consent",
    summary="撤销授权，立即生效",
    response_class=Response,
)
def api_revoke_consent(session: SessionDep, principal: PrincipalDep, consent_id: int) -> Response:
    row = self_service.revoke_consent(session, principal, consent_id)
    return json_response({"id": row.id, "status": "revoked", "revoked_at": row.revoked_at})


@router.get(
    "/api/me/audit",
    operation_id="list_my_audit_trail",
    summary="谁在何时查看了本企业的数据（最近 500 条）",
    response_class=Response,
)
def api_my_audit(session: SessionDep, principal: PrincipalDep) -> Response:
    return json_response({"items": [audit_row(e) for e in self_service.audit_trail(session, principal)]})
