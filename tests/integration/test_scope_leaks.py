"""Scope leaks: an enterprise reading another firm, a bank reading a firm that has not (or no longer) granted
it consent, a district officer reading another district — on HTML pages, the JSON API, exports and search
results; and the audit trail of third-party reads.

A small synthetic city (200 firms) scored for 2024 and 2025 and screened into the pool, built once for the
module. ``HOME`` is the district with most pool members (the officer's), ``AWAY`` another district with pool
members. The bank holds a live consent from one ``AWAY`` firm only.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any

import openpyxl
import pytest
import sqlalchemy as sa
from fastapi.testclient import TestClient
from module_db import module_container
from web_auth import client_for, log_in, make_user

from innopoints.accounts import consent
from innopoints.adapters.db.accounts_tables import AuditEvent, BankConsent
from innopoints.adapters.db.tables import Bank, Enterprise
from innopoints.bootstrap import Container
from innopoints.cultivation.service import pool_at, screen_round
from innopoints.scoring import service as scoring
from innopoints.scoring.rulebook import load_points
from innopoints.synth.city import SynthConfig, generate_city
from innopoints.synth.db_writer import load_city

pytestmark = pytest.mark.db

FORBIDDEN_PAGE = "无权访问（403）"


@dataclass
class Firm:
    id: int
    uscc: str
    name: str
    district: str


@dataclass
class City:
    container: Container
    firms: dict[str, Firm]  # by uscc
    home: str  # the officer's district
    away: str
    own: Firm  # the enterprise user's firm (in HOME)
    neighbour: Firm  # another firm in HOME
    stranger: Firm  # a firm in AWAY
    consenting: Firm  # in AWAY, consent to the bank
    bank_id: int
    r1: int
    r2: int
    admin: TestClient
    officer: TestClient
    park_officer: TestClient
    park: str
    firm: TestClient
    bank: TestClient


def _round(container: Container, year: int) -> int:
    outcome = scoring.run_db_round(
        container.sessions, container.settings.data_dir, "shenyang", year, load_points()
    )
    assert outcome.round_id is not None
    return outcome.round_id


def _signed_in(container: Container, role: str, clients: list[TestClient], **scope: Any) -> TestClient:
    client = client_for(container)
    client.__enter__()
    clients.append(client)
    log_in(client, make_user(container, role, **scope))
    return client


@pytest.fixture(scope="module")
def city(_database_template: str, tmp_path_factory: pytest.TempPathFactory) -> Iterator[City]:
    with module_container(_database_template, tmp_path_factory.mktemp("leaks")) as container:
        load_city(container.engine, generate_city(SynthConfig(seed=23, enterprises=200)))
        r1, r2 = _round(container, 2024), _round(container, 2025)
        screen_round(container.sessions, 2024, r1)
        screen_round(container.sessions, 2025, r2)
        with container.sessions() as s:
            rows = s.execute(
                sa.select(
                    Enterprise.id,
                    Enterprise.uscc,
                    Enterprise.name,
                    Enterprise.district_code,
                    Enterprise.park_id,
                )
            ).all()
            members = set(pool_at(s, r2)["uscc"].to_list())
        firms = {u: Firm(i, u, n, d) for i, u, n, d, _ in rows}
        by_district: dict[str, list[Firm]] = {}
        for f in firms.values():
            if f.uscc in members:
                by_district.setdefault(f.district, []).append(f)
        ranked = sorted(by_district, key=lambda d: (-len(by_district[d]), d))
        home, away = ranked[0], ranked[1]
        home_firms = sorted(by_district[home], key=lambda f: f.uscc)
        away_firms = sorted(by_district[away], key=lambda f: f.uscc)
        park = next(p for _, u, _, d, p in sorted(rows, key=lambda r: r[1]) if p and d == home)
        with container.sessions.begin() as s:
            bank_id = s.scalar(sa.select(Bank.id).order_by(Bank.id).limit(1))
            assert bank_id is not None
            s.execute(sa.delete(BankConsent))  # the synthetic city has none; make sure of it
            now = datetime.now(UTC)
            consent.grant(
                s,
                enterprise_id=away_firms[0].id,
                bank_id=bank_id,
                purpose="授信审查",
                expires_at=now + timedelta(days=90),
                now=now,
            )
        clients: list[TestClient] = []
        try:
            yield City(
                container=container,
                firms=firms,
                home=home,
                away=away,
                own=home_firms[0],
                neighbour=home_firms[1],
                stranger=away_firms[1],
                consenting=away_firms[0],
                bank_id=bank_id,
                r1=r1,
                r2=r2,
                admin=_signed_in(container, "admin", clients),
                officer=_signed_in(container, "officer", clients, district_code=home),
                park_officer=_signed_in(container, "officer", clients, park_id=park),
                park=park,
                firm=_signed_in(container, "enterprise", clients, enterprise_id=home_firms[0].id),
                bank=_signed_in(container, "bank", clients, bank_id=bank_id),
            )
        finally:
            for client in clients:
                client.__exit__(None, None, None)


# ------------------------------------------------------------------------------------------ helpers


def _all(client: TestClient, url: str, **params: Any) -> list[dict[str, Any]]:
    items: list[dict[str, Any]] = []
    page = 1
    while True:
        response = client.get(url, params={**params, "page": page, "page_size": 100})
        assert response.status_code == 200, response.text
        body = response.json()
        items += body["items"]
        if len(items) >= body["total"] or not body["items"]:
            return items
        page += 1


def _csv_codes(response: Any, column: int = 0) -> list[str]:
    assert response.status_code == 200, response.text
    rows = list(csv.reader(io.StringIO(response.content.decode("utf-8-sig"))))
    return [r[column] for r in rows[1:]]


def _xlsx_codes(response: Any) -> list[str]:
    assert response.status_code == 200, response.text
    sheet = openpyxl.load_workbook(io.BytesIO(response.content), read_only=True).active
    return [str(r[0]) for r in list(sheet.iter_rows(values_only=True))[1:] if r[0]]


def _denied(response: Any, *hidden: str) -> None:
    """A 403 that does not show the firm's data."""
    assert response.status_code == 403, (response.request.url, response.status_code, response.text[:300])
    for text in hidden:
        assert text not in response.text


