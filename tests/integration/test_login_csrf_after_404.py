"""A browser fetches /favicon.ico (404) between showing the login form and submitting it: the error page
must not replace the login form's double-submit CSRF cookie, or every first login fails with 403."""

from __future__ import annotations

from web_auth import PASSWORD, client_for, csrf_from, make_user

from innopoints.bootstrap import Container
from innopoints.web.auth import LOGIN_CSRF_COOKIE


def test_login_succeeds_after_a_signed_out_404(container: Container) -> None:
    name = make_user(container, "officer", district_code="210112")
    with client_for(container) as client:
        token = csrf_from(client.get("/login").text)
        cookie = client.cookies.get(LOGIN_CSRF_COOKIE)
        missing = client.get("/favicon.ico")
        assert missing.status_code == 404
        assert LOGIN_CSRF_COOKIE not in missing.headers.get("set-cookie", "")
        assert client.cookies.get(LOGIN_CSRF_COOKIE) == cookie
        done = client.post(
            "/login",
            data={"username": name, "password": PASSWORD, "csrf_token": token},
            follow_redirects=False,
        )
        assert done.status_code == 303, done.text[:300]
