"""成果转化 pages, part 3: a technology broker's pipeline (对接 → 洽谈 → 签约, 终止) and a pilot base's own page
(its service menu with this year's capacity, incoming orders to act on, cumulative outputs to report).

An administrator may open any broker's or base's page with ``?broker=`` / ``?base=``.
"""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Query, Request
from fastapi.responses import HTMLResponse, Response
from sqlalchemy.orm import Session

from innopoints.accounts.errors import AccessDenied
from innopoints.accounts.principal import Principal
from innopoints.errors import NotFound
from innopoints.transfer.states import ORDER
from innopoints.web.auth import ActorDep, PrincipalDep
from innopoints.web.deps import SessionDep
from innopoints.web.routes import transfer_actions as act
from innopoints.web.routes import transfer_queries as tq
from innopoints.web.routes.cultivation_common import requires
from innopoints.web.routes.transfer_common import (
    PAGE_SIZE_PAGES,
    FormDep,
    export_list,
    render_page,
    today,
)
from innopoints.web.routes.transfer_pages import FORMAT, PAGE, attempt, redirect

router = APIRouter(tags=["成果转化页面 (transfer pages)"], include_in_schema=False)

PIPELINE_COLUMNS = (
    ("assignment_id", "任务编号"),
    ("stage_zh", "阶段"),
    ("demand_id", "需求编号"),
    ("demand_title", "需求名称"),
    ("enterprise", "企业"),
    ("budget_yuan", "预算（元）"),
    ("deadline", "需求截止日期"),
    ("assigned_on", "分派日期"),
    ("days_in_stage", "本阶段天数"),
    ("contract_id", "关联合同"),
)


def broker_of(principal: Principal, broker: int | None) -> int:
    """The broker whose pipeline to show: the broker user's own; an administrator names one."""
    if principal.broker_id is not None:
        if broker not in (None, principal.broker_id):
            raise AccessDenied("技术经纪人只能查看本人的对接任务")
        return principal.broker_id
    if broker is None:
        raise NotFound("请指明技术经纪人（?broker=编号）")
    return broker


def base_of(session: Session, principal: Principal, base: int | None) -> int:
    """The pilot base of the page: the base user's own; an administrator names one (default: the first)."""
    if principal.pilot_base_id is not None:
        if base not in (None, principal.pilot_base_id):
            raise AccessDenied("中试基地用户只能查看本基地")
        return principal.pilot_base_id
    if base is not None:
        return base
    choices = tq.base_choices(session)
    if not choices:
        raise NotFound("平台尚无中试基地或概念验证中心")
    return choices[0][0]


# ------------------------------------------------------------------------------------------ pipeline


def _pipeline_page(
    request: Request,
    session: Session,
    actor: ActorDep,
    broker: int | None,
    show_all: bool,
    *,
    error: str | None = None,
    code: int = 200,
) -> HTMLResponse:
    broker_id = broker_of(actor.principal, broker)
    view = tq.pipeline(session, actor, broker_id, today(), include_closed=show_all)
    context = {"p": view, "show_all": show_all, "error": error, "broker_param": broker}
    return render_page(request, session, "transfer/pipeline.html", context, code, section="pipeline")


@router.get("/transfer/pipeline", **requires("transfer.pipeline.work"))
def pipeline_page(
    request: Request,
    session: SessionDep,
    actor: ActorDep,
    broker: int | None = None,
    show_all: Annotated[bool, Query(alias="all")] = False,
) -> HTMLResponse:
    return _pipeline_page(request, session, actor, broker, show_all)


@router.get("/transfer/pipeline/export", **requires("transfer.pipeline.work"))
def export_pipeline(
    session: SessionDep,
    actor: ActorDep,
    broker: int | None = None,
    fmt: Annotated[str, FORMAT] = "xlsx",
) -> Response:
    view = tq.pipeline(session, actor, broker_of(actor.principal, broker), today(), include_closed=True)
    return export_list(PIPELINE_COLUMNS, view["items"], fmt, "经纪人对接任务")


@router.post("/transfer/assignments/{assignment_id}/advance", **requires("transfer.pipeline.work"))
def advance(
    request: Request, session: SessionDep, actor: ActorDep, assignment_id: int, form: FormDep
) -> Response:
    def run() -> Response:
        act.advance(session, actor.principal, assignment_id, form.as_dict())
        return redirect("/transfer/pipeline", "advanced")

    return attempt(
        session, run, lambda msg: _pipeline_page(request, session, actor, None, False, error=msg, code=422)
    )


# ------------------------------------------------------------------------------------------ pilot base


def _base_page(
    request: Request,
    session: Session,
    principal: PrincipalDep,
    base: int | None,
    status: str | None,
    page: int,
    *,
    error: str | None = None,
    code: int = 200,
) -> HTMLResponse:
    base_id = base_of(session, principal, base)
    overview = tq.base_overview(session, principal, base_id, today().year)
    orders = tq.list_orders(
        session, principal, status=status, base_id=base_id, page=page, page_size=PAGE_SIZE_PAGES
    )
    context = {
        "b": overview,
        "orders": orders,
        "status": status or "",
        "states": ORDER.states,
        "bases": tq.base_choices(session) if principal.is_admin else [],
        "error": error,
    }
    return render_page(request, session, "transfer/base.html", context, code, section="base")


@router.get("/transfer/base", **requires("transfer.base.work"))
def base_page(
    request: Request,
    session: SessionDep,
    principal: PrincipalDep,
    base: int | None = None,
    status: str | None = None,
    page: Annotated[int, PAGE] = 1,
) -> HTMLResponse:
    return _base_page(request, session, principal, base, status, page)


@router.post("/transfer/base/outputs", **requires("transfer.base.work"))
def report_outputs(request: Request, session: SessionDep, principal: PrincipalDep, form: FormDep) -> Response:
    raw = form.get("base")
    base = int(raw) if raw and str(raw).isdigit() else None

    def run() -> Response:
        act.report_outputs(session, principal, base_of(session, principal, base), form.as_dict())
        return redirect(
            "/transfer/base" + (f"?base={base}" if principal.is_admin and base else ""), "outputs"
        )

    return attempt(
        session, run, lambda msg: _base_page(request, session, principal, base, None, 1, error=msg, code=422)
    )