def _empty_search_page(client: TestClient, q: str, firm: Firm) -> None:
    """The HTML search neither jumps to the firm nor lists it (the query itself is echoed in the form)."""
    html = client.get("/enterprises", params={"q": q}, follow_redirects=False)
    assert html.status_code == 200, html.status_code
    assert "共 <strong>0</strong> 家企业" in html.text
    hidden = firm.name if q.upper() == firm.uscc else firm.uscc
    assert hidden not in html.text and f"/enterprises/{firm.uscc}" not in html.text


def _districts(city: City, codes: list[str]) -> set[str]:
    return {city.firms[c].district for c in codes}


SINGLE_FIRM_API = ("", "/revisions", "/profile", "/gap", "/policies", "/pool-history", "/potential")


# ------------------------------------------------------------------------------------------ enterprise


def test_enterprise_reads_only_itself(city: City) -> None:
    other = city.neighbour  # same district: the firm's scope is the firm, not the district
    for suffix in SINGLE_FIRM_API[:5]:
        _denied(city.firm.get(f"/api/enterprises/{other.uscc}{suffix}"), other.name)
        assert city.firm.get(f"/api/enterprises/{city.own.uscc}{suffix}").status_code == 200, suffix
    page = city.firm.get(f"/enterprises/{other.uscc}")
    _denied(page, other.name)
    assert FORBIDDEN_PAGE in page.text
    own = city.firm.get(f"/enterprises/{city.own.uscc}")
    assert own.status_code == 200 and city.own.name in own.text
    _denied(city.firm.get(f"/enterprises/{other.uscc}/report.pdf"))
    _denied(city.firm.get(f"/enterprises/{other.uscc}/revisions/operating_revenue/2024"), other.name)
    own_value = city.firm.get(f"/api/enterprises/{city.own.uscc}/revisions").json()["items"][0]
    own_history = f"/enterprises/{city.own.uscc}/revisions/{own_value['indicator']}/{own_value['year']}"
    assert city.firm.get(own_history).status_code == 200
    what_if = {"evaluator": "tech-sme", "overrides": {}}
    _denied(city.firm.post(f"/api/enterprises/{other.uscc}/what-if", json=what_if), other.name)
    assert city.firm.post(f"/api/enterprises/{city.own.uscc}/what-if", json=what_if).status_code == 200
    # no list, search or export of the directory at all
    _denied(city.firm.get("/api/enterprises", params={"q": other.uscc}), other.name)
    _denied(city.firm.get("/enterprises", params={"q": other.uscc}, follow_redirects=False), other.name)
    _denied(city.firm.get("/enterprises/export", params={"format": "csv"}), other.name)
    policy = city.firm.get("/api/policies").json()["items"][0]["id"]  # the library is public
    _denied(city.firm.get(f"/api/policies/{policy}/eligible"), other.name)


# ------------------------------------------------------------------------------------------ bank


