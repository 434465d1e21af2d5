"""Every route of the application × every role: allowed, forbidden (403) or sent to sign in (401 / redirect).

``MATRIX`` classifies each route; ``test_every_route_is_classified`` fails when the application has a route
that is not listed (a new route must be classified here) or the matrix lists one that no longer exists.

One app on a small seeded city (``web_seed``, scored as round 1) with one signed-in client per role, created
once for the module:
- 区县 officer of 浑南区 (210112: ROBOT), 园区 officer of 经济技术开发区 (economic_dev_zone: MATERIALS),
- the enterprise user of ROBOT, a bank officer whose bank holds a live consent from MATERIALS,
- institution, broker and pilot-base users (no enterprise data), an administrator, and an anonymous client.
Routes with ``{uscc}`` are probed twice: each role reads a firm inside its own scope (allowed when the role
may use the route), then SCRIPT, a firm outside every scope but the administrator's (403 for everyone else).

"Allowed" means the access checks passed: any answer but 401, 403 or a redirect to /login (404 / 409 / 422
from a sample id or a deliberately invalid form count, 5xx never does). Changing routes are probed with
requests that change nothing: an id that does not exist, or for the allowed roles a form that fails
validation, while the forbidden roles send a well-formed request, so a check that runs after validation
would show up as 422 instead of 403.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta
from typing import Any

import pytest
from fastapi.testclient import TestClient
from module_db import module_container
from starlette.routing import BaseRoute, Mount
from web_auth import client_for, log_in, make_user
from web_seed import MATERIALS, ROBOT, SCRIPT, seed

from innopoints.accounts import consent
from innopoints.accounts.access import CAPABILITIES
from innopoints.accounts.roles import Role
from innopoints.adapters.db.tables import Bank, Broker, Institution, PilotBase
from innopoints.bootstrap import Container
from innopoints.policy.library import load_library
from innopoints.scoring import service as scoring
from innopoints.scoring.rulebook import load_points

pytestmark = pytest.mark.db

ROLES = (
    "admin",
    "officer_district",
    "officer_park",
    "enterprise",
    "bank",
    "institution",
    "broker",
    "pilot_base",
)
ANONYMOUS = "anonymous"
EVERYONE = frozenset(ROLES)
ADMIN = frozenset({"admin"})
OFFICERS = frozenset({"admin", "officer_district", "officer_park"})
FIRM = frozenset({"enterprise"})
FIRM_READERS = OFFICERS | {"enterprise", "bank"}  # one firm's data, within the reader's scope
OWN_FIRM = {"officer_park": MATERIALS, "bank": MATERIALS}  # every other role reads ROBOT
PARK = "economic_dev_zone"
POLICY = load_library()[0].meta.id
PARAMS = {
    "round_id": "1",
    "policy_id": POLICY,
    "token_id": "999999",
    "batch_id": "999999",
    "token": "no-such-upload",
    "fmt": "csv",
    "consent_id": "999999",
    "correction_id": "999999",
    "user_id": "999999",
    "job_id": "nosuchjob0000",
    "section": "policies",
    "indicator": "operating_revenue",
    "year": "2024",
    "name": "echarts.min.js",
    **{
        name: "999999"  # ids of transfer and finance records that do not exist
        for name in (
            "demand_id",
            "order_id",
            "achievement_id",
            "contract_id",
            "assignment_id",
            "challenge_id",
            "application_id",
            "loan_id",
            "claim_id",
        )
    },
}


@dataclass(frozen=True)
class Probe:
    """How one route is probed and who may use it (``allowed=None``: public, anonymous included)."""

    allowed: frozenset[str] | None
    path: str | None = None  # a concrete path to request instead of the template (mounts)
    query: dict[str, str] = field(default_factory=dict)
    form: dict[str, Any] | None = None
    json: Any = None
    allowed_form: dict[str, Any] | None = None  # what the allowed roles send instead (changes nothing)
    allowed_json: Any = None
    status: int | None = None  # the exact status the allowed roles must get (default: any "allowed" one)
    fresh_session: bool = False  # the request ends the session: probe with a throwaway sign-in
    special: str = ""  # not probed generically; the reason (and where it is tested)
    capability: str | None = None  # the capability the route declares with requires() (checked)


def P(allowed: frozenset[str] | None, **kw: Any) -> Probe:
    return Probe(allowed, **kw)


ROLE_KEYS: dict[Role, tuple[str, ...]] = {
    Role.ADMIN: ("admin",),
    Role.OFFICER: ("officer_district", "officer_park"),
    Role.ENTERPRISE: ("enterprise",),
    Role.BANK: ("bank",),
    Role.INSTITUTION: ("institution",),
    Role.BROKER: ("broker",),
    Role.PILOT_BASE: ("pilot_base",),
}


def C(capability: str, **kw: Any) -> Probe:
    """A route guarded by ``requires(capability)``: the roles of that capability in ``CAPABILITIES`` may use
    it (the test also checks the route still declares this capability). Changing requests are sent empty:
    the capability check runs before validation, so the allowed roles get a 4xx and nothing changes."""
    roles = frozenset(key for role in CAPABILITIES[capability] for key in ROLE_KEYS[role])
    return Probe(roles, capability=capability, **kw)


VALID_ALLOCATION = {
    "indicator": "tech_brokers_cumulative",
    "district": "210112",
    "value": 10,
    "changed_by": "测试",
    "reason": "矩阵测试",
}
INVALID_ALLOCATION = {**VALID_ALLOCATION, "value": -1}

MATRIX: dict[tuple[str, str], Probe] = {
    # -- public: documentation, static files, health, the sign-in form
    ("GET", "/openapi.json"): P(None),
    ("GET", "/docs"): P(None),
    ("GET", "/docs/oauth2-redirect"): P(None),
    ("GET", "/redoc"): P(None),
    ("MOUNT", "/static"): P(None, path="/static/site.css"),
    ("GET", "/vendor/{name}"): P(None),
    ("GET", "/healthz"): P(None),
    ("GET", "/login"): P(None),
    ("POST", "/login"): P(
        None, special="sign-in form (double-submit CSRF cookie): tests/integration/test_web_auth.py"
    ),
    # -- any signed-in user: landing redirect, own account, sign-out
    ("GET", "/"): P(EVERYONE),
    ("POST", "/logout"): P(EVERYONE, fresh_session=True, status=303),
    ("GET", "/account"): P(EVERYONE),
    ("POST", "/account/password"): P(
        EVERYONE, form={"current": "wrong-current-1", "new": "NewPassw0rd99", "confirm": "NewPassw0rd99"}
    ),
    ("POST", "/account/tokens"): P(EVERYONE, form={"name": "", "days": "30"}),
    ("POST", "/account/tokens/{token_id}/revoke"): P(EVERYONE),
    # -- 企业库 (directory service: enterprise.list / enterprise.export; one firm by scope)
    ("GET", "/api/enterprises"): P(OFFICERS | {"bank"}),
    ("GET", "/api/enterprises/{uscc}"): P(FIRM_READERS),
    ("GET", "/api/enterprises/{uscc}/revisions"): P(FIRM_READERS),
    ("GET", "/enterprises"): P(OFFICERS | {"bank"}),
    ("GET", "/enterprises/export"): P(OFFICERS | {"bank"}, query={"format": "csv"}),
    ("GET", "/enterprises/{uscc}"): P(FIRM_READERS),
    ("GET", "/enterprises/{uscc}/sections/{section}"): P(OFFICERS | FIRM),  # section=policies: policy.view
    ("GET", "/enterprises/{uscc}/revisions/{indicator}/{year}"): P(FIRM_READERS),
    ("GET", "/enterprises/{uscc}/report.pdf"): P(FIRM_READERS),
    # -- 企业画像 API (profile.view, profile.what_if; round.view)
    ("GET", "/api/enterprises/{uscc}/profile"): P(FIRM_READERS),
    ("GET", "/api/enterprises/{uscc}/gap"): P(FIRM_READERS),
    ("POST", "/api/enterprises/{uscc}/what-if"): P(
        OFFICERS | FIRM, json={"evaluator": "tech-sme", "overrides": {"sci_tech_staff": 12}}
    ),
    ("GET", "/api/rounds"): P(OFFICERS),
    ("GET", "/api/rounds/{round_id}/top"): P(OFFICERS),
    # -- growth potential (potential.view)
    ("GET", "/api/enterprises/{uscc}/potential"): P(OFFICERS),
    ("GET", "/api/potential/model"): P(OFFICERS),
    # -- policies (policy.library: everyone; policy.eligible: officers; one firm: policy.view)
    ("GET", "/api/policies"): P(EVERYONE),
    ("GET", "/api/policies/{policy_id}"): P(EVERYONE),
    ("GET", "/api/policies/{policy_id}/eligible"): P(OFFICERS),
    ("GET", "/api/enterprises/{uscc}/policies"): P(OFFICERS | FIRM),
    # -- targets (targets.view; targets.edit for allocation changes)
    ("GET", "/api/targets"): P(OFFICERS),
    ("GET", "/api/targets/export"): P(OFFICERS, query={"format": "xlsx"}),
    ("GET", "/api/targets/allocation"): P(OFFICERS),
    ("POST", "/api/targets/allocation"): P(ADMIN, json=VALID_ALLOCATION, allowed_json=INVALID_ALLOCATION),
    # -- pool API (pool.view)
    ("GET", "/api/pool"): P(OFFICERS),
    ("GET", "/api/enterprises/{uscc}/pool-history"): P(OFFICERS),
    ("GET", "/api/pool/diff"): P(OFFICERS, query={"from": "1", "to": "2"}),
    ("GET", "/api/pool/alerts"): P(OFFICERS),
    # -- 数据导入 (import.run: ImportService checks on construction)
    ("GET", "/imports"): P(ADMIN),
    ("POST", "/imports/upload"): P(ADMIN, form={}),
    ("GET", "/imports/export"): P(ADMIN),
    ("GET", "/imports/template.{fmt}"): P(ADMIN),
    ("GET", "/imports/batches/{batch_id}/errors.{fmt}"): P(ADMIN),
    ("GET", "/imports/{token}"): P(ADMIN),
    ("POST", "/imports/{token}/confirm"): P(ADMIN, form={"source": "tax", "mode": "quarantine"}),
    ("GET", "/imports/{token}/errors.{fmt}"): P(ADMIN),
    ("GET", "/api/imports"): P(ADMIN),
    ("POST", "/api/imports"): P(ADMIN, form={}),
    ("GET", "/api/imports/{token}"): P(ADMIN),
    ("POST", "/api/imports/{token}/confirm"): P(ADMIN, json={"source": "tax", "mode": "quarantine"}),
    ("GET", "/api/imports/{token}/errors"): P(ADMIN),
    # -- 企业端 (self.view, corrections.submit, consent.manage: the enterprise user only)
    ("GET", "/me"): P(FIRM),
    ("GET", "/me/corrections"): P(FIRM),
    ("POST", "/me/corrections"): P(FIRM, form={"field": "", "year": "2024", "value": "", "reason": ""}),
    ("GET", "/me/corrections/export"): P(FIRM),
    ("GET", "/me/consents"): P(FIRM),
    ("POST", "/me/consents"): P(
        FIRM, form={"bank_id": "999999", "scope": ["points"], "purpose": "", "expires_on": "2099-01-01"}
    ),
    ("POST", "/me/consents/{consent_id}/revoke"): P(FIRM),
    ("GET", "/me/consents/export"): P(FIRM),
    ("GET", "/me/audit"): P(FIRM),
    ("GET", "/me/audit/export"): P(FIRM),
    ("GET", "/api/me"): P(FIRM),
    ("GET", "/api/me/corrections"): P(FIRM),
    ("POST", "/api/me/corrections"): P(
        FIRM, json={"field": "no_such_field", "year": 2024, "value": "1", "reason": "矩阵测试"}
    ),
    ("GET", "/api/me/consents"): P(FIRM),
    ("POST", "/api/me/consents"): P(
        FIRM, json={"bank_id": 999999, "scope": ["points"], "purpose": "矩阵测试", "expires_on": "2099-01-01"}
    ),
    ("POST", "/api/me/consents/{consent_id}/revoke"): P(FIRM),
    ("GET", "/api/me/audit"): P(FIRM),
    # -- 更正审核 (corrections.review)
    ("GET", "/corrections"): P(OFFICERS),
    ("GET", "/corrections/export"): P(OFFICERS),
    ("POST", "/corrections/{correction_id}/review"): P(OFFICERS, form={"decision": "approve", "note": ""}),
    ("GET", "/api/corrections"): P(OFFICERS),
    ("POST", "/api/corrections/{correction_id}/review"): P(OFFICERS, json={"approve": True, "note": ""}),
    # -- 管理 (users.manage, demo.reset, audit.view_all)
    ("GET", "/admin"): P(ADMIN),
    ("POST", "/admin/users"): P(ADMIN, form={"username": "", "role": "admin", "scope": "", "password": ""}),
    ("POST", "/admin/users/{user_id}/active"): P(ADMIN, form={"active": "1"}),
    ("POST", "/admin/users/{user_id}/password"): P(ADMIN),
    ("GET", "/admin/users/export"): P(ADMIN),
    ("POST", "/admin/demo-reset"): P(ADMIN),  # no demo accounts in this database: nothing to reset
    ("GET", "/admin/audit"): P(ADMIN),
    ("GET", "/admin/audit/export"): P(ADMIN),
    ("GET", "/api/admin/users"): P(ADMIN),
    ("POST", "/api/admin/users"): P(
        ADMIN, json={"username": "", "display_name": "", "role": "admin", "scope": "", "password": ""}
    ),
    ("POST", "/api/admin/users/{user_id}/active"): P(ADMIN, json={"active": True}),
    ("POST", "/api/admin/users/{user_id}/password"): P(ADMIN),
    ("GET", "/api/admin/audit"): P(ADMIN),
    # -- 首页 and reports (dashboard.view)
    ("GET", "/dashboard"): P(OFFICERS),
    ("GET", "/dashboard/export"): P(OFFICERS, query={"part": "targets"}),
    ("GET", "/dashboard/report.pdf"): P(OFFICERS),
    ("GET", "/api/dashboard"): P(OFFICERS),
    # -- 积分评价 (round.view; round.run: admin; rulebook.view: everyone)
    ("GET", "/rounds"): P(OFFICERS),
    ("GET", "/rounds/export"): P(OFFICERS),
    ("POST", "/rounds/run"): P(ADMIN, form={"year": "2025"}, allowed_form={"year": "not-a-year"}),
    ("GET", "/rounds/jobs/{job_id}"): P(OFFICERS),
    ("GET", "/rounds/compare"): P(OFFICERS),
    ("GET", "/rounds/compare/export"): P(OFFICERS, query={"from": "1", "to": "2"}),
    ("GET", "/rounds/rulebook"): P(EVERYONE),
    ("GET", "/rounds/rulebook/export"): P(EVERYONE),
    ("GET", "/rounds/{round_id}"): P(OFFICERS),
    ("GET", "/rounds/{round_id}/top"): P(OFFICERS),
    ("GET", "/rounds/{round_id}/top/export"): P(OFFICERS),
    ("GET", "/api/rounds/compare"): P(OFFICERS, query={"from": "1", "to": "2"}),
    ("GET", "/api/rounds/{round_id}/summary"): P(OFFICERS),
    ("POST", "/api/rounds/run"): P(ADMIN, json={"year": 2025, "screen": False}, allowed_json={"year": 1999}),
    ("GET", "/api/rounds/jobs/{job_id}"): P(OFFICERS),
    ("GET", "/api/rulebook/points"): P(EVERYONE),
    # -- 培育库 pages (pool.view; pool.edit for assignments and follow-ups, within scope)
    ("GET", "/pool"): P(OFFICERS),
    ("GET", "/pool/export"): P(OFFICERS),
    ("GET", "/pool/diff"): P(OFFICERS),
    ("GET", "/pool/diff/export"): P(OFFICERS, query={"from": "1", "to": "2"}),
    ("GET", "/pool/firms/{uscc}"): P(OFFICERS),
    ("POST", "/pool/firms/{uscc}/assign"): P(OFFICERS, form={"role": "", "person_id": ""}),
    ("POST", "/pool/firms/{uscc}/end"): P(OFFICERS, form={"role": ""}),
    ("POST", "/pool/firms/{uscc}/follow-up"): P(OFFICERS, form={"kind": "", "summary": ""}),
    # -- 成果转化 (issue 7; every route declares its capability with requires(); scope checked by transfer.access)
    ("GET", "/api/transfer/achievements"): C("transfer.view"),
    ("POST", "/api/transfer/achievements"): C("transfer.institution.act"),
    ("GET", "/api/transfer/achievements/{achievement_id}"): C("transfer.view"),
    ("POST", "/api/transfer/achievements/{achievement_id}/actions"): C("transfer.institution.act"),
    ("GET", "/api/transfer/achievements/{achievement_id}/candidates"): C("transfer.interest.view"),
    ("POST", "/api/transfer/achievements/{achievement_id}/interest"): C("transfer.firm.act"),
    ("GET", "/api/transfer/achievements/{achievement_id}/interested"): C("transfer.interest.view"),
    ("POST", "/api/transfer/applications/{application_id}/choose"): C("transfer.challenge.choose"),
    ("POST", "/api/transfer/assignments/{assignment_id}/advance"): C("transfer.pipeline.work"),
    ("POST", "/api/transfer/assignments/{assignment_id}/rating"): C("transfer.firm.act"),
    ("GET", "/api/transfer/base"): C("transfer.base.work"),
    ("POST", "/api/transfer/base/outputs"): C("transfer.base.work"),
    ("GET", "/api/transfer/challenges"): C("transfer.view"),
    ("POST", "/api/transfer/challenges"): C("transfer.firm.act"),
    ("POST", "/api/transfer/challenges/screen"): C("transfer.challenge.manage"),
    ("GET", "/api/transfer/challenges/{challenge_id}"): C("transfer.view"),
    ("POST", "/api/transfer/challenges/{challenge_id}/actions"): C("transfer.challenge.manage"),
    ("POST", "/api/transfer/challenges/{challenge_id}/applications"): C("transfer.challenge.apply"),
    ("POST", "/api/transfer/challenges/{challenge_id}/scores"): C("transfer.challenge.manage"),
    ("POST", "/api/transfer/challenges/{challenge_id}/withdraw"): C("transfer.firm.act"),
    ("GET", "/api/transfer/contracts"): C("transfer.contract.view"),
    ("POST", "/api/transfer/contracts"): C("transfer.contract.register"),
    ("GET", "/api/transfer/contracts/{contract_id}"): C("transfer.contract.view"),
    ("POST", "/api/transfer/contracts/{contract_id}/decision"): C("transfer.contract.decide"),
    ("GET", "/api/transfer/contracts/{contract_id}/shares"): C("transfer.revenue.view"),
    ("POST", "/api/transfer/contracts/{contract_id}/shares"): C("transfer.revenue.view"),
    ("GET", "/api/transfer/demands"): C("transfer.demand.view"),
    ("POST", "/api/transfer/demands"): C("transfer.firm.act"),
    ("GET", "/api/transfer/demands/{demand_id}"): C("transfer.demand.view"),
    ("POST", "/api/transfer/demands/{demand_id}/actions"): C("transfer.firm.act"),
    ("GET", "/api/transfer/demands/{demand_id}/matches"): C("transfer.demand.view"),
    ("POST", "/api/transfer/demands/{demand_id}/route"): C("transfer.demand.route"),
    ("GET", "/api/transfer/menu"): C("transfer.view"),
    ("GET", "/api/transfer/orders"): C("transfer.order.view"),
    ("POST", "/api/transfer/orders"): C("transfer.firm.act"),
    ("GET", "/api/transfer/orders/{order_id}"): C("transfer.order.view"),
    ("POST", "/api/transfer/orders/{order_id}/actions"): C("transfer.order.act"),
    ("GET", "/api/transfer/pipeline"): C("transfer.pipeline.work"),
    ("GET", "/api/transfer/stats/brokers"): C("transfer.stats.view"),
    ("GET", "/api/transfer/stats/contracts"): C("transfer.stats.view"),
    ("GET", "/api/transfer/stats/pilots"): C("transfer.stats.view"),
    ("GET", "/api/transfer/stats/turnover"): C("transfer.stats.view"),
    ("GET", "/transfer"): C("transfer.view"),
    ("GET", "/transfer/achievements"): C("transfer.view"),
    ("POST", "/transfer/achievements"): C("transfer.institution.act"),
    ("GET", "/transfer/achievements/export"): C("transfer.view"),
    ("GET", "/transfer/achievements/{achievement_id}"): C("transfer.view"),
    ("GET", "/transfer/achievements/{achievement_id}/candidates/export"): C("transfer.interest.view"),
    ("POST", "/transfer/achievements/{achievement_id}/action"): C("transfer.institution.act"),
    ("POST", "/transfer/achievements/{achievement_id}/interest"): C("transfer.firm.act"),
    ("GET", "/transfer/achievements/{achievement_id}/interested/export"): C("transfer.interest.view"),
    ("POST", "/transfer/applications/{application_id}/choose"): C("transfer.challenge.choose"),
    ("POST", "/transfer/assignments/{assignment_id}/advance"): C("transfer.pipeline.work"),
    ("POST", "/transfer/assignments/{assignment_id}/rating"): C("transfer.firm.act"),
    ("GET", "/transfer/base"): C("transfer.base.work"),
    ("POST", "/transfer/base/outputs"): C("transfer.base.work"),
    ("GET", "/transfer/challenges"): C("transfer.view"),
    ("POST", "/transfer/challenges"): C("transfer.firm.act"),
    ("GET", "/transfer/challenges/export"): C("transfer.view"),
    ("POST", "/transfer/challenges/screen"): C("transfer.challenge.manage"),
    ("GET", "/transfer/challenges/{challenge_id}"): C("transfer.view"),
    ("POST", "/transfer/challenges/{challenge_id}/action"): C("transfer.challenge.manage"),
    ("POST", "/transfer/challenges/{challenge_id}/applications"): C("transfer.challenge.apply"),
    ("POST", "/transfer/challenges/{challenge_id}/scores"): C("transfer.challenge.manage"),
    ("POST", "/transfer/challenges/{challenge_id}/withdraw"): C("transfer.firm.act"),
    ("GET", "/transfer/contracts"): C("transfer.contract.view"),
    ("POST", "/transfer/contracts"): C("transfer.contract.register"),
    ("GET", "/transfer/contracts/export"): C("transfer.contract.view"),
    ("GET", "/transfer/contracts/{contract_id}"): C("transfer.contract.view"),
    ("POST", "/transfer/contracts/{contract_id}/decision"): C("transfer.contract.decide"),
    ("POST", "/transfer/contracts/{contract_id}/shares"): C("transfer.revenue.view"),
    ("GET", "/transfer/contracts/{contract_id}/shares/export"): C("transfer.revenue.view"),
    ("GET", "/transfer/demands"): C("transfer.demand.view"),
    ("POST", "/transfer/demands"): C("transfer.firm.act"),
    ("GET", "/transfer/demands/export"): C("transfer.demand.view"),
    ("GET", "/transfer/demands/{demand_id}"): C("transfer.demand.view"),
    ("GET", "/transfer/demands/{demand_id}/matches/export"): C("transfer.demand.view"),
    ("POST", "/transfer/demands/{demand_id}/action"): C("transfer.firm.act"),
    ("POST", "/transfer/demands/{demand_id}/route"): C("transfer.demand.route"),
    ("GET", "/transfer/menu"): C("transfer.view"),
    ("GET", "/transfer/menu/export"): C("transfer.view"),
    ("GET", "/transfer/orders"): C("transfer.order.view"),
    ("POST", "/transfer/orders"): C("transfer.firm.act"),
    ("GET", "/transfer/orders/export"): C("transfer.order.view"),
    ("POST", "/transfer/orders/{order_id}/action"): C("transfer.order.act"),
    ("GET", "/transfer/pipeline"): C("transfer.pipeline.work"),
    ("GET", "/transfer/pipeline/export"): C("transfer.pipeline.work"),
    ("GET", "/transfer/stats"): C("transfer.stats.view"),
    ("GET", "/transfer/stats/export"): C("transfer.stats.view"),
    # -- 科技金融 (finance; every route declares its capability with requires())
    ("GET", "/api/finance/claims"): C("finance.claims.view"),
    ("POST", "/api/finance/claims/{claim_id}/decision"): C("finance.claims.decide"),
    ("GET", "/api/finance/firms"): C("finance.firms"),
    ("GET", "/api/finance/firms/{uscc}/evaluation"): C("finance.firms"),
    ("GET", "/api/finance/loans"): C("finance.loans.view"),
    ("POST", "/api/finance/loans"): C("finance.loans.apply"),
    ("GET", "/api/finance/loans/{loan_id}"): C("finance.loans.view"),
    ("POST", "/api/finance/loans/{loan_id}/actions"): C("finance.loans.act"),
    ("POST", "/api/finance/loans/{loan_id}/claim"): C("finance.claims.submit"),
    ("GET", "/api/finance/products"): C("finance.products"),
    ("GET", "/api/finance/stats"): C("finance.stats"),
    ("GET", "/bank"): C("finance.bank"),
    ("GET", "/bank/export"): C("finance.bank"),
    ("GET", "/bank/firms/{uscc}"): C("finance.bank"),
    ("POST", "/bank/firms/{uscc}/apply"): C("finance.bank"),
    ("GET", "/bank/firms/{uscc}/export"): C("finance.bank"),
    ("GET", "/bank/loans"): C("finance.bank"),
    ("GET", "/bank/loans/export"): C("finance.bank"),
    ("GET", "/bank/loans/{loan_id}"): C("finance.bank"),
    ("POST", "/bank/loans/{loan_id}/act"): C("finance.bank"),
    ("POST", "/bank/loans/{loan_id}/claim"): C("finance.bank"),
    ("GET", "/finance/claims"): C("finance.claims.decide"),
    ("GET", "/finance/claims/export"): C("finance.claims.decide"),
    ("POST", "/finance/claims/{claim_id}/decide"): C("finance.claims.decide"),
    ("GET", "/finance/firm"): C("finance.self"),
    ("GET", "/finance/stats"): C("finance.stats"),
    ("GET", "/finance/stats/export"): C("finance.stats"),
    ("GET", "/me/finance"): C("finance.self"),
    ("POST", "/me/finance/apply"): C("finance.self"),
    ("GET", "/me/finance/loans/export"): C("finance.self"),
    ("GET", "/me/finance/loans/{loan_id}"): C("finance.self"),
    ("POST", "/me/finance/loans/{loan_id}/act"): C("finance.self"),
}


# ------------------------------------------------------------------------------------------ the app's routes


def _flat(routes: list[BaseRoute]) -> Iterator[Any]:
    """Routes as served: FastAPI ≥ 0.16x keeps included routers as branches with their effective routes."""
    for route in routes:
        contexts = getattr(route, "effective_route_contexts", None)
        if contexts is not None:
            yield from contexts()
        else:
            yield route


def app_routes(app: Any) -> set[tuple[str, str]]:
    found: set[tuple[str, str]] = set()
    for route in _flat(app.routes):
        if isinstance(route, Mount):
            found.add(("MOUNT", route.path))
            continue
        for method in route.methods or ():
            if method != "HEAD":
                found.add((method, route.path))
    return found


# ------------------------------------------------------------------------------------------ the city


@dataclass
class World:
    container: Container
    clients: dict[str, TestClient]
    usernames: dict[str, str]


def _seed_world(container: Container) -> dict[str, dict[str, Any]]:
    ids = seed(container)
    rb = load_points(container.settings.region)  # a scored round, so round-based routes reach their checks
    outcome = scoring.run_db_round(container.sessions, container.settings.data_dir, "shenyang", 2024, rb)
    assert outcome.round_id == int(PARAMS["round_id"])
    with container.sessions.begin() as s:
        bank = Bank(name="矩阵测试银行")
        institution = Institution(name="矩阵测试大学", kind="university", district_code="210112")
        broker = Broker(name="矩阵测试经纪人", cluster_id="robotics", district_code="210112")
        pilot = PilotBase(
            name="矩阵测试中试基地",
            kind="pilot",
            level="city",
            cluster_id="robotics",
            district_code="210112",
            established_on=date(2020, 1, 1),
        )
        s.add_all([bank, institution, broker, pilot])
        s.flush()
        now = datetime.now(UTC)
        consent.grant(
            s,
            enterprise_id=ids.materials,
            bank_id=bank.id,
            purpose="授信审查",
            expires_at=now + timedelta(days=30),
            now=now,
        )
        return {
            "admin": {},
            "officer_district": {"district_code": "210112"},
            "officer_park": {"park_id": PARK},
            "enterprise": {"enterprise_id": ids.robot},
            "bank": {"bank_id": bank.id},
            "institution": {"institution_id": institution.id},
            "broker": {"broker_id": broker.id},
            "pilot_base": {"pilot_base_id": pilot.id},
        }


@pytest.fixture(scope="module")
def world(_database_template: str, tmp_path_factory: pytest.TempPathFactory) -> Iterator[World]:
    with module_container(_database_template, tmp_path_factory.mktemp("matrix")) as container:
        scopes = _seed_world(container)
        usernames = {
            role: make_user(container, role.split("_")[0] if role.startswith("officer") else role, **scope)
            for role, scope in scopes.items()
        }
        clients: dict[str, TestClient] = {}
        try:
            for role in (*ROLES, ANONYMOUS):
                client = client_for(container)
                client.__enter__()
                clients[role] = client
                if role != ANONYMOUS:
                    log_in(client, usernames[role])
            yield World(container, clients, usernames)
        finally:
            for client in clients.values():
                client.__exit__(None, None, None)


# ------------------------------------------------------------------------------------------ probing


def _outcome(response: Any) -> str:
    code = response.status_code
    assert code < 500, f"{response.request.method} {response.request.url}: {code} {response.text[:300]}"
    if code == 401:
        return "login"
    if code in (302, 303, 307) and response.headers.get("location", "").startswith("/login"):
        return "login"
    if code == 403:
        return "forbidden"
    return "allowed"


def _expected(probe: Probe, role: str, in_scope: bool) -> str:
    if probe.allowed is None:
        return "allowed"
    if role == ANONYMOUS:
        return "login"
    if role not in probe.allowed:
        return "forbidden"
    return "allowed" if in_scope or role == "admin" else "forbidden"


def _path(template: str, probe: Probe, uscc: str) -> str:
    path = probe.path or template
    for name, value in {**PARAMS, "uscc": uscc}.items():
        path = path.replace("{" + name + "}", value)
    return path


def _request(client: TestClient, method: str, path: str, probe: Probe, expect_allowed: bool) -> Any:
    form = probe.allowed_form if expect_allowed and probe.allowed_form is not None else probe.form
    body = probe.allowed_json if expect_allowed and probe.allowed_json is not None else probe.json
    kwargs: dict[str, Any] = {"params": probe.query, "follow_redirects": False}
    if body is not None:
        kwargs["json"] = body
    elif form is not None:
        kwargs["data"] = form
    elif method == "POST":  # an empty request of the kind the route takes
        kwargs["json" if path.startswith("/api/") else "data"] = {}
    return client.request(method, path, **kwargs)


def _client(world: World, role: str, probe: Probe) -> tuple[TestClient, bool]:
    """The role's client, or a throwaway signed-in one for requests that end the session."""
    if probe.fresh_session and role != ANONYMOUS:
        client = client_for(world.container)
        client.__enter__()
        log_in(client, world.usernames[role])
        return client, True
    return world.clients[role], False


