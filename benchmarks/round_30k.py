"""Full round over the 30,083-firm city: from Parquet (bar <= 1 s) and from the database (bar <= 5 s).

Run: .venv/bin/python benchmarks/round_30k.py
The panel comes from `innopoints synth --format parquet` (default city); the database is a fresh SQLite
file under var/bench/rounds loaded by `innopoints synth` (INNOPOINTS_DATA_DIR).
"""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

from round_common import CACHE, ROOT, panel_dir, timed

from innopoints.scoring import service
from innopoints.scoring.rulebook import load_points

YEAR = 2025
N = 30_083


def db_container(data_dir: Path):  # type: ignore[no-untyped-def]
    from innopoints.bootstrap import build_container
    from innopoints.settings import Settings

    if not (data_dir / "innopoints.db").exists():
        env = os.environ | {"INNOPOINTS_DATA_DIR": str(data_dir)}
        subprocess.run([sys.executable, "-m", "innopoints", "synth", "--if-empty"], check=True, env=env, cwd=ROOT)
    return build_container(Settings(data_dir=data_dir), migrate=True)


def main() -> None:
    rb = load_points()
    folder = panel_dir(N)
    timed("warm-up (imports, first Polars run)", lambda: service.run_panel_round(folder, YEAR, rb))
    outcome, t_parquet = timed(f"full round from Parquet ({N:,} firms registered)", lambda: service.run_panel_round(folder, YEAR, rb), repeat=3)
    print(f"  firms scored {outcome.firms:,}; bar <= 1 s -> {'PASS' if t_parquet <= 1.0 else 'FAIL'}")
    container = db_container(CACHE / "db_30k")
    result, t_db = timed(
        "full round from the database (read revisions, pivot, score, store round + reference + results + snapshot)",
        lambda: service.run_db_round(container.sessions, container.settings.data_dir, "shenyang", YEAR, rb),
        repeat=2,
    )
    print(f"  firms scored {result.firms:,}; round id {result.round_id}; bar <= 5 s -> {'PASS' if t_db <= 5.0 else 'FAIL'}")


if __name__ == "__main__":
    main()
