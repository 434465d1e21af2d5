"""JSON API of the dynamic cultivation pool (动态培育库), read-only: members at a screened round (by tier and
district, paginated), a firm's append-only history, the round-to-round report (JSON or CSV / XLSX) and alerts.

Every view is derived by the pool services (``cultivation.service`` replays the event list; ``cultivation.report``
compares two rounds). 409 when no round has been screened yet, 404 for an unknown firm or an unscreened round.
"""

from __future__ import annotations

from enum import StrEnum
from typing import Annotated, Any

import polars as pl
from fastapi import APIRouter, Query, Request
from fastapi.responses import Response
from sqlalchemy.orm import Session

from innopoints.accounts.context import Actor
from innopoints.adapters.db import cultivation_repo as repo
from innopoints.bootstrap import Container
from innopoints.cultivation.care import FOLLOW_UP_ZH, ROLE_ZH
from innopoints.cultivation.history import KIND_ZH
from innopoints.cultivation.report import CHANGE_ORDER, export_diff, pool_diff
from innopoints.cultivation.rulebook import CultivationRulebook, load_cultivation
from innopoints.cultivation.service import firm_history, pool_alerts, pool_at, screened_round_ids
from innopoints.errors import UserError
from innopoints.registry.scope import audit_listed
from innopoints.web.auth import ActorDep
from innopoints.web.deps import ContainerDep, SessionDep
from innopoints.web.errors import error_response
from innopoints.web.routes.cultivation_common import (
    CONFLICT,
    DENIED,
    INVALID,
    JSON_OK,
    NOT_FOUND,
    download,
    json_response,
    paginate,
    requires,
)

NOT_SCREENED = (
    "培育库尚未筛选，请先运行 innopoints score 生成积分批次，再运行 innopoints pool screen "
    "(no round has been screened into the pool yet)"
)
ROUND = Query(alias="round", ge=1, description="已筛选的积分评价批次号，默认最新")
PAGE = Query(ge=1, description="页码，从 1 开始")
PAGE_SIZE = Query(description="每页条数：20、50 或 100")

router = APIRouter(
    prefix="/api",
    tags=["培育库 (cultivation pool)"],
    responses={**DENIED, 404: NOT_FOUND, 409: CONFLICT, 422: INVALID},
)


class ExportFormat(StrEnum):
    csv = "csv"
    xlsx = "xlsx"


class NotScreened(Exception):
    """No scoring round has been screened into the pool."""


def _book(container: Container) -> CultivationRulebook:
    return load_cultivation(container.settings.region)


def _round(session: Session, round_id: int | None) -> int:
    """The given round (validated by the services) or the latest screened one."""
    if round_id is not None:
        return round_id
    ids = screened_round_ids(session)
    if not ids:
        raise NotScreened
    return ids[-1]


def _not_screened(request: Request) -> Response:
    return error_response(request, 409, "pool_not_screened", NOT_SCREENED)


def _tier(book: CultivationRulebook, tier_id: str | None) -> dict[str, Any] | None:
    if tier_id is None:
        return None
    tier = book.tier(tier_id)
    return {"id": tier.id, "name_zh": tier.name.zh, "rank": tier.rank}


def _tier_zh(book: CultivationRulebook, tier_id: object) -> str:
    return book.tier_name(None if tier_id is None else str(tier_id))


def _members(
    container: Container,
    session: Session,
    actor: Actor,
    round_id: int,
    tier: str | None,
    district: str | None,
) -> list[dict[str, Any]]:
    book, region = _book(container), container.region
    tiers = {t.id: t for t in book.tiers.tiers}
    if tier is not None and tier not in tiers:
        raise UserError(f"参数 tier：未知层级“{tier}”，应为 {'、'.join(tiers)} (unknown tier)")
    if district is not None and district not in {d.id for d in region.districts}:
        raise UserError(f"参数 district：未知区县代码“{district}” (unknown district code)")
    members = pool_at(session, round_id, actor=actor)
    if tier is not None:
        members = members.filter(pl.col("tier") == tier)
    firms = repo.enterprises(session, ["uscc", "name", "district_code", "cluster_id"])
    joined = members.join(firms, on="uscc", how="left")
    if district is not None:
        joined = joined.filter(pl.col("district_code") == district)
    rank = {t.id: t.rank for t in book.tiers.tiers}
    rows = sorted(
        joined.iter_rows(named=True), key=lambda r: (-rank[r["tier"]], r["district_code"] or "", r["uscc"])
    )
    return [
        {
            "uscc": r["uscc"],
            "name": r["name"],
            "tier": r["tier"],
            "tier_zh": tiers[r["tier"]].name.zh,
            "district_code": r["district_code"],
            "district_name": region.district_name(r["district_code"]) if r["district_code"] else None,
            "cluster_id": r["cluster_id"],
            "cluster_name": region.cluster_name(r["cluster_id"]) if r["cluster_id"] else None,
        }
        for r in rows
    ]


@router.get(
    "/pool",
    operation_id="list_pool_members",
    summary="培育库在库企业（按已筛选批次重放事件得到），可按层级、区县筛选，分页",
    response_class=Response,
    responses=JSON_OK,
    **requires("pool.view"),
)
def list_pool(
    request: Request,
    container: ContainerDep,
    session: SessionDep,
    actor: ActorDep,
    round_id: Annotated[int | None, ROUND] = None,
    tier: Annotated[str | None, Query(description="层级：seedling 育苗、trunk 培干、pillar 强柱")] = None,
    district: Annotated[str | None, Query(description="区县代码（GB/T 2260），如 210112")] = None,
    page: Annotated[int, PAGE] = 1,
    page_size: Annotated[int, PAGE_SIZE] = 20,
) -> Response:
    try:
        rid = _round(session, round_id)
    except NotScreened:
        return _not_screened(request)
    rows = _members(container, session, actor, rid, tier or None, district or None)
    counts = {t.id: sum(1 for r in rows if r["tier"] == t.id) for t in _book(container).tiers.tiers}
    body = paginate(rows, page, page_size)
    audit_listed(session, actor, "list_enterprises", [r["uscc"] for r in body["items"]], detail="培育库名单")
    return json_response({"round": rid, "by_tier": counts, **body})


