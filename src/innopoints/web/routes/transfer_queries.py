"""Read models of the 成果转化 pages and API (one function per list or detail, returning plain dicts).

Each function checks who may look (``transfer.access``: role from the capability table, data scope by
firm, broker, base or institution) before reading, and audits reads of a firm's demands or interests by
anyone other than the firm. Pages render these dicts; the API returns them as JSON, so both show the same.
"""

from __future__ import annotations

from datetime import date, timedelta
from decimal import Decimal
from typing import Any

from sqlalchemy import ColumnElement, false, func, or_, select, true
from sqlalchemy.orm import Session

from innopoints.accounts.context import Actor
from innopoints.accounts.errors import AccessDenied
from innopoints.accounts.principal import Principal
from innopoints.accounts.roles import Role
from innopoints.adapters.db.tables import (
    Achievement,
    AchievementInventor,
    Broker,
    Demand,
    Enterprise,
    Expert,
    Institution,
    PilotBase,
    PilotService,
    TechContract,
)
from innopoints.adapters.db.transfer_tables import (
    AchievementInterest,
    BrokerAssignment,
    BrokerRating,
    Challenge,
    ChallengeApplication,
    ChallengeScore,
    RevenueShare,
    ServiceOrder,
)
from innopoints.errors import NotFound, UserError
from innopoints.transfer import (
    achievements,
    brokers,
    challenges,
    db_records,
    matches,
    performance,
    pilots,
    revenue,
    stats,
)
from innopoints.transfer.access import (
    audit_firms,
    contract_clause,
    covers_contract,
    covers_firm,
    demand_clause,
    is_staff,
    order_clause,
    require_demand_read,
    require_order_read,
    require_own_base,
    require_own_broker,
    require_own_institution,
)
from innopoints.transfer.common import TRANSFER_MODES, get_row
from innopoints.transfer.contracts import decision_deadline
from innopoints.transfer.matching.explain import COMPONENT_NAMES, Explanation
from innopoints.transfer.matching.knowledge import load_knowledge
from innopoints.transfer.matching.records import demand_query, expert_doc, pilot_service_doc
from innopoints.transfer.matching.service import DocMatcher
from innopoints.transfer.money import fmt_pct
from innopoints.transfer.orders import BASE_ACTIONS
from innopoints.transfer.pilots import KIND_ZH
from innopoints.transfer.rulebook import load_transfer_rulebook
from innopoints.transfer.states import (
    ACHIEVEMENT,
    ACTIVE_STAGES,
    APPLICATION,
    ASSIGNMENT,
    CHALLENGE,
    CONTRACT,
    DEMAND,
    ORDER,
)
from innopoints.web.routes.transfer_common import (
    Paged,
    cluster_zh,
    contract_type_zh,
    district_zh,
    money_fields,
    paged_list,
    paged_query,
    today,
    yuan,
)

PUBLIC_ACHIEVEMENT = ("published", "negotiating")
PUBLIC_CHALLENGE = ("published", "awarded", "completed")
STAFF_CHALLENGE_ACTIONS = ("review", "select", "reject", "publish", "complete", "close")
FIRM_DEMAND_ACTIONS = ("close", "withdraw", "reopen")


def _status(machine: Any, status: str | None, what: str) -> str | None:
    if status is None or status == "":
        return None
    if status not in machine.states:
        known = "、".join(f"{k}（{v}）" for k, v in machine.states.items())
        raise UserError(f"{what}状态“{status}”不存在，应为：{known}")
    return status


def _like(q: str | None) -> str | None:
    value = (q or "").strip()
    return value or None


# ------------------------------------------------------------------------------------------ demands


def demand_item(d: Demand, firm: Enterprise) -> dict[str, Any]:
    return {
        "id": d.id,
        "title": d.title,
        "enterprise_id": firm.id,
        "enterprise": firm.name,
        "uscc": firm.uscc,
        "district_code": d.district_code,
        "district": district_zh(d.district_code),
        "cluster_id": d.cluster_id,
        "cluster": cluster_zh(d.cluster_id),
        **money_fields("budget", d.budget_fen),
        "deadline": d.deadline,
        "posted_on": d.posted_on,
        "status": d.status,
        "status_zh": DEMAND.state_zh(d.status),
    }


def list_demands(
    session: Session,
    actor: Actor,
    *,
    status: str | None = None,
    q: str | None = None,
    page: int = 1,
    page_size: int = 20,
    audit_action: str | None = "list_transfer_demands",
) -> Paged:
    """A firm's own demands; an officer's those of firms in their scope; a broker's those assigned; admin all."""
    principal = actor.principal
    stmt = (
        select(Demand, Enterprise)
        .join(Enterprise, Demand.enterprise_id == Enterprise.id)
        .where(demand_clause(principal))
        .order_by(Demand.posted_on.desc(), Demand.id.desc())
    )
    if (chosen := _status(DEMAND, status, "需求")) is not None:
        stmt = stmt.where(Demand.status == chosen)
    if (needle := _like(q)) is not None:
        stmt = stmt.where(
            or_(Demand.title.contains(needle, autoescape=True), Enterprise.name.contains(needle))
        )
    result = paged_query(session, stmt, page, page_size, lambda r: demand_item(r[0], r[1]))
    stages = _latest_assignments(session, [i["id"] for i in result.items])
    for item in result.items:
        a = stages.get(item["id"])
        item["broker_stage"] = None if a is None else a.stage
        item["broker_stage_zh"] = "未分派" if a is None else ASSIGNMENT.state_zh(a.stage)
    if audit_action is not None:  # None: only the count is used (the overview)
        firms = [i["enterprise_id"] for i in result.items]
        audit_firms(session, actor, audit_action, firms, "成果转化：技术需求列表")
    return result


