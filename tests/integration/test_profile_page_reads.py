"""The profile page reads the firm's rows once: the directory detail and the 画像 share them, and the page
shows the same profile as ``build_profile`` built on its own."""

from __future__ import annotations

from collections.abc import Iterator

import polars as pl
import pytest
import sqlalchemy as sa
from officer_world import DISTRICT, World, build
from web_auth import signed_in

from innopoints.adapters.db import enterprise_repo
from innopoints.bootstrap import Container
from innopoints.profile.service import build_profile
from innopoints.scoring.rulebook import load_points


@pytest.fixture
def world(container: Container) -> Iterator[World]:
    yield build(container, rounds=1)


def _uscc(world: World) -> str:
    row = (
        world.results(world.r1)
        .filter(pl.col("district_code") == DISTRICT)
        .sort("city_rank")
        .row(3, named=True)
    )
    return str(row["uscc"])


def test_profile_page_reads_the_firm_rows_once(world: World) -> None:
    uscc = _uscc(world)
    statements: list[str] = []

    def record(_conn: object, _cursor: object, statement: str, *_: object) -> None:
        statements.append(" ".join(statement.split()) + "\n")

    with signed_in(world.container, "officer", district_code=DISTRICT) as client:
        sa.event.listen(world.container.engine, "before_cursor_execute", record)
        try:
            response = client.get(f"/enterprises/{uscc}")
        finally:
            sa.event.remove(world.container.engine, "before_cursor_execute", record)
    assert response.status_code == 200
    with world.container.sessions() as session:
        profile = build_profile(session, load_points("shenyang"), uscc)
    html = response.text
    assert profile["enterprise"]["name"] in html and profile["points"]["text"] in html
    for verdict in profile["eligibility"]["verdicts"].values():
        assert f"{verdict['title']}：{verdict['result_text']}" in html
    by_table = {
        t: sum(1 for s in statements if s.startswith("SELECT") and f" FROM {t} " in s)
        for t in ("enterprise", "qualification", "negative_record", "panel_revision")
    }
    # the firm with its qualifications and negative records in one statement, then its panel history
    assert by_table == {"enterprise": 1, "qualification": 0, "negative_record": 0, "panel_revision": 1}, (
        by_table
    )
    firm_read = next(s for s in statements if s.startswith("SELECT") and " FROM enterprise " in s)
    assert "JOIN qualification" in firm_read and "JOIN negative_record" in firm_read


def test_shared_reads_memo_lives_only_inside_the_block(world: World) -> None:
    uscc = _uscc(world)
    with world.container.sessions() as session:
        with enterprise_repo.shared_firm_reads(session):
            first = enterprise_repo.firm_rows(session, uscc)
            assert first is not None and enterprise_repo.firm_rows(session, uscc.lower()) is first
            assert enterprise_repo.find(session, uscc) is first.firm
            assert enterprise_repo.firm_rows(session, "91210100XXXXXXXXXX") is None
        outside = enterprise_repo.firm_rows(session, uscc)
        assert outside is not None and outside is not first
        assert [r.id for r in outside.history] == [r.id for r in first.history]
        assert enterprise_repo.find(session, "91210100XXXXXXXXXX") is None
