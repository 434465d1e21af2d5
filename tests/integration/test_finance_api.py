"""JSON API of 科技金融 for banks' own systems (bearer tokens): consenting firms only (list, search,
evaluation, loans — 403 for a firm without a live consent, from the call after a revocation), explained
credit lines, the loan lifecycle with ``expected_version`` (a stale or concurrent decision answers 409 and
writes nothing), malformed amounts refused in Chinese, claims and statistics."""

from __future__ import annotations

import re
import threading
from collections.abc import Iterator
from typing import Any

import pytest
import sqlalchemy as sa
from fastapi.testclient import TestClient
from finance_web import bearer, loan_count, loan_state, web_world
from finance_world import FIRM_A, FIRM_B, FIRM_C, World
from web_auth import client_for

from innopoints.accounts.clock import utcnow
from innopoints.adapters.db.finance_tables import LoanEvent
from innopoints.bootstrap import Container
from innopoints.finance.loans import act_on_loan, apply_for_loan
from innopoints.web.routes.finance_common import today

WAN = 1_000_000
SHA256 = re.compile(r"^[0-9a-f]{64}$")
OPERATIONS = {
    "finance_list_products",
    "finance_list_firms",
    "finance_firm_evaluation",
    "finance_list_loans",
    "finance_get_loan",
    "finance_create_loan",
    "finance_act_on_loan",
    "finance_submit_claim",
    "finance_list_claims",
    "finance_decide_claim",
    "finance_stats",
}


@pytest.fixture
def world(container: Container) -> World:
    return web_world(container)


@pytest.fixture
def api(container: Container) -> Iterator[TestClient]:
    with client_for(container) as client:
        yield client


@pytest.fixture
def bank1(container: Container, world: World) -> dict[str, str]:
    return bearer(container, "bank", bank_id=world.bank1)


def _new_loan(api: TestClient, headers: dict[str, str], **over: Any) -> dict[str, Any]:
    body = {"uscc": FIRM_A, "product": "kechuang_fendai", "amount": "200万", "term_months": 12, **over}
    response = api.post("/api/finance/loans", json=body, headers=headers)
    assert response.status_code == 201, response.text
    return dict(response.json())


def _act(api: TestClient, headers: dict[str, str], loan_id: int, **body: Any) -> Any:
    return api.post(f"/api/finance/loans/{loan_id}/actions", json=body, headers=headers)


def test_operation_ids_are_stable(api: TestClient) -> None:
    spec = api.get("/openapi.json").json()
    found = {
        op["operationId"]
        for path, item in spec["paths"].items()
        if path.startswith("/api/finance/")
        for op in item.values()
    }
    assert found == OPERATIONS


def test_products_for_every_signed_in_role(container: Container, world: World, api: TestClient) -> None:
    assert api.get("/api/finance/products").status_code == 401
    headers = bearer(container, "enterprise", enterprise_id=world.firm_b)
    body = api.get("/api/finance/products", headers=headers).json()
    ids = {p["id"] for p in body["items"]}
    assert {"kechuang_fendai", "shengkedai", "liaokedai", "ip_pledge", "equity_direct"} <= ids
    fendai = next(p for p in body["items"] if p["id"] == "kechuang_fendai")
    assert fendai["status_zh"] == "示例（条款未公开）" and fendai["max_amount"] == "300 万元"
    assert SHA256.match(fendai["rulebook"]["sha256"])


def test_firms_lists_consenting_firms_only(
    container: Container, world: World, api: TestClient, bank1: dict[str, str]
) -> None:
    body = api.get("/api/finance/firms", headers=bank1).json()
    assert body["total"] == 2 and [i["uscc"] for i in body["items"]] == [FIRM_A, FIRM_C]
    a, c = body["items"]
    assert a["best_line"] == "300 万元" and "科创分贷" in a["matched"] and a["composite_score"] is not None
    assert c["consent_scope"] == ["points"] and c["points"] == "520" and c["matched"] is None
    assert c["composite_score"] is None
    assert a["evaluation"] == f"/api/finance/firms/{FIRM_A}/evaluation" and c["evaluation"] is None
    for q in (FIRM_B, "铁西"):
        found = api.get("/api/finance/firms", params={"q": q}, headers=bank1).json()
        assert (found["total"], found["items"]) == (0, [])
    other = api.get("/api/finance/firms", headers=bearer(container, "bank", bank_id=world.bank2)).json()
    assert other["total"] == 0
    bad = api.get("/api/finance/firms", params={"page_size": 7}, headers=bank1)
    assert bad.status_code == 422 and "page_size" in bad.json()["error"]["message"]
    firm = bearer(container, "enterprise", enterprise_id=world.firm_a)
    assert api.get("/api/finance/firms", headers=firm).status_code == 403


