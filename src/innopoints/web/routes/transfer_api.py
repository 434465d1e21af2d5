"""JSON API of 成果转化 (prefix ``/api/transfer``), part 1: demands and their matches, the service menu and
orders, achievements with interested and candidate firms, technology contracts and revenue sharing, the
broker pipeline and the pilot base.

The same read models and actions as the pages (``transfer_queries``, ``transfer_actions``), so the API
returns what the pages show. Money: exact 元 as decimal strings (``*_yuan``) plus a text with its unit
(``*_text``); money input accepts ``"50万"``, ``"1.2亿"``, ``"500000.00"``. Lists are paginated
(``page``, ``page_size`` 20/50/100). Errors: ``{"error": {"code", "message"}}`` — 401 not signed in, 403
role or data scope, 404 unknown id, 409 an action the current state does not allow, 422 invalid input.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Annotated, Any

from fastapi import APIRouter, Query, Request
from fastapi.responses import Response
from pydantic import BaseModel, ConfigDict, Field
from sqlalchemy.orm import Session

from innopoints.transfer.states import TransitionError
from innopoints.web.auth import ActorDep, PrincipalDep
from innopoints.web.deps import SessionDep
from innopoints.web.errors import error_response
from innopoints.web.routes import transfer_actions as act
from innopoints.web.routes import transfer_queries as tq
from innopoints.web.routes.cultivation_common import DENIED, INVALID, NOT_FOUND, json_response, requires
from innopoints.web.routes.transfer_common import paged_list, today, yuan
from innopoints.web.routes.transfer_work_pages import base_of, broker_of
from innopoints.web.schemas import ErrorBody

CONFLICT = {"model": ErrorBody, "description": "当前状态不允许该操作 (invalid state transition)"}
router = APIRouter(
    prefix="/api/transfer",
    tags=["成果转化 (technology transfer)"],
    responses={**DENIED, 404: NOT_FOUND, 409: CONFLICT, 422: INVALID},
)
PAGE = Query(ge=1, description="页码，从 1 开始")
PAGE_SIZE = Query(description="每页条数：20、50 或 100")
Money = Annotated[str | int, Field(description='金额：元，可带单位，如 "50万"、"1.2亿"、"500000.00"')]


class Body(BaseModel):
    model_config = ConfigDict(extra="forbid")


def write(request: Request, session: Session, run: Callable[[], Any], status: int = 200) -> Response:
    """Run a change; a state-machine refusal is 409 (nothing written), other errors go to the handlers."""
    try:
        result = run()
    except TransitionError as exc:
        session.rollback()
        return error_response(request, 409, "invalid_transition", exc.message)
    return json_response(result, status)


# ------------------------------------------------------------------------------------------ demands


class DemandBody(Body):
    title: str = Field(max_length=300, description="需求名称")
    description: str = Field(max_length=20_000, description="要解决的问题")
    indicators: str = Field("", max_length=20_000, description="技术指标")
    cluster_id: str = Field(description="技术领域（产业集群标识或中文名），如 new_energy")
    budget: Money
    deadline: str = Field(description="截止日期 YYYY-MM-DD，须晚于今天")


class ActionBody(Body):
    action: str = Field(description="操作标识，如 close、withdraw、reopen")
    note: str | None = Field(None, max_length=2000, description="说明（交付说明、不予受理/取消原因等）")


class RouteBody(Body):
    broker_id: int | None = Field(None, description="人工指定经纪人（仅工作人员）；留空自动分派")


class RatingBody(Body):
    score: int = Field(description="评分 1–5")
    comment: str = Field("", max_length=2000)


@router.get("/demands", operation_id="transfer_list_demands", **requires("transfer.demand.view"))
def list_demands(
    session: SessionDep,
    actor: ActorDep,
    status: Annotated[str | None, Query(description="open、matched、closed、withdrawn")] = None,
    q: Annotated[str | None, Query(description="需求名称或企业名称关键词")] = None,
    page: Annotated[int, PAGE] = 1,
    page_size: Annotated[int, PAGE_SIZE] = 20,
) -> Response:
    """技术需求：企业看本企业；区县/园区工作人员看辖区企业；经纪人看分派给本人的；管理员看全部。"""
    rows = tq.list_demands(session, actor, status=status, q=q, page=page, page_size=page_size)
    return json_response(rows.as_json())


@router.post(
    "/demands", operation_id="transfer_post_demand", status_code=201, **requires("transfer.firm.act")
)
def post_demand(request: Request, session: SessionDep, actor: ActorDep, body: DemandBody) -> Response:
    """企业发布技术需求（预算 > 0，截止日期晚于今天）。"""

    def run() -> Any:
        row = act.post_demand(session, actor.principal, body.model_dump())
        return tq.demand_detail(session, actor, row.id)

    return write(request, session, run, 201)


@router.get("/demands/{demand_id}", operation_id="transfer_get_demand", **requires("transfer.demand.view"))
def get_demand(session: SessionDep, actor: ActorDep, demand_id: int) -> Response:
    return json_response(tq.demand_detail(session, actor, demand_id))


@router.get(
    "/demands/{demand_id}/matches", operation_id="transfer_demand_matches", **requires("transfer.demand.view")
)
def demand_matches(
    session: SessionDep,
    actor: ActorDep,
    demand_id: int,
    top: Annotated[int, Query(ge=1, le=20, description="每类返回条数")] = 10,
) -> Response:
    """需求匹配：科技成果（附匹配理由）、专家与中试服务。"""
    return json_response(tq.demand_matches(session, actor, demand_id, top))


@router.post(
    "/demands/{demand_id}/actions", operation_id="transfer_change_demand", **requires("transfer.firm.act")
)
def change_demand(
    request: Request, session: SessionDep, actor: ActorDep, demand_id: int, body: ActionBody
) -> Response:
    def run() -> Any:
        act.change_demand(session, actor.principal, demand_id, body.action)
        return tq.demand_detail(session, actor, demand_id)

    return write(request, session, run)


@router.post(
    "/demands/{demand_id}/route", operation_id="transfer_route_demand", **requires("transfer.demand.route")
)
def route_demand(
    request: Request, session: SessionDep, actor: ActorDep, demand_id: int, body: RouteBody
) -> Response:
    """分派技术经纪人：企业请求自动分派；工作人员可人工指定（辖区企业）。"""

    def run() -> Any:
        act.route_demand(session, actor, demand_id, body.broker_id)
        return tq.demand_detail(session, actor, demand_id)

    return write(request, session, run)


@router.post(
    "/assignments/{assignment_id}/rating",
    operation_id="transfer_rate_broker",
    **requires("transfer.firm.act"),
)
def rate_broker(
    request: Request, session: SessionDep, actor: ActorDep, assignment_id: int, body: RatingBody
) -> Response:
    """需求企业在签约或终止后评价经纪人（1–5 分，一次）。"""
    demand_id = tq.demand_of_assignment(session, assignment_id)

    def run() -> Any:
        act.rate_broker(session, actor.principal, assignment_id, body.model_dump())
        return tq.demand_detail(session, actor, demand_id)

    return write(request, session, run)


# ------------------------------------------------------------------------------------------ menu, orders


class OrderBody(Body):
    service_id: int
    note: str = Field("", max_length=2000)
    demand_id: int | None = None


@router.get("/menu", operation_id="transfer_service_menu", **requires("transfer.view"))
def service_menu(
    session: SessionDep,
    year: Annotated[int | None, Query(ge=2000, le=2100, description="服务能力年度，默认今年")] = None,
    cluster: Annotated[str | None, Query(description="产业集群标识或中文名")] = None,
    subfield: Annotated[str | None, Query(description="细分领域")] = None,
    base: Annotated[int | None, Query(description="基地编号")] = None,
    available: Annotated[bool, Query(description="只看有剩余能力的项目")] = False,
    page: Annotated[int, PAGE] = 1,
    page_size: Annotated[int, PAGE_SIZE] = 20,
) -> Response:
    """中试服务菜单（菜单式服务）与本年剩余服务能力。"""
    rows = tq.menu_items(
        session,
        year or today().year,
        cluster_id=cluster,
        subfield=subfield,
        base_id=base,
        available=available,
    )
    return json_response(paged_list(rows, page, page_size).as_json())


@router.get("/orders", operation_id="transfer_list_orders", **requires("transfer.order.view"))
def list_orders(
    session: SessionDep,
    principal: PrincipalDep,
    status: Annotated[
        str | None, Query(description="submitted、accepted、in_service、delivered、rejected、cancelled")
    ] = None,
    page: Annotated[int, PAGE] = 1,
    page_size: Annotated[int, PAGE_SIZE] = 20,
) -> Response:
    """服务订单：企业看本企业；基地看本基地；工作人员看辖区企业的；管理员看全部。"""
    return json_response(
        tq.list_orders(session, principal, status=status, page=page, page_size=page_size).as_json()
    )


@router.post("/orders", operation_id="transfer_place_order", status_code=201, **requires("transfer.firm.act"))
def place_order(request: Request, session: SessionDep, principal: PrincipalDep, body: OrderBody) -> Response:
    """企业预约菜单中的服务（本年能力已满时拒绝）。"""

    def run() -> Any:
        row = act.place_order(session, principal, body.model_dump())
        return tq.order_detail(session, principal, row.id)

    return write(request, session, run, 201)


@router.get("/orders/{order_id}", operation_id="transfer_get_order", **requires("transfer.order.view"))
def get_order(session: SessionDep, principal: PrincipalDep, order_id: int) -> Response:
    return json_response(tq.order_detail(session, principal, order_id))


@router.post(
    "/orders/{order_id}/actions", operation_id="transfer_change_order", **requires("transfer.order.act")
)
def change_order(
    request: Request, session: SessionDep, principal: PrincipalDep, order_id: int, body: ActionBody
) -> Response:
    """基地：accept（核对能力）、start、deliver（交付说明）、reject（原因）；企业：cancel（原因）。"""

    def run() -> Any:
        act.change_order(session, principal, order_id, body.action, body.note)
        return tq.order_detail(session, principal, order_id)

    return write(request, session, run)


# ------------------------------------------------------------------------------------------ achievements


class InventorBody(Body):
    name: str = Field(max_length=60)
    share: str = Field(description='份额（精确小数，如 "0.5"），全部完成人合计须等于 1')


class AchievementBody(Body):
    title: str = Field(max_length=300)
    abstract: str = Field(max_length=20_000)
    cluster_id: str
    subfield: str = Field("", max_length=80)
    trl: int = Field(description="技术成熟度 1–9")
    transfer_mode: str = Field(
        description="transfer 转让 / license 许可 / equity 作价入股 / joint_development 合作开发"
    )
    price: Money
    inventors: list[InventorBody] = Field(max_length=20)
    keywords: str = Field("", max_length=300)
    ip_summary: str = Field("", max_length=300)
    license_terms: str = Field("", max_length=20_000)
    pay_after_use: bool = Field(False, description="先使用后付费（仅转让、许可）")
    pay_after_use_months: int | None = Field(None, description="先行使用期（月）")
    ownership_granted: bool = Field(False, description="职务科技成果赋权")
    separately_managed: bool = Field(False, description="单列管理")
    publish: bool = Field(True, description="false 保存为草稿")


class InterestBody(Body):
    note: str = Field("", max_length=2000)
    demand_id: int | None = None


@router.get("/achievements", operation_id="transfer_list_achievements", **requires("transfer.view"))
def list_achievements(
    session: SessionDep,
    principal: PrincipalDep,
    status: Annotated[
        str | None, Query(description="draft、published、negotiating、transferred、withdrawn")
    ] = None,
    q: Annotated[str | None, Query(description="名称或关键词")] = None,
    cluster: Annotated[str | None, Query(description="产业集群标识")] = None,
    page: Annotated[int, PAGE] = 1,
    page_size: Annotated[int, PAGE_SIZE] = 20,
) -> Response:
    """科技成果：高校/院所看本单位全部；工作人员看全部；其他角色看已发布的。"""
    rows = tq.list_achievements(
        session, principal, status=status, q=q, cluster_id=cluster, page=page, page_size=page_size
    )
    return json_response(rows.as_json())


@router.post(
    "/achievements",
    operation_id="transfer_publish_achievement",
    status_code=201,
    **requires("transfer.institution.act"),
)
def publish_achievement(
    request: Request, session: SessionDep, principal: PrincipalDep, body: AchievementBody
) -> Response:
    """高校/院所发布成果（完成人份额合计须恰好等于 1）。"""

    def run() -> Any:
        inventors = act.inventors_from([i.name for i in body.inventors], [i.share for i in body.inventors])
        values = body.model_dump(exclude={"inventors"})
        new_id = act.publish_achievement(session, principal, values, inventors)
        return tq.achievement_detail(session, principal, new_id)

    return write(request, session, run, 201)


@router.get(
    "/achievements/{achievement_id}", operation_id="transfer_get_achievement", **requires("transfer.view")
)
def get_achievement(session: SessionDep, principal: PrincipalDep, achievement_id: int) -> Response:
    return json_response(tq.achievement_detail(session, principal, achievement_id))


@router.post(
    "/achievements/{achievement_id}/actions",
    operation_id="transfer_change_achievement",
    **requires("transfer.institution.act"),
)
def change_achievement(
    request: Request, session: SessionDep, principal: PrincipalDep, achievement_id: int, body: ActionBody
) -> Response:
    """publish、negotiate、reopen、complete、withdraw（本单位成果）。"""

    def run() -> Any:
        act.change_achievement(session, principal, achievement_id, body.action)
        return tq.achievement_detail(session, principal, achievement_id)

    return write(request, session, run)


@router.post(
    "/achievements/{achievement_id}/interest",
    operation_id="transfer_express_interest",
    status_code=201,
    **requires("transfer.firm.act"),
)
def express_interest(
    request: Request, session: SessionDep, principal: PrincipalDep, achievement_id: int, body: InterestBody
) -> Response:
    def run() -> Any:
        act.express_interest(session, principal, achievement_id, body.model_dump())
        return tq.achievement_detail(session, principal, achievement_id)

    return write(request, session, run, 201)


@router.get(
    "/achievements/{achievement_id}/interested",
    operation_id="transfer_interested_firms",
    **requires("transfer.interest.view"),
)
def interested_firms(session: SessionDep, actor: ActorDep, achievement_id: int) -> Response:
    """表达意向的企业（成果单位；工作人员只看辖区企业）；每家企业记一条访问记录。"""
    return json_response(
        {"achievement_id": achievement_id, "items": tq.interested(session, actor, achievement_id)}
    )


@router.get(
    "/achievements/{achievement_id}/candidates",
    operation_id="transfer_candidate_firms",
    **requires("transfer.interest.view"),
)
def candidate_firms(
    session: SessionDep,
    actor: ActorDep,
    achievement_id: int,
    top: Annotated[int, Query(ge=1, le=20)] = 10,
) -> Response:
    """需求与成果匹配的候选企业（成果单位；工作人员只看辖区企业）。"""
    return json_response(
        {"achievement_id": achievement_id, "items": tq.candidates(session, actor, achievement_id, top)}
    )


# ------------------------------------------------------------------------------------------ contracts


class ContractBody(Body):
    contract_type: str = Field(
        description="development、transfer、license、consulting、service（及 training、intermediary）"
    )
    title: str = Field(max_length=300)
    amount: Money
    non_technical: Money = "0"
    signed_on: str = Field(description="签订日期 YYYY-MM-DD")
    buyer_name: str = Field(max_length=200)
    cluster_id: str
    buyer_uscc: str | None = Field(None, description="买方为平台企业时其统一社会信用代码")
    buyer_district: str | None = Field(None, description="买方在本市时的区县代码")
    buyer_outside: bool = Field(False, description="买方在本市以外")
    achievement_id: int | None = None
    contract_no: str | None = Field(None, max_length=40, description="合同编号，留空自动编号")
    written: bool = True
    seller_uscc: str | None = Field(None, description="工作人员代为登记：卖方企业代码")
    seller_institution_id: int | None = Field(None, description="工作人员代为登记：卖方单位编号")


class DecisionBody(Body):
    action: str = Field(description="register 予以登记 / refuse 未予登记")
    reason_id: str | None = Field(
        None,
        description="未予登记理由：non_technical、not_written、duplicate、not_seller、outside_region、other",
    )
    reason: str | None = Field(None, max_length=200)


class SharesBody(Body):
    rate: str | None = Field(None, description='完成人比例，如 "0.8" 或 "80%"；默认按单位政策')
    income: Money | None = Field(None, description="实际到账收入；默认技术交易额")
    save: bool = Field(True, description="false 只试算不保存")


@router.get("/contracts", operation_id="transfer_list_contracts", **requires("transfer.contract.view"))
def list_contracts(
    session: SessionDep,
    principal: PrincipalDep,
    status: Annotated[str | None, Query(description="pending、registered、refused")] = None,
    overdue: Annotated[bool, Query(description="只看提交超过 30 日仍未决定的")] = False,
    q: Annotated[str | None, Query(description="合同名称关键词或合同编号")] = None,
    page: Annotated[int, PAGE] = 1,
    page_size: Annotated[int, PAGE_SIZE] = 20,
) -> Response:
    """技术合同：卖方/买方企业、卖方单位、经纪人看本方的；区县工作人员看本区县登记的；管理员看全部。"""
    rows = tq.list_contracts(
        session, principal, today(), status=status, overdue=overdue, q=q, page=page, page_size=page_size
    )
    return json_response(rows.as_json())


@router.post(
    "/contracts",
    operation_id="transfer_register_contract",
    status_code=201,
    **requires("transfer.contract.register"),
)
def register_contract(
    request: Request, session: SessionDep, principal: PrincipalDep, body: ContractBody
) -> Response:
    """卖方提交技术合同登记（一份合同只登记一次）。"""

    def run() -> Any:
        row = act.register_contract(session, principal, body.model_dump())
        return tq.contract_detail(session, principal, row.id, today())

    return write(request, session, run, 201)


@router.get(
    "/contracts/{contract_id}", operation_id="transfer_get_contract", **requires("transfer.contract.view")
)
def get_contract(session: SessionDep, principal: PrincipalDep, contract_id: int) -> Response:
    return json_response(tq.contract_detail(session, principal, contract_id, today()))


@router.post(
    "/contracts/{contract_id}/decision",
    operation_id="transfer_decide_contract",
    **requires("transfer.contract.decide"),
)
def decide_contract(
    request: Request, session: SessionDep, principal: PrincipalDep, contract_id: int, body: DecisionBody
) -> Response:
    """登记决定（30 日内；超期仍记录并返回 warning）；未予登记须给出理由。"""

    def run() -> Any:
        warning = act.decide_contract(session, principal, contract_id, body.model_dump())
        return {**tq.contract_detail(session, principal, contract_id, today()), "warning": warning}

    return write(request, session, run)


@router.get(
    "/contracts/{contract_id}/shares",
    operation_id="transfer_revenue_shares",
    **requires("transfer.revenue.view"),
)
def revenue_shares(session: SessionDep, principal: PrincipalDep, contract_id: int) -> Response:
    """已保存的收益分配（单位与完成人，精确到分，合计等于收入）。"""
    detail = tq.contract_detail(session, principal, contract_id, today())
    if detail["shares"] is None:
        return json_response({"contract_id": contract_id, "shares": None})
    return json_response({"contract_id": contract_id, "shares": detail["shares"]})


@router.post(
    "/contracts/{contract_id}/shares",
    operation_id="transfer_compute_shares",
    **requires("transfer.revenue.view"),
)
def compute_shares(
    request: Request, session: SessionDep, principal: PrincipalDep, contract_id: int, body: SharesBody
) -> Response:
    """计算收益分配（默认保存，替换此前的分配）。"""

    def run() -> Any:
        result = act.compute_shares(session, principal, contract_id, body.model_dump())
        split = result.split
        return {
            "contract_id": contract_id,
            "saved": result.saved,
            "policy": result.policy.label(),
            "income_yuan": yuan(split.income_fen),
            "inventor_rate": split.inventor_rate,
            "inventors_yuan": yuan(split.pool_fen),
            "institution_yuan": yuan(split.institution_fen),
            "parts": [
                {
                    "party_kind": p.kind,
                    "party_name": p.name,
                    "fraction": f"{p.fraction.numerator}/{p.fraction.denominator}",
                    "amount_yuan": yuan(p.amount_fen),
                }
                for p in split.parts
            ],
        }

    return write(request, session, run)


# ------------------------------------------------------------------------------------------ broker, base


class AdvanceBody(Body):
    action: str = Field(
        description="negotiate 进入洽谈 / sign 签约（须 contract_no）/ terminate 终止（须 reason）"
    )
    contract_no: str | None = Field(None, max_length=40, description="已提交登记的技术合同编号")
    achievement_id: int | None = None
    reason: str | None = Field(None, max_length=300)


class OutputsBody(Body):
    new_products: int = Field(0, ge=0)
    new_technologies: int = Field(0, ge=0)
    incubated_enterprises: int = Field(0, ge=0)
    service_contracts: int = Field(0, ge=0)
    base: int | None = Field(None, description="管理员：基地编号")


@router.get("/pipeline", operation_id="transfer_pipeline", **requires("transfer.pipeline.work"))
def pipeline(
    session: SessionDep,
    actor: ActorDep,
    broker: Annotated[int | None, Query(description="管理员：经纪人编号")] = None,
    show_all: Annotated[bool, Query(alias="all", description="含终止的任务")] = False,
) -> Response:
    """经纪人的对接任务：对接 → 洽谈 → 签约（终止）。"""
    view = tq.pipeline(session, actor, broker_of(actor.principal, broker), today(), include_closed=show_all)
    return json_response(view)


@router.post(
    "/assignments/{assignment_id}/advance",
    operation_id="transfer_advance_assignment",
    **requires("transfer.pipeline.work"),
)
def advance_assignment(
    request: Request, session: SessionDep, actor: ActorDep, assignment_id: int, body: AdvanceBody
) -> Response:
    def run() -> Any:
        act.advance(session, actor.principal, assignment_id, body.model_dump())
        broker = tq.broker_of_assignment(session, assignment_id)
        return tq.pipeline(session, actor, broker, today(), include_closed=True)

    return write(request, session, run)


@router.get("/base", operation_id="transfer_pilot_base", **requires("transfer.base.work"))
def pilot_base(
    session: SessionDep,
    principal: PrincipalDep,
    base: Annotated[int | None, Query(description="管理员：基地编号")] = None,
) -> Response:
    """本基地：累计产出与服务菜单（含本年剩余能力）。订单见 /api/transfer/orders。"""
    return json_response(
        tq.base_overview(session, principal, base_of(session, principal, base), today().year)
    )


@router.post("/base/outputs", operation_id="transfer_report_outputs", **requires("transfer.base.work"))
def report_outputs(
    request: Request, session: SessionDep, principal: PrincipalDep, body: OutputsBody
) -> Response:
    """累加本基地的产出（新产品、新技术、孵化企业、服务合同；只增不减）。"""

    def run() -> Any:
        base_id = base_of(session, principal, body.base)
        act.report_outputs(session, principal, base_id, body.model_dump(exclude={"base"}))
        return tq.base_overview(session, principal, base_id, today().year)

    return write(request, session, run)
