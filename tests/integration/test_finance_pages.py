"""科技金融 pages for banks and firms: a bank sees only firms with a live consent (list, search, export, one
firm, its loans — 403 for everything else, from the request after a revocation or an expiry); every
suggested credit line on the page shows its formula inputs, steps and rulebook references; the loan
pipeline through the forms; two officers acting on one application (the second gets 409); malformed forms
refused in Chinese with nothing written."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date, timedelta

import pytest
import sqlalchemy as sa
from fastapi.testclient import TestClient
from finance_web import browser, loan_count, loan_state, web_world, xlsx_rows
from finance_world import FIRM_A, FIRM_B, FIRM_C, World
from httpx import Response
from markupsafe import escape

from innopoints.accounts.clock import utcnow
from innopoints.adapters.db.accounts_tables import AuditEvent, BankConsent
from innopoints.adapters.db.finance_tables import LoanEvent
from innopoints.adapters.db.tables import Enterprise, Loan
from innopoints.bootstrap import Container
from innopoints.finance.loans import act_on_loan, apply_for_loan
from innopoints.finance.service import evaluate_firm
from innopoints.registry.uscc import build
from innopoints.web.routes.finance_common import today

WAN = 1_000_000  # fen per 万元
NAME_A, NAME_B, NAME_C = (
    "沈阳浑南智能装备科技有限公司",
    "沈阳铁西精密制造有限公司",
    "沈阳浑南新材料科技有限公司",
)
BANK2_NAME = "沈阳农商银行测试支行"
NO_CONSENT = "未向本行授权"


@pytest.fixture
def world(container: Container) -> World:
    return web_world(container)


@pytest.fixture
def bank(container: Container, world: World) -> Iterator[TestClient]:
    with browser(container, "bank", bank_id=world.bank1) as client:
        yield client


@pytest.fixture
def firm(container: Container, world: World) -> Iterator[TestClient]:
    with browser(container, "enterprise", enterprise_id=world.firm_a) as client:
        yield client


def _service_loan(container: Container, world: World, *actions: tuple[str, dict[str, object]]) -> int:
    """Firm A applies to bank 1 for 科创分贷 200万元 (12 months); then bank 1 takes ``actions``."""
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
    for action, extra in actions:
        with container.sessions.begin() as s:
            act_on_loan(
                s, world.actor(world.bank1_officer), loan_id, action, on=today(), now=utcnow(), **extra
            )
    return loan_id


def _events(container: Container, loan_id: int) -> list[tuple[str | None, str]]:
    with container.sessions() as s:
        rows = s.scalars(sa.select(LoanEvent).where(LoanEvent.loan_id == loan_id).order_by(LoanEvent.id))
        return [(e.from_status, e.to_status) for e in rows]


def _act(client: TestClient, base: str, loan_id: int, **form: object) -> Response:
    return client.post(
        f"{base}/{loan_id}/act", data={k: str(v) for k, v in form.items()}, follow_redirects=False
    )


# ------------------------------------------------------------------------------------------ consent scope


def test_bank_list_shows_consenting_firms_and_points_only_firms_without_profile(bank: TestClient) -> None:
    page = bank.get("/bank")
    assert page.status_code == 200
    assert NAME_A in page.text and NAME_C in page.text and NAME_B not in page.text
    row_c = page.text.split(NAME_C)[1].split("</tr>")[0]
    assert "授权范围仅含创新积分与排名" in row_c and "科创分贷" not in row_c
    row_a = page.text.split(NAME_A)[1].split("</tr>")[0]
    assert "科创分贷" in row_a and "300 万元" in row_a  # the best suggested line of firm A
    assert f'href="/bank/firms/{FIRM_A}"' in page.text and f'href="/bank/firms/{FIRM_C}"' not in page.text


@pytest.mark.parametrize("q", [FIRM_B, FIRM_B[:8], "铁西", "精密制造"])
def test_search_and_export_never_show_a_firm_without_consent(bank: TestClient, q: str) -> None:
    page = bank.get("/bank", params={"q": q})
    assert page.status_code == 200 and NAME_B not in page.text
    assert "授权企业（0 家）" in page.text and "没有符合条件的已授权企业" in page.text
    for fmt in ("xlsx", "csv"):
        data = bank.get("/bank/export", params={"q": q, "format": fmt})
        assert data.status_code == 200
        text = data.content.decode("utf-8-sig") if fmt == "csv" else str(xlsx_rows(data.content))
        assert FIRM_B not in text and NAME_B not in text


def test_export_holds_the_consenting_firms_and_audits_each(
    container: Container, world: World, bank: TestClient
) -> None:
    rows = xlsx_rows(bank.get("/bank/export", params={"format": "xlsx"}).content)
    assert rows[0][:2] == ("统一社会信用代码", "企业名称")
    by_code = {r[0]: r for r in rows[1:]}
    assert set(by_code) == {FIRM_A, FIRM_C}
    assert by_code[FIRM_A][9] == "3000000.00" and by_code[FIRM_C][7] is None  # points only: no evaluation
    with container.sessions() as s:
        audited = s.scalars(sa.select(AuditEvent.enterprise_id).where(AuditEvent.action == "export_list"))
        assert sorted(audited) == sorted([world.firm_a, world.firm_c])


def _firm_requests(uscc: str) -> list[tuple[str, str, dict[str, str] | None]]:
    return [
        ("get", f"/bank/firms/{uscc}", None),
        ("get", f"/bank/firms/{uscc}/export?format=xlsx", None),
        ("get", f"/bank/firms/{uscc}/export?format=csv", None),
        (
            "post",
            f"/bank/firms/{uscc}/apply",
            {"product": "kechuang_fendai", "amount": "100万", "term": "12"},
        ),
        ("post", f"/bank/firms/{uscc}/apply", {"product": "kechuang_fendai", "amount": "12.345"}),
    ]


@pytest.mark.parametrize("case", range(5))
def test_bank_without_consent_gets_403_for_every_firm_route(
    container: Container, world: World, bank: TestClient, case: int
) -> None:
    with browser(container, "bank", bank_id=world.bank2) as other:
        for client, uscc in ((other, FIRM_A), (bank, FIRM_B)):  # bank 2 has no consent; nobody consented B
            method, path, form = _firm_requests(uscc)[case]
            response = getattr(client, method)(path, data=form) if form else getattr(client, method)(path)
            assert response.status_code == 403, (path, response.text[:300])
            assert NO_CONSENT in response.text and "沈阳" not in response.text.split("<main")[1]
    assert loan_count(container) == 0


def test_points_only_consent_does_not_open_the_evaluation(bank: TestClient) -> None:
    page = bank.get(f"/bank/firms/{FIRM_C}")
    assert page.status_code == 403 and "数据范围不含" in page.text and NAME_C not in page.text


def test_revocation_takes_effect_on_the_next_request(
    container: Container, world: World, bank: TestClient, firm: TestClient
) -> None:
    loan_id = _service_loan(container, world)
    assert bank.get(f"/bank/firms/{FIRM_A}").status_code == 200
    assert bank.get(f"/bank/loans/{loan_id}").status_code == 200
    assert firm.post(f"/me/consents/{world.consent_a}/revoke").status_code == 200
    refused = [
        bank.get(f"/bank/firms/{FIRM_A}"),
        bank.get(f"/bank/firms/{FIRM_A}/export?format=xlsx"),
        bank.post(f"/bank/firms/{FIRM_A}/apply", data={"product": "rd_loan", "amount": "100万"}),
        bank.get(f"/bank/loans/{loan_id}"),
        _act(bank, "/bank/loans", loan_id, action="review", version=1),
        _act(bank, "/bank/loans", loan_id, action="review", version="x"),  # malformed: still 403 first
        bank.post(f"/bank/loans/{loan_id}/claim", data={"outstanding": "10万"}),
    ]
    assert [r.status_code for r in refused] == [403] * len(refused)
    assert NAME_A not in bank.get("/bank").text
    assert f"#{loan_id}<" not in bank.get("/bank/loans").text
    exported = xlsx_rows(bank.get("/bank/loans/export?format=xlsx").content)
    assert len(exported) == 1  # the header only
    assert FIRM_A not in str(xlsx_rows(bank.get("/bank/export?format=xlsx").content))
    assert loan_state(container, loan_id) == ("applied", 1) and loan_count(container) == 1


def test_expiry_takes_effect_on_the_next_request(
    container: Container, world: World, bank: TestClient
) -> None:
    assert bank.get(f"/bank/firms/{FIRM_A}").status_code == 200
    with container.sessions.begin() as s:
        consent = s.get(BankConsent, world.consent_a)
        assert consent is not None
        consent.expires_at = utcnow() - timedelta(seconds=1)
    assert bank.get(f"/bank/firms/{FIRM_A}").status_code == 403
    assert NAME_A not in bank.get("/bank").text


# ------------------------------------------------------------------------------------------ credit lines


def test_every_suggested_line_shows_its_inputs_steps_and_rulebooks(
    container: Container, world: World, bank: TestClient
) -> None:
    page = bank.get(f"/bank/firms/{FIRM_A}").text
    with container.sessions.begin() as s:
        e = evaluate_firm(
            s, world.actor(world.admin), FIRM_A, round_id=None, as_of=today(), now=utcnow()
        ).as_dict()
    suggested = [p for p in e["products"] if p["credit_line"]["status"] == "suggested"]
    assert {"kechuang_fendai", "shengkedai", "rd_loan"} <= {p["id"] for p in suggested}
    for p in suggested:
        line = p["credit_line"]
        card = page.split(f'id="product-{p["id"]}"')[1].split("</article>")[0]
        assert "公式输入" in card and "计算步骤" in card and str(escape(line["formula_text"])) in card
        for item in line["inputs"]:
            assert str(escape(item["name"])) in card, (p["id"], item["name"])
        for step in line["steps"]:
            assert str(escape(step["name"])) in card
            if step.get("reference"):
                assert str(escape(step["reference"])) in card, (p["id"], step["name"])
        for book in (line["rulebook"], line["product_rulebook"]):
            assert book["file"] in card and book["sha256"] in card and book["version"] in card
    fendai = page.split('id="product-kechuang_fendai"')[1].split("</article>")[0]
    for shown in (
        "300 万元",
        "748 分",
        "20,000,000 元",
        "1.2 倍",
        "龙岩创新积分贷案例",
        "示例（条款未公开）",
    ):
        assert shown in fendai
    assert '"kind": "radar"' in page and "科技创新力" in page


def test_the_firms_line_export_carries_inputs_steps_and_rulebooks(bank: TestClient) -> None:
    rows = xlsx_rows(bank.get(f"/bank/firms/{FIRM_A}/export?format=xlsx").content)
    fendai = [r for r in rows[1:] if r[0] == "科创分贷"]
    kinds = {r[4] for r in fendai}
    assert {"公式", "输入", "步骤", "规则库"} <= kinds
    assert any(r[5] == "创新积分" and r[6] == "748 分" for r in fendai)
    assert any(r[5] == "积分系数" and "龙岩" in str(r[9]) for r in fendai)
    assert all(r[3] == "3000000.00" for r in fendai)


# ------------------------------------------------------------------------------------------ pipeline


def test_bank_takes_an_application_from_start_to_disbursement(
    container: Container, world: World, bank: TestClient, firm: TestClient
) -> None:
    started = bank.post(
        f"/bank/firms/{FIRM_A}/apply",
        data={"product": "kechuang_fendai", "amount": "200万", "term": "12"},
        follow_redirects=False,
    )
    assert started.status_code == 303
    location = started.headers["location"]
    loan_id = int(location.split("/")[-1].split("?")[0])
    shown = bank.get(location)
    assert "贷款申请已提交" in shown.text and "银行发起" in shown.text and "300 万元" in shown.text
    basis = f'href="/bank/firms/{FIRM_A}?round={world.round_id}#product-kechuang_fendai"'
    assert basis in shown.text  # the stored suggested line links to its inputs and rulebooks
    for action, extra in (("review", {}), ("approve", {"rate": "3.45", "amount": "180万"}), ("disburse", {})):
        version = loan_state(container, loan_id)[1]
        done = _act(bank, "/bank/loans", loan_id, action=action, version=version, **extra)
        assert done.status_code == 303, done.text[:400]
    with container.sessions() as s:
        loan = s.get(Loan, loan_id)
        assert loan is not None
        assert (loan.status, loan.version, loan.amount_fen, loan.rate_bp, loan.origin) == (
            "disbursed",
            4,
            180 * WAN,
            345,
            "bank",
        )
    assert _events(container, loan_id) == [
        (None, "applied"),
        ("applied", "reviewing"),
        ("reviewing", "approved"),
        ("approved", "disbursed"),
    ]
    pipeline = bank.get("/bank/loans", params={"status": "disbursed"})
    assert f">#{loan_id}<" in pipeline.text
    exported = xlsx_rows(bank.get("/bank/loans/export?format=xlsx").content)
    assert exported[1][:2] == (loan_id, "已放款") and exported[1][6] == "1800000.00"
    mine = firm.get("/me/finance")
    assert f">#{loan_id}<" in mine.text and "已放款" in mine.text


def test_two_officers_on_one_application_the_second_gets_409(container: Container, world: World) -> None:
    loan_id = _service_loan(container, world, ("review", {}))
    with (
        browser(container, "bank", bank_id=world.bank1) as first,
        browser(container, "bank", bank_id=world.bank1) as second,
    ):
        for client in (first, second):
            assert 'name="version" value="2"' in client.get(f"/bank/loans/{loan_id}").text
        ok = _act(first, "/bank/loans", loan_id, action="approve", version=2, rate="3.45")
        late = _act(second, "/bank/loans", loan_id, action="reject", version=2, reason="资料不全")
    assert ok.status_code == 303
    assert late.status_code == 409 and "已被他人处理" in late.text
    assert loan_state(container, loan_id) == ("approved", 3)
    assert (
        _events(container, loan_id)[-1] == ("reviewing", "approved") and len(_events(container, loan_id)) == 3
    )


# ------------------------------------------------------------------------------------------ malformed forms


@pytest.mark.parametrize(
    ("amount", "term", "message"),
    [
        ("12.345", "12", "最多两位小数"),
        ("300.001万", "12", "最多两位小数"),
        ("-5", "12", "须大于 0"),
        ("0", "12", "须大于 0"),
        ("abc", "12", "不是有效金额"),
        ("1e5", "12", "不是有效金额"),
        ("300万元整", "12", "不是有效金额"),
        ("", "12", "请填写申请金额"),
        ("200万", "abc", "贷款期限应为"),
        ("200万", "0", "贷款期限应为"),
        ("200万", "12.5", "贷款期限应为"),
        ("5万", "12", "低于产品最低额度"),
    ],
)
def test_malformed_application_is_refused_in_chinese_and_nothing_written(
    container: Container,
    bank: TestClient,
    firm: TestClient,
    world: World,
    amount: str,
    term: str,
    message: str,
) -> None:
    form = {"product": "kechuang_fendai", "amount": amount, "term": term}
    by_bank = bank.post(f"/bank/firms/{FIRM_A}/apply", data=form)
    by_firm = firm.post("/me/finance/apply", data={**form, "bank_id": str(world.bank1)})
    for response in (by_bank, by_firm):
        assert response.status_code == 422 and message in response.text, response.text[:300]
    assert loan_count(container) == 0


@pytest.mark.parametrize(
    ("form", "message"),
    [
        ({"rate": "3.456"}, "最多两位小数"),
        ({"rate": "abc"}, "年利率应为百分数"),
        ({"rate": "-1"}, "须大于 0"),
        ({"rate": ""}, "请填写年利率"),
        ({"rate": "3.45", "amount": "12.345"}, "最多两位小数"),
        ({"rate": "3.45", "amount": "-100"}, "须大于 0"),
        ({"rate": "3.45", "amount": "一百万"}, "不是有效金额"),
        ({"rate": "3.45", "amount": "500万"}, "不超过申请金额"),
        ({"rate": "9.99"}, "不在产品利率区间"),
        ({"rate": "3.45", "term": "x"}, "贷款期限应为"),
        ({"rate": "3.45", "on": "2026-13-01"}, "YYYY-MM-DD"),
        ({"rate": "3.45", "version": ""}, "版本号"),
    ],
)
def test_malformed_decision_is_refused_and_the_application_is_unchanged(
    container: Container, world: World, bank: TestClient, form: dict[str, str], message: str
) -> None:
    loan_id = _service_loan(container, world, ("review", {}))
    data = {"action": "approve", "version": "2", **form}
    response = bank.post(f"/bank/loans/{loan_id}/act", data=data)
    assert response.status_code == 422 and message in response.text, response.text[:300]
    assert loan_state(container, loan_id) == ("reviewing", 2)
    assert len(_events(container, loan_id)) == 2


def test_reject_without_reason_and_an_invalid_move_are_refused(
    container: Container, world: World, bank: TestClient
) -> None:
    loan_id = _service_loan(container, world)
    no_reason = _act(bank, "/bank/loans", loan_id, action="reject", version=1, reason=" ")
    assert no_reason.status_code == 422 and "拒绝须填写原因" in no_reason.text
    wrong = _act(bank, "/bank/loans", loan_id, action="disburse", version=1)
    assert wrong.status_code == 422 and "不能执行“放款”" in wrong.text
    assert loan_state(container, loan_id) == ("applied", 1)


# ------------------------------------------------------------------------------------------ the firm's side


def test_firm_sees_its_matches_applies_to_a_consented_bank_and_withdraws(
    container: Container, world: World, firm: TestClient
) -> None:
    page = firm.get("/me/finance")
    assert page.status_code == 200
    assert "科创分贷" in page.text and "✓ 符合" in page.text and 'href="/me/consents"' in page.text
    select = page.text.split('name="bank_id"')[1].split("</select>")[0]
    assert "盛京银行测试支行" in select and BANK2_NAME not in select  # only banks with a live consent
    refused = firm.post(
        "/me/finance/apply", data={"bank_id": str(world.bank2), "product": "rd_loan", "amount": "100万"}
    )
    assert refused.status_code == 422 and f"须先向 {BANK2_NAME} 授权" in refused.text
    applied = firm.post(
        "/me/finance/apply",
        data={"bank_id": str(world.bank1), "product": "kechuang_fendai", "amount": "150万", "term": "12"},
        follow_redirects=False,
    )
    assert applied.status_code == 303
    loan_id = int(applied.headers["location"].split("/")[-1].split("?")[0])
    detail = firm.get(applied.headers["location"])
    assert "撤回申请" in detail.text and "受理审查" not in detail.text  # only the firm's own action
    withdrawn = _act(firm, "/me/finance/loans", loan_id, action="withdraw", version=1)
    assert withdrawn.status_code == 303
    assert loan_state(container, loan_id) == ("withdrawn", 2)
    rows = xlsx_rows(firm.get("/me/finance/loans/export?format=xlsx").content)
    assert [r[:2] for r in rows[1:]] == [(loan_id, "已撤回")]


def test_a_firm_cannot_see_or_act_on_another_firms_loan(container: Container, world: World) -> None:
    loan_id = _service_loan(container, world)
    with browser(container, "enterprise", enterprise_id=world.firm_b) as other:
        assert other.get(f"/me/finance/loans/{loan_id}").status_code == 403
        assert _act(other, "/me/finance/loans", loan_id, action="withdraw", version=1).status_code == 403
        assert f"#{loan_id}<" not in other.get("/me/finance").text
    assert loan_state(container, loan_id) == ("applied", 1)


@pytest.mark.parametrize(
    ("role", "scope", "path"),
    [
        ("enterprise", "firm_a", "/bank"),
        ("enterprise", "firm_a", "/bank/loans"),
        ("enterprise", "firm_a", "/finance/stats"),
        ("officer", "210112", "/bank"),
        ("officer", "210112", "/me/finance"),
        ("bank", "bank1", "/finance/stats"),
        ("bank", "bank1", "/finance/claims"),
        ("bank", "bank1", "/me/finance"),
    ],
)
def test_each_area_is_closed_to_other_roles(
    container: Container, world: World, role: str, scope: str, path: str
) -> None:
    scopes: dict[str, dict[str, str | int | None]] = {
        "enterprise": {"enterprise_id": world.firm_a},
        "officer": {"district_code": scope},
        "bank": {"bank_id": world.bank1},
    }
    kwargs = scopes[role]
    with browser(container, role, **kwargs) as client:
        assert client.get(path).status_code == 403


def test_a_firm_outside_every_round_still_sees_its_page_and_can_apply(
    container: Container, world: World
) -> None:
    with container.sessions.begin() as s:
        newcomer = Enterprise(
            uscc=build("9", "1", "210112", "MF0000009"),
            name="沈阳浑南新设科技有限公司",
            registration_date=date(2025, 6, 1),
            district_code="210112",
            cluster_id="robotics",
            listed=False,
        )
        s.add(newcomer)
        s.flush()
        firm_id = newcomer.id
    with browser(container, "enterprise", enterprise_id=firm_id) as client:
        page = client.get("/me/finance")
        assert page.status_code == 200 and "暂无本企业的积分评价结果" in page.text
        assert "尚未向任何银行授权" in page.text and "尚无贷款申请" in page.text
