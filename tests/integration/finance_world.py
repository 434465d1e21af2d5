"""A small, fully known finance world for the finance service tests: three firms with a 2024–2025 panel, one
frozen scoring round, two banks, users of every relevant role and consents (inserted through the tables,
``panel_repo`` and the accounts services)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from decimal import Decimal

from innopoints.accounts import consent
from innopoints.accounts.context import Actor
from innopoints.accounts.principal import Principal
from innopoints.accounts.users import principal_of
from innopoints.adapters.db import panel_repo
from innopoints.adapters.db.accounts_tables import UserAccount
from innopoints.adapters.db.engine import unit_of_work
from innopoints.adapters.db.scoring_tables import ScoringResult, ScoringRound
from innopoints.adapters.db.tables import Bank, Enterprise
from innopoints.bootstrap import Container
from innopoints.registry.panel import PanelValue
from innopoints.registry.uscc import build

FIRM_A = build("9", "1", "210112", "MF0000001")  # consents to bank 1 (all parts)
FIRM_B = build("9", "1", "210106", "MF0000002")  # consents to nobody
FIRM_C = build("9", "1", "210112", "MF0000003")  # consents to bank 1 for points only
RECORDED = datetime(2026, 1, 5, 8, 0, tzinfo=UTC)
FROZEN = datetime(2026, 1, 10, 9, 0, tzinfo=UTC)
NOW = datetime(2026, 3, 2, 10, 0, tzinfo=UTC)
TODAY = date(2026, 3, 2)

# 成长期, 2,000万元 revenue, 748 points, no list: the 龙岩 calibration case (300万元 points credit line)
PANEL_2025 = {
    "operating_revenue": Decimal("20000000"),
    "rd_expense": Decimal("1200000"),
    "total_assets": Decimal("30000000"),
    "total_liabilities": Decimal("12000000"),
    "net_profit": Decimal("2000000"),
    "tax_paid": Decimal("800000"),
    "equity_financing": Decimal("0"),
    "tech_contract_turnover": Decimal("500000"),
    "employees": Decimal(80),
    "rd_staff": Decimal(20),
    "sci_tech_staff": Decimal(30),
    "high_level_talents": Decimal(2),
    "ip_invention_granted": Decimal(4),
    "rd_platforms": Decimal(1),
}
PANEL_2024 = {"operating_revenue": Decimal("15000000")}


@dataclass(frozen=True)
class World:
    round_id: int
    bank1: int
    bank2: int
    firm_a: int
    firm_b: int
    firm_c: int
    consent_a: int
    bank1_officer: Principal
    bank1_other: Principal
    bank2_officer: Principal
    firm_a_user: Principal
    district_officer: Principal
    admin: Principal

    def actor(self, principal: Principal, path: str = "/test") -> Actor:
        return Actor(principal, "api", path)


def _firm(uscc: str, name: str, district: str) -> Enterprise:
    return Enterprise(
        uscc=uscc,
        name=name,
        registration_date=date(2018, 5, 10),
        district_code=district,
        cluster_id="robotics",
        listed=False,
    )


def _user(username: str, role: str, **scope: object) -> UserAccount:
    """An account row without a usable password (these tests never log in; argon2 hashing is slow)."""
    return UserAccount(
        username=username, display_name=f"{username}（测试）", password_hash="!", role=role, **scope
    )


def round_result(round_id: int, uscc: str, points_centi: int, **over: object) -> ScoringResult:
    values: dict[str, object] = {
        "round_id": round_id,
        "uscc": uscc,
        "stage": "growth",
        "peer_group": "growth:robotics",
        "points_centi": points_centi,
        "base_centi": points_centi,
        "group_scores_json": "{}",
        "bonus_points": 0,
        "penalty_points": 0,
        "peer_rank": 3,
        "peer_size": 40,
        "city_rank": 100,
        "percentile_bp": 9000,
        "top5": False,
        "top10": False,
        "top20": False,
        "ladder_stage": "high_tech_enterprise",
        "tech_sme_score": 80,
        "tech_sme_qualified": True,
    }
    values.update(over)
    return ScoringResult(**values)


def build_world(container: Container) -> World:
    with unit_of_work(container.sessions) as s:
        firms = [
            _firm(FIRM_A, "沈阳浑南智能装备科技有限公司", "210112"),
            _firm(FIRM_B, "沈阳铁西精密制造有限公司", "210106"),
            _firm(FIRM_C, "沈阳浑南新材料科技有限公司", "210112"),
        ]
        s.add_all(firms)
        banks = [Bank(name="盛京银行测试支行"), Bank(name="沈阳农商银行测试支行")]
        s.add_all(banks)
        s.flush()
        values = [
            PanelValue(f.id, year, field, value)
            for f in firms
            for year, panel in ((2025, PANEL_2025), (2024, PANEL_2024))
            for field, value in panel.items()
        ]
        panel_repo.append_values(s, values, source="tax", recorded_at=RECORDED)
        rnd = ScoringRound(
            year=2025,
            created_at=FROZEN,
            region="shenyang",
            rulebook_hash="test",
            engine="polars",
            input_kind="database",
            input_ref="test",
            input_sha256="0" * 64,
            quantile_points=101,
            levels_json="[]",
            firms=3,
            note="",
        )
        s.add(rnd)
        s.flush()
        s.add_all(
            [
                round_result(rnd.id, FIRM_A, 74800),
                round_result(rnd.id, FIRM_B, 74800),
                round_result(rnd.id, FIRM_C, 52000),
            ]
        )
        a, b, c = (f.id for f in firms)
        users = {
            "bank1": _user("bank1", "bank", bank_id=banks[0].id),
            "bank1b": _user("bank1b", "bank", bank_id=banks[0].id),
            "bank2": _user("bank2", "bank", bank_id=banks[1].id),
            "firm_a": _user("firma", "enterprise", enterprise_id=a),
            "officer": _user("hunnan", "officer", district_code="210112"),
            "admin": _user("boss", "admin"),
        }
        s.add_all(users.values())
        s.flush()
        granted = consent.grant(
            s,
            enterprise_id=a,
            bank_id=banks[0].id,
            purpose="授信评估",
            expires_at=NOW + timedelta(days=90),
            by_user_id=users["firm_a"].id,
            now=NOW - timedelta(days=1),
        )
        consent.grant(
            s,
            enterprise_id=c,
            bank_id=banks[0].id,
            purpose="了解积分",
            scope=("points",),
            expires_at=NOW + timedelta(days=90),
            now=NOW - timedelta(days=1),
        )
        p = {k: principal_of(u) for k, u in users.items()}
        return World(
            round_id=rnd.id,
            bank1=banks[0].id,
            bank2=banks[1].id,
            firm_a=a,
            firm_b=b,
            firm_c=c,
            consent_a=granted.id,
            bank1_officer=p["bank1"],
            bank1_other=p["bank1b"],
            bank2_officer=p["bank2"],
            firm_a_user=p["firm_a"],
            district_officer=p["officer"],
            admin=p["admin"],
        )
