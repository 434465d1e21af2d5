"""JSON API of the annual targets (年度目标): live values, progress, year-end projection, alerts and the district
decomposition; XLSX / PDF export of the report; the district allocation and its append-only changes.

Current values are always computed from the data (never entered by hand). An allocation change appends a row
(who, when, why) and never updates or deletes one; the current district target is the latest row, else the
default split (a platform assumption, not official).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import asdict
from datetime import UTC, datetime
from enum import StrEnum
from typing import Annotated, Any

from fastapi import APIRouter, Body, Query
from fastapi.responses import Response
from pydantic import BaseModel, Field

from innopoints.accounts.context import Actor
from innopoints.adapters.db.engine import unit_of_work
from innopoints.bootstrap import Container
from innopoints.errors import UserError
from innopoints.registry.exporting import export_rows
from innopoints.registry.scope import check
from innopoints.targets import allocation as alloc
from innopoints.targets.export import COLUMNS, report_rows
from innopoints.targets.pdf import render_pdf
from innopoints.targets.report import TargetsReport, build_report, districts_in_scope
from innopoints.web.auth import ActorDep
from innopoints.web.deps import ContainerDep, SessionDep
from innopoints.web.routes.cultivation_common import (
    DENIED,
    INVALID,
    JSON_OK,
    download,
    json_response,
    requires,
)

router = APIRouter(prefix="/api", tags=["年度目标 (targets)"], responses={**DENIED, 422: INVALID})

YEAR = Query(ge=2000, le=2100, description="目标年度")
AS_OF = Query(description="统计日期 YYYY-MM-DD，默认今天（年度已过则为 12 月 31 日）")


class ReportFormat(StrEnum):
    xlsx = "xlsx"
    pdf = "pdf"


class AllocationIn(BaseModel):
    year: int = Field(default=2026, ge=2000, le=2100, description="目标年度")
    indicator: str = Field(min_length=1, max_length=80, description="指标编号，如 tech_brokers_cumulative")
    district: str = Field(min_length=6, max_length=6, description="区县代码（GB/T 2260），如 210112")
    value: int = Field(ge=0, description="区县目标值（目标单位：家 / 个 / 名；金额为元）")
    changed_by: str = Field(min_length=1, max_length=80, description="修改人")
    reason: str = Field(min_length=1, max_length=500, description="修改原因，如 区县任务书")


def _as_of(as_of: dt.date | None, year: int) -> dt.date:
    return as_of or min(dt.date.today(), dt.date(year, 12, 31))


def _report(
    container: Container, session: SessionDep, actor: Actor, year: int, as_of: dt.date | None
) -> TargetsReport:
    """The report as the actor may see it (an officer: city rows and their own district's rows)."""
    return build_report(
        session.connection(),
        year,
        _as_of(as_of, year),
        container.region,
        container.settings.region,
        actor=actor,
    )


@router.get(
    "/targets",
    operation_id="get_targets_report",
    summary="年度目标进度：当前值（实时计算）、完成进度、年底预计、预警与区县分解",
    response_class=Response,
    responses=JSON_OK,
    **requires("targets.view"),
)
def get_targets(
    container: ContainerDep,
    session: SessionDep,
    actor: ActorDep,
    year: Annotated[int, YEAR] = 2026,
    as_of: Annotated[dt.date | None, AS_OF] = None,
) -> Response:
    report = _report(container, session, actor, year, as_of)
    body = asdict(report)
    by_district: dict[str, dict[str, Any]] = {}
    for row in body.pop("districts"):
        entry = by_district.setdefault(
            row["district"],
            {"district": row["district"], "district_name": row["district_name"], "indicators": []},
        )
        entry["indicators"].append(row)
    body["districts"] = list(by_district.values())
    return json_response(body)


@router.get(
    "/targets/export",
    operation_id="export_targets_report",
    summary="导出年度目标进度报告（XLSX 或 PDF）",
    response_class=Response,
    responses={
        200: {
            "content": {
                "application/pdf": {},
                "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet": {},
            }
        }
    },
    **requires("targets.view"),
)
def export_targets(
    container: ContainerDep,
    session: SessionDep,
    actor: ActorDep,
    fmt: Annotated[ReportFormat, Query(alias="format", description="xlsx 或 pdf")] = ReportFormat.xlsx,
    year: Annotated[int, YEAR] = 2026,
    as_of: Annotated[dt.date | None, AS_OF] = None,
) -> Response:
    report = _report(container, session, actor, year, as_of)
    if fmt is ReportFormat.pdf:
        data = render_pdf(report)
    else:
        data = export_rows(COLUMNS, list(report_rows(report)), "xlsx")
    return download(data, fmt.value, f"年度目标进度_{report.year}_{report.as_of.isoformat()}")


def _allocation(
    container: Container, session: SessionDep, actor: Actor, year: int, indicator: str | None
) -> dict[str, Any]:
    """Current district targets and their changes; an officer sees their own district's rows only (the
    city total and its consistency are computed over every district)."""
    check(actor, "targets.view")
    visible = districts_in_scope(actor)
    region = container.region
    default = alloc.load_default(region, year, container.settings.region)
    if indicator is not None and indicator not in default.indicators:
        raise UserError(
            f"参数 indicator：指标 {indicator} 不做区县分解 (not decomposed; choose: {', '.join(default.indicators)})"
        )
    conn = session.connection()
    items = []
    for tid in default.indicators if indicator is None else (indicator,):
        spec = region.targets_2026[tid]
        city = int(spec["value"])
        current = alloc.current(conn, default, tid, city)
        districts = [
            {
                **asdict(current[d.id]),
                "district_name": d.name_zh,
                "default_value": alloc.split(city, default.shares_bp)[d.id],
            }
            for d in region.districts
        ]
        total = sum(t["value"] for t in districts)
        if visible is not None:
            districts = [t for t in districts if t["district"] in visible]
        items.append(
            {
                "indicator": tid,
                "name_zh": spec["name_zh"],
                "unit": spec["unit"],
                "city_target": city,
                "district_total": total,
                "consistent": total == city,
                "districts": districts,
            }
        )
    return {
        "year": year,
        "label": default.label,
        "source": default.source,
        "serious_below": default.serious_below,
        "indicators": items,
        "changes": [
            c
            for c in alloc.history(conn, year, indicator)
            if visible is None or c["district_code"] in visible
        ],
    }


@router.get(
    "/targets/allocation",
    operation_id="get_targets_allocation",
    summary="区县目标分解：当前各区县目标（默认分解或最新调整）与全部调整记录",
    response_class=Response,
    responses=JSON_OK,
    **requires("targets.view"),
)
def get_allocation(
    container: ContainerDep,
    session: SessionDep,
    actor: ActorDep,
    year: Annotated[int, YEAR] = 2026,
    indicator: Annotated[str | None, Query(description="只看一个指标，如 tech_brokers_cumulative")] = None,
) -> Response:
    return json_response(_allocation(container, session, actor, year, indicator))


@router.post(
    "/targets/allocation",
    operation_id="post_targets_allocation_change",
    summary="调整一个区县的目标：追加一条记录（修改人、时间、原因），保留历史",
    status_code=201,
    response_class=Response,
    responses={201: {"content": {"application/json": {}}}},
    **requires("targets.edit"),
)
def post_allocation(
    container: ContainerDep, actor: ActorDep, body: Annotated[AllocationIn, Body()]
) -> Response:
    check(actor, "targets.edit")
    default = alloc.load_default(container.region, body.year, container.settings.region)
    at = datetime.now(UTC)
    with unit_of_work(container.sessions) as s:
        change_id = alloc.record_change(
            s.connection(),
            container.region,
            default,
            indicator=body.indicator,
            district=body.district,
            value=body.value,
            changed_by=body.changed_by,
            reason=body.reason,
            at=at,
        )
    return json_response(
        {
            "id": change_id,
            **body.model_dump(),
            "district_name": container.region.district_name(body.district),
            "changed_at": at,
        },
        status_code=201,
    )
