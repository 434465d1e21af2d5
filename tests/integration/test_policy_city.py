"""Policy matching over a synthetic city with a scoring round: facts equal the raw records, the
vectorised plan agrees with the single-firm evaluator for every firm and policy, and the CLI lists
one firm's matches and exports one policy's eligible firms."""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from pathlib import Path

import openpyxl
import pytest
import sqlalchemy as sa
from typer.testing import CliRunner

from innopoints.bootstrap import Container
from innopoints.policy.batch import match_city
from innopoints.policy.facts import facts_frame
from innopoints.policy.library import load_library
from innopoints.policy.service import eligible_firms, match_firm
from innopoints.policy.single import match_one
from innopoints.rules.results import Status
from innopoints.scoring import service as scoring
from innopoints.scoring.rulebook import load_points
from innopoints.synth.city import City, SynthConfig, generate_city
from innopoints.synth.db_writer import load_city

AS_OF = dt.date(2026, 3, 31)


@pytest.fixture(scope="module")
def city() -> City:
    return generate_city(SynthConfig(seed=5, enterprises=500))


@pytest.fixture
def loaded(container: Container, city: City) -> int:
    load_city(container.engine, city)
    outcome = scoring.run_db_round(
        container.sessions, container.settings.data_dir, "shenyang", 2025, load_points()
    )
    assert outcome.round_id is not None
    return outcome.round_id


def test_facts_come_from_the_records(container: Container, loaded: int) -> None:
    with container.engine.connect() as conn:
        frame = facts_frame(conn, AS_OF, loaded)
        turnover: dict[int, int] = defaultdict(int)
        for seller, decided, status, fen in conn.execute(
            sa.text("SELECT seller_enterprise_id, decided_on, status, amount_fen FROM tech_contract")
        ):
            day = (
                decided
                if isinstance(decided, dt.date) or decided is None
                else dt.date.fromisoformat(str(decided))
            )
            if seller is not None and status == "registered" and day is not None and day.year == 2025:
                turnover[seller] += fen
        stages = dict(
            conn.execute(
                sa.text("SELECT uscc, stage FROM scoring_result WHERE round_id = :r"), {"r": loaded}
            ).all()
        )
    assert frame.height > 0
    for row in frame.iter_rows(named=True):
        assert row["contract_turnover"] == turnover.get(row["enterprise_id"], 0)
        assert row["stage"] == stages.get(row["uscc"])
    assert frame["contract_turnover"].sum() > 0


def test_city_plan_agrees_with_single_evaluator_for_every_firm(container: Container, loaded: int) -> None:
    with container.engine.connect() as conn:
        frame = facts_frame(conn, AS_OF, loaded)
    statuses = match_city(load_library(), frame, AS_OF)
    seen: dict[str, set[str]] = defaultdict(set)
    for i, row in enumerate(frame.iter_rows(named=True)):
        for policy in load_library():
            single = match_one(policy, row, AS_OF).status.value
            assert statuses[policy.id][i] == single, (policy.id, row["uscc"])
            seen[policy.id].add(single)
    assert set().union(*seen.values()) == {"met", "not_met", "unknown"}
    assert "met" in seen["points_credit"] and "not_met" in seen["points_credit"]


def test_firm_matches_without_a_round_are_unknown_on_stage(container: Container, city: City) -> None:
    load_city(container.engine, city)
    with container.engine.connect() as conn:
        uscc = (
            conn.execute(sa.text("SELECT uscc FROM enterprise WHERE exit_date IS NULL ORDER BY id"))
            .scalars()
            .first()
        )
        result = match_firm(conn, uscc, AS_OF)
    assert result.round_id is None and result.warnings
    capital = next(m for m in result.matches if m.policy_id == "capital_market")
    assert capital.status in (Status.UNKNOWN, Status.NOT_MET)
    if capital.status is Status.UNKNOWN:
        assert any("stage" in m or "points" in m for m in capital.missing)


def test_cli_match_and_export(
    container: Container, loaded: int, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from innopoints.bootstrap import default_container
    from innopoints.cli import app
    from innopoints.settings import get_settings

    with container.engine.connect() as conn:
        expected = eligible_firms(conn, container.region, "rd_loan", AS_OF, loaded)
        uscc = expected.rows[0]["uscc"]
    assert expected.counts["met"] == len(expected.rows) > 0
    monkeypatch.setenv("INNOPOINTS_DATABASE_URL", container.settings.database_url)
    get_settings.cache_clear()
    default_container.cache_clear()
    try:
        runner = CliRunner()
        out = tmp_path / "rd_loan.xlsx"
        done = runner.invoke(
            app, ["policy", "match", "--policy", "rd_loan", "--as-of", AS_OF.isoformat(), "--out", str(out)]
        )
        assert done.exit_code == 0, done.output
        sheet = openpyxl.load_workbook(out).active
        rows = list(sheet.iter_rows(values_only=True))
        assert rows[0][:2] == ("统一社会信用代码", "企业名称")
        assert sorted(r[0] for r in rows[1:]) == sorted(r["uscc"] for r in expected.rows)
        assert all(r[4] == "符合" for r in rows[1:])
        one = runner.invoke(app, ["policy", "match", "--uscc", uscc, "--as-of", AS_OF.isoformat(), "--json"])
        assert one.exit_code == 0, one.output
        assert '"policy": "rd_loan"' in one.output and '"status": "met"' in one.output
        bad = runner.invoke(app, ["policy", "match", "--policy", "nope"], standalone_mode=False)
        assert "未找到政策" in str(bad.exception)
    finally:
        default_container().engine.dispose()
        get_settings.cache_clear()
        default_container.cache_clear()
