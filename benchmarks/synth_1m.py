"""Benchmark the synthetic city generator.

1. ``innopoints synth --enterprises 1000000 --format parquet --out <tmp>`` in a subprocess:
   wall time and peak memory (max RSS of the child) against the bar ≤ 60 s and ≤ 4 GB.
2. The default city (30,083 firms) loaded into a fresh SQLite database: wall time against ≤ 40 s.

Usage: .venv/bin/python benchmarks/synth_1m.py [--enterprises N] [--skip-sqlite]
"""

from __future__ import annotations

import argparse
import os
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

BIN = Path(sys.executable).parent
PARQUET_BAR_S, PARQUET_BAR_GB, SQLITE_BAR_S = 60.0, 4.0, 40.0


def _run(args: list[str], env: dict[str, str]) -> tuple[float, float, float]:
    """Run a child; return wall seconds, its CPU seconds (user + system) and peak RSS in GB.

    ru_maxrss of RUSAGE_CHILDREN is the largest child so far, so run the biggest job first."""
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    started = time.perf_counter()
    subprocess.run(args, check=True, env=env, stdout=subprocess.DEVNULL)
    wall = time.perf_counter() - started
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    cpu = (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)
    return wall, cpu, after.ru_maxrss / 1024 / 1024


def _verdict(ok: bool) -> str:
    return "PASS" if ok else "FAIL"


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--enterprises", type=int, default=1_000_000)
    parser.add_argument("--skip-sqlite", action="store_true")
    args = parser.parse_args()
    env = dict(os.environ)
    ok = True
    with tempfile.TemporaryDirectory(prefix="synth-bench-") as tmp:
        out = Path(tmp) / "city"
        wall, cpu, peak = _run(
            [
                str(BIN / "innopoints"),
                "synth",
                "--enterprises",
                str(args.enterprises),
                "--format",
                "parquet",
                "--out",
                str(out),
            ],
            env,
        )
        size = sum(f.stat().st_size for f in out.iterdir()) / 1e6
        good = wall <= PARQUET_BAR_S and peak <= PARQUET_BAR_GB
        ok &= good
        print(
            f"synth parquet {args.enterprises:,} firms: {wall:.1f} s wall ({cpu:.1f} s CPU), peak RSS {peak:.2f} GB, files {size:.0f} MB "
            f"(bar ≤ {PARQUET_BAR_S:.0f} s, ≤ {PARQUET_BAR_GB:.0f} GB) {_verdict(good)}"
        )
        if not args.skip_sqlite:
            env_db = env | {"INNOPOINTS_DATA_DIR": str(Path(tmp) / "var"), "INNOPOINTS_DATABASE_URL": ""}
            subprocess.run(
                [str(BIN / "innopoints"), "init"], check=True, env=env_db, stdout=subprocess.DEVNULL
            )
            wall, cpu, _ = _run([str(BIN / "innopoints"), "synth"], env_db)
            good = wall <= SQLITE_BAR_S
            ok &= good
            print(
                f"synth default city into SQLite: {wall:.1f} s wall ({cpu:.1f} s CPU) (bar ≤ {SQLITE_BAR_S:.0f} s) {_verdict(good)}"
            )
    cpu = os.cpu_count()
    load = os.getloadavg()[0]
    print(f"machine: {cpu} CPUs, 1-min load average {load:.1f} (timings inflate when the machine is shared)")
    return 0 if ok else 1


if __name__ == "__main__":
    raise SystemExit(main())
