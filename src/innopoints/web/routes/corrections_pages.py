"""更正审核 (admin, and officers for the firms in their district or park): pending data corrections with
approve / reject (a reason is required to reject); as a page under ``/corrections`` and JSON under
``/api/corrections``. Approval appends a panel revision with source ``self_reported``."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Body, Form, Query, Request
from fastapi.responses import HTMLResponse, Response
from pydantic import BaseModel, Field

from innopoints.accounts.access import require, scope_description
from innopoints.accounts.correction_rows import (
    EXPORT_COLUMNS,
    STATUSES,
    correction_rows,
    export_row,
    review_and_audit,
    value_text,
)
from innopoints.accounts.corrections import STATUS_LABELS
from innopoints.accounts.errors import AccountError
from innopoints.web.auth import ActorDep
from innopoints.web.deps import SessionDep
from innopoints.web.routes.cultivation_common import json_response
from innopoints.web.routes.page_helpers import export, synthetic
from innopoints.web.templating import render

router = APIRouter(tags=["更正审核 (corrections)"])
STATUS = Query(description="状态：pending（待审核，默认）、approved、rejected；all 为全部")


def _status(value: str) -> str | None:
    if value == "all":
        return None
    if value not in STATUSES:
        raise AccountError(f"状态应为 pending、approved、rejected 或 all，收到“{value}”")
    return value


def _page(
    request: Request,
    session: SessionDep,
    actor: ActorDep,
    status: str,
    *,
    message: str | None = None,
    error: str | None = None,
    code: int = 200,
) -> HTMLResponse:
    require(actor.principal, "corrections.review")
    context = {
        "rows": correction_rows(session, actor.principal, _status(status)),
        "status": status,
        "status_labels": {**STATUS_LABELS, "all": "全部"},
        "scope_text": scope_description(actor.principal),
        "value_text": value_text,
        "message": message,
        "error": error,
    }
    return render(
        request, "corrections.html", context, synthetic=synthetic(request, session), status_code=code
    )


@router.get(
    "/corrections", operation_id="page_corrections", response_class=HTMLResponse, include_in_schema=False
)
def corrections_page(
    request: Request, session: SessionDep, actor: ActorDep, status: Annotated[str, STATUS] = "pending"
) -> HTMLResponse:
    return _page(request, session, actor, status)


@router.get("/corrections/export", operation_id="export_corrections", include_in_schema=False)
def export_corrections(
    session: SessionDep,
    actor: ActorDep,
    status: Annotated[str, STATUS] = "all",
    fmt: Annotated[str, Query(alias="format")] = "xlsx",
) -> Response:
    require(actor.principal, "corrections.review")
    rows = [export_row(r) for r in correction_rows(session, actor.principal, _status(status))]
    return export(EXPORT_COLUMNS, rows, fmt, "数据更正审核")


@router.post(
    "/corrections/{correction_id}/review", operation_id="page_review_correction", include_in_schema=False
)
def review_page(
    request: Request,
    session: SessionDep,
    actor: ActorDep,
    correction_id: int,
    decision: Annotated[str, Form(max_length=10)] = "",
    note: Annotated[str, Form(max_length=1000)] = "",
) -> HTMLResponse:
    try:
        if decision not in ("approve", "reject"):
            raise AccountError("请选择“采纳”或“驳回”")
        review_and_audit(
            session,
            actor.principal,
            correction_id,
            approve=decision == "approve",
            note=note,
            channel=actor.channel,
            path=actor.path,
        )
    except AccountError as exc:
        return _page(request, session, actor, "pending", error=exc.message, code=400)
    done = "已采纳，新值已记为“自报”修订" if decision == "approve" else "已驳回"
    return _page(request, session, actor, "pending", message=f"更正申请 #{correction_id} {done}")


class ReviewIn(BaseModel):
    approve: bool = Field(description="true 采纳；false 驳回")
    note: str = Field(default="", max_length=1000, description="审核意见（驳回时必填）")


def _row_json(row: Any) -> dict[str, Any]:
    body = export_row(row)
    body.update({"field": row.field, "status": row.status})
    return body


@router.get(
    "/api/corrections",
    operation_id="list_corrections",
    summary="数据范围内企业的更正申请（默认待审核）",
    response_class=Response,
)
def api_corrections(
    session: SessionDep, actor: ActorDep, status: Annotated[str, STATUS] = "pending"
) -> Response:
    require(actor.principal, "corrections.review")
    rows = correction_rows(session, actor.principal, _status(status))
    return json_response({"items": [_row_json(r) for r in rows]})


@router.post(
    "/api/corrections/{correction_id}/review",
    operation_id="review_correction",
    summary="审核更正申请：采纳（追加“自报”修订）或驳回（须填理由）",
    response_class=Response,
)
def api_review(
    session: SessionDep, actor: ActorDep, correction_id: int, body: Annotated[ReviewIn, Body()]
) -> Response:
    row = review_and_audit(
        session,
        actor.principal,
        correction_id,
        approve=body.approve,
        note=body.note,
        channel=actor.channel,
        path=actor.path,
    )
    return json_response({"id": row.id, "status": row.status, "review_note": row.review_note})
