"""银行端贷款管道 (``/bank/loans``): the bank's applications and loans (filter, page, export), one loan with its
history and the actions open to the bank, and the shared detail/act helpers the firm's pages use too.

Every action form carries the version of the application the page showed; the service refuses a stale one
(``LoanConflict`` → 409 page), so two officers acting on the same application cannot both succeed. Bad input
(amount "12.345", "-5", letters; rate; term; date) is refused with a Chinese message and nothing is written.
A bank sees a loan only while the firm's consent is live (403 otherwise, at the next request after a
revocation).
"""

from __future__ import annotations

from typing import Annotated, Any
from urllib.parse import urlencode

import sqlalchemy as sa
from fastapi import APIRouter, Form, Query, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response
from sqlalchemy.orm import Session

from innopoints.accounts.context import Actor
from innopoints.adapters.db.tables import Loan
from innopoints.errors import NotFound, UserError
from innopoints.finance.claims import submit_claim
from innopoints.finance.lifecycle import ACTIONS
from innopoints.finance.loans import LoanConflict, act_on_loan
from innopoints.finance.pipeline import list_loans, loan_detail
from innopoints.web.auth import ActorDep
from innopoints.web.deps import SessionDep
from innopoints.web.routes import finance_common as fc
from innopoints.web.routes.cultivation_common import requires
from innopoints.web.routes.page_helpers import check_format, export

router = APIRouter(tags=["科技金融页面 (finance pages)"], include_in_schema=False)
BANK = requires("finance.bank")
FORMAT = Query(alias="format", description="xlsx 或 csv")
DONE = {a.id: f"已{a.zh}" for a in ACTIONS.values()}
DONE["claim"] = "风险补偿申请已提交"
DONE["created"] = "贷款申请已提交"


def loan_page(
    request: Request,
    session: Session,
    actor: Actor,
    loan_id: int,
    *,
    base: str,
    error: str | None = None,
    done: str | None = None,
    form: dict[str, str] | None = None,
    status: int = 200,
) -> HTMLResponse:
    """One loan with its history and the action forms open to the viewer (``base``: its list's path)."""
    view = loan_detail(session, actor, loan_id, now=fc.now())
    round_id = session.scalar(sa.select(Loan.round_id).where(Loan.id == loan_id))
    if base.startswith("/me/"):
        basis = f"/me/finance#product-{view.product_id}"
    else:
        basis = (
            f"/bank/firms/{view.uscc}"
            + (f"?round={round_id}" if round_id else "")
            + f"#product-{view.product_id}"
        )
    context: dict[str, Any] = {
        "view": view,
        "actions": [ACTIONS[a] for a in view.actions],
        "origin_zh": fc.ORIGIN_ZH.get(view.origin, view.origin),
        "base": base,
        "basis": basis if view.suggested_fen is not None else None,
        "round_id": round_id,
        "today": fc.today().isoformat(),
        "can_claim": view.status == "defaulted"
        and view.claim is None
        and (actor.principal.is_admin or actor.principal.bank_id == view.bank_id),
        "error": error,
        "done": DONE.get(done or ""),
        "form": form or {},
    }
    return fc.page(request, session, "finance/loan.html", context, status)


def act_from_form(session: Session, actor: Actor, loan_id: int, form: dict[str, str]) -> None:
    """Parse the action form (all of it, before anything is written) and take the action."""
    action = form.get("action", "")
    if action not in ACTIONS:
        raise UserError(f"未知的贷款操作“{action}”")
    expected = fc.version(form.get("version"))
    on = fc.business_day(form.get("on"))
    reason = fc.plain_text(form.get("reason"), "原因")
    approve = action == "approve"
    amount = fc.amount_fen(form.get("amount"), "批准金额", required=False) if approve else None
    rate = fc.rate_bp(form.get("rate"), required=True) if approve else None
    term = fc.term_months(form.get("term")) if approve else None
    act_on_loan(
        session,
        actor,
        loan_id,
        action,
        on=on,
        now=fc.now(),
        expected_version=expected,
        reason=reason,
        amount_fen=amount,
        rate_bp=rate,
        term_months=term,
    )


def act_page(
    request: Request, session: Session, actor: Actor, loan_id: int, form: dict[str, str], base: str
) -> Response:
    fc.guard_loan(session, actor, loan_id, fc.now())  # 403 / 404 before the form is looked at
    try:
        act_from_form(session, actor, loan_id, form)
    except (LoanConflict, NotFound):
        raise  # 409 / 404 pages (web/errors.py); the unit of work is rolled back
    except UserError as exc:
        session.rollback()
        return loan_page(
            request, session, actor, loan_id, base=base, error=exc.message, form=form, status=422
        )
    return RedirectResponse(f"{base}/{loan_id}?done={form.get('action', '')}", status_code=303)


