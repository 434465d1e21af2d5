"""Sign-in, sessions, CSRF, rate limiting, password change, API tokens and disabled accounts."""

from __future__ import annotations

from datetime import timedelta

import pytest
import sqlalchemy as sa
from fastapi.testclient import TestClient
from web_auth import PASSWORD, client_for, csrf_from, log_in, make_user, signed_in

from innopoints.accounts.clock import utcnow
from innopoints.accounts.sessions import SESSION_LIFETIME, end_session, open_session
from innopoints.accounts.sessions import signed_in as session_principal
from innopoints.accounts.users import principal_of, set_active
from innopoints.adapters.db.accounts_tables import UserAccount
from innopoints.bootstrap import Container


@pytest.fixture
def client(container: Container) -> TestClient:
    with client_for(container) as c:
        yield c


def test_pages_and_api_require_sign_in(client: TestClient) -> None:
    page = client.get("/enterprises", follow_redirects=False)
    assert page.status_code == 303 and page.headers["location"].startswith("/login?next=%2Fenterprises")
    api = client.get("/api/enterprises")
    assert api.status_code == 401
    assert api.json()["error"]["code"] == "not_authenticated"


def test_password_is_stored_as_argon2_hash(container: Container) -> None:
    name = make_user(container, "admin")
    with container.sessions() as s:
        user = s.query(UserAccount).filter_by(username=name).one()
    assert user.password_hash.startswith("$argon2id$") and PASSWORD not in user.password_hash


def test_login_then_logout_ends_the_session(container: Container, client: TestClient) -> None:
    log_in(client, make_user(container, "admin"))
    assert client.get("/api/enterprises").status_code == 200
    cookie = client.cookies.get("innopoints_session")
    assert client.post("/logout", follow_redirects=False).status_code == 303
    client.cookies.set("innopoints_session", cookie)  # a stolen copy of the old cookie no longer works
    assert client.get("/api/enterprises").status_code == 401


def test_wrong_password_is_refused_with_a_chinese_message(container: Container, client: TestClient) -> None:
    name = make_user(container, "admin")
    token = csrf_from(client.get("/login").text)
    response = client.post("/login", data={"username": name, "password": "wrong-pass-1", "csrf_token": token})
    assert response.status_code == 401
    assert "用户名或密码错误" in response.text
    assert "innopoints_session" not in response.cookies


def test_login_without_csrf_token_is_rejected(container: Container, client: TestClient) -> None:
    name = make_user(container, "admin")
    client.get("/login")
    response = client.post("/login", data={"username": name, "password": PASSWORD})
    assert response.status_code == 403
    assert "CSRF" in response.text


def test_post_without_csrf_token_is_rejected_and_changes_nothing(container: Container) -> None:
    with signed_in(container, "admin") as client:
        token = client.headers.pop("X-CSRF-Token")
        response = client.post("/account/tokens", data={"name": "无令牌", "days": "30"})
        assert response.status_code == 403
        forged = client.post("/account/tokens", data={"name": "伪造", "days": "30", "csrf_token": "x" * 43})
        assert forged.status_code == 403
        ok = client.post("/account/tokens", data={"name": "正常", "days": "30", "csrf_token": token})
        assert ok.status_code == 200
    with container.sessions() as s:
        from innopoints.adapters.db.accounts_tables import ApiToken

        assert [t.name for t in s.query(ApiToken).all()] == ["正常"]


def test_repeated_failures_are_rate_limited(container: Container, client: TestClient) -> None:
    name = make_user(container, "admin")
    token = csrf_from(client.get("/login").text)
    for _ in range(5):
        bad = client.post("/login", data={"username": name, "password": "nope-nope-1", "csrf_token": token})
        assert bad.status_code == 401
    blocked = client.post("/login", data={"username": name, "password": PASSWORD, "csrf_token": token})
    assert blocked.status_code == 429
    assert "登录失败次数过多" in blocked.text
    assert int(blocked.headers["Retry-After"]) > 0


def test_password_change_checks_current_and_policy(container: Container) -> None:
    with signed_in(container, "admin") as client:
        weak = client.post(
            "/account/password", data={"current": PASSWORD, "new": "short1", "confirm": "short1"}
        )
        assert weak.status_code == 400 and "至少 10 位" in weak.text
        wrong = client.post(
            "/account/password",
            data={"current": "bad-current-1", "new": "NewPassw0rd99", "confirm": "NewPassw0rd99"},
        )
        assert wrong.status_code == 400 and "当前密码不正确" in wrong.text
        ok = client.post(
            "/account/password",
            data={"current": PASSWORD, "new": "NewPassw0rd99", "confirm": "NewPassw0rd99"},
        )
        assert ok.status_code == 200 and "密码已修改" in ok.text


def test_api_token_works_without_cookie_and_stops_after_revocation(container: Container) -> None:
    with signed_in(container, "admin") as client:
        page = client.post("/account/tokens", data={"name": "信贷系统", "days": "30"})
        secret = page.text.split('<code class="token">')[1].split("</code>")[0]
        with client_for(container) as machine:
            headers = {"Authorization": f"Bearer {secret}"}
            assert machine.get("/api/enterprises", headers=headers).status_code == 200
            token_id = client.get("/account").text.split("/account/tokens/")[1].split("/revoke")[0]
            assert client.post(f"/account/tokens/{token_id}/revoke").status_code == 200
            assert machine.get("/api/enterprises", headers=headers).status_code == 401


def test_disabling_an_account_ends_its_sessions_at_once(container: Container) -> None:
    with signed_in(container, "admin") as client:
        assert client.get("/api/enterprises").status_code == 200
        with container.sessions.begin() as s:
            user_id = s.query(UserAccount.id).order_by(UserAccount.id.desc()).first()[0]
            set_active(s, user_id, False)
        assert client.get("/api/enterprises").status_code == 401


def test_login_redirect_never_leaves_the_site(container: Container, client: TestClient) -> None:
    name = make_user(container, "admin")
    token = csrf_from(client.get("/login").text)
    response = client.post(
        "/login",
        data={"username": name, "password": PASSWORD, "csrf_token": token, "next": "//evil.example/x"},
        follow_redirects=False,
    )
    assert response.status_code == 303 and response.headers["location"] == "/"


@pytest.mark.parametrize(
    ("role", "scope"),
    [
        ("admin", {}),
        ("officer", {"district_code": "210112"}),
        ("officer", {"park_id": "hunnan_science_city"}),
    ],
)
def test_session_lookup_gives_the_user_s_principal_until_it_ends(
    container: Container, role: str, scope: dict[str, str]
) -> None:
    name = make_user(container, role, **scope)
    with container.sessions.begin() as s:
        user = s.scalars(sa.select(UserAccount).where(UserAccount.username == name)).one()
        expected = principal_of(user)
        opened = open_session(s, user)
    with container.engine.connect() as conn:
        found = session_principal(conn, opened.cookie_value)
        assert found == (expected, opened.csrf_token)
        assert session_principal(conn, "not-a-session-cookie") is None
        assert (
            session_principal(
                conn, opened.cookie_value, now=utcnow() + SESSION_LIFETIME + timedelta(seconds=1)
            )
            is None
        )
    with container.sessions.begin() as s:
        end_session(s, opened.cookie_value)
    with container.engine.connect() as conn:
        assert session_principal(conn, opened.cookie_value) is None
