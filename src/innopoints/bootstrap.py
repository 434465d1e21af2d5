"""The composition root: the one place where settings become concrete engines and sessions."""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache

from sqlalchemy import Engine
from sqlalchemy.orm import Session, sessionmaker

from innopoints.adapters.db.engine import make_engine, session_factory
from innopoints.adapters.db.migrate import upgrade
from innopoints.region import Region, load_region
from innopoints.settings import Settings, get_settings


@dataclass(frozen=True)
class Container:
    settings: Settings
    engine: Engine
    sessions: sessionmaker[Session]
    region: Region


def build_container(settings: Settings, *, migrate: bool = False) -> Container:
    engine = make_engine(settings.effective_database_url)
    if migrate:
        upgrade(engine)
    return Container(settings, engine, session_factory(engine), load_region(settings.region))


@lru_cache(maxsize=1)
def default_container() -> Container:
    return build_container(get_settings())
