"""企业端融资服务 (``/me/finance``): the firm's matched products with eligibility reasons and suggested credit
lines (inputs, steps, rulebook references), applying for a loan to a bank it has consented to, its
applications and their status (withdraw while open), and its consents (granted and revoked on ``/me/consents``).
The firm reads only itself (no audit of its own reads)."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Form, Query, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response
from sqlalchemy.orm import Session

from innopoints.accounts import self_service
from innopoints.accounts.context import Actor
from innopoints.errors import NotFound, UserError
from innopoints.finance.loans import LoanConflict, apply_for_loan
from innopoints.finance.pipeline import list_loans
from innopoints.finance.service import evaluate_firm
from innopoints.web.auth import ActorDep
from innopoints.web.deps import SessionDep
from innopoints.web.routes import finance_common as fc
from innopoints.web.routes.cultivation_common import requires
from innopoints.web.routes.finance_loan_pages import act_page, loan_page
from innopoints.web.routes.page_helpers import check_format, export

router = APIRouter(tags=["科技金融页面 (finance pages)"], include_in_schema=False)
FIRM = requires("finance.self")
BASE = "/me/finance/loans"
FORMAT = Query(alias="format", description="xlsx 或 csv")
LOAN_LIMIT = 200


def finance_page(
    request: Request,
    session: Session,
    actor: Actor,
    *,
    error: str | None = None,
    form: dict[str, str] | None = None,
    status: int = 200,
) -> HTMLResponse:
    firm = self_service.own_enterprise(session, actor.principal)
    at = fc.now()
    no_evaluation: str | None = None
    try:
        result = evaluate_firm(
            session,
            actor,
            firm.uscc,
            round_id=None,
            as_of=fc.today(),
            now=at,
            region=request.app.state.settings.region,
        )
        e: dict[str, Any] | None = result.as_dict()
        matched = {p.product.id for p in result.matched()}
    except NotFound as exc:  # no scoring round yet, or the firm is not in it
        e, matched, no_evaluation = None, set(), exc.message
    total, loans = list_loans(session, actor, now=at, limit=LOAN_LIMIT)
    consents = self_service.consent_rows(session, actor.principal, at)
    live = [c for c in consents if c.status == "live"]
    banks = sorted({(c.bank_id, c.bank_name) for c in live}, key=lambda b: b[1])
    options = sorted(fc.product_options(fc.today()), key=lambda o: o[0] not in matched)
    context = {
        "firm": firm,
        "e": e,
        "no_evaluation": no_evaluation,
        "radar": None if e is None else fc.radar(e["dimensions"]),
        "matched": matched,
        "loans": loans,
        "loan_total": total,
        "live_consents": live,
        "banks": banks,
        "products": options,
        "error": error,
        "form": form or {},
    }
    return fc.page(request, session, "finance/firm.html", context, status)


@router.get("/me/finance", operation_id="page_my_finance", response_class=HTMLResponse, **FIRM)
def my_finance(request: Request, session: SessionDep, actor: ActorDep) -> HTMLResponse:
    return finance_page(request, session, actor)


@router.get("/finance/firm", operation_id="page_finance_firm_alias", **FIRM)
def finance_firm_alias() -> RedirectResponse:
    return RedirectResponse("/me/finance", status_code=303)


@router.post("/me/finance/apply", operation_id="page_my_loan_application", **FIRM)
def my_apply(
    request: Request,
    session: SessionDep,
    actor: ActorDep,
    bank_id: Annotated[str, Form(max_length=12)] = "",
    product: Annotated[str, Form(max_length=60)] = "",
    amount: Annotated[str, Form(max_length=40)] = "",
    term: Annotated[str, Form(max_length=10)] = "",
    note: Annotated[str, Form(max_length=2000)] = "",
) -> Response:
    """Apply to a bank the firm has granted a live consent (amount and term within the product's range)."""
    form = {"bank_id": bank_id, "product": product, "amount": amount, "term": term, "note": note}
    try:
        bank = fc.record_id(bank_id, "申请的银行")
        if product not in {p for p, _ in fc.product_options(fc.today())}:
            raise UserError("请选择贷款产品")
        fen = fc.amount_fen(amount, "申请金额")
        assert fen is not None
        loan = apply_for_loan(
            session,
            actor,
            bank_id=bank,
            uscc=None,
            product_id=product,
            amount_fen=fen,
            term_months=fc.term_months(term),
            on=fc.today(),
            now=fc.now(),
            note=fc.plain_text(note, "说明"),
        )
    except (LoanConflict, NotFound):
        raise
    except UserError as exc:
        session.rollback()
        return finance_page(request, session, actor, error=exc.message, form=form, status=422)
    return RedirectResponse(f"{BASE}/{loan.id}?done=created", status_code=303)


@router.get("/me/finance/loans/export", operation_id="export_my_loans", **FIRM)
def my_loans_export(session: SessionDep, actor: ActorDep, fmt: Annotated[str, FORMAT] = "xlsx") -> Response:
    check_format(fmt)
    _total, views = list_loans(session, actor, now=fc.now(), limit=1_000_000)
    return export(fc.LOAN_COLUMNS, [fc.loan_export_row(v) for v in views], fmt, "本企业贷款申请")


@router.get("/me/finance/loans/{loan_id}", operation_id="page_my_loan", response_class=HTMLResponse, **FIRM)
def my_loan(
    request: Request,
    session: SessionDep,
    actor: ActorDep,
    loan_id: int,
    done: Annotated[str | None, Query(max_length=20)] = None,
) -> HTMLResponse:
    return loan_page(request, session, actor, loan_id, base=BASE, done=done)


@router.post("/me/finance/loans/{loan_id}/act", operation_id="page_my_loan_act", **FIRM)
def my_loan_act(
    request: Request,
    session: SessionDep,
    actor: ActorDep,
    loan_id: int,
    action: Annotated[str, Form(max_length=20)] = "",
    version: Annotated[str, Form(max_length=12)] = "",
    on: Annotated[str, Form(max_length=20)] = "",
    reason: Annotated[str, Form(max_length=2000)] = "",
) -> Response:
    form = {"action": action, "version": version, "on": on, "reason": reason}
    return act_page(request, session, actor, loan_id, form, BASE)
