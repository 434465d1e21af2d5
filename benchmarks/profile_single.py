"""Median time to build one enterprise profile (画像) on the 30,083-firm synthetic city.

The database (SQLite under var/bench/profile/ by default) is built once with ``innopoints synth`` and one
scoring round with ``innopoints score --year 2025``; later runs reuse it. Each sample is one full
``profile.service.build_profile`` call (round result, peer scores and radar, frozen-reference explanation
from the round snapshot, 3-year trend with estimated years, ladder stage, gap and two verdicts) in a
fresh session, for firms drawn at random from the round. Bar: median <= 100 ms.

A stored round never changes, so each peer group's stored scores (radar percentiles and medians) are cached
in memory after the first profile of that group; the "cold" figure clears that cache before every sample.

    .venv/bin/python benchmarks/profile_single.py [--runs 200] [--data-dir var/bench/profile]
"""

from __future__ import annotations

import argparse
import os
import random
import statistics
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

import sqlalchemy as sa

BAR_MS = 100.0
YEAR = 2025
FIRMS = 30_083


ROUND_QUERY = sa.text("SELECT MAX(id) FROM scoring_round WHERE year = :y AND rulebook_hash = :h")


def rulebook_hash() -> str:
    from innopoints.scoring.rulebook import load_points

    return load_points("shenyang").version_hash


def _cli(data_dir: Path, *args: str) -> None:
    env = {**os.environ, "INNOPOINTS_DATA_DIR": str(data_dir), "INNOPOINTS_DATABASE_URL": ""}
    started = time.perf_counter()
    subprocess.run([sys.executable, "-m", "innopoints", *args], check=True, env=env)
    print(f"  innopoints {' '.join(args)}: {time.perf_counter() - started:.1f} s")


def ensure_city(data_dir: Path) -> None:
    from innopoints.bootstrap import build_container
    from innopoints.settings import Settings

    data_dir.mkdir(parents=True, exist_ok=True)
    container = build_container(Settings(data_dir=data_dir, database_url=""), migrate=True)
    with container.engine.connect() as conn:
        firms = conn.execute(sa.text("SELECT COUNT(*) FROM enterprise")).scalar_one()
        rounds = conn.execute(ROUND_QUERY, {"y": YEAR, "h": rulebook_hash()}).scalar_one()
    container.engine.dispose()
    if firms == 0:
        print("生成合成城市 (building the synthetic city) …")
        _cli(data_dir, "synth")
    if rounds is None:  # none yet, or only rounds of an earlier rulebook version
        print(f"运行 {YEAR} 年积分评价批次 (running the {YEAR} round) …")
        _cli(data_dir, "score", "--year", str(YEAR))


def p95(times: list[float]) -> float:
    ordered = sorted(times)
    return ordered[int(0.95 * (len(ordered) - 1))]


def measure(container: Any, rb: Any, round_id: int, picks: list[str], *, cold: bool) -> list[float]:
    from innopoints.adapters.db.profile_repo import clear_peer_cache
    from innopoints.profile.service import build_profile

    times = []
    for uscc in picks:
        if cold:
            clear_peer_cache()
        with container.sessions() as session:
            started = time.perf_counter()
            profile = build_profile(session, rb, uscc, round_id=round_id)
            times.append((time.perf_counter() - started) * 1000)
        assert profile["enterprise"]["uscc"] == uscc and profile["round"]["id"] == round_id
    return times


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--runs", type=int, default=200)
    parser.add_argument("--data-dir", type=Path, default=Path("var/bench/profile"))
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--cold", type=int, default=50, help="samples with the peer-group cache cleared")
    args = parser.parse_args()
    ensure_city(args.data_dir)

    from innopoints.bootstrap import build_container
    from innopoints.profile.service import build_profile
    from innopoints.scoring.rulebook import load_points
    from innopoints.settings import Settings

    container = build_container(Settings(data_dir=args.data_dir, database_url=""))
    rb = load_points(container.settings.region)
    with container.engine.connect() as conn:
        round_id = conn.execute(ROUND_QUERY, {"y": YEAR, "h": rb.version_hash}).scalar_one()
        usccs = list(
            conn.execute(
                sa.text("SELECT uscc FROM scoring_result WHERE round_id = :r"), {"r": round_id}
            ).scalars()
        )
    print(f"批次 {round_id}：{len(usccs):,} 家企业 (firms in the round)")
    picks = random.Random(args.seed).sample(usccs, min(args.runs, len(usccs)))
    with container.sessions() as session:  # warm-up: imports, rulebooks, first queries
        build_profile(session, rb, picks[0], round_id=round_id)
    cold = measure(container, rb, round_id, picks[: args.cold], cold=True)
    times = measure(container, rb, round_id, picks, cold=False)
    median = statistics.median(times)
    print(
        f"单户画像 (one profile), {len(times)} 户: median {median:.1f} ms, p95 {p95(times):.1f} ms, "
        f"max {max(times):.1f} ms"
    )
    print(
        f"  冷启动 (peer-group cache cleared before each), {len(cold)} 户: "
        f"median {statistics.median(cold):.1f} ms, p95 {p95(cold):.1f} ms"
    )
    print(
        f"目标 (bar): median <= {BAR_MS:.0f} ms -> {'达标 (pass)' if median <= BAR_MS else '未达标 (FAIL)'}"
    )
    container.engine.dispose()
    return 0 if median <= BAR_MS else 1


if __name__ == "__main__":
    raise SystemExit(main())
