"""``innopoints serve`` with several worker processes: kept-alive connections spread evenly over the workers
(least-connections hand-off), a dead worker replaced, a clean stop on SIGTERM, and a clear failure when the
workers cannot start. Real processes on a free port, against a migrated SQLite file."""

from __future__ import annotations

import collections
import json
import os
import signal
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import httpx
import pytest

from innopoints.adapters.db.engine import make_engine
from innopoints.adapters.db.migrate import upgrade

START_SECONDS = 90


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port: int = sock.getsockname()[1]
        return port


@pytest.fixture(scope="module")
def database(tmp_path_factory: pytest.TempPathFactory) -> str:
    url = f"sqlite:///{tmp_path_factory.mktemp('serve')}/serve.db"
    engine = make_engine(url)
    upgrade(engine)
    engine.dispose()
    return url


def _start(url: str, port: int, workers: int, **env: str) -> subprocess.Popen[bytes]:
    environment = {**os.environ, "INNOPOINTS_DATABASE_URL": url, "INNOPOINTS_ENVIRONMENT": "test", **env}
    command = [sys.executable, "-m", "innopoints", "serve", "--port", str(port), "--workers", str(workers)]
    return subprocess.Popen(
        command, env=environment, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, start_new_session=True
    )


@contextmanager
def serving(url: str, workers: int) -> Iterator[tuple[subprocess.Popen[bytes], int]]:
    port = _free_port()
    server = _start(url, port, workers)
    try:
        deadline = time.monotonic() + START_SECONDS
        while True:
            assert server.poll() is None, server.stdout.read().decode() if server.stdout else ""
            try:
                if httpx.get(f"http://127.0.0.1:{port}/healthz", timeout=2).status_code == 200:
                    break
            except httpx.TransportError:
                pass
            assert time.monotonic() < deadline, "server did not start"
            time.sleep(0.2)
        yield server, port
    finally:
        if server.poll() is None:
            os.killpg(server.pid, signal.SIGKILL)
            server.wait(10)


def _answering_process(connection: socket.socket) -> int:
    """Send GET /healthz on a kept-alive connection; the id of the worker process that answered."""
    connection.sendall(b"GET /healthz HTTP/1.1\r\nHost: test\r\n\r\n")
    data = b""
    while b"\r\n\r\n" not in data:
        data += connection.recv(65536)
    head, _, body = data.partition(b"\r\n\r\n")
    length = next(
        int(line.split(b":", 1)[1])
        for line in head.split(b"\r\n")
        if line.lower().startswith(b"content-length")
    )
    while len(body) < length:
        body += connection.recv(65536)
    answer: dict[str, object] = json.loads(body)
    return int(str(answer["process_id"]))


def _connect_many(port: int, count: int) -> list[socket.socket]:
    return [socket.create_connection(("127.0.0.1", port), timeout=30) for _ in range(count)]


def test_kept_alive_connections_spread_evenly_and_stay_with_their_worker(database: str) -> None:
    with serving(database, workers=3) as (_server, port):
        time.sleep(0.5)  # the start-up probe's closed connection is counted out by its worker
        connections = _connect_many(port, 12)  # a burst: uvicorn's own workers gave one process most of them
        try:
            first = [_answering_process(c) for c in connections]
            again = [_answering_process(c) for c in connections]
        finally:
            for connection in connections:
                connection.close()
    per_worker = collections.Counter(first)
    assert len(per_worker) == 3 and sorted(per_worker.values()) == [4, 4, 4]
    assert again == first  # a kept-alive connection keeps its worker


def test_a_dead_worker_is_replaced_and_the_server_stops_cleanly(database: str) -> None:
    with serving(database, workers=2) as (server, port):
        connections = _connect_many(port, 2)
        workers = {_answering_process(c) for c in connections}
        assert len(workers) == 2
        victim = workers.pop()
        os.kill(victim, signal.SIGKILL)
        for connection in connections:
            connection.close()
        deadline = time.monotonic() + START_SECONDS
        seen: set[int] = set()
        while not (seen - {victim} - workers):  # until a request reaches the replacement
            assert time.monotonic() < deadline, "the dead worker was not replaced"
            try:
                with socket.create_connection(("127.0.0.1", port), timeout=30) as probe:
                    seen.add(_answering_process(probe))
            except (ConnectionError, StopIteration, json.JSONDecodeError):
                pass  # a connection handed to the dead worker before its death was noticed
            time.sleep(0.2)
        assert victim not in seen
        server.send_signal(signal.SIGTERM)
        assert server.wait(30) == 0
        for pid in seen | workers:
            assert not Path(f"/proc/{pid}").exists() or "zombie" in Path(f"/proc/{pid}/status").read_text()


def test_workers_that_cannot_start_end_the_server_with_an_error(database: str) -> None:
    port = _free_port()
    server = _start(database, port, 2, INNOPOINTS_REGION="atlantis")  # each worker fails to build its app
    try:
        code = server.wait(START_SECONDS)
        output = server.stdout.read().decode() if server.stdout else ""
    finally:
        if server.poll() is None:
            os.killpg(server.pid, signal.SIGKILL)
    assert code != 0
    assert "atlantis" in output
    assert "工作进程" in output and "启动失败" in output