ActionField = Annotated[str, Form(max_length=20)]
ShortField = Annotated[str, Form(max_length=40)]
ReasonField = Annotated[str, Form(max_length=2000)]


# ------------------------------------------------------------------------------------------ pipeline


@router.get("/bank/loans", operation_id="page_bank_loans", response_class=HTMLResponse, **BANK)
def bank_loans(
    request: Request,
    session: SessionDep,
    actor: ActorDep,
    status: Annotated[str | None, Query(max_length=20)] = None,
    product: Annotated[str | None, Query(max_length=60)] = None,
    page: int = 1,
) -> HTMLResponse:
    page = fc.page_number(page)
    total, views = list_loans(
        session,
        actor,
        now=fc.now(),
        status=status or None,
        product_id=product or None,
        limit=fc.PAGE_SIZE,
        offset=(page - 1) * fc.PAGE_SIZE,
    )
    params = urlencode({k: v for k, v in (("status", status), ("product", product)) if v})
    context = {
        "views": views,
        "total": total,
        "page": page,
        "pages": fc.pages(total, fc.PAGE_SIZE),
        "status": status or "",
        "product": product or "",
        "states": fc.state_options(),
        "products": fc.product_options(fc.today()),
        "query": params,
        "tab": "loans",
    }
    return fc.page(request, session, "finance/bank_loans.html", context)


@router.get("/bank/loans/export", operation_id="export_bank_loans", **BANK)
def bank_loans_export(
    session: SessionDep,
    actor: ActorDep,
    status: Annotated[str | None, Query(max_length=20)] = None,
    product: Annotated[str | None, Query(max_length=60)] = None,
    fmt: Annotated[str, FORMAT] = "xlsx",
) -> Response:
    """The whole pipeline within the bank's scope (firms with a live consent only); every firm audited."""
    check_format(fmt)
    _total, views = list_loans(
        session, actor, now=fc.now(), status=status or None, product_id=product or None, limit=1_000_000
    )
    return export(fc.LOAN_COLUMNS, [fc.loan_export_row(v) for v in views], fmt, "贷款管道")


@router.get("/bank/loans/{loan_id}", operation_id="page_bank_loan", response_class=HTMLResponse, **BANK)
def bank_loan(
    request: Request,
    session: SessionDep,
    actor: ActorDep,
    loan_id: int,
    done: Annotated[str | None, Query(max_length=20)] = None,
) -> HTMLResponse:
    return loan_page(request, session, actor, loan_id, base="/bank/loans", done=done)


@router.post("/bank/loans/{loan_id}/act", operation_id="page_bank_act_on_loan", **BANK)
def bank_act(
    request: Request,
    session: SessionDep,
    actor: ActorDep,
    loan_id: int,
    action: ActionField = "",
    version: ShortField = "",
    on: ShortField = "",
    reason: ReasonField = "",
    amount: ShortField = "",
    rate: ShortField = "",
    term: ShortField = "",
) -> Response:
    form = {
        "action": action,
        "version": version,
        "on": on,
        "reason": reason,
        "amount": amount,
        "rate": rate,
        "term": term,
    }
    return act_page(request, session, actor, loan_id, form, "/bank/loans")


@router.post("/bank/loans/{loan_id}/claim", operation_id="page_bank_submit_claim", **BANK)
def bank_claim(
    request: Request,
    session: SessionDep,
    actor: ActorDep,
    loan_id: int,
    outstanding: ShortField = "",
    on: ShortField = "",
) -> Response:
    fc.guard_loan(session, actor, loan_id, fc.now())
    try:
        fen = fc.amount_fen(outstanding, "未偿本金")
        assert fen is not None
        submit_claim(session, actor, loan_id, outstanding_fen=fen, on=fc.business_day(on), now=fc.now())
    except (LoanConflict, NotFound):
        raise
    except UserError as exc:
        session.rollback()
        form = {"outstanding": outstanding, "on": on}
        return loan_page(
            request, session, actor, loan_id, base="/bank/loans", error=exc.message, form=form, status=422
        )
    return RedirectResponse(f"/bank/loans/{loan_id}?done=claim", status_code=303)
