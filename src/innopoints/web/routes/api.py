"""JSON API of the enterprise directory (企业库)."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Query

from innopoints.web.deps import DirectoryDep, ListQueryDep
from innopoints.web.schemas import (
    EnterpriseDetailOut,
    EnterpriseListOut,
    ErrorBody,
    RevisionListOut,
    RevisionOut,
)

ERRORS: dict[int | str, dict[str, object]] = {
    401: {"model": ErrorBody, "description": "未登录或令牌无效 (not authenticated)"},
    403: {"model": ErrorBody, "description": "角色无权使用，或企业不在数据范围内 (forbidden)"},
    404: {"model": ErrorBody, "description": "企业不存在 (not found)"},
    422: {"model": ErrorBody, "description": "参数无效 (invalid parameter)"},
}

router = APIRouter(prefix="/api", tags=["企业库 (enterprises)"], responses=ERRORS)


@router.get("/enterprises", operation_id="list_enterprises", summary="企业列表（检索、筛选、排序、分页）")
def list_enterprises(directory: DirectoryDep, query: ListQueryDep) -> EnterpriseListOut:
    return EnterpriseListOut.of(directory.search(query))


@router.get("/enterprises/{uscc}", operation_id="get_enterprise", summary="企业详情（含指标面板与来源）")
def get_enterprise(directory: DirectoryDep, uscc: str) -> EnterpriseDetailOut:
    return EnterpriseDetailOut.of_detail(directory.detail(uscc), directory.today)


@router.get(
    "/enterprises/{uscc}/revisions",
    operation_id="list_enterprise_revisions",
    summary="指标修订历史（按记录先后）",
)
def list_revisions(
    directory: DirectoryDep,
    uscc: str,
    year: Annotated[int | None, Query(description="年度，如 2024")] = None,
    indicator: Annotated[str | None, Query(description="指标代码，如 rd_expense")] = None,
) -> RevisionListOut:
    _, revisions = directory.revisions(uscc, year=year, indicator=indicator or None)
    return RevisionListOut(
        uscc=uscc.upper(), year=year, indicator=indicator, items=[RevisionOut.of(r) for r in revisions]
    )
