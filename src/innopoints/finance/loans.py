"""Loan services: apply (by the firm or started by the bank), act on an application or loan, read the
pipeline. Every call takes the acting principal (``Actor``) and checks role, consent and scope here.

Concurrency: ``loan.version`` is SQLAlchemy's optimistic lock (``UPDATE … WHERE id = ? AND version = ?``);
when two officers act on the same application at once, the second write matches no row and the service
raises :class:`LoanConflict` (HTTP 409) instead of silently overwriting. A caller may also pass the version
it displayed (``expected_version``) so a decision taken on a stale page is refused.
"""

from __future__ import annotations

import datetime as dt

import sqlalchemy as sa
from sqlalchemy.exc import OperationalError
from sqlalchemy.orm import Session
from sqlalchemy.orm.exc import StaleDataError

from innopoints.accounts.consent import live_scope
from innopoints.accounts.context import Actor
from innopoints.accounts.errors import AccessDenied
from innopoints.accounts.roles import Role
from innopoints.adapters.db.finance_tables import LoanEvent
from innopoints.adapters.db.tables import Bank, Enterprise, Loan
from innopoints.errors import NotFound, UserError
from innopoints.finance.access import bank_id_of, require_firm
from innopoints.finance.lifecycle import Action, check_transition, get_action, state_zh
from innopoints.finance.money import wan_text
from innopoints.finance.products import Product, get_product

MAX_REASON = 500
_DATE_COLUMNS = (
    "applied_on",
    "reviewed_on",
    "decided_on",
    "withdrawn_on",
    "disbursed_on",
    "overdue_on",
    "repaid_on",
    "defaulted_on",
)


class LoanConflict(UserError):
    """Someone else changed the application first (HTTP 409)."""

    exit_code = 4


def _firm_by_uscc(session: Session, uscc: str) -> Enterprise:
    firm = session.scalar(sa.select(Enterprise).where(Enterprise.uscc == uscc.strip().upper()))
    if firm is None:
        raise NotFound(f"未找到企业 {uscc} (no such enterprise)")
    return firm


def _bank(session: Session, bank_id: int) -> Bank:
    bank = session.get(Bank, bank_id)
    if bank is None:
        raise NotFound(f"银行 {bank_id} 不存在 (no such bank)")
    return bank


def _check_terms(product: Product, amount_fen: int, term_months: int, on: dt.date, bank: Bank) -> None:
    m = product.meta
    if not m.is_loan:
        raise UserError(f"“{m.name.zh}”为股权类支持，按项目评审，不通过贷款申请办理")
    if not m.in_force(on):
        raise UserError(f"产品“{m.name.zh}”在 {on.isoformat()} 不在办理期内")
    if not product.offered_by(bank.name):
        raise UserError(f"{bank.name} 不办理产品“{m.name.zh}”（办理银行：{'、'.join(m.banks)}）")
    if m.min_amount is not None and amount_fen < m.min_amount.fen:
        raise UserError(f"申请金额 {wan_text(amount_fen)} 低于产品最低额度 {m.min_amount.text()}")
    if m.max_amount is not None and amount_fen > m.max_amount.fen:
        raise UserError(f"申请金额 {wan_text(amount_fen)} 超过产品最高额度 {m.max_amount.text()}")
    assert m.term is not None
    if not m.term.min_months <= term_months <= m.term.max_months:
        raise UserError(f"贷款期限 {term_months} 个月不在产品期限 {m.term.text()}之内")


def _event(
    session: Session,
    loan: Loan,
    actor: Actor,
    before: str | None,
    now: dt.datetime,
    on: dt.date,
    reason: str = "",
) -> None:
    p = actor.principal
    session.add(
        LoanEvent(
            loan_id=loan.id,
            from_status=before,
            to_status=loan.status,
            happened_on=on,
            at=now,
            user_id=p.user_id or None,
            actor=f"{p.display_name}（{p.username}）",
            amount_fen=loan.amount_fen,
            reason=reason,
        )
    )


