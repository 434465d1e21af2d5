"""培育库 pages: tiers and members at a screened round (filters, paging, export), round-to-round changes,
and one firm's care page with the assignment and follow-up forms (validated, Chinese messages)."""

from __future__ import annotations

import datetime as dt
from typing import Annotated, Any

from fastapi import APIRouter, Form, Query, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response

from innopoints.accounts.access import allowed, require
from innopoints.cultivation.care import FOLLOW_UP_ZH, ROLE_ZH
from innopoints.cultivation.service import screened_round_ids
from innopoints.errors import UserError
from innopoints.officer import pool_view as pv
from innopoints.officer.forms import FormErrors
from innopoints.web.auth import ActorDep
from innopoints.web.deps import ContainerDep, DirectoryDep, SessionDep
from innopoints.web.routes import officer_common as oc
from innopoints.web.templating import render

router = APIRouter(tags=["页面 (pages)"], include_in_schema=False)

DIFF_COLUMNS = (("change_zh", "变动"), *((k, v) for k, v in pv.EXPORT_COLUMNS if k != "change_zh"))
SAVED = {"assign": "已保存指派。", "end": "已结束指派。", "follow_up": "已记录跟进。"}


def _view(
    request: Request,
    container: ContainerDep,
    session: SessionDep,
    actor: ActorDep,
    round_id: int | None,
    tier: str | None,
    district: str | None,
) -> pv.PoolView | None:
    require(actor.principal, "pool.view")
    return pv.pool_view(
        session, container.region, oc.pool_rulebook(request), actor.principal, round_id, tier, district
    )


@router.get("/pool", operation_id="page_pool", response_class=HTMLResponse)
def pool_page(
    request: Request,
    container: ContainerDep,
    session: SessionDep,
    actor: ActorDep,
    round_id: Annotated[int | None, Query(alias="round", ge=1)] = None,
    tier: Annotated[str | None, Query()] = None,
    district: Annotated[str | None, Query()] = None,
    page: Annotated[int, Query(ge=1)] = 1,
) -> HTMLResponse:
    view = _view(request, container, session, actor, round_id, tier, district)
    context: dict[str, Any] = {
        "view": view,
        "tier": tier or "",
        "district": district or "",
        "region": container.region,
    }
    if view is not None:
        shown = oc.paged(view.members, page)
        oc.audit_listed(
            session, actor, "list_enterprises", [m["uscc"] for m in shown.items], f"培育库第 {page} 页"
        )
        link = oc.link_builder(request)
        tiers = [t for t in view.by_tier]
        context.update(
            page=shown,
            page_url=lambda n: link(page=n),
            export_href="/pool/export?" + link(page=None).partition("?")[2],
            charts={
                "tiers": oc.chart(
                    "pie", items=[{"name": t["name"], "value": t["firms"]} for t in tiers], unit="家"
                ),
                "districts": oc.chart(
                    "bar",
                    categories=[d["name"] for d in view.by_district],
                    series=[
                        {"name": t["name"], "data": [d["tiers"][t["id"]] for d in view.by_district]}
                        for t in tiers
                    ],
                    axes=["家"],
                ),
            },
        )
    return render(request, "pool.html", context, synthetic=oc.is_synthetic(request, session))


@router.get("/pool/export", operation_id="export_pool")
def export_pool(
    request: Request,
    container: ContainerDep,
    session: SessionDep,
    actor: ActorDep,
    round_id: Annotated[int | None, Query(alias="round", ge=1)] = None,
    tier: Annotated[str | None, Query()] = None,
    district: Annotated[str | None, Query()] = None,
    fmt: Annotated[str, Query(alias="format")] = "xlsx",
) -> Response:
    oc.check_format(fmt)
    view = _view(request, container, session, actor, round_id, tier, district)
    if view is None:
        raise UserError(pv.NOT_SCREENED)
    oc.audit_listed(session, actor, "export_list", [m["uscc"] for m in view.members], "导出培育库名单")
    return oc.export(pv.MEMBER_COLUMNS, view.members, fmt, f"培育库_第{view.round_id}批次")


def _diff(
    request: Request,
    container: ContainerDep,
    session: SessionDep,
    actor: ActorDep,
    from_round: int,
    to_round: int,
) -> pv.DiffView:
    require(actor.principal, "pool.view")
    return pv.diff_view(
        session, container.region, oc.pool_rulebook(request), actor.principal, from_round, to_round
    )


@router.get("/pool/diff", operation_id="page_pool_diff", response_class=HTMLResponse)
def diff_page(
    request: Request,
    container: ContainerDep,
    session: SessionDep,
    actor: ActorDep,
    from_round: Annotated[int | None, Query(alias="from", ge=1)] = None,
    to_round: Annotated[int | None, Query(alias="to", ge=1)] = None,
    change: Annotated[str | None, Query()] = None,
    page: Annotated[int, Query(ge=1)] = 1,
) -> HTMLResponse:
    require(actor.principal, "pool.view")
    screened = screened_round_ids(session)
    if (from_round is None or to_round is None) and len(screened) >= 2:
        from_round, to_round = screened[-2], screened[-1]
    context: dict[str, Any] = {
        "screened": screened,
        "from_round": from_round,
        "to_round": to_round,
        "diff": None,
    }
    if from_round is not None and to_round is not None:
        diff = _diff(request, container, session, actor, from_round, to_round)
        if change and change not in diff.labels:
            raise UserError(f"参数 change：只能是 {'、'.join(diff.labels)}，收到“{change}”")
        rows = [r for r in diff.rows if not change or r["change"] == change]
        shown = oc.paged(rows, page)
        oc.audit_listed(session, actor, "list_enterprises", [r["uscc"] for r in shown.items], "培育库变动")
        link = oc.link_builder(request)
        context.update(
            diff=diff,
            change=change or "",
            page=shown,
            page_url=lambda n: link(page=n, **{"from": from_round, "to": to_round}),
            change_url=lambda c: link(change=c or None, page=None, **{"from": from_round, "to": to_round}),
            export_href=f"/pool/diff/export?from={from_round}&to={to_round}",
            diff_chart=oc.chart(
                "bar",
                categories=[d["name"] for d in diff.by_district],
                series=[
                    {"name": diff.labels[k], "data": [d[k] for d in diff.by_district]} for k in diff.labels
                ],
                axes=["家"],
            ),
        )
    return render(request, "pool_diff.html", context, synthetic=oc.is_synthetic(request, session))


