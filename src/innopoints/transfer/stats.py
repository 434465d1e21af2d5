"""Technology-contract statistics: 输出 (seller side) and 吸纳 (buyer side) by type, field and district, and
turnover against the published figure and the 2026 target.

Only registered contracts count (未予登记 and 待登记 do not); a contract belongs to the year of its registration
decision (``decided_on``), as in ``targets.measures``. 输出 = contracts whose seller registered here, grouped
by the seller's district; 吸纳 = contracts whose buyer is in the city, grouped by the buyer's district.
Types registered by analogy (技术培训, 技术中介) are counted under the type they count as (技术服务).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from typing import Literal

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from innopoints.accounts.principal import Principal
from innopoints.adapters.db.tables import TechContract
from innopoints.errors import UserError
from innopoints.region import load_region
from innopoints.transfer.access import require_staff
from innopoints.transfer.rulebook import load_transfer_rulebook

By = Literal["type", "field", "district"]
Direction = Literal["output", "absorb"]
DIRECTION_ZH = {"output": "输出（卖方）", "absorb": "吸纳（买方）"}
BY_ZH = {"type": "合同类型", "field": "技术领域（产业集群）", "district": "区县"}


@dataclass(frozen=True)
class StatRow:
    key: str
    name: str
    contracts: int
    amount_fen: int  # 合同成交额
    technical_fen: int  # 技术交易额


@dataclass(frozen=True)
class ContractStats:
    year: int
    by: str
    direction: str
    rows: list[StatRow]

    @property
    def total(self) -> StatRow:
        return StatRow(
            "total",
            "合计",
            sum(r.contracts for r in self.rows),
            sum(r.amount_fen for r in self.rows),
            sum(r.technical_fen for r in self.rows),
        )


def _names(by: str) -> dict[str, str]:
    region = load_region()
    if by == "type":
        return {t.id: t.name.zh for t in load_transfer_rulebook().contracts.types}
    if by == "field":
        return {c.id: c.name_zh for c in region.clusters}
    return {d.id: d.name_zh for d in region.districts}


def contract_stats(
    session: Session, principal: Principal, year: int, by: str = "type", direction: str = "output"
) -> ContractStats:
    require_staff(principal, "查看技术合同统计")
    if by not in BY_ZH:
        raise UserError(f"统计维度“{by}”不存在，应为：type（合同类型）、field（技术领域）、district（区县）")
    if direction not in DIRECTION_ZH:
        raise UserError(f"统计方向“{direction}”不存在，应为：output（输出）、absorb（吸纳）")
    t = TechContract
    column = {
        "type": t.contract_type,
        "field": t.cluster_id,
        "district": t.district_code if direction == "output" else t.buyer_district_code,
    }[by]
    stmt = (
        select(column, func.count(), func.sum(t.amount_fen), func.sum(t.amount_fen - t.non_technical_fen))
        .where(t.status == "registered", t.decided_on >= date(year, 1, 1), t.decided_on <= date(year, 12, 31))
        .group_by(column)
    )
    if direction == "absorb":
        stmt = stmt.where(t.buyer_in_city.is_(True))
    names = _names(by)
    counts_as = {x.id: x.counts_as for x in load_transfer_rulebook().contracts.types if x.counts_as}
    merged: dict[str, list[int]] = {}
    for key, n, amount, tech in session.execute(stmt):
        k = str(key) if key else "unknown"
        if by == "type":
            k = counts_as.get(k) or k
        acc = merged.setdefault(k, [0, 0, 0])
        acc[0] += int(n)
        acc[1] += int(amount or 0)
        acc[2] += int(tech or 0)
    order = list(names) + sorted(k for k in merged if k not in names)
    rows = [
        StatRow(k, names.get(k, "未注明区县" if k == "unknown" else k), *merged[k])
        for k in order
        if k in merged
    ]
    return ContractStats(year, by, direction, rows)


@dataclass(frozen=True)
class TurnoverProgress:
    year: int
    as_of: date
    turnover_fen: int
    previous_same_period_fen: int
    previous_year_fen: int
    target_fen: int | None
    target_text: str
    published_fen: int | None  # the published figure for ``year`` if there is one
    published_text: str

    @property
    def progress(self) -> Decimal | None:
        if not self.target_fen:
            return None
        return Decimal(self.turnover_fen) / Decimal(self.target_fen)

    @property
    def required_growth(self) -> Decimal | None:
        """Growth over the previous full year that the target needs."""
        if not self.target_fen or not self.previous_year_fen:
            return None
        return Decimal(self.target_fen) / Decimal(self.previous_year_fen) - 1

    @property
    def growth(self) -> Decimal | None:
        if not self.previous_same_period_fen:
            return None
        return Decimal(self.turnover_fen) / Decimal(self.previous_same_period_fen) - 1


def _turnover(session: Session, start: date, end: date) -> int:
    t = TechContract
    value = session.scalar(
        select(func.coalesce(func.sum(t.amount_fen), 0)).where(
            t.status == "registered", t.decided_on >= start, t.decided_on <= end
        )
    )
    return int(value or 0)


def _same_day(day: date) -> date:
    try:
        return day.replace(year=day.year - 1)
    except ValueError:  # 29 February
        return day.replace(year=day.year - 1, day=28)


def turnover_progress(session: Session, principal: Principal, year: int, as_of: date) -> TurnoverProgress:
    """Registered turnover of ``year`` up to ``as_of`` against the target (920亿元 for 2026)."""
    require_staff(principal, "查看技术合同成交额进度")
    if as_of.year != year:
        raise UserError(f"统计日期 {as_of.isoformat()} 应在 {year} 年内")
    figures = load_transfer_rulebook().statistics.contract_turnover
    target = figures.target if figures.target.year == year else None
    published = figures.actual if figures.actual.year == year else None
    return TurnoverProgress(
        year=year,
        as_of=as_of,
        turnover_fen=_turnover(session, date(year, 1, 1), as_of),
        previous_same_period_fen=_turnover(session, date(year - 1, 1, 1), _same_day(as_of)),
        previous_year_fen=_turnover(session, date(year - 1, 1, 1), date(year - 1, 12, 31)),
        target_fen=None if target is None else target.value_yuan * 100,
        target_text="" if target is None else target.text,
        published_fen=None if published is None else published.value_yuan * 100,
        published_text="" if published is None else published.text,
    )