def _suggested(
    session: Session, firm: Enterprise, product: Product, on: dt.date, round_id: int | None
) -> tuple[int | None, int | None]:
    """The product's suggested line for the firm in the round (latest by default); (None, None) without one."""
    from innopoints.finance.credit_line import compute_line
    from innopoints.finance.dimensions import evaluate_dimensions
    from innopoints.finance.eligibility import check_product
    from innopoints.finance.evaluation_book import load_evaluation_book
    from innopoints.finance.facts import round_facts, round_info

    try:
        rnd = round_info(session, round_id)
    except NotFound:
        if round_id is not None:
            raise
        return None, None
    frame = round_facts(session, rnd, [firm.id])
    if frame.is_empty():
        return None, rnd.id
    row = frame.row(0, named=True)
    eb = load_evaluation_book()
    dims = evaluate_dimensions(eb, row, on)
    line = compute_line(eb, dims, product, check_product(product, row, dims.facts(), on))
    return line.formula_amount_fen, rnd.id


def apply_for_loan(
    session: Session,
    actor: Actor,
    *,
    bank_id: int | None,
    uscc: str | None,
    product_id: str,
    amount_fen: int,
    term_months: int | None,
    on: dt.date,
    now: dt.datetime,
    round_id: int | None = None,
    note: str = "",
) -> Loan:
    """A new application. A firm applies for itself to a bank it has granted a live consent; a bank starts
    one for a consenting firm; an admin may do either. The suggested line of the round is stored with it."""
    p = actor.principal
    if p.role is Role.ENTERPRISE:
        if p.enterprise_id is None:
            raise AccessDenied("企业用户未绑定企业")
        firm = session.get(Enterprise, p.enterprise_id)
        if uscc is not None and firm is not None and firm.uscc != uscc.strip().upper():
            raise AccessDenied("企业用户只能为本企业申请贷款")
        origin = "firm"
    elif p.role is Role.BANK:
        if bank_id is not None and bank_id != p.bank_id:
            raise AccessDenied("银行用户只能以本行名义发起申请")
        bank_id = bank_id_of(p)
        if uscc is None:
            raise UserError("请指明企业统一社会信用代码 (uscc)")
        firm = _firm_by_uscc(session, uscc)
        origin = "bank"
    elif p.is_admin:
        if uscc is None:
            raise UserError("请指明企业统一社会信用代码 (uscc)")
        firm = _firm_by_uscc(session, uscc)
        origin = "firm"
    else:
        raise AccessDenied(f"当前角色（{p.role_label}）无权提交贷款申请")
    if firm is None:
        raise NotFound("企业不存在")
    if bank_id is None:
        raise UserError("请指明申请的银行 (bank_id)")
    bank = _bank(session, bank_id)
    if not live_scope(session, bank.id, firm.id, now):
        if p.role is Role.BANK:
            raise AccessDenied("该企业未向本行授权（或授权已撤销、已过期），不能为其发起申请")
        raise UserError(f"申请贷款前须先向 {bank.name} 授权数据访问（尚无有效授权）")
    if p.role is Role.BANK:
        require_firm(
            session, actor, firm, action="view_finance", parts=("points",), detail="发起贷款申请", now=now
        )
    product = get_product(product_id)
    term = (
        term_months if term_months is not None else (product.meta.term.min_months if product.meta.term else 0)
    )
    _check_terms(product, amount_fen, term, on, bank)
    open_id = session.scalar(
        sa.select(Loan.id).where(
            Loan.enterprise_id == firm.id,
            Loan.bank_id == bank.id,
            Loan.product_id == product.id,
            Loan.status.in_(("applied", "reviewing", "approved")),
        )
    )
    if open_id is not None:
        raise UserError(f"该企业在 {bank.name} 已有处理中的“{product.meta.name.zh}”申请 #{open_id}")
    suggested, rid = _suggested(session, firm, product, on, round_id)
    loan = Loan(
        bank_id=bank.id,
        enterprise_id=firm.id,
        product_id=product.id,
        product_type=product.meta.type,
        amount_fen=amount_fen,
        requested_fen=amount_fen,
        term_months=term,
        status="applied",
        applied_on=on,
        origin=origin,
        round_id=rid,
        suggested_fen=suggested,
        created_by=p.user_id or None,
        updated_by=p.user_id or None,
        updated_at=now,
        is_synthetic=False,
    )
    session.add(loan)
    session.flush()
    _event(session, loan, actor, None, now, on, note)
    return loan


def _may_act(session: Session, actor: Actor, loan: Loan, action: Action, now: dt.datetime) -> None:
    p = actor.principal
    if p.is_admin:
        return
    if action.actor == "bank":
        if p.role is not Role.BANK or p.bank_id != loan.bank_id:
            raise AccessDenied(f"只有放贷银行可以{action.zh}")
        if not live_scope(session, loan.bank_id, loan.enterprise_id, now):
            raise AccessDenied("该企业未向本行授权（或授权已撤销、已过期），无权处理其贷款")
        return
    if p.role is not Role.ENTERPRISE or p.enterprise_id != loan.enterprise_id:
        raise AccessDenied(f"只有申请企业可以{action.zh}")


