"""成果转化 pages, part 2: achievements (institutions publish them with inventors and shares, transfer mode,
price and 先使用后付费 terms; see interested and candidate firms; firms express interest) and technology
contracts (sellers register them; officers decide within 30 days or refuse with a reason; institutions see
the revenue split per contract).
"""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse, Response
from sqlalchemy.orm import Session

from innopoints.accounts.access import allowed
from innopoints.transfer.states import ACHIEVEMENT, CONTRACT
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
    contract_type_options,
    district_options,
    export_list,
    mode_options,
    refusal_reasons,
    render_page,
    today,
)
from innopoints.web.routes.transfer_pages import FORMAT, PAGE, attempt, redirect

router = APIRouter(tags=["成果转化页面 (transfer pages)"], include_in_schema=False)
INVENTOR_ROWS = 6

ACHIEVEMENT_COLUMNS = (
    ("id", "成果编号"),
    ("title", "成果名称"),
    ("institution", "单位"),
    ("cluster", "技术领域"),
    ("subfield", "细分领域"),
    ("trl", "技术成熟度（TRL）"),
    ("transfer_mode_zh", "转化方式"),
    ("price_yuan", "价格（元）"),
    ("pay_after_use", "先使用后付费"),
    ("status_zh", "状态"),
    ("published_on", "发布日期"),
    ("interested", "意向企业数"),
)
INTERESTED_COLUMNS = (
    ("enterprise", "企业"),
    ("uscc", "统一社会信用代码"),
    ("district", "区县"),
    ("cluster", "产业集群"),
    ("created_on", "表达意向日期"),
    ("demand_title", "关联需求"),
    ("note", "留言"),
)
CANDIDATE_COLUMNS = (
    ("enterprise", "企业"),
    ("district", "区县"),
    ("demand_id", "需求编号"),
    ("demand_title", "需求名称"),
    ("score", "匹配得分"),
    ("interested", "已表达意向"),
)
CONTRACT_COLUMNS = (
    ("contract_no", "合同编号"),
    ("contract_type_zh", "合同类型"),
    ("title", "合同名称"),
    ("seller", "卖方"),
    ("buyer_name", "买方"),
    ("buyer_district", "买方区县"),
    ("cluster", "技术领域"),
    ("district", "登记区县"),
    ("signed_on", "签订日期"),
    ("submitted_on", "提交日期"),
    ("decision_deadline", "办理时限"),
    ("decided_on", "决定日期"),
    ("status_zh", "状态"),
    ("amount_yuan", "合同成交额（元）"),
    ("technical_yuan", "技术交易额（元）"),
    ("refusal_reason", "未予登记理由"),
)
SHARE_COLUMNS = (
    ("party_kind_zh", "类别"),
    ("party_name", "名称"),
    ("fraction", "占收入比例（精确分数）"),
    ("amount_exact", "金额（元）"),
)


# ------------------------------------------------------------------------------------------ achievements


def _achievements_page(
    request: Request,
    session: Session,
    principal: PrincipalDep,
    *,
    status: str | None = None,
    q: str | None = None,
    cluster: str | None = None,
    page: int = 1,
    error: str | None = None,
    form: dict[str, Any] | None = None,
    code: int = 200,
) -> HTMLResponse:
    rows = tq.list_achievements(
        session, principal, status=status, q=q, cluster_id=cluster, page=page, page_size=PAGE_SIZE_PAGES
    )
    filled = form or {}
    names = filled.get("inventor_name", [])
    shares = filled.get("inventor_share", [])
    inventor_rows = [
        (names[i] if i < len(names) else "", shares[i] if i < len(shares) else "")
        for i in range(max(INVENTOR_ROWS, len(names)))
    ]
    context = {
        "rows": rows,
        "status": status or "",
        "q": q or "",
        "cluster": cluster or "",
        "clusters": cluster_options(),
        "modes": mode_options(),
        "states": ACHIEVEMENT.states,
        "can_publish": allowed(principal, "transfer.institution.act"),
        "error": error,
        "form": filled,
        "inventor_rows": inventor_rows,
    }
    return render_page(request, session, "transfer/achievements.html", context, code, section="achievements")


@router.get("/transfer/achievements", **requires("transfer.view"))
def achievements_page(
    request: Request,
    session: SessionDep,
    principal: PrincipalDep,
    status: str | None = None,
    q: str | None = None,
    cluster: str | None = None,
    page: Annotated[int, PAGE] = 1,
) -> HTMLResponse:
    return _achievements_page(request, session, principal, status=status, q=q, cluster=cluster, page=page)


