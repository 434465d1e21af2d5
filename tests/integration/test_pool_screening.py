"""The cultivation pool over the database: screening per round, append-only replayable history,
idempotence, ordering, alerts and the round-to-round report (SQLite and PostgreSQL)."""

from __future__ import annotations

import csv
import io

import polars as pl
import pytest
import sqlalchemy as sa

from innopoints.adapters.db import cultivation_repo as repo
from innopoints.adapters.db.cultivation_tables import PoolAlert, PoolEvent, PoolScreening
from innopoints.adapters.db.engine import unit_of_work
from innopoints.bootstrap import Container
from innopoints.cultivation.history import replay
from innopoints.cultivation.inputs import screening_frame
from innopoints.cultivation.report import export_diff, pool_diff
from innopoints.cultivation.rulebook import load_cultivation
from innopoints.cultivation.screen import screen
from innopoints.cultivation.service import firm_history, pool_at, screen_round
from innopoints.errors import UserError
from innopoints.scoring import service as scoring
from innopoints.scoring.rulebook import load_points
from innopoints.synth.city import SynthConfig, generate_city
from innopoints.synth.db_writer import ensure_empty, load_city

BOOK = load_cultivation()


@pytest.fixture
def city(container: Container) -> Container:
    ensure_empty(container.engine)
    load_city(container.engine, generate_city(SynthConfig(seed=23, enterprises=600)))
    return container


def _round(c: Container, year: int) -> int:
    outcome = scoring.run_db_round(c.sessions, c.settings.data_dir, "shenyang", year, load_points())
    assert outcome.round_id is not None
    return outcome.round_id


def _count(c: Container, table: type) -> int:
    with c.engine.connect() as conn:
        return int(conn.execute(sa.select(sa.func.count()).select_from(table)).scalar_one())


def _expected_tiers(c: Container, round_id: int, year: int) -> dict[str, str]:
    with unit_of_work(c.sessions) as s:
        result = screen(BOOK, screening_frame(s, BOOK, round_id, year), year)
    return dict(result.filter(pl.col("tier").is_not_null()).select("uscc", "tier").iter_rows())


def test_screening_without_a_round_says_to_score_first(city: Container) -> None:
    with pytest.raises(UserError, match=r"innopoints score --year 2025"):
        screen_round(city.sessions, 2025)


def test_history_is_append_only_replayable_and_idempotent(city: Container) -> None:
    r1 = _round(city, 2024)
    expected_1 = _expected_tiers(city, r1, 2024)
    first = screen_round(city.sessions, 2024)
    assert first.round_id == r1 and not first.rescreen
    assert first.members == len(expected_1) > 0
    assert first.events == {"enter": len(expected_1)}
    assert (
        set(first.by_tier) <= {"seedling", "trunk", "pillar"} and sum(first.by_tier.values()) == first.members
    )

    events_after_1 = _count(city, PoolEvent)
    again = screen_round(city.sessions, 2024)  # same round, same data: nothing new
    assert again.rescreen and again.events == {} and again.alerts == 0
    assert _count(city, PoolEvent) == events_after_1 and _count(city, PoolScreening) == 1

    r2 = _round(city, 2025)
    expected_2 = _expected_tiers(city, r2, 2025)
    second = screen_round(city.sessions, 2025)
    assert second.round_id == r2 and sum(second.events.values()) > 0
    assert screen_round(city.sessions, 2025).events == {}
    alerts_once = _count(city, PoolAlert)
    assert alerts_once == second.alerts > 0
    assert _count(city, PoolAlert) == alerts_once  # the re-run stored no duplicate alerts

    with unit_of_work(city.sessions) as s:
        # every firm's tier at every past round is reconstructible from the event list alone
        assert dict(pool_at(s, r1).iter_rows()) == expected_1
        assert dict(pool_at(s, r2).iter_rows()) == expected_2
        everything = repo.events(s).to_dicts()
        assert replay(e for e in everything if e["round_id"] == r1) == expected_1
        assert replay(everything) == expected_2
        # every event carries a Chinese reason, a rule id, a reference and its round
        for e in everything:
            assert e["reason_zh"] and e["rule_id"] and e["reference"] and e["round_id"] in (r1, r2)
            assert e["kind"] in ("enter", "promote", "demote", "exit")
        mover = next(
            e["uscc"]
            for e in everything
            if e["round_id"] == r2 and e["kind"] in ("promote", "demote", "exit")
        )
        history = firm_history(s, str(mover))
        assert history.tier_by_round == {r1: expected_1.get(str(mover)), r2: expected_2.get(str(mover))}

    with pytest.raises(UserError, match="只能追加"):
        screen_round(city.sessions, 2024, r1)  # an older round cannot be inserted into the past


def test_round_to_round_report_counts_changes_by_district_and_exports(city: Container) -> None:
    r1, r2 = _round(city, 2024), _round(city, 2025)
    screen_round(city.sessions, 2024, r1)
    screen_round(city.sessions, 2025, r2)
    with unit_of_work(city.sessions) as s:
        d = pool_diff(s, BOOK, city.region, r1, r2)
        events = repo.events(s, round_ids=[r2])
    assert {k: d.count(k) for k in ("enter", "promote", "demote", "exit")} == {
        k: int((events["kind"] == k).sum()) for k in ("enter", "promote", "demote", "exit")
    }
    assert (
        int(d.by_district.select(pl.sum_horizontal("enter", "promote", "demote", "exit")).sum().item())
        == d.rows.height
    )
    assert int(d.by_cluster["exit"].sum()) == d.count("exit")
    district_names = {x.name_zh for x in city.region.districts}
    assert set(d.by_district["district"].to_list()) <= district_names
    text = export_diff(d, "csv").decode("utf-8-sig")
    rows = list(csv.reader(io.StringIO(text)))
    assert rows[0] == ["变动", "统一社会信用代码", "企业名称", "区县", "产业集群", "原层级", "新层级"]
    assert len(rows) == d.rows.height + 1
    assert export_diff(d, "xlsx")[:2] == b"PK"
    with unit_of_work(city.sessions) as s, pytest.raises(UserError, match="须早于"):
        pool_diff(s, BOOK, city.region, r2, r1)


def test_alerts_are_stored_and_listable(city: Container) -> None:
    r1, r2 = _round(city, 2024), _round(city, 2025)
    screen_round(city.sessions, 2024, r1)
    out = screen_round(city.sessions, 2025, r2)
    with unit_of_work(city.sessions) as s:
        stored = repo.alerts(s, round_id=r2)
        prev, cur = repo.round_results(s, r1), repo.round_results(s, r2)
    assert len(stored) == out.alerts
    a = next(x for x in stored if x.rule_id == "points_drop")
    before = prev.filter(pl.col("uscc") == a.uscc)["points_centi"].item()
    after = cur.filter(pl.col("uscc") == a.uscc)["points_centi"].item()
    assert (a.value_from, a.value_to) == (before, after) and before - after >= 5000
    assert a.prev_round_id == r1 and "积分大幅下降" in a.message_zh and "分" in a.message_zh
