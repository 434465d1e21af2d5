"""Revenue sharing per contract (成果转化收益分配) under the selling institution's policy.

The policy is the institution's entry in ``revenue_sharing.yaml`` (e.g. 东北大学, inventors up to 92%), else
the range the institution declared on the platform (``institution.inventor_share_min/max``, 一校一策) raised
to the city floor (70%). The split itself is :func:`innopoints.transfer.sharing.split_income`.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal, InvalidOperation

from sqlalchemy import delete, select
from sqlalchemy.orm import Session

from innopoints.accounts.principal import Principal
from innopoints.adapters.db.tables import Institution, TechContract
from innopoints.adapters.db.transfer_tables import RevenueShare
from innopoints.errors import UserError
from innopoints.transfer.access import require_own_institution
from innopoints.transfer.achievements import inventors_of
from innopoints.transfer.common import get_row
from innopoints.transfer.contracts import technical_amount
from innopoints.transfer.rulebook import STATUS_ZH, load_transfer_rulebook
from innopoints.transfer.sharing import Inventor, Split, split_income


@dataclass(frozen=True)
class SharingPolicy:
    name: str
    rate_min: Decimal
    rate_max: Decimal
    rate_default: Decimal
    status: str
    reference: str

    def label(self) -> str:
        return f"{self.name}（{STATUS_ZH[self.status]}；{self.reference}）"


def _dec(text: str, what: str) -> Decimal:
    try:
        return Decimal(text)
    except InvalidOperation:
        raise UserError(f"{what}“{text}”不是有效小数") from None


def policy_for(institution: Institution) -> SharingPolicy:
    rules = load_transfer_rulebook().sharing
    for p in rules.institutions:
        if p.name == institution.name:
            s = p.inventor_share
            return SharingPolicy(p.policy_name, s.min, s.max, s.default, p.status, p.reference)
    floor = rules.city_floor.inventor_share_min
    lo = max(floor, _dec(institution.inventor_share_min, "单位政策下限"))
    hi = max(lo, _dec(institution.inventor_share_max, "单位政策上限"))
    if (lo, hi) == (floor, floor):
        d = rules.default_policy
        return SharingPolicy(
            d.name,
            d.inventor_share.min,
            d.inventor_share.max,
            d.inventor_share.default,
            d.status,
            d.reference,
        )
    return SharingPolicy(
        f"{institution.name}收益分配办法（平台登记，一校一策）",
        lo,
        hi,
        lo,
        "regional_default",
        f"本单位在平台登记的分配比例 {lo}–{hi}，不低于全市下限 {floor}",
    )


@dataclass(frozen=True)
class ShareResult:
    contract: TechContract
    institution: Institution
    policy: SharingPolicy
    split: Split
    saved: bool


def compute_shares(
    session: Session,
    principal: Principal,
    contract_id: int,
    now: datetime,
    rate: Decimal | None = None,
    income_fen: int | None = None,
    save: bool = True,
) -> ShareResult:
    """Split a contract's income between the seller institution and the achievement's inventors.

    ``income_fen`` defaults to the contract's 技术交易额 (rulebook ``income_basis``); ``rate`` to the policy's
    default inventor share. With ``save`` the parts replace any earlier split of the contract.
    """
    contract = get_row(session, TechContract, contract_id, "技术合同")
    if contract.seller_institution_id is None:
        raise UserError(f"技术合同 {contract.contract_no} 的卖方不是高校/院所，不适用职务成果收益分配")
    require_own_institution(principal, contract.seller_institution_id, "计算收益分配")
    if contract.status == "refused":
        raise UserError(f"技术合同 {contract.contract_no} 未予登记，不计入成果转化收入")
    if contract.achievement_id is None:
        raise UserError(f"技术合同 {contract.contract_no} 未关联科技成果，无法确定完成人")
    institution = get_row(session, Institution, contract.seller_institution_id, "高校/院所")
    policy = policy_for(institution)
    basis = load_transfer_rulebook().sharing.income_basis
    default_income = (
        technical_amount(contract) if basis == "technical_transaction_amount" else contract.amount_fen
    )
    income = default_income if income_fen is None else income_fen
    inventors = [
        Inventor(i.name, _dec(i.share, f"完成人“{i.name}”的份额"), i.id)
        for i in inventors_of(session, contract.achievement_id)
    ]
    split = split_income(
        income,
        policy.rate_default if rate is None else rate,
        inventors,
        institution.name,
        policy.rate_min,
        policy.rate_max,
    )
    if save:
        session.execute(delete(RevenueShare).where(RevenueShare.contract_id == contract.id))
        session.add_all(
            RevenueShare(
                contract_id=contract.id,
                party_kind=part.kind,
                party_name=part.name,
                inventor_id=part.inventor_id,
                fraction=f"{part.fraction.numerator}/{part.fraction.denominator}",
                amount_fen=part.amount_fen,
                income_fen=split.income_fen,
                inventor_rate=str(split.inventor_rate),
                policy=policy.name[:300],
                computed_at=now,
            )
            for part in split.parts
        )
        session.flush()
    return ShareResult(contract, institution, policy, split, save)


def stored_shares(session: Session, principal: Principal, contract_id: int) -> list[RevenueShare]:
    contract = get_row(session, TechContract, contract_id, "技术合同")
    if contract.seller_institution_id is None:
        raise UserError(f"技术合同 {contract.contract_no} 的卖方不是高校/院所")
    require_own_institution(principal, contract.seller_institution_id, "查看收益分配")
    stmt = select(RevenueShare).where(RevenueShare.contract_id == contract_id).order_by(RevenueShare.id)
    return list(session.scalars(stmt))
