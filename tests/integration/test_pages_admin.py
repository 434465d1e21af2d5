"""管理: users created with a role and a scope checked against the region and the registry (Chinese errors for
wrong scopes), disable/enable and password reset taking effect at once, the audit-log browser with filters,
exports, and the demo-data reset (demo mode only)."""

from __future__ import annotations

import io
import re
from collections.abc import Iterator

import pytest
import sqlalchemy as sa
from fastapi.testclient import TestClient
from openpyxl import load_workbook
from web_auth import PASSWORD, client_for, log_in, make_user, signed_in
from web_seed import MATERIALS, ROBOT, Seeded, seed

from innopoints.accounts.admin import temporary_password
from innopoints.accounts.demo import DEMO_PASSWORD, ensure_demo_accounts
from innopoints.accounts.passwords import policy_problems
from innopoints.adapters.db.accounts_tables import DataCorrection, UserAccount
from innopoints.adapters.db.tables import Bank
from innopoints.bootstrap import Container
from innopoints.registry.uscc import build
from innopoints.settings import Settings

_SECRET = re.compile(r'<code class="token">([^<]+)</code>')


@pytest.fixture
def firms(container: Container) -> Seeded:
    return seed(container)


@pytest.fixture
def bank_id(container: Container) -> int:
    with container.sessions.begin() as s:
        bank = Bank(name="盛京测试银行")
        s.add(bank)
        s.flush()
        return bank.id


@pytest.fixture
def admin(container: Container, firms: Seeded) -> Iterator[TestClient]:
    with signed_in(container, "admin") as client:
        yield client


def _user(container: Container, username: str) -> UserAccount | None:
    with container.sessions() as s:
        return s.scalar(sa.select(UserAccount).where(UserAccount.username == username))


def _create(admin: TestClient, **form: str) -> object:
    return admin.post("/admin/users", data={"display_name": "", "password": "", **form})


@pytest.mark.parametrize(
    ("role", "scope", "column", "expected"),
    [
        ("officer", "210112", "district_code", "210112"),
        ("officer", "浑南区", "district_code", "210112"),
        ("officer", "hunnan_science_city", "park_id", "hunnan_science_city"),
        ("officer", "浑南科技城", "park_id", "hunnan_science_city"),
        ("enterprise", ROBOT, "enterprise_id", "robot"),
        ("enterprise", ROBOT.lower(), "enterprise_id", "robot"),
        ("bank", "盛京测试银行", "bank_id", "bank"),
        ("bank", "BANK_ID", "bank_id", "bank"),
        ("admin", "", "district_code", None),
    ],
)
def test_admin_creates_users_with_checked_scopes(
    container: Container,
    admin: TestClient,
    firms: Seeded,
    bank_id: int,
    role: str,
    scope: str,
    column: str,
    expected: str | None,
) -> None:
    scope = scope.replace("BANK_ID", str(bank_id))
    response = _create(admin, username="newuser", role=role, scope=scope)
    assert response.status_code == 200 and "已创建" in response.text
    user = _user(container, "newuser")
    assert user is not None and user.role == role
    want = {"robot": firms.robot, "bank": bank_id}.get(str(expected), expected)
    assert getattr(user, column) == want


@pytest.mark.parametrize(
    ("role", "scope", "phrase"),
    [
        ("officer", "999999", "不是沈阳市的区县或园区"),
        ("officer", "朝阳区", "不是沈阳市的区县或园区"),
        ("officer", "", "必须指定数据范围"),
        ("enterprise", "91210112MA0000001X", "统一社会信用代码“91210112MA0000001X”无效"),
        ("enterprise", build("9", "1", "210112", "MA0999999"), "企业库中没有"),
        ("bank", "9999", "银行“9999”不存在"),
        ("bank", "不存在的银行", "银行“不存在的银行”不存在"),
        ("institution", "东北大学", "高校/院所“东北大学”不存在"),
        ("broker", "42", "技术经纪人“42”不存在"),
        ("pilot_base", "1", "中试基地/概念验证中心“1”不存在"),
        ("admin", "210112", "管理员账户可查看全市数据，不能指定数据范围"),
        ("superuser", "", "角色“superuser”不存在"),
    ],
)
def test_wrong_scopes_are_refused_in_chinese_and_nobody_is_created(
    container: Container, admin: TestClient, bank_id: int, role: str, scope: str, phrase: str
) -> None:
    response = _create(admin, username="wrongscope", role=role, scope=scope)
    assert response.status_code == 400
    assert phrase in response.text
    assert _user(container, "wrongscope") is None
    api = admin.post("/api/admin/users", json={"username": "wrongscope", "role": role, "scope": scope})
    assert api.status_code == 400 and phrase in api.json()["error"]["message"]
    assert _user(container, "wrongscope") is None


