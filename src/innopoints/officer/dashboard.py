"""The 首页 dashboard: 2026 targets (live value, progress, year-end projection), the latest round by
district, the ladder funnel, the points distribution and the movers since the previous round.

An officer's firm-level figures (funnel, histogram, movers) are limited to their scope; the by-district bars
show every district (counts only) with theirs highlighted, and the targets show their district's share.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

from sqlalchemy.orm import Session

from innopoints.accounts.principal import Principal
from innopoints.officer import results as res
from innopoints.officer import stats
from innopoints.officer.scope import city_firms, scope_label, scoped_firms, with_names
from innopoints.region import Region
from innopoints.scoring.rulebook import PointsRulebook
from innopoints.targets.report import TargetsReport, build_report, fmt

TARGET_YEAR = 2026


def target_day(today: dt.date, year: int = TARGET_YEAR) -> dt.date:
    """The as-of date of the targets report: today, clamped into the target year."""
    return max(dt.date(year, 1, 1), min(today, dt.date(year, 12, 31)))


def _pct(value: Decimal | None, target: Decimal) -> Decimal | None:
    if value is None or target == 0:
        return None
    return (value * 100 / target).quantize(Decimal("0.1"))


def targets_view(report: TargetsReport, district: str | None) -> dict[str, Any]:
    """The report as display rows: every target with texts in its unit; ``district`` rows for an officer."""
    measured: list[dict[str, Any]] = []
    unmeasured: list[dict[str, Any]] = []
    for row in report.indicators:
        item = {
            "id": row.id,
            "name": row.name,
            "unit": row.unit,
            "target_text": fmt(row.target, row.unit),
            "current_text": fmt(row.current, row.unit),
            "projection_text": fmt(row.projection, row.unit),
            "progress_pct": row.progress_pct,
            "projection_pct": _pct(row.projection, row.target),
            "status": row.status,
            "method": row.method,
            "definition": row.definition,
        }
        (measured if row.measured else unmeasured).append(item)
    districts = [
        {
            "indicator": d.indicator_name,
            "unit": d.unit,
            "district": d.district_name,
            "target_text": fmt(d.target, d.unit),
            "current_text": fmt(d.current, d.unit),
            "projection_text": fmt(d.projection, d.unit),
            "progress_pct": d.progress_pct,
            "status": d.status,
            "edited": d.edited,
        }
        for d in report.districts
        if district is None or d.district == district
    ]
    return {
        "year": report.year,
        "as_of": report.as_of,
        "source": report.source,
        "allocation_label": report.allocation_label,
        "measured": measured,
        "unmeasured": unmeasured,
        "districts": districts,
        "alerts": report.alerts,
    }


def build_dashboard(
    session: Session,
    region: Region,
    region_id: str,
    rb: PointsRulebook,
    principal: Principal,
    today: dt.date,
) -> dict[str, Any]:
    report = build_report(session.connection(), TARGET_YEAR, target_day(today), region, region_id)
    own_district = None if principal.is_admin else principal.district_code
    rounds = res.rounds(session, rb.version_hash)
    view: dict[str, Any] = {
        "scope": scope_label(principal, region),
        "own_district": own_district,
        "targets": targets_view(report, own_district),
        "round": None,
        "previous": None,
    }
    if not rounds:
        return view
    latest = rounds[0]
    firms = scoped_firms(session, principal)
    all_results = res.round_results(session, latest.id)
    city = with_names(all_results, firms if principal.is_admin else city_firms(session), region)
    mine = with_names(all_results, firms, region)
    view["round"] = latest
    view["summary"] = stats.summary(mine)
    view["histogram"] = stats.histogram(mine)
    view["funnel"] = stats.funnel(mine, rb)
    view["by_district"] = stats.by_district(city, region)
    previous = res.previous_round(rounds, latest.id)
    if previous is not None:
        view["previous"] = previous
        view["movers"] = stats.movers(res.round_results(session, previous.id), all_results, firms, region)
    return view
