"""A bank sees nothing of a firm without a live consent — one firm's evaluation, the consenting-firm list
(search included), its export and the loan pipeline — and revocation or expiry act at the next call.
Every read by someone other than the firm is audited."""

from __future__ import annotations

from datetime import timedelta

import pytest
import sqlalchemy as sa
from finance_world import FIRM_A, FIRM_B, FIRM_C, NOW, TODAY, World, build_world
from sqlalchemy.orm import Session

from innopoints.accounts import consent
from innopoints.accounts.errors import AccessDenied
from innopoints.accounts.principal import Principal
from innopoints.adapters.db.accounts_tables import AuditEvent, BankConsent
from innopoints.bootstrap import Container
from innopoints.finance.loans import apply_for_loan
from innopoints.finance.pipeline import list_loans, loan_detail
from innopoints.finance.service import bank_firms, evaluate_firm, export_bank_firms
from innopoints.finance.stats import financing_stats

WAN = 1_000_000


@pytest.fixture
def world(container: Container) -> World:
    return build_world(container)


def _events(s: Session, firm: int, action: str | None = None) -> list[AuditEvent]:
    query = sa.select(AuditEvent).where(AuditEvent.enterprise_id == firm)
    if action is not None:
        query = query.where(AuditEvent.action == action)
    return list(s.scalars(query))


def _evaluate(container: Container, world: World, who: Principal, uscc: str, now=NOW):  # type: ignore[no-untyped-def]
    with container.sessions.begin() as s:
        return evaluate_firm(s, world.actor(who), uscc, round_id=world.round_id, as_of=TODAY, now=now)


def test_bank_with_consent_gets_the_evaluation_and_the_read_is_audited(
    container: Container, world: World
) -> None:
    result = _evaluate(container, world, world.bank1_officer, FIRM_A)
    lines = {p.product.id: p.line for p in result.products}
    assert lines["kechuang_fendai"].amount_fen == 300 * WAN  # 龙岩 calibration case, no list uplift
    with container.sessions() as s:
        events = _events(s, world.firm_a, "view_finance")
        assert (
            len(events) == 1
            and events[0].user_id == world.bank1_officer.user_id
            and events[0].channel == "api"
        )


@pytest.mark.parametrize(
    ("who", "uscc", "message"),
    [
        ("bank1_officer", FIRM_B, "未向本行授权"),  # no consent at all
        ("bank1_officer", FIRM_C, "数据范围不含"),  # consent for points only
        ("bank2_officer", FIRM_A, "未向本行授权"),  # consent to another bank
        ("district_officer", FIRM_B, "不在您的数据范围内"),  # other district
        ("firm_a_user", FIRM_B, "不在您的数据范围内"),  # another firm
    ],
)
def test_no_consent_or_scope_means_access_denied_and_nothing_audited(
    container: Container, world: World, who: str, uscc: str, message: str
) -> None:
    with pytest.raises(AccessDenied, match=message):
        _evaluate(container, world, getattr(world, who), uscc)
    with container.sessions() as s:
        assert s.scalar(sa.select(sa.func.count()).select_from(AuditEvent)) == 0


def test_the_firm_reads_itself_without_an_audit_event(container: Container, world: World) -> None:
    result = _evaluate(container, world, world.firm_a_user, FIRM_A)
    assert result.uscc == FIRM_A and result.matched()
    with container.sessions() as s:
        assert _events(s, world.firm_a) == []


def test_revocation_and_expiry_take_effect_immediately(container: Container, world: World) -> None:
    revoked_at = NOW + timedelta(minutes=5)
    _evaluate(container, world, world.bank1_officer, FIRM_A, now=revoked_at - timedelta(seconds=1))
    with container.sessions.begin() as s:
        consent.revoke(
            s,
            world.consent_a,
            enterprise_id=world.firm_a,
            by_user_id=world.firm_a_user.user_id,
            now=revoked_at,
        )
    with pytest.raises(AccessDenied, match="未向本行授权"):
        _evaluate(container, world, world.bank1_officer, FIRM_A, now=revoked_at)
    # a fresh consent that then expires: allowed one second before the expiry instant, refused at it
    with container.sessions.begin() as s:
        expires = NOW + timedelta(days=2)
        consent.grant(
            s,
            enterprise_id=world.firm_a,
            bank_id=world.bank1,
            purpose="续贷",
            expires_at=expires,
            now=revoked_at,
        )
    _evaluate(container, world, world.bank1_officer, FIRM_A, now=expires - timedelta(seconds=1))
    with pytest.raises(AccessDenied):
        _evaluate(container, world, world.bank1_officer, FIRM_A, now=expires)


