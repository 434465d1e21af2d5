"""JSON API of the policy library (政策库) and policy matching: the library, the city list of one policy
(paginated, or exported as CSV / XLSX) and one firm against every policy (符合 / 不符合 / 待核实 with reasons
and references). Matching runs on the facts at ``as_of`` (default today) and the given or latest scoring round.
"""

from __future__ import annotations

import datetime as dt
from enum import StrEnum
from typing import Annotated, Any

from fastapi import APIRouter, Query
from fastapi.responses import Response

from innopoints.accounts.context import Actor
from innopoints.errors import NotFound
from innopoints.policy.library import Policy
from innopoints.policy.schema import BENEFIT_ZH, STATUS_ZH
from innopoints.policy.service import EXPORT_COLUMNS, eligible_firms_for, library_for, match_firm_for
from innopoints.policy.single import STATUS_TEXT
from innopoints.registry.exporting import export_rows
from innopoints.registry.scope import audit_listed
from innopoints.rules.results import Status
from innopoints.web.auth import ActorDep
from innopoints.web.deps import ContainerDep, SessionDep
from innopoints.web.routes.cultivation_common import (
    DENIED,
    INVALID,
    JSON_OK,
    NOT_FOUND,
    download,
    json_response,
    paginate,
    requires,
)

router = APIRouter(
    prefix="/api", tags=["政策匹配 (policies)"], responses={**DENIED, 404: NOT_FOUND, 422: INVALID}
)


class ListStatus(StrEnum):
    matched = "matched"
    unknown = "unknown"
    all = "all"


class ExportFormat(StrEnum):
    csv = "csv"
    xlsx = "xlsx"


AS_OF = Query(description="判断日期 YYYY-MM-DD，默认今天")
ROUND = Query(alias="round", ge=1, description="积分评价批次号，默认最新批次")
WANTED = {
    ListStatus.matched: {STATUS_TEXT[Status.MET]},
    ListStatus.unknown: {STATUS_TEXT[Status.UNKNOWN]},
    ListStatus.all: {STATUS_TEXT[Status.MET], STATUS_TEXT[Status.UNKNOWN]},
}


def _policy(actor: Actor, policy_id: str, region: str) -> Policy:
    for policy in library_for(actor, region):
        if policy.id == policy_id:
            return policy
    raise NotFound(f"未找到政策 {policy_id} (unknown policy)")


def _describe(p: Policy) -> dict[str, Any]:
    m, b = p.meta, p.meta.benefit
    return {
        "id": m.id,
        "name_zh": m.name.zh,
        "name_en": m.name.en,
        "support_stage": m.support_stage,
        "status": m.status,
        "status_zh": STATUS_ZH[m.status],
        "benefit": {
            "kind": b.kind,
            "kind_zh": BENEFIT_ZH[b.kind],
            "description": b.description,
            "rate": b.rate,
            "base": b.base,
            "max_amount": None
            if b.max_amount is None
            else {"value": b.max_amount.value, "unit": b.max_amount.unit, "yuan": b.max_amount.yuan},
            "amount_status": b.amount_status,
            "amount_status_zh": STATUS_ZH[b.amount_status],
        },
        "deadline": m.deadline,
        "reference": m.reference,
        "note": m.note,
    }


@router.get(
    "/policies",
    operation_id="list_policies",
    summary="政策库：名称、适用阶段、支持内容（金额带单位）、截止日期、出处与性质（官方 / 示例）",
    response_class=Response,
    responses=JSON_OK,
    **requires("policy.library"),
)
def list_policies(container: ContainerDep, actor: ActorDep) -> Response:
    return json_response({"items": [_describe(p) for p in library_for(actor, container.settings.region)]})


@router.get(
    "/policies/{policy_id}",
    operation_id="get_policy",
    summary="一项政策的说明",
    response_class=Response,
    responses=JSON_OK,
    **requires("policy.library"),
)
def get_policy(container: ContainerDep, actor: ActorDep, policy_id: str) -> Response:
    return json_response(_describe(_policy(actor, policy_id, container.settings.region)))


@router.get(
    "/policies/{policy_id}/eligible",
    operation_id="list_policy_eligible_firms",
    summary="全市符合（或待核实）某项政策的企业名单，分页或导出 CSV / XLSX",
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
    **requires("policy.eligible"),
)
def list_eligible(
    container: ContainerDep,
    session: SessionDep,
    actor: ActorDep,
    policy_id: str,
    status: Annotated[
        ListStatus, Query(description="matched 符合、unknown 待核实、all 两者")
    ] = ListStatus.matched,
    as_of: Annotated[dt.date | None, AS_OF] = None,
    round_id: Annotated[int | None, ROUND] = None,
    page: Annotated[int, Query(ge=1, description="页码，从 1 开始")] = 1,
    page_size: Annotated[int, Query(description="每页条数：20、50 或 100")] = 20,
    fmt: Annotated[ExportFormat | None, Query(alias="format", description="导出格式 csv 或 xlsx")] = None,
) -> Response:
    policy = _policy(actor, policy_id, container.settings.region)
    day = as_of or dt.date.today()
    result = eligible_firms_for(
        session,
        actor,
        container.region,
        policy.id,
        day,
        round_id,
        include_unknown=status is not ListStatus.matched,
    )
    rows = [r for r in result.rows if r["status"] in WANTED[status]]
    label = f"{policy.meta.name.zh}（{status.value}）"
    if fmt is not None:
        data = export_rows(EXPORT_COLUMNS, rows, fmt.value)
        audit_listed(session, actor, "export_list", [r["uscc"] for r in rows], detail=f"导出 {label}")
        return download(data, fmt.value, f"{policy.meta.name.zh}_{status.value}_{day.isoformat()}")
    body = paginate(rows, page, page_size)
    audit_listed(session, actor, "list_enterprises", [r["uscc"] for r in body["items"]], detail=label)
    return json_response(
        {
            "policy": _describe(policy),
            "as_of": day,
            "round": result.round_id,
            "status": status.value,
            "counts": result.counts,
            "warnings": result.warnings,
            **body,
        }
    )


@router.get(
    "/enterprises/{uscc}/policies",
    operation_id="get_enterprise_policies",
    summary="一家企业对全部政策的匹配：符合 / 不符合 / 待核实，附理由、缺少的数据与出处",
    response_class=Response,
    responses=JSON_OK,
    **requires("policy.view"),
)
def get_enterprise_policies(
    container: ContainerDep,
    session: SessionDep,
    actor: ActorDep,
    uscc: str,
    as_of: Annotated[dt.date | None, AS_OF] = None,
    round_id: Annotated[int | None, ROUND] = None,
) -> Response:
    found = match_firm_for(
        session, actor, uscc, as_of or dt.date.today(), round_id, container.settings.region
    )
    answer = found.as_dict()
    grouped: dict[str, list[dict[str, Any]]] = {s.value: [] for s in Status}
    for item in answer.pop("policies"):
        grouped[item["status"]].append(item)
    answer["counts"] = {k: len(v) for k, v in grouped.items()}
    answer["matched"] = grouped[Status.MET.value]
    answer["not_matched"] = grouped[Status.NOT_MET.value]
    answer["unknown"] = grouped[Status.UNKNOWN.value]
    return json_response(answer)
