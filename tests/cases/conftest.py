"""Collect the YAML rule cases under tests/cases/<context>/ (see innopoints.rules.cases)."""

from __future__ import annotations

import datetime as dt
from typing import Any

from innopoints.eligibility.registry import run
from innopoints.rules.cases import make_collector


def _run(evaluator: str, inputs: Any, as_of: dt.date) -> dict[str, Any]:
    return run(evaluator, inputs, as_of).as_dict()


pytest_collect_file = make_collector(_run)
