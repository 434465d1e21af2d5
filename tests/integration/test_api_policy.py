"""Policy library and matching API on a small synthetic city with a stored scoring round."""

from __future__ import annotations

import csv
import io
from collections.abc import Iterator
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

import openpyxl
import pytest
from fastapi.testclient import TestClient
from web_auth import client_for, log_in, make_user

from innopoints.bootstrap import Container
from innopoints.policy.library import load_library
from innopoints.policy.service import EXPORT_COLUMNS
from innopoints.scoring import service as scoring
from innopoints.scoring.rulebook import load_points
from innopoints.synth.city import SynthConfig, generate_city
from innopoints.synth.db_writer import load_city

AS_OF = "2026-03-31"
UNKNOWN = "91210100MA0000000X"
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


@dataclass
class World:
    client: TestClient
    round_id: int


@pytest.fixture
def world(container: Container) -> Iterator[World]:
    load_city(container.engine, generate_city(SynthConfig(seed=23, enterprises=300, with_transfer=False)))
    rb = load_points(container.settings.region)
    outcome = scoring.run_db_round(container.sessions, container.settings.data_dir, "shenyang", 2025, rb)
    assert outcome.round_id is not None
    with client_for(container) as client:
        log_in(client, make_user(container, "admin"))
        yield World(client, outcome.round_id)


def _error(response: Any, status: int, code: str) -> str:
    assert response.status_code == status, response.text
    body = response.json()
    assert set(body) == {"error"} and body["error"]["code"] == code
    message: str = body["error"]["message"]
    return message


def _busiest(client: TestClient) -> tuple[str, dict[str, int]]:
    """The policy with the most matched firms (so the list spans pages)."""
    best: tuple[str, dict[str, int]] | None = None
    for p in load_library():
        response = client.get(f"/api/policies/{p.id}/eligible", params={"as_of": AS_OF})
        assert response.status_code == 200, response.text
        counts = response.json()["counts"]
        if best is None or counts["met"] > best[1]["met"]:
            best = (p.id, counts)
    assert best is not None and best[1]["met"] > 20
    return best


def test_library_lists_every_policy_with_its_status(world: World) -> None:
    body = world.client.get("/api/policies").json()
    library = load_library()
    assert [p["id"] for p in body["items"]] == [p.id for p in library]
    for item, policy in zip(body["items"], library, strict=True):
        assert item["name_zh"] == policy.meta.name.zh
        assert item["status"] in ("official", "example") and item["status_zh"]
        amount = item["benefit"]["max_amount"]
        if amount is not None:
            factor = {"元": 1, "万元": 10000}[amount["unit"]]
            assert Decimal(amount["yuan"]) == Decimal(amount["value"]) * factor
        assert item["reference"]
    one = world.client.get(f"/api/policies/{library[0].id}").json()
    assert one == body["items"][0]
    assert "no_such" in _error(world.client.get("/api/policies/no_such"), 404, "not_found")


