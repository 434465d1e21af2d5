"""企业端 and 更正审核 end to end: a firm's correction goes pending → approved (a new self_reported panel
revision in the history) or rejected (reason required); consents granted and revoked on the page take effect
for the bank at once; the firm sees an officer's read in its audit trail."""

from __future__ import annotations

import io
from collections.abc import Iterator
from datetime import UTC, date, datetime, timedelta

import pytest
import sqlalchemy as sa
from fastapi.testclient import TestClient
from openpyxl import load_workbook
from web_auth import signed_in
from web_seed import MATERIALS, ROBOT, Seeded, seed

from innopoints.accounts import self_service
from innopoints.accounts.users import principal_of
from innopoints.adapters.db.accounts_tables import AuditEvent, BankConsent, DataCorrection, UserAccount
from innopoints.adapters.db.tables import Bank
from innopoints.bootstrap import Container

SCRIPT = "<script>alert('x')</script>"
SOON = (date.today() + timedelta(days=200)).isoformat()


@pytest.fixture
def firms(container: Container) -> Seeded:
    return seed(container)


@pytest.fixture
def bank_id(container: Container) -> int:
    with container.sessions.begin() as s:
        bank = Bank(name="盛京测试银行")
        s.add(bank)
        s.flush()
        return bank.id


@pytest.fixture
def firm(container: Container, firms: Seeded) -> Iterator[TestClient]:
    with signed_in(container, "enterprise", enterprise_id=firms.robot) as client:
        yield client


@pytest.fixture
def officer(container: Container, firms: Seeded) -> Iterator[TestClient]:
    with signed_in(container, "officer", district_code="210112") as client:
        yield client


def _corrections(container: Container) -> list[DataCorrection]:
    with container.sessions() as s:
        return list(s.scalars(sa.select(DataCorrection).order_by(DataCorrection.id)))


def _submit(firm: TestClient, value: str = "1900000.00", reason: str = "审计报告更正") -> object:
    return firm.post(
        "/me/corrections", data={"field": "rd_expense", "year": "2024", "value": value, "reason": reason}
    )


def test_correction_approved_becomes_a_self_reported_revision(
    container: Container, firm: TestClient, officer: TestClient
) -> None:
    submitted = _submit(firm, reason=f"年报数据有误 {SCRIPT}")
    assert submitted.status_code == 200 and "已提交，等待审核" in submitted.text
    [row] = _corrections(container)
    assert (row.status, row.field, row.year, row.proposed_value, row.current_value) == (
        "pending",
        "rd_expense",
        2024,
        190000000,
        186000050,
    )
    mine = firm.get("/me/corrections")
    assert "待审核" in mine.text and "1,900,000.00 元" in mine.text and "1,860,000.50 元" in mine.text

    queue = officer.get("/corrections")
    assert queue.status_code == 200 and "沈阳浑南机器人科技有限公司" in queue.text
    assert SCRIPT not in queue.text and "&lt;script&gt;" in queue.text  # the firm's text is escaped
    approved = officer.post(f"/corrections/{row.id}/review", data={"decision": "approve", "note": ""})
    assert approved.status_code == 200 and "已采纳" in approved.text
    assert _corrections(container)[0].status == "approved"

    history = officer.get(
        f"/api/enterprises/{ROBOT}/revisions", params={"year": 2024, "indicator": "rd_expense"}
    )
    items = history.json()["items"]
    assert [i["value"] for i in items] == ["1800000.00", "1860000.50", "1900000.00"]
    latest = items[-1]
    assert (latest["source"], latest["source_ref"]) == ("self_reported", f"更正申请 #{row.id}")
    assert "已采纳" in firm.get("/me/corrections").text
    again = officer.post(f"/corrections/{row.id}/review", data={"decision": "reject", "note": "重复"})
    assert again.status_code == 400 and "不能重复审核" in again.text
    with container.sessions() as s:
        actions = s.scalars(
            sa.select(AuditEvent.action).where(AuditEvent.enterprise_id == row.enterprise_id)
        ).all()
    assert "review_correction" in actions


def test_reject_needs_a_reason_and_the_firm_sees_it(
    container: Container, firm: TestClient, officer: TestClient
) -> None:
    _submit(firm)
    [row] = _corrections(container)
    no_reason = officer.post(f"/corrections/{row.id}/review", data={"decision": "reject", "note": "  "})
    assert no_reason.status_code == 400 and "驳回时须填写理由" in no_reason.text
    assert _corrections(container)[0].status == "pending"
    rejected = officer.post(
        f"/corrections/{row.id}/review", data={"decision": "reject", "note": "与税务数据不符"}
    )
    assert rejected.status_code == 200
    assert _corrections(container)[0].status == "rejected"
    page = firm.get("/me/corrections").text
    assert "已驳回" in page and "与税务数据不符" in page
    history = officer.get(
        f"/api/enterprises/{ROBOT}/revisions", params={"year": 2024, "indicator": "rd_expense"}
    )
    assert [i["value"] for i in history.json()["items"]] == ["1800000.00", "1860000.50"]  # nothing appended


