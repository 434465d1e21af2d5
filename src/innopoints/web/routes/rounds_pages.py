"""积分评价 pages: the rounds, running a round (admin; background job with progress polled by htmx), one
round's figures, two rounds compared, the top-% lists and the rulebook browser; every list exportable."""

from __future__ import annotations

import datetime as dt
from typing import Annotated, Any

from fastapi import APIRouter, Form, Query, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response

from innopoints.accounts.access import allowed, require
from innopoints.errors import NotFound, UserError
from innopoints.officer import results as res
from innopoints.officer import rounds as rv
from innopoints.officer import rulebook_view, stats
from innopoints.officer.round_jobs import RoundJob, RoundJobs, jobs_for
from innopoints.officer.scope import scope_label
from innopoints.web.auth import ActorDep
from innopoints.web.deps import ContainerDep, SessionDep
from innopoints.web.routes import officer_common as oc
from innopoints.web.templating import render

router = APIRouter(tags=["页面 (pages)"], include_in_schema=False)

ROUND_COLUMNS = (
    ("id", "批次号"),
    ("year", "评价年度"),
    ("created_at", "运行时间"),
    ("firms", "参评企业（家）"),
    ("engine", "计算引擎"),
    ("input_kind", "数据来源"),
    ("rulebook_hash", "积分规则版本"),
    ("current_rulebook", "与当前规则一致"),
    ("screened", "已筛选入培育库"),
)


def jobs(request: Request) -> RoundJobs:
    """The round jobs (records under the data directory, shared by every server worker)."""
    state = request.app.state
    if not hasattr(state, "round_jobs"):
        state.round_jobs = jobs_for(state.container)
    found: RoundJobs = state.round_jobs
    return found


def _years(today: dt.date) -> list[int]:
    return list(range(today.year, today.year - 6, -1))


def _rounds(request: Request, session: SessionDep) -> list[res.RoundInfo]:
    return res.rounds(session, oc.points_rulebook(request).version_hash)


def _list_context(request: Request, session: SessionDep, actor: ActorDep) -> dict[str, Any]:
    rounds = _rounds(request, session)
    today = dt.date.today()
    return {
        "rounds": rounds,
        "years": _years(today),
        "default_year": today.year - 1,
        "can_run": allowed(actor.principal, "round.run"),
        "running": jobs(request).running(),
        "recent_jobs": jobs(request).recent(),
        "form_error": None,
    }


@router.get("/rounds", operation_id="page_rounds", response_class=HTMLResponse)
def rounds_page(request: Request, session: SessionDep, actor: ActorDep) -> HTMLResponse:
    require(actor.principal, "round.view")
    context = _list_context(request, session, actor)
    return render(request, "rounds.html", context, synthetic=oc.is_synthetic(request, session))


@router.get("/rounds/export", operation_id="export_rounds")
def export_rounds(
    request: Request,
    session: SessionDep,
    actor: ActorDep,
    fmt: Annotated[str, Query(alias="format")] = "xlsx",
) -> Response:
    require(actor.principal, "round.view")
    rows = [r.__dict__ for r in _rounds(request, session)]
    return oc.export(ROUND_COLUMNS, rows, fmt, f"积分评价批次_{dt.date.today():%Y%m%d}")


def _job_response(
    request: Request, session: SessionDep, job: RoundJob, status_code: int = 200
) -> HTMLResponse:
    template = "partials/_round_job.html" if oc.is_htmx(request) else "round_job.html"
    on_list = request.headers.get("HX-Current-URL", "").split("?")[0].endswith("/rounds")
    context = {"job": job, "refresh_list": on_list}  # a finished job refreshes the list it was started from
    return render(
        request, template, context, synthetic=oc.is_synthetic(request, session), status_code=status_code
    )


