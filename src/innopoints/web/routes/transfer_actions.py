"""The write actions of the 成果转化 pages and API: raw form / JSON values → the transfer services.

Values are parsed here with Chinese messages (``UserError``, nothing written); the services check role and
the object's owner; this layer adds the data scope the services cannot see (an officer acts only on firms
and contracts of their district or park) and passes the working date.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import UTC, datetime
from decimal import Decimal, InvalidOperation
from typing import Any

from sqlalchemy.orm import Session

from innopoints.accounts.context import Actor
from innopoints.accounts.errors import AccessDenied
from innopoints.accounts.principal import Principal
from innopoints.accounts.roles import Role
from innopoints.adapters.db.tables import Demand, Enterprise, TechContract
from innopoints.adapters.db.transfer_tables import ServiceOrder
from innopoints.errors import UserError
from innopoints.transfer import achievements, brokers, challenges, contracts, demands, orders, pilots, revenue
from innopoints.transfer.access import (
    OUT_OF_SCOPE,
    covers_contract,
    covers_firm,
    is_staff,
    require_demand_read,
    require_order_read,
)
from innopoints.transfer.common import get_row
from innopoints.transfer.orders import BASE_ACTIONS
from innopoints.transfer.performance import OUTPUT_COLUMNS
from innopoints.transfer.states import ORDER
from innopoints.web.routes.transfer_common import (
    checked,
    form_date,
    form_int,
    form_money,
    optional_int,
    optional_money,
    text,
    today,
)
from innopoints.web.routes.transfer_queries import contract_id_by_number, enterprise_id_by_uscc

MAX_INVENTORS = 20


# ------------------------------------------------------------------------------------------ firms


def post_demand(session: Session, principal: Principal, values: dict[str, Any]) -> Demand:
    data = demands.DemandInput(
        title=text(values.get("title")),
        description=text(values.get("description")),
        indicators=text(values.get("indicators")),
        cluster_id=text(values.get("cluster_id")) or _missing("技术领域"),
        budget_fen=form_money(values.get("budget"), "需求预算"),
        deadline=form_date(values.get("deadline"), "截止日期"),
    )
    return demands.post_demand(session, principal, data, today())


def _missing(what: str) -> str:
    raise UserError(f"请选择{what}")


def change_demand(session: Session, principal: Principal, demand_id: int, action: str) -> Demand:
    row = get_row(session, Demand, demand_id, "技术需求")
    if not principal.is_firm(row.enterprise_id):
        raise AccessDenied(f"技术需求 #{demand_id} 不属于本企业")
    return demands.change_demand(session, principal, demand_id, text(action), today())


def route_demand(session: Session, actor: Actor, demand_id: int, broker_id: int | None) -> int:
    """The firm asks for a broker (automatic routing); staff may name one, for firms in their scope."""
    principal = actor.principal
    row = get_row(session, Demand, demand_id, "技术需求")
    if not principal.is_firm(row.enterprise_id):
        firm = get_row(session, Enterprise, row.enterprise_id, "企业")
        if principal.enterprise_id is not None or not covers_firm(principal, firm):
            raise AccessDenied(
                f"技术需求 #{demand_id} 不属于本企业" if principal.enterprise_id else OUT_OF_SCOPE
            )
        require_demand_read(session, actor, row, action="route_transfer_demand")
    elif broker_id is not None:
        raise AccessDenied("企业不能指定经纪人，系统将按领域与在办量自动分派")
    return brokers.route_demand(session, principal, demand_id, today(), broker_id).id


def express_interest(
    session: Session, principal: Principal, achievement_id: int, values: dict[str, Any]
) -> int:
    row = achievements.express_interest(
        session,
        principal,
        achievement_id,
        today(),
        note=text(values.get("note")),
        demand_id=optional_int(values.get("demand_id"), "关联需求编号"),
    )
    return row.id


def place_order(session: Session, principal: Principal, values: dict[str, Any]) -> ServiceOrder:
    return orders.place_order(
        session,
        principal,
        form_int(values.get("service_id"), "服务项目编号", lo=1),
        today(),
        note=text(values.get("note")),
        demand_id=optional_int(values.get("demand_id"), "关联需求编号"),
    )


def change_order(
    session: Session, principal: Principal, order_id: int, action: str, note: str | None
) -> None:
    row = get_row(session, ServiceOrder, order_id, "服务订单")
    require_order_read(session, principal, row)
    step = text(action)
    base_side = principal.role is Role.PILOT_BASE and principal.pilot_base_id == row.base_id
    if step == "cancel" and not (principal.is_firm(row.enterprise_id) or principal.is_admin):
        raise AccessDenied("只有下单企业可以取消订单")
    if step in BASE_ACTIONS and not (base_side or principal.is_admin):
        raise AccessDenied(f"只有承接服务的基地可以{ORDER.actions[step]}")
    orders.change_order(session, principal, order_id, step, today(), text(note) or None)


def rate_broker(session: Session, principal: Principal, assignment_id: int, values: dict[str, Any]) -> None:
    brokers.rate_broker(
        session,
        principal,
        assignment_id,
        form_int(values.get("score"), "评分", lo=1, hi=5),
        today(),
        text(values.get("comment")),
    )


# ------------------------------------------------------------------------------------------ institutions


def inventors_from(names: Sequence[str], shares: Sequence[str]) -> list[tuple[str, str]]:
    """(name, share) pairs from parallel form fields; blank rows are skipped, half-filled rows refused."""
    out: list[tuple[str, str]] = []
    for i in range(max(len(names), len(shares))):
        name = text(names[i] if i < len(names) else "")
        share = text(shares[i] if i < len(shares) else "")
        if not name and not share:
            continue
        if not name or not share:
            raise UserError(f"第 {i + 1} 行完成人：姓名与份额须同时填写")
        try:
            Decimal(share)
        except InvalidOperation:
            raise UserError(
                f"第 {i + 1} 行完成人“{name}”的份额“{share}”不是数字（应为如 0.25 的小数）"
            ) from None
        out.append((name, share))
    if not out:
        raise UserError("请至少填写一位完成人及其份额（份额合计须等于 1）")
    if len(out) > MAX_INVENTORS:
        raise UserError(f"完成人最多 {MAX_INVENTORS} 位")
    return out


def publish_achievement(
    session: Session, principal: Principal, values: dict[str, Any], inventors: list[tuple[str, str]]
) -> int:
    pay_after_use = checked(values.get("pay_after_use"))
    data = achievements.AchievementInput(
        title=text(values.get("title")),
        abstract=text(values.get("abstract")),
        cluster_id=text(values.get("cluster_id")) or _missing("技术领域"),
        subfield=text(values.get("subfield")),
        trl=form_int(values.get("trl"), "技术成熟度（TRL）", lo=1, hi=9),
        transfer_mode=text(values.get("transfer_mode")) or _missing("转化方式"),
        price_fen=form_money(values.get("price"), "转化价格"),
        inventors=inventors,
        keywords=text(values.get("keywords")),
        ip_summary=text(values.get("ip_summary")),
        license_terms=text(values.get("license_terms")),
        pay_after_use=pay_after_use,
        pay_after_use_months=optional_int(values.get("pay_after_use_months"), "先行使用期（月）")
        if pay_after_use
        else _no_months(values.get("pay_after_use_months")),
        ownership_granted=checked(values.get("ownership_granted")),
        separately_managed=checked(values.get("separately_managed")),
        publish=checked(values.get("publish", True)),
    )
    return achievements.publish_achievement(session, principal, data, today()).id


def _no_months(raw: object) -> int | None:
    """No first-use period without 先使用后付费 (an empty or zero field is fine)."""
    if raw is not None and str(raw).strip() not in ("", "0"):
        raise UserError("未选择“先使用后付费”时不应填写先行使用期")
    return None


def change_achievement(session: Session, principal: Principal, achievement_id: int, action: str) -> None:
    achievements.change_achievement(session, principal, achievement_id, text(action), today())


def register_contract(session: Session, principal: Principal, values: dict[str, Any]) -> TechContract:
    """Seller-side registration; staff register on a named seller's behalf (an officer: one of their scope)."""
    buyer_uscc = text(values.get("buyer_uscc"))
    buyer_district = text(values.get("buyer_district"))
    outside = checked(values.get("buyer_outside"))
    if sum(bool(x) for x in (buyer_uscc, buyer_district, outside)) > 1:
        raise UserError("买方只能选择一种方式说明：平台企业代码、本市区县或“市外”")
    data = contracts.ContractInput(
        contract_type=text(values.get("contract_type")) or _missing("合同类型"),
        title=text(values.get("title")),
        amount_fen=form_money(values.get("amount"), "合同成交额"),
        non_technical_fen=form_money(values.get("non_technical"), "非技术性款项", required=False),
        signed_on=form_date(values.get("signed_on"), "签订日期"),
        buyer_name=text(values.get("buyer_name")),
        cluster_id=text(values.get("cluster_id")) or _missing("技术领域"),
        written=checked(values.get("written", True)),
        contract_no=text(values.get("contract_no")) or None,
        buyer_enterprise_id=enterprise_id_by_uscc(session, buyer_uscc, "买方企业") if buyer_uscc else None,
        buyer_in_city=False if outside else None,
        buyer_district_code=buyer_district or None,
        achievement_id=optional_int(values.get("achievement_id"), "关联科技成果编号"),
    )
    seller_firm: int | None = None
    seller_inst: int | None = None
    if is_staff(principal):
        seller_uscc = text(values.get("seller_uscc"))
        seller_inst = optional_int(values.get("seller_institution_id"), "卖方单位")
        seller_firm = enterprise_id_by_uscc(session, seller_uscc, "卖方企业") if seller_uscc else None
        if seller_firm is not None and not principal.is_admin:
            firm = get_row(session, Enterprise, seller_firm, "企业")
            if not covers_firm(principal, firm):
                raise AccessDenied(OUT_OF_SCOPE)
    row = contracts.register_contract(session, principal, data, today(), seller_firm, seller_inst)
    if not covers_contract(session, principal, row):
        raise AccessDenied("只能代为登记本区县（园区）卖方的技术合同")
    return row


