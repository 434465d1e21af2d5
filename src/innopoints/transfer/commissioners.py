"""科技特派员 "一对一" 对接: a commissioner expert serves one key firm at a time, and a firm has one commissioner."""

from __future__ import annotations

from datetime import date

from sqlalchemy import select
from sqlalchemy.orm import Session

from innopoints.accounts.principal import Principal
from innopoints.adapters.db.tables import Enterprise, Expert
from innopoints.adapters.db.transfer_tables import CommissionerPairing
from innopoints.errors import UserError
from innopoints.transfer.access import require_staff
from innopoints.transfer.common import get_row, need_text


def pair(
    session: Session, principal: Principal, expert_id: int, enterprise_id: int, today: date, note: str = ""
) -> CommissionerPairing:
    require_staff(principal, "安排科技特派员")
    expert = get_row(session, Expert, expert_id, "专家")
    get_row(session, Enterprise, enterprise_id, "企业")
    if not expert.is_tech_commissioner:
        raise UserError(f"专家 #{expert_id}（{expert.name}）不是科技特派员")
    open_ = CommissionerPairing.ended_on.is_(None)
    busy = session.scalar(
        select(CommissionerPairing).where(CommissionerPairing.expert_id == expert_id, open_)
    )
    if busy is not None:
        raise UserError(
            f"科技特派员 #{expert_id} 正在服务企业 #{busy.enterprise_id}（一对一），须先结束该对接"
        )
    taken = session.scalar(
        select(CommissionerPairing).where(CommissionerPairing.enterprise_id == enterprise_id, open_)
    )
    if taken is not None:
        raise UserError(f"企业 #{enterprise_id} 已有科技特派员 #{taken.expert_id}（一对一）")
    row = CommissionerPairing(
        expert_id=expert_id, enterprise_id=enterprise_id, started_on=today, note=note.strip()
    )
    session.add(row)
    session.flush()
    return row


def end_pairing(
    session: Session, principal: Principal, pairing_id: int, today: date, note: str
) -> CommissionerPairing:
    require_staff(principal, "结束科技特派员对接")
    row = get_row(session, CommissionerPairing, pairing_id, "科技特派员对接")
    if row.ended_on is not None:
        raise UserError(f"科技特派员对接 #{pairing_id} 已于 {row.ended_on.isoformat()} 结束")
    if today < row.started_on:
        raise UserError("结束日期不能早于开始日期")
    row.ended_on = today
    row.note = (row.note + "；" if row.note else "") + need_text(note, "结束说明", 300)
    session.flush()
    return row
