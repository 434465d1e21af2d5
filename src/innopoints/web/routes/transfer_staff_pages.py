"""成果转化 pages, part 4: statistics for officers and administrators (contract turnover against the 920亿元
target with a chart, 输出 / 吸纳 by type, field and district, pilot-base outputs against the published
figures, broker performance — all city-wide aggregates) and the "卡脖子" challenge list (firms submit
problems; staff put them to review, enter expert scores, screen, publish and close; the firm or staff
choose the winning team; institutions and firms apply for published tasks).
"""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from typing import Annotated, Any

from fastapi import APIRouter, Query, Request
from fastapi.responses import HTMLResponse, Response
from sqlalchemy.orm import Session

from innopoints.accounts.access import allowed
from innopoints.accounts.errors import AccessDenied
from innopoints.errors import UserError
from innopoints.transfer import challenges
from innopoints.transfer.rulebook import load_transfer_rulebook
from innopoints.transfer.states import CHALLENGE
from innopoints.web.auth import PrincipalDep
from innopoints.web.deps import SessionDep
from innopoints.web.routes import transfer_actions as act
from innopoints.web.routes import transfer_queries as tq
from innopoints.web.routes.cultivation_common import requires
from innopoints.web.routes.officer_common import chart, num
from innopoints.web.routes.transfer_common import (
    PAGE_SIZE_PAGES,
    FormDep,
    cluster_options,
    export_list,
    render_page,
    today,
)
from innopoints.web.routes.transfer_pages import FORMAT, PAGE, attempt, redirect

router = APIRouter(tags=["成果转化页面 (transfer pages)"], include_in_schema=False)
YI = Decimal(100_000_000)
STAT_PARTS = ("turnover", "contracts", "pilots", "brokers")

BREAKDOWN_COLUMNS = (
    ("name", "分组"),
    ("contracts", "合同数（项）"),
    ("amount_yuan", "合同成交额（元）"),
    ("technical_yuan", "技术交易额（元）"),
)
TURNOVER_COLUMNS = (("item", "项目"), ("amount_yuan", "金额（元）"), ("note", "说明"))
FIGURE_COLUMNS = (
    ("group", "类别"),
    ("name", "指标"),
    ("value", "平台数据"),
    ("published_text", "公开数据"),
    ("unit", "单位"),
    ("meets", "是否达到"),
)
BROKER_COLUMNS = (
    ("broker_id", "经纪人编号"),
    ("name", "姓名"),
    ("level", "等级"),
    ("cluster", "领域"),
    ("district", "区县"),
    ("active", "在办"),
    ("assigned", "累计分派"),
    ("signed", "签约"),
    ("terminated", "终止"),
    ("conversion_text", "签约转化率"),
    ("signed_amount_yuan", "签约合同登记额（元）"),
    ("rating", "平均评分"),
    ("ratings", "评价数"),
    ("cases", "案例数"),
)
CHALLENGE_COLUMNS = (
    ("id", "难题编号"),
    ("title", "难题名称"),
    ("enterprise", "出题企业"),
    ("cluster", "技术领域"),
    ("budget_yuan", "榜单金额（元）"),
    ("status_zh", "状态"),
    ("reviews", "专家评分数"),
    ("average", "平均分"),
    ("applications", "揭榜申请数"),
    ("apply_deadline", "揭榜截止"),
)


def _yi(yuan: Decimal | None) -> float | None:
    return None if yuan is None else num((yuan / YI).quantize(Decimal("0.01")))


def as_of_for(year: int) -> date:
    now = today()
    if year == now.year:
        return now
    if year > now.year:
        return date(year, 1, 1)
    return date(year, 12, 31)


def check_year(year: int | None) -> int:
    value = year or today().year
    if not 2000 <= value <= 2100:
        raise UserError(f"参数 year：应为 2000–2100 的年份，收到 {value}")
    return value


def turnover_rows(t: dict[str, Any]) -> list[dict[str, Any]]:
    return [
        {
            "item": f"{t['year']} 年截至 {t['as_of']} 登记合同成交额",
            "amount_yuan": t["turnover_yuan"],
            "note": t["progress_text"] and f"目标完成 {t['progress_text']}",
        },
        {
            "item": f"{t['year'] - 1} 年同期",
            "amount_yuan": t["previous_same_period_yuan"],
            "note": t["growth_text"] and f"同比 {t['growth_text']}",
        },
        {"item": f"{t['year'] - 1} 年全年", "amount_yuan": t["previous_year_yuan"], "note": ""},
        {"item": f"{t['year']} 年目标", "amount_yuan": t["target_yuan"], "note": t["target_source"]},
        {"item": "公开数据（当年）", "amount_yuan": t["published_yuan"], "note": t["published_source"]},
    ]


def _stats(session: Session, principal: PrincipalDep, year: int, by: str) -> dict[str, Any]:
    t = tq.turnover(session, principal, year, as_of_for(year))
    output = tq.contract_breakdown(session, principal, year, by, "output")
    absorb = tq.contract_breakdown(session, principal, year, by, "absorb")
    return {
        "turnover": t,
        "output": output,
        "absorb": absorb,
        "pilots": tq.pilot_figures(session, principal),
        "brokers": tq.broker_stats(session, principal, today(), None, 20),
    }


