"""JSON API behind the officer pages: the dashboard, a round's figures, two rounds compared, round jobs
(start one, poll its progress) and the points rulebook. Same services, roles and scopes as the pages."""

from __future__ import annotations

import datetime as dt
from dataclasses import asdict
from typing import Annotated, Any

from fastapi import APIRouter, Body, Query, Request
from fastapi.responses import Response
from pydantic import BaseModel, Field

from innopoints.accounts.access import require
from innopoints.errors import NotFound
from innopoints.officer import rounds as rv
from innopoints.officer import rulebook_view
from innopoints.web.auth import ActorDep
from innopoints.web.deps import ContainerDep, SessionDep
from innopoints.web.routes import officer_common as oc
from innopoints.web.routes.cultivation_common import INVALID, JSON_OK, NOT_FOUND, json_response
from innopoints.web.routes.dashboard_pages import dashboard_data
from innopoints.web.routes.rounds_pages import jobs

router = APIRouter(prefix="/api", tags=["工作台 (officer views)"], responses={404: NOT_FOUND, 422: INVALID})


class RunRoundIn(BaseModel):
    year: int = Field(ge=2000, le=2100, description="评价年度，如 2025")
    screen: bool = Field(default=True, description="评价完成后同时筛选培育库")


def _plain(value: Any) -> Any:
    if hasattr(value, "__dataclass_fields__"):
        return asdict(value)
    return value


@router.get(
    "/dashboard",
    operation_id="get_dashboard",
    summary="首页数据：年度目标进度与预计、各区县积分概况、梯度漏斗、积分分布、本批次升降（官员为本辖区）",
    response_class=Response,
    responses=JSON_OK,
)
def get_dashboard(
    request: Request, container: ContainerDep, session: SessionDep, actor: ActorDep
) -> Response:
    data = dashboard_data(request, container, session, actor)
    body = {k: _plain(v) for k, v in data.items()}
    movers = data.get("movers")
    if movers is not None:
        oc.audit_listed(
            session,
            actor,
            "list_enterprises",
            [r["uscc"] for r in (*movers.up, *movers.down)],
            "首页数据接口",
        )
    return json_response(body)


@router.get(
    "/rounds/compare",
    operation_id="compare_scoring_rounds",
    summary="比较两个评价批次：积分上升 / 下降最多的企业、新进与退出（官员为本辖区）",
    tags=["积分评价批次 (rounds)"],
    response_class=Response,
    responses=JSON_OK,
)
def compare_rounds(
    request: Request,
    container: ContainerDep,
    session: SessionDep,
    actor: ActorDep,
    from_round: Annotated[int, Query(alias="from", ge=1, description="较早的批次号")],
    to_round: Annotated[int, Query(alias="to", ge=1, description="较晚的批次号")],
    top: Annotated[int, Query(ge=1, le=1000, description="每类最多列出的企业数")] = 20,
) -> Response:
    require(actor.principal, "round.view")
    c = rv.compare(
        session, container.region, oc.points_rulebook(request), actor.principal, from_round, to_round, top=top
    )
    m = c.movers
    oc.audit_listed(
        session,
        actor,
        "list_enterprises",
        [r["uscc"] for r in (*m.up, *m.down, *m.entries, *m.exits)],
        "批次比较接口",
    )
    return json_response(
        {
            "from": asdict(c.before),
            "to": asdict(c.after),
            "scope": c.scope,
            "rulebook_changed": c.rulebook_changed,
            "common": m.common,
            "moved_up": m.moved_up,
            "moved_down": m.moved_down,
            "entries_total": c.entries,
            "exits_total": c.exits,
            "up": m.up,
            "down": m.down,
            "entries": m.entries,
            "exits": m.exits,
        }
    )


@router.get(
    "/rounds/{round_id}/summary",
    operation_id="get_round_summary",
    summary="一个评价批次的概况：中位数、榜单数、积分分布、发展阶段、梯度漏斗（官员为本辖区）",
    tags=["积分评价批次 (rounds)"],
    response_class=Response,
    responses=JSON_OK,
)
def get_round_summary(
    request: Request, container: ContainerDep, session: SessionDep, actor: ActorDep, round_id: int
) -> Response:
    require(actor.principal, "round.view")
    view = rv.round_view(session, container.region, oc.points_rulebook(request), actor.principal, round_id)
    return json_response({k: _plain(v) for k, v in view.__dict__.items()})


@router.post(
    "/rounds/run",
    operation_id="start_scoring_round",
    summary="在后台运行一个积分评价批次（仅市科技局管理员）；返回任务编号，进度见 /api/rounds/jobs/{job_id}",
    tags=["积分评价批次 (rounds)"],
    status_code=202,
    response_class=Response,
    responses={202: {"content": {"application/json": {}}}},
)
def start_round(
    request: Request, container: ContainerDep, actor: ActorDep, body: Annotated[RunRoundIn, Body()]
) -> Response:
    require(actor.principal, "round.run")
    job = jobs(request).start(
        container,
        body.year,
        screen=body.screen,
        started_by=actor.principal.display_name,
        on_done=request.app.state.cache.clear,
    )
    return json_response(job.as_dict(), status_code=202)


@router.get(
    "/rounds/jobs/{job_id}",
    operation_id="get_scoring_round_job",
    summary="评价任务进度：当前步骤、百分比、完成后的批次号或失败原因",
    tags=["积分评价批次 (rounds)"],
    response_class=Response,
    responses=JSON_OK,
)
def get_job(request: Request, actor: ActorDep, job_id: str) -> Response:
    require(actor.principal, "round.view")
    job = jobs(request).get(job_id)
    if job is None:
        raise NotFound(f"没有编号为 {job_id} 的评价任务")
    return json_response(job.as_dict())


@router.get(
    "/rulebook/points",
    operation_id="get_points_rulebook",
    summary="积分指标体系：每个指标的单位、计算方式、各发展阶段权重、依据与规则性质；加分、扣分、阶段、榜单、梯度",
    tags=["积分评价批次 (rounds)"],
    response_class=Response,
    responses=JSON_OK,
)
def get_rulebook(request: Request, actor: ActorDep) -> Response:
    require(actor.principal, "rulebook.view")
    body = rulebook_view.rulebook_view(oc.points_rulebook(request))
    body["as_of"] = dt.date.today()
    return json_response(body)
