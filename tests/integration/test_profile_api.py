"""Enterprise profile (画像), gap, what-if and rounds API on a small synthetic city with a stored round."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

import polars as pl
import pytest
import sqlalchemy as sa
from fastapi.testclient import TestClient
from web_auth import client_for, log_in, make_user

from innopoints.adapters.analytics import columns as c
from innopoints.adapters.db import profile_repo
from innopoints.bootstrap import Container
from innopoints.eligibility.gap import find_condition
from innopoints.eligibility.panel_inputs import build_inputs
from innopoints.eligibility.registry import run
from innopoints.rules.results import Status
from innopoints.scoring import service as scoring
from innopoints.scoring.rulebook import load_points
from innopoints.synth.city import SynthConfig, generate_city
from innopoints.synth.db_writer import load_city

YEAR = 2025
AS_OF = "2026-06-30"
UNKNOWN = "91210100MA0000000X"


@dataclass
class World:
    client: TestClient
    container: Container
    results: pl.DataFrame
    round_id: int


@pytest.fixture
def world(container: Container) -> Iterator[World]:
    load_city(container.engine, generate_city(SynthConfig(seed=23, enterprises=300, with_transfer=False)))
    rb = load_points(container.settings.region)
    outcome = scoring.run_db_round(container.sessions, container.settings.data_dir, "shenyang", YEAR, rb)
    assert outcome.round_id is not None
    with client_for(container) as client:
        log_in(client, make_user(container, "admin"))
        yield World(client, container, outcome.results, outcome.round_id)


@pytest.fixture
def empty_client(container: Container) -> Iterator[TestClient]:
    load_city(container.engine, generate_city(SynthConfig(seed=23, enterprises=40, with_transfer=False)))
    with client_for(container) as client:
        log_in(client, make_user(container, "admin"))
        yield client


def _pick(results: pl.DataFrame, rank: int) -> dict[str, Any]:
    return results.sort(["points_centi", "uscc"], descending=[True, False]).row(rank, named=True)


def _error(response: Any, status: int, code: str) -> str:
    assert response.status_code == status, response.text
    body = response.json()
    assert set(body) == {"error"} and body["error"]["code"] == code
    message: str = body["error"]["message"]
    return message


def test_profile_matches_the_stored_round(world: World) -> None:
    rb = load_points("shenyang")
    for rank in (0, 120, 280):
        row = _pick(world.results, rank)
        body = world.client.get(f"/api/enterprises/{row['uscc']}/profile").json()
        pts = body["points"]
        assert body["round"]["id"] == world.round_id and body["round"]["year"] == YEAR
        assert Decimal(pts["points"]) == Decimal(row["points_centi"]) / 100
        assert Decimal(pts["explained_points"]) == Decimal(pts["points"])  # single-firm trace agrees
        assert pts["input_source"] == "records_unchanged"
        assert (pts["peer_rank"], pts["peer_size"], pts["city_rank"]) == (
            row["peer_rank"],
            row["peer_size"],
            row["city_rank"],
        )
        assert pts["city_size"] == world.results.height and pts["peer_group"] == row["peer_group"]
        assert pts["lists"] == {k: row[k] for k in ("top5", "top10", "top20")}
        assert Decimal(pts["percentile"]) == Decimal(row["percentile_bp"]) / 100
        peers = world.results.filter(pl.col("peer_group") == row["peer_group"])
        assert [a["group"] for a in body["radar"]] == [g.id for g in rb.indicators.groups]
        for axis in body["radar"]:
            col = c.group_col(axis["group"])
            own = row[col]
            others = peers[col].to_list()
            others.remove(own)
            expected = Decimal(100 * sum(v < own for v in others)) / len(others)
            assert Decimal(axis["percentile"]) == expected.quantize(Decimal("0.1"))
            assert 0 <= Decimal(axis["percentile"]) <= 100
            assert Decimal(axis["score"]) == Decimal(own) / 100
            assert Decimal(axis["peer_median"]) == (Decimal(str(peers[col].median())) / 100).quantize(
                Decimal("0.01")
            )
            assert axis["peer_count"] == peers.height
        assert len(body["indicators"]) == len(rb.indicator_list)
        assert all(0 <= Decimal(i["peer_percentile"]) <= 100 for i in body["indicators"])
        total = sum(Decimal(i["contribution"]) for i in body["indicators"])
        assert abs(total - Decimal(pts["base_points"])) <= Decimal("0.01") * len(body["indicators"])


def test_strengths_weaknesses_and_trends(world: World) -> None:
    row = _pick(world.results, 10)
    body = world.client.get(f"/api/enterprises/{row['uscc']}/profile").json()
    strengths, weaknesses = body["strengths"], body["weaknesses"]
    assert strengths and weaknesses
    by_id = {i["id"]: i for i in body["indicators"]}
    for s in strengths:
        assert s["peer_percentile"] == by_id[s["id"]]["peer_percentile"]
        assert f"高于同组 {Decimal(s['peer_percentile']).normalize():f}% 的企业" in s["text"]
        assert s["name"] in s["text"]
    weakest = max(Decimal(w["peer_percentile"]) for w in weaknesses)
    assert all(weakest <= Decimal(s["peer_percentile"]) for s in strengths)
    points = body["trend"]["points"]
    assert [p["year"] for p in points] == [YEAR - 2, YEAR - 1, YEAR]
    assert (
        points[-1]["source"] == "round"
        and Decimal(points[-1]["points"]) == Decimal(row["points_centi"]) / 100
    )
    assert all(p["source"] in ("estimate", "none") for p in points[:2])
    assert all("冻结参照估算" in p["label"] for p in points[:2] if p["source"] == "estimate")
    revenue = body["trend"]["indicators"][0]
    assert revenue["id"] == "operating_revenue" and revenue["unit"].startswith("元")
    with world.container.sessions() as session:
        firm = profile_repo.load_firm(session, row["uscc"])
        assert firm is not None
    for point in revenue["values"]:
        stored = firm.data.panel.get(point["year"], {}).get("operating_revenue")
        if stored is None:
            assert point["value"] is None and point["text"] == "缺失"
        else:
            assert point["value"] == f"{stored:.2f}" and point["text"].endswith("万元")
            assert Decimal(point["text"].removesuffix("万元").replace(",", "")) == stored / 10000


def test_a_second_round_replaces_the_estimate_in_the_trend(world: World) -> None:
    rb = load_points("shenyang")
    earlier = scoring.run_db_round(
        world.container.sessions, world.container.settings.data_dir, "shenyang", YEAR - 1, rb
    )
    both = earlier.results.join(world.results.select("uscc"), on="uscc")
    row = both.sort("uscc").row(0, named=True)
    body = world.client.get(f"/api/enterprises/{row['uscc']}/profile").json()
    assert body["round"]["id"] == world.round_id  # the latest year is the default
    trend = {p["year"]: p for p in body["trend"]["points"]}
    assert trend[YEAR - 1]["source"] == "round" and trend[YEAR - 1]["round_id"] == earlier.round_id
    assert Decimal(trend[YEAR - 1]["points"]) == Decimal(row["points_centi"]) / 100
    older = world.client.get(f"/api/enterprises/{row['uscc']}/profile", params={"round": earlier.round_id})
    assert older.json()["round"]["year"] == YEAR - 1
    listed = world.client.get("/api/rounds").json()["items"]
    assert [r["id"] for r in listed] == [world.round_id, earlier.round_id]


def test_estimates_use_the_same_inputs_as_the_batch(world: World) -> None:
    """The profile's own firm-input builder (used for estimated years) equals the round's snapshot."""
    from innopoints.adapters.analytics.inputs import firm_inputs
    from innopoints.profile.firm_input import firm_input

    rb = load_points("shenyang")
    with world.container.sessions() as session:
        rnd = profile_repo.get_round(session, world.round_id)
        assert rnd is not None and rnd.snapshot_path
        snapshot = pl.read_parquet(rnd.snapshot_path)
        for expected in firm_inputs(snapshot.select(c.input_columns(rb)), rb):
            firm = profile_repo.load_firm(session, expected.uscc)
            assert firm is not None
            assert firm_input(firm.uscc, firm.cluster_id, firm.data, YEAR, rb) == expected


def _leaves(items: list[dict[str, Any]]) -> list[dict[str, Any]]:
    out: list[dict[str, Any]] = []
    for item in items:
        if item["kind"] == "condition":
            out.append(item)
        else:
            for option in item["options"]:
                out.extend(_leaves(option["items"]))
    return out


def _apply(raw: dict[str, Any], change: list[dict[str, Any]]) -> dict[str, Any]:
    out = dict(raw)
    for entry in change:
        value = (
            Decimal(entry["to"])
            if isinstance(entry["to"], str) and entry.get("unit") == "元"
            else entry["to"]
        )
        if "index" in entry:
            series = list(out[entry["input"]])
            series[entry["index"]] = value
            out[entry["input"]] = series
        else:
            out[entry["input"]] = value
    return out


def test_gap_items_hold_on_re_evaluation(world: World) -> None:
    import datetime as dt

    checked = 0
    for rank in (30, 150, 260):
        uscc = _pick(world.results, rank)["uscc"]
        body = world.client.get(
            f"/api/enterprises/{uscc}/gap", params={"target": "high-tech", "as_of": AS_OF}
        ).json()
        assert body["target"] == "high-tech" and body["filing_year"] == 2026
        with world.container.sessions() as session:
            firm = profile_repo.load_firm(session, uscc)
            assert firm is not None
            raw = build_inputs(firm.data, dt.date(2026, 6, 30)).inputs["high-tech"]
        for item in _leaves(body["gap"]["items"]):
            assert item["verified"] in (True, None)
            if item.get("change") and item["achievable"] and not item.get("options"):
                verdict = run("high-tech", _apply(raw, item["change"]), dt.date(2026, 6, 30))
                cond = find_condition(verdict, item["id"])
                assert cond is not None and cond.status is Status.MET, item
                checked += 1
    assert checked > 0
    ladder = world.client.get(f"/api/enterprises/{uscc}/gap", params={"as_of": AS_OF}).json()
    assert {"highest", "next", "rungs", "gap"} <= set(ladder)


def test_what_if_before_and_after(world: World) -> None:
    import datetime as dt

    day = dt.date(2026, 6, 30)
    with world.container.sessions() as session:  # a tech SME by score, not by a 高企 certificate
        for uscc in world.results.sort("uscc")["uscc"]:
            firm = profile_repo.load_firm(session, uscc)
            assert firm is not None
            raw = build_inputs(firm.data, day).inputs["tech-sme"]
            if not raw["valid_hte_certificate"] and run("tech-sme", raw, day).details["qualified"] is True:
                break
        else:
            pytest.fail("the synthetic city has no tech SME qualified by score")
    url = f"/api/enterprises/{uscc}/what-if"
    response = world.client.post(
        url,
        params={"as_of": AS_OF},
        json={"evaluator": "tech-sme", "overrides": {"sci_tech_staff": 0, "employees": 50}},
    )
    assert response.status_code == 200, response.text
    body = response.json()
    before = run("tech-sme", raw, day)
    after = run("tech-sme", {**raw, "sci_tech_staff": 0, "employees": 50}, day)
    assert body["before"]["qualified"] is before.details["qualified"] is True
    assert body["after"]["qualified"] == after.details["qualified"] and after.details["qualified"] is not True
    assert body["verdict_changed"] is True
    assert (
        body["before"]["score"] == before.details["score"]
        and body["after"]["score"] == after.details["score"]
    )
    assert any(ch["id"] == "c5b_staff_nonzero" for ch in body["changed_conditions"])
    money = world.client.post(
        url, json={"evaluator": "high-tech", "overrides": {"rd_expense[-1]": 12345678.91}}
    ).json()
    assert money["overrides"] == {"rd_expense[-1]": "12345678.91"}  # exact, not a float


def test_top_lists(world: World) -> None:
    for share, flag in (("0.05", "top5"), ("0.1", "top10"), ("0.20", "top20")):
        body = world.client.get(f"/api/rounds/{world.round_id}/top", params={"share": share}).json()
        expected = world.results.filter(pl.col(flag))
        assert body["total"] == expected.height and body["list"]["id"] == flag
        assert {i["uscc"] for i in body["items"]} == set(expected["uscc"])
        keys = [(i["peer_group"], i["peer_rank"]) for i in body["items"]]
        assert keys == sorted(keys) and all(i["name"] for i in body["items"])
    group = world.results["peer_group"][0]
    one = world.client.get(
        f"/api/rounds/{world.round_id}/top", params={"share": "0.2", "peer_group": group, "limit": 2}
    ).json()
    assert len(one["items"]) <= 2 and all(i["peer_group"] == group for i in one["items"])


def test_errors(world: World) -> None:
    client, uscc = world.client, _pick(world.results, 0)["uscc"]
    assert "未找到" in _error(client.get(f"/api/enterprises/{UNKNOWN}/profile"), 404, "not_found")
    _error(client.get(f"/api/enterprises/{UNKNOWN}/gap"), 404, "not_found")
    _error(
        client.post(f"/api/enterprises/{UNKNOWN}/what-if", json={"evaluator": "tech-sme", "overrides": {}}),
        404,
        "not_found",
    )
    assert "999" in _error(
        client.get(f"/api/enterprises/{uscc}/profile", params={"round": 999}), 404, "not_found"
    )
    _error(client.get(f"/api/enterprises/{uscc}/profile", params={"round": "abc"}), 422, "invalid_query")
    _error(client.get(f"/api/enterprises/{uscc}/profile", params={"round": 0}), 422, "invalid_query")
    assert "target" in _error(
        client.get(f"/api/enterprises/{uscc}/gap", params={"target": "moon"}), 422, "invalid_query"
    )
    assert "evaluator" in _error(
        client.post(f"/api/enterprises/{uscc}/what-if", json={"evaluator": "nope", "overrides": {}}),
        422,
        "invalid_query",
    )
    assert "未知的字段" in _error(
        client.post(
            f"/api/enterprises/{uscc}/what-if", json={"evaluator": "tech-sme", "overrides": {"x": 1}}
        ),
        422,
        "invalid_query",
    )
    _error(client.post(f"/api/enterprises/{uscc}/what-if", json={"overrides": {}}), 422, "invalid_query")
    assert "0.05" in _error(
        client.get(f"/api/rounds/{world.round_id}/top", params={"share": "0.3"}), 422, "invalid_query"
    )
    _error(client.get("/api/rounds/999/top"), 404, "not_found")
    with world.container.engine.connect() as conn:
        gone = conn.execute(
            sa.text("SELECT uscc FROM enterprise WHERE exit_date IS NOT NULL LIMIT 1")
        ).scalar()
    if gone is not None:  # an exited firm is in the directory but in no round
        assert "未参加" in _error(client.get(f"/api/enterprises/{gone}/profile"), 404, "not_found")


def test_no_round_yet_is_a_conflict(empty_client: TestClient) -> None:
    uscc = empty_client.get("/api/enterprises", params={"page_size": 20}).json()["items"][0]["uscc"]
    message = _error(empty_client.get(f"/api/enterprises/{uscc}/profile"), 409, "no_round")
    assert "尚无积分评价批次，请先运行 innopoints score" in message
    assert "尚无积分评价批次" in _error(empty_client.get("/api/rounds/1/top"), 409, "no_round")
    assert empty_client.get("/api/rounds").json() == {"items": []}
    gap = empty_client.get(f"/api/enterprises/{uscc}/gap", params={"as_of": AS_OF})
    assert gap.status_code == 200 and gap.json()["uscc"] == uscc  # the gap needs no round


def test_openapi_lists_stable_operation_ids(world: World) -> None:
    spec = world.client.get("/openapi.json").json()
    ids = {op["operationId"] for path in spec["paths"].values() for op in path.values()}
    assert {
        "get_enterprise_profile",
        "get_enterprise_gap",
        "post_enterprise_what_if",
        "list_scoring_rounds",
        "get_round_top_list",
    } <= ids


def test_records_changed_after_the_round_read_the_frozen_snapshot(world: World) -> None:
    from datetime import UTC, datetime

    from innopoints.adapters.db import panel_repo
    from innopoints.adapters.db.engine import unit_of_work
    from innopoints.registry.panel import PanelValue

    row = _pick(world.results, 50)
    url = f"/api/enterprises/{row['uscc']}/profile"
    before = world.client.get(url).json()
    with unit_of_work(world.container.sessions) as session:
        firm = profile_repo.load_firm(session, row["uscc"])
        assert firm is not None
        rd = firm.data.panel[YEAR].get("rd_expense") or Decimal(0)
        changed = PanelValue(firm.id, YEAR, "rd_expense", rd + Decimal("1000000.00"))
        assert (
            panel_repo.append_values(session, [changed], source="self_report", recorded_at=datetime.now(UTC))
            == 1
        )
    after = world.client.get(url).json()
    assert after["points"]["input_source"] == "snapshot"
    assert (
        after["points"]["points"] == before["points"]["points"] == f"{Decimal(row['points_centi']) / 100:.2f}"
    )
    assert after["points"]["explained_points"] == before["points"]["explained_points"]  # the frozen input
    assert after["indicators"] == before["indicators"]
    new_rd = next(i for i in after["trend"]["indicators"] if i["id"] == "rd_expense")["values"][-1]
    assert Decimal(new_rd["value"]) == rd + Decimal("1000000.00")  # the trend shows the current records


def test_detail_page_shows_the_profile_section(world: World) -> None:
    row = _pick(world.results, 3)
    html = world.client.get(f"/enterprises/{row['uscc']}").text
    assert "创新积分（2025 年，第 1 批次）" in html
    assert f"<strong>{Decimal(row['points_centi']) / 100:.2f}</strong><span>分</span>" in html
    assert f"同组第 {row['peer_rank']} 名（共 {row['peer_size']} 家）" in html
    assert "资格自评" in html and "科技型中小企业" in html and "梯度阶段" in html
    assert f"/api/enterprises/{row['uscc']}/gap" in html


def test_detail_page_without_a_round_has_no_profile_section(empty_client: TestClient) -> None:
    uscc = empty_client.get("/api/enterprises").json()["items"][0]["uscc"]
    response = empty_client.get(f"/enterprises/{uscc}")
    assert response.status_code == 200 and "企业" in response.text
    assert "创新积分（" not in response.text and 'id="points"' not in response.text


def test_a_round_of_another_rulebook_version_is_a_conflict(world: World) -> None:
    with world.container.engine.begin() as conn:
        conn.execute(sa.text("UPDATE scoring_round SET rulebook_hash = :h"), {"h": "0" * 64})
    uscc = _pick(world.results, 0)["uscc"]
    message = _error(world.client.get(f"/api/enterprises/{uscc}/profile"), 409, "round_rulebook_changed")
    assert "积分规则版本与当前不同" in message and "innopoints score" in message
    assert world.client.get(f"/enterprises/{uscc}").status_code == 200  # the page still shows the directory
