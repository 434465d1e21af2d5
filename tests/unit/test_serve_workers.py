"""``innopoints serve`` starts several worker processes by default (one per core, at least 2), each
building the app from the environment, behind the least-connections supervisor (uvicorn's own workers where
descriptors cannot be passed); ``--workers 1`` serves one in-process app. The processes themselves are
exercised in tests/integration/test_serve_processes.py."""

from __future__ import annotations

from typing import Any

import pytest
import uvicorn
from typer.testing import CliRunner

from innopoints.cli import app
from innopoints.cli.serve_cmd import MAX_DEFAULT_WORKERS, default_workers
from innopoints.web import workers


@pytest.mark.parametrize(
    ("cores", "expected"), [(None, 2), (1, 2), (2, 2), (4, 4), (7, 7), (64, MAX_DEFAULT_WORKERS)]
)
def test_default_workers_follow_the_cores(
    monkeypatch: pytest.MonkeyPatch, cores: int | None, expected: int
) -> None:
    monkeypatch.setattr("os.cpu_count", lambda: cores)
    assert default_workers() == expected


def _serve(
    monkeypatch: pytest.MonkeyPatch, *args: str, env: dict[str, str] | None = None, exit_code: int = 0
) -> dict[str, Any]:
    seen: dict[str, Any] = {}

    def fake_run(target: object, **kwargs: Any) -> None:
        seen["target"], seen["kwargs"] = target, kwargs

    def fake_supervisor(host: str, port: int, count: int) -> int:
        seen["supervised"] = (host, port, count)
        return exit_code

    monkeypatch.setattr(uvicorn, "run", fake_run)
    monkeypatch.setattr(workers, "serve", fake_supervisor)
    result = CliRunner().invoke(app, ["serve", *args], env=env or {})
    assert result.exit_code == exit_code, result.output
    return seen


def test_serve_starts_supervised_worker_processes(monkeypatch: pytest.MonkeyPatch) -> None:
    seen = _serve(monkeypatch, "--port", "8199", "--workers", "3")
    assert seen == {"supervised": ("127.0.0.1", 8199, 3)}
    assert workers.APP == "innopoints.web.app:create_app"  # each worker builds the app from the factory


def test_a_failed_supervisor_is_the_command_s_exit_status(monkeypatch: pytest.MonkeyPatch) -> None:
    _serve(monkeypatch, "--workers", "2", exit_code=1)


def test_without_descriptor_passing_uvicorn_s_own_workers_serve(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(workers, "supported", lambda: False)
    seen = _serve(monkeypatch, "--port", "8199", "--workers", "3")
    assert seen["target"] == "innopoints.web.app:create_app"
    assert seen["kwargs"] == {"factory": True, "workers": 3, "host": "127.0.0.1", "port": 8199}


def test_workers_from_the_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    seen = _serve(monkeypatch, env={"INNOPOINTS_WEB_WORKERS": "4"})
    assert seen["supervised"][2] == 4


def test_one_worker_serves_an_app_object(monkeypatch: pytest.MonkeyPatch) -> None:
    seen = _serve(monkeypatch, "--workers", "1")
    assert not isinstance(seen["target"], str)
    assert "workers" not in seen["kwargs"]
