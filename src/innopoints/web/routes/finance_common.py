"""Helpers shared by the 科技金融 pages and JSON API: the clock, form parsing with Chinese messages (amounts,
rates, terms, dates, the version a page displayed), display filters, chart data, loan and claim rows for
tables and exports, and the scoped list of risk-compensation claims.

Money is integer fen everywhere; forms accept ``300万``, ``1.5亿``, ``3000000.00`` (at most two decimals of
元); anything else ("12.345", "-5", "abc") is refused before a service is called, so nothing is written.
"""

from __future__ import annotations

import datetime as dt
import math
from collections.abc import Mapping
from decimal import Decimal, InvalidOperation
from typing import Any
from zoneinfo import ZoneInfo

import sqlalchemy as sa
from fastapi import Request
from fastapi.responses import HTMLResponse
from sqlalchemy.orm import Session

from innopoints.accounts import clock
from innopoints.accounts.consent import live_scope
from innopoints.accounts.context import Actor
from innopoints.accounts.errors import AccessDenied
from innopoints.accounts.roles import Role
from innopoints.adapters.db.finance_tables import RiskCompensationClaim
from innopoints.adapters.db.tables import Bank, Enterprise, Loan
from innopoints.errors import NotFound, UserError
from innopoints.finance.access import NO_CONSENT, audit_many, firm_clause, loan_clause
from innopoints.finance.claims import CLAIM_STATES
from innopoints.finance.eligibility import CHOICE_LABELS
from innopoints.finance.lifecycle import STATES, state_zh
from innopoints.finance.money import parse_amount, rate_text, wan_text, yi_text, yuan_text
from innopoints.finance.pipeline import LoanView
from innopoints.finance.products import Product, get_product, products_in_force
from innopoints.finance.schema import PRODUCT_STATUS_ZH, PRODUCT_TYPE_ZH
from innopoints.web.routes.page_helpers import synthetic
from innopoints.web.templating import render, templates

BEIJING = ZoneInfo("Asia/Shanghai")
PAGE_SIZE = 50
API_PAGE_SIZES = (20, 50, 100)
ORIGIN_ZH = {"firm": "企业申请", "bank": "银行发起"}
MAX_TEXT = 500


def now() -> dt.datetime:
    """The moment every consent check is made against (UTC; read on every request)."""
    return clock.utcnow()


def today() -> dt.date:
    """The business date (Beijing) used as the default action date and the rulebooks' ``as_of``."""
    return clock.utcnow().astimezone(BEIJING).date()


# ------------------------------------------------------------------------------------------ parsing


def amount_fen(text: str | None, what: str, *, required: bool = True) -> int | None:
    """A form amount in fen; empty is ``None`` unless required (Chinese ``UserError`` otherwise)."""
    if text is None or not str(text).strip():
        if required:
            raise UserError(f"请填写{what}（如 300万、1.5亿、3000000.00）")
        return None
    return parse_amount(str(text), what=what)


def decimal_amount_text(value: Decimal | str | int) -> str:
    """A JSON amount as text for :func:`amount_fen`: numbers are written out in full (no exponent)."""
    if isinstance(value, Decimal):
        return format(value, "f")
    return str(value)


def rate_bp(text: str | None, *, required: bool = False) -> int | None:
    """``"3.45"`` or ``"3.45%"`` → 345 basis points (exact; at most two decimals, 0–36%)."""
    if text is None or not str(text).strip():
        if required:
            raise UserError("请填写年利率（百分数，如 3.45）")
        return None
    raw = str(text).strip().removesuffix("%").strip()
    try:
        pct = Decimal(raw)
    except InvalidOperation:
        raise UserError(f"年利率应为百分数，如 3.45，收到“{text}”") from None
    if not pct.is_finite():
        raise UserError(f"年利率应为百分数，如 3.45，收到“{text}”")
    bp = pct * 100
    if bp != bp.to_integral_value():
        raise UserError(f"年利率最多两位小数（如 3.45），收到“{text}”")
    if not 0 < bp <= 3600:
        raise UserError(f"年利率须大于 0 且不超过 36%，收到“{text}”")
    return int(bp)


