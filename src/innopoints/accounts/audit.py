"""The audit log: every read of a firm's data by anyone other than the firm itself, append-only.

Events are queued on the session and inserted in one statement when it commits (``before_commit``), and
dropped if it rolls back. A read request therefore takes SQLite's write lock only for the commit itself,
not while the page is rendered, and a failed request leaves no event for a read that did not happen.
Web requests that change nothing (GET) hand their events to ``audit_writer.AuditWriter`` instead, which
commits the events of concurrent requests together before each page is sent.
"""

from __future__ import annotations

from datetime import datetime

import sqlalchemy as sa
from sqlalchemy import event
from sqlalchemy.orm import Session

from innopoints.accounts.clock import utcnow
from innopoints.accounts.principal import Principal
from innopoints.adapters.db.accounts_tables import AuditEvent

ACTION_LABELS: dict[str, str] = {
    "view_enterprise": "查看企业详情",
    "view_profile": "查看企业画像",
    "view_points": "查看创新积分",
    "export_profile": "导出企业画像 PDF",
    "export_list": "导出企业列表",
    "list_enterprises": "查询企业列表",
    "view_finance": "查看融资评价",
    "review_correction": "审核数据更正",
}


def record(
    session: Session,
    principal: Principal,
    action: str,
    *,
    enterprise_id: int | None,
    channel: str,
    path: str,
    detail: str = "",
    now: datetime | None = None,
) -> None:
    """Write one audit event, unless the reader is the firm reading itself."""
    if enterprise_id is not None and principal.is_firm(enterprise_id):
        return
    _queue(session).append(
        {
            "at": now or utcnow(),
            "user_id": principal.user_id or None,  # 0: the CLI or a system job, not a stored user
            "actor": f"{principal.display_name}（{principal.username}）",
            "role": principal.role.value,
            "action": action,
            "enterprise_id": enterprise_id,
            "channel": channel,
            "path": path[:300],
            "detail": detail,
        }
    )


def events_for_enterprise(session: Session, enterprise_id: int, limit: int = 200) -> list[AuditEvent]:
    write_pending(session)
    return list(
        session.scalars(
            sa.select(AuditEvent)
            .where(AuditEvent.enterprise_id == enterprise_id)
            .order_by(AuditEvent.at.desc(), AuditEvent.id.desc())
            .limit(limit)
        )
    )


def recent_events(session: Session, limit: int = 200, offset: int = 0) -> list[AuditEvent]:
    write_pending(session)
    return list(
        session.scalars(sa.select(AuditEvent).order_by(AuditEvent.id.desc()).limit(limit).offset(offset))
    )


def record_many(
    session: Session,
    principal: Principal,
    action: str,
    enterprise_ids: list[int],
    *,
    channel: str,
    path: str,
    detail: str = "",
    now: datetime | None = None,
) -> None:
    """One event per firm seen (a list page or an export), in one bulk insert; the firm's own reads skipped."""
    at = now or utcnow()
    actor = f"{principal.display_name}（{principal.username}）"
    rows: list[dict[str, object]] = [
        {
            "at": at,
            "user_id": principal.user_id or None,
            "actor": actor,
            "role": principal.role.value,
            "action": action,
            "enterprise_id": firm,
            "channel": channel,
            "path": path[:300],
            "detail": detail,
        }
        for firm in enterprise_ids
        if not principal.is_firm(firm)
    ]
    _queue(session).extend(rows)


_PENDING = "innopoints_pending_audit"


def _queue(session: Session) -> list[dict[str, object]]:
    queue: list[dict[str, object]] = session.info.setdefault(_PENDING, [])
    return queue


def take_pending(session: Session) -> list[dict[str, object]]:
    """Remove the queued events from the session and return them (for ``AuditWriter``)."""
    rows: list[dict[str, object]] = session.info.pop(_PENDING, None) or []
    return rows


def write_pending(session: Session) -> int:
    """Insert the queued events now (inside the session's transaction); return how many."""
    rows = session.info.pop(_PENDING, None)
    if rows:
        session.execute(sa.insert(AuditEvent), rows)
    return len(rows or ())


@event.listens_for(Session, "before_commit")
def _write_on_commit(session: Session) -> None:
    write_pending(session)


@event.listens_for(Session, "after_rollback")
def _drop_on_rollback(session: Session) -> None:
    session.info.pop(_PENDING, None)
