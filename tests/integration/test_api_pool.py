"""Cultivation-pool API on a small synthetic city screened at two scoring rounds (2024, 2025)."""

from __future__ import annotations

import csv
import io
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

import pytest
from fastapi.testclient import TestClient
from web_auth import client_for, log_in, make_user

from innopoints.adapters.db import cultivation_repo as repo
from innopoints.adapters.db.engine import unit_of_work
from innopoints.bootstrap import Container
from innopoints.cultivation.service import pool_at, screen_round
from innopoints.scoring import service as scoring
from innopoints.scoring.rulebook import load_points
from innopoints.synth.city import SynthConfig, generate_city
from innopoints.synth.db_writer import load_city

UNKNOWN = "91210100MA0000000X"
CHANGES = ("enter", "promote", "demote", "exit")
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


@dataclass
class World:
    client: TestClient
    container: Container
    r1: int
    r2: int


def _round(c: Container, year: int) -> int:
    outcome = scoring.run_db_round(c.sessions, c.settings.data_dir, "shenyang", year, load_points())
    assert outcome.round_id is not None
    return outcome.round_id


@pytest.fixture
def world(container: Container) -> Iterator[World]:
    load_city(container.engine, generate_city(SynthConfig(seed=23, enterprises=400)))
    r1, r2 = _round(container, 2024), _round(container, 2025)
    screen_round(container.sessions, 2024, r1)
    screen_round(container.sessions, 2025, r2)
    with client_for(container) as client:
        log_in(client, make_user(container, "admin"))
        yield World(client, container, r1, r2)


@pytest.fixture
def unscreened(container: Container) -> Iterator[TestClient]:
    load_city(container.engine, generate_city(SynthConfig(seed=23, enterprises=60)))
    with client_for(container) as client:
        log_in(client, make_user(container, "admin"))
        yield client


def _error(response: Any, status: int, code: str) -> str:
    assert response.status_code == status, response.text
    body = response.json()
    assert set(body) == {"error"} and body["error"]["code"] == code
    message: str = body["error"]["message"]
    return message


def _all(client: TestClient, url: str, **params: Any) -> list[dict[str, Any]]:
    items: list[dict[str, Any]] = []
    page = 1
    while True:
        body = client.get(url, params={**params, "page": page, "page_size": 100}).json()
        items += body["items"]
        if page >= body["pages"]:
            return items
        page += 1


def test_no_screening_is_409(unscreened: TestClient) -> None:
    assert "innopoints pool screen" in _error(unscreened.get("/api/pool"), 409, "pool_not_screened")
    assert unscreened.get("/api/pool/alerts").json()["total"] == 0


def test_members_at_the_latest_and_an_earlier_round(world: World) -> None:
    with unit_of_work(world.container.sessions) as s:
        expected = {r: dict(pool_at(s, r).iter_rows()) for r in (world.r1, world.r2)}
    body = world.client.get("/api/pool").json()
    assert body["round"] == world.r2 and body["total"] == len(expected[world.r2]) > 20
    assert sum(body["by_tier"].values()) == body["total"]
    members = _all(world.client, "/api/pool")
    assert {m["uscc"]: m["tier"] for m in members} == expected[world.r2]
    assert all(m["name"] and m["district_name"] and m["tier_zh"] for m in members)
    earlier = _all(world.client, "/api/pool", round=world.r1)
    assert {m["uscc"]: m["tier"] for m in earlier} == expected[world.r1]
    trunk = _all(world.client, "/api/pool", tier="trunk")
    assert len(trunk) == body["by_tier"]["trunk"] and {m["tier"] for m in trunk} == {"trunk"}
    district = members[0]["district_code"]
    in_district = _all(world.client, "/api/pool", district=district)
    assert {m["uscc"] for m in in_district} == {m["uscc"] for m in members if m["district_code"] == district}


def test_member_list_errors(world: World) -> None:
    assert "tier" in _error(world.client.get("/api/pool?tier=gold"), 422, "invalid_query")
    assert "district" in _error(world.client.get("/api/pool?district=999999"), 422, "invalid_query")
    assert "page_size" in _error(world.client.get("/api/pool?page_size=33"), 422, "invalid_query")
    assert "999" in _error(world.client.get("/api/pool?round=999"), 404, "not_found")