@router.get("/pool/diff/export", operation_id="export_pool_diff")
def export_diff(
    request: Request,
    container: ContainerDep,
    session: SessionDep,
    actor: ActorDep,
    from_round: Annotated[int, Query(alias="from", ge=1)],
    to_round: Annotated[int, Query(alias="to", ge=1)],
    fmt: Annotated[str, Query(alias="format")] = "xlsx",
) -> Response:
    oc.check_format(fmt)
    diff = _diff(request, container, session, actor, from_round, to_round)
    oc.audit_listed(session, actor, "export_list", [r["uscc"] for r in diff.rows], "导出培育库变动")
    return oc.export(DIFF_COLUMNS, diff.rows, fmt, f"培育库变动_{from_round}_{to_round}")


def _care_page(
    request: Request,
    session: SessionDep,
    directory: DirectoryDep,
    uscc: str,
    *,
    errors: dict[str, FormErrors] | None = None,
    values: dict[str, dict[str, str]] | None = None,
    status_code: int = 200,
) -> HTMLResponse:
    principal = directory.actor.principal
    require(principal, "pool.view")
    firm = directory.enterprise_for_read(uscc, "view_profile", part="profile")
    today = dt.date.today()
    context = {
        "firm": firm,
        "district": directory.region.district_name(firm.district_code),
        "care": pv.firm_care(session, oc.pool_rulebook(request), firm.uscc),
        "can_edit": allowed(principal, "pool.edit"),
        "roles": ROLE_ZH,
        "kinds": FOLLOW_UP_ZH,
        "today": today.isoformat(),
        "errors": errors or {},
        "values": values or {},
        "saved": SAVED.get(request.query_params.get("saved", "")),
    }
    return render(
        request,
        "pool_firm.html",
        context,
        synthetic=oc.is_synthetic(request, session),
        status_code=status_code,
    )


@router.get("/pool/firms/{uscc}", operation_id="page_pool_firm", response_class=HTMLResponse)
def care_page(request: Request, session: SessionDep, directory: DirectoryDep, uscc: str) -> HTMLResponse:
    return _care_page(request, session, directory, uscc)


def _after_post(
    request: Request,
    session: SessionDep,
    directory: DirectoryDep,
    uscc: str,
    form: str,
    errors: FormErrors,
    values: dict[str, str],
) -> Response:
    if errors:
        session.rollback()  # nothing of an invalid form is written
        return _care_page(
            request, session, directory, uscc, errors={form: errors}, values={form: values}, status_code=422
        )
    return RedirectResponse(f"/pool/firms/{uscc.upper()}?saved={form}#{form}", status_code=303)


def _editable(directory: DirectoryDep, uscc: str) -> str:
    require(directory.actor.principal, "pool.edit")
    return directory.enterprise_for_read(uscc, "view_profile", part="profile").uscc


@router.post("/pool/firms/{uscc}/assign", operation_id="page_pool_assign", response_model=None)
def post_assign(
    request: Request,
    session: SessionDep,
    directory: DirectoryDep,
    uscc: str,
    role: Annotated[str, Form()] = "",
    person_id: Annotated[str, Form()] = "",
    person_name: Annotated[str, Form()] = "",
    started_on: Annotated[str, Form()] = "",
) -> Response:
    code = _editable(directory, uscc)
    values = {"role": role, "person_id": person_id, "person_name": person_name, "started_on": started_on}
    errors = pv.assign_from_form(session, code, values, dt.date.today())
    return _after_post(request, session, directory, code, "assign", errors, values)


@router.post("/pool/firms/{uscc}/end", operation_id="page_pool_end_assignment", response_model=None)
def post_end(
    request: Request,
    session: SessionDep,
    directory: DirectoryDep,
    uscc: str,
    role: Annotated[str, Form()] = "",
    ended_on: Annotated[str, Form()] = "",
) -> Response:
    code = _editable(directory, uscc)
    values = {"role": role, "ended_on": ended_on}
    errors = pv.end_from_form(session, code, values, dt.date.today())
    return _after_post(request, session, directory, code, "end", errors, values)


@router.post("/pool/firms/{uscc}/follow-up", operation_id="page_pool_follow_up", response_model=None)
def post_follow_up(
    request: Request,
    session: SessionDep,
    directory: DirectoryDep,
    uscc: str,
    kind: Annotated[str, Form()] = "",
    occurred_on: Annotated[str, Form()] = "",
    summary: Annotated[str, Form()] = "",
) -> Response:
    code = _editable(directory, uscc)
    values = {"kind": kind, "occurred_on": occurred_on, "summary": summary}
    principal = directory.actor.principal
    recorded_by = f"{principal.display_name}（{principal.username}）"
    errors = pv.follow_up_from_form(session, code, values, recorded_by, dt.date.today())
    return _after_post(request, session, directory, code, "follow_up", errors, values)
