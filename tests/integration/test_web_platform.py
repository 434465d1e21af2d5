"""Platform pages: overview, synthetic-data banner, health check, OpenAPI, static assets."""

from __future__ import annotations

import os
from collections.abc import Iterator
from contextlib import contextmanager

import pytest
from fastapi.testclient import TestClient
from web_auth import client_for, log_in, make_user
from web_seed import FILLERS, seed

from innopoints.bootstrap import Container
from innopoints.web.app import create_app

BANNER = "演示数据：</strong>本平台当前数据为合成数据，非真实企业信息"


@contextmanager
def _client(container: Container) -> Iterator[TestClient]:
    """A client signed in as an administrator (every page and the whole city visible)."""
    with client_for(container) as c:
        log_in(c, make_user(container, "admin"))
        yield c


@pytest.fixture
def client(container: Container) -> Iterator[TestClient]:
    seed(container)
    with _client(container) as c:
        yield c


def test_banner_absent_for_real_data(client: TestClient) -> None:
    for path in ("/", "/enterprises", "/no/such/page"):
        assert BANNER not in client.get(path).text


def test_banner_on_every_page_for_synthetic_data(container: Container) -> None:
    seed(container, synthetic=True)
    with _client(container) as c:
        for path in (
            "/",
            "/enterprises",
            "/enterprises?district=210112",
            "/enterprises?page=0",
            "/no/such/page",
        ):
            assert BANNER in c.get(path).text, path


def test_overview_counts_with_units_and_links(client: TestClient) -> None:
    html = client.get("/").text
    assert '<html lang="zh-CN">' in html
    assert f'<span class="num">{FILLERS + 3}</span><span class="label">企业总数（家）</span>' in html
    assert '<a href="/enterprises?district=210114">于洪区</a></td><td class="num">45</td>' in html
    assert '<a href="/enterprises?cluster=robotics">机器人及智能制造</a></td><td class="num">1</td>' in html
    assert (
        '<a href="/enterprises?qualification=tech_sme">科技型中小企业</a></td><td class="num">1</td>' in html
    )
    assert '<span class="num">2024</span><span class="label">最新指标年度（年）</span>' in html
    for link in ('href="/"', 'href="/enterprises"', 'href="/docs"'):
        assert link in html
    assert "首页" in html and "企业库" in html and "API 文档" in html


def test_static_stylesheet_is_served(client: TestClient) -> None:
    response = client.get("/static/site.css")
    assert response.status_code == 200 and ".banner" in response.text


def test_healthz_reports_database_and_schema_revision(client: TestClient) -> None:
    response = client.get("/healthz")
    assert response.status_code == 200
    assert response.json() == {
        "status": "ok",
        "database": "reachable",
        "schema_revision": response.json()["schema_revision"],
        "process_id": os.getpid(),  # the TestClient runs the app in this process
    }
    assert response.json()["schema_revision"]


def test_healthz_reports_unreachable_database() -> None:
    from innopoints.bootstrap import build_container
    from innopoints.settings import Settings

    broken = Settings(environment="test", database_url="postgresql+psycopg://nobody@127.0.0.1:1/none")
    built = build_container(broken)
    with TestClient(create_app(broken, container=built)) as c:
        response = c.get("/healthz")
    assert response.status_code == 503
    assert response.json() == {
        "status": "error",
        "database": "unreachable",
        "schema_revision": None,
        "process_id": os.getpid(),
    }


def test_openapi_has_stable_operation_ids(client: TestClient) -> None:
    spec = client.get("/openapi.json").json()
    ops = {op["operationId"] for path in spec["paths"].values() for op in path.values()}
    assert {
        "list_enterprises",
        "get_enterprise",
        "list_enterprise_revisions",
        "export_enterprises",
        "healthz",
    } <= ops
    params = {p["name"] for p in spec["paths"]["/api/enterprises"]["get"]["parameters"]}
    assert {
        "q",
        "district",
        "park",
        "cluster",
        "field",
        "qualification",
        "listed",
        "sort",
        "page",
        "page_size",
    } <= params
    assert "422" in spec["paths"]["/api/enterprises"]["get"]["responses"]
    assert client.get("/docs").status_code == 200