def _latest_assignments(session: Session, demand_ids: list[int]) -> dict[int, BrokerAssignment]:
    if not demand_ids:
        return {}
    out: dict[int, BrokerAssignment] = {}
    stmt = (
        select(BrokerAssignment)
        .where(BrokerAssignment.demand_id.in_(demand_ids))
        .order_by(BrokerAssignment.id)
    )
    for a in session.scalars(stmt):
        out[a.demand_id] = a
    return out


def demand_detail(session: Session, actor: Actor, demand_id: int) -> dict[str, Any]:
    """One demand with its broker assignments, linked orders and interests (access checked and audited)."""
    demand = get_row(session, Demand, demand_id, "技术需求")
    require_demand_read(session, actor, demand)
    principal = actor.principal
    firm = get_row(session, Enterprise, demand.enterprise_id, "企业")
    own = principal.is_firm(demand.enterprise_id)
    assignments = []
    stmt = (
        select(BrokerAssignment, Broker, BrokerRating.score)
        .join(Broker, BrokerAssignment.broker_id == Broker.id)
        .outerjoin(BrokerRating, BrokerRating.assignment_id == BrokerAssignment.id)
        .where(BrokerAssignment.demand_id == demand.id)
        .order_by(BrokerAssignment.id)
    )
    for a, b, score in session.execute(stmt):
        assignments.append(
            {
                "id": a.id,
                "broker_id": b.id,
                "broker": b.name,
                "broker_rating": b.rating,
                "stage": a.stage,
                "stage_zh": ASSIGNMENT.state_zh(a.stage),
                "routed_by": "自动分派" if a.routed_by == "auto" else "人工指定",
                "routing_reason": a.routing_reason,
                "assigned_on": a.assigned_on,
                "stage_changed_on": a.stage_changed_on,
                "contract_id": a.contract_id,
                "end_reason": a.end_reason,
                "rating": score,
                "can_rate": own and a.stage not in ACTIVE_STAGES and score is None,
            }
        )
    active = any(a["stage"] in ACTIVE_STAGES for a in assignments)
    orders = [
        order_item(o, svc, base, f)
        for o, svc, base, f in session.execute(_orders_stmt().where(ServiceOrder.demand_id == demand.id))
    ]
    interests = [
        {"achievement_id": i.achievement_id, "title": title, "created_on": i.created_on, "note": i.note}
        for i, title in session.execute(
            select(AchievementInterest, Achievement.title)
            .join(Achievement, AchievementInterest.achievement_id == Achievement.id)
            .where(AchievementInterest.demand_id == demand.id)
            .order_by(AchievementInterest.id)
        )
    ]
    allowed = [a for a in DEMAND.allowed(demand.status) if a in FIRM_DEMAND_ACTIONS] if own else []
    return {
        **demand_item(demand, firm),
        "description": demand.description,
        "indicators": demand.indicators,
        "closed_on": demand.closed_on,
        "own": own,
        "assignments": assignments,
        "can_route": own and demand.status == "open" and not active,
        "can_route_manually": is_staff(principal) and demand.status == "open" and not active,
        "orders": orders,
        "interests": interests,
        "actions": [{"id": a, "zh": DEMAND.actions[a]} for a in allowed],
    }


def demand_of_assignment(session: Session, assignment_id: int) -> int:
    return get_row(session, BrokerAssignment, assignment_id, "经纪人对接任务").demand_id


def broker_of_assignment(session: Session, assignment_id: int) -> int:
    return get_row(session, BrokerAssignment, assignment_id, "经纪人对接任务").broker_id


def open_demands_of_firm(session: Session, principal: Principal) -> list[tuple[int, str]]:
    """The firm's own open demands (to link an order or an interest to one)."""
    if principal.enterprise_id is None:
        return []
    stmt = (
        select(Demand.id, Demand.title)
        .where(Demand.enterprise_id == principal.enterprise_id, Demand.status == "open")
        .order_by(Demand.id.desc())
        .limit(100)
    )
    return [(int(i), str(t)) for i, t in session.execute(stmt)]


def explanation_dict(e: Explanation, kind: str = "achievement") -> dict[str, Any]:
    """Why a hit matched, as lists and one Chinese sentence (experts: no TRL or price; services: no TRL)."""
    trl = e.trl_text if kind == "achievement" else ""
    budget = e.budget_text if kind != "expert" else ""
    parts = []
    if e.matched_words:
        parts.append("匹配词语：" + "、".join(e.matched_words[:6]))
    if e.matched_concepts:
        parts.append("同义概念：" + "、".join(e.matched_concepts[:4]))
    if e.matched_ngrams and not e.matched_words:
        parts.append("匹配字串：" + "、".join(e.matched_ngrams[:6]))
    parts += [e.field_text, trl, budget, e.locality_text]
    return {
        "score": round(e.score, 4),
        "matched_words": list(e.matched_words),
        "matched_ngrams": list(e.matched_ngrams),
        "matched_concepts": list(e.matched_concepts),
        "field_fit": e.field_text,
        "trl_fit": trl,
        "budget_fit": budget,
        "locality": e.locality_text,
        "contributions": [
            {"key": k, "name": COMPONENT_NAMES.get(k, k), "value": v} for k, v in e.contributions.items() if v
        ],
        "why": "；".join(p for p in parts if p),
    }


def _explain_subset(docs: list[Any], query: Any) -> dict[str, Explanation]:
    """Why each of the already-ranked hits matched: explanations over just those documents."""
    if not docs:
        return {}
    return {e.doc_id: e for e in DocMatcher(docs).explain(query, len(docs))}