def test_evaluation_explains_every_suggested_line(api: TestClient, bank1: dict[str, str]) -> None:
    response = api.get(f"/api/finance/firms/{FIRM_A}/evaluation", headers=bank1)
    assert response.status_code == 200
    body = response.json()
    assert [d["name"] for d in body["dimensions"]] == [
        "科技创新力",
        "团队研发力",
        "融资竞争力",
        "履约能力",
        "偿债能力",
    ]
    suggested = [p for p in body["products"] if p["credit_line"]["status"] == "suggested"]
    assert len(suggested) >= 3
    for p in suggested:
        line = p["credit_line"]
        assert line["amount_fen"] > 0 and line["formula_text"]
        assert {"points", "operating_revenue", "stage", "composite_score"} & {i["id"] for i in line["inputs"]}
        for item in line["inputs"]:
            assert item["name"] and "value" in item and item["source"]
        cited = [s for s in line["steps"] if "parameter" in s]
        assert cited and all(s["reference"] and s["rule_status"] and s["effective_from"] for s in cited)
        for book in (line["rulebook"], line["product_rulebook"]):
            assert book["file"].endswith(".yaml") and book["version"] and SHA256.match(book["sha256"])
    fendai = next(p for p in body["products"] if p["id"] == "kechuang_fendai")
    assert fendai["credit_line"]["amount_fen"] == 300 * WAN


@pytest.mark.parametrize(
    ("who", "uscc", "apply_code"),
    [
        ("bank1", FIRM_B, 403),  # nobody consented B
        ("bank2", FIRM_A, 403),  # A consented bank 1 only
        (
            "bank1",
            FIRM_C,
            422,
        ),  # C consented points only: no evaluation, but the bank may start an application
    ],
)
def test_evaluation_without_consent_is_403(
    container: Container, world: World, api: TestClient, who: str, uscc: str, apply_code: int
) -> None:
    headers = bearer(container, "bank", bank_id=world.bank1 if who == "bank1" else world.bank2)
    response = api.get(f"/api/finance/firms/{uscc}/evaluation", headers=headers)
    assert response.status_code == 403 and response.json()["error"]["code"] == "forbidden"
    attempt = api.post(
        "/api/finance/loans",
        json={"uscc": uscc, "product": "kechuang_fendai", "amount": "12.345"},
        headers=headers,
    )
    assert attempt.status_code == apply_code and loan_count(container) == 0


def test_loan_lifecycle_with_expected_versions(
    container: Container, world: World, api: TestClient, bank1: dict[str, str]
) -> None:
    loan = _new_loan(api, bank1)
    assert (loan["status"], loan["version"], loan["origin"], loan["suggested_fen"]) == (
        "applied",
        1,
        "bank",
        300 * WAN,
    )
    assert "review" in loan["actions"] and "withdraw" not in loan["actions"]
    reviewed = _act(api, bank1, loan["id"], action="review", expected_version=1)
    assert reviewed.status_code == 200 and reviewed.json()["version"] == 2
    stale = _act(api, bank1, loan["id"], action="approve", expected_version=1, rate="3.45")
    assert stale.status_code == 409 and stale.json()["error"]["code"] == "conflict"
    assert "已被他人处理" in stale.json()["error"]["message"]
    assert loan_state(container, loan["id"]) == ("reviewing", 2)
    missing = _act(api, bank1, loan["id"], action="approve", rate="3.45")
    assert missing.status_code == 422 and "expected_version" in missing.json()["error"]["message"]
    approved = _act(api, bank1, loan["id"], action="approve", expected_version=2, rate=3.45, amount="180万")
    assert approved.status_code == 200, approved.text
    body = approved.json()
    assert (body["status"], body["version"], body["amount_fen"], body["rate"]) == (
        "approved",
        3,
        180 * WAN,
        "3.45%",
    )
    assert [e["to"] for e in body["events"]] == ["applied", "reviewing", "approved"]
    listed = api.get("/api/finance/loans", params={"status": "approved"}, headers=bank1).json()
    assert [i["id"] for i in listed["items"]] == [loan["id"]]


