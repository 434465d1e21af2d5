"""Who looks after a pool firm and what they did: assignments of district officers (区县专员) and
科技特派员 (one commissioner serves at most one firm at a time), and append-only follow-up records."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, date, datetime
from typing import Literal

from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from innopoints.adapters.db import cultivation_repo as repo
from innopoints.adapters.db.cultivation_tables import PoolAssignment, PoolFollowUp
from innopoints.errors import NotFound, UserError

Role = Literal["officer", "commissioner"]
FollowUpKind = Literal["visit", "service", "outcome"]
ROLE_ZH = {"officer": "区县专员", "commissioner": "科技特派员"}
FOLLOW_UP_ZH = {"visit": "走访", "service": "服务", "outcome": "成效"}


def _require_firm(session: Session, uscc: str) -> None:
    if not repo.enterprise_exists(session, uscc):
        raise NotFound(f"企业 {uscc} 不存在 (enterprise not found)")


def assign(
    session: Session, uscc: str, role: Role, person_id: str, person_name: str, started_on: date
) -> PoolAssignment:
    """Assign a person to a firm. A firm has at most one active person per role; a 科技特派员 serves at
    most one firm at a time (checked here with a clear message, and enforced by unique partial indexes)."""
    _require_firm(session, uscc)
    if role not in ROLE_ZH:
        raise UserError(
            f"角色须为 officer 或 commissioner (role must be officer or commissioner), got {role}"
        )
    for current in repo.active_assignments(session, uscc=uscc):
        if current.role == role:
            raise UserError(
                f"企业 {uscc} 已有{ROLE_ZH[role]} {current.person_name}（{current.person_id}），请先结束该指派 "
                "(the firm already has an active person in this role: end it first)"
            )
    if role == "commissioner":
        for current in repo.active_assignments(session, person_id=person_id):
            if current.role == "commissioner":
                raise UserError(
                    f"科技特派员 {person_name}（{person_id}）正在服务企业 {current.uscc}，一名特派员同一时间只能服务一家企业 "
                    "(a commissioner serves one firm at a time)"
                )
    row = PoolAssignment(
        uscc=uscc,
        role=role,
        person_id=person_id,
        person_name=person_name,
        started_on=started_on,
        ended_on=None,
        created_at=datetime.now(UTC),
    )
    session.add(row)
    try:
        session.flush()
    except IntegrityError as exc:  # a concurrent assignment won the race
        raise UserError(f"指派冲突，请重试 (assignment conflict: {ROLE_ZH[role]} already active)") from exc
    return row


def end_assignment(session: Session, uscc: str, role: Role, ended_on: date) -> PoolAssignment:
    for current in repo.active_assignments(session, uscc=uscc):
        if current.role == role:
            if ended_on < current.started_on:
                raise UserError(f"结束日期 {ended_on} 早于开始日期 {current.started_on} (end before start)")
            current.ended_on = ended_on
            session.flush()
            return current
    raise NotFound(f"企业 {uscc} 没有在任的{ROLE_ZH.get(role, role)} (no active assignment in this role)")


@dataclass(frozen=True)
class FollowUpInput:
    uscc: str
    kind: FollowUpKind
    occurred_on: date
    summary: str
    recorded_by: str


def record_follow_up(session: Session, item: FollowUpInput, today: date | None = None) -> PoolFollowUp:
    """Append a dated follow-up (visit / service delivered / outcome). Records are never edited."""
    _require_firm(session, item.uscc)
    if item.kind not in FOLLOW_UP_ZH:
        raise UserError(f"跟进类型须为 visit / service / outcome (kind), got {item.kind}")
    if not item.summary.strip():
        raise UserError("跟进内容不能为空 (summary is required)")
    if item.occurred_on > (today or date.today()):
        raise UserError(f"跟进日期 {item.occurred_on} 在未来 (follow-up date is in the future)")
    active = [a for a in repo.active_assignments(session, uscc=item.uscc) if a.started_on <= item.occurred_on]
    by_recorder = [a for a in active if item.recorded_by in (a.person_id, a.person_name)]
    candidates = by_recorder or active
    link = candidates[0] if candidates else None
    row = PoolFollowUp(
        uscc=item.uscc,
        assignment_id=None if link is None else link.id,
        occurred_on=item.occurred_on,
        kind=item.kind,
        summary=item.summary.strip(),
        recorded_by=item.recorded_by,
        created_at=datetime.now(UTC),
    )
    session.add(row)
    session.flush()
    return row
