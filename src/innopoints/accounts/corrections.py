"""Data corrections: a firm proposes a new value for one panel field; an officer in scope approves or rejects.

Approval appends a panel revision (source ``self_reported``, reference ``更正申请 #id``) so the history keeps both
the old and the corrected value; nothing is overwritten.
"""

from __future__ import annotations

from datetime import datetime
from decimal import Decimal, InvalidOperation

import sqlalchemy as sa
from sqlalchemy.orm import Session

from innopoints.accounts.access import can_read_enterprise, require
from innopoints.accounts.clock import utcnow
from innopoints.accounts.errors import AccessDenied, AccountError
from innopoints.accounts.principal import Principal
from innopoints.adapters.db import panel_repo
from innopoints.adapters.db.accounts_tables import DataCorrection
from innopoints.adapters.db.tables import Enterprise, panel_revision
from innopoints.registry.panel import PanelValue
from innopoints.registry.panel_fields import from_scaled, panel_fields, to_scaled

STATUS_LABELS = {"pending": "待审核", "approved": "已采纳", "rejected": "已驳回"}
MIN_YEAR, MAX_YEAR = 2000, 2100


def parse_value(field: str, raw: str) -> Decimal:
    spec = panel_fields().get(field)
    if spec is None:
        raise AccountError(f"指标“{field}”不存在")
    try:
        value = Decimal(raw.strip().replace(",", ""))
    except (InvalidOperation, AttributeError):
        raise AccountError(f"{spec.name_zh}：应为数字（单位 {spec.unit}），收到“{raw}”") from None
    if not value.is_finite():
        raise AccountError(f"{spec.name_zh}：应为有限数字")
    if spec.min is not None and value < spec.min:
        raise AccountError(f"{spec.name_zh}：不能小于 {spec.min} {spec.unit}")
    if spec.kind == "count" and value != value.to_integral_value():
        raise AccountError(f"{spec.name_zh}：应为整数")
    if value * 100 != (value * 100).to_integral_value():
        raise AccountError(f"{spec.name_zh}：最多两位小数")
    return value


def submit(
    session: Session,
    principal: Principal,
    *,
    year: int,
    field: str,
    raw_value: str,
    reason: str,
    now: datetime | None = None,
) -> DataCorrection:
    require(principal, "corrections.submit")
    assert principal.enterprise_id is not None
    if not MIN_YEAR <= year <= MAX_YEAR:
        raise AccountError(f"年度应在 {MIN_YEAR}–{MAX_YEAR} 之间，收到 {year}")
    value = parse_value(field, raw_value)
    reason = reason.strip()
    if not reason or len(reason) > 1000:
        raise AccountError("请填写更正理由（不超过 1000 字）")
    current = panel_repo.current_values(session, [principal.enterprise_id]).get(
        (principal.enterprise_id, year, field)
    )
    row = DataCorrection(
        enterprise_id=principal.enterprise_id,
        year=year,
        field=field,
        current_value=None if current is None else to_scaled(current.value),
        proposed_value=to_scaled(value),
        reason=reason,
        status="pending",
        submitted_by=principal.user_id,
        submitted_at=now or utcnow(),
    )
    session.add(row)
    session.flush()
    return row


def visible_corrections(
    session: Session, principal: Principal, status: str | None = None
) -> list[DataCorrection]:
    """Corrections of the firms in the principal's scope (a firm sees its own)."""
    from innopoints.accounts.access import enterprise_scope_clause

    query = sa.select(DataCorrection).join(Enterprise, Enterprise.id == DataCorrection.enterprise_id)
    query = query.where(enterprise_scope_clause(principal))
    if status:
        query = query.where(DataCorrection.status == status)
    return list(session.scalars(query.order_by(DataCorrection.id.desc()).limit(500)))


def review(
    session: Session,
    principal: Principal,
    correction_id: int,
    *,
    approve: bool,
    note: str,
    now: datetime | None = None,
) -> DataCorrection:
    require(principal, "corrections.review")
    row = session.get(DataCorrection, correction_id)
    if row is None:
        raise AccountError(f"更正申请 {correction_id} 不存在")
    enterprise = session.get(Enterprise, row.enterprise_id)
    if enterprise is None or not can_read_enterprise(session, principal, enterprise):
        raise AccessDenied("该企业不在您的数据范围内")
    if row.status != "pending":
        raise AccountError(f"更正申请 {correction_id} 已{STATUS_LABELS[row.status]}，不能重复审核")
    note = note.strip()
    if not approve and not note:
        raise AccountError("驳回时须填写理由")
    now = now or utcnow()
    row.status = "approved" if approve else "rejected"
    row.reviewed_by = principal.user_id
    row.reviewed_at = now
    row.review_note = note or None
    if approve:
        panel_repo.append_values(
            session,
            [PanelValue(row.enterprise_id, row.year, row.field, from_scaled(row.proposed_value))],
            source="self_reported",
            source_ref=f"更正申请 #{row.id}",
            recorded_by=principal.username,
            recorded_at=now,
        )
        revision = panel_revision.c
        row.revision_id = session.scalar(
            sa.select(sa.func.max(revision.id)).where(
                revision.enterprise_id == row.enterprise_id,
                revision.year == row.year,
                revision.source_ref == f"更正申请 #{row.id}",
            )
        )
    return row