def demand_matches(session: Session, actor: Actor, demand_id: int, top: int = 10) -> dict[str, Any]:
    """Achievements (explained), experts and pilot services for one demand."""
    demand = get_row(session, Demand, demand_id, "技术需求")
    require_demand_read(session, actor, demand, action="match_transfer_demand")
    found = matches.demand_matches(session, actor.principal, demand_id, top)
    ach_ids = [int(e.doc_id) for e in found.achievements]
    rows = {
        a.id: (a, inst)
        for a, inst in session.execute(
            select(Achievement, Institution.name)
            .join(Institution, Achievement.institution_id == Institution.id)
            .where(Achievement.id.in_(ach_ids))
        )
    }
    keen = set(
        session.scalars(
            select(AchievementInterest.achievement_id).where(
                AchievementInterest.enterprise_id == demand.enterprise_id
            )
        )
    )
    achievements_out = []
    for e in found.achievements:
        a, inst = rows[int(e.doc_id)]
        achievements_out.append(
            {
                "achievement_id": a.id,
                "title": a.title,
                "institution": inst,
                "trl": a.trl,
                "transfer_mode_zh": TRANSFER_MODES.get(a.transfer_mode, a.transfer_mode),
                "pay_after_use": a.pay_after_use,
                **money_fields("price", a.price_fen),
                "interested": a.id in keen,
                **explanation_dict(e),
            }
        )
    (record,) = db_records.load_demands(session, only_open=False, ids=[demand_id])
    knowledge = load_knowledge()
    query = demand_query(record, knowledge)
    expert_ids = {str(h.id) for h in found.experts}
    experts = {e.id: e for e in db_records.load_experts(session) if e.id in expert_ids}
    expert_why = _explain_subset([expert_doc(e, knowledge) for e in experts.values()], query)
    titles = {
        int(i): str(t)
        for i, t in session.execute(
            select(Expert.id, Expert.title).where(Expert.id.in_([h.id for h in found.experts]))
        )
    }
    experts_out = []
    for h in found.experts:
        why = expert_why.get(str(h.id))
        experts_out.append(
            {
                "expert_id": h.id,
                "name": h.label,
                "title": titles.get(h.id, ""),
                "institution": experts[str(h.id)].institution if str(h.id) in experts else "",
                "score": round(h.score, 4),
                **(explanation_dict(why, "expert") if why else {"why": "综合文本与领域信号匹配"}),
            }
        )
        experts_out[-1]["score"] = round(h.score, 4)
    service_ids = {str(h.id) for h in found.services}
    services = [s for s in db_records.load_pilot_services(session) if s.id in service_ids]
    service_why = _explain_subset([pilot_service_doc(s, knowledge) for s in services], query)
    year = today().year
    menu = {i.service_id: i for i in pilots.menu(session, year) if str(i.service_id) in service_ids}
    services_out = []
    for h in found.services:
        item = menu.get(h.id)
        why = service_why.get(str(h.id))
        services_out.append(
            {
                "service_id": h.id,
                "name": h.label,
                "base": None if item is None else item.base_name,
                "capacity": None if item is None else item.capacity,
                "remaining": None if item is None else item.remaining,
                **money_fields("price", None if item is None else item.price_fen),
                **(explanation_dict(why, "service") if why else {"why": "综合文本与领域信号匹配"}),
            }
        )
        services_out[-1]["score"] = round(h.score, 4)
    return {
        "demand_id": demand.id,
        "achievements": achievements_out,
        "experts": experts_out,
        "services": services_out,
    }


# ------------------------------------------------------------------------------------------ orders


def _orders_stmt() -> Any:
    return (
        select(ServiceOrder, PilotService.name, PilotBase.name, Enterprise)
        .join(PilotService, ServiceOrder.service_id == PilotService.id)
        .join(PilotBase, ServiceOrder.base_id == PilotBase.id)
        .join(Enterprise, ServiceOrder.enterprise_id == Enterprise.id)
        .order_by(ServiceOrder.ordered_on.desc(), ServiceOrder.id.desc())
    )


def order_item(o: ServiceOrder, service: str, base: str, firm: Enterprise) -> dict[str, Any]:
    return {
        "id": o.id,
        "service_id": o.service_id,
        "service": service,
        "base_id": o.base_id,
        "base": base,
        "enterprise_id": firm.id,
        "enterprise": firm.name,
        "demand_id": o.demand_id,
        "status": o.status,
        "status_zh": ORDER.state_zh(o.status),
        **money_fields("price", o.price_fen),
        "ordered_on": o.ordered_on,
        "accepted_on": o.accepted_on,
        "started_on": o.started_on,
        "delivered_on": o.delivered_on,
        "note": o.note,
        "delivery_note": o.delivery_note,
        "reason": o.reason,
    }


def order_actions(principal: Principal, o: dict[str, Any]) -> list[dict[str, str]]:
    """What this principal may do with the order now (base actions for its base, cancel for its firm)."""
    allowed = ORDER.allowed(o["status"])
    mine: list[str] = []
    if (principal.role is Role.PILOT_BASE and principal.pilot_base_id == o["base_id"]) or principal.is_admin:
        mine += [a for a in allowed if a in BASE_ACTIONS]
    if principal.is_firm(o["enterprise_id"]):
        mine += [a for a in allowed if a == "cancel"]
    return [{"id": a, "zh": ORDER.actions[a]} for a in mine]


def list_orders(
    session: Session,
    principal: Principal,
    *,
    status: str | None = None,
    base_id: int | None = None,
    page: int = 1,
    page_size: int = 20,
) -> Paged:
    """A firm's own orders; a base's incoming orders; an officer's those of firms in scope; admin all."""
    stmt = _orders_stmt().where(order_clause(principal))
    if (chosen := _status(ORDER, status, "订单")) is not None:
        stmt = stmt.where(ServiceOrder.status == chosen)
    if base_id is not None:
        stmt = stmt.where(ServiceOrder.base_id == base_id)
    result = paged_query(session, stmt, page, page_size, lambda r: order_item(r[0], r[1], r[2], r[3]))
    for item in result.items:
        item["actions"] = order_actions(principal, item)
    return result


