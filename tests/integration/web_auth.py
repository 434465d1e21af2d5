"""Signing in from tests: users of each role and TestClients holding a real session cookie.

``signed_in(container, "officer", district_code="210112")`` creates the user (argon2-hashed password), logs in
through the real ``/login`` form (double-submit CSRF cookie included) and returns a client whose default
headers carry the session's CSRF token, so POSTs in other tests pass the CSRF check like a browser form would.
"""

from __future__ import annotations

import itertools
import re

from fastapi.testclient import TestClient

from innopoints.accounts.users import create_user
from innopoints.bootstrap import Container
from innopoints.web.app import create_app

PASSWORD = "TestPassw0rd2026"
_CSRF = re.compile(r'name="csrf_token" value="([^"]+)"')
_counter = itertools.count(1)


def make_user(container: Container, role: str, username: str | None = None, **scope: str | int | None) -> str:
    name = username or f"{role}{next(_counter)}"
    with container.sessions.begin() as session:
        create_user(session, username=name, password=PASSWORD, role=role, display_name=f"测试{name}", **scope)
    return name


def csrf_from(html: str) -> str:
    found = _CSRF.search(html)
    assert found, "page has no CSRF field"
    return found.group(1)


def log_in(client: TestClient, username: str, password: str = PASSWORD) -> None:
    form = client.get("/login")
    token = csrf_from(form.text)
    response = client.post(
        "/login",
        data={"username": username, "password": password, "csrf_token": token},
        follow_redirects=False,
    )
    assert response.status_code == 303, response.text[:500]
    account = client.get("/account")
    assert account.status_code == 200
    client.headers["X-CSRF-Token"] = csrf_from(account.text)


def client_for(container: Container) -> TestClient:
    return TestClient(create_app(container.settings, container=container))


def signed_in(container: Container, role: str = "admin", **scope: str | int | None) -> TestClient:
    """A TestClient logged in as a new user of ``role`` (use it in ``with`` to run the app's lifespan)."""
    client = client_for(container)
    log_in(client, make_user(container, role, **scope))
    return client
