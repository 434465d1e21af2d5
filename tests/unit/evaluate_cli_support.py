"""Running ``innopoints evaluate …`` in a subprocess and reading its exact JSON (shared by CLI tests)."""

from __future__ import annotations

import json
import subprocess
import sys
from decimal import Decimal
from typing import Any


def cli(*args: str, stdin: str | None = None) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "innopoints", "evaluate", *args],
        input=stdin,
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )


def parse(text: str) -> dict[str, Any]:
    data: dict[str, Any] = json.loads(text, parse_float=Decimal)
    return data
