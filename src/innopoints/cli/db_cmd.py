"""``innopoints init``: create or upgrade the database schema."""

from __future__ import annotations

import typer


def register(app: typer.Typer) -> None:
    @app.command("init")
    def init() -> None:
        """初始化/升级数据库结构 (create or migrate the database schema)."""
        from rich.console import Console

        from innopoints.adapters.db.migrate import current_revision, upgrade
        from innopoints.bootstrap import default_container

        container = default_container()
        upgrade(container.engine)
        Console().print(
            f"数据库已就绪 (database ready): {container.engine.url.render_as_string(hide_password=True)} "
            f"@ {current_revision(container.engine)}"
        )
