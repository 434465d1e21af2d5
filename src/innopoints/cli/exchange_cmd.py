"""Placeholder replaced by the import/export work."""

import typer


def register(app: typer.Typer) -> None:
    pass
