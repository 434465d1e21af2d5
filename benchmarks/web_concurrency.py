"""Profile page and filtered firm list under 20 concurrent signed-in clients, on SQLite and on PostgreSQL.

Builds (or reuses) a database holding the 30,083-firm synthetic city with the demo accounts and a stored
2025 scoring round, starts the server exactly as ``make run`` does (``innopoints serve``, default options),
signs every client in through the login form (session cookie), warms up, then sends closed-loop requests
(each client sends its next request as soon as the previous answer arrives) and prints p50/p95/p99 latency
and requests per second, against the bar: p95 <= 150 ms for the profile page (/enterprises/{uscc}) and
<= 250 ms for the filtered list (/enterprises?district=…&cluster=…).

    .venv/bin/python benchmarks/web_concurrency.py                       # both backends
    .venv/bin/python benchmarks/web_concurrency.py --backend sqlite
    .venv/bin/python benchmarks/web_concurrency.py --backend postgresql --pg-admin-url postgresql+psycopg://postgres@127.0.0.1:5432/postgres

The SQLite file lives at var/bench/web_concurrency.db (reused between runs); the PostgreSQL database is a
throw-away one (created, filled, dropped at the end unless --keep). Load and server share the machine's cores.
"""

from __future__ import annotations

import argparse
import asyncio
import os
import random
import re
import socket
import statistics
import subprocess
import sys
import time
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

import httpx
import sqlalchemy as sa

from innopoints.accounts.demo import DEMO_PASSWORD
from innopoints.adapters.db.engine import make_engine
from innopoints.adapters.db.migrate import upgrade
from innopoints.region import load_region

FIRMS = 30_083
ROUND_YEAR = 2025
BARS_MS = {"profile": 150.0, "list": 250.0}
SQLITE_PATH = Path("var/bench/web_concurrency.db")
PG_ADMIN_URL = "postgresql+psycopg://postgres@127.0.0.1:5432/postgres"
CSRF = re.compile(r'name="csrf_token" value="([^"]+)"')


def _cli(url: str, *args: str) -> None:
    env = {**os.environ, "INNOPOINTS_DATABASE_URL": url}
    subprocess.run(
        [sys.executable, "-m", "innopoints", *args], env=env, check=True, stdout=subprocess.DEVNULL
    )


def ensure_city(url: str) -> None:
    """The demo city (30,083 active firms), the demo accounts and a stored 2025 round."""
    engine = make_engine(url)
    upgrade(engine)
    with engine.connect() as conn:
        firms = conn.execute(sa.text("SELECT COUNT(*) FROM enterprise WHERE exit_date IS NULL")).scalar_one()
        rounds = conn.execute(sa.text("SELECT COUNT(*) FROM scoring_round")).scalar_one()
    engine.dispose()
    started = time.perf_counter()
    if firms == 0:
        _cli(url, "synth")
    elif firms < FIRMS:
        sys.exit(f"数据库已有 {firms} 家在册企业但不足 {FIRMS} 家；请换一个空库 (use an empty database)")
    _cli(url, "accounts", "demo")
    if rounds == 0:
        _cli(url, "score", "--year", str(ROUND_YEAR))
    if url.startswith("postgresql"):
        # Statistics and visibility maps for the freshly loaded tables now, rather than by autovacuum, which
        # may start in the middle of the measurement and share its cores.
        vacuum = make_engine(url, isolation_level="AUTOCOMMIT")
        with vacuum.connect() as conn:
            conn.execute(sa.text("VACUUM ANALYZE"))
        vacuum.dispose()
    print(f"  数据就绪 (city ready) in {time.perf_counter() - started:.1f} s")


