"""首页 dashboard on a synthetic city with two rounds: targets, by-district bars, ladder funnel, points
histogram and movers, for the city (admin) and for a district officer (their district only)."""

from __future__ import annotations

import io
from collections.abc import Iterator

import polars as pl
import pytest
from officer_world import DISTRICT, World, build, charts, client, points_text
from openpyxl import load_workbook

from innopoints.bootstrap import Container

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


@pytest.fixture
def world(container: Container) -> Iterator[World]:
    yield build(container)


def _movers(world: World) -> pl.DataFrame:
    before = world.results(world.r1).select("uscc", pl.col("points_centi").alias("before"))
    after = world.results(world.r2)
    return after.join(before, on="uscc").with_columns(
        (pl.col("points_centi") - pl.col("before")).alias("delta")
    )


def test_city_dashboard_shows_the_latest_round(world: World) -> None:
    latest = world.results(world.r2)
    with client(world.container, "admin") as c:
        response = c.get("/dashboard")
    assert response.status_code == 200
    html = response.text
    assert "数据范围：全市" in html and "2026 年目标进度" in html and "科技型企业数量" in html
    median = latest["points_centi"].median()
    assert (
        f'<span class="num">{points_text(median)}</span><span class="label">积分中位数（分）</span>' in html
    )
    found = charts(html)
    assert set(found) >= {"targets", "districts", "funnel", "histogram"}
    # histogram: every firm of the round falls in one 50-point band
    hist = found["histogram"]
    assert sum(hist["series"][0]["data"]) == latest.height
    assert hist["categories"][0].startswith("0–")
    # by district: one bar per district of the region, firm counts from the round
    districts = found["districts"]
    counts = dict(latest.group_by("district_code").len().iter_rows())
    assert districts["categories"][0] == "和平区"
    assert sum(districts["series"][0]["data"]) == latest.height
    hunnan = districts["categories"].index("浑南区")
    assert districts["series"][0]["data"][hunnan] == counts[DISTRICT]
    assert districts["highlight"] is None  # the admin has no district of their own
    # funnel: firms at each rung or higher, never increasing
    funnel = [item["value"] for item in found["funnel"]["items"]]
    assert funnel[0] == latest.filter(pl.col("ladder_stage") != "none").height > 0
    assert funnel == sorted(funnel, reverse=True)
    # movers: the biggest riser of the city is listed with its exact points
    top = _movers(world).sort(["delta", "uscc"], descending=[True, False]).row(0, named=True)
    assert top["name"] in html
    assert f"+{points_text(top['delta'])}" in html
    assert f"{points_text(top['before'])} → {points_text(top['points_centi'])}" in html


def test_officer_sees_their_district(world: World) -> None:
    latest = world.results(world.r2)
    mine = latest.filter(pl.col("district_code") == DISTRICT)
    with client(world.container, "officer", district_code=DISTRICT) as c:
        html = c.get("/dashboard").text
        body = c.get("/api/dashboard").json()
    assert "数据范围：浑南区" in html and "浑南区的目标分解" in html
    found = charts(html)
    assert sum(found["histogram"]["series"][0]["data"]) == mine.height
    assert found["districts"]["categories"][found["districts"]["highlight"]] == "浑南区"
    assert sum(found["districts"]["series"][0]["data"]) == latest.height  # counts of every district
    assert body["summary"]["firms"] == mine.height
    assert body["own_district"] == DISTRICT
    shown = {r["uscc"] for part in ("up", "down") for r in body["movers"][part]}
    assert shown and shown <= set(mine["uscc"])
    assert {r["district"] for part in ("up", "down") for r in body["movers"][part]} == {"浑南区"}
    assert {row["district"] for row in body["targets"]["districts"]} == {"浑南区"}
    outsider = latest.filter(pl.col("district_code") != DISTRICT).sort("city_rank").row(0, named=True)
    assert outsider["name"] not in html


def test_dashboard_exports(world: World) -> None:
    latest = world.results(world.r2)
    with client(world.container, "admin") as c:
        response = c.get("/dashboard/export", params={"part": "districts", "format": "xlsx"})
        bad = c.get("/dashboard/export", params={"part": "secrets"})
        movers = c.get("/dashboard/export", params={"part": "movers_up", "format": "csv"})
    assert response.status_code == 200 and response.headers["content-type"] == XLSX
    sheet = load_workbook(io.BytesIO(response.content)).active
    rows = list(sheet.iter_rows(values_only=True))
    assert rows[0] == ("区县", "参评企业（家）", "平均积分（分）", "前20%榜单企业（家）")
    by_name = {r[0]: r[1] for r in rows[1:]}
    assert by_name["浑南区"] == latest.filter(pl.col("district_code") == DISTRICT).height
    assert bad.status_code == 422 and "参数 part" in bad.text
    assert movers.status_code == 200 and "积分变化（分）" in movers.content.decode("utf-8-sig")


def test_dashboard_roles(world: World) -> None:
    with client(world.container, "enterprise") as c:
        denied = c.get("/dashboard")
    assert denied.status_code == 403 and "无权" in denied.text
    from web_auth import client_for

    with client_for(world.container) as anonymous:
        redirect = anonymous.get("/dashboard", follow_redirects=False)
    assert redirect.status_code == 303 and redirect.headers["location"].startswith("/login")


def test_dashboard_without_rounds(container: Container) -> None:
    world = build(container, rounds=0)
    with client(world.container, "admin") as c:
        html = c.get("/dashboard").text
    assert "尚无积分评价批次" in html and "2026 年目标进度" in html
    assert set(charts(html)) == {"targets"}
