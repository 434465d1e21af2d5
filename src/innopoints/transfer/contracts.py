"""技术合同认定登记: the seller registers a written contract once, in its own region; the registration office
decides within the rulebook's decision window (30 days); a refusal (未予登记) carries a reason and the
contract does not count. 合同成交额 = the total amount; 技术交易额 = total minus non-technical items."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from innopoints.accounts.errors import AccessDenied
from innopoints.accounts.principal import Principal
from innopoints.accounts.roles import Role
from innopoints.adapters.db.tables import Achievement, Enterprise, Institution, TechContract
from innopoints.errors import UserError
from innopoints.transfer.access import is_staff, require_staff
from innopoints.transfer.common import check_cluster, check_district, get_row, in_region, need_text
from innopoints.transfer.rulebook import load_transfer_rulebook
from innopoints.transfer.states import CONTRACT


@dataclass(frozen=True)
class ContractInput:
    contract_type: str
    title: str
    amount_fen: int  # 合同成交额
    signed_on: date
    buyer_name: str
    cluster_id: str
    non_technical_fen: int = 0  # equipment, instruments, parts, raw materials
    written: bool = True
    contract_no: str | None = None
    buyer_enterprise_id: int | None = None
    buyer_in_city: bool | None = None
    buyer_district_code: str | None = None
    achievement_id: int | None = None


def technical_amount(contract: TechContract) -> int:
    """技术交易额 in fen."""
    return contract.amount_fen - contract.non_technical_fen


def decision_deadline(contract: TechContract) -> date:
    return contract.submitted_on + timedelta(
        days=load_transfer_rulebook().contracts.registration.decision_days
    )


def _seller(
    session: Session, principal: Principal, enterprise_id: int | None, institution_id: int | None
) -> tuple[int | None, int | None, str, str]:
    """(seller firm id, seller institution id, seller name, seller district). Only the seller side registers."""
    if principal.role is Role.ENTERPRISE:
        if institution_id is not None or enterprise_id not in (None, principal.enterprise_id):
            raise UserError("技术合同由卖方登记：企业用户只能登记本企业作为卖方的合同")
        enterprise_id = principal.enterprise_id
    elif principal.role is Role.INSTITUTION:
        if enterprise_id is not None or institution_id not in (None, principal.institution_id):
            raise UserError("技术合同由卖方登记：高校/院所用户只能登记本单位作为卖方的合同")
        institution_id = principal.institution_id
    else:
        require_staff(principal, "代为登记技术合同")
    if (enterprise_id is None) == (institution_id is None):
        raise UserError("须指明唯一的卖方（企业或高校/院所）")
    if enterprise_id is not None:
        firm = get_row(session, Enterprise, enterprise_id, "企业")
        return firm.id, None, firm.name, firm.district_code
    assert institution_id is not None
    inst = get_row(session, Institution, institution_id, "高校/院所")
    return None, inst.id, inst.name, inst.district_code


def _next_number(session: Session, year: int, type_index: int) -> str:
    prefix = f"{year}2101{type_index}"
    count = session.scalar(select(func.count()).where(TechContract.contract_no.like(f"{prefix}%"))) or 0
    seq = int(count) + 1
    while session.scalar(select(TechContract.id).where(TechContract.contract_no == f"{prefix}{seq:07d}")):
        seq += 1
    return f"{prefix}{seq:07d}"


def register_contract(
    session: Session,
    principal: Principal,
    data: ContractInput,
    today: date,
    seller_enterprise_id: int | None = None,
    seller_institution_id: int | None = None,
) -> TechContract:
    """Submit a contract for registration (status 待登记). Errors are Chinese and name the field."""
    rules = load_transfer_rulebook().contracts
    ctype = rules.type(data.contract_type)
    firm_id, inst_id, seller_name, seller_district = _seller(
        session, principal, seller_enterprise_id, seller_institution_id
    )
    if rules.registration.written_only and not data.written:
        raise UserError("只有书面技术合同才能认定登记")
    if not in_region(seller_district):
        raise UserError(f"卖方“{seller_name}”不在本地区，应在卖方所在地登记")
    if data.amount_fen <= 0:
        raise UserError("合同成交额应大于 0 元")
    if not 0 <= data.non_technical_fen <= data.amount_fen:
        raise UserError("非技术性款项（设备、仪器、零部件、原材料）应在 0 与合同成交额之间")
    if data.signed_on > today:
        raise UserError(f"签订日期 {data.signed_on.isoformat()} 不能晚于今天")
    buyer = need_text(data.buyer_name, "买方名称", 200)
    buyer_in_city, buyer_district = data.buyer_in_city, data.buyer_district_code
    if data.buyer_enterprise_id is not None:
        firm = get_row(session, Enterprise, data.buyer_enterprise_id, "买方企业")
        if firm.id == firm_id:
            raise UserError("买方与卖方不能是同一企业")
        buyer_in_city, buyer_district = in_region(firm.district_code), firm.district_code
    elif buyer == seller_name:
        raise UserError("买方与卖方不能相同")
    if buyer_district is not None:
        buyer_district = check_district(buyer_district)
        buyer_in_city = True
    if buyer_in_city is None:
        raise UserError("须说明买方是否在本市（或给出买方企业、买方区县）")
    if data.achievement_id is not None:
        ach = get_row(session, Achievement, data.achievement_id, "科技成果")
        if inst_id is not None and ach.institution_id != inst_id:
            raise UserError(f"科技成果 #{ach.id} 不属于卖方单位")
    number = (data.contract_no or "").strip() or _next_number(
        session, today.year, [t.id for t in rules.types].index(ctype.id) + 1
    )
    if session.scalar(select(TechContract.id).where(TechContract.contract_no == number)) is not None:
        raise UserError(f"合同编号 {number} 已提交登记，同一合同只登记一次")
    row = TechContract(
        contract_no=number,
        contract_type=ctype.id,
        title=need_text(data.title, "合同名称", 300),
        seller_enterprise_id=firm_id,
        seller_institution_id=inst_id,
        buyer_name=buyer,
        buyer_in_city=bool(buyer_in_city),
        buyer_enterprise_id=data.buyer_enterprise_id,
        buyer_district_code=buyer_district,
        cluster_id=check_cluster(data.cluster_id),
        district_code=seller_district,
        signed_on=data.signed_on,
        submitted_on=today,
        status="pending",
        amount_fen=data.amount_fen,
        non_technical_fen=data.non_technical_fen,
        achievement_id=data.achievement_id,
        registered_by=principal.username,
    )
    session.add(row)
    session.flush()
    return row


@dataclass(frozen=True)
class Decision:
    contract: TechContract
    deadline: date
    overdue_days: int  # > 0 when decided after the decision window

    @property
    def warning(self) -> str | None:
        if self.overdue_days <= 0:
            return None
        return f"已超过 {self.overdue_days} 天（办理时限至 {self.deadline.isoformat()}）"


def decide_contract(
    session: Session,
    principal: Principal,
    contract_id: int,
    action: str,
    today: date,
    reason_id: str | None = None,
    reason: str | None = None,
) -> Decision:
    """``register`` (予以登记) or ``refuse`` (未予登记, with a reason from the rulebook)."""
    require_staff(principal, "作出技术合同登记决定")
    row = get_row(session, TechContract, contract_id, "技术合同")
    target = CONTRACT.next(row.status, action, f" {row.contract_no}")
    if today < row.submitted_on:
        raise UserError(f"决定日期 {today.isoformat()} 不能早于提交日期 {row.submitted_on.isoformat()}")
    if target == "refused":
        if reason_id is None:
            raise UserError("未予登记须选择理由（--reason-id）")
        chosen = load_transfer_rulebook().contracts.reason(reason_id)
        detail = (reason or "").strip()
        if chosen.id == "other" and not detail:
            raise UserError("理由为“其他”时须写明具体理由")
        row.refusal_reason = f"{chosen.zh}：{detail}" if detail else chosen.zh
    row.status, row.decided_on = target, today
    session.flush()
    deadline = decision_deadline(row)
    return Decision(row, deadline, (today - deadline).days)


def pending_contracts(
    session: Session, principal: Principal, today: date, overdue_only: bool = False
) -> list[tuple[TechContract, date, int]]:
    """Contracts waiting for a decision with their deadline and days left (negative = overdue)."""
    require_staff(principal, "查看待登记合同")
    days = load_transfer_rulebook().contracts.registration.decision_days
    stmt = select(TechContract).where(TechContract.status == "pending").order_by(TechContract.submitted_on)
    if overdue_only:
        stmt = stmt.where(TechContract.submitted_on < today - timedelta(days=days))
    out = []
    for row in session.scalars(stmt):
        deadline = row.submitted_on + timedelta(days=days)
        out.append((row, deadline, (deadline - today).days))
    return out


def visible_contract(session: Session, principal: Principal, contract_id: int) -> TechContract:
    """A contract for its seller, its buyer firm, its broker, or staff."""
    row = get_row(session, TechContract, contract_id, "技术合同")
    ok = (
        is_staff(principal)
        or (
            principal.role is Role.ENTERPRISE
            and principal.enterprise_id in (row.seller_enterprise_id, row.buyer_enterprise_id)
        )
        or (principal.role is Role.INSTITUTION and principal.institution_id == row.seller_institution_id)
        or (principal.role is Role.BROKER and principal.broker_id == row.broker_id)
    )
    if not ok:
        raise AccessDenied(f"{principal.role_label}无权查看技术合同 #{contract_id}")
    return row
