"""A database and container for one test module (module-scoped fixtures), built like ``tests/conftest.py``.

The function-scoped ``container`` gives every test a fresh database; a module that seeds once and only reads
(or undoes what it changes) uses ``module_container`` instead: on SQLite a copy of the migrated template, on
PostgreSQL a database of its own (migrated, dropped at the end) so the per-test ``TRUNCATE`` of the shared
test database cannot touch it. Such modules set ``pytestmark = pytest.mark.db`` to run in the PostgreSQL job.
"""

from __future__ import annotations

import os
import shutil
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import sqlalchemy as sa

from innopoints.adapters.db.engine import make_engine
from innopoints.adapters.db.migrate import upgrade
from innopoints.bootstrap import Container, build_container
from innopoints.settings import Settings

BACKEND = os.environ.get("INNOPOINTS_TEST_DATABASE", "sqlite")
PG_ADMIN_URL = os.environ.get(
    "INNOPOINTS_TEST_PG_URL", "postgresql+psycopg://postgres@127.0.0.1:5432/postgres"
)


@contextmanager
def _database(template: str, folder: Path) -> Iterator[str]:
    if BACKEND == "sqlite":
        path = folder / "module.db"
        shutil.copyfile(template, path)
        yield f"sqlite:///{path}"
        return
    name = f"innopoints_mod_{os.getpid()}_{uuid.uuid4().hex[:8]}"
    admin = make_engine(PG_ADMIN_URL, isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.execute(sa.text(f'CREATE DATABASE "{name}"'))
    url = PG_ADMIN_URL.rsplit("/", 1)[0] + f"/{name}"
    try:
        engine = make_engine(url)
        upgrade(engine)
        engine.dispose()
        yield url
    finally:
        with admin.connect() as conn:
            conn.execute(sa.text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        admin.dispose()


@contextmanager
def module_container(template: str, folder: Path) -> Iterator[Container]:
    """``template``: the ``_database_template`` fixture's value (a migrated SQLite file, or the PG URL)."""
    with _database(template, folder) as url:
        built = build_container(Settings(environment="test", database_url=url, data_dir=folder))
        try:
            yield built
        finally:
            built.engine.dispose()
