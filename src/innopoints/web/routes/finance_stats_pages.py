"""科技金融统计 for officers and the administrator (``/finance/stats``): financing by product, bank, district,
cluster or ladder stage per year with charts, the points-credit total against the published 25亿元, approval
times and the share of points-based credit; and the risk-compensation claims to decide (``/finance/claims``).
Scope: an officer sees the loans of their district or park, the administrator all (``finance.stats``)."""

from __future__ import annotations

from collections import defaultdict
from decimal import Decimal
from typing import Annotated, Any

from fastapi import APIRouter, Form, Query, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response
from sqlalchemy.orm import Session

from innopoints.accounts.context import Actor
from innopoints.errors import NotFound, UserError
from innopoints.finance.claims import CLAIM_STATES, decide_claim
from innopoints.finance.lifecycle import state_zh
from innopoints.finance.loans import LoanConflict
from innopoints.finance.stats import FAST_WORKING_DAYS, GROUPS, FinanceStats, financing_stats
from innopoints.web.auth import ActorDep
from innopoints.web.deps import SessionDep
from innopoints.web.routes import finance_common as fc
from innopoints.web.routes.cultivation_common import requires
from innopoints.web.routes.page_helpers import check_format, export

router = APIRouter(tags=["科技金融页面 (finance pages)"], include_in_schema=False)
STATS = requires("finance.stats")
CLAIMS = requires("finance.claims.decide")
FORMAT = Query(alias="format", description="xlsx 或 csv")
BY = Query(max_length=20, description="product、bank、district、cluster 或 stage")
YEAR = Query(ge=2000, le=2100, description="放款年度；留空为全部年度")
YI = Decimal(10**10)  # fen per 亿元
TOP_GROUPS = 6

STATS_COLUMNS: tuple[tuple[str, str], ...] = (
    ("year", "放款年度"),
    ("label", "分组"),
    ("loans", "放款笔数"),
    ("amount_yuan", "放款金额（元）"),
    ("share_of_year", "占当年比重（%）"),
    ("points_based_yuan", "其中积分专属（元）"),
)


def _yi(fen: int) -> float:
    return float((Decimal(fen) / YI).quantize(Decimal("0.0001")))


def charts(stats: FinanceStats) -> dict[str, Any]:
    """Amount by year and group (the largest groups, the rest as 其他), cumulative points credit against
    the published figure, and the status mix."""
    years = sorted({int(r["year"]) for r in stats.rows if r["year"] is not None})
    totals: dict[str, int] = defaultdict(int)
    for r in stats.rows:
        totals[r["label"]] += r["amount_fen"]
    top = [g for g, _ in sorted(totals.items(), key=lambda kv: -kv[1])[:TOP_GROUPS]]
    cells: dict[tuple[str, int], int] = defaultdict(int)
    points_by_year: dict[int, int] = defaultdict(int)
    for r in stats.rows:
        if r["year"] is None:
            continue
        group = r["label"] if r["label"] in top else "其他"
        cells[(group, int(r["year"]))] += r["amount_fen"]
        points_by_year[int(r["year"])] += r["points_based_fen"]
    groups = top + (["其他"] if len(totals) > len(top) else [])
    out: dict[str, Any] = {
        "by_year": {
            "kind": "bar",
            "categories": [str(y) for y in years],
            "series": [{"name": g, "data": [_yi(cells[(g, y)]) for y in years]} for g in groups],
            "axes": ["亿元"],
            "unit": "亿元",
        },
        "status": {
            "kind": "pie",
            "items": [{"name": state_zh(s), "value": n} for s, n in stats.status_counts.items()],
            "unit": "笔",
        },
    }
    if stats.year is None and years:
        running, cumulative = 0, []
        for y in years:
            running += points_by_year[y]
            cumulative.append(_yi(running))
        series: list[dict[str, Any]] = [{"name": "积分专属信贷累计放款（亿元）", "data": cumulative}]
        if stats.published_fen:
            series.append(
                {"name": "公布数（亿元）", "data": [_yi(stats.published_fen)] * len(years), "dashed": True}
            )
        out["cumulative"] = {
            "kind": "line",
            "categories": [str(y) for y in years],
            "series": series,
            "unit": "亿元",
        }
    return out


def _stats(request: Request, session: Session, actor: Actor, by: str, year: int | None) -> FinanceStats:
    return financing_stats(session, actor, request.app.state.container.region, by=by, year=year, now=fc.now())


