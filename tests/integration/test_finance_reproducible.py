"""Evaluations and credit lines are reproducible from a scoring round: data recorded after the round was
frozen changes nothing (a warning names late negative records) until a new round is run."""

from __future__ import annotations

import json
from datetime import UTC, date, datetime
from decimal import Decimal

import pytest
from finance_world import FIRM_A, NOW, TODAY, World, build_world, round_result

from innopoints.adapters.db import panel_repo
from innopoints.adapters.db.scoring_tables import ScoringRound
from innopoints.adapters.db.tables import NegativeRecord
from innopoints.bootstrap import Container
from innopoints.errors import NotFound
from innopoints.finance.facts import round_facts, round_info
from innopoints.finance.service import evaluate_firm
from innopoints.registry.panel import PanelValue

WAN = 1_000_000


@pytest.fixture
def world(container: Container) -> World:
    return build_world(container)


def _evaluate(container: Container, world: World, round_id: int | None) -> dict[str, object]:
    with container.sessions.begin() as s:
        result = evaluate_firm(s, world.actor(world.admin), FIRM_A, round_id=round_id, as_of=TODAY, now=NOW)
        return result.as_dict(trace=True)


def _line(result: dict[str, object], product: str) -> object:
    for p in result["products"]:  # type: ignore[attr-defined]
        if p["id"] == product:
            return p["credit_line"]["amount_fen"]
    raise KeyError(product)


def test_later_revisions_and_records_do_not_move_a_rounds_evaluation(
    container: Container, world: World
) -> None:
    before = _evaluate(container, world, world.round_id)
    assert _line(before, "kechuang_fendai") == 300 * WAN
    with container.sessions.begin() as s:
        panel_repo.append_values(
            s,
            [PanelValue(world.firm_a, 2025, "operating_revenue", Decimal("60000000"))],
            source="tax",
            recorded_at=datetime(2026, 2, 1, tzinfo=UTC),
        )
        s.add(
            NegativeRecord(
                enterprise_id=world.firm_a,
                kind="abnormal_operation_list",
                occurred_on=date(2026, 1, 20),
                source="market_regulation",
            )
        )
    after = _evaluate(container, world, world.round_id)
    assert after["warnings"] == ["批次冻结后新增负面记录 1 条，未计入本评价，请人工复核"]
    for key in ("dimensions", "composite_score", "products", "rulebook", "trace"):
        assert json.dumps(after[key], default=str, sort_keys=True) == json.dumps(
            before[key], default=str, sort_keys=True
        ), key
    # A new round frozen after the new data sees it: revenue 6,000万 → base 400万, and the negative record.
    with container.sessions.begin() as s:
        rnd = ScoringRound(
            year=2025,
            created_at=datetime(2026, 12, 31, tzinfo=UTC),
            region="shenyang",
            rulebook_hash="test2",
            engine="polars",
            input_kind="database",
            input_ref="test",
            input_sha256="1" * 64,
            quantile_points=101,
            levels_json="[]",
            firms=1,
            note="",
        )
        s.add(rnd)
        s.flush()
        s.add(round_result(rnd.id, FIRM_A, 74800))
        new_round = rnd.id
    fresh = _evaluate(container, world, new_round)
    assert fresh["round"]["id"] == new_round  # type: ignore[index]
    kechuang = next(p for p in fresh["products"] if p["id"] == "kechuang_fendai")  # type: ignore[attr-defined]
    assert kechuang["eligibility"]["status"] == "not_met"  # the negative record now counts
    base = next(st for st in kechuang["credit_line"]["steps"] if st["id"] == "credit_base")
    assert base["value"] == Decimal(4_000_000) and base["band"] == "[30000000, 100000000)"
    assert _evaluate(container, world, None)["round"]["id"] == new_round  # type: ignore[index]  # latest by default


def test_round_facts_come_from_the_round_and_the_panel_at_its_cutoff(
    container: Container, world: World
) -> None:
    with container.sessions() as s:
        rnd = round_info(s, world.round_id)
        frame = round_facts(s, rnd)
        with pytest.raises(NotFound, match="积分评价批次 999 不存在"):
            round_info(s, 999)
    row = frame.filter(frame["uscc"] == FIRM_A).row(0, named=True)
    assert row["points"] == 74800 and row["stage"] == "growth" and row["percentile"] == 9000
    assert row["operating_revenue"] == 2_000_000_000 and row["operating_revenue_prev"] == 1_500_000_000
    assert row["employees"] == 80  # counts are whole, not hundredths
    assert row["age_years"] == 7  # registered 2018-05-10, round frozen 2026-01-10
    assert row["negative_active"] is False and row["loan_defaults"] == 0
    assert frame.height == 3
