"""Each role's main journey in a real browser (Debian's Chromium through Playwright) against
``innopoints serve`` on a small seeded demo city. Screenshots of the pages go to var/artifacts/screenshots/."""

from __future__ import annotations

from collections.abc import Callable

import pytest
from browser_kit import CityFacts, screenshot
from playwright.sync_api import Page, expect

from innopoints.accounts.demo import DEMO_PASSWORD

pytestmark = pytest.mark.browser

OpenAs = Callable[[str | None], Page]
FORBIDDEN_HEADING = "无权访问（403）"


def _listed_usccs(page: Page) -> list[str]:
    return page.locator("table.list tbody tr td:nth-child(2)").all_inner_texts()


def _expect_forbidden(page: Page, path: str, reason: str) -> None:
    response = page.goto(path)
    assert response is not None and response.status == 403, f"{path}: {response and response.status}"
    expect(page.locator("h1")).to_have_text(FORBIDDEN_HEADING)
    expect(page.locator(".error-message")).to_contain_text(reason)


def _expect_api_forbidden(page: Page, path: str) -> None:
    response = page.request.get(path)
    assert response.status == 403, f"{path}: {response.status}"
    assert response.json()["error"]["code"]


def test_signed_out_visitor_is_sent_to_login_which_lists_the_demo_accounts(open_as: OpenAs) -> None:
    page = open_as(None)
    page.goto("/enterprises?district=210112")
    expect(page).to_have_url("/login?next=%2Fenterprises%3Fdistrict%3D210112")
    expect(page.locator("h1")).to_have_text("登录科创积分平台")
    demo = page.locator(".demo-accounts tbody tr td:first-child").all_inner_texts()
    assert {"admin", "hunnan", "firm", "bank"} <= set(demo)
    screenshot(page, "01_login")
    page.get_by_label("用户名").fill("hunnan")
    page.get_by_label("密码").fill("wrong-password")
    page.get_by_role("button", name="登录").click()
    expect(page.locator(".alert.error")).to_have_text("用户名或密码错误，或账户已停用")


def test_login_returns_to_the_page_asked_for(open_as: OpenAs) -> None:
    page = open_as(None)
    page.goto("/enterprises?cluster=robotics")
    page.get_by_label("用户名").fill("hunnan")
    page.get_by_label("密码").fill(DEMO_PASSWORD)
    page.get_by_role("button", name="登录").click()
    expect(page).to_have_url("/enterprises?cluster=robotics")
    expect(page.locator("h1")).to_have_text("企业库")


def test_district_officer_lists_own_district_opens_a_profile_and_is_refused_elsewhere(
    open_as: OpenAs, city: CityFacts
) -> None:
    page = open_as("hunnan")
    page.goto("/enterprises")
    expect(page.locator("h1")).to_have_text("企业库")
    districts = page.locator("table.list tbody tr td:nth-child(4)").all_inner_texts()
    assert districts and set(districts) == {"浑南区"}
    screenshot(page, "02_enterprise_list_officer")

    first = page.locator("table.list tbody tr td:first-child a").first
    name = first.inner_text()
    first.click()
    expect(page.locator("h1")).to_contain_text(name)
    expect(page.get_by_text("年度指标")).to_be_visible()
    screenshot(page, "03_enterprise_profile_officer")
    value = page.locator("table.panel details.cell").first
    value.locator("summary").click()  # the value's provenance and history are fetched when it is opened
    expect(value.locator(".provenance")).to_contain_text("来源：")
    expect(value.locator(".provenance .history-title")).to_contain_text("修订历史")
    expect(value.locator(".provenance ol.history li").first).to_be_visible()
    screenshot(page, "03b_enterprise_value_history")

    _expect_forbidden(page, f"/enterprises/{city.outside_uscc}", "不在您的数据范围内")
    screenshot(page, "04_forbidden_403")
    _expect_api_forbidden(page, f"/api/enterprises/{city.outside_uscc}")


def test_enterprise_user_sees_only_its_own_firm(open_as: OpenAs, city: CityFacts) -> None:
    page = open_as("firm")
    response = page.goto(f"/enterprises/{city.firm_uscc}")
    assert response is not None and response.status == 200
    expect(page.locator("h1")).to_contain_text(city.firm_name)
    screenshot(page, "05_enterprise_own_profile")

    _expect_forbidden(page, f"/enterprises/{city.hunnan_other_uscc}", "不在您的数据范围内")
    _expect_forbidden(page, "/enterprises", "无权使用此功能")
    _expect_api_forbidden(page, f"/api/enterprises/{city.hunnan_other_uscc}")
    _expect_api_forbidden(page, "/api/enterprises")


