"""``innopoints serve``: run the web platform."""

from __future__ import annotations

import typer


def register(app: typer.Typer) -> None:
    @app.command("serve")
    def serve(
        host: str = typer.Option(None, help="监听地址 (bind address); default INNOPOINTS_HOST"),
        port: int = typer.Option(None, help="端口 (port); default INNOPOINTS_PORT"),
    ) -> None:
        """启动 Web 平台 (serve the web platform and JSON API)."""
        import uvicorn

        from innopoints.settings import get_settings
        from innopoints.web.app import create_app

        settings = get_settings()
        uvicorn.run(create_app(settings), host=host or settings.host, port=port or settings.port)