@router.get("/transfer/achievements/export", **requires("transfer.view"))
def export_achievements(
    session: SessionDep,
    principal: PrincipalDep,
    status: str | None = None,
    q: str | None = None,
    cluster: str | None = None,
    fmt: Annotated[str, FORMAT] = "xlsx",
) -> Response:
    rows = all_pages(
        lambda page, size: tq.list_achievements(
            session, principal, status=status, q=q, cluster_id=cluster, page=page, page_size=size
        )
    )
    return export_list(ACHIEVEMENT_COLUMNS, rows, fmt, "科技成果")


@router.post("/transfer/achievements", **requires("transfer.institution.act"))
def publish_achievement(
    request: Request, session: SessionDep, principal: PrincipalDep, form: FormDep
) -> Response:
    def run() -> Response:
        inventors = act.inventors_from(form.getlist("inventor_name"), form.getlist("inventor_share"))
        new_id = act.publish_achievement(session, principal, form.as_dict(), inventors)
        return redirect(f"/transfer/achievements/{new_id}", "achievement_published")

    filled: dict[str, Any] = {
        **form.as_dict(),
        "inventor_name": form.getlist("inventor_name"),
        "inventor_share": form.getlist("inventor_share"),
    }
    return attempt(
        session,
        run,
        lambda msg: _achievements_page(request, session, principal, error=msg, form=filled, code=422),
    )


def _achievement_page(
    request: Request,
    session: Session,
    actor: ActorDep,
    achievement_id: int,
    *,
    error: str | None = None,
    code: int = 200,
) -> HTMLResponse:
    p = actor.principal
    detail = tq.achievement_detail(session, p, achievement_id)
    show_firms = detail["manage"] and allowed(p, "transfer.interest.view")
    context = {
        "a": detail,
        "interested": tq.interested(session, actor, achievement_id) if show_firms else None,
        "candidates": tq.candidates(session, actor, achievement_id) if show_firms else None,
        "own_demands": tq.open_demands_of_firm(session, p) if detail["can_express_interest"] else [],
        "error": error,
    }
    return render_page(request, session, "transfer/achievement.html", context, code, section="achievements")


@router.get("/transfer/achievements/{achievement_id}", **requires("transfer.view"))
def achievement_page(
    request: Request, session: SessionDep, actor: ActorDep, achievement_id: int
) -> HTMLResponse:
    return _achievement_page(request, session, actor, achievement_id)


@router.get("/transfer/achievements/{achievement_id}/interested/export", **requires("transfer.interest.view"))
def export_interested(
    session: SessionDep, actor: ActorDep, achievement_id: int, fmt: Annotated[str, FORMAT] = "xlsx"
) -> Response:
    rows = tq.interested(session, actor, achievement_id)
    return export_list(INTERESTED_COLUMNS, rows, fmt, f"成果{achievement_id}_意向企业")


@router.get("/transfer/achievements/{achievement_id}/candidates/export", **requires("transfer.interest.view"))
def export_candidates(
    session: SessionDep, actor: ActorDep, achievement_id: int, fmt: Annotated[str, FORMAT] = "xlsx"
) -> Response:
    rows = tq.candidates(session, actor, achievement_id)
    return export_list(CANDIDATE_COLUMNS, rows, fmt, f"成果{achievement_id}_候选企业")


@router.post("/transfer/achievements/{achievement_id}/action", **requires("transfer.institution.act"))
def achievement_action(
    request: Request, session: SessionDep, actor: ActorDep, achievement_id: int, form: FormDep
) -> Response:
    def run() -> Response:
        act.change_achievement(session, actor.principal, achievement_id, form.get("action", ""))
        return redirect(f"/transfer/achievements/{achievement_id}", "achievement_changed")

    return attempt(
        session,
        run,
        lambda msg: _achievement_page(request, session, actor, achievement_id, error=msg, code=422),
    )


@router.post("/transfer/achievements/{achievement_id}/interest", **requires("transfer.firm.act"))
def express_interest(
    request: Request, session: SessionDep, actor: ActorDep, achievement_id: int, form: FormDep
) -> Response:
    def run() -> Response:
        act.express_interest(session, actor.principal, achievement_id, form.as_dict())
        return redirect(f"/transfer/achievements/{achievement_id}", "interest")

    return attempt(
        session,
        run,
        lambda msg: _achievement_page(request, session, actor, achievement_id, error=msg, code=422),
    )


# ------------------------------------------------------------------------------------------ contracts


