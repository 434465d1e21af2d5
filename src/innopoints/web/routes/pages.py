"""HTML pages: the enterprise list (with export). The dashboard is in ``dashboard_pages``, the enterprise
profile page in ``profile_pages``."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from typing import Annotated
from urllib.parse import quote, urlencode

from fastapi import APIRouter, Query, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response

from innopoints.registry.directory import PAGE_SIZES, QUALIFICATION_KINDS, SORT_LABELS, qualification_label
from innopoints.web.deps import DirectoryDep, ListQueryDep
from innopoints.web.templating import render

router = APIRouter(tags=["页面 (pages)"])

MEDIA_TYPES = {
    "csv": "text/csv; charset=utf-8",
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
}


def _url_with(request: Request, **changes: object) -> Callable[..., str]:
    """A builder of links that keep the current filters and change some parameters."""
    base = {k: v for k, v in request.query_params.items() if v != ""}

    def build(**more: object) -> str:
        params = {**base, **{k: str(v) for k, v in {**changes, **more}.items() if v is not None}}
        return "?" + urlencode(params)

    return build


@router.get(
    "/enterprises", operation_id="page_enterprises", response_class=HTMLResponse, include_in_schema=False
)
def enterprises(request: Request, directory: DirectoryDep, query: ListQueryDep) -> Response:
    jump = directory.find_exact(query)
    if jump is not None:
        return RedirectResponse(f"/enterprises/{jump}", status_code=303)
    page = directory.search(query)
    link = _url_with(request)
    context = {
        "page": page,
        "query": query,
        "region": directory.region,
        "qualifications": [(k, qualification_label(k)) for k in QUALIFICATION_KINDS],
        "sort_labels": SORT_LABELS,
        "page_sizes": PAGE_SIZES,
        "page_url": lambda n: link(page=n),
        "export_url": lambda fmt: "/enterprises/export" + _url_with(request, page=None)(format=fmt),
    }
    return render(request, "enterprises.html", context, synthetic=directory.is_synthetic())


@router.get(
    "/enterprises/export",
    operation_id="export_enterprises",
    summary="导出当前筛选结果（CSV 为带 BOM 的 UTF-8；XLSX）",
    tags=["企业库 (enterprises)"],
    response_class=Response,
    responses={200: {"content": {"text/csv": {}, MEDIA_TYPES["xlsx"]: {}}}},
)
def export_enterprises(
    directory: DirectoryDep,
    query: ListQueryDep,
    fmt: Annotated[str, Query(alias="format", description="导出格式：csv 或 xlsx")] = "csv",
) -> Response:
    content = directory.export_list(query, fmt)
    name = f"企业库_{date.today():%Y%m%d}.{fmt}"
    disposition = (
        f"attachment; filename=\"enterprises-{date.today():%Y%m%d}.{fmt}\"; filename*=UTF-8''{quote(name)}"
    )
    return Response(content, media_type=MEDIA_TYPES[fmt], headers={"Content-Disposition": disposition})