def order_detail(session: Session, principal: Principal, order_id: int) -> dict[str, Any]:
    order = get_row(session, ServiceOrder, order_id, "服务订单")
    require_order_read(session, principal, order)
    o, svc, base, firm = session.execute(_orders_stmt().where(ServiceOrder.id == order_id)).one()
    item = order_item(o, svc, base, firm)
    item["actions"] = order_actions(principal, item)
    return item


def menu_items(
    session: Session,
    year: int,
    *,
    cluster_id: str | None = None,
    subfield: str | None = None,
    base_id: int | None = None,
    available: bool = False,
) -> list[dict[str, Any]]:
    return [
        {
            "service_id": i.service_id,
            "name": i.name,
            "subfield": i.subfield,
            "base_id": i.base_id,
            "base": i.base_name,
            "base_kind": i.base_kind,
            "base_kind_zh": KIND_ZH.get(i.base_kind, i.base_kind),
            "cluster_id": i.cluster_id,
            "cluster": cluster_zh(i.cluster_id),
            "district": district_zh(i.district_code),
            **money_fields("price", i.price_fen),
            "capacity": i.capacity,
            "remaining": i.remaining,
            "year": year,
        }
        for i in pilots.menu(
            session,
            year,
            cluster_id=cluster_id or None,
            subfield=subfield or None,
            base_id=base_id,
            only_available=available,
        )
    ]


def base_overview(session: Session, principal: Principal, base_id: int, year: int) -> dict[str, Any]:
    require_own_base(principal, base_id, "查看基地信息")
    base = get_row(session, PilotBase, base_id, "中试基地/概念验证中心")
    return {
        "id": base.id,
        "name": base.name,
        "kind_zh": KIND_ZH.get(base.kind, base.kind),
        "cluster": cluster_zh(base.cluster_id),
        "district": district_zh(base.district_code),
        "outputs": {
            "new_products": base.new_products,
            "new_technologies": base.new_technologies,
            "incubated_enterprises": base.incubated_enterprises,
            "service_contracts": base.service_contracts,
        },
        "menu": menu_items(session, year, base_id=base.id),
        "year": year,
    }


def base_choices(session: Session) -> list[tuple[int, str]]:
    return [(b.id, b.name) for b in session.scalars(select(PilotBase).order_by(PilotBase.id))]


# ------------------------------------------------------------------------------------------ achievements


def achievement_item(a: Achievement, institution: str) -> dict[str, Any]:
    return {
        "id": a.id,
        "title": a.title,
        "institution_id": a.institution_id,
        "institution": institution,
        "cluster_id": a.cluster_id,
        "cluster": cluster_zh(a.cluster_id),
        "subfield": a.subfield,
        "trl": a.trl,
        "transfer_mode": a.transfer_mode,
        "transfer_mode_zh": TRANSFER_MODES.get(a.transfer_mode, a.transfer_mode),
        **money_fields("price", a.price_fen),
        "pay_after_use": a.pay_after_use,
        "pay_after_use_months": a.pay_after_use_months,
        "status": a.status,
        "status_zh": ACHIEVEMENT.state_zh(a.status),
        "published_on": a.published_on,
    }


def _may_manage_achievement(principal: Principal, a: Achievement) -> bool:
    return is_staff(principal) or (
        principal.role is Role.INSTITUTION and principal.institution_id == a.institution_id
    )


def list_achievements(
    session: Session,
    principal: Principal,
    *,
    status: str | None = None,
    q: str | None = None,
    cluster_id: str | None = None,
    page: int = 1,
    page_size: int = 20,
) -> Paged:
    """An institution's own achievements (every status); staff all; everyone else the published ones."""
    interests = (
        select(AchievementInterest.achievement_id, func.count().label("n"))
        .group_by(AchievementInterest.achievement_id)
        .subquery()
    )
    stmt = (
        select(Achievement, Institution.name, func.coalesce(interests.c.n, 0))
        .join(Institution, Achievement.institution_id == Institution.id)
        .outerjoin(interests, interests.c.achievement_id == Achievement.id)
        .order_by(Achievement.published_on.desc(), Achievement.id.desc())
    )
    if principal.role is Role.INSTITUTION:
        stmt = stmt.where(Achievement.institution_id == principal.institution_id)
    elif not is_staff(principal):
        stmt = stmt.where(Achievement.status.in_(PUBLIC_ACHIEVEMENT))
    if (chosen := _status(ACHIEVEMENT, status, "成果")) is not None:
        stmt = stmt.where(Achievement.status == chosen)
    if (needle := _like(q)) is not None:
        stmt = stmt.where(
            or_(Achievement.title.contains(needle, autoescape=True), Achievement.keywords.contains(needle))
        )
    if cluster_id:
        stmt = stmt.where(Achievement.cluster_id == cluster_id)
    show_interest = principal.role is Role.INSTITUTION or is_staff(principal)

    def convert(r: Any) -> dict[str, Any]:
        item = achievement_item(r[0], r[1])
        item["interested"] = int(r[2]) if show_interest else None
        return item

    return paged_query(session, stmt, page, page_size, convert)


