"""The DB adapter turns Achievement / Demand / Expert / PilotService rows into matching records."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import sqlalchemy as sa
from sqlalchemy.orm import Session

from innopoints.adapters.db.tables import (
    Achievement,
    Demand,
    Enterprise,
    Expert,
    Institution,
    PilotBase,
    PilotService,
)
from innopoints.registry.uscc import build
from innopoints.transfer.db_records import load_achievements, load_demands, load_experts, load_pilot_services
from innopoints.transfer.matching.service import AchievementMatcher, experts_for_demand


def test_rows_become_records_and_match(engine: sa.Engine) -> None:
    with Session(engine) as session:
        inst = Institution(name="东北大学", kind="university", district_code="210102")
        firm = Enterprise(
            uscc=build("9", "1", "210100", "MA0C4K7T1"),
            name="沈阳某储能公司",
            registration_date=date(2020, 1, 1),
            district_code="210112",
            cluster_id="new_energy",
        )
        session.add_all([inst, firm])
        session.flush()
        session.add_all(
            [
                Achievement(
                    institution_id=inst.id,
                    title="电池荷电状态估计",
                    abstract="卡尔曼滤波估计锂电池剩余电量",
                    cluster_id="new_energy",
                    subfield="储能",
                    keywords="荷电状态；电池管理系统",
                    trl=7,
                    transfer_mode="转让",
                    price_fen=50_000_000,
                    published_on=date(2025, 5, 1),
                ),
                Achievement(
                    institution_id=inst.id,
                    title="水稻育秧",
                    abstract="寒地水稻壮苗",
                    cluster_id="modern_agriculture",
                    subfield="种植",
                    trl=8,
                    transfer_mode="许可",
                    price_fen=2_000_000,
                    published_on=date(2025, 5, 1),
                    status="withdrawn",
                ),
                Demand(
                    enterprise_id=firm.id,
                    title="储能电量不准",
                    description="剩余电量估计误差大",
                    cluster_id="new_energy",
                    budget_fen=80_000_000,
                    deadline=date(2026, 12, 31),
                    district_code="210112",
                    posted_on=date(2026, 1, 5),
                ),
                Expert(
                    name="王教授",
                    institution_id=inst.id,
                    title="教授",
                    cluster_id="new_energy",
                    keywords="电池管理系统,荷电状态",
                ),
            ]
        )
        base = PilotBase(
            name="新能源中试基地",
            kind="pilot",
            level="city",
            cluster_id="new_energy",
            district_code="210112",
            established_on=date(2022, 1, 1),
        )
        session.add(base)
        session.flush()
        session.add(
            PilotService(
                base_id=base.id,
                subfield="电池测试",
                name="电池安全测试",
                price_fen=5_000_000,
                capacity_per_year=100,
            )
        )
        session.commit()

        achievements = load_achievements(session)
        demands = load_demands(session)
        experts = load_experts(session)
        services = load_pilot_services(session)

    assert [a.title for a in achievements] == ["电池荷电状态估计"]  # withdrawn results are not offered
    assert achievements[0].price_yuan == Decimal("500000") and achievements[0].field == "新能源"
    assert achievements[0].keywords == ("荷电状态", "电池管理系统", "储能")
    assert demands[0].district == "浑南区" and demands[0].enterprise == "沈阳某储能公司"
    assert demands[0].budget_yuan == Decimal("800000")
    assert services[0].base_name == "新能源中试基地" and services[0].price_yuan == Decimal("50000")
    assert AchievementMatcher(achievements).rank_demand(demands[0], 1)[0].doc_id == achievements[0].id
    assert experts_for_demand(demands[0], experts, 1)[0].doc_id == experts[0].id
