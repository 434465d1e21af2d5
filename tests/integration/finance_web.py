"""The finance test world (``finance_world``) for the web tests: consents moved to the real clock (the pages
check consents against the time of each request), signed-in browser clients and bearer-token headers."""

from __future__ import annotations

import io
import itertools
from datetime import timedelta

import sqlalchemy as sa
from fastapi.testclient import TestClient
from finance_world import World, build_world
from openpyxl import load_workbook
from web_auth import client_for, log_in, make_user

from innopoints.accounts.clock import utcnow
from innopoints.accounts.tokens import issue_token
from innopoints.accounts.users import get_user
from innopoints.adapters.db.accounts_tables import BankConsent
from innopoints.adapters.db.tables import Loan
from innopoints.bootstrap import Container

_counter = itertools.count(1)


def web_world(container: Container) -> World:
    """``build_world`` with every consent live until 90 days from now (real time)."""
    world = build_world(container)
    with container.sessions.begin() as s:
        s.execute(sa.update(BankConsent).values(expires_at=utcnow() + timedelta(days=90)))
    return world


def _name(role: str) -> str:
    return f"web_{role}_{next(_counter)}"  # finance_world already has users named bank1, bank2 …


def browser(container: Container, role: str, **scope: str | int | None) -> TestClient:
    """A started, signed-in client (close it, or use it in ``with``) carrying the session's CSRF header."""
    client = client_for(container)
    client.__enter__()
    log_in(client, make_user(container, role, _name(role), **scope))
    return client


def bearer(container: Container, role: str, **scope: str | int | None) -> dict[str, str]:
    """Headers of a new user's API token (a bank's own system, an officer's script …)."""
    name = make_user(container, role, _name(role), **scope)
    with container.sessions.begin() as s:
        user = get_user(s, name)
        assert user is not None
        token = issue_token(s, user, "测试令牌")
    return {"Authorization": f"Bearer {token.secret}"}


def xlsx_rows(data: bytes) -> list[tuple[object, ...]]:
    sheet = load_workbook(io.BytesIO(data), read_only=True).worksheets[0]
    return [tuple(row) for row in sheet.iter_rows(values_only=True)]


def loan_state(container: Container, loan_id: int) -> tuple[str, int]:
    with container.sessions() as s:
        loan = s.get(Loan, loan_id)
        assert loan is not None
        return loan.status, loan.version


def loan_count(container: Container) -> int:
    with container.sessions() as s:
        return int(s.scalar(sa.select(sa.func.count()).select_from(Loan)) or 0)
