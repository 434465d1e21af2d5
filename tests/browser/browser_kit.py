"""Helpers for the browser tests: a small seeded demo city, a live ``innopoints serve`` on a free port, Debian's
Chromium driven by Playwright, demo sign-in and screenshots.

Never downloads a browser: Chromium is Debian's ``/usr/bin/chromium`` (``scripts/ensure-chromium.sh`` installs
it with apt when missing, together with the CJK fonts the screenshots need).
"""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

import httpx
from playwright.sync_api import Page

from innopoints.accounts.demo import DEMO_PASSWORD

REPO = Path(__file__).resolve().parents[2]
CHROMIUM = Path("/usr/bin/chromium")
SCREENSHOTS = Path(os.environ.get("INNOPOINTS_SCREENSHOTS", REPO / "var" / "artifacts" / "screenshots"))
CITY_FIRMS = 400  # active firms in the small seeded city (about 5 of them consent to the demo bank)
START_SECONDS = 90


def ensure_chromium() -> None:
    """Install Debian's chromium and fonts-noto-cjk with apt when missing (idempotent)."""
    if CHROMIUM.exists():
        return
    subprocess.run(["bash", str(REPO / "scripts" / "ensure-chromium.sh")], check=True)
    assert CHROMIUM.exists(), "scripts/ensure-chromium.sh did not install /usr/bin/chromium"


def seed_city(db_path: Path) -> str:
    """A migrated SQLite database with a small synthetic city and the demo accounts; returns its URL."""
    from innopoints.accounts.demo import ensure_demo_accounts
    from innopoints.adapters.db.engine import make_engine, session_factory
    from innopoints.adapters.db.migrate import upgrade
    from innopoints.synth.city import SynthConfig, generate_city
    from innopoints.synth.db_writer import load_city

    url = f"sqlite:///{db_path.as_posix()}"
    engine = make_engine(url)
    try:
        upgrade(engine)
        load_city(engine, generate_city(SynthConfig(enterprises=CITY_FIRMS)), lambda *_: None)
        with session_factory(engine).begin() as session:
            ensure_demo_accounts(session)
    finally:
        engine.dispose()
    return url


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port: int = sock.getsockname()[1]
        return port


@contextmanager
def live_server(database_url: str, data_dir: Path) -> Iterator[str]:
    """``innopoints serve`` (as ``make run`` starts it) on a free port; yields the base URL."""
    port = free_port()
    env = {
        **os.environ,
        "INNOPOINTS_DATABASE_URL": database_url,
        "INNOPOINTS_DATA_DIR": str(data_dir),
        "INNOPOINTS_ENVIRONMENT": "development",
        "INNOPOINTS_DEMO_MODE": "true",
    }
    log = (data_dir / "server.log").open("wb")
    cmd = [sys.executable, "-m", "innopoints", "serve", "--host", "127.0.0.1", "--port", str(port)]
    server = subprocess.Popen(cmd, env=env, stdout=log, stderr=subprocess.STDOUT, cwd=REPO)
    base = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + START_SECONDS
        while True:
            if server.poll() is not None:
                raise RuntimeError(
                    f"innopoints serve exited: {(data_dir / 'server.log').read_text()[-2000:]}"
                )
            try:
                if httpx.get(f"{base}/healthz", timeout=2).status_code == 200:
                    break
            except httpx.TransportError:
                pass
            if time.monotonic() > deadline:
                raise RuntimeError("innopoints serve did not answer /healthz in time")
            time.sleep(0.3)
        yield base
    finally:
        server.terminate()
        try:
            server.wait(timeout=20)
        except subprocess.TimeoutExpired:
            server.kill()
            server.wait(timeout=10)
        log.close()


def log_in(page: Page, base: str, username: str, password: str = DEMO_PASSWORD) -> None:
    """Sign in through the real login form, as a person would."""
    page.goto(f"{base}/login")
    page.get_by_label("用户名").fill(username)
    page.get_by_label("密码").fill(password)
    page.get_by_role("button", name="登录").click()
    page.wait_for_load_state()
    assert "/login" not in page.url, f"login as {username} failed: {page.url}"


def screenshot(page: Page, name: str) -> Path:
    """Save a full-page PNG under the artifacts folder (var/artifacts/screenshots by default)."""
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    path = SCREENSHOTS / f"{name}.png"
    page.screenshot(path=str(path), full_page=True)
    return path


@dataclass(frozen=True)
class CityFacts:
    """What the journeys need to know about the seeded city (read straight from the database)."""

    firm_uscc: str  # the demo enterprise user's own firm (浑南区)
    firm_name: str
    hunnan_other_uscc: str  # another firm in the demo officer's district
    outside_uscc: str  # a firm outside 浑南区 that has not consented to the demo bank
    consenting_usccs: tuple[str, ...]  # firms with a live consent to the demo bank
    hunnan_firms: int
    bank_name: str  # the demo bank officer's bank


def city_facts(database_url: str) -> CityFacts:
    import sqlalchemy as sa

    from innopoints.accounts.demo import DEMO_DISTRICT
    from innopoints.adapters.db.accounts_tables import BankConsent, UserAccount
    from innopoints.adapters.db.engine import make_engine
    from innopoints.adapters.db.tables import Bank, Enterprise

    engine = make_engine(database_url)
    try:
        with engine.connect() as conn:
            user = sa.select(UserAccount.enterprise_id, UserAccount.bank_id)
            firm_id = conn.execute(user.where(UserAccount.username == "firm")).one().enterprise_id
            bank_id = conn.execute(user.where(UserAccount.username == "bank")).one().bank_id
            firm_uscc, firm_name = conn.execute(
                sa.select(Enterprise.uscc, Enterprise.name).where(Enterprise.id == firm_id)
            ).one()
            consenting = sa.select(BankConsent.enterprise_id).where(
                BankConsent.bank_id == bank_id, BankConsent.revoked_at.is_(None)
            )
            consenting_usccs = tuple(
                conn.scalars(
                    sa.select(Enterprise.uscc).where(Enterprise.id.in_(consenting)).order_by(Enterprise.uscc)
                )
            )
            active = Enterprise.exit_date.is_(None)
            hunnan = Enterprise.district_code == DEMO_DISTRICT
            other = conn.scalars(
                sa.select(Enterprise.uscc)
                .where(hunnan, active, Enterprise.id != firm_id)
                .order_by(Enterprise.id)
                .limit(1)
            ).one()
            outside = conn.scalars(
                sa.select(Enterprise.uscc)
                .where(~hunnan, active, Enterprise.id.not_in(consenting))
                .order_by(Enterprise.id)
                .limit(1)
            ).one()
            bank_name = conn.execute(sa.select(Bank.name).where(Bank.id == bank_id)).scalar_one()
            hunnan_firms = conn.execute(
                sa.select(sa.func.count()).select_from(Enterprise).where(hunnan)
            ).scalar_one()
    finally:
        engine.dispose()
    return CityFacts(firm_uscc, firm_name, other, outside, consenting_usccs, hunnan_firms, bank_name)
