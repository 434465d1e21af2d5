"""``innopoints serve`` starts several worker processes by default (one per core plus one, at least 2), each
building the app from the environment; ``--workers 1`` serves one in-process app."""

from __future__ import annotations

from typing import Any

import pytest
import uvicorn
from typer.testing import CliRunner

from innopoints.cli import app
from innopoints.cli.serve_cmd import MAX_DEFAULT_WORKERS, default_workers


@pytest.mark.parametrize(
    ("cores", "expected"), [(None, 2), (1, 2), (2, 3), (4, 5), (7, 8), (64, MAX_DEFAULT_WORKERS)]
)
def test_default_workers_follow_the_cores(
    monkeypatch: pytest.MonkeyPatch, cores: int | None, expected: int
) -> None:
    monkeypatch.setattr("os.cpu_count", lambda: cores)
    assert default_workers() == expected


def _serve(monkeypatch: pytest.MonkeyPatch, *args: str, env: dict[str, str] | None = None) -> dict[str, Any]:
    seen: dict[str, Any] = {}

    def fake_run(target: object, **kwargs: Any) -> None:
        seen["target"], seen["kwargs"] = target, kwargs

    monkeypatch.setattr(uvicorn, "run", fake_run)
    result = CliRunner().invoke(app, ["serve", *args], env=env or {})
    assert result.exit_code == 0, result.output
    return seen


def test_serve_starts_worker_processes_from_the_app_factory(monkeypatch: pytest.MonkeyPatch) -> None:
    seen = _serve(monkeypatch, "--port", "8199", "--workers", "3")
    assert seen["target"] == "innopoints.web.app:create_app"
    assert seen["kwargs"] == {"factory": True, "workers": 3, "host": "127.0.0.1", "port": 8199}


def test_workers_from_the_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    seen = _serve(monkeypatch, env={"INNOPOINTS_WEB_WORKERS": "4"})
    assert seen["kwargs"]["workers"] == 4


def test_one_worker_serves_an_app_object(monkeypatch: pytest.MonkeyPatch) -> None:
    seen = _serve(monkeypatch, "--workers", "1")
    assert not isinstance(seen["target"], str)
    assert "workers" not in seen["kwargs"]
