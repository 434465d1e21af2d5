"""Assignments (one 科技特派员 per firm at a time, enforced in the service and the database),
append-only follow-ups, and the ``innopoints pool`` commands end to end."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, date, datetime
from pathlib import Path

import openpyxl
import pytest
import sqlalchemy as sa
from sqlalchemy.exc import IntegrityError
from typer.testing import CliRunner

from innopoints.adapters.db import cultivation_repo as repo
from innopoints.adapters.db.cultivation_tables import PoolAssignment
from innopoints.adapters.db.engine import unit_of_work
from innopoints.adapters.db.tables import Enterprise
from innopoints.bootstrap import Container, default_container
from innopoints.cli import app
from innopoints.cultivation import care
from innopoints.errors import NotFound, UserError
from innopoints.scoring import service as scoring
from innopoints.scoring.rulebook import load_points
from innopoints.settings import get_settings
from innopoints.synth.city import SynthConfig, generate_city
from innopoints.synth.db_writer import ensure_empty, load_city


@pytest.fixture
def firms(container: Container) -> list[str]:
    ensure_empty(container.engine)
    load_city(container.engine, generate_city(SynthConfig(seed=5, enterprises=300)))
    with container.engine.connect() as conn:
        return list(conn.execute(sa.select(Enterprise.uscc).order_by(Enterprise.id).limit(3)).scalars())


def test_a_commissioner_serves_one_firm_at_a_time(container: Container, firms: list[str]) -> None:
    a, b, _ = firms
    with unit_of_work(container.sessions) as s:
        care.assign(s, a, "commissioner", "C-01", "李工", date(2025, 3, 1))
        care.assign(s, a, "officer", "O-01", "王科长", date(2025, 3, 1))
    with unit_of_work(container.sessions) as s, pytest.raises(UserError, match="同一时间只能服务一家企业"):
        care.assign(s, b, "commissioner", "C-01", "李工", date(2025, 4, 1))
    with unit_of_work(container.sessions) as s, pytest.raises(UserError, match="请先结束"):
        care.assign(s, a, "commissioner", "C-02", "赵工", date(2025, 4, 1))
    # an officer may look after several firms
    with unit_of_work(container.sessions) as s:
        care.assign(s, b, "officer", "O-01", "王科长", date(2025, 4, 1))
    # the database refuses a second active commissioner row even when the service is bypassed
    with pytest.raises(IntegrityError), unit_of_work(container.sessions) as s:
        s.add(
            PoolAssignment(
                uscc=b,
                role="commissioner",
                person_id="C-01",
                person_name="李工",
                started_on=date(2025, 4, 1),
                created_at=datetime.now(UTC),
            )
        )
        s.flush()
    with unit_of_work(container.sessions) as s:
        ended = care.end_assignment(s, a, "commissioner", date(2025, 6, 30))
        assert ended.ended_on == date(2025, 6, 30)
        moved = care.assign(s, b, "commissioner", "C-01", "李工", date(2025, 7, 1))
        assert moved.uscc == b
        assert [x.uscc for x in repo.active_assignments(s, person_id="C-01")] == [b]
        assert [(x.person_id, x.ended_on) for x in repo.assignments(s, a)] == [
            ("C-01", date(2025, 6, 30)),
            ("O-01", None),
        ]
    with unit_of_work(container.sessions) as s, pytest.raises(NotFound):
        care.end_assignment(s, a, "commissioner", date(2025, 8, 1))


def test_follow_ups_are_dated_appended_and_linked(container: Container, firms: list[str]) -> None:
    a = firms[0]
    with unit_of_work(container.sessions) as s:
        link = care.assign(s, a, "commissioner", "C-09", "周工", date(2025, 1, 10))
        care.record_follow_up(
            s, care.FollowUpInput(a, "visit", date(2025, 2, 1), "走访：研发费用归集", "C-09")
        )
        care.record_follow_up(
            s, care.FollowUpInput(a, "outcome", date(2025, 5, 6), "获批科技型中小企业", "王科长")
        )
        care.record_follow_up(s, care.FollowUpInput(a, "service", date(2024, 12, 1), "政策宣讲", "区科技局"))
        rows = repo.follow_ups(s, a)
        assert [(r.occurred_on, r.kind) for r in rows] == [
            (date(2024, 12, 1), "service"),
            (date(2025, 2, 1), "visit"),
            (date(2025, 5, 6), "outcome"),
        ]
        # linked to the assignment in force on the day (none before it started)
        assert [r.assignment_id for r in rows] == [None, link.id, link.id]
    with unit_of_work(container.sessions) as s, pytest.raises(UserError, match="未来"):
        care.record_follow_up(
            s, care.FollowUpInput(a, "visit", date(2025, 2, 1), "x", "C-09"), today=date(2025, 1, 1)
        )
    with unit_of_work(container.sessions) as s, pytest.raises(NotFound):
        care.record_follow_up(
            s, care.FollowUpInput("91210100MA0000000X", "visit", date(2025, 2, 1), "x", "y")
        )


@pytest.fixture
def runner(container: Container, monkeypatch: pytest.MonkeyPatch, firms: list[str]) -> Iterator[CliRunner]:
    monkeypatch.setenv("INNOPOINTS_DATABASE_URL", container.settings.effective_database_url)
    monkeypatch.setenv("INNOPOINTS_DATA_DIR", str(container.settings.data_dir))
    get_settings.cache_clear()
    default_container.cache_clear()
    yield CliRunner()
    default_container().engine.dispose()
    get_settings.cache_clear()
    default_container.cache_clear()


def test_pool_commands_end_to_end(
    runner: CliRunner, container: Container, firms: list[str], tmp_path: Path
) -> None:
    missing = runner.invoke(app, ["pool", "screen", "--year", "2025"])
    assert (
        isinstance(missing.exception, UserError)
        and "innopoints score --year 2025" in missing.exception.message
    )
    ids = [
        scoring.run_db_round(
            container.sessions, container.settings.data_dir, "shenyang", y, load_points()
        ).round_id
        for y in (2024, 2025)
    ]
    for year in (2024, 2025):
        done = runner.invoke(app, ["pool", "screen", "--year", str(year)])
        assert done.exit_code == 0, done.output
        assert f"{year} 年 批次" in done.output and "在库" in done.output
    out = tmp_path / "diff.xlsx"
    diff = runner.invoke(app, ["pool", "diff", "--from", str(ids[0]), "--to", str(ids[1]), "--out", str(out)])
    assert diff.exit_code == 0, diff.output
    assert "按区县" in diff.output and "按产业集群" in diff.output
    sheet = openpyxl.load_workbook(out).active
    assert sheet is not None and sheet.cell(1, 1).value == "变动"
    uscc = firms[0]
    assign = runner.invoke(
        app,
        ["pool", "assign", "--uscc", uscc, "--role", "commissioner", "--person-id", "C-1", "--name", "孙工"],
    )
    assert assign.exit_code == 0 and "已指派" in assign.output
    note = runner.invoke(
        app, ["pool", "follow-up", "--uscc", uscc, "--kind", "visit", "--summary", "走访", "--by", "C-1"]
    )
    assert note.exit_code == 0 and "已记录" in note.output
    show = runner.invoke(app, ["pool", "show", "--uscc", uscc])
    assert show.exit_code == 0, show.output
    assert "各批次层级" in show.output and "孙工" in show.output
    alerts = runner.invoke(app, ["pool", "alerts", "--round", str(ids[1])])
    assert alerts.exit_code == 0 and "预警" in alerts.output