def achievement_detail(session: Session, principal: Principal, achievement_id: int) -> dict[str, Any]:
    a = get_row(session, Achievement, achievement_id, "科技成果")
    manage = _may_manage_achievement(principal, a)
    if not manage and a.status not in PUBLIC_ACHIEVEMENT:
        raise AccessDenied(f"科技成果 #{a.id} 尚未发布或已撤回，仅成果单位可查看")
    inst = get_row(session, Institution, a.institution_id, "高校/院所")
    inventors = [
        {"name": i.name, "share": i.share if manage else None}
        for i in session.scalars(
            select(AchievementInventor)
            .where(AchievementInventor.achievement_id == a.id)
            .order_by(AchievementInventor.id)
        )
    ]
    firm_id = principal.enterprise_id if principal.role is Role.ENTERPRISE else None
    already = (
        firm_id is not None
        and session.scalar(
            select(AchievementInterest.id).where(
                AchievementInterest.achievement_id == a.id, AchievementInterest.enterprise_id == firm_id
            )
        )
        is not None
    )
    own_allowed = ACHIEVEMENT.allowed(a.status) if principal.role is Role.INSTITUTION and manage else []
    return {
        **achievement_item(a, inst.name),
        "abstract": a.abstract,
        "keywords": a.keywords,
        "ip_summary": a.ip_summary,
        "license_terms": a.license_terms,
        "ownership_granted": a.ownership_granted,
        "separately_managed": a.separately_managed,
        "inventors": inventors,
        "manage": manage,
        "can_express_interest": firm_id is not None and not already and a.status in PUBLIC_ACHIEVEMENT,
        "already_interested": already,
        "actions": [{"id": x, "zh": ACHIEVEMENT.actions[x]} for x in own_allowed],
    }


def _scoped_firms(session: Session, principal: Principal, ids: list[int]) -> dict[int, Enterprise]:
    """The firms among ``ids`` the principal may see in an achievement's lists (institution owner: all)."""
    firms = {e.id: e for e in session.scalars(select(Enterprise).where(Enterprise.id.in_(ids)))}
    if principal.role is Role.INSTITUTION or principal.is_admin:
        return firms
    return {k: e for k, e in firms.items() if covers_firm(principal, e)}


def interested(session: Session, actor: Actor, achievement_id: int) -> list[dict[str, Any]]:
    """Firms that expressed interest in the achievement (its institution; officers: firms in scope)."""
    rows = achievements.interested_firms(session, actor.principal, achievement_id)
    firms = _scoped_firms(session, actor.principal, [r.enterprise_id for r in rows])
    out = [
        {
            "enterprise_id": r.enterprise_id,
            "enterprise": r.name,
            "uscc": firms[r.enterprise_id].uscc,
            "district": district_zh(r.district_code),
            "cluster": cluster_zh(r.cluster_id),
            "created_on": r.created_on,
            "note": r.note,
            "demand_id": r.demand_id,
            "demand_title": r.demand_title,
        }
        for r in rows
        if r.enterprise_id in firms
    ]
    audit_firms(
        session,
        actor,
        "view_transfer_interest",
        [r.enterprise_id for r in rows if r.enterprise_id in firms],
        f"科技成果 #{achievement_id} 意向企业",
    )
    return out


def candidates(session: Session, actor: Actor, achievement_id: int, top: int = 10) -> list[dict[str, Any]]:
    """Firms whose open demands fit the achievement (its institution; officers: firms in scope)."""
    rows = matches.achievement_candidates(session, actor.principal, achievement_id, top)
    firms = _scoped_firms(session, actor.principal, [r.enterprise_id for r in rows])
    out = [
        {
            "enterprise_id": r.enterprise_id,
            "enterprise": r.name,
            "district": district_zh(firms[r.enterprise_id].district_code),
            "demand_id": r.demand_id,
            "demand_title": r.demand_title,
            "score": round(r.score, 4),
            "interested": r.interested,
        }
        for r in rows
        if r.enterprise_id in firms
    ]
    audit_firms(
        session,
        actor,
        "match_transfer_demand",
        [r.enterprise_id for r in rows if r.enterprise_id in firms],
        f"科技成果 #{achievement_id} 候选企业",
    )
    return out


def institution_choices(session: Session) -> list[tuple[int, str]]:
    return [(i.id, i.name) for i in session.scalars(select(Institution).order_by(Institution.id))]


# ------------------------------------------------------------------------------------------ contracts


def _contracts_stmt() -> Any:
    seller_firm = select(Enterprise.name).where(Enterprise.id == TechContract.seller_enterprise_id)
    seller_inst = select(Institution.name).where(Institution.id == TechContract.seller_institution_id)
    shares = select(func.count()).where(RevenueShare.contract_id == TechContract.id)
    return select(
        TechContract,
        seller_firm.scalar_subquery(),
        seller_inst.scalar_subquery(),
        shares.scalar_subquery(),
    )


def contract_item(
    c: TechContract, firm: str | None, inst: str | None, shares: int, on: date
) -> dict[str, Any]:
    deadline = decision_deadline(c)
    pending = c.status == "pending"
    return {
        "id": c.id,
        "contract_no": c.contract_no,
        "contract_type": c.contract_type,
        "contract_type_zh": contract_type_zh(c.contract_type),
        "title": c.title,
        "seller": firm or inst or "—",
        "seller_kind": "enterprise" if c.seller_enterprise_id else "institution",
        "seller_enterprise_id": c.seller_enterprise_id,
        "seller_institution_id": c.seller_institution_id,
        "buyer_name": c.buyer_name,
        "buyer_in_city": c.buyer_in_city,
        "buyer_district": district_zh(c.buyer_district_code) if c.buyer_in_city else "市外",
        "cluster": cluster_zh(c.cluster_id),
        "district": district_zh(c.district_code),
        "signed_on": c.signed_on,
        "submitted_on": c.submitted_on,
        "decided_on": c.decided_on,
        "decision_deadline": deadline,
        "days_left": (deadline - on).days if pending else None,
        "overdue": pending and on > deadline,
        "status": c.status,
        "status_zh": CONTRACT.state_zh(c.status),
        **money_fields("amount", c.amount_fen),
        **money_fields("technical", c.amount_fen - c.non_technical_fen),
        **money_fields("non_technical", c.non_technical_fen),
        "refusal_reason": c.refusal_reason,
        "achievement_id": c.achievement_id,
        "broker_id": c.broker_id,
        "demand_id": c.demand_id,
        "shares_saved": int(shares or 0) > 0,
    }


