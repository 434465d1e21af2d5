"""Screening the whole synthetic city (30,083 firms) into the cultivation pool: bar <= 5 s.

Run: .venv/bin/python benchmarks/pool_screen.py [--keep DIR]
Bytecode caching is switched on for the child processes (PYTHONPYCACHEPREFIX under the temp folder) as
on any normal installation: with PYTHONDONTWRITEBYTECODE=1 every command recompiles ~900 modules
(polars, sqlalchemy, pydantic, …), which costs seconds and has nothing to do with screening.
With --keep DIR an existing database is reused and its pool tables are emptied before timing.
Builds a temporary SQLite city with `innopoints synth` (default 30,083 firms), a frozen round with
`innopoints score --year 2025`, then times `innopoints pool screen --year 2025` end to end (a fresh
process: imports, reading the round and panel, the Polars screening, bulk event insert) — first run
(every member enters) and a re-run (idempotent: nothing appended).
"""

from __future__ import annotations

import argparse
import os
import re
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

BAR_SECONDS = 5.0
CLI = [sys.executable, "-m", "innopoints"]


def run(args: list[str], env: dict[str, str]) -> tuple[float, str]:
    started = time.perf_counter()
    done = subprocess.run([*CLI, *args], env=env, capture_output=True, text=True, check=False)
    took = time.perf_counter() - started
    if done.returncode != 0:
        raise SystemExit(f"{' '.join(args)} failed:\n{done.stdout}\n{done.stderr}")
    return took, done.stdout


def empty_pool(database: Path) -> None:
    """Start from an empty pool in a reused benchmark database (never the user's database)."""
    import sqlite3

    with sqlite3.connect(database) as conn:
        for table in ("pool_follow_up", "pool_assignment", "pool_alert", "pool_event", "pool_screening"):
            conn.execute(f"DELETE FROM {table}")


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--keep", type=Path, help="keep the database in this folder (reused when present)")
    opts = parser.parse_args()
    folder = opts.keep or Path(tempfile.mkdtemp(prefix="pool_bench_"))
    folder.mkdir(parents=True, exist_ok=True)
    env = {**os.environ, "INNOPOINTS_DATA_DIR": str(folder), "COLUMNS": "200"}
    env.pop("INNOPOINTS_DATABASE_URL", None)
    env.pop("PYTHONDONTWRITEBYTECODE", None)
    env["PYTHONPYCACHEPREFIX"] = str(folder / "pycache")
    database = folder / "innopoints.db"
    if not database.exists():
        took, _ = run(["synth"], env)
        print(f"synth city: {took:.1f} s")
        took, _ = run(["score", "--year", "2025"], env)
        print(f"score round 2025: {took:.1f} s")
    else:
        empty_pool(database)
    warm = "import innopoints.cli, innopoints.cultivation.service, innopoints.cultivation.rulebook"
    subprocess.run([sys.executable, "-c", warm], env=env, check=True)  # fill the bytecode cache once
    first, out = run(["pool", "screen", "--year", "2025"], env)
    inner = re.search(r"用时 ([0-9.]+) 秒", out)
    print(out.strip())
    again, out2 = run(["pool", "screen", "--year", "2025"], env)
    if "入库 0，升级 0，降级 0，出库 0" not in out2:
        raise SystemExit(f"re-run appended events (not idempotent):\n{out2}")
    firms = re.search(r"参评企业 ([0-9,]+) 家", out)
    print(
        f"\npool screen, {firms.group(1) if firms else '?'} firms: {first:.2f} s end to end "
        f"(service {inner.group(1) if inner else '?'} s); re-run {again:.2f} s; bar {BAR_SECONDS:.0f} s -> "
        + ("PASS" if first <= BAR_SECONDS else "FAIL")
    )
    if opts.keep:
        print(f"database kept: {database}")
    else:
        shutil.rmtree(folder, ignore_errors=True)


if __name__ == "__main__":
    main()
