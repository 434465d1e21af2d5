"""District decomposition (目标分解): default shares from the rulebook (an assumption), edits appended
to table ``target_allocation`` (who, when, why; never updated), current = latest edit else default."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from decimal import Decimal
from importlib import resources
from typing import Any

import sqlalchemy as sa
import yaml

from innopoints.adapters.db.targets_tables import TargetAllocation
from innopoints.errors import UserError
from innopoints.region import Region

BP = 10000


@dataclass(frozen=True)
class DefaultAllocation:
    year: int
    label: str
    source: str
    indicators: tuple[str, ...]
    shares_bp: dict[str, int]
    serious_below: Decimal


def load_default(region: Region, year: int, region_id: str = "shenyang") -> DefaultAllocation:
    name = f"targets_allocation_{year}.yaml"
    node = resources.files("innopoints.rulebook").joinpath(region_id).joinpath(name)
    if not node.is_file():
        raise UserError(f"未找到 {year} 年目标分解文件 (no rulebook/{region_id}/{name})")
    raw: dict[str, Any] = yaml.safe_load(node.read_text("utf-8"))
    shares = {str(k): int(v) for k, v in raw["shares_bp"].items()}
    codes = {d.id for d in region.districts}
    problems = []
    if set(shares) != codes:
        problems.append(f"区县不一致 (districts differ from region.yaml): {sorted(set(shares) ^ codes)}")
    if sum(shares.values()) != BP:
        problems.append(f"份额合计 {sum(shares.values())}，应为 {BP} (shares must sum to 10000 bp)")
    if int(raw["year"]) != year:
        problems.append(f"year 应为 {year}")
    if problems:
        raise UserError(f"{name}: " + "；".join(problems))
    return DefaultAllocation(
        year=year,
        label=str(raw["label"]),
        source=str(raw["source"]),
        indicators=tuple(raw["indicators"]),
        shares_bp=shares,
        serious_below=Decimal(str(raw["serious_below"])),
    )


def split(total: int, shares_bp: dict[str, int]) -> dict[str, int]:
    """Largest-remainder split of an integer total: parts add up to ``total`` exactly."""
    floors = {d: total * s // BP for d, s in shares_bp.items()}
    rest = total - sum(floors.values())
    order = sorted(shares_bp, key=lambda d: (-(total * shares_bp[d] % BP), d))
    for d in order[:rest]:
        floors[d] += 1
    return floors


@dataclass(frozen=True)
class DistrictTarget:
    district: str
    value: int
    edited: bool
    changed_by: str | None
    changed_at: dt.datetime | None
    reason: str | None


def current(
    conn: sa.Connection, default: DefaultAllocation, indicator: str, city_target: int
) -> dict[str, DistrictTarget]:
    base = split(city_target, default.shares_bp)
    out = {d: DistrictTarget(d, v, False, None, None, None) for d, v in base.items()}
    t = TargetAllocation.__table__.c
    latest = (
        sa.select(sa.func.max(t.id))
        .where(t.year == default.year, t.indicator == indicator)
        .group_by(t.district_code)
    )
    rows = conn.execute(
        sa.select(t.district_code, t.value, t.changed_by, t.changed_at, t.reason).where(t.id.in_(latest))
    ).all()
    for d, v, by, at, why in rows:
        out[d] = DistrictTarget(d, int(v), True, by, at, why)
    return out


def record_change(
    conn: sa.Connection,
    region: Region,
    default: DefaultAllocation,
    *,
    indicator: str,
    district: str,
    value: int,
    changed_by: str,
    reason: str,
    at: dt.datetime,
) -> int:
    if indicator not in default.indicators:
        raise UserError(
            f"指标 {indicator} 不做区县分解 (not decomposed; choose: {', '.join(default.indicators)})"
        )
    if district not in {d.id for d in region.districts}:
        raise UserError(f"未知区县代码 {district} (unknown district code)")
    if value < 0:
        raise UserError("目标值不能为负 (target must not be negative)")
    if not changed_by.strip() or not reason.strip():
        raise UserError("须填写修改人和修改原因 (who and why are required)")
    result = conn.execute(
        sa.insert(TargetAllocation).values(
            year=default.year,
            indicator=indicator,
            district_code=district,
            value=value,
            changed_by=changed_by.strip(),
            changed_at=at,
            reason=reason.strip(),
        )
    )
    key = result.inserted_primary_key
    assert key is not None
    return int(key[0])


def history(conn: sa.Connection, year: int, indicator: str | None = None) -> list[dict[str, Any]]:
    t = TargetAllocation.__table__.c
    query = sa.select(
        t.id, t.indicator, t.district_code, t.value, t.changed_by, t.changed_at, t.reason
    ).where(t.year == year)
    if indicator is not None:
        query = query.where(t.indicator == indicator)
    return [dict(r._mapping) for r in conn.execute(query.order_by(t.id)).all()]