@contextmanager
def throwaway_pg(admin_url: str, keep: bool) -> Iterator[str]:
    name = f"innopoints_bench_web_{uuid.uuid4().hex[:6]}"
    admin = make_engine(admin_url, isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.execute(sa.text(f'CREATE DATABASE "{name}"'))
    try:
        url = admin_url.rsplit("/", 1)[0] + f"/{name}"
        if keep:
            print(f"  保留数据库 (kept): {url}")
        yield url
    finally:
        if not keep:
            with admin.connect() as conn:
                conn.execute(sa.text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        admin.dispose()


def server_cpu_seconds(group: int) -> float:
    """CPU time (user + system) used so far by every process of the server's process group (Linux /proc)."""
    ticks = os.sysconf("SC_CLK_TCK")
    total = 0
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            fields = (entry / "stat").read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        if int(fields[2]) == group:  # fields[2] is pgrp; utime and stime follow at 11 and 12
            total += int(fields[11]) + int(fields[12])
    return total / ticks


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port: int = sock.getsockname()[1]
        return port


@dataclass
class Server:
    base: str
    group: int


@contextmanager
def served(url: str) -> Iterator[Server]:
    """``innopoints serve`` as ``make run`` starts it (settings from the environment)."""
    port = _free_port()
    env = {**os.environ, "INNOPOINTS_DATABASE_URL": url, "INNOPOINTS_PORT": str(port)}
    server = subprocess.Popen(
        [sys.executable, "-m", "innopoints", "serve"],
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
        start_new_session=True,
    )
    base = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 120
        while True:
            try:
                if httpx.get(f"{base}/healthz", timeout=2).status_code == 200:
                    break
            except httpx.TransportError:
                pass
            if time.monotonic() > deadline or server.poll() is not None:
                sys.exit("innopoints serve 未能启动 (server did not start)")
            time.sleep(0.3)
        yield Server(base, server.pid)
    finally:
        server.terminate()
        try:
            server.wait(timeout=30)
        except subprocess.TimeoutExpired:
            server.kill()
            server.wait(timeout=10)


def sample_paths(url: str, seed: int, count: int) -> dict[str, list[str]]:
    """Random profile pages of active firms and list pages filtered by district and cluster."""
    region = load_region("shenyang")
    rng = random.Random(seed)
    engine = make_engine(url)
    with engine.connect() as conn:
        codes = list(conn.scalars(sa.text("SELECT uscc FROM enterprise WHERE exit_date IS NULL ORDER BY id")))
    engine.dispose()
    districts = [d.id for d in region.districts]
    clusters = [c.id for c in region.clusters]
    lists = [
        f"/enterprises?district={rng.choice(districts)}&cluster={rng.choice(clusters)}" for _ in range(count)
    ]
    return {"profile": [f"/enterprises/{c}" for c in rng.sample(codes, count)], "list": lists}


def sign_in(base: str, username: str) -> str:
    """Log in through the real form (CSRF double-submit included); returns the Cookie header value."""
    with httpx.Client(base_url=base, timeout=60) as client:
        form = client.get("/login")
        token = CSRF.search(form.text)
        assert token, "login page has no CSRF field"
        done = client.post(
            "/login", data={"username": username, "password": DEMO_PASSWORD, "csrf_token": token.group(1)}
        )
        if done.status_code != 303:
            sys.exit(f"登录失败 (login failed) for {username}: HTTP {done.status_code}")
        return "; ".join(f"{k}={v}" for k, v in client.cookies.items())


class Connection:
    """A minimal keep-alive HTTP/1.1 GET client on asyncio streams: the load generator shares the machine
    with the server, so it must cost as little CPU per request as possible (httpx costs several times more)."""

    def __init__(self, host: str, port: int, cookie: str) -> None:
        self.host, self.port, self.cookie = host, port, cookie
        self.reader: asyncio.StreamReader | None = None
        self.writer: asyncio.StreamWriter | None = None

    async def get(self, path: str) -> int:
        if self.writer is None:
            self.reader, self.writer = await asyncio.open_connection(self.host, self.port)
        assert self.reader is not None
        self.writer.write(
            f"GET {path} HTTP/1.1\r\nHost: {self.host}:{self.port}\r\nCookie: {self.cookie}\r\n"
            "Accept: text/html\r\n\r\n".encode()
        )
        head = await self.reader.readuntil(b"\r\n\r\n")
        lines = head.decode("latin-1").split("\r\n")
        status = int(lines[0].split(" ", 2)[1])
        headers = {
            k.strip().lower(): v.strip() for k, _, v in (line.partition(":") for line in lines[1:] if line)
        }
        if "content-length" in headers:
            await self.reader.readexactly(int(headers["content-length"]))
        elif headers.get("transfer-encoding") == "chunked":
            while True:
                size = int((await self.reader.readuntil(b"\r\n")).split(b";")[0], 16)
                await self.reader.readexactly(size + 2)
                if size == 0:
                    break
        if headers.get("connection") == "close":
            await self.close()
        return status

    async def close(self) -> None:
        if self.writer is not None:
            self.writer.close()
            self.writer, self.reader = None, None


@dataclass
class Result:
    timings_ms: list[float]
    seconds: float
    errors: int
    server_cpu_s: float = 0.0

    def pct(self, q: float) -> float:
        ordered = sorted(self.timings_ms)
        return ordered[max(0, min(len(ordered) - 1, round(q * len(ordered)) - 1))]


async def run_load(server: Server, cookies: list[str], paths: list[str], warmup: list[str]) -> Result:
    """Closed loop: one connection per signed-in client, all sharing the queue of paths; each client sends
    its next request as soon as its previous answer has arrived. Timings after the warm-up only."""
    url = httpx.URL(server.base)
    assert url.port is not None
    clients = [Connection(url.host, url.port, cookie) for cookie in cookies]
    timings: list[float] = []
    errors = 0

    async def worker(client: Connection, queue: list[str], record: bool) -> None:
        nonlocal errors
        while queue:
            path = queue.pop()
            started = time.perf_counter()
            status = await client.get(path)
            elapsed = (time.perf_counter() - started) * 1000
            if status != 200:
                errors += 1
            elif record:
                timings.append(elapsed)

    try:
        warm = list(warmup)
        await asyncio.gather(*(worker(c, warm, False) for c in clients))
        queue = list(reversed(paths))
        cpu_before = server_cpu_seconds(server.group)
        started = time.perf_counter()
        await asyncio.gather(*(worker(c, queue, True) for c in clients))
        elapsed = time.perf_counter() - started
        return Result(timings, elapsed, errors, server_cpu_seconds(server.group) - cpu_before)
    finally:
        for client in clients:
            await client.close()


def report(backend: str, kind: str, clients: int, result: Result) -> bool:
    bar = BARS_MS[kind]
    p95 = result.pct(0.95)
    ok = p95 <= bar and result.errors == 0
    label = {
        "profile": "企业画像页 profile /enterprises/{uscc}",
        "list": "筛选列表 /enterprises?district&cluster",
    }[kind]
    print(
        f"  {label:42s} n={len(result.timings_ms):4d}  p50 {statistics.median(result.timings_ms):6.1f} ms"
        f"  p95 {p95:6.1f} ms  p99 {result.pct(0.99):6.1f} ms  {len(result.timings_ms) / result.seconds:6.1f} req/s"
        f"  errors {result.errors}  bar p95 <= {bar:.0f} ms: {'MEETS' if ok else 'ABOVE'}"
    )
    cpu_ms = result.server_cpu_s * 1000 / max(1, len(result.timings_ms))
    print(f"    服务端 CPU (server CPU per request, all worker processes) {cpu_ms:.1f} ms")
    return ok


def bench_backend(backend: str, url: str, args: argparse.Namespace) -> list[tuple[str, str, float, bool]]:
    print(f"[{backend}] {make_engine(url).url.render_as_string(hide_password=True)}")
    ensure_city(url)
    paths = sample_paths(url, args.seed, args.requests)
    warm = sample_paths(url, args.seed + 1, args.warmup)
    rows = []
    with served(url) as server:
        cookies = [sign_in(server.base, args.user) for _ in range(args.clients)]
        for kind in ("profile", "list"):
            before = os.getloadavg()[0]
            result = asyncio.run(run_load(server, cookies, paths[kind], warm[kind]))
            rows.append((backend, kind, result.pct(0.95), report(backend, kind, args.clients, result)))
            print(f"    机器负载 (1-min load average) {before:.1f} -> {os.getloadavg()[0]:.1f}")
    return rows


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--backend", choices=("sqlite", "postgresql", "both"), default="both")
    parser.add_argument("--sqlite-path", type=Path, default=SQLITE_PATH)
    parser.add_argument("--pg-admin-url", default=PG_ADMIN_URL)
    parser.add_argument("--keep", action="store_true", help="keep the throw-away PostgreSQL database")
    parser.add_argument(
        "--pg-url", default="", help="use this PostgreSQL database instead of a throw-away one"
    )
    parser.add_argument("--clients", type=int, default=20)
    parser.add_argument("--requests", type=int, default=1000, help="measured requests per page kind")
    parser.add_argument("--warmup", type=int, default=200, help="warm-up requests per page kind")
    parser.add_argument("--user", default="admin", help="demo account the clients sign in as")
    parser.add_argument("--seed", type=int, default=7)
    args = parser.parse_args()
    print(
        f"{args.clients} 个并发客户端 (concurrent clients), 每类 {args.requests} 次请求, 账户 {args.user}, "
        f"CPU 核数 {os.cpu_count()}（负载与服务同机）"
    )
    rows = []
    if args.backend in ("sqlite", "both"):
        rows += bench_backend("sqlite", f"sqlite:///{args.sqlite_path.as_posix()}", args)
    if args.backend in ("postgresql", "both") and args.pg_url:
        rows += bench_backend("postgresql", args.pg_url, args)
    elif args.backend in ("postgresql", "both"):
        with throwaway_pg(args.pg_admin_url, args.keep) as url:
            rows += bench_backend("postgresql", url, args)
    print(
        "汇总 (summary): " + "; ".join(f"{b} {k} p95 {p:.0f} ms {'✓' if ok else '✗'}" for b, k, p, ok in rows)
    )
    if not all(ok for *_, ok in rows):
        sys.exit(1)


if __name__ == "__main__":
    main()