def test_bank_sees_only_the_consenting_firm_everywhere(city: City) -> None:
    yes, no = city.consenting, city.stranger
    listed = _all(city.bank, "/api/enterprises")
    assert [i["uscc"] for i in listed] == [yes.uscc]
    for q in (no.uscc, no.uscc.lower(), no.name):
        assert city.bank.get("/api/enterprises", params={"q": q}).json()["total"] == 0, q
        _empty_search_page(city.bank, q, no)
    assert city.bank.get("/enterprises", params={"q": yes.uscc}, follow_redirects=False).status_code == 303
    assert _csv_codes(city.bank.get("/enterprises/export", params={"format": "csv"})) == [yes.uscc]
    assert _xlsx_codes(city.bank.get("/enterprises/export", params={"format": "xlsx"})) == [yes.uscc]
    for suffix in ("", "/revisions", "/profile", "/gap"):
        _denied(city.bank.get(f"/api/enterprises/{no.uscc}{suffix}"), no.name)
        assert city.bank.get(f"/api/enterprises/{yes.uscc}{suffix}").status_code == 200, suffix
    _denied(city.bank.get(f"/enterprises/{no.uscc}"), no.name)
    _denied(city.bank.get(f"/enterprises/{no.uscc}/report.pdf"))
    assert city.bank.get(f"/enterprises/{yes.uscc}/report.pdf").status_code == 200
    _denied(city.bank.get(f"/enterprises/{no.uscc}/revisions/operating_revenue/2024"), no.name)


def _grant(city: City, firm: Firm, expires_at: datetime) -> int:
    with city.container.sessions.begin() as s:
        return consent.grant(
            s,
            enterprise_id=firm.id,
            bank_id=city.bank_id,
            purpose="临时授信审查",
            expires_at=expires_at,
            now=datetime.now(UTC),
        ).id


def _bank_sees(city: City, firm: Firm) -> dict[str, bool]:
    return {
        "api": city.bank.get(f"/api/enterprises/{firm.uscc}").status_code == 200,
        "html": city.bank.get(f"/enterprises/{firm.uscc}").status_code == 200,
        "profile": city.bank.get(f"/api/enterprises/{firm.uscc}/profile").status_code == 200,
        "list": firm.uscc in {i["uscc"] for i in _all(city.bank, "/api/enterprises")},
        "search": city.bank.get("/api/enterprises", params={"q": firm.uscc}).json()["total"] == 1,
        "export": firm.uscc in _csv_codes(city.bank.get("/enterprises/export", params={"format": "csv"})),
    }


def test_revoking_a_consent_closes_access_at_once(city: City) -> None:
    firm = city.neighbour
    consent_id = _grant(city, firm, datetime.now(UTC) + timedelta(days=30))
    assert set(_bank_sees(city, firm).values()) == {True}
    with city.container.sessions.begin() as s:
        consent.revoke(s, consent_id, enterprise_id=firm.id, by_user_id=None)
    assert set(_bank_sees(city, firm).values()) == {False}


def test_an_expired_consent_closes_access_at_once(city: City) -> None:
    firm = city.own
    consent_id = _grant(city, firm, datetime.now(UTC) + timedelta(days=1))
    assert set(_bank_sees(city, firm).values()) == {True}
    with city.container.sessions.begin() as s:  # the clock passes the expiry: no cache to invalidate
        s.execute(
            sa.update(BankConsent)
            .where(BankConsent.id == consent_id)
            .values(expires_at=datetime.now(UTC) - timedelta(seconds=1))
        )
    assert set(_bank_sees(city, firm).values()) == {False}


def test_a_consent_covers_only_the_parts_it_names(city: City) -> None:
    firm = city.stranger
    with city.container.sessions.begin() as s:
        row = consent.grant(
            s,
            enterprise_id=firm.id,
            bank_id=city.bank_id,
            purpose="仅积分",
            expires_at=datetime.now(UTC) + timedelta(days=30),
            scope=("points",),
            now=datetime.now(UTC),
        )
        consent_id = row.id
    try:
        _denied(city.bank.get(f"/api/enterprises/{firm.uscc}/profile"), firm.name)  # needs "profile"
        _denied(city.bank.get(f"/api/enterprises/{firm.uscc}"), firm.name)  # panel data: "financials"
    finally:
        with city.container.sessions.begin() as s:
            consent.revoke(s, consent_id, enterprise_id=firm.id, by_user_id=None)


# ------------------------------------------------------------------------------------------ officers


