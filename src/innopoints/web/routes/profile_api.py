"""JSON API of the enterprise profile (企业画像), gap, what-if and scoring rounds.

Routes stay thin: parse parameters, call ``innopoints.profile.service``, render JSON. Decimals are exact
strings (money in 元 with two decimals), dates ISO text. Errors use the common body
``{"error": {"code", "message"}}``: 404 unknown firm/round, 422 bad parameters, 409 no round yet or a round of another rulebook version.
"""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Callable
from decimal import Decimal
from fractions import Fraction
from typing import Annotated, Any

from fastapi import APIRouter, Body, Query, Request
from fastapi.responses import Response
from pydantic import BaseModel, Field

from innopoints.profile import service
from innopoints.rules.results import plain
from innopoints.scoring.rulebook import load_points
from innopoints.web.auth import ActorDep
from innopoints.web.deps import ContainerDep, SessionDep
from innopoints.web.errors import error_response
from innopoints.web.routes.cultivation_common import DENIED, requires
from innopoints.web.schemas import ErrorBody

ERRORS: dict[int | str, dict[str, Any]] = {
    **DENIED,
    404: {"model": ErrorBody, "description": "企业或评价批次不存在 (not found)"},
    409: {
        "model": ErrorBody,
        "description": "尚无积分评价批次，或批次的积分规则版本与当前不同 (no round yet / round of another rulebook)",
    },
    422: {"model": ErrorBody, "description": "参数无效 (invalid parameter)"},
}
JSON_OK: dict[int | str, dict[str, Any]] = {200: {"content": {"application/json": {}}}}

router = APIRouter(prefix="/api", tags=["企业画像 (profile)"], responses=ERRORS)


class WhatIfIn(BaseModel):
    evaluator: str = Field(description="评价：tech-sme、high-tech、eaglet、gazelle、unicorn、tech-leader …")
    overrides: dict[str, Any] = Field(
        description='设定的输入值，如 {"sci_tech_staff": 12}；金额单位为元；多年数组用 field[-1]'
    )


def _default(value: Any) -> Any:
    if isinstance(value, Decimal):
        return str(value)
    if isinstance(value, Fraction):
        return str(plain(value))
    if isinstance(value, dt.date | dt.datetime):
        return value.isoformat()
    if isinstance(value, set | frozenset | tuple):
        return list(value)
    return str(plain(value))


def _json(content: Any) -> Response:
    text = json.dumps(content, ensure_ascii=False, default=_default)
    return Response(text, media_type="application/json")


def _answer(request: Request, build: Callable[[], Any]) -> Response:
    try:
        return _json(build())
    except service.NoRound as exc:
        return error_response(request, 409, "no_round", exc.message)
    except service.StaleRound as exc:
        return error_response(request, 409, "round_rulebook_changed", exc.message)


@router.get(
    "/enterprises/{uscc}/profile",
    operation_id="get_enterprise_profile",
    summary="企业画像：积分、排名、雷达、指标贡献、优势短板、三年趋势、梯度与差距、资格判断",
    response_class=Response,
    responses=JSON_OK,
    **requires("profile.view"),
)
def get_profile(
    request: Request,
    container: ContainerDep,
    session: SessionDep,
    actor: ActorDep,
    uscc: str,
    round_id: Annotated[
        int | None, Query(alias="round", ge=1, description="评价批次号；默认为含该企业的最近年度批次")
    ] = None,
    as_of: Annotated[dt.date | None, Query(description="资格判断日期，默认今天")] = None,
) -> Response:
    rb = load_points(container.settings.region)
    return _answer(
        request,
        lambda: service.build_profile(session, rb, uscc, round_id=round_id, as_of=as_of, actor=actor),
    )


@router.get(
    "/enterprises/{uscc}/gap",
    operation_id="get_enterprise_gap",
    summary="到下一梯度（或指定目标）的差距：每项给出最小变化并复核",
    response_class=Response,
    responses=JSON_OK,
    **requires("profile.view"),
)
def get_gap(
    request: Request,
    session: SessionDep,
    actor: ActorDep,
    uscc: str,
    target: Annotated[
        str | None,
        Query(description="目标：tech-sme、high-tech、eaglet、gazelle、seed-unicorn、potential-unicorn …"),
    ] = None,
    as_of: Annotated[dt.date | None, Query(description="评价日期，默认今天")] = None,
    year: Annotated[int | None, Query(ge=1990, le=2100, description="申报年度，默认评价日期所在年")] = None,
) -> Response:
    return _answer(
        request,
        lambda: service.gap(session, uscc, target=target or None, as_of=as_of, filing_year=year, actor=actor),
    )


@router.post(
    "/enterprises/{uscc}/what-if",
    operation_id="post_enterprise_what_if",
    summary="假设分析：改动部分输入后重新评价，返回前后结论与变化的条件",
    response_class=Response,
    responses=JSON_OK,
    **requires("profile.what_if"),
)
def post_what_if(
    request: Request,
    session: SessionDep,
    actor: ActorDep,
    uscc: str,
    body: Annotated[WhatIfIn, Body()],
    as_of: Annotated[dt.date | None, Query(description="评价日期，默认今天")] = None,
    year: Annotated[int | None, Query(ge=1990, le=2100, description="申报年度，默认评价日期所在年")] = None,
) -> Response:
    overrides = json.loads(json.dumps(body.overrides), parse_float=Decimal)  # money stays exact
    return _answer(
        request,
        lambda: service.what_if(
            session, uscc, body.evaluator, overrides, as_of=as_of, filing_year=year, actor=actor
        ),
    )


@router.get(
    "/rounds",
    operation_id="list_scoring_rounds",
    summary="积分评价批次列表",
    tags=["积分评价批次 (rounds)"],
    response_class=Response,
    responses=JSON_OK,
    **requires("round.view"),
)
def list_rounds(request: Request, session: SessionDep, actor: ActorDep) -> Response:
    return _answer(request, lambda: {"items": service.list_rounds(session, actor=actor)})


@router.get(
    "/rounds/{round_id}/top",
    operation_id="get_round_top_list",
    summary="批次榜单（前5% / 前10% / 前20%，按同类组名次）",
    tags=["积分评价批次 (rounds)"],
    response_class=Response,
    responses=JSON_OK,
    **requires("round.view"),
)
def get_top(
    request: Request,
    container: ContainerDep,
    session: SessionDep,
    actor: ActorDep,
    round_id: int,
    share: Annotated[Decimal, Query(description="榜单比例：0.05、0.10 或 0.20")] = Decimal("0.05"),
    peer_group: Annotated[str | None, Query(description="只看一个同类组，如 growth:robotics")] = None,
    limit: Annotated[int, Query(ge=1, le=5000, description="最多返回条数")] = 1000,
) -> Response:
    rb = load_points(container.settings.region)
    return _answer(
        request,
        lambda: service.top_list(
            session, rb, round_id, share, peer_group=peer_group or None, limit=limit, actor=actor
        ),
    )
