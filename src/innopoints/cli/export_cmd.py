"""Placeholder: replaced by the owning work package."""

import typer


def register(app: typer.Typer) -> None:
    pass