def test_eligible_list_pages_and_agrees_with_single_firm_matching(world: World) -> None:
    policy_id, counts = _busiest(world.client)
    first = world.client.get(
        f"/api/policies/{policy_id}/eligible", params={"as_of": AS_OF, "page_size": 20}
    ).json()
    assert first["round"] == world.round_id and first["warnings"] == []
    assert first["total"] == counts["met"] and first["pages"] == -(-counts["met"] // 20)
    assert len(first["items"]) == 20 and {i["status"] for i in first["items"]} == {"符合"}
    second = world.client.get(
        f"/api/policies/{policy_id}/eligible", params={"as_of": AS_OF, "page_size": 20, "page": 2}
    ).json()
    assert not {i["uscc"] for i in first["items"]} & {i["uscc"] for i in second["items"]}
    for item in first["items"][:3]:  # the vectorised list agrees with the single-firm evaluation
        firm = world.client.get(f"/api/enterprises/{item['uscc']}/policies", params={"as_of": AS_OF}).json()
        assert policy_id in {m["policy"] for m in firm["matched"]}
    unknown = world.client.get(
        f"/api/policies/{policy_id}/eligible", params={"as_of": AS_OF, "status": "unknown", "page_size": 100}
    ).json()
    assert unknown["total"] == counts["unknown"]
    assert all(i["status"].startswith("待核实") for i in unknown["items"])
    both = world.client.get(
        f"/api/policies/{policy_id}/eligible", params={"as_of": AS_OF, "status": "all"}
    ).json()
    assert both["total"] == counts["met"] + counts["unknown"]


def test_eligible_exports(world: World) -> None:
    policy_id, counts = _busiest(world.client)
    listed = world.client.get(f"/api/policies/{policy_id}/eligible", params={"as_of": AS_OF}).json()["items"]
    response = world.client.get(
        f"/api/policies/{policy_id}/eligible", params={"as_of": AS_OF, "format": "csv"}
    )
    assert response.status_code == 200 and response.headers["content-type"].startswith("text/csv")
    assert "attachment" in response.headers["content-disposition"]
    rows = list(csv.reader(io.StringIO(response.content.decode("utf-8-sig"))))
    assert rows[0] == [label for _, label in EXPORT_COLUMNS]
    assert len(rows) == counts["met"] + 1
    assert rows[1][:2] == [listed[0]["uscc"], listed[0]["name"]] and rows[1][4] == "符合"
    xlsx = world.client.get(f"/api/policies/{policy_id}/eligible", params={"as_of": AS_OF, "format": "xlsx"})
    assert xlsx.status_code == 200 and xlsx.headers["content-type"] == XLSX
    sheet = openpyxl.load_workbook(io.BytesIO(xlsx.content), read_only=True).worksheets[0]
    cells = list(sheet.iter_rows(values_only=True))
    assert list(cells[0]) == [label for _, label in EXPORT_COLUMNS]
    assert cells[1][0] == listed[0]["uscc"] and len(cells) == counts["met"] + 1


def test_enterprise_policies_three_states_with_reasons(world: World) -> None:
    policy_id, _ = _busiest(world.client)
    uscc = world.client.get(f"/api/policies/{policy_id}/eligible", params={"as_of": AS_OF}).json()["items"][
        0
    ]["uscc"]
    body = world.client.get(f"/api/enterprises/{uscc}/policies", params={"as_of": AS_OF}).json()
    assert body["uscc"] == uscc and body["round"] == world.round_id and body["as_of"] == AS_OF
    assert sum(body["counts"].values()) == len(load_library())
    assert body["counts"] == {
        "met": len(body["matched"]),
        "not_met": len(body["not_matched"]),
        "unknown": len(body["unknown"]),
    }
    for item in body["not_matched"]:
        assert item["reasons"] and item["references"] and item["amount_yuan"] is None
    for item in body["unknown"]:
        assert item["missing"] or item["reasons"]
    for item in body["matched"]:
        assert item["status_zh"] == "符合" and item["references"]
    _error(world.client.get(f"/api/enterprises/{UNKNOWN}/policies"), 404, "not_found")


def test_invalid_parameters_are_422(world: World) -> None:
    pid = load_library()[0].id
    assert "status" in _error(
        world.client.get(f"/api/policies/{pid}/eligible?status=maybe"), 422, "invalid_query"
    )
    assert "page_size" in _error(
        world.client.get(f"/api/policies/{pid}/eligible?page_size=7"), 422, "invalid_query"
    )
    assert "format" in _error(
        world.client.get(f"/api/policies/{pid}/eligible?format=pdf"), 422, "invalid_query"
    )
    assert "as_of" in _error(
        world.client.get(f"/api/policies/{pid}/eligible?as_of=2025-13-01"), 422, "invalid_query"
    )
    spec = world.client.get("/openapi.json").json()
    ops = {op["operationId"]: op for path in spec["paths"].values() for op in path.values()}
    required = {
        "list_policies": "policy.library",
        "get_policy": "policy.library",
        "list_policy_eligible_firms": "policy.eligible",
        "get_enterprise_policies": "policy.view",
    }
    for op_id, capability in required.items():
        assert ops[op_id]["x-required-capability"] == capability
        assert {"401", "403"} <= set(ops[op_id]["responses"])