def _firm_list(container: Container, world: World, who: Principal, search: str | None = None, now=NOW):  # type: ignore[no-untyped-def]
    with container.sessions.begin() as s:
        return bank_firms(
            s,
            world.actor(who, "/api/finance/firms"),
            now=now,
            as_of=TODAY,
            search=search,
            round_id=world.round_id,
        )


def test_the_banks_firm_list_and_search_show_consenting_firms_only(
    container: Container, world: World
) -> None:
    page = _firm_list(container, world, world.bank1_officer)
    assert page.total == 2 and [r.uscc for r in page.rows] == [FIRM_A, FIRM_C]
    a, c = page.rows
    assert a.matched and a.best_line_fen is not None and a.points is not None
    assert (
        c.points is not None and c.matched is None and c.best_line_fen is None
    )  # consent covers points only
    assert _firm_list(container, world, world.bank1_officer, search="铁西").total == 0  # firm B by name
    assert _firm_list(container, world, world.bank1_officer, search=FIRM_B).total == 0  # firm B by code
    assert _firm_list(container, world, world.bank2_officer).total == 0
    with container.sessions() as s:
        assert len(_events(s, world.firm_a, "list_enterprises")) == 1
        assert _events(s, world.firm_b) == []
    with container.sessions.begin() as s:
        consent.revoke(s, world.consent_a, enterprise_id=world.firm_a, by_user_id=None, now=NOW)
    assert [r.uscc for r in _firm_list(container, world, world.bank1_officer).rows] == [FIRM_C]


def test_the_export_holds_consenting_firms_only_and_audits_each(container: Container, world: World) -> None:
    with container.sessions.begin() as s:
        data = export_bank_firms(
            s,
            world.actor(world.bank1_officer),
            container.region,
            fmt="csv",
            now=NOW,
            as_of=TODAY,
            round_id=world.round_id,
        )
    text = data.decode("utf-8-sig")
    assert FIRM_A in text and FIRM_C in text and FIRM_B not in text
    assert "最高建议额度（元）" in text and "3000000.00" in text
    with container.sessions() as s:
        assert len(_events(s, world.firm_a, "export_list")) == 1 and _events(s, world.firm_b) == []
    with container.sessions.begin() as s:
        s.execute(sa.update(BankConsent).values(expires_at=NOW))  # every consent expires now
        empty = export_bank_firms(
            s, world.actor(world.bank1_officer), container.region, fmt="xlsx", now=NOW, as_of=TODAY
        )
    assert len(empty) > 0
    with container.sessions.begin() as s:
        page = bank_firms(s, world.actor(world.bank1_officer), now=NOW, as_of=TODAY)
    assert page.total == 0


def test_officers_see_their_district(container: Container, world: World) -> None:
    page = _firm_list(container, world, world.district_officer)
    assert {r.uscc for r in page.rows} == {FIRM_A, FIRM_C}
    assert all(r.matched is not None for r in page.rows)
    with pytest.raises(AccessDenied):
        _firm_list(container, world, world.firm_a_user)


def test_loans_of_a_firm_disappear_from_the_bank_when_consent_goes(
    container: Container, world: World
) -> None:
    with container.sessions.begin() as s:
        loan = apply_for_loan(
            s,
            world.actor(world.firm_a_user),
            bank_id=world.bank1,
            uscc=None,
            product_id="kechuang_fendai",
            amount_fen=200 * WAN,
            term_months=12,
            on=TODAY,
            now=NOW,
        )
        loan_id = loan.id
    with container.sessions.begin() as s:
        total, views = list_loans(s, world.actor(world.bank1_officer), now=NOW)
        assert total == 1 and views[0].uscc == FIRM_A
        assert loan_detail(s, world.actor(world.bank1_officer), loan_id, now=NOW).events
        assert list_loans(s, world.actor(world.bank2_officer), now=NOW)[0] == 0
        with pytest.raises(AccessDenied):
            loan_detail(s, world.actor(world.bank2_officer), loan_id, now=NOW)
        stats = financing_stats(s, world.actor(world.bank1_officer), container.region, now=NOW)
        assert stats.status_counts == {"applied": 1}
    with container.sessions.begin() as s:
        consent.revoke(s, world.consent_a, enterprise_id=world.firm_a, by_user_id=None, now=NOW)
    later = NOW + timedelta(seconds=1)
    with container.sessions.begin() as s:
        assert list_loans(s, world.actor(world.bank1_officer), now=later) == (0, [])
        with pytest.raises(AccessDenied, match="未向本行授权"):
            loan_detail(s, world.actor(world.bank1_officer), loan_id, now=later)
        assert (
            financing_stats(s, world.actor(world.bank1_officer), container.region, now=later).status_counts
            == {}
        )
        # the firm itself still sees its application
        assert list_loans(s, world.actor(world.firm_a_user), now=later)[0] == 1
