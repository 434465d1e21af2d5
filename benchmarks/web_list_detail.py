"""Latency of the enterprise list and detail pages on a city-sized database.

Builds (with ``innopoints synth``) or reuses a database holding the 30,083-firm synthetic city
(2021-2025 panel), then requests the filtered list pages, the
JSON list and the detail page sequentially through FastAPI's TestClient and prints median and
p95 latency per page kind. The later bar: p95 <= 150 ms for a profile page and <= 250 ms for a
filtered list at 20 concurrent clients; this script measures the sequential figure (benchmarks/web_concurrency.py measures the concurrent one).

    .venv/bin/python benchmarks/web_list_detail.py                    # SQLite under var/bench/
    .venv/bin/python benchmarks/web_list_detail.py --url postgresql+psycopg://postgres@127.0.0.1:5432/bench
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

from innopoints.adapters.db.engine import make_engine
from innopoints.adapters.db.migrate import upgrade

FIRMS = 30_083
YEARS = (2021, 2022, 2023, 2024, 2025)
SEED = 20250129
WORDS = "华新盛远鼎创联智科达通泰恒博瑞安宏信融汇天正德润丰源启航星辰云海北方东方辽沈浑河盛京"
TRADES = (
    "科技",
    "智能装备",
    "信息技术",
    "新材料",
    "生物医药",
    "机器人",
    "航空部件",
    "新能源",
    "农业科技",
    "软件",
)


def ensure_city(url: str) -> None:
    engine = make_engine(url)
    upgrade(engine)
    with engine.connect() as conn:
        firms = conn.execute(sa.text("SELECT COUNT(*) FROM enterprise")).scalar_one()
    if firms >= FIRMS:
        print(f"复用已有数据库 (reusing database): {firms} 家企业")
        engine.dispose()
        return
    if firms:
        sys.exit(f"数据库已有 {firms} 家企业但不足 {FIRMS} 家；请换一个空库 (use an empty database)")
    started = time.perf_counter()
    engine.dispose()
    # The real generator builds the city (the default 30,083-firm Shenyang, seeded).
    env = {**os.environ, "INNOPOINTS_DATABASE_URL": url}
    subprocess.run([sys.executable, "-m", "innopoints", "synth"], env=env, check=True)
    print(f"已生成合成城市 (built the synthetic city)，用时 {time.perf_counter() - started:.1f} s")


LIST_PAGES = (
    "/enterprises?district=210112",
    "/enterprises?district=210106&qualification=high_tech_enterprise",
    "/enterprises?cluster=robotics&sort=-revenue",
    "/enterprises?park=hunnan_science_city&sort=-registration_date&page=3",
    "/enterprises?q=%E7%9B%9B%E8%BF%9C&page_size=50",
    "/enterprises?field=electronic_information&listed=false&sort=-rd_expense",
)
WORST_CASE = ("/enterprises?sort=-revenue", "/enterprises?page=1000&page_size=20")
API_LIST = (
    "/api/enterprises?district=210112&page_size=50",
    "/api/enterprises?cluster=aerospace&sort=-revenue",
)


def _measure(client: Any, paths: list[str]) -> list[float]:
    timings = []
    for path in paths:
        started = time.perf_counter()
        response = client.get(path)
        timings.append((time.perf_counter() - started) * 1000)
        if response.status_code != 200:
            sys.exit(f"{path} -> HTTP {response.status_code}: {response.text[:200]}")
    return timings


def _sign_in(client: Any, url: str) -> None:
    """Every page needs a signed-in user now: the demo admin, through the login form (CSRF included)."""
    import re

    from innopoints.accounts.demo import DEMO_PASSWORD

    subprocess.run(
        [sys.executable, "-m", "innopoints", "accounts", "demo"], check=True, stdout=subprocess.DEVNULL
    )
    form = client.get("/login")
    token = re.search(r'name="csrf_token" value="([^"]+)"', form.text)
    assert token, "login page has no CSRF field"
    data = {"username": "admin", "password": DEMO_PASSWORD, "csrf_token": token.group(1)}
    if client.post("/login", data=data, follow_redirects=False).status_code != 303:
        sys.exit("登录失败 (login failed)")


def _report(label: str, timings: list[float], bar: float | None = None) -> None:
    ordered = sorted(timings)
    p95 = ordered[max(0, round(0.95 * len(ordered)) - 1)]
    verdict = ""
    if bar is not None:
        verdict = f"  (later bar p95 <= {bar:.0f} ms at 20 clients: {'meets it sequentially' if p95 <= bar else 'ABOVE'})"
    print(
        f"{label:44s} n={len(ordered):4d}  median {statistics.median(ordered):7.1f} ms  p95 {p95:7.1f} ms{verdict}"
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument(
        "--url", default="", help="database URL (default: SQLite var/bench/web_list_detail.db)"
    )
    parser.add_argument("--rounds", type=int, default=10, help="requests per list page kind")
    parser.add_argument("--details", type=int, default=100, help="number of random profile pages")
    args = parser.parse_args()
    url = args.url or f"sqlite:///{Path('var/bench/web_list_detail.db').as_posix()}"
    ensure_city(url)

    from fastapi.testclient import TestClient

    from innopoints.settings import Settings
    from innopoints.web.app import create_app

    settings = Settings(environment="development", database_url=url, data_dir=Path("var/bench"))
    rng = random.Random(7)
    with TestClient(create_app(settings)) as client:
        _sign_in(client, url)
        _measure(client, ["/dashboard", *LIST_PAGES, *WORST_CASE])  # warm the caches and the page cache
        engine = client.app.state.container.engine  # type: ignore[attr-defined]
        with engine.connect() as conn:
            revisions = conn.execute(sa.text("SELECT COUNT(*) FROM panel_revision")).scalar_one()
            codes = [row[0] for row in conn.execute(sa.text("SELECT uscc FROM enterprise"))]
        print(
            f"数据库 (database): {engine.dialect.name}, {len(codes)} 家企业, {revisions} 条修订记录（每条为一企业一年）"
        )
        details = [f"/enterprises/{code}" for code in rng.sample(codes, args.details)]
        api_details = [f"/api/enterprises/{code}" for code in rng.sample(codes, args.details)]
        _report("筛选列表页 filtered list (HTML)", _measure(client, list(LIST_PAGES) * args.rounds), 250)
        _report("企业详情页 profile (HTML)", _measure(client, details), 150)
        _report("列表 JSON API", _measure(client, list(API_LIST) * args.rounds))
        _report("详情 JSON API", _measure(client, api_details))
        _report("全市按营收排序/深分页 worst case (HTML)", _measure(client, list(WORST_CASE) * args.rounds))
        _report("首页 dashboard (HTML)", _measure(client, ["/dashboard"] * args.rounds))
    print("说明：顺序请求，TestClient 进程内测量 (sequential, in-process TestClient); 2 核机器。")
    print(
        "并发测量见 benchmarks/web_concurrency.py (20 concurrent signed-in clients, SQLite and PostgreSQL)."
    )


if __name__ == "__main__":
    main()
