"""Shared fixtures.

The database backend is chosen per run with ``INNOPOINTS_TEST_DATABASE``:
``sqlite`` (default; a fresh migrated file per test) or ``postgresql`` (a fresh database on
``INNOPOINTS_TEST_PG_URL``, default 127.0.0.1:5432, migrated once, emptied after each test).
Tests that take the ``container``/``engine`` fixtures are marked ``db`` automatically so the
PostgreSQL run can select exactly them with ``-m db``.
"""

from __future__ import annotations

import os
import shutil
import uuid
from collections.abc import Iterator
from pathlib import Path

import pytest
import sqlalchemy as sa

from innopoints.adapters.db.all_tables import Base
from innopoints.adapters.db.engine import make_engine
from innopoints.adapters.db.migrate import upgrade
from innopoints.bootstrap import Container, build_container
from innopoints.settings import Settings

BACKEND = os.environ.get("INNOPOINTS_TEST_DATABASE", "sqlite")
PG_ADMIN_URL = os.environ.get(
    "INNOPOINTS_TEST_PG_URL", "postgresql+psycopg://postgres@127.0.0.1:5432/postgres"
)


def pytest_configure(config: pytest.Config) -> None:
    config.addinivalue_line("markers", "db: uses the database (selected for the PostgreSQL run)")


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    for item in items:
        if {"container", "engine", "db_url"} & set(getattr(item, "fixturenames", ())):
            item.add_marker(pytest.mark.db)


@pytest.fixture(scope="session")
def _database_template(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    if BACKEND == "sqlite":
        path = tmp_path_factory.mktemp("dbtemplate") / "template.db"
        engine = make_engine(f"sqlite:///{path}")
        upgrade(engine)
        engine.dispose()
        yield str(path)
        return
    if BACKEND != "postgresql":
        raise pytest.UsageError(f"INNOPOINTS_TEST_DATABASE must be sqlite or postgresql, not {BACKEND!r}")
    name = f"innopoints_test_{os.getpid()}_{uuid.uuid4().hex[:6]}"
    admin = make_engine(PG_ADMIN_URL, isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.execute(sa.text(f'CREATE DATABASE "{name}"'))
    url = PG_ADMIN_URL.rsplit("/", 1)[0] + f"/{name}"
    engine = make_engine(url)
    upgrade(engine)
    engine.dispose()
    yield url
    with admin.connect() as conn:
        conn.execute(sa.text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
    admin.dispose()


@pytest.fixture
def db_url(_database_template: str, tmp_path: Path) -> Iterator[str]:
    if BACKEND == "sqlite":
        path = tmp_path / "innopoints.db"
        shutil.copyfile(_database_template, path)
        yield f"sqlite:///{path}"
        return
    yield _database_template
    engine = make_engine(_database_template)
    names = ", ".join(f'"{t.name}"' for t in Base.metadata.sorted_tables)
    with engine.begin() as conn:
        conn.execute(sa.text(f"TRUNCATE {names} RESTART IDENTITY CASCADE"))
    engine.dispose()


@pytest.fixture
def settings(db_url: str, tmp_path: Path) -> Settings:
    return Settings(environment="test", database_url=db_url, data_dir=tmp_path)


@pytest.fixture
def container(settings: Settings) -> Iterator[Container]:
    built = build_container(settings)
    yield built
    built.engine.dispose()


@pytest.fixture
def engine(container: Container) -> sa.Engine:
    return container.engine
