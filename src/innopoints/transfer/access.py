"""Who may do what in 成果转化. Services call these with the acting principal; the web layer stays thin.

Roles come from the central capability table (``accounts.access.CAPABILITIES``, the ``transfer.*`` entries):
firms (``transfer.firm.act``) post demands, order services, submit "卡脖子" problems and express interest;
institutions (``transfer.institution.act``) publish achievements, see interested firms and register their
contracts; brokers work their own pipeline; pilot bases handle orders for their own base; officers and
admins (``transfer.staff``) see statistics, run the challenge list and decide contract registrations.
Admins may do everything; the CLI acts as :data:`SYSTEM` (an administrator).

Data scope (the session-aware helpers below): a firm sees its own demands and orders; an officer the
firms of their district or park (``accounts.access.enterprise_scope_clause``); a broker the demands
assigned to them; a pilot base its own orders; an institution the firms interested in its own
achievements. Every read of a firm's demands or interests by anyone but the firm itself is written to the
audit log with the firm's id (:func:`audit_firms`).
"""

from __future__ import annotations

from collections.abc import Iterable

import sqlalchemy as sa
from sqlalchemy.orm import Session

from innopoints.accounts import audit
from innopoints.accounts.access import allowed, enterprise_scope_clause
from innopoints.accounts.context import Actor
from innopoints.accounts.errors import AccessDenied
from innopoints.accounts.principal import Principal
from innopoints.accounts.roles import Role
from innopoints.adapters.db.tables import Demand, Enterprise, TechContract
from innopoints.adapters.db.transfer_tables import BrokerAssignment, ServiceOrder

SYSTEM = Principal(user_id=0, username="cli", display_name="命令行（管理员）", role=Role.ADMIN)
STAFF = (Role.ADMIN, Role.OFFICER)

FIRM_ACT = "transfer.firm.act"
INSTITUTION_ACT = "transfer.institution.act"
STAFF_CAP = "transfer.staff"
OUT_OF_SCOPE = "该企业不在您的数据范围内"

# audit actions of this area, with their Chinese labels for the audit pages
AUDIT_ACTIONS: dict[str, str] = {
    "list_transfer_demands": "查看技术需求列表",
    "export_transfer_demands": "导出技术需求列表",
    "view_transfer_demand": "查看技术需求",
    "match_transfer_demand": "查看需求匹配/候选企业",
    "route_transfer_demand": "分派技术需求",
    "view_transfer_interest": "查看合作意向企业",
}
for _action, _label in AUDIT_ACTIONS.items():
    audit.ACTION_LABELS.setdefault(_action, _label)


def is_staff(principal: Principal) -> bool:
    return allowed(principal, STAFF_CAP)


def may(principal: Principal, capability: str) -> bool:
    """Admins may do everything; others need the capability in the central table."""
    return principal.is_admin or allowed(principal, capability)


def require_role(principal: Principal, action: str, *roles: Role) -> None:
    """Admins may do everything; otherwise the principal's role must be one of ``roles``."""
    if principal.is_admin or principal.role in roles:
        return
    raise AccessDenied(f"{principal.role_label}无权{action}")


def require_staff(principal: Principal, action: str) -> None:
    if not is_staff(principal):
        raise AccessDenied(f"{principal.role_label}无权{action}")


def acting_enterprise(principal: Principal, enterprise_id: int | None, action: str) -> int:
    """The firm a firm-side action is for: a firm user acts for itself; an admin names the firm."""
    if allowed(principal, FIRM_ACT) and principal.enterprise_id is not None:
        if enterprise_id is not None and enterprise_id != principal.enterprise_id:
            raise AccessDenied(f"企业用户只能为本企业{action}")
        return principal.enterprise_id
    if principal.is_admin and enterprise_id is not None:
        return enterprise_id
    if principal.is_admin:
        raise AccessDenied(f"管理员{action}须指明企业")
    raise AccessDenied(f"{principal.role_label}无权{action}（仅企业用户）")


def acting_institution(principal: Principal, institution_id: int | None, action: str) -> int:
    if allowed(principal, INSTITUTION_ACT) and principal.institution_id is not None:
        if institution_id is not None and institution_id != principal.institution_id:
            raise AccessDenied(f"高校/院所用户只能为本单位{action}")
        return principal.institution_id
    if principal.is_admin and institution_id is not None:
        return institution_id
    if principal.is_admin:
        raise AccessDenied(f"管理员{action}须指明单位")
    raise AccessDenied(f"{principal.role_label}无权{action}（仅高校/院所用户）")


def require_own_enterprise(
    principal: Principal, enterprise_id: int, action: str, *, staff: bool = True
) -> None:
    """The firm itself, or (when ``staff``) an officer/admin."""
    if principal.is_firm(enterprise_id) or principal.is_admin or (staff and is_staff(principal)):
        return
    raise AccessDenied(f"{principal.role_label}无权{action}（仅限本企业）")


def require_own_institution(principal: Principal, institution_id: int, action: str) -> None:
    if is_staff(principal) or (
        principal.role is Role.INSTITUTION and principal.institution_id == institution_id
    ):
        return
    raise AccessDenied(f"{principal.role_label}无权{action}（仅限本单位）")


def require_own_broker(principal: Principal, broker_id: int, action: str) -> None:
    if is_staff(principal) or (principal.role is Role.BROKER and principal.broker_id == broker_id):
        return
    raise AccessDenied(f"{principal.role_label}无权{action}（仅限本人的对接任务）")