def list_contracts(
    session: Session,
    principal: Principal,
    on: date,
    *,
    status: str | None = None,
    overdue: bool = False,
    q: str | None = None,
    page: int = 1,
    page_size: int = 20,
) -> Paged:
    """Contracts the principal is a party to (officer: registered in their district); pending oldest first."""
    stmt = _contracts_stmt().where(contract_clause(principal))
    chosen = _status(CONTRACT, status, "合同")
    if chosen is not None:
        stmt = stmt.where(TechContract.status == chosen)
    if overdue:
        days = load_transfer_rulebook().contracts.registration.decision_days
        stmt = stmt.where(
            TechContract.status == "pending", TechContract.submitted_on < on - timedelta(days=days)
        )
    if (needle := _like(q)) is not None:
        stmt = stmt.where(
            or_(TechContract.title.contains(needle, autoescape=True), TechContract.contract_no == needle)
        )
    if chosen == "pending" or overdue:
        stmt = stmt.order_by(TechContract.submitted_on, TechContract.id)
    else:
        stmt = stmt.order_by(TechContract.submitted_on.desc(), TechContract.id.desc())
    return paged_query(session, stmt, page, page_size, lambda r: contract_item(r[0], r[1], r[2], r[3], on))


def contract_detail(session: Session, principal: Principal, contract_id: int, on: date) -> dict[str, Any]:
    c = get_row(session, TechContract, contract_id, "技术合同")
    if not covers_contract(session, principal, c):
        raise AccessDenied(f"{principal.role_label}无权查看技术合同 #{contract_id}")
    row = session.execute(_contracts_stmt().where(TechContract.id == contract_id)).one()
    item = contract_item(row[0], row[1], row[2], row[3], on)
    shares: dict[str, Any] | None = None
    institution_seller = c.seller_institution_id is not None
    may_share = institution_seller and (
        is_staff(principal)
        or (principal.role is Role.INSTITUTION and principal.institution_id == c.seller_institution_id)
    )
    if may_share:
        shares = revenue_view(session, principal, c)
    item.update(
        {
            "may_decide": is_staff(principal) and c.status == "pending",
            "may_share": may_share and c.achievement_id is not None and c.status != "refused",
            "shares": shares,
        }
    )
    return item


def revenue_view(session: Session, principal: Principal, contract: TechContract) -> dict[str, Any]:
    """The stored revenue split of an institution's contract and the policy that applies."""
    assert contract.seller_institution_id is not None
    require_own_institution(principal, contract.seller_institution_id, "查看收益分配")
    inst = get_row(session, Institution, contract.seller_institution_id, "高校/院所")
    policy = revenue.policy_for(inst)
    parts = revenue.stored_shares(session, principal, contract.id)
    return {
        "policy": policy.label(),
        "rate_min": policy.rate_min,
        "rate_max": policy.rate_max,
        "rate_default": policy.rate_default,
        "parts": [share_part(p) for p in parts],
        **money_fields("income", parts[0].income_fen if parts else None),
        "inventor_rate": parts[0].inventor_rate if parts else None,
        "computed_at": parts[0].computed_at if parts else None,
        "total_fen": sum(p.amount_fen for p in parts),
        "total_yuan": yuan(sum(p.amount_fen for p in parts)),
    }


def share_part(p: RevenueShare) -> dict[str, Any]:
    return {
        "party_kind": p.party_kind,
        "party_kind_zh": "单位" if p.party_kind == "institution" else "完成人",
        "party_name": p.party_name,
        "fraction": p.fraction,
        **money_fields("amount", p.amount_fen),
        "amount_exact": yuan(p.amount_fen),
    }


def contract_id_by_number(session: Session, number: str) -> int:
    value = number.strip()
    found = session.scalar(select(TechContract.id).where(TechContract.contract_no == value))
    if found is None and value.isdigit() and len(value) <= 9:
        found = session.scalar(select(TechContract.id).where(TechContract.id == int(value)))
    if found is None:
        raise NotFound(f"未找到合同编号为“{value}”的技术合同（请先由卖方提交登记）")
    return int(found)


def enterprise_id_by_uscc(session: Session, uscc: str, what: str) -> int:
    code = uscc.strip().upper()
    found = session.scalar(select(Enterprise.id).where(Enterprise.uscc == code))
    if found is None:
        raise UserError(f"{what}：未找到统一社会信用代码为“{code}”的平台企业")
    return int(found)


# ------------------------------------------------------------------------------------------ brokers