def decide_contract(
    session: Session, principal: Principal, contract_id: int, values: dict[str, Any]
) -> str | None:
    row = get_row(session, TechContract, contract_id, "技术合同")
    if not covers_contract(session, principal, row):
        raise AccessDenied("该技术合同不在您的登记范围内（卖方所在区县）")
    action = text(values.get("action"))
    if action not in ("register", "refuse"):
        raise UserError("请选择登记决定：予以登记或未予登记")
    decision = contracts.decide_contract(
        session,
        principal,
        contract_id,
        action,
        today(),
        reason_id=text(values.get("reason_id")) or None,
        reason=text(values.get("reason")) or None,
    )
    return decision.warning


def compute_shares(
    session: Session, principal: Principal, contract_id: int, values: dict[str, Any]
) -> revenue.ShareResult:
    row = get_row(session, TechContract, contract_id, "技术合同")
    if not covers_contract(session, principal, row):
        raise AccessDenied(f"{principal.role_label}无权计算技术合同 #{contract_id} 的收益分配")
    rate_text = text(values.get("rate"))
    rate = _rate(rate_text) if rate_text else None
    return revenue.compute_shares(
        session,
        principal,
        contract_id,
        datetime.now(UTC),
        rate=rate,
        income_fen=optional_money(values.get("income"), "实际到账收入"),
        save=checked(values.get("save", True)),
    )