def term_months(text: str | None) -> int | None:
    """A loan term in whole months (1–360); empty: the product's shortest term."""
    if text is None or not str(text).strip():
        return None
    raw = str(text).strip()
    if not raw.isdigit() or not 1 <= int(raw) <= 360:
        raise UserError(f"贷款期限应为 1–360 之间的整数（月），收到“{text}”")
    return int(raw)


def business_day(text: str | None) -> dt.date:
    """The business date of an action (YYYY-MM-DD); empty: today; never in the future."""
    if text is None or not str(text).strip():
        return today()
    try:
        day = dt.date.fromisoformat(str(text).strip())
    except ValueError:
        raise UserError(f"业务日期应为 YYYY-MM-DD 格式，收到“{text}”") from None
    if day > today():
        raise UserError(f"业务日期 {day.isoformat()} 晚于今天，不能登记未来的日期")
    return day


def version(text: str | None) -> int:
    """The version of the application the page displayed (hidden form field)."""
    raw = (text or "").strip()
    if not raw.isdigit() or int(raw) < 1:
        raise UserError("表单缺少申请的版本号（页面可能已过期），请刷新页面后重试")
    return int(raw)


def record_id(text: str | None, what: str) -> int:
    raw = (text or "").strip()
    if not raw.isdigit():
        raise UserError(f"请选择{what}")
    return int(raw)


def plain_text(text: str | None, what: str) -> str:
    value = (text or "").strip()
    if len(value) > MAX_TEXT:
        raise UserError(f"{what}不超过 {MAX_TEXT} 个字符")
    return value


def page_number(page: int) -> int:
    if page < 1:
        raise UserError(f"参数 page：页码应从 1 开始，收到 {page}")
    return page


def api_page_size(page_size: int) -> int:
    if page_size not in API_PAGE_SIZES:
        raise UserError(f"参数 page_size：应为 20、50 或 100，收到“{page_size}”")
    return page_size


def pages(total: int, size: int) -> int:
    return max(1, math.ceil(total / size))


# ------------------------------------------------------------------------------------------ display


def show_value(value: Any, unit: str = "") -> str:
    """A formula input or step value with its unit: money with thousands separators, choices in Chinese."""
    if value is None:
        return "—"
    if isinstance(value, bool):
        return "是" if value else "否"
    if isinstance(value, str) and unit not in ("元", "%", "分", "倍"):
        return CHOICE_LABELS.get(value, value)
    try:
        number = Decimal(str(value))
    except InvalidOperation:
        return f"{value}{(' ' + unit) if unit else ''}"
    if unit == "元":
        text = f"{number:,.2f}".removesuffix(".00")
    else:
        text = format(number.normalize(), "f") if number == number.to_integral_value() else f"{number:f}"
    return f"{text} {unit}".rstrip()


def _maybe(fn: Any) -> Any:
    def wrapped(value: int | None, *args: Any) -> str:
        return "—" if value is None else str(fn(value, *args))

    return wrapped


templates.env.filters.update(
    fin_wan=_maybe(wan_text),
    fin_yuan=_maybe(yuan_text),
    fin_yi=_maybe(yi_text),
    fin_rate=rate_text,
    fin_value=show_value,
    fin_state=state_zh,
    fin_rule_status=lambda status: PRODUCT_STATUS_ZH.get(status, status) if status else "",
    fin_product_type=lambda kind: PRODUCT_TYPE_ZH.get(kind, kind),
)


def page(
    request: Request, session: Session, name: str, context: Mapping[str, Any], status: int = 200
) -> HTMLResponse:
    return render(request, name, dict(context), synthetic=synthetic(request, session), status_code=status)


def radar(dimensions: list[Mapping[str, Any]]) -> dict[str, Any]:
    """The five bank-side dimensions (0–100 分) as a radar chart for static/js/charts.js."""
    return {
        "kind": "radar",
        "indicators": [{"name": d["name"], "max": 100} for d in dimensions],
        "series": [{"name": "本企业得分（分）", "value": [float(d["score"]) for d in dimensions]}],
    }


