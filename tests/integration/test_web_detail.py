"""The enterprise profile: identity, qualifications, negative records, panel with provenance and history."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from fastapi.testclient import TestClient
from web_auth import client_for, log_in, make_user
from web_seed import MATERIALS, ROBOT, SCRIPT, SCRIPT_NAME, seed

from innopoints.bootstrap import Container


@pytest.fixture
def client(container: Container) -> Iterator[TestClient]:
    seed(container)
    with client_for(container) as c:
        log_in(c, make_user(container, "admin"))
        yield c


def test_profile_shows_identity_qualifications_and_negative_records(client: TestClient) -> None:
    response = client.get(f"/enterprises/{MATERIALS}")
    assert response.status_code == 200
    html = response.text
    assert '<html lang="zh-CN">' in html
    for text in (
        "沈阳铁西新材料股份有限公司",
        MATERIALS,
        "2008-07-15",
        "铁西区（210106）",
        "经开区",
        "新材料",
        "是否上市",
    ):
        assert text in html
    assert "高新技术企业" in html and "GR202321000456" in html and "2099-10-31" in html and "瞪羚企业" in html
    script = client.get(f"/enterprises/{SCRIPT}").text
    assert "经营异常名录" in script and "未按期公示年度报告" in script and "未解除" in script
    assert "已过期" in script  # the 2019 科技型中小企业 entry


def test_panel_shows_wan_yuan_with_exact_tooltip_and_loads_provenance_on_demand(client: TestClient) -> None:
    html = client.get(f"/enterprises/{ROBOT}").text
    assert '<th scope="col" class="num">2023年</th>' in html and "2024年</th>" in html
    assert "营业收入（万元）" in html and "职工总数（人）" in html
    assert 'title="精确值：61,234,567.89 元"' in html and ">6,123.46<" in html
    assert ">186.00<" in html  # current 研发费用 1,860,000.50 元 in 万元
    row = html[html.index("研发费用（万元）") :]
    cell = row[: row.index("</details>")]
    assert f'hx-get="/enterprises/{ROBOT}/revisions/rd_expense/2024"' in cell
    assert 'title="共 2 次修订">2</span>' in cell  # two revisions: the badge shows the count
    assert f'href="/api/enterprises/{ROBOT}/revisions"' in html  # every revision, for readers without JS
    assert (
        '<ol class="history">' not in html
    )  # histories are not sent with the page: each is loaded when opened

    history = client.get(f"/enterprises/{ROBOT}/revisions/rd_expense/2024")
    assert history.status_code == 200
    fragment = history.text
    assert "<html" not in fragment  # a fragment for the open value, not a page
    assert "来源：<strong>自报</strong> · 企业自报更正" in fragment and "2025-06-15 14:30" in fragment
    assert "税务" in fragment and "税务接口 2025-04" in fragment
    listed = fragment[fragment.index('<ol class="history">') : fragment.index("</ol>")]
    assert listed.index("1,800,000.00 元") < listed.index("1,860,000.50 元")  # oldest first
    assert listed.count("<li>") == 2


def test_value_history_rejects_unknown_indicator_and_missing_value(client: TestClient) -> None:
    unknown = client.get(f"/enterprises/{ROBOT}/revisions/no_such_field/2024")
    assert unknown.status_code == 422 and "未知的指标“no_such_field”" in unknown.text
    missing = client.get(f"/enterprises/{ROBOT}/revisions/rd_expense/1999")
    assert missing.status_code == 404 and "没有 1999 年“研发费用”的数据" in missing.text
    bad_year = client.get(f"/enterprises/{ROBOT}/revisions/rd_expense/last-year")
    assert bad_year.status_code == 422


def test_unit_toggle_shows_exact_yuan(client: TestClient) -> None:
    html = client.get(f"/enterprises/{ROBOT}", params={"unit": "yuan"}).text
    assert "营业收入（元）" in html and ">61,234,567.89<" in html and "改为万元显示" in html


def test_html_escapes_names(client: TestClient) -> None:
    profile = client.get(f"/enterprises/{SCRIPT}").text
    assert "<script>" not in profile
    assert "&lt;script&gt;alert(&#39;x&#39;)&lt;/script&gt;" in profile
    listing = client.get("/enterprises", params={"district": "210102"}).text
    assert "<script>" not in listing and "&lt;script&gt;" in listing
    api = client.get(f"/api/enterprises/{SCRIPT}").json()
    assert api["name"] == SCRIPT_NAME


def test_unknown_uscc_is_a_chinese_404(client: TestClient) -> None:
    page = client.get("/enterprises/91210112MA00000099")
    assert page.status_code == 404
    assert "未找到（404）" in page.text and '<html lang="zh-CN">' in page.text
    api = client.get("/api/enterprises/91210112MA00000099")
    assert api.status_code == 404
    assert api.json() == {
        "error": {
            "code": "not_found",
            "message": "未找到统一社会信用代码为“91210112MA00000099”的企业 (enterprise not found)",
        }
    }
    assert client.get("/api/enterprises/91210112MA00000099/revisions").status_code == 404
    assert client.get("/no/such/page").status_code == 404


def test_api_detail_carries_provenance_of_current_values(client: TestClient) -> None:
    body = client.get(f"/api/enterprises/{ROBOT.lower()}").json()
    assert body["uscc"] == ROBOT and body["district_name"] == "浑南区" and body["park_name"] == "浑南科技城"
    assert body["qualifications"] == ["tech_sme"]
    assert body["qualification_records"][0]["status"] == "有效"
    assert body["panel_years"] == [2023, 2024]
    rd = next(f for f in body["panel"] if f["indicator"] == "rd_expense")
    assert rd["name_zh"] == "研发费用" and rd["unit"] == "元"
    value = rd["values"][0]
    assert value["year"] == 2024 and value["revision_count"] == 2
    assert value["current"]["value"] == "1860000.50"
    assert value["current"]["source"] == "self_reported" and value["current"]["source_label"] == "自报"
    assert value["current"]["source_ref"] == "企业自报更正"
    assert value["current"]["recorded_at"].startswith("2025-06-15T14:30")
    assert value["revisions_url"] == f"/api/enterprises/{ROBOT}/revisions?year=2024&indicator=rd_expense"


def test_revision_history_is_complete_and_oldest_first(client: TestClient) -> None:
    body = client.get(
        f"/api/enterprises/{ROBOT}/revisions", params={"year": 2024, "indicator": "rd_expense"}
    ).json()
    assert [r["value"] for r in body["items"]] == ["1800000.00", "1860000.50"]
    assert [r["source_label"] for r in body["items"]] == ["税务", "自报"]
    assert body["items"][0]["indicator_name"] == "研发费用"
    everything = client.get(f"/api/enterprises/{ROBOT}/revisions").json()["items"]
    assert len(everything) == 5
    assert [r["id"] for r in everything] == sorted(r["id"] for r in everything)
    only_2023 = client.get(f"/api/enterprises/{ROBOT}/revisions", params={"year": 2023}).json()["items"]
    assert [(r["year"], r["indicator"]) for r in only_2023] == [(2023, "operating_revenue")]


def test_revision_filters_are_validated(client: TestClient) -> None:
    bad_field = client.get(f"/api/enterprises/{ROBOT}/revisions", params={"indicator": "profitz"})
    assert bad_field.status_code == 422 and "参数 indicator" in bad_field.json()["error"]["message"]
    bad_year = client.get(f"/api/enterprises/{ROBOT}/revisions", params={"year": "二〇二四"})
    assert bad_year.status_code == 422 and "参数 year" in bad_year.json()["error"]["message"]
