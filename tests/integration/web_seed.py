"""A small, fully known enterprise directory for the web and export tests (inserted through the
tables and ``panel_repo``, like the importers do)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, date, datetime
from decimal import Decimal

from innopoints.adapters.db import panel_repo
from innopoints.adapters.db.engine import unit_of_work
from innopoints.adapters.db.tables import Enterprise, NegativeRecord, Qualification
from innopoints.bootstrap import Container
from innopoints.registry.panel import PanelValue
from innopoints.registry.uscc import build

ROBOT = build("9", "1", "210112", "MA0000001")
MATERIALS = build("9", "1", "210106", "MA0000002")
SCRIPT = build("9", "1", "210102", "MA0000003")
SCRIPT_NAME = "沈阳和平<script>alert('x')</script>信息有限公司"
FILLERS = 45  # firms in 于洪区 (210114), enough for three pages of 20
FILLER_PREFIX = "沈阳于洪汽车零部件有限公司"


@dataclass(frozen=True)
class Seeded:
    robot: int
    materials: int
    script: int


def filler_uscc(i: int) -> str:
    return build("9", "1", "210114", f"MB{i:07d}")


def seed(container: Container, *, synthetic: bool = False) -> Seeded:
    with unit_of_work(container.sessions) as s:
        robot = Enterprise(
            uscc=ROBOT,
            name="沈阳浑南机器人科技有限公司",
            registration_date=date(2015, 3, 1),
            district_code="210112",
            park_id="hunnan_science_city",
            cluster_id="robotics",
            high_tech_field_id="advanced_manufacturing",
            listed=False,
            is_synthetic=synthetic,
        )
        materials = Enterprise(
            uscc=MATERIALS,
            name="沈阳铁西新材料股份有限公司",
            registration_date=date(2008, 7, 15),
            district_code="210106",
            park_id="economic_dev_zone",
            cluster_id="new_materials",
            high_tech_field_id="new_materials",
            listed=True,
            is_synthetic=synthetic,
        )
        script = Enterprise(
            uscc=SCRIPT,
            name=SCRIPT_NAME,
            registration_date=date(2020, 1, 2),
            district_code="210102",
            cluster_id="next_gen_it",
            listed=False,
            is_synthetic=synthetic,
        )
        s.add_all([robot, materials, script])
        for i in range(1, FILLERS + 1):
            s.add(
                Enterprise(
                    uscc=filler_uscc(i),
                    name=f"{FILLER_PREFIX}{i:02d}",
                    registration_date=date(2010, 1, 1).replace(year=2010 + i % 10, month=1 + i % 12),
                    district_code="210114",
                    cluster_id="auto_parts",
                    is_synthetic=synthetic,
                )
            )
        s.flush()
        s.add_all(
            [
                Qualification(
                    enterprise_id=robot.id,
                    kind="tech_sme",
                    reference_no="2024210112000123",
                    year=2024,
                    granted_on=date(2024, 5, 20),
                    expires_on=None,
                    source="market_regulation",
                ),
                Qualification(
                    enterprise_id=materials.id,
                    kind="high_tech_enterprise",
                    reference_no="GR202321000456",
                    year=2023,
                    granted_on=date(2023, 11, 1),
                    expires_on=date(2099, 10, 31),
                    source="market_regulation",
                ),
                Qualification(
                    enterprise_id=materials.id,
                    kind="gazelle",
                    year=2024,
                    granted_on=date(2024, 9, 1),
                    source="market_regulation",
                ),
                Qualification(  # expired long ago: shown on the profile, not counted as valid
                    enterprise_id=script.id,
                    kind="tech_sme",
                    year=2019,
                    granted_on=date(2019, 5, 1),
                    expires_on=date(2019, 12, 31),
                    source="market_regulation",
                ),
            ]
        )
        s.add(
            NegativeRecord(
                enterprise_id=script.id,
                kind="abnormal_operation_list",
                occurred_on=date(2023, 3, 9),
                description="未按期公示年度报告",
                source="market_regulation",
            )
        )
        ids = Seeded(robot.id, materials.id, script.id)
    _panel(container, ids)
    return ids


def _panel(container: Container, ids: Seeded) -> None:
    first = datetime(2025, 4, 30, 9, 0, tzinfo=UTC)
    later = datetime(2025, 6, 15, 14, 30, tzinfo=UTC)
    values = [
        PanelValue(ids.robot, 2023, "operating_revenue", Decimal("52000000.00")),
        PanelValue(ids.robot, 2024, "operating_revenue", Decimal("61234567.89")),
        PanelValue(ids.robot, 2024, "rd_expense", Decimal("1800000.00")),
        PanelValue(ids.robot, 2024, "employees", Decimal("120")),
        PanelValue(ids.materials, 2024, "operating_revenue", Decimal("980000000.00")),
        PanelValue(ids.materials, 2024, "rd_expense", Decimal("45000000.00")),
        PanelValue(ids.script, 2024, "operating_revenue", Decimal("3000000.00")),
        PanelValue(ids.script, 2024, "rd_expense", Decimal("90000.00")),
    ]
    with unit_of_work(container.sessions) as s:
        panel_repo.append_values(s, values, source="tax", source_ref="税务接口 2025-04", recorded_at=first)
    with unit_of_work(container.sessions) as s:
        panel_repo.append_values(
            s,
            [PanelValue(ids.robot, 2024, "rd_expense", Decimal("1860000.50"))],
            source="self_reported",
            source_ref="企业自报更正",
            recorded_at=later,
        )