def _charts(data: dict[str, Any]) -> dict[str, Any]:
    t = data["turnover"]
    goal = load_transfer_rulebook().statistics.contract_turnover.target  # 920亿元 (2026), shown on every year
    target = _yi(t["target_yuan"]) if t["target_yuan"] is not None else float(goal.value_yuan / 100_000_000)
    turnover = chart(
        "bar",
        categories=[f"{t['year'] - 1}年全年", f"{t['year'] - 1}年同期", f"{t['year']}年至今（{t['as_of']}）"],
        series=[
            {
                "name": "登记合同成交额（亿元）",
                "data": [
                    _yi(t["previous_year_yuan"]),
                    _yi(t["previous_same_period_yuan"]),
                    _yi(t["turnover_yuan"]),
                ],
            }
        ],
        axes=["亿元"],
        unit="亿元",
        mark=target,
        highlight=2,
    )
    names: dict[str, str] = {}
    for part in ("output", "absorb"):
        for r in data[part]["rows"]:
            names.setdefault(r["key"], r["name"])
    amounts = {
        part: {r["key"]: _yi(r["amount_yuan"]) for r in data[part]["rows"]} for part in ("output", "absorb")
    }
    breakdown = chart(
        "hbar",
        categories=list(names.values()),
        series=[
            {"name": "输出（亿元）", "data": [amounts["output"].get(k) or 0 for k in names]},
            {"name": "吸纳（亿元）", "data": [amounts["absorb"].get(k) or 0 for k in names]},
        ],
        unit="亿元",
    )
    return {
        "turnover": turnover,
        "breakdown": breakdown,
        "breakdown_height": 80 + 44 * max(1, len(names)),
        "goal_text": f"虚线：{goal.year} 年目标 {goal.value_yuan / 100_000_000:g} 亿元（{goal.text}）",
    }


@router.get("/transfer/stats", **requires("transfer.stats.view"))
def stats_page(
    request: Request,
    session: SessionDep,
    principal: PrincipalDep,
    year: int | None = None,
    by: str = "type",
) -> HTMLResponse:
    chosen = check_year(year)
    data = _stats(session, principal, chosen, by)
    context = {"s": data, "charts": _charts(data), "year": chosen, "by": by, "this_year": today().year}
    return render_page(request, session, "transfer/stats.html", context, section="stats")


@router.get("/transfer/stats/export", **requires("transfer.stats.view"))
def export_stats(
    session: SessionDep,
    principal: PrincipalDep,
    part: Annotated[str, Query(description="turnover、contracts、pilots 或 brokers")] = "contracts",
    year: int | None = None,
    by: str = "type",
    direction: str = "output",
    fmt: Annotated[str, FORMAT] = "xlsx",
) -> Response:
    chosen = check_year(year)
    if part == "turnover":
        rows = turnover_rows(tq.turnover(session, principal, chosen, as_of_for(chosen)))
        return export_list(TURNOVER_COLUMNS, rows, fmt, f"技术合同成交额_{chosen}")
    if part == "contracts":
        b = tq.contract_breakdown(session, principal, chosen, by, direction)
        return export_list(
            BREAKDOWN_COLUMNS,
            [*b["rows"], b["total"]],
            fmt,
            f"技术合同{b['direction_zh']}_{b['by_zh']}_{chosen}",
        )
    if part == "pilots":
        p = tq.pilot_figures(session, principal)
        rows = [{**f, "group": "产出"} for f in p["outputs"]] + [
            {**f, "group": "载体"} for f in p["carriers"]
        ]
        return export_list(FIGURE_COLUMNS, rows, fmt, "中试基地产出对照")
    if part == "brokers":
        rows = tq.broker_stats(session, principal, today(), None, None)["rows"]
        return export_list(BROKER_COLUMNS, rows, fmt, "技术经纪人绩效")
    raise UserError(f"参数 part：应为 {'、'.join(STAT_PARTS)}，收到“{part}”")


# ------------------------------------------------------------------------------------------ challenges


def _challenges_page(
    request: Request,
    session: Session,
    principal: PrincipalDep,
    status: str | None,
    page: int,
    *,
    error: str | None = None,
    form: dict[str, Any] | None = None,
    code: int = 200,
) -> HTMLResponse:
    rows = tq.challenge_rows(session, principal, status, page, PAGE_SIZE_PAGES)
    context = {
        "rows": rows,
        "status": status or "",
        "states": CHALLENGE.states,
        "clusters": cluster_options(),
        "can_submit": allowed(principal, "transfer.firm.act"),
        "staff": allowed(principal, "transfer.challenge.manage"),
        "error": error,
        "form": form or {},
    }
    return render_page(request, session, "transfer/challenges.html", context, code, section="challenges")


@router.get("/transfer/challenges", **requires("transfer.view"))
def challenges_page(
    request: Request,
    session: SessionDep,
    principal: PrincipalDep,
    status: str | None = None,
    page: Annotated[int, PAGE] = 1,
) -> HTMLResponse:
    return _challenges_page(request, session, principal, status, page)