def _check(world: World, key: tuple[str, str], probe: Probe, *, out_of_scope: bool) -> list[str]:
    method, template = key
    method = "GET" if method == "MOUNT" else method
    problems = []
    for role in (*ROLES, ANONYMOUS):
        uscc = SCRIPT if out_of_scope else OWN_FIRM.get(role, ROBOT)
        expected = _expected(probe, role, in_scope=not out_of_scope)
        client, throwaway = _client(world, role, probe)
        try:
            response = _request(client, method, _path(template, probe, uscc), probe, expected == "allowed")
        finally:
            if throwaway:
                client.__exit__(None, None, None)
        got = _outcome(response)
        if expected == "allowed" and probe.status is not None:
            if response.status_code != probe.status:
                problems.append(f"{role}: status {response.status_code}, expected {probe.status}")
        elif got != expected:
            where = f" on {uscc}" if "{uscc}" in template else ""
            problems.append(
                f"{role}{where}: {got} ({response.status_code}), expected {expected}: {response.text[:160]!r}"
            )
    return problems


# ------------------------------------------------------------------------------------------ tests


def test_every_route_is_classified(world: World) -> None:
    app = world.clients[ANONYMOUS].app
    served = app_routes(app)
    unlisted = sorted(served - set(MATRIX))
    stale = sorted(set(MATRIX) - served)
    assert not unlisted, f"routes missing from the access matrix (classify them in MATRIX): {unlisted}"
    assert not stale, f"the access matrix lists routes the app no longer has: {stale}"


def declared_capabilities(app: Any) -> dict[tuple[str, str], str | None]:
    found: dict[tuple[str, str], str | None] = {}
    for route in _flat(app.routes):
        if isinstance(route, Mount):
            continue
        extra = getattr(route, "openapi_extra", None) or {}
        for method in route.methods or ():
            found[(method, route.path)] = extra.get("x-required-capability")
    return found


@pytest.mark.parametrize("key", sorted(k for k, p in MATRIX.items() if not p.special), ids=" ".join)
def test_route_access_by_role(world: World, key: tuple[str, str]) -> None:
    probe = MATRIX[key]
    if probe.capability is not None:
        declared = declared_capabilities(world.clients[ANONYMOUS].app).get(key)
        assert declared == probe.capability, (
            f"{key} now declares {declared}, the matrix says {probe.capability}"
        )
    problems = _check(world, key, probe, out_of_scope=False)
    if "{uscc}" in key[1]:
        problems += _check(world, key, probe, out_of_scope=True)
    assert not problems, f"{key[0]} {key[1]}:\n" + "\n".join(problems)
