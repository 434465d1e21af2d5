"""Accounts services: consent liveness at the instant of the check, scope clauses, corrections, demo accounts."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from decimal import Decimal

import pytest
import sqlalchemy as sa
from web_seed import MATERIALS, ROBOT, seed

from innopoints.accounts import consent, corrections
from innopoints.accounts.access import can_read_enterprise, enterprise_scope_clause, require_enterprise_read
from innopoints.accounts.demo import DEMO_PASSWORD, demo_accounts, ensure_demo_accounts, reset_demo_activity
from innopoints.accounts.errors import AccessDenied, AccountError
from innopoints.accounts.principal import Principal
from innopoints.accounts.roles import Role
from innopoints.accounts.users import authenticate, create_user
from innopoints.adapters.db import panel_repo
from innopoints.adapters.db.accounts_tables import AuditEvent
from innopoints.adapters.db.tables import Bank, Enterprise
from innopoints.bootstrap import Container

NOW = datetime(2026, 6, 1, 9, 0, tzinfo=UTC)


def _ids(container: Container) -> tuple[int, int, int]:
    seed(container)
    with container.sessions.begin() as s:
        bank = Bank(name="测试银行")
        s.add(bank)
        s.flush()
        robot = s.scalar(sa.select(Enterprise.id).where(Enterprise.uscc == ROBOT))
        materials = s.scalar(sa.select(Enterprise.id).where(Enterprise.uscc == MATERIALS))
        return bank.id, int(robot or 0), int(materials or 0)


def _bank(bank_id: int) -> Principal:
    return Principal(user_id=1, username="b", display_name="银行", role=Role.BANK, bank_id=bank_id)


def test_consent_is_live_only_until_expiry_or_revocation(container: Container) -> None:
    bank_id, robot, _ = _ids(container)
    with container.sessions.begin() as s:
        row = consent.grant(
            s,
            enterprise_id=robot,
            bank_id=bank_id,
            purpose="授信",
            expires_at=NOW + timedelta(days=1),
            now=NOW,
        )
        consent_id = row.id
    with container.sessions() as s:
        assert consent.has_live_consent(s, bank_id, robot, NOW)
        assert consent.has_live_consent(s, bank_id, robot, NOW + timedelta(hours=23, minutes=59))
        assert not consent.has_live_consent(
            s, bank_id, robot, NOW + timedelta(days=1)
        )  # expiry instant: gone
    with container.sessions.begin() as s:
        consent.revoke(s, consent_id, enterprise_id=robot, by_user_id=None, now=NOW + timedelta(hours=1))
    with container.sessions() as s:
        assert not consent.has_live_consent(s, bank_id, robot, NOW + timedelta(hours=1))


def test_consent_needs_future_expiry_known_scope_and_purpose(container: Container) -> None:
    bank_id, robot, _ = _ids(container)
    with container.sessions() as s:
        with pytest.raises(AccountError, match="到期时间"):
            consent.grant(s, enterprise_id=robot, bank_id=bank_id, purpose="授信", expires_at=NOW, now=NOW)
        with pytest.raises(AccountError, match="授权范围"):
            consent.grant(
                s,
                enterprise_id=robot,
                bank_id=bank_id,
                purpose="授信",
                expires_at=NOW + timedelta(days=1),
                scope=("everything",),
                now=NOW,
            )
        with pytest.raises(AccountError, match="用途"):
            consent.grant(
                s, enterprise_id=robot, bank_id=bank_id, purpose=" ", expires_at=NOW + timedelta(1), now=NOW
            )


def test_bank_scope_covers_only_the_consented_parts(container: Container) -> None:
    bank_id, robot, materials = _ids(container)
    with container.sessions.begin() as s:
        consent.grant(
            s,
            enterprise_id=robot,
            bank_id=bank_id,
            purpose="授信",
            expires_at=NOW + timedelta(days=30),
            scope=("points",),
            now=NOW,
        )
    with container.sessions() as s:
        firm = s.get(Enterprise, robot)
        assert firm is not None
        assert can_read_enterprise(s, _bank(bank_id), firm, "points", NOW)
        assert not can_read_enterprise(s, _bank(bank_id), firm, "financials", NOW)
        visible = s.scalars(
            sa.select(Enterprise.id).where(enterprise_scope_clause(_bank(bank_id), NOW))
        ).all()
        assert visible == [robot] and materials not in visible


def test_officer_read_outside_district_is_denied_and_inside_is_audited(container: Container) -> None:
    _, robot, materials = _ids(container)
    with container.sessions.begin() as s:
        user = create_user(s, username="o", password="Passw0rd-2026", role="officer", district_code="210112")
        officer = Principal(user.id, "o", "浑南", Role.OFFICER, district_code="210112")
        firm = s.get(Enterprise, robot)
        other = s.get(Enterprise, materials)
        assert firm is not None and other is not None
        require_enterprise_read(s, officer, firm, action="view_profile", channel="api", path="/x", now=NOW)
        with pytest.raises(AccessDenied, match="数据范围"):
            require_enterprise_read(
                s, officer, other, action="view_profile", channel="api", path="/y", now=NOW
            )
    with container.sessions() as s:
        events = s.scalars(sa.select(AuditEvent)).all()
        assert [(e.enterprise_id, e.action, e.role) for e in events] == [(robot, "view_profile", "officer")]


def test_approved_correction_appends_a_self_reported_revision(container: Container) -> None:
    _, robot, _ = _ids(container)
    with container.sessions.begin() as s:
        firm_user = create_user(
            s, username="firmuser", password="Passw0rd-2026", role="enterprise", enterprise_id=robot
        )
        officer_user = create_user(
            s, username="officer", password="Passw0rd-2026", role="officer", district_code="210112"
        )
        firm = Principal(firm_user.id, "firmuser", "企业", Role.ENTERPRISE, enterprise_id=robot)
        officer = Principal(officer_user.id, "officer", "浑南", Role.OFFICER, district_code="210112")
        with pytest.raises(AccountError, match="两位小数"):
            corrections.submit(s, firm, year=2025, field="rd_expense", raw_value="1.234", reason="x")
        row = corrections.submit(
            s, firm, year=2025, field="rd_expense", raw_value="1234567.89", reason="审计报告更正"
        )
        with pytest.raises(AccountError, match="理由"):
            corrections.review(s, officer, row.id, approve=False, note="")
        corrections.review(s, officer, row.id, approve=True, note="核实无误", now=NOW)
        with pytest.raises(AccountError, match="不能重复审核"):
            corrections.review(s, officer, row.id, approve=True, note="")
    with container.sessions() as s:
        current = panel_repo.current_values(s, [robot])[(robot, 2025, "rd_expense")]
        assert current.value == Decimal("1234567.89")
        assert current.source == "self_reported" and current.source_ref == f"更正申请 #{row.id}"
        assert s.get(type(row), row.id).revision_id == current.id


def test_demo_accounts_are_idempotent_and_reset_restores_passwords(container: Container) -> None:
    _ids(container)
    with container.sessions.begin() as s:
        first = ensure_demo_accounts(s, NOW)
        assert {a.role for a in first} >= {"admin", "officer", "enterprise", "bank"}
        assert ensure_demo_accounts(s, NOW) == []
        assert [a.username for a in demo_accounts(s)] == [a.username for a in first]
        reset_demo_activity(s, NOW)
        assert authenticate(s, "admin", DEMO_PASSWORD, "test") is not None


def test_bank_list_scope_by_part_needs_a_consent_covering_that_part(container: Container) -> None:
    bank_id, robot, materials = _ids(container)
    with container.sessions.begin() as s:
        for firm, scope in ((robot, ("points",)), (materials, ("points", "financials"))):
            consent.grant(
                s,
                enterprise_id=firm,
                bank_id=bank_id,
                purpose="授信",
                expires_at=NOW + timedelta(days=30),
                scope=scope,
                now=NOW,
            )
    with container.sessions() as s:

        def visible(part: str | None) -> set[int]:
            clause = enterprise_scope_clause(_bank(bank_id), NOW, part)
            return set(s.scalars(sa.select(Enterprise.id).where(clause)))

        assert visible(None) == {robot, materials}
        assert visible("points") == {robot, materials}
        assert visible("financials") == {materials}
        assert visible("profile") == set()
