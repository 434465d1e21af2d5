"""A small synthetic city loads into the database (SQLite and PostgreSQL) with every row flagged."""

from __future__ import annotations

from datetime import date

import pytest
import sqlalchemy as sa

from innopoints.adapters.db import panel_repo
from innopoints.adapters.db.engine import unit_of_work
from innopoints.adapters.db.tables import Enterprise
from innopoints.bootstrap import Container
from innopoints.errors import UserError
from innopoints.registry.uscc import build
from innopoints.synth.city import SynthConfig, generate_city
from innopoints.synth.db_writer import ensure_empty, load_city

FLAGGED = (
    "enterprise",
    "qualification",
    "negative_record",
    "institution",
    "achievement",
    "demand",
    "expert",
    "broker",
    "pilot_base",
    "pilot_service",
    "tech_contract",
    "bank",
    "loan",
    "panel_revision",
)


def test_small_city_loads_with_flags_and_counts(container: Container) -> None:
    city = generate_city(SynthConfig(seed=11, enterprises=500))
    ensure_empty(container.engine)
    counts = load_city(container.engine, city)
    assert counts["panel_revision"] == sum(t.num_rows for t in city.panel_years)  # one per firm-year
    with container.engine.connect() as conn:
        for table in FLAGGED:
            total = conn.execute(sa.text(f"SELECT COUNT(*) FROM {table}")).scalar_one()
            flagged = conn.execute(sa.text(f"SELECT COUNT(*) FROM {table} WHERE is_synthetic")).scalar_one()
            assert total == counts[table] and total == flagged and total > 0, table
        active = conn.execute(sa.text("SELECT COUNT(*) FROM enterprise WHERE exit_date IS NULL")).scalar_one()
        assert active == 500
        sources = conn.execute(sa.text("SELECT DISTINCT source FROM panel_revision")).scalars().all()
        assert sources == ["synthetic"]
        assert conn.execute(sa.text("SELECT COUNT(*) FROM pilot_base")).scalar_one() == 130
    # The current-value view and repositories read the loaded values back exactly.
    first = city.enterprises.row(0, named=True)
    wide = city.panel_wide().filter(city.panel_wide()["uscc"] == first["uscc"])
    with unit_of_work(container.sessions) as s:
        panel = panel_repo.enterprise_panel(s, first["id"])
        for row in wide.iter_rows(named=True):
            for code, value in row.items():
                if code in ("uscc", "year") or value is None:
                    continue
                assert panel[row["year"]][code].value * 100 == value
                assert panel[row["year"]][code].source == "synthetic"
    # Ids continue after the load (PostgreSQL sequences were advanced past the copied ids).
    with unit_of_work(container.sessions) as s:
        s.add(
            Enterprise(
                uscc=build("9", "1", "210112", "MA0000009"),
                name="沈阳后续录入科技有限公司",
                registration_date=date(2024, 1, 2),
                district_code="210112",
                cluster_id="robotics",
            )
        )
    with container.engine.connect() as conn:
        assert (
            conn.execute(sa.text("SELECT MAX(id) FROM enterprise")).scalar_one()
            == city.enterprises.height + 1
        )


def test_loading_twice_is_refused(container: Container) -> None:
    load_city(container.engine, generate_city(SynthConfig(seed=3, enterprises=50)))
    with pytest.raises(UserError, match=r"not empty"):
        ensure_empty(container.engine)


def test_cli_loads_then_if_empty_skips(db_url: str, monkeypatch: pytest.MonkeyPatch) -> None:
    from typer.testing import CliRunner

    from innopoints.bootstrap import default_container
    from innopoints.cli import app
    from innopoints.settings import get_settings

    monkeypatch.setenv("INNOPOINTS_DATABASE_URL", db_url)
    get_settings.cache_clear()
    default_container.cache_clear()
    try:
        runner = CliRunner()
        first = runner.invoke(app, ["synth", "--enterprises", "80", "--seed", "2"])
        assert first.exit_code == 0, first.output
        again = runner.invoke(app, ["synth", "--if-empty"])
        assert again.exit_code == 0 and "nothing to do" in again.output
        refused = runner.invoke(app, ["synth", "--enterprises", "80"], standalone_mode=False)
        assert isinstance(refused.exception, UserError)
        with default_container().engine.connect() as conn:
            assert (
                conn.execute(sa.text("SELECT COUNT(*) FROM enterprise WHERE exit_date IS NULL")).scalar_one()
                == 80
            )
    finally:
        default_container().engine.dispose()
        get_settings.cache_clear()
        default_container.cache_clear()
