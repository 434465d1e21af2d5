"""The targets report: every target of the year with its live value, progress, projection and alerts,
and the district decomposition of the measured indicators.

With an ``actor`` (the web layer): capability ``targets.view``; a district officer sees the city rows and
their own district's rows and alerts only, a park officer the city rows (targets are not split by park)."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

import sqlalchemy as sa

from innopoints.accounts.context import Actor
from innopoints.errors import UserError
from innopoints.region import Region, load_region
from innopoints.registry.scope import check
from innopoints.targets import allocation as alloc
from innopoints.targets.measures import MEASURES, NO_SOURCE, Measured, contract_turnover_fen
from innopoints.targets.projection import TrendInputs, project

TARGET_YEARS = (2026,)
DISTRICT_ALERT = "【区县严重滞后】{district} · "


@dataclass
class IndicatorRow:
    id: str
    name: str
    unit: str
    kind: str
    target: Decimal
    measured: bool
    definition: str
    current: Decimal | None = None
    progress_pct: Decimal | None = None
    projection: Decimal | None = None
    method: str = ""
    status: str = NO_SOURCE


@dataclass
class DistrictRow:
    indicator: str
    indicator_name: str
    unit: str
    district: str
    district_name: str
    target: int
    edited: bool
    current: Decimal
    progress_pct: Decimal | None
    projection: Decimal
    status: str


@dataclass
class MonthRow:
    month: int
    current_yuan: Decimal | None
    previous_yuan: Decimal


@dataclass
class TargetsReport:
    year: int
    as_of: dt.date
    source: str
    allocation_label: str
    indicators: list[IndicatorRow]
    districts: list[DistrictRow]
    months: list[MonthRow]
    alerts: list[str] = field(default_factory=list)


def _places(unit: str) -> int:
    return 2 if unit == "元" else 0


def _pct(current: Decimal, target: Decimal) -> Decimal | None:
    if target == 0:
        return None
    return (current * 100 / target).quantize(Decimal("0.1"))


def _status(projection: Decimal, target: Decimal, serious_below: Decimal) -> str:
    if projection >= target:
        return "预计达标"
    return "严重滞后" if projection < target * serious_below else "滞后"


def fmt(value: Decimal | int | None, unit: str) -> str:
    if value is None:
        return "—"
    if unit == "元":
        return f"{Decimal(value) / Decimal(100000000):,.2f} 亿元"
    if unit == "%":
        return f"{Decimal(value) * 100:.0f}%"
    return f"{Decimal(value):,f} {unit}".replace(".00 ", " ")


def _trends(
    conn: sa.Connection, kind: str, measure: Any, day: dt.date
) -> tuple[Measured, dict[str, TrendInputs], TrendInputs]:
    now = measure(conn, day)
    codes = set(now.by_district)
    if kind == "stock":
        start = measure(conn, dt.date(day.year - 1, 12, 31))
        codes |= set(start.by_district)
        per = {
            d: TrendInputs(now.by_district.get(d, Decimal(0)), start=start.by_district.get(d, Decimal(0)))
            for d in codes
        }
        return now, per, TrendInputs(now.total, start=start.total)
    prev_same = _yuan(contract_turnover_fen(conn, dt.date(day.year - 1, 1, 1), _same_day(day)))
    prev_full = _yuan(contract_turnover_fen(conn, dt.date(day.year - 1, 1, 1), dt.date(day.year - 1, 12, 31)))
    codes |= set(prev_full.by_district)
    per = {
        d: TrendInputs(
            now.by_district.get(d, Decimal(0)),
            previous_same_period=prev_same.by_district.get(d, Decimal(0)),
            previous_full_year=prev_full.by_district.get(d, Decimal(0)),
        )
        for d in codes
    }
    return (
        now,
        per,
        TrendInputs(now.total, previous_same_period=prev_same.total, previous_full_year=prev_full.total),
    )


def _same_day(day: dt.date) -> dt.date:
    try:
        return day.replace(year=day.year - 1)
    except ValueError:  # 29 February
        return dt.date(day.year - 1, 2, 28)


def _yuan(m: Measured) -> Measured:
    return Measured(m.total / 100, {d: v / 100 for d, v in m.by_district.items()})


def months(conn: sa.Connection, day: dt.date) -> list[MonthRow]:
    """Registered contract turnover per month of the year (to ``day``) and of the previous year."""
    out = []
    for m in range(1, 13):
        first, prev_first = dt.date(day.year, m, 1), dt.date(day.year - 1, m, 1)
        last = (dt.date(day.year + (m == 12), m % 12 + 1, 1)) - dt.timedelta(days=1)
        prev_last = (dt.date(day.year - 1 + (m == 12), m % 12 + 1, 1)) - dt.timedelta(days=1)
        prev = contract_turnover_fen(conn, prev_first, prev_last).total / 100
        cur = None if first > day else contract_turnover_fen(conn, first, min(last, day)).total / 100
        out.append(MonthRow(m, cur, prev))
    return out


def districts_in_scope(actor: Actor | None) -> frozenset[str] | None:
    """The district codes whose decomposition the actor may see; ``None``: every district."""
    if actor is None or actor.principal.is_admin:
        return None
    code = actor.principal.district_code
    return frozenset({code}) if code else frozenset()


def _restrict(report: TargetsReport, region: Region, visible: frozenset[str] | None) -> TargetsReport:
    if visible is None:
        return report
    hidden = tuple(DISTRICT_ALERT.format(district=d.name_zh) for d in region.districts if d.id not in visible)
    report.districts = [d for d in report.districts if d.district in visible]
    report.alerts = [a for a in report.alerts if not a.startswith(hidden)]
    return report


def build_report(
    conn: sa.Connection,
    year: int,
    as_of: dt.date,
    region: Region | None = None,
    region_id: str = "shenyang",
    *,
    actor: Actor | None = None,
) -> TargetsReport:
    check(actor, "targets.view")
    if year not in TARGET_YEARS:
        raise UserError(f"没有 {year} 年的目标 (no targets for {year}; available: {TARGET_YEARS})")
    if as_of.year != year:
        raise UserError(
            f"统计日期 {as_of.isoformat()} 不在 {year} 年内 (as-of date must lie in the target year)"
        )
    region = region or load_region(region_id)
    default = alloc.load_default(region, year, region_id)
    report = TargetsReport(year, as_of, str(region.source), default.label, [], [], months(conn, as_of))
    for tid, spec in region.targets_2026.items():
        target = Decimal(str(spec["value"]))
        unit = str(spec["unit"])
        measure = MEASURES.get(tid)
        row = IndicatorRow(
            tid,
            spec["name_zh"],
            unit,
            spec["kind"],
            target,
            measure is not None,
            measure.definition if measure else "平台数据中没有该指标的记录",
        )
        report.indicators.append(row)
        if measure is None:
            continue
        now, per, city = _trends(conn, measure.kind, measure.compute, as_of)
        row.current = now.total
        row.progress_pct = _pct(now.total, target)
        row.projection, row.method = project(measure.kind, city, as_of, _places(unit))
        row.status = _status(row.projection, target, default.serious_below)
        if row.status != "预计达标":
            report.alerts.append(
                f"【{row.status}】{row.name}：预计年底 {fmt(row.projection, unit)}，目标 {fmt(target, unit)}，"
                f"当前 {fmt(row.current, unit)}（{row.method}）"
            )
        if tid in default.indicators:
            _districts(conn, report, region, default, row, per, as_of)
    return _restrict(report, region, districts_in_scope(actor))


def _districts(
    conn: sa.Connection,
    report: TargetsReport,
    region: Region,
    default: alloc.DefaultAllocation,
    row: IndicatorRow,
    per: dict[str, TrendInputs],
    as_of: dt.date,
) -> None:
    if row.target != row.target.to_integral_value():
        raise UserError(f"指标 {row.id} 的目标不是整数，无法分解 (target must be a whole number)")
    targets = alloc.current(conn, default, row.id, int(row.target))
    total = sum(t.value for t in targets.values())
    if total != int(row.target):
        report.alerts.append(
            f"【分解不一致】{row.name}：区县目标合计 {fmt(total, row.unit)}，全市目标 {fmt(row.target, row.unit)}"
        )
    for d in region.districts:
        t = targets[d.id]
        trend = per.get(d.id, TrendInputs(Decimal(0)))
        proj, _ = project(MEASURES[row.id].kind, trend, as_of, _places(row.unit))
        status = _status(proj, Decimal(t.value), default.serious_below)
        report.districts.append(
            DistrictRow(
                row.id,
                row.name,
                row.unit,
                d.id,
                d.name_zh,
                t.value,
                t.edited,
                trend.current,
                _pct(trend.current, Decimal(t.value)),
                proj,
                status,
            )
        )
        if status == "严重滞后":
            report.alerts.append(
                f"{DISTRICT_ALERT.format(district=d.name_zh)}{row.name}：预计 {fmt(proj, row.unit)}，区县目标 {fmt(t.value, row.unit)}"
            )