def test_firm_history(world: World) -> None:
    member = world.client.get("/api/pool", params={"tier": "pillar"}).json()["items"][0]
    body = world.client.get(f"/api/enterprises/{member['uscc']}/pool-history").json()
    assert body["current_tier"]["id"] == member["tier"] == "pillar"
    assert [r["round"] for r in body["tier_by_round"]] == [world.r1, world.r2]
    assert body["tier_by_round"][-1]["tier"]["id"] == "pillar"
    assert body["events"] and body["events"][0]["kind"] == "enter" and body["events"][0]["kind_zh"] == "入库"
    assert all(e["reason_zh"] and e["rule_id"] for e in body["events"])
    assert body["events"][-1]["tier_to"] == "pillar"
    _error(world.client.get(f"/api/enterprises/{UNKNOWN}/pool-history"), 404, "not_found")


def test_round_to_round_diff_and_exports(world: World) -> None:
    with unit_of_work(world.container.sessions) as s:
        events = repo.events(s, round_ids=[world.r2])
    params = {"from": world.r1, "to": world.r2}
    body = world.client.get("/api/pool/diff", params=params).json()
    assert body["counts"] == {k: int((events["kind"] == k).sum()) for k in CHANGES}
    assert body["total"] == sum(body["counts"].values()) > 0
    assert sum(row[k] for row in body["by_district"] for k in CHANGES) == body["total"]
    first = body["items"][0]
    csv_response = world.client.get("/api/pool/diff", params={**params, "format": "csv"})
    assert csv_response.status_code == 200 and csv_response.headers["content-type"].startswith("text/csv")
    rows = list(csv.reader(io.StringIO(csv_response.content.decode("utf-8-sig"))))
    assert rows[0] == ["变动", "统一社会信用代码", "企业名称", "区县", "产业集群", "原层级", "新层级"]
    assert (
        rows[1][:3] == [first["change_zh"], first["uscc"], first["name"]] and len(rows) == body["total"] + 1
    )
    xlsx = world.client.get("/api/pool/diff", params={**params, "format": "xlsx"})
    assert xlsx.headers["content-type"] == XLSX and xlsx.content[:2] == b"PK"
    assert "须早于" in _error(
        world.client.get("/api/pool/diff", params={"from": world.r2, "to": world.r1}), 422, "invalid_query"
    )
    _error(world.client.get("/api/pool/diff", params={"from": world.r1, "to": 999}), 404, "not_found")
    assert "from" in _error(world.client.get("/api/pool/diff", params={"to": world.r2}), 422, "invalid_query")


def test_alerts(world: World) -> None:
    with unit_of_work(world.container.sessions) as s:
        stored = repo.alerts(s, round_id=world.r2)
    assert stored
    body = world.client.get("/api/pool/alerts", params={"round": world.r2, "page_size": 100}).json()
    assert body["total"] == len(stored)
    assert {(a["uscc"], a["rule_id"]) for a in _all(world.client, "/api/pool/alerts", round=world.r2)} == {
        (a.uscc, a.rule_id) for a in stored
    }
    one = stored[0].uscc
    firm = world.client.get("/api/pool/alerts", params={"uscc": one}).json()
    assert firm["total"] == sum(1 for a in stored if a.uscc == one) and all(
        a["message_zh"] for a in firm["items"]
    )
    history = world.client.get(f"/api/enterprises/{one}/pool-history").json()
    assert len(history["alerts"]) == firm["total"]
    _error(world.client.get("/api/pool/alerts", params={"uscc": UNKNOWN}), 404, "not_found")


def test_openapi_lists_the_operations(world: World) -> None:
    spec = world.client.get("/openapi.json").json()
    ops = {op["operationId"]: op for path in spec["paths"].values() for op in path.values()}
    for op_id in ("list_pool_members", "get_enterprise_pool_history", "get_pool_diff", "list_pool_alerts"):
        assert ops[op_id]["x-required-capability"] == "pool.view"
        assert {"401", "403"} <= set(ops[op_id]["responses"])