def test_other_account_rules_still_apply(container: Container, admin: TestClient) -> None:
    weak = _create(admin, username="weakpw", role="officer", scope="210112", password="short")
    assert weak.status_code == 400 and "密码至少 10 位" in weak.text
    _create(admin, username="dup", role="admin", scope="")
    duplicate = _create(admin, username="dup", role="admin", scope="")
    assert duplicate.status_code == 400 and "已存在" in duplicate.text


def test_generated_passwords_always_meet_the_policy() -> None:
    for username in ("ab", "x1", "Zq"):
        for _ in range(300):
            assert policy_problems(temporary_password(username), username) == []


def test_temporary_password_is_shown_once_and_works(container: Container, admin: TestClient) -> None:
    response = _create(admin, username="hunnan2", display_name="浑南区科技局", role="officer", scope="浑南区")
    password = _SECRET.search(response.text).group(1)
    assert password not in admin.get("/admin").text
    with client_for(container) as fresh:
        log_in(fresh, "hunnan2", password)
        assert fresh.get(f"/api/enterprises/{ROBOT}").status_code == 200
        assert fresh.get(f"/api/enterprises/{MATERIALS}").status_code == 403  # scope: 浑南区 only


def test_disable_enable_and_reset_take_effect_at_once(container: Container, admin: TestClient) -> None:
    name = make_user(container, "officer", district_code="210112")
    user_id = _user(container, name).id
    with client_for(container) as target:
        log_in(target, name)
        disabled = admin.post(f"/admin/users/{user_id}/active", data={"active": "0"})
        assert disabled.status_code == 200 and "已停用" in disabled.text
        assert target.get("/api/enterprises").status_code == 401
        admin.post(f"/admin/users/{user_id}/active", data={"active": "1"})
        target.headers.pop("X-CSRF-Token")  # the ended session's token would override the login form's
        log_in(target, name)
        reset = admin.post(f"/admin/users/{user_id}/password")
        new_password = _SECRET.search(reset.text).group(1)
        assert target.get("/api/enterprises").status_code == 401  # the old session ended
        target.headers.pop("X-CSRF-Token")
        log_in(target, name, new_password)
        assert target.get("/api/enterprises").status_code == 200
    with client_for(container) as old:
        form = old.get("/login")
        token = re.search(r'name="csrf_token" value="([^"]+)"', form.text).group(1)
        refused = old.post("/login", data={"username": name, "password": PASSWORD, "csrf_token": token})
        assert refused.status_code == 401
    me = _user(container, next(u for u in _usernames(container) if u.startswith("admin")))
    own = admin.post(f"/admin/users/{me.id}/active", data={"active": "0"})
    assert own.status_code == 400 and "不能停用自己的账户" in own.text
    own_reset = admin.post(f"/admin/users/{me.id}/password")
    assert own_reset.status_code == 400 and "不能重置自己的密码" in own_reset.text
    assert admin.post(f"/admin/users/{user_id}/active", data={"active": "maybe"}).status_code == 400


def _usernames(container: Container) -> list[str]:
    with container.sessions() as s:
        return list(s.scalars(sa.select(UserAccount.username)))


def test_users_list_shows_role_scope_status_and_last_login(container: Container, admin: TestClient) -> None:
    name = make_user(container, "officer", district_code="210112")
    page = admin.get("/admin").text
    assert name in page and "区县：浑南区（210112）" in page and "从未登录" in page
    with client_for(container) as target:
        log_in(target, name)
    rows = admin.get("/api/admin/users").json()["items"]
    officer = next(r for r in rows if r["username"] == name)
    assert officer["last_login"] is not None and officer["role"] == "officer" and officer["is_active"]
    export = admin.get("/admin/users/export?format=xlsx")
    sheet = [[c.value for c in r] for r in load_workbook(io.BytesIO(export.content)).active.iter_rows()]
    assert sheet[0][:5] == ["编号", "用户名", "显示名称", "角色", "数据范围"]
    assert any(r[1] == name and r[3] == "区县/园区工作人员" for r in sheet[1:])