def pipeline(
    session: Session, actor: Actor, broker_id: int, on: date, include_closed: bool = False
) -> dict[str, Any]:
    """A broker's assignments grouped by stage (对接 → 洽谈 → 签约, 终止 when asked); reads audited."""
    principal = actor.principal
    require_own_broker(principal, broker_id, "查看对接任务")
    broker = get_row(session, Broker, broker_id, "技术经纪人")
    items = brokers.pipeline(session, principal, broker_id, on, include_closed)
    demand_firms = {
        int(d): int(f)
        for d, f in session.execute(
            select(Demand.id, Demand.enterprise_id).where(Demand.id.in_([i.demand_id for i in items]))
        )
    }
    rows = [
        {
            "assignment_id": i.assignment_id,
            "stage": i.stage,
            "stage_zh": i.stage_zh,
            "demand_id": i.demand_id,
            "demand_title": i.demand_title,
            "enterprise": i.enterprise,
            **money_fields("budget", i.budget_fen),
            "deadline": i.deadline,
            "assigned_on": i.assigned_on,
            "days_in_stage": i.days_in_stage,
            "contract_id": i.contract_id,
            "actions": [{"id": a, "zh": ASSIGNMENT.actions[a]} for a in ASSIGNMENT.allowed(i.stage)],
        }
        for i in items
    ]
    audit_firms(session, actor, "list_transfer_demands", demand_firms.values(), "成果转化：经纪人对接任务")
    stages = [s for s in ASSIGNMENT.states if include_closed or s in (*ACTIVE_STAGES, "signed")]
    return {
        "broker": {
            "id": broker.id,
            "name": broker.name,
            "certificate_no": broker.certificate_no,
            "cluster": cluster_zh(broker.cluster_id),
            "rating": broker.rating,
            "max_load": broker.max_load or load_transfer_rulebook().brokers.routing.default_max_load,
        },
        "columns": [
            {"stage": s, "stage_zh": ASSIGNMENT.state_zh(s), "cards": [r for r in rows if r["stage"] == s]}
            for s in stages
        ],
        "items": rows,
        "active": sum(1 for r in rows if r["stage"] in ACTIVE_STAGES),
    }


def broker_choices(session: Session) -> list[tuple[int, str]]:
    stmt = (
        select(Broker).where(Broker.active.is_(True), Broker.certificate_no.is_not(None)).order_by(Broker.id)
    )
    return [(b.id, f"{b.name}（{cluster_zh(b.cluster_id)}）") for b in session.scalars(stmt.limit(500))]


# ------------------------------------------------------------------------------------------ challenges


def challenge_rows(
    session: Session, principal: Principal, status: str | None, page: int, page_size: int
) -> Paged:
    chosen = _status(CHALLENGE, status, "难题")
    views = challenges.challenge_list(session, principal, chosen)
    items = [
        {
            "id": v.challenge_id,
            "title": v.title,
            "enterprise": v.enterprise,
            "cluster": cluster_zh(v.cluster_id),
            **money_fields("budget", v.budget_fen),
            "status": v.status,
            "status_zh": v.status_zh,
            "reviews": v.reviews if is_staff(principal) else None,
            "average": v.average if is_staff(principal) else None,
            "applications": v.applications,
            "apply_deadline": v.apply_deadline,
        }
        for v in views
    ]
    return paged_list(items, page, page_size)


def challenge_detail(session: Session, principal: Principal, challenge_id: int, on: date) -> dict[str, Any]:
    c = get_row(session, Challenge, challenge_id, "“卡脖子”难题")
    staff = is_staff(principal)
    owner = principal.is_firm(c.enterprise_id)
    if not (staff or owner or c.status in PUBLIC_CHALLENGE):
        raise AccessDenied(f"难题 #{c.id} 尚未发榜，仅出题企业与工作人员可查看")
    firm = get_row(session, Enterprise, c.enterprise_id, "企业")
    review = challenges.review_of(session, c.id)
    scores = []
    if staff:
        scores = [
            {
                "expert_id": s.expert_id,
                "expert": name,
                "score": s.score,
                "comment": s.comment,
                "scored_on": s.scored_on,
            }
            for s, name in session.execute(
                select(ChallengeScore, Expert.name)
                .join(Expert, ChallengeScore.expert_id == Expert.id)
                .where(ChallengeScore.challenge_id == c.id)
                .order_by(ChallengeScore.id)
            )
        ]
    applications = []
    mine_only = not (staff or owner)
    if staff or owner or principal.role in (Role.INSTITUTION, Role.ENTERPRISE):
        lead_inst = select(Institution.name).where(Institution.id == ChallengeApplication.lead_institution_id)
        lead_firm = select(Enterprise.name).where(Enterprise.id == ChallengeApplication.lead_enterprise_id)
        for a, inst, lead in session.execute(
            select(ChallengeApplication, lead_inst.scalar_subquery(), lead_firm.scalar_subquery())
            .where(
                ChallengeApplication.challenge_id == c.id,
                _own_applications(principal) if mine_only else true(),
            )
            .order_by(ChallengeApplication.id)
        ):
            applications.append(
                {
                    "id": a.id,
                    "team_name": a.team_name,
                    "lead": inst or lead or "—",
                    "plan": a.plan,
                    **money_fields("quote", a.quote_fen),
                    "status": a.status,
                    "status_zh": APPLICATION.state_zh(a.status),
                    "applied_on": a.applied_on,
                    "can_choose": (staff or owner) and c.status == "published" and a.status == "applied",
                }
            )
    rules = load_transfer_rulebook().challenges.scoring
    open_for_apply = c.status == "published" and c.apply_deadline is not None and on <= c.apply_deadline
    may_apply = principal.role is Role.INSTITUTION or (principal.role is Role.ENTERPRISE and not owner)
    staff_actions = [a for a in CHALLENGE.allowed(c.status) if a in STAFF_CHALLENGE_ACTIONS] if staff else []
    return {
        "id": c.id,
        "title": c.title,
        "description": c.description,
        "indicators": c.indicators,
        "enterprise": firm.name,
        "cluster_id": c.cluster_id,
        "cluster": cluster_zh(c.cluster_id),
        **money_fields("budget", c.budget_fen),
        "status": c.status,
        "status_zh": CHALLENGE.state_zh(c.status),
        "submitted_on": c.submitted_on,
        "decided_on": c.decided_on,
        "published_on": c.published_on,
        "apply_deadline": c.apply_deadline,
        "awarded_on": c.awarded_on,
        "reason": c.reason,
        "reviews": review.count if staff else None,
        "average": review.average if staff else None,
        "min_reviews": rules.min_reviews,
        "selection_line": rules.selection_min_average,
        "scores": scores,
        "applications": applications,
        "application_count": session.scalar(
            select(func.count()).where(ChallengeApplication.challenge_id == c.id)
        ),
        "owner": owner,
        "can_score": staff and c.status == "reviewing",
        "can_apply": may_apply and open_for_apply,
        "can_withdraw": owner and "withdraw" in CHALLENGE.allowed(c.status),
        "actions": [{"id": a, "zh": CHALLENGE.actions[a]} for a in staff_actions],
    }