def loan_products(day: dt.date, bank_name: str | None = None) -> list[Product]:
    """Loan products in force (equity tools excluded), optionally only those this bank offers."""
    return [
        p for p in products_in_force(day) if p.meta.is_loan and (bank_name is None or p.offered_by(bank_name))
    ]


def product_options(day: dt.date, bank_name: str | None = None) -> list[tuple[str, str]]:
    return [
        (
            p.id,
            f"{p.meta.name.zh}（{p.meta.min_amount.text() if p.meta.min_amount else '—'}–"
            f"{p.meta.max_amount.text() if p.meta.max_amount else '—'}）",
        )
        for p in loan_products(day, bank_name)
    ]


def state_options() -> list[tuple[str, str]]:
    return list(STATES.items())


def product_name(product_id: str) -> str:
    try:
        return get_product(product_id).meta.name.zh
    except NotFound:
        return product_id


def bank_options(session: Session) -> list[tuple[int, str]]:
    return [(int(i), str(n)) for i, n in session.execute(sa.select(Bank.id, Bank.name).order_by(Bank.name))]


def bank_name(session: Session, bank_id: int | None) -> str | None:
    if bank_id is None:
        return None
    return session.scalar(sa.select(Bank.name).where(Bank.id == bank_id))


# ------------------------------------------------------------------------------------------ loan rows


def _yuan(fen: int | None) -> str | None:
    return None if fen is None else f"{Decimal(fen) / 100:.2f}"


LOAN_COLUMNS: tuple[tuple[str, str], ...] = (
    ("id", "编号"),
    ("status_zh", "状态"),
    ("firm", "企业名称"),
    ("uscc", "统一社会信用代码"),
    ("bank", "银行"),
    ("product_name", "产品"),
    ("amount_yuan", "金额（元）"),
    ("requested_yuan", "申请金额（元）"),
    ("suggested_yuan", "申请时建议额度（元）"),
    ("rate", "年利率"),
    ("term_months", "期限（月）"),
    ("origin_zh", "发起方"),
    ("applied_on", "申请日期"),
    ("decided_on", "审批日期"),
    ("disbursed_on", "放款日期"),
    ("due_on", "到期日期"),
    ("decision_reason", "审批意见"),
    ("version", "版本"),
)


def loan_export_row(view: LoanView) -> dict[str, Any]:
    return {
        "id": view.id,
        "status_zh": state_zh(view.status),
        "firm": view.firm,
        "uscc": view.uscc,
        "bank": view.bank,
        "product_name": view.product,
        "amount_yuan": _yuan(view.amount_fen),
        "requested_yuan": _yuan(view.requested_fen),
        "suggested_yuan": _yuan(view.suggested_fen),
        "rate": rate_text(view.rate_bp),
        "term_months": view.term_months,
        "origin_zh": ORIGIN_ZH.get(view.origin, view.origin),
        "applied_on": view.dates.get("applied_on"),
        "decided_on": view.dates.get("decided_on"),
        "disbursed_on": view.dates.get("disbursed_on"),
        "due_on": view.dates.get("due_on"),
        "decision_reason": view.decision_reason,
        "version": view.version,
    }


# ------------------------------------------------------------------------------------------ claims

CLAIM_COLUMNS: tuple[tuple[str, str], ...] = (
    ("id", "申请编号"),
    ("status_zh", "状态"),
    ("loan_id", "贷款编号"),
    ("firm", "企业名称"),
    ("uscc", "统一社会信用代码"),
    ("bank", "银行"),
    ("product", "产品"),
    ("loan_yuan", "贷款金额（元）"),
    ("outstanding_yuan", "未偿本金（元）"),
    ("share", "补偿比例"),
    ("claimed_yuan", "补偿金额（元）"),
    ("submitted_on", "申请日期"),
    ("decided_on", "审核日期"),
    ("paid_on", "拨付日期"),
    ("decision_reason", "审核意见"),
    ("version", "版本"),
)


