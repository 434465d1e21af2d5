"""Bank-side evaluation on the 30,083-firm synthetic city: one firm as a bank sees it, and a bank's page.

The database (SQLite under var/bench/finance/ by default) is built once with ``innopoints synth`` and one
scoring round with ``innopoints score --year 2025``; later runs reuse it. Figures:

* one evaluation = ``finance.service.evaluate_firm`` as a bank officer with a live consent (consent check,
  audit event, round facts with the cut-off panel, five dimensions, 9 products' eligibility and credit
  lines) in a fresh transaction, for firms drawn at random. Bar: median <= 100 ms.
* one list page = ``finance.service.bank_firms`` for 50 consenting firms with product matches.
  Bar: <= 2 s.
* the whole round's facts frame (``finance.facts.round_facts``), for reference.

    .venv/bin/python benchmarks/finance_evaluate.py [--runs 200] [--data-dir var/bench/finance]
"""

from __future__ import annotations

import argparse
import os
import random
import statistics
import subprocess
import sys
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path

import sqlalchemy as sa

BAR_ONE_MS = 100.0
BAR_PAGE_S = 2.0
PAGE = 50


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
        rounds = conn.execute(sa.text("SELECT COUNT(*) FROM scoring_round")).scalar_one()
    container.engine.dispose()
    if firms == 0:
        _cli(data_dir, "synth")
    if rounds == 0:
        _cli(data_dir, "score", "--year", "2025")


def p95(times: list[float]) -> float:
    ordered = sorted(times)
    return ordered[int(0.95 * (len(ordered) - 1))]


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--runs", type=int, default=200)
    parser.add_argument("--data-dir", type=Path, default=Path("var/bench/finance"))
    parser.add_argument("--seed", type=int, default=11)
    args = parser.parse_args()
    ensure_city(args.data_dir)

    from innopoints.accounts import consent
    from innopoints.accounts.context import Actor
    from innopoints.accounts.principal import Principal
    from innopoints.accounts.roles import Role
    from innopoints.adapters.db.accounts_tables import BankConsent, UserAccount
    from innopoints.bootstrap import build_container
    from innopoints.finance.facts import round_facts, round_info
    from innopoints.finance.service import bank_firms, evaluate_firm
    from innopoints.settings import Settings

    container = build_container(Settings(data_dir=args.data_dir, database_url=""))
    now = datetime.now(UTC)
    with container.sessions.begin() as s:
        rnd = round_info(s, None)
        usccs = list(s.scalars(sa.text("SELECT uscc FROM scoring_result WHERE round_id = :r"), {"r": rnd.id}))
        picks = random.Random(args.seed).sample(usccs, min(args.runs, len(usccs)))
        user = s.scalar(sa.select(UserAccount).where(UserAccount.username == "bench_bank"))
        if user is None:
            user = UserAccount(
                username="bench_bank", display_name="基准测试银行", password_hash="!", role="bank", bank_id=1
            )
            s.add(user)
            s.flush()
        s.execute(sa.delete(BankConsent).where(BankConsent.bank_id == 1))
        ids = dict(s.execute(sa.text("SELECT uscc, id FROM enterprise")).all())
        for code in picks:
            consent.grant(
                s,
                enterprise_id=ids[code],
                bank_id=1,
                purpose="基准测试",
                expires_at=now + timedelta(days=1),
                now=now,
            )
        principal = Principal(user.id, user.username, user.display_name, Role.BANK, bank_id=1)
    actor = Actor(principal, "api", "/bench")
    today = now.date()
    with container.sessions.begin() as s:  # warm-up: imports, rulebooks, first queries
        evaluate_firm(s, actor, picks[0], round_id=rnd.id, as_of=today, now=now)
    times = []
    for code in picks:
        with container.sessions.begin() as s:
            started = time.perf_counter()
            result = evaluate_firm(s, actor, code, round_id=rnd.id, as_of=today, now=now)
            times.append((time.perf_counter() - started) * 1000)
        assert result.uscc == code and len(result.dims.dimensions) == 5
    median = statistics.median(times)
    print(
        f"单户银行端评价 (one evaluation), {len(times)} 户: median {median:.1f} ms, p95 {p95(times):.1f} ms, max {max(times):.1f} ms"
    )
    with container.sessions.begin() as s:
        started = time.perf_counter()
        page = bank_firms(s, actor, now=now, as_of=today, round_id=rnd.id, limit=PAGE)
        page_s = time.perf_counter() - started
    print(
        f"银行授权企业列表一页 (one page of {len(page.rows)} consenting firms with matches): {page_s:.2f} s"
    )
    with container.sessions() as s:
        started = time.perf_counter()
        frame = round_facts(s, rnd)
        print(f"全批次事实表 (round facts for {frame.height:,} firms): {time.perf_counter() - started:.2f} s")
    ok = median <= BAR_ONE_MS and page_s <= BAR_PAGE_S
    print(
        f"目标 (bar): median <= {BAR_ONE_MS:.0f} ms, page <= {BAR_PAGE_S:.0f} s -> {'达标 (pass)' if ok else '未达标 (FAIL)'}"
    )
    container.engine.dispose()
    return 0 if ok else 1


if __name__ == "__main__":
    raise SystemExit(main())
