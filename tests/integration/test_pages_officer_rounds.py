"""积分评价 pages: the round list, running a round from the page (background job, progress polled),
one round, the top-% lists (scoped, exportable), the comparison of two rounds and the rulebook browser."""

from __future__ import annotations

import io
import re
import time
from collections.abc import Iterator

import polars as pl
import pytest
from fastapi.testclient import TestClient
from officer_world import DISTRICT, World, build, charts, client, points_text
from openpyxl import load_workbook

from innopoints.adapters.db.cultivation_tables import PoolScreening
from innopoints.adapters.db.scoring_tables import ScoringRound
from innopoints.bootstrap import Container
from innopoints.scoring.rulebook import load_points

HTMX = {"HX-Request": "true"}


@pytest.fixture
def world(container: Container) -> Iterator[World]:
    yield build(container)


def _rounds(world: World) -> list[ScoringRound]:
    with world.container.sessions() as s:
        return list(s.query(ScoringRound).order_by(ScoringRound.id))


def _wait(c: TestClient, job_url: str) -> str:
    deadline = time.monotonic() + 120
    while time.monotonic() < deadline:
        html = c.get(job_url, headers=HTMX).text
        if "hx-trigger" not in html:
            return html
        time.sleep(0.3)
    raise AssertionError("the round job did not finish in 120 s")


def test_round_list_and_run_form_by_role(world: World) -> None:
    with client(world.container, "admin") as c:
        admin = c.get("/rounds").text
    with client(world.container, "officer", district_code=DISTRICT) as c:
        officer = c.get("/rounds").text
    for html in (admin, officer):
        assert f'href="/rounds/{world.r1}"' in html and f'href="/rounds/{world.r2}"' in html
        assert "评价批次（2 个）" in html
    assert 'action="/rounds/run"' in admin and 'name="csrf_token"' in admin
    assert 'action="/rounds/run"' not in officer


def test_running_a_round_from_the_page_creates_a_round(world: World) -> None:
    with client(world.container, "admin") as c:
        started = c.post("/rounds/run", data={"year": "2025", "screen": "1"}, headers=HTMX)
        assert started.status_code == 202, started.text
        assert "2025 年积分评价" in started.text and 'hx-trigger="every 1s"' in started.text
        job_url = re.search(r'hx-get="(/rounds/jobs/[0-9a-f]+)"', started.text).group(1)  # type: ignore[union-attr]
        done = _wait(c, job_url)
        rounds = _rounds(world)
        assert len(rounds) == 3 and rounds[-1].year == 2025
        new = rounds[-1]
        assert f"已完成：第 {new.id} 批次，参评企业 {new.firms:,} 家" in done
        assert f'href="/rounds/{new.id}"' in done and "培育库在库" in done
        with world.container.sessions() as s:
            assert new.id in {row.round_id for row in s.query(PoolScreening)}
        page = c.get(f"/rounds/{new.id}")
        assert page.status_code == 200 and f"第 {new.id} 批次 · 2025 年积分评价" in page.text
        # a plain form post (no JavaScript) is redirected to the job page
        plain = c.post("/rounds/run", data={"year": "2024"}, follow_redirects=False)
        assert plain.status_code == 303 and plain.headers["location"].startswith("/rounds/jobs/")
        _wait(c, plain.headers["location"])
        job_page = c.get(plain.headers["location"]).text
        assert "评价任务" in job_page and "已完成" in job_page
    assert len(_rounds(world)) == 4


def test_run_round_rejects_bad_input_and_other_roles(world: World) -> None:
    with client(world.container, "admin") as c:
        empty = c.post("/rounds/run", data={"year": ""})
        words = c.post("/rounds/run", data={"year": "去年"})
        far = c.post("/rounds/run", data={"year": "1999"}, headers=HTMX)
        no_csrf = c.post("/rounds/run", data={"year": "2025"}, headers={"X-CSRF-Token": ""})
    assert empty.status_code == 422 and "请选择评价年度" in empty.text
    assert words.status_code == 422 and "评价年度应为四位数年份" in words.text and "去年" in words.text
    assert far.status_code == 200 and "评价年度应在 2000–2100 之间，收到 1999" in far.text
    assert no_csrf.status_code == 403 and "CSRF" in no_csrf.text
    with client(world.container, "officer", district_code=DISTRICT) as c:
        denied = c.post("/rounds/run", data={"year": "2025"})
    assert denied.status_code == 403
    assert len(_rounds(world)) == 2  # nothing was run