@router.get("/finance/stats", operation_id="page_finance_stats", response_class=HTMLResponse, **STATS)
def stats_page(
    request: Request,
    session: SessionDep,
    actor: ActorDep,
    by: Annotated[str, BY] = "product",
    year: Annotated[int | None, YEAR] = None,
) -> HTMLResponse:
    stats = _stats(request, session, actor, by, year)
    every = stats if year is None else _stats(request, session, actor, by, None)
    years = sorted({int(r["year"]) for r in every.rows if r["year"]})
    context = {
        "s": stats,
        "d": stats.as_dict(),
        "charts": charts(stats),
        "groups": GROUPS,
        "by": by,
        "year": year,
        "years": years,
        "fast_days": FAST_WORKING_DAYS,
        "query": f"by={by}" + (f"&year={year}" if year else ""),
    }
    return fc.page(request, session, "finance/stats.html", context)


@router.get("/finance/stats/export", operation_id="export_finance_stats", **STATS)
def stats_export(
    request: Request,
    session: SessionDep,
    actor: ActorDep,
    by: Annotated[str, BY] = "product",
    year: Annotated[int | None, YEAR] = None,
    fmt: Annotated[str, FORMAT] = "xlsx",
) -> Response:
    check_format(fmt)
    stats = _stats(request, session, actor, by, year)
    rows = [
        {
            "year": r["year"],
            "label": r["label"],
            "loans": r["loans"],
            "amount_yuan": f"{Decimal(r['amount_fen']) / 100:.2f}",
            "share_of_year": f"{r['share_of_year'] * 100:.2f}",
            "points_based_yuan": f"{Decimal(r['points_based_fen']) / 100:.2f}",
        }
        for r in stats.rows
    ]
    return export(STATS_COLUMNS, rows, fmt, f"科技金融统计_按{GROUPS[by]}")


# ------------------------------------------------------------------------------------------ claims


def claims_page(
    request: Request,
    session: Session,
    actor: Actor,
    status: str | None,
    *,
    error: str | None = None,
    done: str | None = None,
    code: int = 200,
) -> HTMLResponse:
    rows = fc.claim_rows(session, actor, at=fc.now(), status=status or None)
    context = {
        "rows": rows,
        "status": status or "",
        "states": CLAIM_STATES,
        "today": fc.today().isoformat(),
        "error": error,
        "done": done,
    }
    return fc.page(request, session, "finance/claims.html", context, code)


@router.get("/finance/claims", operation_id="page_finance_claims", response_class=HTMLResponse, **CLAIMS)
def claims(
    request: Request,
    session: SessionDep,
    actor: ActorDep,
    status: Annotated[str | None, Query(max_length=20)] = None,
    done: Annotated[int | None, Query()] = None,
) -> HTMLResponse:
    message = None if done is None else f"风险补偿申请 #{done} 已处理"
    return claims_page(request, session, actor, status, done=message)


@router.get("/finance/claims/export", operation_id="export_finance_claims", **CLAIMS)
def claims_export(
    session: SessionDep,
    actor: ActorDep,
    status: Annotated[str | None, Query(max_length=20)] = None,
    fmt: Annotated[str, FORMAT] = "xlsx",
) -> Response:
    check_format(fmt)
    rows = fc.claim_rows(session, actor, at=fc.now(), status=status or None, limit=1_000_000)
    return export(fc.CLAIM_COLUMNS, rows, fmt, "风险补偿申请")


@router.post("/finance/claims/{claim_id}/decide", operation_id="page_decide_claim", **CLAIMS)
def claims_decide(
    request: Request,
    session: SessionDep,
    actor: ActorDep,
    claim_id: int,
    decision: Annotated[str, Form(max_length=20)] = "",
    version: Annotated[str, Form(max_length=12)] = "",
    reason: Annotated[str, Form(max_length=2000)] = "",
    on: Annotated[str, Form(max_length=20)] = "",
) -> Response:
    try:
        decide_claim(
            session,
            actor,
            claim_id,
            decision,
            on=fc.business_day(on),
            now=fc.now(),
            reason=fc.plain_text(reason, "原因"),
            expected_version=fc.version(version),
        )
    except (LoanConflict, NotFound):
        raise
    except UserError as exc:
        session.rollback()
        return claims_page(request, session, actor, None, error=exc.message, code=422)
    return RedirectResponse(f"/finance/claims?done={claim_id}", status_code=303)