def test_audit_browser_filters_and_exports(container: Container, admin: TestClient) -> None:
    with signed_in(container, "officer", district_code="210112") as officer:
        officer.get(f"/enterprises/{ROBOT}")
    with signed_in(container, "officer", district_code="210106") as other:
        other.get(f"/enterprises/{MATERIALS}")
    by_firm = admin.get("/api/admin/audit", params={"uscc": ROBOT}).json()
    assert by_firm["total"] == 1 and by_firm["items"][0]["role"] == "officer"
    assert by_firm["items"][0]["enterprise_name"] == "沈阳浑南机器人科技有限公司"
    by_action = admin.get("/api/admin/audit", params={"action": "view_enterprise", "role": "officer"}).json()
    assert by_action["total"] == 2
    page = admin.get("/admin/audit", params={"uscc": MATERIALS})
    assert "沈阳铁西新材料股份有限公司" in page.text and "沈阳浑南机器人科技有限公司" not in page.text
    future = admin.get("/api/admin/audit", params={"date_from": "2999-01-01"}).json()
    assert future["total"] == 0
    bad = admin.get("/admin/audit", params={"date_from": "2025/01/01"})
    assert bad.status_code == 400 and "起始日期应为 YYYY-MM-DD" in bad.text
    reversed_range = admin.get(
        "/api/admin/audit", params={"date_from": "2026-02-01", "date_to": "2026-01-01"}
    )
    assert (
        reversed_range.status_code == 400
        and "起始日期不能晚于结束日期" in reversed_range.json()["error"]["message"]
    )
    export = admin.get("/admin/audit/export", params={"uscc": ROBOT, "format": "csv"}).content.decode(
        "utf-8-sig"
    )
    lines = export.splitlines()
    assert lines[0].startswith("编号,时间（UTC）,访问者") and len(lines) == 2 and ROBOT in lines[1]


def test_admin_area_is_for_admins_only(container: Container, firms: Seeded) -> None:
    with signed_in(container, "officer", district_code="210112") as officer:
        for path in ("/admin", "/admin/audit", "/api/admin/users", "/api/admin/audit", "/admin/users/export"):
            assert officer.get(path).status_code == 403, path
        created = officer.post("/admin/users", data={"username": "x", "role": "admin", "scope": ""})
        assert created.status_code == 403
        assert officer.post("/admin/demo-reset").status_code == 403
    assert _user(container, "x") is None


def test_demo_reset_restores_demo_accounts(container: Container, firms: Seeded) -> None:
    with container.sessions.begin() as s:
        ensure_demo_accounts(s)
    with client_for(container) as admin:
        log_in(admin, "admin", DEMO_PASSWORD)
        with client_for(container) as firm:
            log_in(firm, "firm", DEMO_PASSWORD)
            firm.post(
                "/me/corrections",
                data={"field": "employees", "year": "2024", "value": "130", "reason": "演示"},
            )
        firm_id = _user(container, "firm").id
        admin.post(f"/admin/users/{firm_id}/active", data={"active": "0"})
        reset = admin.post("/admin/demo-reset")
        assert reset.status_code == 200 and "演示数据已重置" in reset.text
    assert _user(container, "firm").is_active
    with container.sessions() as s:
        assert s.scalar(sa.select(sa.func.count()).select_from(DataCorrection)) == 0
    with client_for(container) as again:
        log_in(again, "firm", DEMO_PASSWORD)


def test_demo_reset_only_in_demo_mode(container: Container, firms: Seeded, tmp_path: object) -> None:
    settings = Settings(**{**container.settings.model_dump(), "demo_mode": False})
    production_like = type(container)(settings, container.engine, container.sessions, container.region)
    name = make_user(container, "admin")
    with client_for(production_like) as admin:
        log_in(admin, name)
        assert "演示数据重置" not in admin.get("/admin").text
        refused = admin.post("/admin/demo-reset")
        assert refused.status_code == 400 and "仅在演示模式下" in refused.text
