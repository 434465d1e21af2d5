"""企业画像 page: identity, points and ranks, radar by indicator group, three-year trend, ladder stage and
the exact gap to the next rung, eligibility verdicts with reasons and references, qualifications, negative
records and the indicator panel with provenance and revisions. Growth potential, matched policies and pool
history are loaded into the page by htmx (each checks the reader's role and scope itself)."""

from __future__ import annotations

import datetime as dt
from typing import Annotated, Any

from fastapi import APIRouter, Query, Request
from fastapi.responses import HTMLResponse

from innopoints.accounts.access import allowed, require
from innopoints.accounts.context import Actor
from innopoints.adapters.db.enterprise_repo import shared_firm_reads
from innopoints.cultivation.service import screened_round_ids
from innopoints.errors import UserError
from innopoints.officer.pool_view import firm_care
from innopoints.policy.service import match_firm_for
from innopoints.potential.explain import explain_firm
from innopoints.profile.service import page_summary
from innopoints.rules.results import Status
from innopoints.web.deps import ContainerDep, DirectoryDep, SessionDep
from innopoints.web.routes import officer_common as oc
from innopoints.web.routes.potential_api import NOTICE, NoModel, _panel, _stored_model, _task
from innopoints.web.templating import render

router = APIRouter(tags=["页面 (pages)"], include_in_schema=False)

SECTIONS = ("potential", "policies", "pool")
SECTION_CAPABILITY = {"potential": "potential.view", "policies": "policy.view", "pool": "pool.view"}


def _charts(profile: dict[str, Any]) -> dict[str, Any]:
    radar = profile["radar"]
    trend = profile["trend"]["points"]
    return {
        "radar": oc.chart(
            "radar",
            indicators=[{"name": a["name"], "max": oc.num(a["max_score"])} for a in radar],
            series=[
                {"name": "本企业得分", "value": [oc.num(a["score"]) for a in radar]},
                {"name": "同类组中位数", "value": [oc.num(a["peer_median"]) for a in radar]},
            ],
        ),
        "trend": oc.chart(
            "line",
            categories=[f"{p['year']}年" for p in trend],
            series=[{"name": "创新积分（分）", "data": [oc.num(p["points"]) for p in trend]}],
            unit="分",
        ),
    }


@router.get("/enterprises/{uscc}", operation_id="page_enterprise_detail", response_class=HTMLResponse)
def enterprise_detail(
    request: Request,
    directory: DirectoryDep,
    uscc: str,
    unit: Annotated[str | None, Query(description="yuan：以元显示精确值；默认万元")] = None,
) -> HTMLResponse:
    with shared_firm_reads(directory.session):  # the detail and the 画像 read the firm's rows once
        detail = directory.detail(uscc)  # role and scope check, audited (part="financials")
        profile = page_summary(directory.session, oc.points_rulebook(request), uscc, actor=directory.actor)
    viewer = directory.actor.principal
    context = {
        "profile": profile,
        "gap_items": [] if profile is None else profile["gap_items"],
        "charts": None if profile is None else _charts(profile),
        "detail": detail,
        "exact": unit == "yuan",
        "today": directory.today,
        "region": directory.region,
        "sections": [s for s in SECTIONS if allowed(viewer, SECTION_CAPABILITY[s])],
    }
    return render(request, "enterprise_detail.html", context, synthetic=directory.is_synthetic())


@router.get(
    "/enterprises/{uscc}/revisions/{indicator}/{year}",
    operation_id="page_enterprise_value_history",
    response_class=HTMLResponse,
)
def enterprise_value_history(
    request: Request, directory: DirectoryDep, uscc: str, indicator: str, year: int
) -> HTMLResponse:
    """Provenance and revision history of one panel value (an HTML fragment the profile page loads when
    the value is opened); the same role, scope and audit as the firm's data."""
    field, cell = directory.panel_cell(uscc, indicator, year)
    context = {"uscc": uscc.upper(), "field": field, "year": year, "cell": cell}
    return render(request, "partials/_cell_history.html", context, synthetic=False)


def _potential(request: Request, container: ContainerDep, uscc: str) -> dict[str, Any]:
    try:
        model = _stored_model(request, container, None)
    except NoModel:
        return {"missing": "尚未训练成长潜力模型（运行 innopoints potential train 后可见）"}
    try:
        explanations = explain_firm(model, _panel(request, container), uscc, 3)
    except UserError as exc:
        return {"missing": exc.message}
    return {
        "tasks": [_task(ex, model) for ex in explanations],
        "notice": NOTICE,
        "model_id": model.card.get("model_id"),
    }


def _policies(session: SessionDep, container: ContainerDep, actor: Actor, uscc: str) -> dict[str, Any]:
    found = match_firm_for(session, actor, uscc, dt.date.today(), None, container.settings.region)
    answer = found.as_dict()
    grouped: dict[str, list[dict[str, Any]]] = {s.value: [] for s in Status}
    for item in answer["policies"]:
        grouped[item["status"]].append(item)
    return {
        "matched": grouped[Status.MET.value],
        "unknown": grouped[Status.UNKNOWN.value],
        "not_matched": grouped[Status.NOT_MET.value],
        "warnings": answer.get("warnings", []),
        "round": answer.get("round"),
    }


@router.get(
    "/enterprises/{uscc}/sections/{section}",
    operation_id="page_enterprise_section",
    response_class=HTMLResponse,
)
def enterprise_section(
    request: Request,
    container: ContainerDep,
    session: SessionDep,
    directory: DirectoryDep,
    uscc: str,
    section: str,
) -> HTMLResponse:
    """One lazily loaded part of the profile page (an HTML fragment)."""
    if section not in SECTIONS:
        raise UserError(f"未知的画像栏目“{section}”，应为 {'、'.join(SECTIONS)} 之一")
    require(directory.actor.principal, SECTION_CAPABILITY[section])
    firm = directory.enterprise_for_read(uscc, "view_profile", part="profile")
    context: dict[str, Any] = {"section": section, "uscc": firm.uscc}
    if section == "potential":
        context["potential"] = _potential(request, container, firm.uscc)
    elif section == "policies":
        context["policies"] = _policies(session, container, directory.actor, firm.uscc)
    else:
        context["screened"] = bool(screened_round_ids(session))
        context["care"] = firm_care(session, oc.pool_rulebook(request), firm.uscc)
    return render(request, "partials/_profile_section.html", context, synthetic=False)