def test_district_officer_reads_only_their_district(city: City) -> None:
    away = city.stranger
    listed = [i["uscc"] for i in _all(city.officer, "/api/enterprises")]
    assert listed and _districts(city, listed) == {city.home}
    assert len(listed) == sum(1 for f in city.firms.values() if f.district == city.home)
    assert city.officer.get("/api/enterprises", params={"district": city.away}).json()["total"] == 0
    for q in (away.uscc, away.name):
        assert city.officer.get("/api/enterprises", params={"q": q}).json()["total"] == 0
        _empty_search_page(city.officer, q, away)
    assert city.admin.get("/enterprises", params={"q": away.uscc}, follow_redirects=False).status_code == 303
    assert _districts(
        city, _csv_codes(city.officer.get("/enterprises/export", params={"format": "csv"}))
    ) == {city.home}
    for suffix in SINGLE_FIRM_API:
        _denied(city.officer.get(f"/api/enterprises/{away.uscc}{suffix}"), away.name)
    for suffix in SINGLE_FIRM_API[:6]:
        response = city.officer.get(f"/api/enterprises/{city.neighbour.uscc}{suffix}")
        assert response.status_code == 200, (suffix, response.text[:200])
    page = city.officer.get(f"/enterprises/{away.uscc}")
    _denied(page, away.name)
    assert FORBIDDEN_PAGE in page.text
    _denied(city.officer.get(f"/enterprises/{away.uscc}/report.pdf"))
    _denied(city.officer.get(f"/enterprises/{away.uscc}/revisions/operating_revenue/2024"), away.name)


def test_park_officer_reads_only_their_park(city: City) -> None:
    in_park = [i["uscc"] for i in _all(city.park_officer, "/api/enterprises")]
    with city.container.sessions() as s:
        expected = set(s.scalars(sa.select(Enterprise.uscc).where(Enterprise.park_id == city.park)))
    assert in_park and set(in_park) == expected
    outside = next(f for f in city.firms.values() if f.uscc not in expected)
    _denied(city.park_officer.get(f"/api/enterprises/{outside.uscc}"), outside.name)
    _denied(city.park_officer.get(f"/enterprises/{outside.uscc}"), outside.name)


def test_top_lists_show_only_the_officers_district(city: City) -> None:
    params = {"share": "0.20", "limit": 5000}
    everyone = city.admin.get(f"/api/rounds/{city.r2}/top", params=params).json()
    mine = city.officer.get(f"/api/rounds/{city.r2}/top", params=params).json()
    expected = [i["uscc"] for i in everyone["items"] if city.firms[i["uscc"]].district == city.home]
    assert expected and len(expected) < len(everyone["items"])
    assert [i["uscc"] for i in mine["items"]] == expected
    assert mine["total"] == len(expected)


def test_pool_lists_diffs_and_alerts_show_only_the_officers_district(city: City) -> None:
    everyone = _all(city.admin, "/api/pool", round=city.r2)
    mine = _all(city.officer, "/api/pool", round=city.r2)
    expected = [m["uscc"] for m in everyone if m["district_code"] == city.home]
    assert expected and len(expected) < len(everyone)
    assert [m["uscc"] for m in mine] == expected
    assert city.officer.get("/api/pool", params={"district": city.away}).json()["total"] == 0

    diff_all = city.admin.get("/api/pool/diff", params={"from": city.r1, "to": city.r2}).json()
    diff_mine = city.officer.get("/api/pool/diff", params={"from": city.r1, "to": city.r2}).json()
    assert {r["district_code"] for r in diff_all["items"]} - {city.home}, (
        "the diff must also show other districts"
    )
    assert [r["uscc"] for r in diff_mine["items"]] == [
        r["uscc"] for r in diff_all["items"] if r["district_code"] == city.home
    ]
    home_name = city.container.region.district_name(city.home)
    assert {row["district"] for row in diff_mine["by_district"]} == (
        {home_name} if diff_mine["items"] else set()
    )
    assert sum(diff_mine["counts"].values()) == diff_mine["total"]
    exported = _csv_codes(
        city.officer.get("/api/pool/diff", params={"from": city.r1, "to": city.r2, "format": "csv"}), column=1
    )
    assert exported == [r["uscc"] for r in diff_all["items"] if r["district_code"] == city.home]

    alerts_all = _all(city.admin, "/api/pool/alerts")
    alerts_mine = _all(city.officer, "/api/pool/alerts")
    assert {a["uscc"] for a in alerts_all if city.firms[a["uscc"]].district != city.home}
    assert [a["id"] for a in alerts_mine] == [
        a["id"] for a in alerts_all if city.firms[a["uscc"]].district == city.home
    ]
    _denied(city.officer.get("/api/pool/alerts", params={"uscc": city.stranger.uscc}))


