"""JSON API of 科技金融 for banks' own systems and the platform (prefix ``/api/finance``).

Authentication: a session cookie or ``Authorization: Bearer <API token>`` (a bank user's token acts as that
bank). A bank sees a firm, its evaluation and its loans only while the firm's consent to the bank is live —
checked on every call, so a revocation or an expiry answers 403 from the next call on; lists contain only
consenting firms. Money: integer fen (``*_fen``) with a text in 万元; amounts in requests are text with an
optional unit (``"300万"``, ``"1.5亿"``, ``"3000000.00"``) or a JSON number of 元, at most two decimals.
Acting on a loan requires the ``expected_version`` the client last saw: a concurrent or stale change answers
409 and nothing is written. Errors: ``{"error": {"code", "message"}}`` — 401, 403 (role, consent or scope),
404, 409 (conflict), 422 (invalid input, Chinese message).
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Annotated, Any, Literal

from fastapi import APIRouter, Query, Request
from fastapi.responses import Response
from pydantic import BaseModel, ConfigDict, Field

from innopoints.accounts.roles import Role
from innopoints.finance.claims import decide_claim, submit_claim
from innopoints.finance.evaluate import product_terms
from innopoints.finance.loans import act_on_loan, apply_for_loan
from innopoints.finance.pipeline import list_loans, loan_detail
from innopoints.finance.products import products_in_force
from innopoints.finance.service import bank_firms, evaluate_firm
from innopoints.finance.stats import financing_stats
from innopoints.web.auth import ActorDep
from innopoints.web.deps import SessionDep
from innopoints.web.routes import finance_common as fc
from innopoints.web.routes.cultivation_common import DENIED, INVALID, NOT_FOUND, json_response, requires
from innopoints.web.schemas import ErrorBody

CONFLICT = {"model": ErrorBody, "description": "申请已被他人处理（版本不符），请重新读取后再操作 (conflict)"}
router = APIRouter(
    prefix="/api/finance",
    tags=["科技金融 (tech finance)"],
    responses={**DENIED, 404: NOT_FOUND, 409: CONFLICT, 422: INVALID},
)
PAGE = Query(ge=1, description="页码，从 1 开始")
PAGE_SIZE = Query(description="每页条数：20、50 或 100")
AS_OF = Query(description="判断日期（产品与参数的生效值），默认今天")
Money = Annotated[
    Decimal | str,
    Field(description='金额：元，可带单位，如 "300万"、"1.5亿"、"3000000.00"（最多两位小数）'),
]


class Body(BaseModel):
    model_config = ConfigDict(extra="forbid")


class LoanIn(Body):
    uscc: str | None = Field(None, max_length=18, description="企业统一社会信用代码（银行发起时必填）")
    bank_id: int | None = Field(None, description="银行编号（企业申请时必填；银行用户为本行）")
    product: str = Field(
        max_length=60, description="产品编号，如 kechuang_fendai（见 /api/finance/products）"
    )
    amount: Money
    term_months: int | None = Field(None, ge=1, le=360, description="期限（月），默认产品最短期限")
    note: str = Field("", max_length=500, description="说明")


class ActionIn(Body):
    action: str = Field(
        max_length=20,
        description="review、approve、reject、withdraw、disburse、repay、overdue、default",
    )
    expected_version: int = Field(ge=1, description="客户端读取到的申请版本号（version）；不符时返回 409")
    on: dt.date | None = Field(None, description="业务日期，默认今天")
    reason: str = Field("", max_length=500, description="原因（拒绝与认定违约必填）")
    amount: Money | None = Field(None, description="批准金额（默认申请金额）")
    rate: Decimal | str | None = Field(None, description='批准年利率（%），如 3.45 或 "3.45%"')
    term_months: int | None = Field(None, ge=1, le=360, description="批准期限（月）")


class ClaimIn(Body):
    outstanding: Money
    on: dt.date | None = Field(None, description="申请日期，默认今天")


class DecisionIn(Body):
    decision: Literal["approve", "reject", "pay"] = Field(description="approve 核准、reject 驳回、pay 拨付")
    expected_version: int = Field(ge=1, description="客户端读取到的申请版本号；不符时返回 409")
    reason: str = Field("", max_length=500, description="驳回原因（驳回必填）")
    on: dt.date | None = Field(None, description="业务日期，默认今天")


def _day(value: dt.date | None) -> dt.date:
    return fc.business_day(None if value is None else value.isoformat())


def _text(value: Decimal | str | None) -> str | None:
    return None if value is None else fc.decimal_amount_text(value)


def _fen(value: Decimal | str | None, what: str, *, required: bool = True) -> int | None:
    return fc.amount_fen(None if value is None else fc.decimal_amount_text(value), what, required=required)


# ------------------------------------------------------------------------------------------ products


@router.get(
    "/products",
    operation_id="finance_list_products",
    summary="在办金融产品（额度、利率、期限、担保、风险补偿、准入规则出处与性质）",
    **requires("finance.products"),
)
def products(
    as_of: Annotated[dt.date | None, AS_OF] = None,
) -> Response:
    day = as_of or fc.today()
    items = [{**product_terms(p), "rulebook": p.citation()} for p in products_in_force(day)]
    return json_response({"as_of": day, "items": items})


# ------------------------------------------------------------------------------------------ firms


@router.get(
    "/firms",
    operation_id="finance_list_firms",
    summary="已授权本行的企业（分页；只授权积分的企业只含积分），含产品匹配与最高建议额度",
    **requires("finance.firms"),
)
def firms(
    request: Request,
    session: SessionDep,
    actor: ActorDep,
    q: Annotated[str | None, Query(max_length=60, description="企业名称或统一社会信用代码")] = None,
    page: Annotated[int, PAGE] = 1,
    page_size: Annotated[int, PAGE_SIZE] = 20,
) -> Response:
    size = fc.api_page_size(page_size)
    result = bank_firms(
        session,
        actor,
        now=fc.now(),
        as_of=fc.today(),
        search=q,
        limit=size,
        offset=(page - 1) * size,
    )
    region = request.app.state.container.region
    return json_response(
        {
            "total": result.total,
            "page": page,
            "page_size": size,
            "pages": fc.pages(result.total, size),
            "round_id": result.round_id,
            "items": [_firm_item(r.as_dict(region), r.scope) for r in result.rows],
        }
    )


def _firm_item(item: dict[str, Any], scope: set[str]) -> dict[str, Any]:
    """A list row, with the evaluation (every line's inputs, steps, rulebooks) linked when the consent covers it."""
    full = {"points", "profile", "financials"} <= scope
    item["evaluation"] = f"/api/finance/firms/{item['uscc']}/evaluation" if full else None
    return item


@router.get(
    "/firms/{uscc}/evaluation",
    operation_id="finance_firm_evaluation",
    summary="企业银行端评价：五维度、各产品准入与建议授信额度（公式输入、步骤、规则库出处）",
    **requires("finance.firms"),
)
def evaluation(
    request: Request,
    session: SessionDep,
    actor: ActorDep,
    uscc: str,
    round: Annotated[int | None, Query(ge=1, description="积分评价批次，默认最新")] = None,
    as_of: Annotated[dt.date | None, AS_OF] = None,
    trace: Annotated[bool, Query(description="附带评价轨迹")] = False,
) -> Response:
    result = evaluate_firm(
        session,
        actor,
        uscc,
        round_id=round,
        as_of=as_of or fc.today(),
        now=fc.now(),
        region=request.app.state.settings.region,
    )
    return json_response(result.as_dict(trace=trace))


# ------------------------------------------------------------------------------------------ loans


@router.get(
    "/loans",
    operation_id="finance_list_loans",
    summary="贷款申请与贷款（银行：本行且企业授权有效；企业：本企业；工作人员：本辖区）",
    **requires("finance.loans.view"),
)
def loans(
    session: SessionDep,
    actor: ActorDep,
    status: Annotated[str | None, Query(max_length=20, description="applied、reviewing、approved …")] = None,
    product: Annotated[str | None, Query(max_length=60, description="产品编号")] = None,
    page: Annotated[int, PAGE] = 1,
    page_size: Annotated[int, PAGE_SIZE] = 20,
) -> Response:
    size = fc.api_page_size(page_size)
    total, views = list_loans(
        session, actor, now=fc.now(), status=status, product_id=product, limit=size, offset=(page - 1) * size
    )
    return json_response(
        {
            "total": total,
            "page": page,
            "page_size": size,
            "pages": fc.pages(total, size),
            "items": [v.as_dict() for v in views],
        }
    )


@router.get(
    "/loans/{loan_id}",
    operation_id="finance_get_loan",
    summary="一笔贷款：状态、版本号、可执行操作、全部环节记录与风险补偿",
    **requires("finance.loans.view"),
)
def loan(session: SessionDep, actor: ActorDep, loan_id: int) -> Response:
    return json_response(loan_detail(session, actor, loan_id, now=fc.now()).as_dict())


@router.post(
    "/loans",
    operation_id="finance_create_loan",
    summary="提交贷款申请（企业向已授权银行申请，或银行为授权本行的企业发起）",
    status_code=201,
    **requires("finance.loans.apply"),
)
def create_loan(session: SessionDep, actor: ActorDep, body: LoanIn) -> Response:
    at = fc.now()
    if body.uscc is not None and actor.principal.role is Role.BANK:
        fc.guard_firm(session, actor, body.uscc, at)  # 403 before the body is judged
    fen = _fen(body.amount, "申请金额")
    assert fen is not None
    created = apply_for_loan(
        session,
        actor,
        bank_id=body.bank_id,
        uscc=body.uscc,
        product_id=body.product,
        amount_fen=fen,
        term_months=body.term_months,
        on=fc.today(),
        now=at,
        note=body.note,
    )
    return json_response(loan_detail(session, actor, created.id, now=at).as_dict(), 201)


@router.post(
    "/loans/{loan_id}/actions",
    operation_id="finance_act_on_loan",
    summary="处理贷款（受理、批准、拒绝、放款、结清、逾期、违约、撤回），须带 expected_version",
    **requires("finance.loans.act"),
)
def act(session: SessionDep, actor: ActorDep, loan_id: int, body: ActionIn) -> Response:
    at = fc.now()
    fc.guard_loan(session, actor, loan_id, at)
    approve = body.action == "approve"
    act_on_loan(
        session,
        actor,
        loan_id,
        body.action,
        on=_day(body.on),
        now=at,
        expected_version=body.expected_version,
        reason=body.reason,
        amount_fen=_fen(body.amount, "批准金额", required=False) if approve else None,
        rate_bp=fc.rate_bp(_text(body.rate), required=True) if approve else None,
        term_months=body.term_months if approve else None,
    )
    return json_response(loan_detail(session, actor, loan_id, now=at).as_dict())


# ------------------------------------------------------------------------------------------ claims


@router.post(
    "/loans/{loan_id}/claim",
    operation_id="finance_submit_claim",
    summary="违约贷款申请风险补偿（未偿本金 × 产品补偿比例，向下取整到分）",
    status_code=201,
    **requires("finance.claims.submit"),
)
def claim(session: SessionDep, actor: ActorDep, loan_id: int, body: ClaimIn) -> Response:
    at = fc.now()
    fc.guard_loan(session, actor, loan_id, at)
    fen = _fen(body.outstanding, "未偿本金")
    assert fen is not None
    row = submit_claim(session, actor, loan_id, outstanding_fen=fen, on=_day(body.on), now=at)
    (item,) = fc.claim_rows(session, actor, at=at, claim_id=row.id)
    return json_response(fc.claim_json(item), 201)


@router.get(
    "/claims",
    operation_id="finance_list_claims",
    summary="风险补偿申请（银行：本行；工作人员：本辖区；管理员：全部）",
    **requires("finance.claims.view"),
)
def claims(
    session: SessionDep,
    actor: ActorDep,
    status: Annotated[
        str | None, Query(max_length=20, description="submitted、approved、rejected、paid")
    ] = None,
) -> Response:
    rows = fc.claim_rows(session, actor, at=fc.now(), status=status)
    return json_response({"items": [fc.claim_json(r) for r in rows]})


@router.post(
    "/claims/{claim_id}/decision",
    operation_id="finance_decide_claim",
    summary="核准、驳回或拨付风险补偿（管理员或企业所在区县工作人员），须带 expected_version",
    **requires("finance.claims.decide"),
)
def decide(session: SessionDep, actor: ActorDep, claim_id: int, body: DecisionIn) -> Response:
    at = fc.now()
    row = decide_claim(
        session,
        actor,
        claim_id,
        body.decision,
        on=_day(body.on),
        now=at,
        reason=body.reason,
        expected_version=body.expected_version,
    )
    (item,) = fc.claim_rows(session, actor, at=at, claim_id=row.id)
    return json_response(fc.claim_json(item))


# ------------------------------------------------------------------------------------------ statistics


@router.get(
    "/stats",
    operation_id="finance_stats",
    summary="融资统计：按产品、银行、区县、产业集群或梯度阶段分年度；对比公布数 25 亿元；审批用时",
    **requires("finance.stats"),
)
def stats(
    request: Request,
    session: SessionDep,
    actor: ActorDep,
    by: Annotated[
        str, Query(max_length=20, description="product、bank、district、cluster、stage")
    ] = "product",
    year: Annotated[int | None, Query(ge=2000, le=2100, description="放款年度，默认全部")] = None,
) -> Response:
    result = financing_stats(
        session, actor, request.app.state.container.region, by=by, year=year, now=fc.now()
    )
    body: dict[str, Any] = result.as_dict()
    return json_response(body)
