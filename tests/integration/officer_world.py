"""A small synthetic city with two scoring rounds (2024, 2025), both screened into the pool, for the
officer-page tests: the expected figures are read from the stored rounds, never typed in."""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal
from typing import Any

import polars as pl
import sqlalchemy as sa
from fastapi.testclient import TestClient
from web_auth import signed_in

from innopoints.adapters.db.tables import Bank, Enterprise
from innopoints.bootstrap import Container
from innopoints.cultivation.service import screen_round
from innopoints.officer.results import round_results
from innopoints.scoring import service as scoring
from innopoints.scoring.rulebook import load_points
from innopoints.synth.city import SynthConfig, generate_city
from innopoints.synth.db_writer import load_city

DISTRICT = "210112"  # 浑南区: the officer's district
FIRMS = 300
_CHART = re.compile(r'<script type="application/json" id="chart-data-([a-z_]+)">(.*?)</script>', re.S)


@dataclass
class World:
    container: Container
    r1: int
    r2: int

    def results(self, round_id: int) -> pl.DataFrame:
        """The stored results joined with each firm's name and district."""
        with self.container.sessions() as s:
            frame = round_results(s, round_id)
            from innopoints.officer.scope import all_firms

            return frame.join(all_firms(s), on="uscc")


def build(container: Container, *, rounds: int = 2) -> World:
    load_city(container.engine, generate_city(SynthConfig(seed=23, enterprises=FIRMS)))
    rb = load_points(container.settings.region)
    ids = []
    for year in (2024, 2025)[:rounds]:
        outcome = scoring.run_db_round(container.sessions, container.settings.data_dir, "shenyang", year, rb)
        assert outcome.round_id is not None
        screen_round(container.sessions, year, outcome.round_id)
        ids.append(outcome.round_id)
    return World(container, ids[0] if ids else 0, ids[-1] if ids else 0)


def _default_scope(container: Container, role: str) -> dict[str, Any]:
    """A scope for roles the tests use without caring which: the first firm, a bank (created if none)."""
    with container.sessions.begin() as s:
        if role == "enterprise":
            return {"enterprise_id": s.scalars(sa.select(Enterprise.id).order_by(Enterprise.id)).first()}
        if role == "bank":
            bank = s.scalars(sa.select(Bank).order_by(Bank.id)).first()
            if bank is None:
                bank = Bank(name="测试银行沈阳分行")
                s.add(bank)
                s.flush()
            return {"bank_id": bank.id}
    return {}


@contextmanager
def client(container: Container, role: str, **scope: Any) -> Iterator[TestClient]:
    """A signed-in client of ``role``; enterprise and bank users get a default scope unless one is given."""
    with signed_in(container, role, **(scope or _default_scope(container, role))) as c:
        yield c


def charts(html: str) -> dict[str, dict[str, Any]]:
    """The chart descriptions embedded in a page (id -> JSON)."""
    return {name: json.loads(body) for name, body in _CHART.findall(html)}


def points_text(centi: float) -> str:
    """Points (two decimals, half up) from hundredths, as the pages show them."""
    return str((Decimal(str(centi)) / 100).quantize(Decimal("0.01"), rounding=ROUND_HALF_UP))