def test_officers_review_only_their_own_district(container: Container, firm: TestClient) -> None:
    _submit(firm)
    [row] = _corrections(container)
    with signed_in(container, "officer", district_code="210106") as other:
        assert "沈阳浑南机器人科技有限公司" not in other.get("/corrections").text
        denied = other.post(f"/corrections/{row.id}/review", data={"decision": "approve"})
        assert denied.status_code == 403
        assert other.post(f"/api/corrections/{row.id}/review", json={"approve": True}).status_code == 403
    assert _corrections(container)[0].status == "pending"
    assert firm.get("/corrections").status_code == 403  # a firm cannot review


@pytest.mark.parametrize(
    ("data", "phrase"),
    [
        ({"field": "rd_expense", "year": "2024", "value": "一百万", "reason": "x"}, "应为数字"),
        ({"field": "rd_expense", "year": "2024", "value": "-1", "reason": "x"}, "不能小于"),
        ({"field": "rd_expense", "year": "2024", "value": "1.234", "reason": "x"}, "最多两位小数"),
        ({"field": "employees", "year": "2024", "value": "12.5", "reason": "x"}, "应为整数"),
        ({"field": "no_such_field", "year": "2024", "value": "1", "reason": "x"}, "不存在"),
        ({"field": "rd_expense", "year": "二〇二四", "value": "1", "reason": "x"}, "年度应为四位数字"),
        ({"field": "rd_expense", "year": "1900", "value": "1", "reason": "x"}, "年度应在"),
        ({"field": "rd_expense", "year": "2024", "value": "1", "reason": "   "}, "请填写更正理由"),
    ],
)
def test_bad_correction_forms_are_refused_in_chinese(
    container: Container, firm: TestClient, data: dict[str, str], phrase: str
) -> None:
    response = firm.post("/me/corrections", data=data)
    assert response.status_code == 400 and phrase in response.text
    assert _corrections(container) == []


def test_consent_granted_and_revoked_on_the_page_takes_effect_at_once(
    container: Container, firm: TestClient, bank_id: int
) -> None:
    with signed_in(container, "bank", bank_id=bank_id) as bank:
        assert bank.get(f"/api/enterprises/{ROBOT}").status_code == 403
        granted = firm.post(
            "/me/consents",
            data={
                "bank_id": str(bank_id),
                "scope": ["points", "profile", "financials"],
                "purpose": "申请创新积分贷",
                "expires_on": SOON,
            },
        )
        assert granted.status_code == 200 and "已生效" in granted.text
        assert bank.get(f"/api/enterprises/{ROBOT}").status_code == 200
        assert bank.get(f"/api/enterprises/{MATERIALS}").status_code == 403  # only the consenting firm
        page = firm.get("/me/consents").text
        assert "盛京测试银行" in page and "有效" in page
        with container.sessions() as s:
            consent_id = s.scalar(sa.select(BankConsent.id))
        revoked = firm.post(f"/me/consents/{consent_id}/revoke")
        assert revoked.status_code == 200 and "已撤销" in revoked.text
        assert bank.get(f"/api/enterprises/{ROBOT}").status_code == 403
        export = firm.get("/me/consents/export?format=xlsx")
        rows = [[c.value for c in r] for r in load_workbook(io.BytesIO(export.content)).active.iter_rows()]
        assert rows[1][1] == "盛京测试银行" and rows[1][-1] == "已撤销"


def test_consent_scope_limits_what_the_bank_sees(
    container: Container, firm: TestClient, bank_id: int
) -> None:
    firm.post(
        "/me/consents",
        data={"bank_id": str(bank_id), "scope": ["points"], "purpose": "授信初筛", "expires_on": SOON},
    )
    with signed_in(container, "bank", bank_id=bank_id) as bank:
        assert bank.get(f"/enterprises/{ROBOT}/report.pdf").status_code == 403  # needs "profile"
        assert bank.get(f"/api/enterprises/{ROBOT}").status_code == 403  # needs "financials"


