"""数据导入 (admin): upload a CSV/XLSX, preview with per-cell errors, confirm, error reports, history; and the
same as JSON under ``/api/imports``. The service is ``innopoints.web.imports.ImportService``."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Body, Depends, File, Form, Query, Request, UploadFile
from fastapi.responses import HTMLResponse, RedirectResponse, Response
from pydantic import BaseModel, Field

from innopoints.registry.importing.model import ERROR_REPORT_COLUMNS
from innopoints.registry.importing.staging import MAX_UPLOAD_BYTES, UploadRejected
from innopoints.registry.template import template_bytes
from innopoints.web.auth import PrincipalDep
from innopoints.web.deps import ContainerDep, SessionDep
from innopoints.web.errors import error_response
from innopoints.web.imports import HISTORY_COLUMNS, MODES, SHOWN_ERRORS, ImportService, sources
from innopoints.web.routes.cultivation_common import download, json_response
from innopoints.web.routes.page_helpers import check_format, export, synthetic
from innopoints.web.templating import render

router = APIRouter(tags=["数据导入 (imports)"])
FORMAT = Query(alias="format", description="csv 或 xlsx")
UPLOAD_CODES = {413: "payload_too_large", 415: "unsupported_file_type"}


def get_imports(container: ContainerDep, session: SessionDep, principal: PrincipalDep) -> ImportService:
    return ImportService(container, session, principal)


ImportsDep = Annotated[ImportService, Depends(get_imports)]


def _page(
    request: Request, imports: ImportsDep, *, error: str | None = None, status: int = 200
) -> HTMLResponse:
    context = {
        "history": imports.history(),
        "error": error,
        "limit_mb": MAX_UPLOAD_BYTES // 1024 // 1024,
    }
    return render(
        request, "imports.html", context, synthetic=synthetic(request, imports.session), status_code=status
    )


# ------------------------------------------------------------------------------------------ pages


@router.get("/imports", operation_id="page_imports", response_class=HTMLResponse, include_in_schema=False)
def imports_page(request: Request, imports: ImportsDep) -> HTMLResponse:
    return _page(request, imports)


@router.post("/imports/upload", operation_id="page_import_upload", include_in_schema=False)
def upload_page(
    request: Request, imports: ImportsDep, file: Annotated[UploadFile | None, File()] = None
) -> Response:
    if file is None or not file.filename:
        return _page(request, imports, error="请选择要上传的文件（CSV 或 XLSX）", status=400)
    try:
        staged = imports.upload(file.file, file.filename)
    except UploadRejected as exc:
        return _page(request, imports, error=exc.message, status=exc.status)
    return RedirectResponse(f"/imports/{staged.token}", status_code=303)


@router.get("/imports/export", operation_id="export_import_history", include_in_schema=False)
def export_history(imports: ImportsDep, fmt: Annotated[str, FORMAT] = "xlsx") -> Response:
    return export(HISTORY_COLUMNS, imports.history(limit=100_000), fmt, "导入历史")


@router.get("/imports/template.{fmt}", operation_id="download_import_template", include_in_schema=False)
def template(imports: ImportsDep, fmt: str) -> Response:
    check_format(fmt)
    return download(
        template_bytes("xlsx" if fmt == "xlsx" else "csv", imports.container.region), fmt, "导入模板"
    )


@router.get(
    "/imports/batches/{batch_id}/errors.{fmt}", operation_id="download_batch_errors", include_in_schema=False
)
def batch_errors(imports: ImportsDep, batch_id: int, fmt: str) -> Response:
    errors = imports.batch_errors(batch_id)
    return export(ERROR_REPORT_COLUMNS, (e.as_dict() for e in errors), fmt, f"导入批次{batch_id}_错误报告")


@router.get("/imports/{token}", operation_id="page_import_preview", include_in_schema=False)
def preview_page(request: Request, imports: ImportsDep, token: str) -> HTMLResponse:
    preview = imports.preview_of(token)
    context = {
        "p": preview,
        "errors": imports.staged_errors(token)[:SHOWN_ERRORS],
        "shown_errors": SHOWN_ERRORS,
        "sources": sources(),
        "modes": MODES,
    }
    return render(request, "import_preview.html", context, synthetic=synthetic(request, imports.session))


@router.post("/imports/{token}/confirm", operation_id="page_import_confirm", include_in_schema=False)
def confirm_page(
    imports: ImportsDep,
    token: str,
    source: Annotated[str, Form(max_length=40)] = "",
    mode: Annotated[str, Form(max_length=20)] = "",
) -> Response:
    imports.confirm(token, source=source, mode=mode)
    return RedirectResponse(f"/imports/{token}", status_code=303)


@router.get("/imports/{token}/errors.{fmt}", operation_id="download_upload_errors", include_in_schema=False)
def upload_errors(imports: ImportsDep, token: str, fmt: str) -> Response:
    errors = imports.staged_errors(token)
    name = imports.staged(token).display_name.rsplit(".", 1)[0]
    return export(ERROR_REPORT_COLUMNS, (e.as_dict() for e in errors), fmt, f"{name}_错误报告")


# ------------------------------------------------------------------------------------------ API


class ConfirmIn(BaseModel):
    source: str = Field(
        description="数据来源：tax、market_regulation、intellectual_property、statistics、self_reported、import"
    )
    mode: str = Field(
        description="quarantine（问题行隔离，其余写入）或 all_or_nothing（任一行有错则全部不写入）"
    )


def _preview_json(imports: ImportService, token: str) -> dict[str, Any]:
    body = imports.preview_of(token)
    body["errors"] = [e.as_dict() for e in imports.staged_errors(token)[:1000]]
    return body


@router.get(
    "/api/imports",
    operation_id="list_imports",
    summary="导入历史（最近 200 个批次）",
    response_class=Response,
)
def api_history(imports: ImportsDep) -> Response:
    return json_response({"items": imports.history()})


@router.post(
    "/api/imports",
    operation_id="upload_import",
    summary=f"上传 CSV/XLSX（不超过 {MAX_UPLOAD_BYTES // 1024 // 1024} MB）：校验并预览，不写入数据",
    response_class=Response,
    status_code=201,
)
def api_upload(request: Request, imports: ImportsDep, file: Annotated[UploadFile, File()]) -> Response:
    try:
        staged = imports.upload(file.file, file.filename or "")
    except UploadRejected as exc:
        return error_response(
            request, exc.status, UPLOAD_CODES.get(exc.status, "upload_rejected"), exc.message
        )
    return json_response(_preview_json(imports, staged.token), status_code=201)


@router.get(
    "/api/imports/{token}",
    operation_id="get_import_preview",
    summary="上传文件的预览：行数、表头映射、前 20 行、单元格错误（前 1000 条）与导入结果",
    response_class=Response,
)
def api_preview(imports: ImportsDep, token: str) -> Response:
    return json_response(_preview_json(imports, token))


@router.post(
    "/api/imports/{token}/confirm",
    operation_id="confirm_import",
    summary="确认导入已上传的文件（一个事务；隔离模式或全部或全不）",
    response_class=Response,
)
def api_confirm(imports: ImportsDep, token: str, body: Annotated[ConfirmIn, Body()]) -> Response:
    return json_response(imports.confirm(token, source=body.source, mode=body.mode))


@router.get(
    "/api/imports/{token}/errors",
    operation_id="download_import_errors",
    summary="单元格错误报告（行号、列名、原始值、期望、错误说明），CSV 或 XLSX",
    response_class=Response,
)
def api_errors(imports: ImportsDep, token: str, fmt: Annotated[str, FORMAT] = "xlsx") -> Response:
    return upload_errors(imports, token, fmt)