def test_round_page_and_top_lists_are_scoped(world: World) -> None:
    results = world.results(world.r2)
    mine = results.filter(pl.col("district_code") == DISTRICT)
    with client(world.container, "officer", district_code=DISTRICT) as c:
        page = c.get(f"/rounds/{world.r2}").text
        top = c.get(f"/rounds/{world.r2}/top", params={"list": "top20"}).text
        export = c.get(f"/rounds/{world.r2}/top/export", params={"list": "top20", "format": "xlsx"})
        bad = c.get(f"/rounds/{world.r2}/top", params={"list": "top50"})
        missing = c.get("/rounds/999")
    assert "数据范围：浑南区" in page
    assert f'<span class="num">{mine.height}</span><span class="label">浑南区参评企业（家）</span>' in page
    assert sum(charts(page)["histogram"]["series"][0]["data"]) == mine.height
    on_list = mine.filter(pl.col("top20")).sort("city_rank")
    assert f"<strong>{on_list.height}</strong> 家" in top
    best = on_list.row(0, named=True)
    assert best["name"] in top and f"<strong>{points_text(best['points_centi'])}</strong>" in top
    outsider = results.filter(pl.col("top20") & (pl.col("district_code") != DISTRICT)).row(0, named=True)
    assert outsider["name"] not in top
    rows = list(load_workbook(io.BytesIO(export.content)).active.iter_rows(values_only=True))
    assert rows[0][:3] == ("全市排名", "统一社会信用代码", "企业名称")
    assert [r[1] for r in rows[1:]] == on_list["uscc"].to_list()
    assert bad.status_code == 422 and "榜单只能是" in bad.text
    assert missing.status_code == 404 and "评价批次 999 不存在" in missing.text


def test_compare_rounds(world: World) -> None:
    before = world.results(world.r1).select("uscc", pl.col("points_centi").alias("before"))
    after = world.results(world.r2)
    moved = after.join(before, on="uscc").with_columns(
        (pl.col("points_centi") - pl.col("before")).alias("delta")
    )
    entries = after.join(before, on="uscc", how="anti")
    with client(world.container, "admin") as c:
        html = c.get("/rounds/compare").text  # defaults to the two latest rounds
        same = c.get("/rounds/compare", params={"from": world.r2, "to": world.r2})
        export = c.get("/rounds/compare/export", params={"from": world.r1, "to": world.r2, "kind": "down"})
    assert f'<option value="{world.r1}" selected>' in html
    up = moved.filter(pl.col("delta") > 0).height
    assert f'<span class="num up">{up:,}</span>' in html
    assert f'<span class="num">{entries.height:,}</span><span class="label">新进企业（家）</span>' in html
    worst = moved.sort(["delta", "uscc"]).row(0, named=True)
    assert worst["name"] in html and points_text(worst["delta"]) in html
    assert same.status_code == 422 and "两个不同的批次" in same.text
    rows = list(load_workbook(io.BytesIO(export.content)).active.iter_rows(values_only=True))
    assert len(rows) - 1 == moved.filter(pl.col("delta") < 0).height
    assert rows[1][0] == worst["uscc"]


def test_rulebook_browser_lists_every_indicator(world: World) -> None:
    rb = load_points("shenyang")
    with client(world.container, "enterprise") as c:  # the rules are public to every signed-in role
        html = c.get("/rounds/rulebook").text
        export = c.get("/rounds/rulebook/export", params={"format": "xlsx"})
    for ind in rb.indicator_list:
        assert ind.name_zh in html and ind.id in html
    first = rb.indicator_list[0]
    assert f'<td class="num">{rb.weight("startup", first)}</td>' in html
    assert "区域默认值，非官方" in html and rb.indicators.metadata.reference.replace('"', "&#34;") in html
    rows = list(load_workbook(io.BytesIO(export.content)).active.iter_rows(values_only=True))
    assert len(rows) - 1 == len(rb.indicator_list)
    assert rows[0][:4] == ("一级指标", "指标编号", "指标名称", "单位")
    assert {r[1] for r in rows[1:]} == {i.id for i in rb.indicator_list}
