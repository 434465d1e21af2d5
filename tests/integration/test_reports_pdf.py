"""PDF reports: the enterprise profile (scope-checked, a bank needs a consent covering "profile", audited as
export_profile; watermarked when synthetic) and the city dashboard (admins and officers)."""

from __future__ import annotations

import io
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

import pytest
import sqlalchemy as sa
from pypdf import PdfReader
from web_auth import signed_in
from web_seed import ROBOT, SCRIPT, SCRIPT_NAME, seed

from innopoints.accounts import consent
from innopoints.adapters.db.accounts_tables import AuditEvent
from innopoints.adapters.db.tables import Bank, Enterprise
from innopoints.bootstrap import Container
from innopoints.scoring import service as scoring
from innopoints.scoring.rulebook import load_points
from innopoints.synth.city import SynthConfig, generate_city
from innopoints.synth.db_writer import load_city


def _text(pdf: bytes) -> str:
    assert pdf.startswith(b"%PDF")
    reader = PdfReader(io.BytesIO(pdf))
    return "\n".join(page.extract_text() or "" for page in reader.pages)


@dataclass
class City:
    container: Container
    uscc: str
    name: str
    district: str
    enterprise_id: int
    bank_id: int


@pytest.fixture
def city(container: Container) -> City:
    load_city(container.engine, generate_city(SynthConfig(seed=23, enterprises=300, with_transfer=False)))
    rb = load_points(container.settings.region)
    outcome = scoring.run_db_round(container.sessions, container.settings.data_dir, "shenyang", 2025, rb)
    top = outcome.results.sort("points_centi", descending=True).row(0, named=True)
    with container.sessions.begin() as s:
        firm = s.scalars(sa.select(Enterprise).where(Enterprise.uscc == top["uscc"])).one()
        bank = Bank(name="盛京测试银行")
        s.add(bank)
        s.flush()
        return City(container, firm.uscc, firm.name, firm.district_code, firm.id, bank.id)


def _events(container: Container, action: str) -> list[tuple[str, int | None]]:
    with container.sessions() as s:
        rows = s.execute(
            sa.select(AuditEvent.role, AuditEvent.enterprise_id).where(AuditEvent.action == action)
        )
        return [(r, e) for r, e in rows]


def test_profile_pdf_has_points_rank_charts_verdicts_and_watermark(city: City) -> None:
    with signed_in(city.container, "admin") as admin:
        response = admin.get(f"/enterprises/{city.uscc}/report.pdf")
        assert response.status_code == 200
        assert response.headers["content-type"] == "application/pdf"
        assert "attachment" in response.headers["content-disposition"]
        profile = admin.get(f"/api/enterprises/{city.uscc}/profile").json()
    text = _text(response.content)
    assert city.name in text and city.uscc in text
    assert f"{profile['points']['points']} 分" in text
    assert "同组第" in text and "全市第" in text  # rank
    for heading in ("分组得分与三年趋势", "梯度阶段与差距", "资格判断", "数据来源与说明"):
        assert heading in text
    for axis in profile["radar"]:
        assert axis["name"] in text  # radar spokes and the group table
    assert "科技型中小企业" in text  # a verdict
    assert "演示数据" in text  # watermark on synthetic data
    assert _events(city.container, "export_profile") == [("admin", city.enterprise_id)]


def test_bank_needs_a_consent_covering_the_profile(city: City) -> None:
    with signed_in(city.container, "bank", bank_id=city.bank_id) as bank:
        denied = bank.get(f"/enterprises/{city.uscc}/report.pdf")
        assert denied.status_code == 403 and "未向本行授权" in denied.text
        with city.container.sessions.begin() as s:
            consent.grant(
                s,
                enterprise_id=city.enterprise_id,
                bank_id=city.bank_id,
                purpose="授信",
                expires_at=datetime.now(UTC) + timedelta(days=30),
                scope=("profile",),
            )
        allowed = bank.get(f"/enterprises/{city.uscc}/report.pdf")
        assert allowed.status_code == 200 and city.name in _text(allowed.content)
    assert _events(city.container, "export_profile") == [("bank", city.enterprise_id)]


def test_officers_only_in_their_district_and_the_firm_itself_unaudited(city: City) -> None:
    other = "210102" if city.district != "210102" else "210103"
    with signed_in(city.container, "officer", district_code=other) as officer:
        assert officer.get(f"/enterprises/{city.uscc}/report.pdf").status_code == 403
    with signed_in(city.container, "officer", district_code=city.district) as officer:
        assert officer.get(f"/enterprises/{city.uscc}/report.pdf").status_code == 200
    with signed_in(city.container, "enterprise", enterprise_id=city.enterprise_id) as firm:
        assert firm.get(f"/enterprises/{city.uscc}/report.pdf").status_code == 200
    assert _events(city.container, "export_profile") == [("officer", city.enterprise_id)]
    with signed_in(city.container, "admin") as admin:
        assert admin.get("/enterprises/91210100MA0000000X/report.pdf").status_code == 404


def test_dashboard_pdf_shows_targets_by_district(city: City) -> None:
    with signed_in(city.container, "officer", district_code="210112") as officer:
        response = officer.get("/dashboard/report.pdf")
    assert response.status_code == 200
    text = _text(response.content)
    for phrase in (
        "沈阳市科技创新工作看板",
        "年目标进度",
        "区县进度",
        "科技型企业数量",
        "浑南区",
        "铁西区",
        "预警",
        "演示数据",
    ):
        assert phrase in text, phrase
    for role, scope in (
        ("bank", {"bank_id": city.bank_id}),
        ("enterprise", {"enterprise_id": city.enterprise_id}),
    ):
        with signed_in(city.container, role, **scope) as client:
            assert client.get("/dashboard/report.pdf").status_code == 403


@pytest.fixture
def registry_only(container: Container) -> Iterator[Container]:
    seed(container)  # real-looking (not synthetic) firms, no scoring round
    yield container


def test_profile_pdf_without_a_round_escapes_names_and_has_no_watermark(registry_only: Container) -> None:
    with signed_in(registry_only, "admin") as admin:
        script = admin.get(f"/enterprises/{SCRIPT}/report.pdf")
        robot = admin.get(f"/enterprises/{ROBOT}/report.pdf")
    assert script.status_code == 200
    text = _text(script.content)
    assert SCRIPT_NAME in text  # markup characters are text, not paragraph markup
    assert "尚未参加积分评价批次" in text and "演示数据" not in text
    robot_text = _text(robot.content)
    assert "沈阳浑南机器人科技有限公司" in robot_text and "税务" in robot_text and "自报" in robot_text
