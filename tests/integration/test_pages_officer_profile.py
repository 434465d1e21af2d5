"""企业画像 page on a synthetic city with two rounds: points and ranks, radar and trend charts, the ladder and
the exact gap, eligibility verdicts, and the lazily loaded potential / policies / pool sections."""

from __future__ import annotations

from collections.abc import Iterator
from decimal import Decimal

import polars as pl
import pytest
from officer_world import DISTRICT, World, build, charts, client, points_text

from innopoints.bootstrap import Container
from innopoints.profile.service import build_profile
from innopoints.scoring.rulebook import load_points


@pytest.fixture
def world(container: Container) -> Iterator[World]:
    yield build(container)


def _firm(world: World, rank: int = 10) -> dict:
    return (
        world.results(world.r2)
        .filter(pl.col("district_code") == DISTRICT)
        .sort("city_rank")
        .row(rank, named=True)
    )


def test_profile_page_shows_points_charts_gap_and_verdicts(world: World) -> None:
    firm = _firm(world)
    with world.container.sessions() as s:
        profile = build_profile(s, load_points("shenyang"), firm["uscc"])
    with client(world.container, "officer", district_code=DISTRICT) as c:
        response = c.get(f"/enterprises/{firm['uscc']}")
    assert response.status_code == 200
    html = response.text
    assert firm["name"] in html
    assert f"<strong>{points_text(firm['points_centi'])}</strong><span>分</span>" in html
    assert profile["points"]["text"] in html  # 同组第 n 名（共 m 家），全市第 k 名（共 300 家）
    found = charts(html)
    radar = found["radar"]
    assert [i["name"] for i in radar["indicators"]] == [a["name"] for a in profile["radar"]]
    assert radar["series"][0]["value"] == [float(a["score"]) for a in profile["radar"]]
    trend = found["trend"]
    assert trend["categories"] == [f"{p['year']}年" for p in profile["trend"]["points"]]
    assert trend["series"][0]["data"][-1] == float(Decimal(firm["points_centi"]) / 100)
    el = profile["eligibility"]
    if el["next"] is not None:
        assert f"下一梯度：<strong>{el['next']['name']}</strong>" in html
    if el["gap"] is not None:
        assert f"距“{el['gap']['name']}”的差距" in html
    for verdict in el["verdicts"].values():
        assert f"{verdict['title']}：{verdict['result_text']}" in html
    for section in ("potential", "policies", "pool"):
        assert f'hx-get="/enterprises/{firm["uscc"]}/sections/{section}"' in html
    assert "年度指标（数据来源与修订）" in html and "修订历史" in html


def test_profile_sections(world: World) -> None:
    firm = _firm(world, 0)
    base = f"/enterprises/{firm['uscc']}/sections"
    with client(world.container, "admin") as c:
        potential = c.get(f"{base}/potential").text
        policies = c.get(f"{base}/policies")
        pool = c.get(f"{base}/pool").text
        unknown = c.get(f"{base}/secrets")
    assert "尚未训练成长潜力模型" in potential
    assert policies.status_code == 200 and "政策匹配" in policies.text and "符合 <strong>" in policies.text
    assert "当前层级：<strong>" in pool and f'href="/pool/firms/{firm["uscc"]}"' in pool
    assert unknown.status_code == 422 and "未知的画像栏目" in unknown.text


def test_profile_access(world: World) -> None:
    results = world.results(world.r2)
    other = results.filter(pl.col("district_code") != DISTRICT).row(0, named=True)
    mine = _firm(world)
    with client(world.container, "officer", district_code=DISTRICT) as c:
        assert c.get(f"/enterprises/{mine['uscc']}").status_code == 200
        denied = c.get(f"/enterprises/{other['uscc']}")
        section = c.get(f"/enterprises/{other['uscc']}/sections/policies")
    assert denied.status_code == 403 and "不在您的数据范围内" in denied.text
    assert section.status_code == 403
    with client(world.container, "bank") as c:  # no consent from any firm
        assert c.get(f"/enterprises/{mine['uscc']}").status_code == 403
    with client(world.container, "enterprise") as c:  # another firm's user: no potential section either
        assert c.get(f"/enterprises/{mine['uscc']}/sections/potential").status_code == 403
