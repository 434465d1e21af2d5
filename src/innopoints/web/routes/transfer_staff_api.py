"""JSON API of 成果转化 (prefix ``/api/transfer``), part 2: statistics (officers and administrators; city-wide
aggregates) and the "卡脖子" challenge list (submit, review, score, screen, publish, apply, choose).

Same conventions as ``transfer_api``: exact 元 as decimal strings, paginated lists, errors
``{"error": {"code", "message"}}`` with 409 for an action the current state does not allow.
"""

from __future__ import annotations

from datetime import date
from typing import Annotated, Any

from fastapi import APIRouter, Query, Request
from fastapi.responses import Response
from pydantic import Field

from innopoints.errors import UserError
from innopoints.transfer import challenges
from innopoints.web.auth import PrincipalDep
from innopoints.web.deps import SessionDep
from innopoints.web.routes import transfer_actions as act
from innopoints.web.routes import transfer_queries as tq
from innopoints.web.routes.cultivation_common import DENIED, INVALID, NOT_FOUND, json_response, requires
from innopoints.web.routes.transfer_api import CONFLICT, PAGE, PAGE_SIZE, Body, Money, write
from innopoints.web.routes.transfer_common import form_date, paged_list, today
from innopoints.web.routes.transfer_staff_pages import as_of_for, check_year

router = APIRouter(
    prefix="/api/transfer",
    tags=["成果转化 (technology transfer)"],
    responses={**DENIED, 404: NOT_FOUND, 409: CONFLICT, 422: INVALID},
)
YEAR = Query(ge=2000, le=2100, description="统计年度，默认今年")


# ------------------------------------------------------------------------------------------ statistics


@router.get("/stats/turnover", operation_id="transfer_stats_turnover", **requires("transfer.stats.view"))
def stats_turnover(
    session: SessionDep,
    principal: PrincipalDep,
    year: Annotated[int | None, YEAR] = None,
    as_of: Annotated[str | None, Query(description="统计截止日期 YYYY-MM-DD（须在该年度内）")] = None,
) -> Response:
    """登记技术合同成交额对照年度目标（2026 年 920 亿元）与上年同期；全市口径。"""
    chosen = check_year(year)
    on: date = form_date(as_of, "参数 as_of") if as_of else as_of_for(chosen)
    return json_response(tq.turnover(session, principal, chosen, on))


@router.get("/stats/contracts", operation_id="transfer_stats_contracts", **requires("transfer.stats.view"))
def stats_contracts(
    session: SessionDep,
    principal: PrincipalDep,
    year: Annotated[int | None, YEAR] = None,
    by: Annotated[str, Query(description="type 合同类型 / field 技术领域 / district 区县")] = "type",
    direction: Annotated[str, Query(description="output 输出（卖方） / absorb 吸纳（买方）")] = "output",
) -> Response:
    """技术合同输出 / 吸纳，按类型、领域或区县；全市口径。"""
    return json_response(tq.contract_breakdown(session, principal, check_year(year), by, direction))


@router.get("/stats/pilots", operation_id="transfer_stats_pilots", **requires("transfer.stats.view"))
def stats_pilots(session: SessionDep, principal: PrincipalDep) -> Response:
    """中试基地、概念验证中心的累计产出与载体数对照公开数据（764 / 533 / 200+ / 3,600+；71 / 59 / 156）。"""
    return json_response(tq.pilot_figures(session, principal))


@router.get("/stats/brokers", operation_id="transfer_stats_brokers", **requires("transfer.stats.view"))
def stats_brokers(
    session: SessionDep,
    principal: PrincipalDep,
    year: Annotated[int | None, Query(ge=2000, le=2100, description="只计该年分派的任务")] = None,
    page: Annotated[int, PAGE] = 1,
    page_size: Annotated[int, PAGE_SIZE] = 20,
) -> Response:
    """经纪人绩效（按签约登记额排序）与持证人数对照 1,400 人目标。"""
    data = tq.broker_stats(session, principal, today(), year, None)
    rows = data.pop("rows")
    return json_response({**data, "brokers": paged_list(rows, page, page_size).as_json()})


# ------------------------------------------------------------------------------------------ challenges


class ChallengeBody(Body):
    title: str = Field(max_length=300)
    description: str = Field(max_length=20_000)
    indicators: str = Field("", max_length=20_000)
    cluster_id: str
    budget: Money


class ChallengeActionBody(Body):
    action: str = Field(description="review、select、reject、publish、complete、close")
    reason: str | None = Field(None, max_length=300)


class WithdrawBody(Body):
    reason: str = Field(max_length=300)


class ScoreBody(Body):
    expert_id: int
    score: int = Field(description="0–100")
    comment: str = Field("", max_length=2000)


class ApplicationBody(Body):
    team_name: str = Field(max_length=200)
    plan: str = Field(max_length=20_000)
    quote: Money


