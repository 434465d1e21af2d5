"""首页 dashboard (admin and officers): 2026 targets with progress and projection, the latest round by
district, the ladder funnel, the points distribution and this round's movers; every table exportable."""

from __future__ import annotations

import datetime as dt
from typing import Annotated, Any

from fastapi import APIRouter, Query, Request
from fastapi.responses import HTMLResponse, Response

from innopoints.accounts.access import require
from innopoints.errors import UserError
from innopoints.officer import dashboard
from innopoints.officer.rounds import MOVER_COLUMNS
from innopoints.officer.scope import scope_key
from innopoints.web.auth import ActorDep
from innopoints.web.deps import ContainerDep, DirectoryDep, SessionDep
from innopoints.web.routes import officer_common as oc
from innopoints.web.templating import render

router = APIRouter(tags=["页面 (pages)"], include_in_schema=False)

EXPORTS: dict[str, tuple[str, tuple[tuple[str, str], ...]]] = {
    "targets": (
        "年度目标进度",
        (
            ("name", "指标"),
            ("target_text", "目标"),
            ("current_text", "当前值"),
            ("progress_pct", "完成进度（%）"),
            ("projection_text", "年底预计"),
            ("projection_pct", "预计完成（%）"),
            ("status", "状态"),
            ("method", "预计方法"),
        ),
    ),
    "district_targets": (
        "区县目标分解",
        (
            ("district", "区县"),
            ("indicator", "指标"),
            ("target_text", "区县目标"),
            ("current_text", "当前值"),
            ("progress_pct", "完成进度（%）"),
            ("projection_text", "年底预计"),
            ("status", "状态"),
        ),
    ),
    "districts": (
        "各区县积分概况",
        (
            ("name", "区县"),
            ("firms", "参评企业（家）"),
            ("mean", "平均积分（分）"),
            ("top20", "前20%榜单企业（家）"),
        ),
    ),
    "funnel": (
        "梯度漏斗",
        (("name", "梯度"), ("at_or_above", "达到该梯度及以上（家）"), ("held", "当前处于该梯度（家）")),
    ),
    "histogram": ("积分分布", (("label", "积分区间（分）"), ("count", "企业数（家）"))),
    "movers_up": ("积分上升企业", MOVER_COLUMNS),
    "movers_down": ("积分下降企业", MOVER_COLUMNS),
}


def dashboard_data(
    request: Request, container: ContainerDep, session: SessionDep, actor: ActorDep
) -> dict[str, Any]:
    require(actor.principal, "dashboard.view")
    principal = actor.principal
    rb = oc.points_rulebook(request)
    data: dict[str, Any] = request.app.state.cache.get(
        f"officer:dashboard:{scope_key(principal)}",
        lambda: dashboard.build_dashboard(
            session, container.region, container.settings.region, rb, principal, dt.date.today()
        ),
    )
    return data


def _charts(data: dict[str, Any]) -> dict[str, Any]:
    targets = data["targets"]["measured"]
    charts: dict[str, Any] = {
        "targets": oc.chart(
            "hbar",
            categories=[t["name"] for t in targets],
            series=[
                {"name": "当前完成（%）", "data": [oc.num(t["progress_pct"]) for t in targets]},
                {"name": "年底预计（%）", "data": [oc.num(t["projection_pct"]) for t in targets]},
            ],
            unit="%",
            mark=100,
        )
    }
    if data["round"] is None:
        return charts
    districts = data["by_district"]
    own = data["own_district"]
    charts["districts"] = oc.chart(
        "bar",
        categories=[d["name"] for d in districts],
        series=[
            {"name": "参评企业（家）", "data": [d["firms"] for d in districts]},
            {
                "name": "平均积分（分）",
                "data": [oc.num(d["mean"]) for d in districts],
                "line": True,
                "axis": 1,
            },
        ],
        axes=["家", "分"],
        highlight=next((i for i, d in enumerate(districts) if d["code"] == own), None),
    )
    charts["funnel"] = oc.chart(
        "funnel", items=[{"name": f["name"], "value": f["at_or_above"]} for f in data["funnel"]], unit="家"
    )
    charts["histogram"] = oc.chart(
        "bar",
        categories=[b["label"] for b in data["histogram"]],
        series=[{"name": "企业数（家）", "data": [b["count"] for b in data["histogram"]]}],
        axes=["家"],
        xname="积分（分）",
    )
    return charts


@router.get("/dashboard", operation_id="page_dashboard", response_class=HTMLResponse)
def dashboard_page(
    request: Request, container: ContainerDep, session: SessionDep, actor: ActorDep, directory: DirectoryDep
) -> HTMLResponse:
    data = dashboard_data(request, container, session, actor)
    movers = data.get("movers")
    if movers is not None:
        shown = [r["uscc"] for r in (*movers.up, *movers.down)]
        oc.audit_listed(session, actor, "list_enterprises", shown, "首页：本批次积分升降")
    context = {
        "d": data,
        "charts": _charts(data),
        "region": container.region,
        "overview": directory.overview(),
    }
    return render(request, "dashboard.html", context, synthetic=oc.is_synthetic(request, session))


@router.get("/dashboard/export", operation_id="export_dashboard_part")
def export_dashboard(
    request: Request,
    container: ContainerDep,
    session: SessionDep,
    actor: ActorDep,
    part: Annotated[
        str,
        Query(
            description="导出哪一部分：targets、district_targets、districts、funnel、histogram、movers_up、movers_down"
        ),
    ],
    fmt: Annotated[str, Query(alias="format", description="xlsx 或 csv")] = "xlsx",
) -> Response:
    if part not in EXPORTS:
        raise UserError(f"参数 part：只能是 {'、'.join(EXPORTS)}，收到“{part}”")
    oc.check_format(fmt)
    data = dashboard_data(request, container, session, actor)
    title, columns = EXPORTS[part]
    rows: list[dict[str, Any]]
    if part == "targets":
        rows = data["targets"]["measured"]
    elif part == "district_targets":
        rows = data["targets"]["districts"]
    elif data["round"] is None:
        raise UserError("尚无积分评价批次，无可导出的数据：请先在“积分评价”页运行一个批次")
    elif part == "districts":
        rows = data["by_district"]
    elif part in ("funnel", "histogram"):
        rows = data[part]
    else:
        movers = data.get("movers")
        rows = [] if movers is None else (movers.up if part == "movers_up" else movers.down)
        oc.audit_listed(session, actor, "export_list", [r["uscc"] for r in rows], f"导出首页{title}")
    return oc.export(columns, rows, fmt, f"{title}_{dt.date.today():%Y%m%d}")
