"""科技金融统计 and 风险补偿 pages: officers see the financing of their district (by product, district, stage
…, charts, the points-credit total against the published 25亿元, approval times), exports; a bank claims
risk compensation on a defaulted loan; officers decide claims, and a decision on a stale page gets 409."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
import sqlalchemy as sa
from fastapi.testclient import TestClient
from finance_web import browser, web_world, xlsx_rows
from finance_world import World

from innopoints.accounts.clock import utcnow
from innopoints.adapters.db.finance_tables import RiskCompensationClaim
from innopoints.bootstrap import Container
from innopoints.finance.loans import act_on_loan, apply_for_loan
from innopoints.web.routes.finance_common import today

WAN = 1_000_000


@pytest.fixture
def world(container: Container) -> World:
    return web_world(container)


@pytest.fixture
def defaulted(container: Container, world: World) -> int:
    """Firm A's 科创分贷 of 200万元 at bank 1, disbursed, overdue and defaulted today."""
    with container.sessions.begin() as s:
        loan = apply_for_loan(
            s,
            world.actor(world.firm_a_user),
            bank_id=world.bank1,
            uscc=None,
            product_id="kechuang_fendai",
            amount_fen=200 * WAN,
            term_months=12,
            on=today(),
            now=utcnow(),
        )
        loan_id = loan.id
    steps: list[tuple[str, dict[str, object]]] = [
        ("review", {}),
        ("approve", {"rate_bp": 345}),
        ("disburse", {}),
        ("overdue", {}),
        ("default", {"reason": "逾期超过 90 天"}),
    ]
    for action, extra in steps:
        with container.sessions.begin() as s:
            act_on_loan(
                s, world.actor(world.bank1_officer), loan_id, action, on=today(), now=utcnow(), **extra
            )
    return loan_id


@pytest.fixture
def officer(container: Container, world: World) -> Iterator[TestClient]:
    with browser(container, "officer", district_code="210112") as client:
        yield client


def _claims(container: Container) -> list[RiskCompensationClaim]:
    with container.sessions() as s:
        return list(s.scalars(sa.select(RiskCompensationClaim)))


def test_officer_sees_financing_of_the_district_against_the_published_figure(
    container: Container, defaulted: int, officer: TestClient
) -> None:
    page = officer.get("/finance/stats")
    assert page.status_code == 200
    text = page.text
    assert "25.00 亿元" in text and "科创分贷" in text and "0.02 亿元" in text
    assert "100.00%" in text  # all of it is points-based credit
    assert '"kind": "line"' in text and '"kind": "pie"' in text and '"kind": "bar"' in text
    assert "统计范围仅限您可见的贷款" in text
    for by, label in (("district", "浑南区"), ("stage", "高新技术企业"), ("bank", "盛京银行测试支行")):
        grouped = officer.get("/finance/stats", params={"by": by})
        assert grouped.status_code == 200 and label in grouped.text
    this_year = officer.get("/finance/stats", params={"year": today().year})
    assert this_year.status_code == 200 and "0.02 亿元" in this_year.text
    rows = xlsx_rows(officer.get("/finance/stats/export", params={"by": "product", "format": "xlsx"}).content)
    assert rows[0][:4] == ("放款年度", "分组", "放款笔数", "放款金额（元）")
    assert rows[1][1:4] == ("科创分贷", 1, "2000000.00")
    bad = officer.get("/finance/stats", params={"by": "color"})
    assert bad.status_code == 422 and "参数 by" in bad.text


def test_stats_of_another_district_do_not_include_the_loan(container: Container, defaulted: int) -> None:
    with browser(container, "officer", district_code="210106") as tiexi:
        page = tiexi.get("/finance/stats")
    assert page.status_code == 200 and "统计范围内尚无放款" in page.text and "0.00 亿元" in page.text


def test_bank_claims_compensation_and_officers_decide_once(
    container: Container, world: World, defaulted: int, officer: TestClient
) -> None:
    with browser(container, "bank", bank_id=world.bank1) as bank:
        bad = bank.post(f"/bank/loans/{defaulted}/claim", data={"outstanding": "12.345"})
        assert bad.status_code == 422 and "最多两位小数" in bad.text and _claims(container) == []
        sent = bank.post(
            f"/bank/loans/{defaulted}/claim", data={"outstanding": "120万"}, follow_redirects=False
        )
        assert sent.status_code == 303
        assert "48 万元" in bank.get(sent.headers["location"]).text  # 120万 × 40%
    (claim,) = _claims(container)
    assert (claim.claimed_fen, claim.status, claim.version) == (48 * WAN, "submitted", 1)
    listed = officer.get("/finance/claims")
    assert (
        listed.status_code == 200 and "48 万元" in listed.text and 'name="version" value="1"' in listed.text
    )
    with browser(container, "officer", district_code="210112") as colleague:
        ok = officer.post(
            f"/finance/claims/{claim.id}/decide",
            data={"decision": "approve", "version": "1"},
            follow_redirects=False,
        )
        late = colleague.post(
            f"/finance/claims/{claim.id}/decide",
            data={"decision": "reject", "version": "1", "reason": "材料不足"},
        )
    assert ok.status_code == 303 and late.status_code == 409 and "已被他人处理" in late.text
    with browser(container, "officer", district_code="210106") as tiexi:
        assert (
            tiexi.post(
                f"/finance/claims/{claim.id}/decide", data={"decision": "pay", "version": "2"}
            ).status_code
            == 403
        )
        assert "48 万元" not in tiexi.get("/finance/claims").text
    paid = officer.post(
        f"/finance/claims/{claim.id}/decide", data={"decision": "pay", "version": "2"}, follow_redirects=False
    )
    assert paid.status_code == 303
    (claim,) = _claims(container)
    assert (claim.status, claim.decision_reason, claim.paid_on) == ("paid", None, today())
    rows = xlsx_rows(officer.get("/finance/claims/export?format=xlsx").content)
    assert rows[1][:2] == (claim.id, "已拨付") and rows[1][10] == "480000.00"


def test_claim_decision_needs_a_reason_to_reject(
    container: Container, world: World, defaulted: int, officer: TestClient
) -> None:
    with browser(container, "bank", bank_id=world.bank1) as bank:
        bank.post(f"/bank/loans/{defaulted}/claim", data={"outstanding": "100万"})
    (claim,) = _claims(container)
    refused = officer.post(f"/finance/claims/{claim.id}/decide", data={"decision": "reject", "version": "1"})
    assert refused.status_code == 422 and "驳回须填写原因" in refused.text
    assert _claims(container)[0].status == "submitted"
