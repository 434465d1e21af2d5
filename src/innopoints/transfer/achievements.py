"""Achievements (科技成果): institutions publish them with inventors and shares, transfer mode, price and
licensing terms (先使用后付费); firms express interest; institutions see the interested firms."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date
from decimal import Decimal, InvalidOperation

from sqlalchemy import select
from sqlalchemy.orm import Session

from innopoints.accounts.principal import Principal
from innopoints.adapters.db.tables import Achievement, AchievementInventor, Demand, Enterprise, Institution
from innopoints.adapters.db.transfer_tables import AchievementInterest
from innopoints.errors import UserError
from innopoints.transfer.access import acting_enterprise, acting_institution, require_own_institution
from innopoints.transfer.common import check_cluster, get_row, need_text, transfer_mode
from innopoints.transfer.sharing import Inventor, check_inventors
from innopoints.transfer.states import ACHIEVEMENT

PAY_AFTER_USE_MODES = ("transfer", "license")


@dataclass(frozen=True)
class AchievementInput:
    title: str
    abstract: str
    cluster_id: str
    subfield: str
    trl: int
    transfer_mode: str
    price_fen: int
    inventors: Sequence[tuple[str, str]]  # (name, share as exact decimal text)
    keywords: str = ""
    ip_summary: str = ""
    license_terms: str = ""
    pay_after_use: bool = False
    pay_after_use_months: int | None = None
    ownership_granted: bool = False
    separately_managed: bool = False
    publish: bool = True


def _inventors(rows: Sequence[tuple[str, str]]) -> list[Inventor]:
    out = []
    for i, (name, share) in enumerate(rows, start=1):
        try:
            value = Decimal(str(share).strip())
        except InvalidOperation:
            raise UserError(f"第 {i} 位完成人“{name}”的份额“{share}”不是数字（应为如 0.25 的小数）") from None
        out.append(Inventor(need_text(name, f"第 {i} 位完成人姓名", 60), value))
    check_inventors(out)
    return out


def validate(data: AchievementInput) -> list[Inventor]:
    need_text(data.title, "成果名称", 300)
    need_text(data.abstract, "成果简介")
    check_cluster(data.cluster_id)
    if not 1 <= data.trl <= 9:
        raise UserError(f"技术成熟度（TRL）应为 1–9 的整数，收到 {data.trl}")
    mode = transfer_mode(data.transfer_mode)
    if data.price_fen < 0:
        raise UserError("转化价格不能为负数")
    if data.pay_after_use and mode not in PAY_AFTER_USE_MODES:
        raise UserError("“先使用后付费”仅适用于转让或许可方式")
    if data.pay_after_use and (data.pay_after_use_months is None or data.pay_after_use_months <= 0):
        raise UserError("“先使用后付费”须写明先行使用期（月，正整数）")
    if not data.pay_after_use and data.pay_after_use_months is not None:
        raise UserError("未选择“先使用后付费”时不应填写先行使用期")
    return _inventors(data.inventors)


def publish_achievement(
    session: Session,
    principal: Principal,
    data: AchievementInput,
    today: date,
    institution_id: int | None = None,
) -> Achievement:
    """An institution records an achievement (as draft, or published at once)."""
    inst_id = acting_institution(principal, institution_id, "发布科技成果")
    get_row(session, Institution, inst_id, "高校/院所")
    inventors = validate(data)
    row = Achievement(
        institution_id=inst_id,
        title=data.title.strip(),
        abstract=data.abstract.strip(),
        cluster_id=check_cluster(data.cluster_id),
        subfield=data.subfield.strip(),
        keywords=data.keywords.strip(),
        trl=data.trl,
        ip_summary=data.ip_summary.strip(),
        transfer_mode=transfer_mode(data.transfer_mode),
        price_fen=data.price_fen,
        pay_after_use=data.pay_after_use,
        pay_after_use_months=data.pay_after_use_months,
        license_terms=data.license_terms.strip(),
        ownership_granted=data.ownership_granted,
        separately_managed=data.separately_managed,
        published_on=today,
        status="published" if data.publish else "draft",
    )
    session.add(row)
    session.flush()
    session.add_all(
        AchievementInventor(achievement_id=row.id, name=inv.name, share=str(inv.share)) for inv in inventors
    )
    session.flush()
    return row


def change_achievement(
    session: Session, principal: Principal, achievement_id: int, action: str, today: date
) -> Achievement:
    row = get_row(session, Achievement, achievement_id, "科技成果")
    require_own_institution(principal, row.institution_id, "变更该成果状态")
    row.status = ACHIEVEMENT.next(row.status, action, f" #{row.id}")
    if row.status == "published":
        row.published_on = today
    session.flush()
    return row


def express_interest(
    session: Session,
    principal: Principal,
    achievement_id: int,
    today: date,
    note: str = "",
    demand_id: int | None = None,
    enterprise_id: int | None = None,
) -> AchievementInterest:
    firm = acting_enterprise(principal, enterprise_id, "表达合作意向")
    ach = get_row(session, Achievement, achievement_id, "科技成果")
    if ach.status not in ("published", "negotiating"):
        raise UserError(f"科技成果 #{ach.id} 当前状态为“{ACHIEVEMENT.state_zh(ach.status)}”，不接受合作意向")
    if demand_id is not None:
        demand = get_row(session, Demand, demand_id, "技术需求")
        if demand.enterprise_id != firm:
            raise UserError(f"技术需求 #{demand_id} 不属于本企业")
    existing = session.scalar(
        select(AchievementInterest).where(
            AchievementInterest.achievement_id == achievement_id, AchievementInterest.enterprise_id == firm
        )
    )
    if existing is not None:
        raise UserError(f"本企业已对科技成果 #{achievement_id} 表达过合作意向")
    row = AchievementInterest(
        achievement_id=achievement_id,
        enterprise_id=firm,
        demand_id=demand_id,
        note=note.strip(),
        created_on=today,
    )
    session.add(row)
    session.flush()
    return row


@dataclass(frozen=True)
class InterestedFirm:
    enterprise_id: int
    name: str
    district_code: str
    cluster_id: str
    created_on: date
    note: str
    demand_id: int | None
    demand_title: str | None


def interested_firms(session: Session, principal: Principal, achievement_id: int) -> list[InterestedFirm]:
    """Firms that said they are interested, newest first (the institution's view)."""
    ach = get_row(session, Achievement, achievement_id, "科技成果")
    require_own_institution(principal, ach.institution_id, "查看意向企业")
    stmt = (
        select(AchievementInterest, Enterprise, Demand.title)
        .join(Enterprise, AchievementInterest.enterprise_id == Enterprise.id)
        .outerjoin(Demand, AchievementInterest.demand_id == Demand.id)
        .where(AchievementInterest.achievement_id == achievement_id)
        .order_by(AchievementInterest.created_on.desc(), AchievementInterest.id.desc())
    )
    return [
        InterestedFirm(e.id, e.name, e.district_code, e.cluster_id, i.created_on, i.note, i.demand_id, title)
        for i, e, title in session.execute(stmt)
    ]


def inventors_of(session: Session, achievement_id: int) -> list[AchievementInventor]:
    stmt = (
        select(AchievementInventor)
        .where(AchievementInventor.achievement_id == achievement_id)
        .order_by(AchievementInventor.id)
    )
    return list(session.scalars(stmt))
