"""银行端 (``/bank``): the firms with a live consent to the bank (points, profile summary, product matches;
firms that consented to points only show points), one firm's five-dimension evaluation with a radar chart
and every product's eligibility and suggested credit line (formula inputs, steps, rulebook references),
starting an application for a consenting firm, and XLSX/CSV exports — all consent-scoped by the finance
services (``finance.service``), which also audit every firm shown."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Form, Query, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response
from sqlalchemy.orm import Session

from innopoints.accounts.consent import CONSENT_SCOPES
from innopoints.accounts.context import Actor
from innopoints.errors import NotFound, UserError
from innopoints.finance.loans import LoanConflict, apply_for_loan
from innopoints.finance.service import bank_firms, evaluate_firm, export_bank_firms
from innopoints.web.auth import ActorDep
from innopoints.web.deps import SessionDep
from innopoints.web.routes import finance_common as fc
from innopoints.web.routes.cultivation_common import download, requires
from innopoints.web.routes.page_helpers import check_format, export

router = APIRouter(tags=["科技金融页面 (finance pages)"], include_in_schema=False)
BANK = requires("finance.bank")
FORMAT = Query(alias="format", description="xlsx 或 csv")
SEARCH = Query(max_length=60, description="企业名称或统一社会信用代码")

LINE_COLUMNS: tuple[tuple[str, str], ...] = (
    ("product", "产品"),
    ("product_status", "产品性质"),
    ("eligibility", "准入"),
    ("suggested_yuan", "建议授信额度（元）"),
    ("kind", "类别"),
    ("name", "项目"),
    ("value", "值"),
    ("unit", "单位"),
    ("band", "档次"),
    ("reference", "出处"),
    ("rule_status", "性质"),
    ("effective_from", "生效日"),
)


def _rows(page: Any, region: Any) -> list[dict[str, Any]]:
    out = []
    for row in page.rows:
        item = row.as_dict(region)
        item["points_only"] = "profile" not in row.scope or "financials" not in row.scope
        item["scope_text"] = "、".join(label for part, label in CONSENT_SCOPES.items() if part in row.scope)
        out.append(item)
    return out


@router.get("/bank", operation_id="page_bank_firms", response_class=HTMLResponse, **BANK)
def bank_home(
    request: Request,
    session: SessionDep,
    actor: ActorDep,
    q: Annotated[str | None, SEARCH] = None,
    page: int = 1,
) -> HTMLResponse:
    page = fc.page_number(page)
    result = bank_firms(
        session,
        actor,
        now=fc.now(),
        as_of=fc.today(),
        search=q,
        limit=fc.PAGE_SIZE,
        offset=(page - 1) * fc.PAGE_SIZE,
    )
    context = {
        "rows": _rows(result, request.app.state.container.region),
        "total": result.total,
        "round_id": result.round_id,
        "q": q or "",
        "page": page,
        "pages": fc.pages(result.total, fc.PAGE_SIZE),
        "tab": "firms",
    }
    return fc.page(request, session, "finance/bank_firms.html", context)


@router.get("/bank/export", operation_id="export_bank_firms", **BANK)
def bank_export(
    request: Request,
    session: SessionDep,
    actor: ActorDep,
    q: Annotated[str | None, SEARCH] = None,
    fmt: Annotated[str, FORMAT] = "xlsx",
) -> Response:
    """Every consenting firm (search applied) as XLSX/CSV; one audit event per firm written."""
    check_format(fmt)
    data = export_bank_firms(
        session, actor, request.app.state.container.region, fmt=fmt, now=fc.now(), as_of=fc.today(), search=q
    )
    return download(data, fmt, f"授权企业_{fc.today():%Y%m%d}")


# ------------------------------------------------------------------------------------------ one firm


def firm_page(
    request: Request,
    session: Session,
    actor: Actor,
    uscc: str,
    *,
    round_id: int | None = None,
    error: str | None = None,
    form: dict[str, str] | None = None,
    status: int = 200,
) -> HTMLResponse:
    result = evaluate_firm(
        session,
        actor,
        uscc,
        round_id=round_id,
        as_of=fc.today(),
        now=fc.now(),
        region=request.app.state.settings.region,
    )
    e = result.as_dict()
    p = actor.principal
    bank = fc.bank_name(session, p.bank_id)
    matched = {pr.product.id for pr in result.matched()}
    options = sorted(fc.product_options(fc.today(), bank), key=lambda o: o[0] not in matched)
    context = {
        "e": e,
        "radar": fc.radar(e["dimensions"]),
        "products": options,
        "matched": matched,
        "banks": fc.bank_options(session) if p.is_admin else [],
        "bank": bank,
        "error": error,
        "form": form or {},
        "tab": "firms",
    }
    return fc.page(request, session, "finance/bank_firm.html", context, status)


@router.get("/bank/firms/{uscc}", operation_id="page_bank_firm", response_class=HTMLResponse, **BANK)
def bank_firm(
    request: Request,
    session: SessionDep,
    actor: ActorDep,
    uscc: str,
    round: Annotated[int | None, Query(ge=1, description="积分评价批次，默认最新")] = None,
) -> HTMLResponse:
    return firm_page(request, session, actor, uscc, round_id=round)


def line_rows(e: dict[str, Any]) -> list[dict[str, Any]]:
    """Every product's suggested line as rows: the formula inputs, each step, and the rulebooks cited."""
    out: list[dict[str, Any]] = []
    for p in e["products"]:
        line = p["credit_line"]
        head = {
            "product": p["name"],
            "product_status": p["status_zh"],
            "eligibility": p["eligibility"]["status_zh"],
            "suggested_yuan": None if line["amount_fen"] is None else f"{line['amount_fen'] / 100:.2f}",
        }
        out.append({**head, "kind": "公式", "name": line["formula"], "value": line["formula_text"]})
        for i in line["inputs"]:
            value = fc.show_value(i["value"], i["unit"])
            out.append(
                {
                    **head,
                    "kind": "输入",
                    "name": i["name"],
                    "value": value,
                    "unit": i["unit"],
                    "reference": i["source"],
                }
            )
        for s in line["steps"]:
            out.append(
                {
                    **head,
                    "kind": "步骤",
                    "name": s["name"],
                    "value": fc.show_value(s["value"], s["unit"]),
                    "unit": s["unit"],
                    "band": s.get("band"),
                    "reference": s.get("reference"),
                    "rule_status": s.get("rule_status"),
                    "effective_from": s.get("effective_from"),
                }
            )
        for label, book in (("评价规则库", line["rulebook"]), ("产品规则库", line["product_rulebook"])):
            if book:
                out.append(
                    {
                        **head,
                        "kind": "规则库",
                        "name": label,
                        "value": f"{book['file']} 版本 {book['version']}",
                        "reference": f"sha256 {book['sha256']}",
                    }
                )
    return out