@router.get("/challenges", operation_id="transfer_list_challenges", **requires("transfer.view"))
def list_challenges(
    session: SessionDep,
    principal: PrincipalDep,
    status: Annotated[
        str | None,
        Query(
            description="submitted、reviewing、selected、rejected、published、awarded、completed、withdrawn、closed"
        ),
    ] = None,
    page: Annotated[int, PAGE] = 1,
    page_size: Annotated[int, PAGE_SIZE] = 20,
) -> Response:
    """榜单：工作人员看全部；企业看已发榜的与本企业提交的；其他角色看已发榜的。"""
    return json_response(tq.challenge_rows(session, principal, status, page, page_size).as_json())


@router.post(
    "/challenges", operation_id="transfer_submit_challenge", status_code=201, **requires("transfer.firm.act")
)
def submit_challenge(
    request: Request, session: SessionDep, principal: PrincipalDep, body: ChallengeBody
) -> Response:
    def run() -> Any:
        new_id = act.submit_challenge(session, principal, body.model_dump())
        return tq.challenge_detail(session, principal, new_id, today())

    return write(request, session, run, 201)


@router.post(
    "/challenges/screen", operation_id="transfer_screen_challenges", **requires("transfer.challenge.manage")
)
def screen_challenges(request: Request, session: SessionDep, principal: PrincipalDep) -> Response:
    """评分已满的评审中难题：平均分达到入选线的入选，否则不予入选。"""

    def run() -> Any:
        selected, rejected = challenges.screen(session, principal, today())
        return {"selected": selected, "rejected": rejected}

    return write(request, session, run)


@router.get("/challenges/{challenge_id}", operation_id="transfer_get_challenge", **requires("transfer.view"))
def get_challenge(session: SessionDep, principal: PrincipalDep, challenge_id: int) -> Response:
    return json_response(tq.challenge_detail(session, principal, challenge_id, today()))


@router.post(
    "/challenges/{challenge_id}/actions",
    operation_id="transfer_challenge_action",
    **requires("transfer.challenge.manage"),
)
def challenge_action(
    request: Request,
    session: SessionDep,
    principal: PrincipalDep,
    challenge_id: int,
    body: ChallengeActionBody,
) -> Response:
    if body.action == "withdraw":
        raise UserError("撤回难题由出题企业通过 /withdraw 办理")

    def run() -> Any:
        act.act_challenge(session, principal, challenge_id, body.model_dump())
        return tq.challenge_detail(session, principal, challenge_id, today())

    return write(request, session, run)


@router.post(
    "/challenges/{challenge_id}/withdraw",
    operation_id="transfer_withdraw_challenge",
    **requires("transfer.firm.act"),
)
def withdraw_challenge(
    request: Request, session: SessionDep, principal: PrincipalDep, challenge_id: int, body: WithdrawBody
) -> Response:
    def run() -> Any:
        act.act_challenge(session, principal, challenge_id, {"action": "withdraw", "reason": body.reason})
        return tq.challenge_detail(session, principal, challenge_id, today())

    return write(request, session, run)


@router.post(
    "/challenges/{challenge_id}/scores",
    operation_id="transfer_score_challenge",
    **requires("transfer.challenge.manage"),
)
def score_challenge(
    request: Request, session: SessionDep, principal: PrincipalDep, challenge_id: int, body: ScoreBody
) -> Response:
    """录入一位专家的评分（评审中；科技特派员回避其服务的企业）。"""

    def run() -> Any:
        act.score_challenge(session, principal, challenge_id, body.model_dump())
        return tq.challenge_detail(session, principal, challenge_id, today())

    return write(request, session, run)


@router.post(
    "/challenges/{challenge_id}/applications",
    operation_id="transfer_apply_challenge",
    status_code=201,
    **requires("transfer.challenge.apply"),
)
def apply_challenge(
    request: Request, session: SessionDep, principal: PrincipalDep, challenge_id: int, body: ApplicationBody
) -> Response:
    """高校/院所或企业团队揭榜（发榜后、截止日期前）。"""

    def run() -> Any:
        act.apply_challenge(session, principal, challenge_id, body.model_dump())
        return tq.challenge_detail(session, principal, challenge_id, today())

    return write(request, session, run, 201)


@router.post(
    "/applications/{application_id}/choose",
    operation_id="transfer_choose_application",
    **requires("transfer.challenge.choose"),
)
def choose_application(
    request: Request, session: SessionDep, principal: PrincipalDep, application_id: int
) -> Response:
    """出题企业（或工作人员）选定揭榜团队；其余申请为未选定。"""
    challenge_id = tq.challenge_of_application(session, application_id)

    def run() -> Any:
        act.choose_application(session, principal, application_id)
        return tq.challenge_detail(session, principal, challenge_id, today())

    return write(request, session, run)