def _contracts_page(
    request: Request,
    session: Session,
    principal: PrincipalDep,
    *,
    status: str | None = None,
    overdue: bool = False,
    q: str | None = None,
    page: int = 1,
    error: str | None = None,
    form: dict[str, Any] | None = None,
    code: int = 200,
) -> HTMLResponse:
    on = today()
    rows = tq.list_contracts(
        session, principal, on, status=status, overdue=overdue, q=q, page=page, page_size=PAGE_SIZE_PAGES
    )
    staff = allowed(principal, "transfer.contract.decide")
    context = {
        "rows": rows,
        "status": status or "",
        "overdue": overdue,
        "q": q or "",
        "states": CONTRACT.states,
        "types": contract_type_options(),
        "clusters": cluster_options(),
        "districts": district_options(),
        "reasons": refusal_reasons(),
        "can_register": allowed(principal, "transfer.contract.register"),
        "staff": staff,
        "institutions": tq.institution_choices(session) if staff else [],
        "is_institution": principal.institution_id is not None,
        "error": error,
        "form": form or {},
        "today": on.isoformat(),
    }
    return render_page(request, session, "transfer/contracts.html", context, code, section="contracts")


@router.get("/transfer/contracts", **requires("transfer.contract.view"))
def contracts_page(
    request: Request,
    session: SessionDep,
    principal: PrincipalDep,
    status: str | None = None,
    overdue: bool = False,
    q: str | None = None,
    page: Annotated[int, PAGE] = 1,
) -> HTMLResponse:
    return _contracts_page(request, session, principal, status=status, overdue=overdue, q=q, page=page)


@router.get("/transfer/contracts/export", **requires("transfer.contract.view"))
def export_contracts(
    session: SessionDep,
    principal: PrincipalDep,
    status: str | None = None,
    overdue: bool = False,
    q: str | None = None,
    fmt: Annotated[str, FORMAT] = "xlsx",
) -> Response:
    on = today()
    rows = all_pages(
        lambda page, size: tq.list_contracts(
            session, principal, on, status=status, overdue=overdue, q=q, page=page, page_size=size
        )
    )
    return export_list(CONTRACT_COLUMNS, rows, fmt, "技术合同")


@router.post("/transfer/contracts", **requires("transfer.contract.register"))
def register_contract(
    request: Request, session: SessionDep, principal: PrincipalDep, form: FormDep
) -> Response:
    def run() -> Response:
        row = act.register_contract(session, principal, form.as_dict())
        return redirect(f"/transfer/contracts/{row.id}", "contract_registered")

    return attempt(
        session,
        run,
        lambda msg: _contracts_page(request, session, principal, error=msg, form=form.as_dict(), code=422),
    )


def _contract_page(
    request: Request,
    session: Session,
    principal: PrincipalDep,
    contract_id: int,
    *,
    error: str | None = None,
    warning: str | None = None,
    code: int = 200,
) -> HTMLResponse:
    detail = tq.contract_detail(session, principal, contract_id, today())
    context = {"c": detail, "reasons": refusal_reasons(), "error": error, "warning": warning}
    return render_page(request, session, "transfer/contract.html", context, code, section="contracts")


@router.get("/transfer/contracts/{contract_id}", **requires("transfer.contract.view"))
def contract_page(
    request: Request, session: SessionDep, principal: PrincipalDep, contract_id: int
) -> HTMLResponse:
    return _contract_page(request, session, principal, contract_id)


@router.post("/transfer/contracts/{contract_id}/decision", **requires("transfer.contract.decide"))
def decide_contract(
    request: Request, session: SessionDep, principal: PrincipalDep, contract_id: int, form: FormDep
) -> Response:
    def run() -> Response:
        warning = act.decide_contract(session, principal, contract_id, form.as_dict())
        if warning:  # decided after the 30-day window: recorded, and the page says so
            return _contract_page(
                request, session, principal, contract_id, warning=f"登记决定已保存，但{warning}"
            )
        return redirect(f"/transfer/contracts/{contract_id}", "contract_decided")

    return attempt(
        session,
        run,
        lambda msg: _contract_page(request, session, principal, contract_id, error=msg, code=422),
    )


@router.post("/transfer/contracts/{contract_id}/shares", **requires("transfer.revenue.view"))
def compute_shares(
    request: Request, session: SessionDep, principal: PrincipalDep, contract_id: int, form: FormDep
) -> Response:
    def run() -> Response:
        act.compute_shares(session, principal, contract_id, {**form.as_dict(), "save": True})
        return redirect(f"/transfer/contracts/{contract_id}", "shares_saved")

    return attempt(
        session,
        run,
        lambda msg: _contract_page(request, session, principal, contract_id, error=msg, code=422),
    )


@router.get("/transfer/contracts/{contract_id}/shares/export", **requires("transfer.revenue.view"))
def export_shares(
    session: SessionDep, principal: PrincipalDep, contract_id: int, fmt: Annotated[str, FORMAT] = "xlsx"
) -> Response:
    detail = tq.contract_detail(session, principal, contract_id, today())
    parts = [] if detail["shares"] is None else detail["shares"]["parts"]
    return export_list(SHARE_COLUMNS, parts, fmt, f"合同{detail['contract_no']}_收益分配")