def challenge_of_application(session: Session, application_id: int) -> int:
    return get_row(session, ChallengeApplication, application_id, "揭榜申请").challenge_id


def _own_applications(principal: Principal) -> ColumnElement[bool]:
    """An applicant sees its own applications only (a team led by its institution or firm)."""
    if principal.role is Role.INSTITUTION and principal.institution_id is not None:
        return ChallengeApplication.lead_institution_id == principal.institution_id
    if principal.role is Role.ENTERPRISE and principal.enterprise_id is not None:
        return ChallengeApplication.lead_enterprise_id == principal.enterprise_id
    return false()


def expert_choices(session: Session, cluster_id: str | None = None) -> list[tuple[int, str]]:
    stmt = select(Expert).order_by(Expert.id)
    if cluster_id:
        stmt = stmt.where(Expert.cluster_id == cluster_id)
    return [(e.id, f"{e.name}（{e.title}）") for e in session.scalars(stmt.limit(300))]


# ------------------------------------------------------------------------------------------ statistics


def _pct(value: Decimal | None) -> str | None:
    return None if value is None else fmt_pct(value)


def turnover(session: Session, principal: Principal, year: int, as_of: date) -> dict[str, Any]:
    """Registered contract turnover of ``year`` up to ``as_of`` against the target (920亿元 in 2026)."""
    p = stats.turnover_progress(session, principal, year, as_of)
    return {
        "year": p.year,
        "as_of": p.as_of,
        **money_fields("turnover", p.turnover_fen),
        **money_fields("previous_same_period", p.previous_same_period_fen),
        **money_fields("previous_year", p.previous_year_fen),
        **money_fields("target", p.target_fen),
        "target_source": p.target_text,
        **money_fields("published", p.published_fen),
        "published_source": p.published_text,
        "progress": p.progress,
        "progress_text": _pct(p.progress),
        "growth": p.growth,
        "growth_text": _pct(p.growth),
        "required_growth": p.required_growth,
        "required_growth_text": _pct(p.required_growth),
        "scope": "全市",
    }


def contract_breakdown(
    session: Session, principal: Principal, year: int, by: str, direction: str
) -> dict[str, Any]:
    result = stats.contract_stats(session, principal, year, by, direction)

    def row(r: stats.StatRow) -> dict[str, Any]:
        return {
            "key": r.key,
            "name": r.name,
            "contracts": r.contracts,
            **money_fields("amount", r.amount_fen),
            **money_fields("technical", r.technical_fen),
        }

    return {
        "year": year,
        "by": by,
        "by_zh": stats.BY_ZH[by],
        "direction": direction,
        "direction_zh": stats.DIRECTION_ZH[direction],
        "rows": [row(r) for r in result.rows],
        "total": row(result.total),
        "scope": "全市",
    }


def _figure(f: performance.FigureCheck) -> dict[str, Any]:
    sign = {"exact": "", "at_least": "≥ ", "goal": "目标 "}[f.kind]
    return {
        "key": f.key,
        "name": f.name,
        "unit": f.unit,
        "value": f.value,
        "published": f.published,
        "published_text": f"{sign}{f.published:,} {f.unit}",
        "source": f.text,
        "kind": f.kind,
        "meets": f.meets,
        "gap": f.value - f.published,
    }


def pilot_figures(session: Session, principal: Principal) -> dict[str, Any]:
    result = performance.pilot_outputs(session, principal)
    return {
        "outputs": [_figure(f) for f in result.outputs],
        "carriers": [_figure(f) for f in result.carriers],
        "orders_by_status": [
            {"status": s, "status_zh": ORDER.state_zh(s), "orders": n}
            for s, n in result.orders_by_status.items()
        ],
        **money_fields("delivered", result.orders_delivered_fen),
        "scope": "全市",
    }


def broker_stats(
    session: Session, principal: Principal, on: date, year: int | None = None, top: int | None = 20
) -> dict[str, Any]:
    summary = performance.broker_summary(session, principal, on)
    rows = performance.broker_performance(session, principal, year, top)
    levels = load_transfer_rulebook().brokers.levels
    return {
        "certified": summary.certified,
        "target": summary.target,
        "progress_text": fmt_pct(Decimal(summary.certified) / Decimal(summary.target))
        if summary.target
        else None,
        "active_assignments": summary.active_assignments,
        "signed": summary.signed,
        **money_fields("signed_amount", summary.signed_amount_fen),
        "year": year,
        "rows": [
            {
                "broker_id": r.broker_id,
                "name": r.name,
                "level": levels.get(r.level, r.level),
                "cluster": cluster_zh(r.cluster_id),
                "district": district_zh(r.district_code),
                "active": r.active,
                "assigned": r.assigned,
                "signed": r.signed,
                "terminated": r.terminated,
                "conversion": r.conversion,
                "conversion_text": _pct(r.conversion) or "—",
                **money_fields("signed_amount", r.signed_amount_fen),
                "rating": r.rating,
                "ratings": r.ratings,
                "cases": r.cases,
            }
            for r in rows
        ],
        "scope": "全市",
    }
