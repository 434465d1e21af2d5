"""Placeholder replaced by the synthetic-city work."""

import typer


def register(app: typer.Typer) -> None:
    pass
