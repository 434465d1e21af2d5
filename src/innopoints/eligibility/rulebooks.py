"""Rulebooks shipped in the package, loaded once per process."""

from __future__ import annotations

from functools import cache
from importlib import resources
from pathlib import Path

from innopoints.rules.compiled import CompiledRulebook
from innopoints.rules.loader import load_rulebook


def rulebook_path(relative: str) -> Path:
    return Path(str(resources.files("innopoints.rulebook").joinpath(relative)))


@cache
def rulebook(relative: str) -> CompiledRulebook:
    """Load ``innopoints/rulebook/<relative>`` once (e.g. ``national/tech_sme.yaml``)."""
    return load_rulebook(rulebook_path(relative))