def claim_rows(
    session: Session,
    actor: Actor,
    *,
    at: dt.datetime,
    status: str | None = None,
    claim_id: int | None = None,
    limit: int = 10_000,
) -> list[dict[str, Any]]:
    """The risk-compensation claims on the loans the actor may see (banks: their own, consent live;
    officers: their district or park; admin: all), newest first. The firms shown are audited."""
    if status is not None and status not in CLAIM_STATES:
        raise UserError(f"参数 status：未知状态“{status}”，应为 {'、'.join(CLAIM_STATES)}")
    c = RiskCompensationClaim
    query = (
        sa.select(c, Loan, Bank.name, Enterprise)
        .join(Loan, Loan.id == c.loan_id)
        .join(Bank, Bank.id == Loan.bank_id)
        .join(Enterprise, Enterprise.id == Loan.enterprise_id)
        .where(loan_clause(actor.principal, at))
    )
    if status is not None:
        query = query.where(c.status == status)
    if claim_id is not None:
        query = query.where(c.id == claim_id)
    rows = session.execute(query.order_by(c.id.desc()).limit(limit)).all()
    firms = sorted({firm.id for _claim, _loan, _bank, firm in rows})
    out: list[dict[str, Any]] = [
        {
            "id": claim.id,
            "status": claim.status,
            "status_zh": CLAIM_STATES.get(claim.status, claim.status),
            "loan_id": loan.id,
            "enterprise_id": firm.id,
            "firm": firm.name,
            "uscc": firm.uscc,
            "bank": bank,
            "product": product_name(loan.product_id),
            "loan_fen": loan.amount_fen,
            "loan_yuan": _yuan(loan.amount_fen),
            "outstanding_fen": claim.outstanding_fen,
            "outstanding_yuan": _yuan(claim.outstanding_fen),
            "share": f"{Decimal(claim.share_bp) / 100:.2f}%",
            "claimed_fen": claim.claimed_fen,
            "claimed_yuan": _yuan(claim.claimed_fen),
            "claimed": wan_text(claim.claimed_fen),
            "submitted_on": claim.submitted_on,
            "decided_on": claim.decided_on,
            "paid_on": claim.paid_on,
            "decision_reason": claim.decision_reason,
            "version": claim.version,
        }
        for claim, loan, bank, firm in rows
    ]
    audit_many(
        session,
        actor,
        "view_finance",
        firms,
        "风险补偿申请列表",
        at,
    )
    return out


def claim_json(row: Mapping[str, Any]) -> dict[str, Any]:
    return {k: v for k, v in row.items() if k != "enterprise_id"}


# ------------------------------------------------------------------------------------------ guards


def guard_firm(session: Session, actor: Actor, uscc: str, at: dt.datetime) -> Enterprise:
    """The firm, after the same consent / scope check the services make (403 before any input is parsed,
    so a bank without a live consent learns nothing, not even whether its form was valid). No audit here:
    the service called next audits the read."""
    code = uscc.strip().upper()
    firm = session.scalar(sa.select(Enterprise).where(Enterprise.uscc == code))
    if firm is None:
        raise NotFound(f"未找到企业 {code} (no such enterprise)")
    p = actor.principal
    if p.role is Role.BANK:
        if p.bank_id is None or not live_scope(session, p.bank_id, firm.id, at):
            raise AccessDenied(NO_CONSENT)
    elif not session.scalar(
        sa.select(sa.func.count()).select_from(Enterprise).where(Enterprise.id == firm.id, firm_clause(p, at))
    ):
        raise AccessDenied("该企业不在您的数据范围内")
    return firm


def guard_loan(session: Session, actor: Actor, loan_id: int, at: dt.datetime) -> None:
    """404 for an unknown loan, 403 for one outside the actor's scope (banks: consent live)."""
    bank = session.scalar(sa.select(Loan.bank_id).where(Loan.id == loan_id))
    if bank is None:
        raise NotFound(f"贷款 #{loan_id} 不存在")
    visible = session.scalar(
        sa.select(sa.func.count())
        .select_from(Loan)
        .join(Enterprise, Enterprise.id == Loan.enterprise_id)
        .where(Loan.id == loan_id, loan_clause(actor.principal, at))
    )
    if not visible:
        p = actor.principal
        if p.role is Role.BANK and p.bank_id == bank:
            raise AccessDenied(NO_CONSENT)
        raise AccessDenied(f"无权查看贷款 #{loan_id}")