def require_own_base(principal: Principal, base_id: int, action: str) -> None:
    if is_staff(principal) or (principal.role is Role.PILOT_BASE and principal.pilot_base_id == base_id):
        return
    raise AccessDenied(f"{principal.role_label}无权{action}（仅限本基地）")


# ------------------------------------------------------------------------------------------ data scope


def covers_firm(principal: Principal, firm: Enterprise) -> bool:
    """Admin: every firm; officer: the firms of their district or park; a firm user: itself."""
    if principal.is_admin:
        return True
    if principal.role is Role.OFFICER:
        if principal.district_code:
            return firm.district_code == principal.district_code
        return principal.park_id is not None and firm.park_id == principal.park_id
    return principal.is_firm(firm.id)


def firm_clause(principal: Principal) -> sa.ColumnElement[bool]:
    """SQL condition on ``Enterprise`` for staff and firm users (others see no firm through it)."""
    if principal.role in (Role.ADMIN, Role.OFFICER, Role.ENTERPRISE):
        return enterprise_scope_clause(principal)
    return sa.false()


def demand_clause(principal: Principal) -> sa.ColumnElement[bool]:
    """Which demands a principal may list (the query must join ``Enterprise`` on the demand's firm)."""
    if principal.role is Role.BROKER and principal.broker_id is not None:
        mine = sa.select(BrokerAssignment.demand_id).where(BrokerAssignment.broker_id == principal.broker_id)
        return Demand.id.in_(mine)
    return firm_clause(principal)


def order_clause(principal: Principal) -> sa.ColumnElement[bool]:
    """Which service orders a principal may list (the query must join ``Enterprise`` on the ordering firm)."""
    if principal.role is Role.PILOT_BASE and principal.pilot_base_id is not None:
        return ServiceOrder.base_id == principal.pilot_base_id
    return firm_clause(principal)


def contract_clause(principal: Principal) -> sa.ColumnElement[bool]:
    """Which technology contracts a principal may list: its seller or buyer firm, its seller institution,
    its broker; an officer those registered in their district (a park officer: sold by a firm of the park)."""
    c = TechContract
    if principal.is_admin:
        return sa.true()
    if principal.role is Role.OFFICER:
        if principal.district_code:
            return c.district_code == principal.district_code
        park = sa.select(Enterprise.id).where(Enterprise.park_id == principal.park_id)
        return c.seller_enterprise_id.in_(park) if principal.park_id else sa.false()
    if principal.role is Role.ENTERPRISE and principal.enterprise_id is not None:
        return sa.or_(
            c.seller_enterprise_id == principal.enterprise_id,
            c.buyer_enterprise_id == principal.enterprise_id,
        )
    if principal.role is Role.INSTITUTION and principal.institution_id is not None:
        return c.seller_institution_id == principal.institution_id
    if principal.role is Role.BROKER and principal.broker_id is not None:
        return c.broker_id == principal.broker_id
    return sa.false()


def covers_contract(session: Session, principal: Principal, contract: TechContract) -> bool:
    found = session.scalar(
        sa.select(sa.exists().where(TechContract.id == contract.id, contract_clause(principal)))
    )
    return bool(found)


def broker_has_demand(session: Session, broker_id: int | None, demand_id: int) -> bool:
    if broker_id is None:
        return False
    found = session.scalar(
        sa.select(BrokerAssignment.id).where(
            BrokerAssignment.demand_id == demand_id, BrokerAssignment.broker_id == broker_id
        )
    )
    return found is not None


def audit_firms(
    session: Session, actor: Actor, action: str, enterprise_ids: Iterable[int], detail: str = ""
) -> None:
    """One audit event per firm whose demands or interests were shown (the firm's own reads skipped)."""
    ids = sorted(set(enterprise_ids))
    audit.record_many(
        session, actor.principal, action, ids, channel=actor.channel, path=actor.path, detail=detail
    )


def require_demand_read(
    session: Session, actor: Actor, demand: Demand, *, action: str = "view_transfer_demand", detail: str = ""
) -> None:
    """The demand's firm, an officer whose scope holds the firm, a broker it is assigned to, or an admin;
    every read by someone other than the firm is audited."""
    principal = actor.principal
    if principal.is_firm(demand.enterprise_id):
        return
    firm = session.get(Enterprise, demand.enterprise_id)
    ok = (is_staff(principal) and firm is not None and covers_firm(principal, firm)) or (
        principal.role is Role.BROKER and broker_has_demand(session, principal.broker_id, demand.id)
    )
    if not ok:
        if principal.role is Role.BROKER:
            raise AccessDenied(f"技术需求 #{demand.id} 未分派给您，无权查看")
        if principal.role is Role.ENTERPRISE:
            raise AccessDenied(f"技术需求 #{demand.id} 不属于本企业，无权查看")
        raise AccessDenied(OUT_OF_SCOPE if is_staff(principal) else f"{principal.role_label}无权查看技术需求")
    audit_firms(session, actor, action, [demand.enterprise_id], detail or f"技术需求 #{demand.id}")


def require_order_read(session: Session, principal: Principal, order: ServiceOrder) -> None:
    """The ordering firm, the base serving it, an officer whose scope holds the firm, or an admin."""
    if principal.is_firm(order.enterprise_id) or principal.is_admin:
        return
    if principal.role is Role.PILOT_BASE and principal.pilot_base_id == order.base_id:
        return
    firm = session.get(Enterprise, order.enterprise_id)
    if principal.role is Role.OFFICER and firm is not None and covers_firm(principal, firm):
        return
    raise AccessDenied(f"{principal.role_label}无权处理或查看服务订单 #{order.id}")
