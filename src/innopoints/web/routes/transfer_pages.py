"""成果转化 pages, part 1: the overview (/transfer), technology demands with their matches (firms post, see
achievements / experts / pilot services with the reasons they matched, ask for a broker, rate the broker),
the service menu with capacity, and service orders (firms order and follow; bases act on them).

Every route declares its capability (``accounts.access.CAPABILITIES``, ``transfer.*``); data scope is
checked by ``transfer.access`` through the read models and actions. A rejected form is shown again with a
Chinese message and nothing written (the unit of work is rolled back); a done form redirects (303).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Annotated, Any

from fastapi import APIRouter, Query, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response
from sqlalchemy.orm import Session

from innopoints.accounts.access import allowed
from innopoints.errors import NotFound, UserError
from innopoints.transfer.states import ORDER
from innopoints.web.auth import ActorDep, PrincipalDep
from innopoints.web.deps import SessionDep
from innopoints.web.routes import transfer_actions as act
from innopoints.web.routes import transfer_queries as tq
from innopoints.web.routes.cultivation_common import requires
from innopoints.web.routes.transfer_common import (
    PAGE_SIZE_PAGES,
    FormDep,
    all_pages,
    cluster_options,
    export_list,
    paged_list,
    render_page,
    today,
)

router = APIRouter(tags=["成果转化页面 (transfer pages)"], include_in_schema=False)
PAGE = Query(ge=1, description="页码")
BACK_TO_ORDERS = ("/transfer/orders", "/transfer/base")
FORMAT = Query(alias="format", description="xlsx 或 csv")

DEMAND_COLUMNS = (
    ("id", "需求编号"),
    ("title", "需求名称"),
    ("enterprise", "企业"),
    ("uscc", "统一社会信用代码"),
    ("district", "区县"),
    ("cluster", "技术领域"),
    ("budget_yuan", "预算（元）"),
    ("deadline", "截止日期"),
    ("posted_on", "发布日期"),
    ("status_zh", "状态"),
    ("broker_stage_zh", "经纪人对接"),
)
ORDER_COLUMNS = (
    ("id", "订单编号"),
    ("service", "服务项目"),
    ("base", "基地"),
    ("enterprise", "企业"),
    ("status_zh", "状态"),
    ("price_yuan", "价格（元）"),
    ("ordered_on", "下单日期"),
    ("accepted_on", "受理日期"),
    ("delivered_on", "交付日期"),
    ("delivery_note", "交付说明"),
    ("reason", "不予受理/取消原因"),
)
MATCH_COLUMNS = (
    ("kind", "类别"),
    ("id", "编号"),
    ("name", "名称"),
    ("score", "匹配得分"),
    ("why", "匹配理由"),
)
MENU_COLUMNS = (
    ("service_id", "项目编号"),
    ("name", "服务项目"),
    ("subfield", "细分领域"),
    ("cluster", "产业集群"),
    ("base", "基地"),
    ("base_kind_zh", "类型"),
    ("district", "区县"),
    ("price_yuan", "价格（元）"),
    ("capacity", "年服务能力（单）"),
    ("remaining", "本年剩余（单）"),
)


def redirect(url: str, done: str) -> RedirectResponse:
    sep = "&" if "?" in url else "?"
    return RedirectResponse(f"{url}{sep}done={done}", status_code=303)


def attempt(session: Session, run: Callable[[], Response], again: Callable[[str], HTMLResponse]) -> Response:
    """Run a write; on a Chinese validation error roll everything back and show the page again (422)."""
    try:
        return run()
    except NotFound:
        session.rollback()
        raise
    except UserError as exc:
        session.rollback()
        return again(exc.message)


# ------------------------------------------------------------------------------------------ overview


@router.get("/transfer", **requires("transfer.view"))
def overview(request: Request, session: SessionDep, actor: ActorDep) -> HTMLResponse:
    p = actor.principal
    counts: dict[str, Any] = {}
    if allowed(p, "transfer.demand.view"):
        counts["demands"] = tq.list_demands(session, actor, status="open", audit_action=None).total
    if allowed(p, "transfer.order.view"):
        counts["orders"] = tq.list_orders(session, p, status="submitted").total
    if allowed(p, "transfer.contract.view"):
        counts["pending_contracts"] = tq.list_contracts(session, p, today(), status="pending").total
    counts["achievements"] = tq.list_achievements(session, p).total
    counts["challenges"] = tq.challenge_rows(session, p, "published", 1, 20).total
    return render_page(request, session, "transfer/overview.html", {"counts": counts}, section="overview")


# ------------------------------------------------------------------------------------------ demands


def _demands_page(
    request: Request,
    session: Session,
    actor: ActorDep,
    status: str | None,
    q: str | None,
    page: int,
    *,
    error: str | None = None,
    form: dict[str, str] | None = None,
    code: int = 200,
) -> HTMLResponse:
    rows = tq.list_demands(session, actor, status=status, q=q, page=page, page_size=PAGE_SIZE_PAGES)
    context = {
        "rows": rows,
        "status": status or "",
        "q": q or "",
        "clusters": cluster_options(),
        "can_post": allowed(actor.principal, "transfer.firm.act"),
        "error": error,
        "form": form or {},
        "min_deadline": today().isoformat(),
    }
    return render_page(request, session, "transfer/demands.html", context, code, section="demands")


@router.get("/transfer/demands", **requires("transfer.demand.view"))
def demands_page(
    request: Request,
    session: SessionDep,
    actor: ActorDep,
    status: str | None = None,
    q: str | None = None,
    page: Annotated[int, PAGE] = 1,
) -> HTMLResponse:
    return _demands_page(request, session, actor, status, q, page)


@router.get("/transfer/demands/export", **requires("transfer.demand.view"))
def export_demands(
    session: SessionDep,
    actor: ActorDep,
    status: str | None = None,
    q: str | None = None,
    fmt: Annotated[str, FORMAT] = "xlsx",
) -> Response:
    rows = all_pages(
        lambda page, size: tq.list_demands(
            session,
            actor,
            status=status,
            q=q,
            page=page,
            page_size=size,
            audit_action="export_transfer_demands",
        )
    )
    return export_list(DEMAND_COLUMNS, rows, fmt, "技术需求")


@router.post("/transfer/demands", **requires("transfer.firm.act"))
def post_demand(request: Request, session: SessionDep, actor: ActorDep, form: FormDep) -> Response:
    def run() -> Response:
        row = act.post_demand(session, actor.principal, form.as_dict())
        return redirect(f"/transfer/demands/{row.id}", "demand_posted")

    return attempt(
        session,
        run,
        lambda msg: _demands_page(
            request, session, actor, None, None, 1, error=msg, form=form.as_dict(), code=422
        ),
    )


def _demand_page(
    request: Request,
    session: Session,
    actor: ActorDep,
    demand_id: int,
    *,
    error: str | None = None,
    code: int = 200,
) -> HTMLResponse:
    detail = tq.demand_detail(session, actor, demand_id)
    found = tq.demand_matches(session, actor, demand_id)
    context = {
        "d": detail,
        "m": found,
        "error": error,
        "brokers": tq.broker_choices(session) if detail["can_route_manually"] else [],
        "can_order": detail["own"] and detail["status"] == "open",
    }
    return render_page(request, session, "transfer/demand.html", context, code, section="demands")


@router.get("/transfer/demands/{demand_id}", **requires("transfer.demand.view"))
def demand_page(request: Request, session: SessionDep, actor: ActorDep, demand_id: int) -> HTMLResponse:
    return _demand_page(request, session, actor, demand_id)


@router.get("/transfer/demands/{demand_id}/matches/export", **requires("transfer.demand.view"))
def export_matches(
    session: SessionDep, actor: ActorDep, demand_id: int, fmt: Annotated[str, FORMAT] = "xlsx"
) -> Response:
    """The matches of one demand (achievements, experts, pilot services) with the reason for each."""
    found = tq.demand_matches(session, actor, demand_id)
    rows = (
        [
            {**a, "kind": "科技成果", "id": a["achievement_id"], "name": a["title"]}
            for a in found["achievements"]
        ]
        + [{**e, "kind": "专家", "id": e["expert_id"]} for e in found["experts"]]
        + [{**s, "kind": "中试服务", "id": s["service_id"]} for s in found["services"]]
    )
    return export_list(MATCH_COLUMNS, rows, fmt, f"需求{demand_id}_匹配结果")


@router.post("/transfer/demands/{demand_id}/action", **requires("transfer.firm.act"))
def demand_action(
    request: Request, session: SessionDep, actor: ActorDep, demand_id: int, form: FormDep
) -> Response:
    def run() -> Response:
        act.change_demand(session, actor.principal, demand_id, form.get("action", ""))
        return redirect(f"/transfer/demands/{demand_id}", "demand_changed")

    return attempt(
        session, run, lambda msg: _demand_page(request, session, actor, demand_id, error=msg, code=422)
    )


@router.post("/transfer/demands/{demand_id}/route", **requires("transfer.demand.route"))
def route_demand(
    request: Request, session: SessionDep, actor: ActorDep, demand_id: int, form: FormDep
) -> Response:
    def run() -> Response:
        broker = form.get("broker_id")
        broker_id = int(broker) if broker and str(broker).isdigit() else None
        act.route_demand(session, actor, demand_id, broker_id)
        return redirect(f"/transfer/demands/{demand_id}", "routed")

    return attempt(
        session, run, lambda msg: _demand_page(request, session, actor, demand_id, error=msg, code=422)
    )


@router.post("/transfer/assignments/{assignment_id}/rating", **requires("transfer.firm.act"))
def rate_broker(
    request: Request, session: SessionDep, actor: ActorDep, assignment_id: int, form: FormDep
) -> Response:
    demand_id = tq.demand_of_assignment(session, assignment_id)

    def run() -> Response:
        act.rate_broker(session, actor.principal, assignment_id, form.as_dict())
        return redirect(f"/transfer/demands/{demand_id}", "rated")

    return attempt(
        session, run, lambda msg: _demand_page(request, session, actor, demand_id, error=msg, code=422)
    )


# ------------------------------------------------------------------------------------------ menu


def _menu_rows(
    session: Session, year: int | None, cluster: str | None, subfield: str | None, available: bool
) -> list[dict[str, Any]]:
    return tq.menu_items(
        session, year or today().year, cluster_id=cluster, subfield=subfield, available=available
    )


def _menu_page(
    request: Request,
    session: Session,
    principal: PrincipalDep,
    *,
    cluster: str | None = None,
    subfield: str | None = None,
    available: bool = False,
    page: int = 1,
    error: str | None = None,
    code: int = 200,
) -> HTMLResponse:
    rows = _menu_rows(session, None, cluster, subfield, available)
    own_demands = []
    if allowed(principal, "transfer.firm.act"):
        own_demands = tq.open_demands_of_firm(session, principal)
    context = {
        "rows": paged_list(rows, page, PAGE_SIZE_PAGES),
        "year": today().year,
        "cluster": cluster or "",
        "subfield": subfield or "",
        "available": available,
        "clusters": cluster_options(),
        "can_order": allowed(principal, "transfer.firm.act"),
        "own_demands": own_demands,
        "error": error,
    }
    return render_page(request, session, "transfer/menu.html", context, code, section="menu")


@router.get("/transfer/menu", **requires("transfer.view"))
def menu_page(
    request: Request,
    session: SessionDep,
    principal: PrincipalDep,
    cluster: str | None = None,
    subfield: str | None = None,
    available: bool = False,
    page: Annotated[int, PAGE] = 1,
) -> HTMLResponse:
    return _menu_page(
        request, session, principal, cluster=cluster, subfield=subfield, available=available, page=page
    )


@router.get("/transfer/menu/export", **requires("transfer.view"))
def export_menu(
    session: SessionDep,
    cluster: str | None = None,
    subfield: str | None = None,
    available: bool = False,
    base: int | None = None,
    fmt: Annotated[str, FORMAT] = "xlsx",
) -> Response:
    rows = tq.menu_items(
        session, today().year, cluster_id=cluster, subfield=subfield, base_id=base, available=available
    )
    return export_list(MENU_COLUMNS, rows, fmt, "中试服务菜单")


# ------------------------------------------------------------------------------------------ orders


def _orders_page(
    request: Request,
    session: Session,
    principal: PrincipalDep,
    status: str | None,
    page: int,
    *,
    error: str | None = None,
    code: int = 200,
) -> HTMLResponse:
    rows = tq.list_orders(session, principal, status=status, page=page, page_size=PAGE_SIZE_PAGES)
    context = {"rows": rows, "status": status or "", "error": error, "states": ORDER.states}
    return render_page(request, session, "transfer/orders.html", context, code, section="orders")


@router.get("/transfer/orders", **requires("transfer.order.view"))
def orders_page(
    request: Request,
    session: SessionDep,
    principal: PrincipalDep,
    status: str | None = None,
    page: Annotated[int, PAGE] = 1,
) -> HTMLResponse:
    return _orders_page(request, session, principal, status, page)


@router.get("/transfer/orders/export", **requires("transfer.order.view"))
def export_orders(
    session: SessionDep,
    principal: PrincipalDep,
    status: str | None = None,
    fmt: Annotated[str, FORMAT] = "xlsx",
) -> Response:
    rows = all_pages(
        lambda page, size: tq.list_orders(session, principal, status=status, page=page, page_size=size)
    )
    return export_list(ORDER_COLUMNS, rows, fmt, "中试服务订单")


@router.post("/transfer/orders", **requires("transfer.firm.act"))
def place_order(request: Request, session: SessionDep, principal: PrincipalDep, form: FormDep) -> Response:
    def run() -> Response:
        act.place_order(session, principal, form.as_dict())
        return redirect("/transfer/orders", "ordered")

    return attempt(session, run, lambda msg: _menu_page(request, session, principal, error=msg, code=422))


@router.post("/transfer/orders/{order_id}/action", **requires("transfer.order.act"))
def order_action(
    request: Request, session: SessionDep, principal: PrincipalDep, order_id: int, form: FormDep
) -> Response:
    def run() -> Response:
        act.change_order(session, principal, order_id, form.get("action", ""), form.get("note"))
        back = form.get("back")
        return redirect(back if back in BACK_TO_ORDERS else "/transfer/orders", "order_changed")

    return attempt(
        session, run, lambda msg: _orders_page(request, session, principal, None, 1, error=msg, code=422)
    )