def test_two_officers_deciding_at_once_through_the_api_one_wins(
    container: Container, world: World, api: TestClient, bank1: dict[str, str]
) -> None:
    loan = _new_loan(api, bank1)
    assert _act(api, bank1, loan["id"], action="review", expected_version=1).status_code == 200
    tokens = [bank1, bearer(container, "bank", bank_id=world.bank1)]
    bodies = [
        {"action": "approve", "expected_version": 2, "rate": "3.45"},
        {"action": "reject", "expected_version": 2, "reason": "资料不全"},
    ]
    barrier = threading.Barrier(2)
    codes: list[int] = []

    def officer(i: int) -> None:
        with client_for(container) as own:
            barrier.wait()
            codes.append(
                own.post(
                    f"/api/finance/loans/{loan['id']}/actions", json=bodies[i], headers=tokens[i]
                ).status_code
            )

    threads = [threading.Thread(target=officer, args=(i,)) for i in range(2)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert sorted(codes) == [200, 409]
    status, version = loan_state(container, loan["id"])
    assert status in ("approved", "rejected") and version == 3
    with container.sessions() as s:
        decided = s.scalars(sa.select(LoanEvent.to_status).where(LoanEvent.loan_id == loan["id"])).all()
    assert list(decided) == ["applied", "reviewing", status]


def test_revocation_closes_every_call_about_the_firm(
    container: Container, world: World, api: TestClient, bank1: dict[str, str]
) -> None:
    loan = _new_loan(api, bank1)
    firm = bearer(container, "enterprise", enterprise_id=world.firm_a)
    revoked = api.post(f"/api/me/consents/{world.consent_a}/revoke", headers=firm)
    assert revoked.status_code == 200
    calls = [
        api.get(f"/api/finance/firms/{FIRM_A}/evaluation", headers=bank1),
        api.get(f"/api/finance/loans/{loan['id']}", headers=bank1),
        _act(api, bank1, loan["id"], action="review", expected_version=1),
        _act(api, bank1, loan["id"], action="approve", expected_version=1, rate="x"),
        api.post(f"/api/finance/loans/{loan['id']}/claim", json={"outstanding": "10万"}, headers=bank1),
        api.post(
            "/api/finance/loans",
            json={"uscc": FIRM_A, "product": "rd_loan", "amount": "100万"},
            headers=bank1,
        ),
    ]
    assert [c.status_code for c in calls] == [403] * len(calls)
    assert all(c.json()["error"]["code"] == "forbidden" for c in calls)
    assert FIRM_A not in [i["uscc"] for i in api.get("/api/finance/firms", headers=bank1).json()["items"]]
    assert api.get("/api/finance/loans", headers=bank1).json()["total"] == 0
    assert loan_state(container, loan["id"]) == ("applied", 1) and loan_count(container) == 1


@pytest.mark.parametrize(
    ("amount", "message"),
    [
        ("12.345", "最多两位小数"),
        (12.345, "最多两位小数"),
        ("-5", "须大于 0"),
        (-5, "须大于 0"),
        (0, "须大于 0"),
        ("abc", "不是有效金额"),
        ("1e5", "不是有效金额"),
        ("", "请填写申请金额"),
        ("5万", "低于产品最低额度"),
    ],
)
def test_malformed_amounts_are_refused_in_chinese(
    container: Container, api: TestClient, bank1: dict[str, str], amount: Any, message: str
) -> None:
    response = api.post(
        "/api/finance/loans",
        json={"uscc": FIRM_A, "product": "kechuang_fendai", "amount": amount},
        headers=bank1,
    )
    assert response.status_code == 422 and message in response.json()["error"]["message"]
    assert loan_count(container) == 0


@pytest.mark.parametrize(
    ("extra", "message"),
    [
        ({"rate": "3.456"}, "最多两位小数"),
        ({"rate": "三点五"}, "年利率应为百分数"),
        ({}, "请填写年利率"),
        ({"rate": "3.45", "amount": "12.345"}, "最多两位小数"),
        ({"rate": "3.45", "amount": "-1"}, "须大于 0"),
    ],
)
def test_malformed_decisions_change_nothing(
    container: Container, api: TestClient, bank1: dict[str, str], extra: dict[str, Any], message: str
) -> None:
    loan = _new_loan(api, bank1)
    _act(api, bank1, loan["id"], action="review", expected_version=1)
    response = _act(api, bank1, loan["id"], action="approve", expected_version=2, **extra)
    assert response.status_code == 422 and message in response.json()["error"]["message"]
    assert loan_state(container, loan["id"]) == ("reviewing", 2)


def test_firm_applies_only_to_a_consented_bank(container: Container, world: World, api: TestClient) -> None:
    firm = bearer(container, "enterprise", enterprise_id=world.firm_a)
    refused = api.post(
        "/api/finance/loans",
        json={"bank_id": world.bank2, "product": "rd_loan", "amount": "100万"},
        headers=firm,
    )
    assert refused.status_code == 422 and "须先向" in refused.json()["error"]["message"]
    created = api.post(
        "/api/finance/loans",
        json={"bank_id": world.bank1, "product": "kechuang_fendai", "amount": "1500000.00"},
        headers=firm,
    )
    assert created.status_code == 201 and created.json()["origin"] == "firm"
    assert created.json()["actions"] == ["withdraw"]
    mine = api.get("/api/finance/loans", headers=firm).json()
    assert [i["uscc"] for i in mine["items"]] == [FIRM_A]


def test_statistics_for_officers(
    container: Container, world: World, api: TestClient, bank1: dict[str, str]
) -> None:
    officer = bearer(container, "officer", district_code="210112")
    body = api.get("/api/finance/stats", params={"by": "district"}, headers=officer).json()
    assert body["published_fen"] == 250_000_000_000 and body["by"] == "district"
    assert api.get("/api/finance/stats", headers=bank1).status_code == 403
    bad = api.get("/api/finance/stats", params={"by": "color"}, headers=officer)
    assert bad.status_code == 422 and "参数 by" in bad.json()["error"]["message"]


def test_claims_through_the_api(
    container: Container, world: World, api: TestClient, bank1: dict[str, str]
) -> None:
    with container.sessions.begin() as s:
        loan_id = apply_for_loan(
            s,
            world.actor(world.firm_a_user),
            bank_id=world.bank1,
            uscc=None,
            product_id="kechuang_fendai",
            amount_fen=200 * WAN,
            term_months=12,
            on=today(),
            now=utcnow(),
        ).id
    steps: list[tuple[str, dict[str, Any]]] = [
        ("review", {}),
        ("approve", {"rate_bp": 345}),
        ("disburse", {}),
        ("overdue", {}),
        ("default", {"reason": "逾期"}),
    ]
    for action, extra in steps:
        with container.sessions.begin() as s:
            act_on_loan(
                s, world.actor(world.bank1_officer), loan_id, action, on=today(), now=utcnow(), **extra
            )
    bad = api.post(f"/api/finance/loans/{loan_id}/claim", json={"outstanding": "abc"}, headers=bank1)
    assert bad.status_code == 422 and "不是有效金额" in bad.json()["error"]["message"]
    claim = api.post(f"/api/finance/loans/{loan_id}/claim", json={"outstanding": "120万"}, headers=bank1)
    assert claim.status_code == 201 and claim.json()["claimed_fen"] == 48 * WAN
    claim_id = claim.json()["id"]
    officer = bearer(container, "officer", district_code="210112")
    assert [c["id"] for c in api.get("/api/finance/claims", headers=officer).json()["items"]] == [claim_id]
    decided = api.post(
        f"/api/finance/claims/{claim_id}/decision",
        json={"decision": "approve", "expected_version": 1},
        headers=officer,
    )
    assert decided.status_code == 200 and decided.json()["status"] == "approved"
    stale = api.post(
        f"/api/finance/claims/{claim_id}/decision",
        json={"decision": "reject", "expected_version": 1, "reason": "重复"},
        headers=officer,
    )
    assert stale.status_code == 409
    assert api.get("/api/finance/claims", headers=bank1).json()["items"][0]["status"] == "approved"
    assert (
        api.post(
            f"/api/finance/claims/{claim_id}/decision",
            json={"decision": "pay", "expected_version": 2},
            headers=bank1,
        ).status_code
        == 403
    )
