"""PDF reports: ``/enterprises/{uscc}/report.pdf`` (the profile for a bank's credit file; scope-checked — a bank
needs a live consent covering ``profile`` — and audited as ``export_profile``) and ``/dashboard/report.pdf``
(the city dashboard: targets progress by district, for admins and officers)."""

from __future__ import annotations

import datetime as dt
from collections import Counter
from typing import Annotated, Any

from fastapi import APIRouter, Query, Request
from fastapi.responses import Response

from innopoints.accounts.access import require
from innopoints.adapters.db import enterprise_repo, panel_repo
from innopoints.profile.service import page_summary
from innopoints.registry.panel import source_label
from innopoints.reports import dashboard_pdf, profile_pdf
from innopoints.scoring.rulebook import load_points
from innopoints.targets.report import TARGET_YEARS, build_report
from innopoints.web.deps import DirectoryDep
from innopoints.web.routes.cultivation_common import download
from innopoints.web.services import not_found

router = APIRouter(tags=["报告 (reports)"])
PDF: dict[int | str, dict[str, Any]] = {200: {"content": {"application/pdf": {}}}}


@router.get(
    "/enterprises/{uscc}/report.pdf",
    operation_id="enterprise_profile_pdf",
    summary="企业画像报告 PDF（积分与排名、分组得分雷达、趋势、梯度与差距、资格判断、数据来源）",
    response_class=Response,
    responses=PDF,
)
def profile_report(request: Request, directory: DirectoryDep, uscc: str) -> Response:
    firm = directory.enterprise_for_read(uscc.strip(), "export_profile", part="profile")
    session = directory.session
    detail = enterprise_repo.detail(session, directory.region, firm.uscc, as_of=directory.today)
    if detail is None:
        raise not_found(uscc)
    s = detail.summary
    current = panel_repo.current_values(session, [firm.id])
    counts = Counter(source_label(rev.source) for rev in current.values())
    principal = directory.actor.principal
    report = profile_pdf.ProfileReport(
        firm=profile_pdf.FirmFacts(
            uscc=s.uscc,
            name=s.name,
            district=f"{s.district_name}（{s.district_code}）",
            park=s.park_name,
            cluster=s.cluster_name,
            registration_date=s.registration_date,
            listed=s.listed,
            is_synthetic=s.is_synthetic,
            qualifications=s.qualification_labels,
        ),
        profile=page_summary(session, load_points(request.app.state.settings.region), firm.uscc),
        sources=counts.most_common(),
        panel_years=sorted({year for (_, year, _) in current}),
        generated_at=dt.datetime.now(dt.UTC),
        generated_by=f"{principal.display_name}（{principal.role_label}）",
    )
    return download(profile_pdf.render(report), "pdf", f"企业画像报告_{s.uscc}_{dt.date.today():%Y%m%d}")


@router.get(
    "/dashboard/report.pdf",
    operation_id="dashboard_pdf",
    summary="全市看板报告 PDF（年度目标进度、区县进度图表、预警）",
    response_class=Response,
    responses=PDF,
)
def dashboard_report(
    request: Request,
    directory: DirectoryDep,
    year: Annotated[int, Query(ge=2000, le=2100, description="目标年度")] = TARGET_YEARS[-1],
) -> Response:
    principal = directory.actor.principal
    require(principal, "dashboard.view")
    overview = directory.overview()
    container = request.app.state.container
    as_of = min(dt.date.today(), dt.date(year, 12, 31))
    targets = build_report(
        directory.session.connection(), year, as_of, container.region, container.settings.region
    )
    report = dashboard_pdf.DashboardReport(
        region_name=container.region.name_zh,
        overview=overview,
        targets=targets,
        synthetic=directory.is_synthetic(),
        generated_at=dt.datetime.now(dt.UTC),
        generated_by=f"{principal.display_name}（{principal.role_label}）",
    )
    return download(dashboard_pdf.render(report), "pdf", f"看板报告_{year}_{dt.date.today():%Y%m%d}")
