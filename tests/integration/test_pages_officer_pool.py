"""培育库 pages: tiers and members (scoped to the officer's district, exportable), the round-to-round changes,
and a firm's care page with the assignment and follow-up forms (validated with Chinese messages)."""

from __future__ import annotations

import io
from collections.abc import Iterator

import polars as pl
import pytest
from officer_world import DISTRICT, World, build, charts, client
from openpyxl import load_workbook

from innopoints.adapters.db.cultivation_tables import PoolAssignment, PoolFollowUp
from innopoints.bootstrap import Container
from innopoints.cultivation.service import pool_at


@pytest.fixture
def world(container: Container) -> Iterator[World]:
    yield build(container)


def _members(world: World, round_id: int) -> pl.DataFrame:
    with world.container.sessions() as s:
        members = pool_at(s, round_id)
    return members.join(
        world.results(world.r2).select("uscc", "name", "district_code"), on="uscc", how="left"
    )


def _count(world: World, model: type) -> int:
    with world.container.sessions() as s:
        return s.query(model).count()


def test_pool_page_is_scoped_to_the_district(world: World) -> None:
    members = _members(world, world.r2)
    mine = members.filter(pl.col("district_code") == DISTRICT)
    with client(world.container, "officer", district_code=DISTRICT) as c:
        html = c.get("/pool").text
        trunk = c.get("/pool", params={"tier": "trunk"}).text
        export = c.get("/pool/export", params={"format": "xlsx"})
        bad = c.get("/pool", params={"tier": "giant"})
    assert "数据范围：浑南区" in html
    tiers = dict(mine.group_by("tier").len().iter_rows())
    for tier, name in (("seedling", "育苗"), ("trunk", "培干"), ("pillar", "强柱")):
        assert f'<span class="num">{tiers.get(tier, 0)}</span><span class="label">{name}（家）</span>' in html
    pie = charts(html)["tiers"]
    assert sum(item["value"] for item in pie["items"]) == mine.height
    assert f"共 <strong>{tiers['trunk']}</strong> 家" in trunk
    outsider = members.filter(pl.col("district_code") != DISTRICT).row(0, named=True)
    assert outsider["name"] not in html
    rows = list(load_workbook(io.BytesIO(export.content)).active.iter_rows(values_only=True))
    assert rows[0] == ("层级", "统一社会信用代码", "企业名称", "区县", "产业集群")
    assert {r[1] for r in rows[1:]} == set(mine["uscc"])
    assert bad.status_code == 422 and "未知层级“giant”" in bad.text


def test_pool_diff_page(world: World) -> None:
    before = _members(world, world.r1).select("uscc", pl.col("tier").alias("was"))
    after = _members(world, world.r2)
    entered = after.join(before, on="uscc", how="anti").height
    with client(world.container, "admin") as c:
        html = c.get("/pool/diff").text
        only = c.get("/pool/diff", params={"from": world.r1, "to": world.r2, "change": "enter"}).text
        export = c.get("/pool/diff/export", params={"from": world.r1, "to": world.r2, "format": "csv"})
    assert f'<span class="num">{entered:,}</span><span class="label">入库（家）</span>' in html
    assert f"共 <strong>{entered:,}</strong> 家" in only
    lines = export.content.decode("utf-8-sig").strip().splitlines()
    assert (
        lines[0].startswith("变动,统一社会信用代码")
        and sum(line.startswith("入库,") for line in lines) == entered
    )


def test_assignment_and_follow_up_forms(world: World) -> None:
    firm = _members(world, world.r2).filter(pl.col("district_code") == DISTRICT).row(0, named=True)
    url = f"/pool/firms/{firm['uscc']}"
    with client(world.container, "officer", district_code=DISTRICT) as c:
        page = c.get(url).text
        assert firm["name"] in page and "服务人员指派" in page and 'name="csrf_token"' in page
        bad_date = c.post(
            f"{url}/assign",
            data={
                "role": "commissioner",
                "person_id": "TP-01",
                "person_name": "王工",
                "started_on": "2026-13-40",
            },
        )
        assert bad_date.status_code == 422
        assert "开始日期格式错误：收到“2026-13-40”，应为 YYYY-MM-DD" in bad_date.text
        assert 'value="王工"' in bad_date.text  # the form keeps what was typed
        bad_role = c.post(
            f"{url}/assign",
            data={"role": "boss", "person_id": "", "person_name": "王工", "started_on": "2025-03-01"},
        )
        assert "角色无效：收到“boss”" in bad_role.text and "人员编号不能为空" in bad_role.text
        future = c.post(
            f"{url}/assign",
            data={"role": "officer", "person_id": "Z1", "person_name": "李四", "started_on": "2999-01-01"},
        )
        assert "开始日期不能晚于" in future.text
        assert _count(world, PoolAssignment) == 0
        ok = c.post(
            f"{url}/assign",
            data={
                "role": "commissioner",
                "person_id": "TP-01",
                "person_name": "王工",
                "started_on": "2025-03-01",
            },
            follow_redirects=False,
        )
        assert ok.status_code == 303 and ok.headers["location"].startswith(url)
        assert _count(world, PoolAssignment) == 1
        again = c.post(
            f"{url}/assign",
            data={
                "role": "commissioner",
                "person_id": "TP-02",
                "person_name": "赵工",
                "started_on": "2025-04-01",
            },
        )
        assert again.status_code == 422 and "请先结束该指派" in again.text
        assert _count(world, PoolAssignment) == 1
        empty = c.post(
            f"{url}/follow-up", data={"kind": "visit", "occurred_on": "2025-05-06", "summary": "   "}
        )
        assert empty.status_code == 422 and "跟进内容不能为空" in empty.text
        script = "<script>alert('x')</script>走访了解研发投入"
        saved = c.post(
            f"{url}/follow-up", data={"kind": "visit", "occurred_on": "2025-05-06", "summary": script}
        )
        assert saved.status_code == 200 and "已记录跟进" in saved.text
        assert "&lt;script&gt;alert(&#39;x&#39;)&lt;/script&gt;走访了解研发投入" in saved.text
        assert "<script>alert('x')</script>" not in saved.text
        assert "王工（TP-01）" in saved.text
    with world.container.sessions() as s:
        row = s.query(PoolFollowUp).one()
        assert row.summary == script and row.kind == "visit" and row.assignment_id is not None


def test_other_districts_and_roles_are_refused(world: World) -> None:
    members = _members(world, world.r2)
    other = members.filter(pl.col("district_code") != DISTRICT).row(0, named=True)
    with client(world.container, "officer", district_code=DISTRICT) as c:
        page = c.get(f"/pool/firms/{other['uscc']}")
        post = c.post(
            f"/pool/firms/{other['uscc']}/follow-up",
            data={"kind": "visit", "occurred_on": "2025-05-06", "summary": "走访"},
        )
    assert page.status_code == 403 and "不在您的数据范围内" in page.text
    assert post.status_code == 403
    with client(world.container, "bank") as c:
        assert c.get("/pool").status_code == 403
    assert _count(world, PoolFollowUp) == 0