@router.post("/rounds/run", operation_id="page_run_round", response_model=None)
def run_round(
    request: Request,
    container: ContainerDep,
    session: SessionDep,
    actor: ActorDep,
    year: Annotated[str, Form()] = "",
    screen: Annotated[str | None, Form()] = None,
) -> Response:
    """Start a round in the background; htmx gets the progress fragment, a plain form post is redirected
    to the job page (which refreshes itself)."""
    require(actor.principal, "round.run")
    error = None
    try:
        number = int(year.strip())
    except ValueError:
        error = (
            f"评价年度应为四位数年份，如 {dt.date.today().year - 1}，收到“{year.strip()[:20]}”"
            if year.strip()
            else "请选择评价年度"
        )
    if error is None:
        try:
            job = jobs(request).start(
                container,
                number,
                screen=screen is not None,
                started_by=actor.principal.display_name,
                on_done=request.app.state.cache.clear,
            )
        except UserError as exc:
            error = exc.message
    if error is not None:
        if oc.is_htmx(request):  # htmx swaps 2xx answers only: the message comes with 200
            return render(request, "partials/_form_error.html", {"message": error}, synthetic=False)
        context = {**_list_context(request, session, actor), "form_error": error}
        return render(
            request, "rounds.html", context, synthetic=oc.is_synthetic(request, session), status_code=422
        )
    if oc.is_htmx(request):
        return _job_response(request, session, job, status_code=202)
    return RedirectResponse(f"/rounds/jobs/{job.id}", status_code=303)


@router.get("/rounds/jobs/{job_id}", operation_id="page_round_job", response_class=HTMLResponse)
def round_job(request: Request, session: SessionDep, actor: ActorDep, job_id: str) -> HTMLResponse:
    require(actor.principal, "round.view")
    job = jobs(request).get(job_id)
    if job is None:
        raise NotFound(
            f"没有编号为 {job_id} 的评价任务（服务重启后任务记录会清空；已完成的批次见“积分评价”列表）"
        )
    return _job_response(request, session, job)


@router.get("/rounds/compare", operation_id="page_compare_rounds", response_class=HTMLResponse)
def compare_page(
    request: Request,
    container: ContainerDep,
    session: SessionDep,
    actor: ActorDep,
    from_round: Annotated[int | None, Query(alias="from", ge=1)] = None,
    to_round: Annotated[int | None, Query(alias="to", ge=1)] = None,
) -> HTMLResponse:
    require(actor.principal, "round.view")
    rounds = _rounds(request, session)
    comparison = None
    if from_round is not None and to_round is not None:
        comparison = rv.compare(
            session, container.region, oc.points_rulebook(request), actor.principal, from_round, to_round
        )
        m = comparison.movers
        shown = [r["uscc"] for r in (*m.up, *m.down, *m.entries, *m.exits)]
        oc.audit_listed(session, actor, "list_enterprises", shown, f"批次比较 {from_round}→{to_round}")
    elif len(rounds) >= 2:
        from_round, to_round = rounds[1].id, rounds[0].id
        return compare_page(request, container, session, actor, from_round, to_round)
    context = {"rounds": rounds, "c": comparison, "from_round": from_round, "to_round": to_round}
    return render(request, "round_compare.html", context, synthetic=oc.is_synthetic(request, session))


@router.get("/rounds/compare/export", operation_id="export_round_comparison")
def export_compare(
    request: Request,
    container: ContainerDep,
    session: SessionDep,
    actor: ActorDep,
    from_round: Annotated[int, Query(alias="from", ge=1)],
    to_round: Annotated[int, Query(alias="to", ge=1)],
    kind: Annotated[str, Query(description="up、down、entries 或 exits")] = "up",
    fmt: Annotated[str, Query(alias="format")] = "xlsx",
) -> Response:
    require(actor.principal, "round.view")
    oc.check_format(fmt)
    comparison = rv.compare(
        session,
        container.region,
        oc.points_rulebook(request),
        actor.principal,
        from_round,
        to_round,
        top=None,
    )
    columns, rows = rv.compare_rows(comparison, kind)
    oc.audit_listed(session, actor, "export_list", [r["uscc"] for r in rows], f"导出批次比较 {kind}")
    title = rv.COMPARE_KINDS[kind]
    return oc.export(columns, rows, fmt, f"批次比较_{from_round}_{to_round}_{title}")


@router.get("/rounds/rulebook", operation_id="page_points_rulebook", response_class=HTMLResponse)
def rulebook_page(request: Request, session: SessionDep, actor: ActorDep) -> HTMLResponse:
    require(actor.principal, "rulebook.view")
    rb = oc.points_rulebook(request)
    context = {"rb": rulebook_view.rulebook_view(rb), "stages": rb.stages.stages}
    return render(request, "rulebook.html", context, synthetic=oc.is_synthetic(request, session))