def _latest_date(loan: Loan) -> dt.date:
    return max(d for d in (getattr(loan, c) for c in _DATE_COLUMNS) if d is not None)


def _approve_terms(
    loan: Loan, product: Product, amount_fen: int | None, rate_bp: int | None, term_months: int | None
) -> None:
    m = product.meta
    amount = loan.amount_fen if amount_fen is None else amount_fen
    requested = loan.requested_fen or loan.amount_fen
    if amount <= 0 or amount > requested:
        raise UserError(f"批准金额须大于 0 且不超过申请金额 {wan_text(requested)}")
    if m.min_amount is not None and amount < m.min_amount.fen:
        raise UserError(f"批准金额 {wan_text(amount)} 低于产品最低额度 {m.min_amount.text()}")
    if rate_bp is None:
        raise UserError("批准时须给出年利率（如 3.45%）")
    assert m.rate is not None and m.term is not None
    if not m.rate.min_bp <= rate_bp <= m.rate.max_bp:
        raise UserError(f"年利率 {rate_bp / 100:.2f}% 不在产品利率区间 {m.rate.text()}之内")
    term = term_months if term_months is not None else loan.term_months
    if term is None or not m.term.min_months <= term <= m.term.max_months:
        raise UserError(f"贷款期限须在产品期限 {m.term.text()}之内")
    loan.amount_fen, loan.rate_bp, loan.term_months = amount, rate_bp, term


def _add_months(day: dt.date, months: int) -> dt.date:
    month = day.month - 1 + months
    year, month = day.year + month // 12, month % 12 + 1
    for d in (day.day, 30, 29, 28):
        try:
            return dt.date(year, month, d)
        except ValueError:
            continue
    raise AssertionError(day)  # pragma: no cover


def act_on_loan(
    session: Session,
    actor: Actor,
    loan_id: int,
    action_id: str,
    *,
    on: dt.date,
    now: dt.datetime,
    expected_version: int | None = None,
    reason: str = "",
    amount_fen: int | None = None,
    rate_bp: int | None = None,
    term_months: int | None = None,
) -> Loan:
    """Take one lifecycle action; the caller's unit of work commits (a concurrent change → LoanConflict)."""
    action = get_action(action_id)
    loan = session.get(Loan, loan_id)
    if loan is None:
        raise NotFound(f"贷款 #{loan_id} 不存在")
    _may_act(session, actor, loan, action, now)
    if expected_version is not None and expected_version != loan.version:
        raise LoanConflict(f"贷款 #{loan_id} 已被他人处理（当前状态“{state_zh(loan.status)}”），请刷新后重试")
    check_transition(loan.id, loan.status, action)
    reason = reason.strip()
    if action.needs_reason and not reason:
        raise UserError(f"{action.zh}须填写原因")
    if len(reason) > MAX_REASON:
        raise UserError(f"原因不超过 {MAX_REASON} 个字符")
    latest = _latest_date(loan)
    if on < latest:
        raise UserError(f"操作日期 {on.isoformat()} 早于该贷款上一环节日期 {latest.isoformat()}")
    before = loan.status
    if action.id == "approve":
        _approve_terms(loan, get_product(loan.product_id), amount_fen, rate_bp, term_months)
    if action.id in ("approve", "reject"):
        loan.decision_reason = reason or None
    setattr(loan, action.date_column, on)
    if action.id == "disburse" and loan.term_months:
        loan.due_on = _add_months(on, loan.term_months)
    loan.status = action.target
    loan.updated_by = actor.principal.user_id or None
    loan.updated_at = now
    try:
        session.flush()
    except StaleDataError:
        raise LoanConflict(
            f"贷款 #{loan_id} 已被他人同时处理，本次“{action.zh}”未生效，请刷新后重试"
        ) from None
    except OperationalError as exc:  # SQLite: the other writer still holds the lock
        if "locked" not in str(exc).lower():
            raise
        raise LoanConflict(f"贷款 #{loan_id} 正被他人处理，本次“{action.zh}”未生效，请稍后重试") from None
    _event(session, loan, actor, before, now, on, reason)
    return loan
