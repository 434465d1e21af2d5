"""``innopoints serve``: run the web platform.

Python runs one request at a time per process (the GIL), so the server starts several worker processes:
by default one per CPU core (at least 2), each running one request at a time (``INNOPOINTS_WEB_THREADS``);
an extra process per core or a second request thread only added switching (measured in ADR 0005). The
parent process accepts connections and hands each to the worker with the fewest open
connections (``innopoints.web.workers``). ``--workers 1`` runs a single process (the app object is then
built here directly).
"""

from __future__ import annotations

import os

import typer

MAX_DEFAULT_WORKERS = 8


def default_workers() -> int:
    return max(2, min(os.cpu_count() or 1, MAX_DEFAULT_WORKERS))


def register(app: typer.Typer) -> None:
    @app.command("serve")
    def serve(
        host: str = typer.Option(None, help="监听地址 (bind address); default INNOPOINTS_HOST"),
        port: int = typer.Option(None, help="端口 (port); default INNOPOINTS_PORT"),
        workers: int = typer.Option(
            None,
            min=1,
            envvar="INNOPOINTS_WEB_WORKERS",
            help="工作进程数 (worker processes); 默认 CPU 核数，至少 2",
        ),
    ) -> None:
        """启动 Web 平台 (serve the web platform and JSON API)."""
        import uvicorn

        from innopoints.settings import get_settings

        settings = get_settings()
        count = workers or default_workers()
        bind_host, bind_port = host or settings.host, port or settings.port
        if count == 1:
            from innopoints.web.app import create_app

            uvicorn.run(create_app(settings), host=bind_host, port=bind_port)
            return
        from innopoints.web import workers as balanced

        if not balanced.supported():  # no descriptor passing (Windows): uvicorn's shared-socket workers
            uvicorn.run(balanced.APP, factory=True, workers=count, host=bind_host, port=bind_port)
            return
        # Each worker process builds its own app (and database pool) from the same environment.
        raise typer.Exit(balanced.serve(bind_host, bind_port, count))