@router.get("/bank/firms/{uscc}/export", operation_id="export_bank_firm_lines", **BANK)
def bank_firm_export(
    request: Request, session: SessionDep, actor: ActorDep, uscc: str, fmt: Annotated[str, FORMAT] = "xlsx"
) -> Response:
    """The firm's suggested credit lines with every input, step and rulebook reference (consent needed)."""
    check_format(fmt)
    result = evaluate_firm(
        session,
        actor,
        uscc,
        round_id=None,
        as_of=fc.today(),
        now=fc.now(),
        region=request.app.state.settings.region,
    )
    return export(LINE_COLUMNS, line_rows(result.as_dict()), fmt, f"授信额度测算_{result.uscc}")


@router.post("/bank/firms/{uscc}/apply", operation_id="page_bank_start_application", **BANK)
def bank_apply(
    request: Request,
    session: SessionDep,
    actor: ActorDep,
    uscc: str,
    product: Annotated[str, Form(max_length=60)] = "",
    amount: Annotated[str, Form(max_length=40)] = "",
    term: Annotated[str, Form(max_length=10)] = "",
    note: Annotated[str, Form(max_length=2000)] = "",
    bank_id: Annotated[str, Form(max_length=12)] = "",
) -> Response:
    """The bank starts an application for a consenting firm (amount and term within the product's range)."""
    firm = fc.guard_firm(session, actor, uscc, fc.now())  # 403 before the form is looked at
    form = {"product": product, "amount": amount, "term": term, "note": note, "bank_id": bank_id}
    try:
        if product not in {p for p, _ in fc.product_options(fc.today())}:
            raise UserError("请选择贷款产品")
        fen = fc.amount_fen(amount, "申请金额")
        assert fen is not None
        loan = apply_for_loan(
            session,
            actor,
            bank_id=fc.record_id(bank_id, "银行") if actor.principal.is_admin else actor.principal.bank_id,
            uscc=firm.uscc,
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
        return firm_page(request, session, actor, uscc, error=exc.message, form=form, status=422)
    return RedirectResponse(f"/bank/loans/{loan.id}?done=created", status_code=303)
