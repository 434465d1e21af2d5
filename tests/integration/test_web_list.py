"""The enterprise list: search, filters, sorting, pagination and validation (JSON API and HTML)."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date

import pytest
from fastapi.testclient import TestClient
from web_auth import client_for, log_in, make_user
from web_seed import FILLER_PREFIX, FILLERS, MATERIALS, ROBOT, SCRIPT, filler_uscc, seed

from innopoints.bootstrap import Container


@pytest.fixture
def client(container: Container) -> Iterator[TestClient]:
    seed(container)
    with client_for(container) as c:
        log_in(c, make_user(container, "admin"))
        yield c


def _codes(client: TestClient, **params: object) -> list[str]:
    response = client.get("/api/enterprises", params=params)
    assert response.status_code == 200, response.text
    return [item["uscc"] for item in response.json()["items"]]


def test_filters_by_district_park_cluster_field_and_listed(client: TestClient) -> None:
    assert _codes(client, district="210112") == [ROBOT]
    assert _codes(client, park="economic_dev_zone") == [MATERIALS]
    assert _codes(client, cluster="next_gen_it") == [SCRIPT]
    assert _codes(client, field="advanced_manufacturing") == [ROBOT]
    assert _codes(client, listed="true") == [MATERIALS]
    assert len(_codes(client, listed="false", page_size=100)) == 2 + FILLERS
    assert _codes(client, district="210112", cluster="new_materials") == []


def test_filter_accepts_chinese_names_too(client: TestClient) -> None:
    assert _codes(client, district="浑南区") == [ROBOT]
    assert _codes(client, cluster="新材料") == [MATERIALS]


def test_qualification_filter_counts_only_valid_qualifications(client: TestClient) -> None:
    assert _codes(client, qualification="tech_sme") == [ROBOT]  # the 2019 one of SCRIPT has expired
    assert _codes(client, qualification="high_tech_enterprise") == [MATERIALS]
    assert _codes(client, qualification="瞪羚企业") == [MATERIALS]
    body = client.get("/api/enterprises", params={"q": "新材料"}).json()
    assert body["items"][0]["qualifications"] == ["high_tech_enterprise", "gazelle"]


def test_search_by_name_or_uscc_substring(client: TestClient) -> None:
    assert _codes(client, q="机器人") == [ROBOT]
    assert _codes(client, q=MATERIALS[2:10].lower()) == [MATERIALS]  # code fragments match case-insensitively
    assert _codes(client, q="%") == []  # LIKE wildcards are literal
    body = client.get("/api/enterprises", params={"q": FILLER_PREFIX, "page_size": 20}).json()
    assert body["total"] == FILLERS


def test_exact_uscc_jumps_to_the_profile_in_html(client: TestClient) -> None:
    response = client.get("/enterprises", params={"q": MATERIALS.lower()}, follow_redirects=False)
    assert response.status_code == 303
    assert response.headers["location"] == f"/enterprises/{MATERIALS}"
    assert _codes(client, q=MATERIALS) == [MATERIALS]


def test_pagination_totals_and_pages_do_not_overlap(client: TestClient) -> None:
    pages = [
        client.get("/api/enterprises", params={"district": "210114", "page": n, "page_size": 20}).json()
        for n in (1, 2, 3, 4)
    ]
    assert [p["total"] for p in pages] == [FILLERS] * 4
    assert [len(p["items"]) for p in pages] == [20, 20, 5, 0]
    seen = [item["uscc"] for p in pages for item in p["items"]]
    assert sorted(seen) == sorted(filler_uscc(i) for i in range(1, FILLERS + 1))
    assert pages[1]["page"] == 2 and pages[1]["page_size"] == 20


def test_sort_by_name_and_registration_date(client: TestClient) -> None:
    names = [
        i["name"]
        for i in client.get("/api/enterprises", params={"district": "210114", "page_size": 50}).json()[
            "items"
        ]
    ]
    assert names == [f"{FILLER_PREFIX}{i:02d}" for i in range(1, FILLERS + 1)]
    desc = client.get(
        "/api/enterprises", params={"district": "210114", "sort": "-name", "page_size": 50}
    ).json()
    assert [i["name"] for i in desc["items"]] == names[::-1]
    dated = client.get("/api/enterprises", params={"sort": "registration_date", "page_size": 100}).json()[
        "items"
    ]
    days = [date.fromisoformat(i["registration_date"]) for i in dated]
    assert days == sorted(days) and dated[0]["uscc"] == MATERIALS


def test_sort_by_latest_revenue_and_rd_puts_missing_values_last(client: TestClient) -> None:
    top = client.get("/api/enterprises", params={"sort": "-revenue", "page_size": 100}).json()
    assert top["panel_year"] == 2024
    assert [i["uscc"] for i in top["items"][:3]] == [MATERIALS, ROBOT, SCRIPT]
    assert top["items"][0]["revenue_yuan"] == "980000000.00"
    assert all(i["revenue_yuan"] is None for i in top["items"][3:])
    low = _codes(client, sort="revenue", page_size=100)
    assert low[:3] == [SCRIPT, ROBOT, MATERIALS]
    rd = client.get("/api/enterprises", params={"sort": "-rd_expense"}).json()["items"]
    assert [i["uscc"] for i in rd[:3]] == [MATERIALS, ROBOT, SCRIPT]
    assert rd[1]["rd_expense_yuan"] == "1860000.50"  # the latest revision, not the first


@pytest.mark.parametrize(
    ("params", "fragment"),
    [
        ({"page": 0}, "page"),
        ({"page": "abc"}, "page"),
        ({"page_size": 30}, "page_size"),
        ({"district": "999999"}, "district"),
        ({"cluster": "steel"}, "cluster"),
        ({"qualification": "golden"}, "qualification"),
        ({"sort": "revenue; drop table"}, "sort"),
        ({"listed": "maybe"}, "listed"),
        ({"q": "x" * 101}, "q"),
    ],
)
def test_bad_parameters_are_a_chinese_422(
    client: TestClient, params: dict[str, object], fragment: str
) -> None:
    response = client.get("/api/enterprises", params=params)
    assert response.status_code == 422
    error = response.json()["error"]
    assert error["code"] == "invalid_query"
    assert f"参数 {fragment}" in error["message"]
    page = client.get("/enterprises", params=params)
    assert page.status_code == 422
    assert "请求有误（422）" in page.text and f"参数 {fragment}" in page.text


def test_html_list_shows_rows_units_filters_and_export_links(client: TestClient) -> None:
    response = client.get("/enterprises", params={"district": "210106"})
    assert response.status_code == 200
    html = response.text
    assert "沈阳铁西新材料股份有限公司" in html and "沈阳浑南机器人科技有限公司" not in html
    assert "2024年营业收入（万元）" in html
    assert "98,000.00" in html and 'title="980,000,000.00 元"' in html
    assert '<option value="210106" selected>铁西区</option>' in html
    assert "/enterprises/export?district=210106&amp;format=csv" in html
    assert "共 <strong>1</strong> 家企业" in html


def test_html_pagination_links_keep_filters(client: TestClient) -> None:
    html = client.get("/enterprises", params={"district": "210114", "page": 2}).text
    assert "第 2 / 3 页" in html
    assert 'href="?district=210114&amp;page=3"' in html
    assert 'href="?district=210114&amp;page=1"' in html
