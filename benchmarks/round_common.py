"""Shared helpers for the scoring-round benchmarks: panels on disk, timing, peak memory."""

from __future__ import annotations

import resource
import shutil
import subprocess
import sys
import time
from collections.abc import Callable
from pathlib import Path
from typing import TypeVar

T = TypeVar("T")
ROOT = Path(__file__).resolve().parent.parent
CACHE = ROOT / "var" / "bench" / "rounds"


def panel_dir(n: int, year: int = 2025) -> Path:
    """A Parquet panel of n firms: `innopoints synth --format parquet` when available, else the sample panel."""
    folder = CACHE / f"panel_{n}"
    if (folder / "panel.parquet").exists():
        return folder
    folder.mkdir(parents=True, exist_ok=True)
    synth = [
        sys.executable,
        "-m",
        "innopoints",
        "synth",
        "--format",
        "parquet",
        "--enterprises",
        str(n),
        "--out",
        str(folder),
    ]
    done = subprocess.run(synth, capture_output=True, text=True, check=False)
    if done.returncode == 0 and (folder / "panel.parquet").exists():
        print(f"panel: innopoints synth, {n:,} firms -> {folder}")
        return folder
    shutil.rmtree(folder, ignore_errors=True)
    from innopoints.adapters.analytics.sample_panel import generate

    print(
        f"panel: sample_panel.generate({n:,}) (innopoints synth --format parquet not available) -> {folder}"
    )
    generate(n, year=year).write(folder)
    return folder


def timed(label: str, fn: Callable[[], T], repeat: int = 1) -> tuple[T, float]:
    best = float("inf")
    result: T | None = None
    for _ in range(repeat):
        t0 = time.perf_counter()
        result = fn()
        best = min(best, time.perf_counter() - t0)
    print(f"{label}: {best:.3f} s")
    assert result is not None
    return result, best


def peak_rss_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
