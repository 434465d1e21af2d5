"""Growth-potential API on a small synthetic city: 409 before training, then a model trained in the fixture."""

from __future__ import annotations

import math
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import polars as pl
import pytest
from fastapi.testclient import TestClient
from web_auth import client_for, log_in, make_user

from innopoints.bootstrap import Container
from innopoints.potential.data import load_database
from innopoints.potential.evaluation import MODEL_NAMES, run_task
from innopoints.potential.explain import explain_firm
from innopoints.potential.labels import TASKS
from innopoints.potential.registry import build_card, load, save
from innopoints.scoring.rulebook import load_points
from innopoints.synth.city import SynthConfig, generate_city
from innopoints.synth.db_writer import load_city

UNKNOWN = "91210100MA0000000X"
NO_MODEL = "尚未训练发展潜力模型，请先运行 innopoints potential train"


@dataclass
class World:
    client: TestClient
    container: Container
    model_dir: Path | None
    firms: list[str]


def _error(response: Any, status: int, code: str) -> str:
    assert response.status_code == status, response.text
    body = response.json()
    assert set(body) == {"error"} and body["error"]["code"] == code
    message: str = body["error"]["message"]
    return message


def _world(container: Container, *, train: bool) -> Iterator[World]:
    load_city(container.engine, generate_city(SynthConfig(seed=31, enterprises=300, with_transfer=False)))
    data = load_database(container.engine)
    latest = max(data.years)
    firms = sorted(data.panel.filter(pl.col("year") == latest)["uscc"].to_list())
    model_dir = None
    if train:
        results = {task: run_task(data, task, 0) for task in TASKS}
        card = build_card(results, data.source, load_points("shenyang").version_hash, 0)
        model_dir = save(container.settings.data_dir / "models", results, card)
    with client_for(container) as client:
        log_in(client, make_user(container, "admin"))
        yield World(client, container, model_dir, firms)


@pytest.fixture
def untrained(container: Container) -> Iterator[World]:
    yield from _world(container, train=False)


@pytest.fixture
def trained(container: Container) -> Iterator[World]:
    yield from _world(container, train=True)


def test_no_model_gives_409_with_the_command_to_run(untrained: World) -> None:
    message = _error(
        untrained.client.get(f"/api/enterprises/{untrained.firms[0]}/potential"), 409, "no_model"
    )
    assert message.startswith(NO_MODEL)
    assert NO_MODEL in _error(untrained.client.get("/api/potential/model"), 409, "no_model")
    # an unknown firm is 404 even before a model exists
    _error(untrained.client.get(f"/api/enterprises/{UNKNOWN}/potential"), 404, "not_found")


def test_potential_of_a_firm_matches_the_stored_model(trained: World) -> None:
    assert trained.model_dir is not None
    stored = load(trained.model_dir.parent, trained.model_dir.name)
    data = load_database(trained.container.engine)
    for uscc in (trained.firms[0], trained.firms[len(trained.firms) // 2]):
        response = trained.client.get(f"/api/enterprises/{uscc.lower()}/potential")  # code is normalised
        assert response.status_code == 200, response.text
        body = response.json()
        assert body["uscc"] == uscc and body["origin_year"] == max(data.years)
        assert body["model"]["model_id"] == trained.model_dir.name
        assert body["model"]["rulebook_version_hash"] == load_points("shenyang").version_hash
        assert body["warnings"] == []
        expected = {ex.task: ex for ex in explain_firm(stored, data, uscc, 3)}
        assert [t["task"] for t in body["tasks"]] == list(TASKS)
        for task in body["tasks"]:
            ex = expected[task["task"]]
            assert 0.0 < task["probability"] < 1.0
            assert math.isclose(task["probability"], ex.probability, abs_tol=1e-6)
            assert task["probability_pct"] == f"{ex.probability * 100:.1f}%"
            assert [f["text"] for f in task["raising_factors"]] == [f.text for f in ex.raising]
            assert [f["text"] for f in task["lowering_factors"]] == [f.text for f in ex.lowering]
            assert all(f["contribution_log_odds"] > 0 for f in task["raising_factors"])
            assert all(f["contribution_log_odds"] < 0 for f in task["lowering_factors"])
            sizes = [abs(f["contribution_log_odds"]) for f in task["raising_factors"]]
            assert sizes == sorted(sizes, reverse=True)
            assert task["name_zh"] and task["label"]["task"] == task["task"]
            assert 0.0 <= task["test_metrics"]["auc"] <= 1.0


def test_top_and_model_parameters(trained: World) -> None:
    assert trained.model_dir is not None
    uscc = trained.firms[1]
    one = trained.client.get(f"/api/enterprises/{uscc}/potential", params={"top": 1}).json()
    assert all(len(t["raising_factors"]) <= 1 and len(t["lowering_factors"]) <= 1 for t in one["tasks"])
    named = trained.client.get(f"/api/enterprises/{uscc}/potential", params={"model": trained.model_dir.name})
    assert named.status_code == 200 and named.json()["model"]["model_id"] == trained.model_dir.name
    assert "gp-nope" in _error(
        trained.client.get(f"/api/enterprises/{uscc}/potential", params={"model": "gp-nope"}),
        404,
        "not_found",
    )
    assert "top" in _error(
        trained.client.get(f"/api/enterprises/{uscc}/potential?top=0"), 422, "invalid_query"
    )
    _error(trained.client.get(f"/api/enterprises/{UNKNOWN}/potential"), 404, "not_found")


def test_model_card(trained: World) -> None:
    assert trained.model_dir is not None
    card = trained.client.get("/api/potential/model").json()
    assert card["model_id"] == trained.model_dir.name
    assert set(card["tasks"]) == set(TASKS)
    for task in card["tasks"].values():
        assert set(task["metrics"]) == set(MODEL_NAMES)  # model and both baselines
        assert task["n_train"] > 0


def test_openapi_lists_the_operations(trained: World) -> None:
    spec = trained.client.get("/openapi.json").json()
    ops = {op["operationId"]: op for path in spec["paths"].values() for op in path.values()}
    for op_id in ("get_enterprise_potential", "get_potential_model_card"):
        assert ops[op_id]["x-required-capability"] == "potential.view"
        assert {"401", "403"} <= set(ops[op_id]["responses"])
