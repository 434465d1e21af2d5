"""Annual targets API on a small synthetic city: live report, exports, district allocation and its changes."""

from __future__ import annotations

import datetime as dt
import io
from collections.abc import Iterator
from decimal import Decimal
from typing import Any

import openpyxl
import pytest
from fastapi.testclient import TestClient
from web_auth import client_for, log_in, make_user

from innopoints.bootstrap import Container
from innopoints.region import load_region
from innopoints.synth.city import SynthConfig, generate_city
from innopoints.synth.db_writer import load_city
from innopoints.targets.export import COLUMNS
from innopoints.targets.report import build_report

AS_OF = "2026-06-30"
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
BROKERS = "tech_brokers_cumulative"


@pytest.fixture
def client(container: Container) -> Iterator[TestClient]:
    load_city(container.engine, generate_city(SynthConfig(seed=7, enterprises=300)))
    with client_for(container) as c:
        log_in(c, make_user(container, "admin"))
        yield c


def _error(response: Any, status: int, code: str) -> str:
    assert response.status_code == status, response.text
    body = response.json()
    assert set(body) == {"error"} and body["error"]["code"] == code
    message: str = body["error"]["message"]
    return message


def test_report_has_live_values_by_district(client: TestClient, container: Container) -> None:
    body = client.get("/api/targets", params={"year": 2026, "as_of": AS_OF}).json()
    region = load_region("shenyang")
    assert body["year"] == 2026 and body["as_of"] == AS_OF
    assert [i["id"] for i in body["indicators"]] == list(region.targets_2026)
    with container.engine.connect() as conn:
        direct = build_report(conn, 2026, dt.date(2026, 6, 30), region)
    by_id = {i["id"]: i for i in body["indicators"]}
    for row in direct.indicators:
        item = by_id[row.id]
        assert Decimal(item["target"]) == row.target
        if not row.measured:
            assert item["current"] is None and item["status"] == "无数据来源"
            continue
        assert Decimal(item["current"]) == row.current and Decimal(item["projection"]) == row.projection
        assert item["status"] == row.status and item["method"]
    assert by_id[BROKERS]["measured"] and Decimal(by_id[BROKERS]["current"]) > 0
    assert len(body["districts"]) == len(region.districts)
    decomposed = {d.indicator for d in direct.districts}
    for district in body["districts"]:
        assert {i["indicator"] for i in district["indicators"]} == decomposed
    # district targets of every decomposed indicator add up to the city target (default split)
    for tid in decomposed:
        total = sum(i["target"] for d in body["districts"] for i in d["indicators"] if i["indicator"] == tid)
        assert Decimal(total) == Decimal(by_id[tid]["target"])
    assert body["alerts"] == direct.alerts


def test_report_parameters_are_checked(client: TestClient) -> None:
    assert "2025" in _error(client.get("/api/targets?year=2025&as_of=2025-06-30"), 422, "invalid_query")
    assert "2027-01-05" in _error(client.get("/api/targets?year=2026&as_of=2027-01-05"), 422, "invalid_query")
    assert "year" in _error(client.get("/api/targets?year=abc"), 422, "invalid_query")
    assert "format" in _error(client.get("/api/targets/export?format=docx"), 422, "invalid_query")


def test_exports(client: TestClient) -> None:
    report = client.get("/api/targets", params={"as_of": AS_OF}).json()
    xlsx = client.get("/api/targets/export", params={"format": "xlsx", "as_of": AS_OF})
    assert xlsx.status_code == 200 and xlsx.headers["content-type"] == XLSX
    assert "attachment" in xlsx.headers["content-disposition"]
    rows = list(
        openpyxl.load_workbook(io.BytesIO(xlsx.content), read_only=True)
        .worksheets[0]
        .iter_rows(values_only=True)
    )
    assert list(rows[0]) == [label for _, label in COLUMNS]
    first = report["indicators"][0]
    assert rows[1][0] == "全市" and rows[1][1] == first["name"] and rows[1][2] == first["unit"]
    pdf = client.get("/api/targets/export", params={"format": "pdf", "as_of": AS_OF})
    assert pdf.status_code == 200 and pdf.headers["content-type"] == "application/pdf"
    assert pdf.content.startswith(b"%PDF") and len(pdf.content) > 2000


def test_allocation_changes_are_appended(client: TestClient) -> None:
    before = client.get("/api/targets/allocation", params={"indicator": BROKERS}).json()
    (item,) = before["indicators"]
    assert item["consistent"] and item["district_total"] == item["city_target"] and before["changes"] == []
    hunnan = next(d for d in item["districts"] if d["district"] == "210112")
    assert hunnan["value"] == hunnan["default_value"] and not hunnan["edited"]
    change = {
        "indicator": BROKERS,
        "district": "210112",
        "value": hunnan["value"] + 7,
        "changed_by": "张三",
        "reason": "区县任务书",
    }
    created = client.post("/api/targets/allocation", json=change)
    assert created.status_code == 201, created.text
    assert created.json()["district_name"] == "浑南区" and created.json()["id"] >= 1
    again = client.post(
        "/api/targets/allocation", json={**change, "value": hunnan["value"] + 9, "reason": "复核"}
    )
    assert again.status_code == 201
    after = client.get("/api/targets/allocation", params={"indicator": BROKERS}).json()
    (item,) = after["indicators"]
    hunnan_after = next(d for d in item["districts"] if d["district"] == "210112")
    assert hunnan_after["value"] == hunnan["value"] + 9 and hunnan_after["edited"]
    assert hunnan_after["changed_by"] == "张三" and hunnan_after["reason"] == "复核"
    assert item["district_total"] == item["city_target"] + 9 and not item["consistent"]
    assert [c["value"] for c in after["changes"]] == [hunnan["value"] + 7, hunnan["value"] + 9]
    report = client.get("/api/targets", params={"as_of": AS_OF}).json()
    assert any(a.startswith("【分解不一致】") for a in report["alerts"])


@pytest.mark.parametrize(
    ("patch", "needle"),
    [
        ({"value": -1}, "value"),
        ({"district": "999999"}, "未知区县代码"),
        ({"indicator": "university_outcomes"}, "不做区县分解"),
        ({"reason": "   "}, "修改原因"),
        ({"changed_by": ""}, "changed_by"),
        ({"year": 2031}, "2031"),
    ],
)
def test_invalid_allocation_is_422(client: TestClient, patch: dict[str, Any], needle: str) -> None:
    body = {
        "indicator": BROKERS,
        "district": "210112",
        "value": 10,
        "changed_by": "张三",
        "reason": "任务书",
        **patch,
    }
    assert needle in _error(client.post("/api/targets/allocation", json=body), 422, "invalid_query")
    assert client.get("/api/targets/allocation").json()["changes"] == []  # nothing appended


def test_openapi_lists_the_operations(client: TestClient) -> None:
    spec = client.get("/openapi.json").json()
    ops = {op["operationId"]: op for path in spec["paths"].values() for op in path.values()}
    for op_id in ("get_targets_report", "export_targets_report", "get_targets_allocation"):
        assert ops[op_id]["x-required-capability"] == "targets.view"
    assert ops["post_targets_allocation_change"]["x-required-capability"] == "targets.edit"
    assert {"401", "403"} <= set(ops["post_targets_allocation_change"]["responses"])