@router.get("/transfer/challenges/export", **requires("transfer.view"))
def export_challenges(
    session: SessionDep,
    principal: PrincipalDep,
    status: str | None = None,
    fmt: Annotated[str, FORMAT] = "xlsx",
) -> Response:
    first = tq.challenge_rows(session, principal, status, 1, 100)
    items = list(first.items)
    for page in range(2, first.pages + 1):
        items.extend(tq.challenge_rows(session, principal, status, page, 100).items)
    return export_list(CHALLENGE_COLUMNS, items, fmt, "卡脖子难题榜单")


@router.post("/transfer/challenges", **requires("transfer.firm.act"))
def submit_challenge(
    request: Request, session: SessionDep, principal: PrincipalDep, form: FormDep
) -> Response:
    def run() -> Response:
        new_id = act.submit_challenge(session, principal, form.as_dict())
        return redirect(f"/transfer/challenges/{new_id}", "challenge_submitted")

    return attempt(
        session,
        run,
        lambda msg: _challenges_page(
            request, session, principal, None, 1, error=msg, form=form.as_dict(), code=422
        ),
    )


@router.post("/transfer/challenges/screen", **requires("transfer.challenge.manage"))
def screen(request: Request, session: SessionDep, principal: PrincipalDep) -> Response:
    challenges.screen(session, principal, today())
    return redirect("/transfer/challenges", "screened")


def _challenge_page(
    request: Request,
    session: Session,
    principal: PrincipalDep,
    challenge_id: int,
    *,
    error: str | None = None,
    code: int = 200,
) -> HTMLResponse:
    detail = tq.challenge_detail(session, principal, challenge_id, today())
    context = {
        "c": detail,
        "experts": tq.expert_choices(session, detail["cluster_id"]) if detail["can_score"] else [],
        "error": error,
    }
    return render_page(request, session, "transfer/challenge.html", context, code, section="challenges")


@router.get("/transfer/challenges/{challenge_id}", **requires("transfer.view"))
def challenge_page(
    request: Request, session: SessionDep, principal: PrincipalDep, challenge_id: int
) -> HTMLResponse:
    return _challenge_page(request, session, principal, challenge_id)


def _challenge_post(
    request: Request, session: Session, principal: PrincipalDep, challenge_id: int, run_action: Any, done: str
) -> Response:
    def run() -> Response:
        run_action()
        return redirect(f"/transfer/challenges/{challenge_id}", done)

    return attempt(
        session,
        run,
        lambda msg: _challenge_page(request, session, principal, challenge_id, error=msg, code=422),
    )


@router.post("/transfer/challenges/{challenge_id}/action", **requires("transfer.challenge.manage"))
def challenge_action(
    request: Request, session: SessionDep, principal: PrincipalDep, challenge_id: int, form: FormDep
) -> Response:
    """Staff: review / select / reject / publish / complete / close (the firm withdraws with /withdraw)."""
    values = form.as_dict()
    if values.get("action") == "withdraw":
        raise AccessDenied("撤回难题由出题企业办理")
    return _challenge_post(
        request,
        session,
        principal,
        challenge_id,
        lambda: act.act_challenge(session, principal, challenge_id, values),
        "challenge_changed",
    )


@router.post("/transfer/challenges/{challenge_id}/withdraw", **requires("transfer.firm.act"))
def withdraw_challenge(
    request: Request, session: SessionDep, principal: PrincipalDep, challenge_id: int, form: FormDep
) -> Response:
    values = {"action": "withdraw", "reason": form.get("reason", "")}
    return _challenge_post(
        request,
        session,
        principal,
        challenge_id,
        lambda: act.act_challenge(session, principal, challenge_id, values),
        "challenge_changed",
    )


@router.post("/transfer/challenges/{challenge_id}/scores", **requires("transfer.challenge.manage"))
def score_challenge(
    request: Request, session: SessionDep, principal: PrincipalDep, challenge_id: int, form: FormDep
) -> Response:
    return _challenge_post(
        request,
        session,
        principal,
        challenge_id,
        lambda: act.score_challenge(session, principal, challenge_id, form.as_dict()),
        "scored",
    )


@router.post("/transfer/challenges/{challenge_id}/applications", **requires("transfer.challenge.apply"))
def apply_challenge(
    request: Request, session: SessionDep, principal: PrincipalDep, challenge_id: int, form: FormDep
) -> Response:
    return _challenge_post(
        request,
        session,
        principal,
        challenge_id,
        lambda: act.apply_challenge(session, principal, challenge_id, form.as_dict()),
        "applied",
    )


@router.post("/transfer/applications/{application_id}/choose", **requires("transfer.challenge.choose"))
def choose_application(
    request: Request, session: SessionDep, principal: PrincipalDep, application_id: int
) -> Response:
    challenge_id = tq.challenge_of_application(session, application_id)
    return _challenge_post(
        request,
        session,
        principal,
        challenge_id,
        lambda: act.choose_application(session, principal, application_id),
        "chosen",
    )
