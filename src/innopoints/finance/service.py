"""Finance read services for banks, firms and officers: one firm's evaluation, a bank's list of consenting
firms (search, page, export) with points, profile and product matches. Scope and audit on every call."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

import sqlalchemy as sa
from sqlalchemy.orm import Session

from innopoints.accounts.consent import live_scope
from innopoints.accounts.context import Actor
from innopoints.accounts.roles import Role
from innopoints.adapters.db.accounts_tables import BankConsent
from innopoints.adapters.db.tables import Enterprise, NegativeRecord
from innopoints.errors import NotFound, UserError
from innopoints.finance.access import EVALUATION_PARTS, audit_many, firm_clause, require_firm, require_roles
from innopoints.finance.evaluate import FirmEvaluation, evaluate_row
from innopoints.finance.facts import RoundInfo, round_facts, round_info
from innopoints.finance.money import wan_text
from innopoints.region import Region

EXPORT_COLUMNS = [
    ("uscc", "统一社会信用代码"),
    ("name", "企业名称"),
    ("district", "所在区县"),
    ("cluster", "产业集群"),
    ("points", "创新积分（分）"),
    ("percentile", "全市百分位（%）"),
    ("ladder_stage", "梯度培育阶段"),
    ("composite_score", "综合评价（分）"),
    ("matched", "符合条件的产品"),
    ("best_line_yuan", "最高建议额度（元）"),
    ("consent_expires", "授权到期"),
]


def _firm(session: Session, uscc: str) -> Enterprise:
    firm = session.scalar(sa.select(Enterprise).where(Enterprise.uscc == uscc.strip().upper()))
    if firm is None:
        raise NotFound(f"未找到企业 {uscc} (no such enterprise)")
    return firm


def _late_negatives(session: Session, firm_id: int, rnd: RoundInfo) -> int:
    n = NegativeRecord
    return (
        session.scalar(
            sa.select(sa.func.count()).where(
                n.enterprise_id == firm_id, n.created_at > rnd.created_at, n.cleared_on.is_(None)
            )
        )
        or 0
    )


def evaluate_firm(
    session: Session,
    actor: Actor,
    uscc: str,
    *,
    round_id: int | None,
    as_of: dt.date,
    now: dt.datetime,
    region: str = "shenyang",
) -> FirmEvaluation:
    """Five dimensions, product eligibility and suggested lines of one firm in a round (latest by default)."""
    firm = _firm(session, uscc)
    rnd = round_info(session, round_id)
    require_firm(
        session,
        actor,
        firm,
        action="view_finance",
        parts=EVALUATION_PARTS,
        detail=f"融资评价（批次 {rnd.id}）",
        now=now,
    )
    frame = round_facts(session, rnd, [firm.id])
    if frame.is_empty():
        raise NotFound(f"企业 {firm.uscc} 不在积分评价批次 {rnd.id} 中 (firm not in the round)")
    result = evaluate_row(frame.row(0, named=True), rnd, as_of, region)
    late = _late_negatives(session, firm.id, rnd)
    if late:
        result.warnings.append(f"批次冻结后新增负面记录 {late} 条，未计入本评价，请人工复核")
    return result


@dataclass
class FirmRow:
    enterprise_id: int
    uscc: str
    name: str
    district: str
    cluster: str
    scope: set[str]
    consent_expires: dt.datetime | None
    points: Any = None
    percentile: Any = None
    ladder_stage: str | None = None
    composite: Any = None
    matched: list[str] | None = None
    best_line_fen: int | None = None

    def export_row(self, region: Region) -> dict[str, Any]:
        return {
            "uscc": self.uscc,
            "name": self.name,
            "district": region.district_name(self.district),
            "cluster": region.cluster_name(self.cluster),
            "points": self.points,
            "percentile": self.percentile,
            "ladder_stage": self.ladder_stage,
            "composite_score": self.composite,
            "matched": "、".join(self.matched or []),
            "best_line_yuan": None if self.best_line_fen is None else f"{self.best_line_fen / 100:.2f}",
            "consent_expires": self.consent_expires.date().isoformat() if self.consent_expires else None,
        }

    def as_dict(self, region: Region) -> dict[str, Any]:
        out = self.export_row(region)
        out["consent_scope"] = sorted(self.scope)
        out["best_line"] = None if self.best_line_fen is None else wan_text(self.best_line_fen)
        out["matched"] = self.matched
        return out


@dataclass
class FirmPage:
    total: int
    rows: list[FirmRow]
    round_id: int | None


def _search(text: str | None) -> list[sa.ColumnElement[bool]]:
    if not text or not text.strip():
        return []
    q = text.strip()
    if len(q) > 60:
        raise UserError("搜索文字不超过 60 个字符")
    escaped = q.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
    return [
        sa.or_(
            Enterprise.name.like(f"%{escaped}%", escape="\\"),
            Enterprise.uscc.like(f"{escaped.upper()}%", escape="\\"),
        )
    ]


def bank_firms(
    session: Session,
    actor: Actor,
    *,
    now: dt.datetime,
    as_of: dt.date,
    search: str | None = None,
    round_id: int | None = None,
    limit: int = 50,
    offset: int = 0,
    with_products: bool = True,
    audit_action: str = "list_enterprises",
) -> FirmPage:
    """The firms the actor may see for finance (a bank: live consents only), with points and matches."""
    require_roles(actor.principal, "查看融资企业列表", Role.BANK, Role.OFFICER)
    where = [firm_clause(actor.principal, now), *_search(search)]
    total = session.scalar(sa.select(sa.func.count()).select_from(Enterprise).where(*where)) or 0
    query = sa.select(Enterprise).where(*where).order_by(Enterprise.id)
    if limit > 0:
        query = query.limit(limit).offset(offset)
    firms = list(session.scalars(query))
    rows = [FirmRow(f.id, f.uscc, f.name, f.district_code, f.cluster_id, set(), None) for f in firms]
    bank_id = actor.principal.bank_id if actor.principal.role is Role.BANK else None
    for row in rows:
        row.scope = (
            live_scope(session, bank_id, row.enterprise_id, now)
            if bank_id is not None
            else set(EVALUATION_PARTS)
        )
        if bank_id is not None:
            row.consent_expires = session.scalar(
                sa.select(sa.func.max(BankConsent.expires_at)).where(
                    BankConsent.bank_id == bank_id,
                    BankConsent.enterprise_id == row.enterprise_id,
                    BankConsent.revoked_at.is_(None),
                    BankConsent.expires_at > now,
                )
            )
    rid = _fill_round(session, rows, round_id, as_of, with_products)
    audit_many(
        session, actor, audit_action, [r.enterprise_id for r in rows], f"融资企业列表（{len(rows)} 家）", now
    )
    return FirmPage(total, rows, rid)


def _fill_round(
    session: Session, rows: list[FirmRow], round_id: int | None, as_of: dt.date, with_products: bool
) -> int | None:
    if not rows:
        return round_id
    try:
        rnd = round_info(session, round_id)
    except NotFound:
        if round_id is not None:
            raise
        return None
    frame = round_facts(session, rnd, [r.enterprise_id for r in rows])
    by_id = {int(r["enterprise_id"]): r for r in frame.iter_rows(named=True)}
    for row in rows:
        facts = by_id.get(row.enterprise_id)
        if facts is None or "points" not in row.scope:
            continue
        row.points = Decimal(facts["points"]) / 100
        row.percentile = Decimal(facts["percentile"]) / 100
        row.ladder_stage = facts["ladder_stage"]
        if with_products and set(EVALUATION_PARTS) <= row.scope:
            result = evaluate_row(facts, rnd, as_of)
            row.composite = result.dims.composite
            matched = result.matched()
            row.matched = [m.product.meta.name.zh for m in matched]
            lines = [m.line.amount_fen for m in matched if m.line.amount_fen]
            row.best_line_fen = max(lines) if lines else None
    return rnd.id


def export_bank_firms(
    session: Session,
    actor: Actor,
    region: Region,
    *,
    fmt: str,
    now: dt.datetime,
    as_of: dt.date,
    search: str | None = None,
    round_id: int | None = None,
) -> bytes:
    """The whole list within the actor's scope as CSV (UTF-8 with BOM) or XLSX; every firm written is audited."""
    from innopoints.registry.exporting import export_rows

    if fmt not in ("csv", "xlsx"):
        raise UserError(f"参数 format：导出格式只能是 csv 或 xlsx，收到“{fmt}” (unknown export format)")
    page = bank_firms(
        session,
        actor,
        now=now,
        as_of=as_of,
        search=search,
        round_id=round_id,
        limit=0,
        audit_action="export_list",
    )
    return export_rows(
        EXPORT_COLUMNS, [r.export_row(region) for r in page.rows], "xlsx" if fmt == "xlsx" else "csv"
    )