@router.get("/rounds/rulebook/export", operation_id="export_points_rulebook")
def export_rulebook(
    request: Request, actor: ActorDep, fmt: Annotated[str, Query(alias="format")] = "xlsx"
) -> Response:
    require(actor.principal, "rulebook.view")
    rb = oc.points_rulebook(request)
    return oc.export(
        rulebook_view.export_columns(rb),
        rulebook_view.export_rows(rb),
        fmt,
        f"积分指标体系_{rb.version_hash[:8]}",
    )


@router.get("/rounds/{round_id}", operation_id="page_round", response_class=HTMLResponse)
def round_page(
    request: Request, container: ContainerDep, session: SessionDep, actor: ActorDep, round_id: int
) -> HTMLResponse:
    require(actor.principal, "round.view")
    rb = oc.points_rulebook(request)
    view = rv.round_view(session, container.region, rb, actor.principal, round_id)
    charts = {
        "histogram": oc.chart(
            "bar",
            categories=[b["label"] for b in view.histogram],
            series=[{"name": "企业数（家）", "data": [b["count"] for b in view.histogram]}],
            axes=["家"],
            xname="积分（分）",
        ),
        "stages": oc.chart(
            "pie", items=[{"name": s["name"], "value": s["firms"]} for s in view.stages], unit="家"
        ),
        "funnel": oc.chart(
            "funnel", items=[{"name": f["name"], "value": f["at_or_above"]} for f in view.funnel], unit="家"
        ),
    }
    context = {"v": view, "charts": charts, "lists": stats.LISTS}
    return render(request, "round.html", context, synthetic=oc.is_synthetic(request, session))


def _top(
    request: Request,
    container: ContainerDep,
    session: SessionDep,
    actor: ActorDep,
    round_id: int,
    list_id: str,
) -> list[dict[str, Any]]:
    require(actor.principal, "round.view")
    return rv.top_rows(
        session, container.region, oc.points_rulebook(request), actor.principal, round_id, list_id
    )


@router.get("/rounds/{round_id}/top", operation_id="page_round_top", response_class=HTMLResponse)
def top_page(
    request: Request,
    container: ContainerDep,
    session: SessionDep,
    actor: ActorDep,
    round_id: int,
    list_id: Annotated[str, Query(alias="list")] = "top5",
    page: Annotated[int, Query(ge=1)] = 1,
) -> HTMLResponse:
    rows = _top(request, container, session, actor, round_id, list_id)
    shown = oc.paged(rows, page)
    oc.audit_listed(
        session,
        actor,
        "list_enterprises",
        [r["uscc"] for r in shown.items],
        f"积分榜单 {list_id} 第 {page} 页",
    )
    rounds = _rounds(request, session)
    link = oc.link_builder(request)
    context = {
        "round": res.find_round(rounds, round_id),
        "list_id": list_id,
        "lists": stats.LISTS,
        "page": shown,
        "page_url": lambda n: link(page=n),
        "list_url": lambda lid: link(list=lid, page=None),
        "export_href": f"/rounds/{round_id}/top/export?list={list_id}",
        "scope": scope_label(actor.principal, container.region),
    }
    return render(request, "round_top.html", context, synthetic=oc.is_synthetic(request, session))


@router.get("/rounds/{round_id}/top/export", operation_id="export_round_top")
def export_top(
    request: Request,
    container: ContainerDep,
    session: SessionDep,
    actor: ActorDep,
    round_id: int,
    list_id: Annotated[str, Query(alias="list")] = "top5",
    fmt: Annotated[str, Query(alias="format")] = "xlsx",
) -> Response:
    oc.check_format(fmt)
    rows = _top(request, container, session, actor, round_id, list_id)
    oc.audit_listed(session, actor, "export_list", [r["uscc"] for r in rows], f"导出积分榜单 {list_id}")
    name = dict(stats.LISTS)[list_id]
    return oc.export(rv.TOP_COLUMNS, rows, fmt, f"积分榜单_第{round_id}批次_{name}")