@pytest.mark.parametrize(
    ("data", "phrase"),
    [
        ({"scope": ["points"], "purpose": "x", "expires_on": SOON}, "请选择被授权的银行"),
        ({"scope": [], "purpose": "x", "expires_on": SOON}, "请至少选择一项授权范围"),
        ({"scope": ["everything"], "purpose": "x", "expires_on": SOON}, "授权范围应为"),
        ({"scope": ["points"], "purpose": " ", "expires_on": SOON}, "授权用途不能为空"),
        ({"scope": ["points"], "purpose": "x", "expires_on": "2000-01-01"}, "到期时间必须晚于当前时间"),
        ({"scope": ["points"], "purpose": "x", "expires_on": "31/12/2099"}, "YYYY-MM-DD"),
        ({"scope": ["points"], "purpose": "x", "expires_on": "2199-01-01"}, "最长约三年"),
    ],
)
def test_bad_consent_forms_are_refused(
    container: Container, firm: TestClient, bank_id: int, data: dict[str, object], phrase: str
) -> None:
    body = {"bank_id": str(bank_id), **data} if "请选择" not in phrase else data
    response = firm.post("/me/consents", data=body)
    assert response.status_code == 400 and phrase in response.text
    with container.sessions() as s:
        assert s.scalar(sa.select(sa.func.count()).select_from(BankConsent)) == 0


def test_consents_are_listed_as_live_expired_or_revoked(
    container: Container, firms: Seeded, bank_id: int
) -> None:
    with signed_in(container, "enterprise", enterprise_id=firms.robot) as firm:
        for purpose in ("一", "二"):
            firm.post(
                "/me/consents",
                data={"bank_id": str(bank_id), "scope": ["points"], "purpose": purpose, "expires_on": SOON},
            )
        with container.sessions() as s:
            first = s.scalar(sa.select(sa.func.min(BankConsent.id)))
            user_id = s.scalar(sa.select(BankConsent.granted_by))
        firm.post(f"/me/consents/{first}/revoke")
    with container.sessions() as s:
        principal = principal_of(s.get(UserAccount, user_id))
        today = self_service.consent_rows(s, principal)
        later = self_service.consent_rows(s, principal, now=datetime.now(UTC) + timedelta(days=400))
    assert sorted(r.status for r in today) == ["live", "revoked"]
    assert sorted(r.status for r in later) == ["expired", "revoked"]
    assert {r.status_label for r in later} == {"已过期", "已撤销"}


def test_a_firm_cannot_revoke_another_firms_consent(
    container: Container, firms: Seeded, firm: TestClient, bank_id: int
) -> None:
    with signed_in(container, "enterprise", enterprise_id=firms.materials) as other:
        other.post(
            "/me/consents",
            data={"bank_id": str(bank_id), "scope": ["points"], "purpose": "贷款", "expires_on": SOON},
        )
    with container.sessions() as s:
        consent_id = s.scalar(sa.select(BankConsent.id))
    response = firm.post(f"/me/consents/{consent_id}/revoke")
    assert response.status_code == 400 and "不存在" in response.text
    with container.sessions() as s:
        assert s.get(BankConsent, consent_id).revoked_at is None


def test_audit_trail_shows_an_officers_read(
    container: Container, firm: TestClient, officer: TestClient
) -> None:
    firm.get(f"/enterprises/{ROBOT}")  # the firm reading itself is not a third-party read
    assert firm.get("/me/audit").text.count('<td class="nowrap">') == 0
    assert officer.get(f"/enterprises/{ROBOT}").status_code == 200
    trail = firm.get("/me/audit")
    assert "测试officer" in trail.text and "查看企业详情" in trail.text and "区县/园区工作人员" in trail.text
    api = firm.get("/api/me/audit").json()["items"]
    assert [e["action"] for e in api] == ["view_enterprise"] and api[0]["role"] == "officer"
    export = firm.get("/me/audit/export?format=csv").content.decode("utf-8-sig")
    assert export.splitlines()[0].startswith("时间,访问者,角色,操作")
    assert "查看企业详情" in export


def test_me_pages_are_for_enterprise_users_only(container: Container, firms: Seeded, bank_id: int) -> None:
    with signed_in(container, "bank", bank_id=bank_id) as bank:
        for path in ("/me", "/me/corrections", "/me/consents", "/me/audit", "/api/me/audit"):
            assert bank.get(path).status_code == 403, path
    with signed_in(container, "officer", district_code="210112") as officer:
        assert officer.post("/me/corrections", data={"field": "rd_expense"}).status_code == 403


def test_me_overview_links_profile_and_report(firm: TestClient) -> None:
    page = firm.get("/me")
    assert page.status_code == 200
    assert "沈阳浑南机器人科技有限公司" in page.text
    assert f"/enterprises/{ROBOT}/report.pdf" in page.text and f'href="/enterprises/{ROBOT}"' in page.text
    body = firm.get("/api/me").json()
    assert body["uscc"] == ROBOT