@router.get(
    "/enterprises/{uscc}/pool-history",
    operation_id="get_enterprise_pool_history",
    summary="企业培育库历史：事件（入库 / 升级 / 降级 / 出库，带原因与依据）、各批次层级、指派、跟进与预警",
    response_class=Response,
    responses=JSON_OK,
    **requires("pool.view"),
)
def get_pool_history(container: ContainerDep, session: SessionDep, actor: ActorDep, uscc: str) -> Response:
    history = firm_history(session, uscc, actor=actor)
    code = history.uscc
    book = _book(container)
    events = [
        {
            **e,
            "kind_zh": KIND_ZH[str(e["kind"])],
            "tier_from_zh": _tier_zh(book, e["tier_from"]),
            "tier_to_zh": _tier_zh(book, e["tier_to"]),
        }
        for e in history.events
    ]
    return json_response(
        {
            "uscc": code,
            "current_tier": _tier(book, history.current_tier),
            "tier_by_round": [{"round": r, "tier": _tier(book, t)} for r, t in history.tier_by_round.items()],
            "events": events,
            "assignments": [
                {
                    "id": a.id,
                    "role": a.role,
                    "role_zh": ROLE_ZH.get(a.role, a.role),
                    "person_id": a.person_id,
                    "person_name": a.person_name,
                    "started_on": a.started_on,
                    "ended_on": a.ended_on,
                }
                for a in repo.assignments(session, code)
            ],
            "follow_ups": [
                {
                    "id": f.id,
                    "occurred_on": f.occurred_on,
                    "kind": f.kind,
                    "kind_zh": FOLLOW_UP_ZH.get(f.kind, f.kind),
                    "summary": f.summary,
                    "recorded_by": f.recorded_by,
                    "assignment_id": f.assignment_id,
                }
                for f in repo.follow_ups(session, code)
            ],
            "alerts": [_alert(a) for a in pool_alerts(session, None, code)],
        }
    )


@router.get(
    "/pool/diff",
    operation_id="get_pool_diff",
    summary="两个已筛选批次之间的新入库、升级、降级、出库（按区县、产业集群汇总），可导出 CSV / XLSX",
    response_class=Response,
    responses={
        200: {
            "content": {
                "application/json": {},
                "text/csv": {},
                "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet": {},
            }
        }
    },
    **requires("pool.view"),
)
def get_diff(
    container: ContainerDep,
    session: SessionDep,
    actor: ActorDep,
    from_round: Annotated[int, Query(alias="from", ge=1, description="较早的已筛选批次号")],
    to_round: Annotated[int, Query(alias="to", ge=1, description="较晚的已筛选批次号")],
    page: Annotated[int, PAGE] = 1,
    page_size: Annotated[int, PAGE_SIZE] = 100,
    fmt: Annotated[ExportFormat | None, Query(alias="format", description="导出格式 csv 或 xlsx")] = None,
) -> Response:
    diff = pool_diff(session, _book(container), container.region, from_round, to_round, actor=actor)
    label = f"培育库变动 {from_round}→{to_round}"
    if fmt is not None:
        audit_listed(session, actor, "export_list", diff.rows["uscc"].to_list(), detail=f"导出 {label}")
        return download(export_diff(diff, fmt.value), fmt.value, f"培育库变动_{from_round}_{to_round}")
    body = paginate(diff.rows.to_dicts(), page, page_size)
    audit_listed(session, actor, "list_enterprises", [r["uscc"] for r in body["items"]], detail=label)
    return json_response(
        {
            "from_round": from_round,
            "to_round": to_round,
            "counts": {k: diff.count(k) for k in CHANGE_ORDER},
            "labels_zh": {k: KIND_ZH[k] for k in CHANGE_ORDER},
            "by_district": diff.by_district.to_dicts(),
            "by_cluster": diff.by_cluster.to_dicts(),
            **body,
        }
    )


def _alert(a: Any) -> dict[str, Any]:
    return {
        "id": a.id,
        "round": a.round_id,
        "prev_round": a.prev_round_id,
        "uscc": a.uscc,
        "rule_id": a.rule_id,
        "metric": a.metric,
        "value_from": a.value_from,
        "value_to": a.value_to,
        "threshold": a.threshold,
        "message_zh": a.message_zh,
        "created_at": a.created_at,
    }


@router.get(
    "/pool/alerts",
    operation_id="list_pool_alerts",
    summary="培育库预警：在库企业在相邻两个已筛选批次之间跨越阈值（积分下降、百分位变化等）",
    response_class=Response,
    responses=JSON_OK,
    **requires("pool.view"),
)
def list_alerts(
    session: SessionDep,
    actor: ActorDep,
    round_id: Annotated[int | None, ROUND] = None,
    uscc: Annotated[str | None, Query(description="只看一家企业（统一社会信用代码）")] = None,
    page: Annotated[int, PAGE] = 1,
    page_size: Annotated[int, PAGE_SIZE] = 20,
) -> Response:
    rows = [_alert(a) for a in pool_alerts(session, round_id, uscc or None, actor=actor)]
    body = paginate(rows, page, page_size)
    audit_listed(session, actor, "list_enterprises", [r["uscc"] for r in body["items"]], detail="培育库预警")
    return json_response(body)