def _rate(value: str) -> Decimal:
    raw = value.rstrip("%").strip()
    try:
        rate = Decimal(raw)
    except InvalidOperation:
        raise UserError(f"完成人分配比例“{value}”无效，应为如 0.8 或 80%") from None
    if value.endswith("%") or rate > 1:
        rate = rate / 100
    if not 0 <= rate <= 1:
        raise UserError(f"完成人分配比例“{value}”应在 0 与 100% 之间")
    return rate


# ------------------------------------------------------------------------------------------ brokers, bases


def advance(session: Session, principal: Principal, assignment_id: int, values: dict[str, Any]) -> None:
    action = text(values.get("action"))
    number = text(values.get("contract_no"))
    contract_id = contract_id_by_number(session, number) if number else None
    brokers.advance_assignment(
        session,
        principal,
        assignment_id,
        action,
        today(),
        contract_id=contract_id,
        achievement_id=optional_int(values.get("achievement_id"), "关联科技成果编号"),
        reason=text(values.get("reason")) or None,
    )


def report_outputs(session: Session, principal: Principal, base_id: int, values: dict[str, Any]) -> None:
    added = {}
    for key in OUTPUT_COLUMNS:
        raw = values.get(key)
        if raw is not None and str(raw).strip() != "":
            added[key] = form_int(raw, OUTPUT_ZH[key], lo=0)
    if not added or not any(added.values()):
        raise UserError("请至少填写一项新增产出（正整数）")
    pilots.report_outputs(session, principal, base_id, **added)


OUTPUT_ZH = {
    "new_products": "新增新产品（个）",
    "new_technologies": "新增新技术（项）",
    "incubated_enterprises": "新增孵化企业（家）",
    "service_contracts": "新增中试服务合同（份）",
}


# ------------------------------------------------------------------------------------------ challenges


def submit_challenge(session: Session, principal: Principal, values: dict[str, Any]) -> int:
    data = challenges.ChallengeInput(
        title=text(values.get("title")),
        description=text(values.get("description")),
        cluster_id=text(values.get("cluster_id")) or _missing("技术领域"),
        budget_fen=form_money(values.get("budget"), "榜单金额（拟投入经费）"),
        indicators=text(values.get("indicators")),
    )
    return challenges.submit_challenge(session, principal, data, today()).id


def act_challenge(session: Session, principal: Principal, challenge_id: int, values: dict[str, Any]) -> None:
    challenges.decide_challenge(
        session,
        principal,
        challenge_id,
        text(values.get("action")),
        today(),
        text(values.get("reason")) or None,
    )


def score_challenge(
    session: Session, principal: Principal, challenge_id: int, values: dict[str, Any]
) -> None:
    challenges.score_challenge(
        session,
        principal,
        challenge_id,
        form_int(values.get("expert_id"), "评审专家", lo=1),
        form_int(values.get("score"), "专家评分", lo=0, hi=100),
        today(),
        text(values.get("comment")),
    )


def apply_challenge(session: Session, principal: Principal, challenge_id: int, values: dict[str, Any]) -> int:
    return challenges.apply(
        session,
        principal,
        challenge_id,
        text(values.get("team_name")),
        text(values.get("plan")),
        form_money(values.get("quote"), "揭榜报价"),
        today(),
    ).id


def choose_application(session: Session, principal: Principal, application_id: int) -> int:
    return challenges.choose(session, principal, application_id, today()).id
