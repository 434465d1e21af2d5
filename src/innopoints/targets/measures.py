"""Live values of the target indicators, computed from the records (never typed in).

Every measure gives, on a date ``day`` of year ``Y``, the city value and the value per district.

| indicator | kind | definition |
|---|---|---|
| tech_enterprises_total | stock (家) | firms active on ``day`` (registered, not exited) holding on ``day`` a valid 科技型企业 qualification: 科技型中小企业入库, 高新技术企业, 雏鹰, 瞪羚, 种子/潜在独角兽, 独角兽 or 科技领军 |
| eaglet_gazelle_unicorn_total | stock (家) | firms active on ``day`` with a valid 雏鹰/瞪羚/种子独角兽/潜在独角兽/独角兽 qualification |
| tech_contract_turnover_yuan | flow (元) | amount of contracts with status ``registered`` and 登记日期 ``decided_on`` in [1 Jan Y, day]; district of the contract |
| concept_verification_and_pilot_carriers | stock (个) | 中试基地 and 概念验证中心 established on or before ``day`` |
| tech_brokers_cumulative | stock (名) | 技术经纪人 certified on or before ``day`` |

A qualification is valid on ``day`` when granted on or before it, not revoked by it, and ``day`` is not
after its expiry (an absent expiry means 31 December of the qualification year).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass
from decimal import Decimal
from typing import Any, Literal

import sqlalchemy as sa

from innopoints.adapters.db.tables import Broker, Enterprise, PilotBase, Qualification, TechContract

TECH_KINDS = (
    "tech_sme",
    "high_tech_enterprise",
    "eaglet",
    "gazelle",
    "seed_unicorn",
    "potential_unicorn",
    "unicorn",
    "tech_leader",
)
LADDER_KINDS = ("eaglet", "gazelle", "seed_unicorn", "potential_unicorn", "unicorn")


@dataclass(frozen=True)
class Measured:
    """City total and per-district values (Decimal in the target's unit)."""

    total: Decimal
    by_district: dict[str, Decimal]


Kind = Literal["stock", "flow"]


def _valid_on(day: dt.date) -> sa.ColumnElement[bool]:
    q = Qualification.__table__.c
    return sa.and_(
        q.granted_on <= day,
        sa.or_(q.revoked_on.is_(None), q.revoked_on > day),
        sa.or_(
            sa.and_(q.expires_on.is_(None), q.year >= day.year),
            sa.and_(q.expires_on.is_not(None), q.expires_on >= day),
        ),
    )


def _active_on(day: dt.date) -> sa.ColumnElement[bool]:
    e = Enterprise.__table__.c
    return sa.and_(e.registration_date <= day, sa.or_(e.exit_date.is_(None), e.exit_date > day))


def _grouped(conn: sa.Connection, query: sa.Select[Any]) -> Measured:
    by = {str(d): Decimal(int(v)) for d, v in conn.execute(query).all()}
    return Measured(sum(by.values(), Decimal(0)), by)


def _qualified_firms(conn: sa.Connection, day: dt.date, kinds: tuple[str, ...]) -> Measured:
    e, q = Enterprise.__table__.c, Qualification.__table__.c
    holders = sa.select(q.enterprise_id).where(q.kind.in_(kinds), _valid_on(day))
    query = (
        sa.select(e.district_code, sa.func.count())
        .where(_active_on(day), e.id.in_(holders))
        .group_by(e.district_code)
    )
    return _grouped(conn, query)


def tech_enterprises(conn: sa.Connection, day: dt.date) -> Measured:
    return _qualified_firms(conn, day, TECH_KINDS)


def ladder_enterprises(conn: sa.Connection, day: dt.date) -> Measured:
    return _qualified_firms(conn, day, LADDER_KINDS)


def contract_turnover_fen(conn: sa.Connection, start: dt.date, end: dt.date) -> Measured:
    """Registered contract amounts decided in [start, end], in fen."""
    t = TechContract.__table__.c
    query = (
        sa.select(t.district_code, sa.func.coalesce(sa.func.sum(t.amount_fen), 0))
        .where(t.status == "registered", t.decided_on >= start, t.decided_on <= end)
        .group_by(t.district_code)
    )
    return _grouped(conn, query)


def contract_turnover(conn: sa.Connection, day: dt.date) -> Measured:
    fen = contract_turnover_fen(conn, dt.date(day.year, 1, 1), day)
    return Measured(fen.total / 100, {d: v / 100 for d, v in fen.by_district.items()})


def carriers(conn: sa.Connection, day: dt.date) -> Measured:
    p = PilotBase.__table__.c
    query = (
        sa.select(p.district_code, sa.func.count()).where(p.established_on <= day).group_by(p.district_code)
    )
    return _grouped(conn, query)


def brokers(conn: sa.Connection, day: dt.date) -> Measured:
    b = Broker.__table__.c
    query = sa.select(b.district_code, sa.func.count()).where(b.certified_on <= day).group_by(b.district_code)
    return _grouped(conn, query)


@dataclass(frozen=True)
class MeasureDef:
    kind: Kind
    compute: Callable[[sa.Connection, dt.date], Measured]
    definition: str


MEASURES: dict[str, MeasureDef] = {
    "tech_enterprises_total": MeasureDef(
        "stock",
        tech_enterprises,
        "在营且持有有效科技型企业资质（科技型中小企业入库、高企、雏鹰/瞪羚/独角兽、科技领军）的企业数",
    ),
    "eaglet_gazelle_unicorn_total": MeasureDef(
        "stock", ladder_enterprises, "在营且持有有效雏鹰/瞪羚/种子独角兽/潜在独角兽/独角兽资格的企业数"
    ),
    "tech_contract_turnover_yuan": MeasureDef(
        "flow", contract_turnover, "当年登记（decided_on）且状态为已登记的技术合同成交额合计"
    ),
    "concept_verification_and_pilot_carriers": MeasureDef(
        "stock", carriers, "截至当日已设立的中试基地与概念验证中心数"
    ),
    "tech_brokers_cumulative": MeasureDef("stock", brokers, "截至当日已取得证书的技术经纪人数（累计）"),
}
NO_SOURCE = "无数据来源"