def _busiest_policy(city: City) -> str:
    counts = {}
    for policy in city.admin.get("/api/policies").json()["items"]:
        body = city.admin.get(f"/api/policies/{policy['id']}/eligible", params={"status": "all"}).json()
        counts[policy["id"]] = body["total"]
    return max(counts, key=lambda k: (counts[k], k))


def test_policy_lists_and_exports_show_only_the_officers_district(city: City) -> None:
    policy = _busiest_policy(city)
    url = f"/api/policies/{policy}/eligible"
    everyone = _all(city.admin, url, status="all")
    mine = _all(city.officer, url, status="all")
    expected = [r["uscc"] for r in everyone if city.firms[r["uscc"]].district == city.home]
    assert expected and len(expected) < len(everyone)
    assert [r["uscc"] for r in mine] == expected
    counts = city.officer.get(url, params={"status": "all"}).json()["counts"]
    city_counts = city.admin.get(url, params={"status": "all"}).json()["counts"]
    assert counts["met"] + counts["unknown"] == len(expected)  # the counts are the district's too
    assert sum(counts.values()) < sum(city_counts.values())
    assert _csv_codes(city.officer.get(url, params={"status": "all", "format": "csv"})) == expected
    assert _xlsx_codes(city.officer.get(url, params={"status": "all", "format": "xlsx"})) == expected


def test_targets_by_district_show_only_the_officers_district(city: City) -> None:
    everyone = city.admin.get("/api/targets").json()
    mine = city.officer.get("/api/targets").json()
    assert len(everyone["districts"]) > 1
    assert [d["district"] for d in mine["districts"]] == [city.home]
    assert mine["indicators"] == everyone["indicators"]  # city-wide figures are the same
    others = [d["district_name"] for d in everyone["districts"] if d["district"] != city.home]
    assert not [a for a in mine["alerts"] if any(name in a for name in others)]
    allocation = city.officer.get("/api/targets/allocation").json()
    for item in allocation["indicators"]:
        assert [d["district"] for d in item["districts"]] == [city.home]
        assert item["consistent"]  # the city total is still checked over every district
    park = city.park_officer.get("/api/targets").json()
    assert park["districts"] == [] and park["indicators"] == everyone["indicators"]


# ------------------------------------------------------------------------------------------ audit


def _events(city: City, firm: Firm) -> list[AuditEvent]:
    with city.container.sessions() as s:
        query = sa.select(AuditEvent).where(AuditEvent.enterprise_id == firm.id).order_by(AuditEvent.id)
        return list(s.scalars(query))


def test_third_party_reads_are_audited_and_the_firms_own_are_not(city: City) -> None:
    firm = city.own
    before = len(_events(city, firm))
    assert city.firm.get(f"/api/enterprises/{firm.uscc}/profile").status_code == 200
    assert city.firm.get(f"/enterprises/{firm.uscc}").status_code == 200
    assert len(_events(city, firm)) == before  # the firm reading itself leaves no trace

    assert city.officer.get(f"/api/enterprises/{firm.uscc}/profile").status_code == 200
    assert city.officer.get(f"/api/enterprises/{firm.uscc}/policies").status_code == 200
    events = _events(city, firm)[before:]
    assert [(e.role, e.action, e.channel, e.path) for e in events] == [
        ("officer", "view_profile", "api", f"/api/enterprises/{firm.uscc}/profile"),
        ("officer", "view_profile", "api", f"/api/enterprises/{firm.uscc}/policies"),
    ]

    other = city.consenting
    start = len(_events(city, other))
    assert city.bank.get(f"/enterprises/{other.uscc}").status_code == 200
    bank_events = _events(city, other)[start:]
    assert bank_events and {(e.role, e.channel) for e in bank_events} == {("bank", "web")}

    start = len(_events(city, city.neighbour))
    members = [m["uscc"] for m in _all(city.officer, "/api/pool", round=city.r2)]
    assert city.neighbour.uscc in members  # one event per firm shown on a list page
    listed = _events(city, city.neighbour)[start:]
    assert [(e.role, e.action, e.detail) for e in listed] == [("officer", "list_enterprises", "培育库名单")]


def test_denied_reads_write_no_audit_event(city: City) -> None:
    firm = city.stranger
    before = len(_events(city, firm))
    _denied(city.officer.get(f"/api/enterprises/{firm.uscc}/profile"))
    _denied(city.firm.get(f"/api/enterprises/{firm.uscc}"))
    assert len(_events(city, firm)) == before
