"""A tiny 成果转化 world for the transfer tests: two institutions, three firms, achievements with inventors,
experts, brokers, one pilot base with a small-capacity menu, and principals for every role."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from sqlalchemy.orm import Session

from innopoints.accounts.principal import Principal
from innopoints.accounts.roles import Role
from innopoints.adapters.db.tables import (
    Achievement,
    AchievementInventor,
    Broker,
    Enterprise,
    Expert,
    Institution,
    PilotBase,
    PilotService,
)
from innopoints.registry.uscc import build

TODAY = date(2026, 3, 2)


@dataclass
class World:
    neu: int
    sut: int
    firm_a: int  # 浑南区 new energy
    firm_b: int  # 铁西区 robotics
    firm_c: int
    battery: int  # NEU achievement, 3 inventors
    coating: int  # SUT achievement, 2 inventors
    experts: list[int]
    brokers: list[int]
    base: int
    service: int  # capacity 2 per year
    admin: Principal
    officer: Principal

    def firm(self, enterprise_id: int) -> Principal:
        return Principal(
            enterprise_id, f"firm{enterprise_id}", "企业", Role.ENTERPRISE, enterprise_id=enterprise_id
        )

    def institution(self, institution_id: int) -> Principal:
        return Principal(
            100 + institution_id,
            f"inst{institution_id}",
            "高校",
            Role.INSTITUTION,
            institution_id=institution_id,
        )

    def broker(self, broker_id: int) -> Principal:
        return Principal(200 + broker_id, f"broker{broker_id}", "经纪人", Role.BROKER, broker_id=broker_id)

    def base_user(self, base_id: int) -> Principal:
        return Principal(300 + base_id, f"base{base_id}", "基地", Role.PILOT_BASE, pilot_base_id=base_id)


def _firm(session: Session, code: str, name: str, district: str, cluster: str) -> int:
    row = Enterprise(
        uscc=build("9", "1", "210100", code),
        name=name,
        registration_date=date(2018, 5, 1),
        district_code=district,
        cluster_id=cluster,
    )
    session.add(row)
    session.flush()
    return row.id


def _achievement(
    session: Session, inst: int, title: str, cluster: str, inventors: list[tuple[str, str]]
) -> int:
    row = Achievement(
        institution_id=inst,
        title=title,
        abstract=f"{title}：面向产业化的关键技术，已完成中试验证。",
        cluster_id=cluster,
        subfield="储能" if cluster == "new_energy" else "表面工程",
        keywords="荷电状态；电池管理系统" if cluster == "new_energy" else "涂层；耐腐蚀",
        trl=7,
        transfer_mode="license",
        price_fen=300_000_000,
        published_on=date(2025, 6, 1),
        status="published",
    )
    session.add(row)
    session.flush()
    session.add_all(AchievementInventor(achievement_id=row.id, name=n, share=s) for n, s in inventors)
    return row.id


def seed(session: Session) -> World:
    neu = Institution(
        name="东北大学",
        kind="university",
        district_code="210102",
        inventor_share_min="0.70",
        inventor_share_max="0.92",
    )
    sut = Institution(
        name="沈阳工业大学",
        kind="university",
        district_code="210112",
        inventor_share_min="0.70",
        inventor_share_max="0.80",
    )
    session.add_all([neu, sut])
    session.flush()
    firm_a = _firm(session, "MA0C4K7T1", "沈阳储能科技有限公司", "210112", "new_energy")
    firm_b = _firm(session, "MA0C4K7T2", "沈阳智造机器人有限公司", "210106", "robotics")
    firm_c = _firm(session, "MA0C4K7T3", "沈阳新材涂层有限公司", "210113", "new_materials")
    battery = _achievement(
        session,
        neu.id,
        "锂电池荷电状态高精度估计技术",
        "new_energy",
        [("张伟", "0.5"), ("李娜", "0.3"), ("王强", "0.2")],
    )
    coating = _achievement(
        session, sut.id, "高韧性铝硅涂层热冲压钢", "new_materials", [("赵敏", "0.6"), ("钱磊", "0.4")]
    )
    experts = [
        Expert(
            name=f"专家{i}",
            institution_id=neu.id,
            title="教授",
            cluster_id="new_energy",
            keywords="储能、电池",
            is_tech_commissioner=i == 0,
        )
        for i in range(4)
    ]
    brokers = [
        Broker(
            name="周经纪",
            certificate_no="JSJJR001",
            certified_on=date(2024, 1, 5),
            cluster_id="new_energy",
            district_code="210102",
            rating="4.5",
            max_load=2,
        ),
        Broker(
            name="吴经纪",
            certificate_no="JSJJR002",
            certified_on=date(2024, 3, 5),
            cluster_id="new_energy",
            district_code="210112",
            rating="4.0",
            max_load=2,
        ),
        Broker(
            name="郑经纪",
            certificate_no="JSJJR003",
            certified_on=date(2023, 3, 5),
            cluster_id="robotics",
            district_code="210106",
            rating="3.5",
        ),
        Broker(
            name="未持证",
            certificate_no=None,
            certified_on=None,
            cluster_id="new_energy",
            district_code="210112",
            rating="5.0",
        ),
    ]
    session.add_all(experts + brokers)
    base = PilotBase(
        name="沈阳储能中试基地",
        kind="pilot",
        level="city",
        cluster_id="new_energy",
        district_code="210112",
        established_on=date(2021, 1, 1),
        new_products=10,
        new_technologies=5,
        incubated_enterprises=2,
        service_contracts=30,
    )
    session.add(base)
    session.flush()
    service = PilotService(
        base_id=base.id, subfield="储能", name="储能电池小批量试制", price_fen=8_000_000, capacity_per_year=2
    )
    session.add(service)
    session.flush()
    admin = Principal(1, "admin", "管理员", Role.ADMIN)
    officer = Principal(2, "officer", "区县工作人员", Role.OFFICER, district_code="210112")
    return World(
        neu.id,
        sut.id,
        firm_a,
        firm_b,
        firm_c,
        battery,
        coating,
        [e.id for e in experts],
        [b.id for b in brokers],
        base.id,
        service.id,
        admin,
        officer,
    )