def test_bank_sees_only_firms_that_consented(open_as: OpenAs, city: CityFacts) -> None:
    page = open_as("bank")
    page.goto("/enterprises?page_size=100")
    listed = set(_listed_usccs(page)) - {city.firm_uscc}  # the demo firm joins once it grants consent
    assert listed == set(city.consenting_usccs)
    screenshot(page, "06_enterprise_list_bank")

    response = page.goto(f"/enterprises/{city.consenting_usccs[0]}")
    assert response is not None and response.status == 200
    _expect_forbidden(page, f"/enterprises/{city.outside_uscc}", "未向本行授权")
    _expect_api_forbidden(page, f"/api/enterprises/{city.outside_uscc}")


def test_city_officer_runs_a_round_then_profiles_show_points(open_as: OpenAs, city: CityFacts) -> None:
    page = open_as("admin")
    page.goto("/rounds")
    expect(page.locator("h1")).to_have_text("积分评价")
    page.get_by_role("button", name="运行评价").click()
    job = page.locator("#round-job")
    expect(job).to_be_visible()
    screenshot(page, "07_round_running")
    expect(job.locator(".ok")).to_contain_text("已完成", timeout=90_000)  # the page polls the job
    expect(job.locator(".ok")).to_contain_text("参评企业")
    job.get_by_role("link", name="查看批次").click()
    expect(page.locator("h1")).to_contain_text("年积分评价")
    screenshot(page, "08_round_detail")

    officer = open_as("hunnan")
    officer.goto(f"/enterprises/{city.hunnan_other_uscc}")
    expect(officer.get_by_text("同组第").first).to_be_visible()  # points and ranks from the new round
    screenshot(officer, "09_enterprise_profile_with_points")
    _expect_forbidden(officer, "/admin", "无权使用此功能")
    response = officer.request.post("/rounds/run", form={"year": "2025"})
    assert response.status == 403, "a district officer must not run a round (CSRF or role refusal)"


def test_enterprise_grants_consent_and_the_bank_then_sees_the_firm(open_as: OpenAs, city: CityFacts) -> None:
    bank = open_as("bank")
    bank.goto("/enterprises?page_size=100")
    assert city.firm_uscc not in _listed_usccs(bank)
    _expect_forbidden(bank, f"/enterprises/{city.firm_uscc}", "未向本行授权")

    firm = open_as("firm")
    firm.goto("/me")
    expect(firm.locator("h1")).to_contain_text(city.firm_name)
    screenshot(firm, "10_me")
    firm.goto("/me/consents")
    expect(firm.locator("h1")).to_have_text("银行授权")
    firm.get_by_label("银行").select_option(label=city.bank_name)
    firm.get_by_label("用途").fill("申请创新积分贷（浏览器测试）")
    firm.get_by_role("button", name="确认授权").click()
    expect(firm.get_by_text("已生效")).to_be_visible()
    expect(firm.locator("table tbody")).to_contain_text(city.bank_name)
    screenshot(firm, "11_me_consents")

    bank.goto("/enterprises?page_size=100")
    assert city.firm_uscc in _listed_usccs(bank)
    response = bank.goto(f"/enterprises/{city.firm_uscc}")
    assert response is not None and response.status == 200
    expect(bank.locator("h1")).to_contain_text(city.firm_name)

    firm.goto("/me/audit")
    expect(firm.locator("h1")).to_have_text("访问记录")
    expect(firm.locator("main")).to_contain_text(
        "银行客户经理"
    )  # the bank's read is in the firm's audit trail
    screenshot(firm, "12_me_audit")


@pytest.mark.parametrize(
    ("username", "path", "heading", "name"),
    [
        ("admin", "/dashboard", "科创积分工作台", "13_dashboard"),
        ("admin", "/pool", "动态培育库", "14_pool"),
        ("admin", "/imports", "数据导入", "15_imports"),
        ("admin", "/admin", "管理", "16_admin"),
        ("hunnan", "/corrections", "更正审核", "17_corrections"),
        ("admin", "/rounds/rulebook", "", "18_rulebook"),
    ],
)
def test_main_pages_render_in_chinese(
    open_as: OpenAs, username: str, path: str, heading: str, name: str
) -> None:
    page = open_as(username)
    errors: list[str] = []
    page.on("pageerror", lambda exc: errors.append(str(exc)))
    response = page.goto(path)
    assert response is not None and response.status == 200, f"{path}: {response and response.status}"
    if heading:
        expect(page.locator("h1")).to_contain_text(heading)
    expect(page.locator("html")).to_have_attribute("lang", "zh-CN")
    page.wait_for_load_state("networkidle")
    screenshot(page, name)
    assert errors == [], f"JavaScript errors on {path}: {errors}"


@pytest.mark.parametrize(
    ("username", "path"),
    [
        ("firm", "/dashboard"),
        ("firm", "/rounds"),
        ("firm", "/admin"),
        ("bank", "/pool"),
        ("bank", "/imports"),
        ("hunnan", "/imports"),
        ("hunnan", "/me/consents"),
    ],
)
def test_forbidden_pages_answer_403_with_a_chinese_message(open_as: OpenAs, username: str, path: str) -> None:
    page = open_as(username)
    _expect_forbidden(page, path, "无权")
