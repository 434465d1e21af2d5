"""Data corrections as rows for pages and exports (firm name, field name and unit, values in 元 or the field's
unit), and the officer's review with its audit event."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal

import sqlalchemy as sa
from sqlalchemy.orm import Session

from innopoints.accounts import audit, corrections
from innopoints.accounts.access import require
from innopoints.accounts.errors import AccountError
from innopoints.accounts.principal import Principal
from innopoints.adapters.db.accounts_tables import DataCorrection, UserAccount
from innopoints.adapters.db.tables import Enterprise
from innopoints.registry.panel_fields import from_scaled, panel_fields

STATUSES = tuple(corrections.STATUS_LABELS)


@dataclass(frozen=True)
class CorrectionRow:
    id: int
    uscc: str
    enterprise_name: str
    year: int
    field: str
    field_name: str
    unit: str
    current_value: Decimal | None
    proposed_value: Decimal
    reason: str
    status: str
    status_label: str
    submitted_at: datetime
    submitted_by: str
    reviewed_at: datetime | None
    reviewed_by: str | None
    review_note: str | None


def value_text(value: Decimal | None, unit: str) -> str:
    """``1,860,000.50 元`` / ``120 人``; ``—`` when absent."""
    if value is None:
        return "—"
    if unit == "元":
        return f"{value.quantize(Decimal('0.01')):,} 元"
    number = f"{int(value):,}" if value == value.to_integral_value() else f"{value.normalize():,f}"
    return f"{number} {unit}"


def correction_rows(session: Session, principal: Principal, status: str | None = None) -> list[CorrectionRow]:
    """The corrections the principal may see (a firm its own, an officer those in scope), newest first."""
    if status and status not in STATUSES:
        raise AccountError(f"状态应为 {'、'.join(STATUSES)} 之一，收到“{status}”")
    found = corrections.visible_corrections(session, principal, status or None)
    if not found:
        return []
    firms = dict(
        (i, (u, n))
        for i, u, n in session.execute(
            sa.select(Enterprise.id, Enterprise.uscc, Enterprise.name).where(
                Enterprise.id.in_({c.enterprise_id for c in found})
            )
        )
    )
    user_ids = {c.submitted_by for c in found} | {c.reviewed_by for c in found if c.reviewed_by}
    users = dict(
        session.execute(
            sa.select(UserAccount.id, UserAccount.display_name).where(UserAccount.id.in_(user_ids))
        ).all()
    )
    specs = panel_fields()
    out = []
    for c in found:
        spec = specs.get(c.field)
        uscc, name = firms.get(c.enterprise_id, ("", ""))
        out.append(
            CorrectionRow(
                id=c.id,
                uscc=uscc,
                enterprise_name=name,
                year=c.year,
                field=c.field,
                field_name=spec.name_zh if spec else c.field,
                unit=spec.unit if spec else "",
                current_value=None if c.current_value is None else from_scaled(c.current_value),
                proposed_value=from_scaled(c.proposed_value),
                reason=c.reason,
                status=c.status,
                status_label=corrections.STATUS_LABELS.get(c.status, c.status),
                submitted_at=c.submitted_at,
                submitted_by=users.get(c.submitted_by, ""),
                reviewed_at=c.reviewed_at,
                reviewed_by=users.get(c.reviewed_by) if c.reviewed_by else None,
                review_note=c.review_note,
            )
        )
    return out


def review_and_audit(
    session: Session,
    principal: Principal,
    correction_id: int,
    *,
    approve: bool,
    note: str,
    channel: str,
    path: str,
) -> DataCorrection:
    """Approve or reject (``corrections.review`` checks role and scope), and write the audit event."""
    require(principal, "corrections.review")
    row = corrections.review(session, principal, correction_id, approve=approve, note=note)
    audit.record(
        session,
        principal,
        "review_correction",
        enterprise_id=row.enterprise_id,
        channel=channel,
        path=path,
        detail=f"更正申请 #{row.id}：{'采纳' if approve else '驳回'}",
    )
    return row


EXPORT_COLUMNS: tuple[tuple[str, str], ...] = (
    ("id", "申请编号"),
    ("uscc", "统一社会信用代码"),
    ("enterprise_name", "企业名称"),
    ("year", "年度"),
    ("field_name", "指标"),
    ("unit", "单位"),
    ("current_value", "原值"),
    ("proposed_value", "申请值"),
    ("reason", "更正理由"),
    ("status_label", "状态"),
    ("submitted_by", "提交人"),
    ("submitted_at", "提交时间"),
    ("reviewed_by", "审核人"),
    ("reviewed_at", "审核时间"),
    ("review_note", "审核意见"),
)


def export_row(row: CorrectionRow) -> dict[str, object]:
    return {key: getattr(row, key) for key, _ in EXPORT_COLUMNS}
