"""The synthetic city's 成果转化 workflows load into the database and obey the same rules as the services:
capacity, broker load, signed deals linked to registered contracts, challenge scores on the right side of the
selection line, one-to-one commissioners; the statistics services then read them."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date
from decimal import Decimal

import pytest
import sqlalchemy as sa
from sqlalchemy.orm import Session

from innopoints.bootstrap import Container
from innopoints.synth.city import SynthConfig, generate_city
from innopoints.synth.db_writer import load_city
from innopoints.transfer.access import SYSTEM
from innopoints.transfer.performance import broker_performance, pilot_outputs
from innopoints.transfer.rulebook import load_transfer_rulebook
from innopoints.transfer.stats import contract_stats, turnover_progress

NEW_TABLES = (
    "broker_assignment",
    "broker_rating",
    "broker_case",
    "service_order",
    "challenge",
    "challenge_score",
    "challenge_application",
    "achievement_interest",
    "commissioner_pairing",
)


@pytest.fixture
def loaded(container: Container) -> Iterator[sa.Engine]:
    city = generate_city(SynthConfig(seed=5, enterprises=1500))
    counts = load_city(container.engine, city)
    assert all(counts[t] > 0 for t in NEW_TABLES), counts
    yield container.engine


def _scalar(conn: sa.Connection, sql: str) -> int:
    return int(conn.execute(sa.text(sql)).scalar_one())


def test_synthetic_workflows_obey_the_rules(loaded: sa.Engine) -> None:
    line = load_transfer_rulebook().challenges.scoring.selection_min_average
    need = load_transfer_rulebook().challenges.scoring.min_reviews
    with loaded.connect() as conn:
        for table in NEW_TABLES:
            assert _scalar(conn, f"SELECT COUNT(*) FROM {table} WHERE NOT is_synthetic") == 0, table
        over = conn.execute(
            sa.text(
                "SELECT o.service_id, substr(CAST(o.ordered_on AS TEXT), 1, 4) y, COUNT(*), MAX(s.capacity_per_year) "
                "FROM service_order o JOIN pilot_service s ON s.id = o.service_id "
                "WHERE o.status IN ('accepted', 'in_service', 'delivered') GROUP BY o.service_id, y "
                "HAVING COUNT(*) > MAX(s.capacity_per_year)"
            )
        ).all()
        assert over == []
        assert (
            _scalar(
                conn, "SELECT COUNT(*) FROM service_order WHERE status = 'delivered' AND delivered_on IS NULL"
            )
            == 0
        )
        busy = conn.execute(
            sa.text(
                "SELECT a.broker_id, COUNT(*), COALESCE(MAX(b.max_load), 8) FROM broker_assignment a "
                "JOIN broker b ON b.id = a.broker_id WHERE a.stage IN ('docking', 'negotiation') "
                "GROUP BY a.broker_id HAVING COUNT(*) > COALESCE(MAX(b.max_load), 8)"
            )
        ).all()
        assert busy == []
        signed = conn.execute(
            sa.text(
                "SELECT c.status, c.buyer_enterprise_id = d.enterprise_id, c.demand_id = a.demand_id, "
                "c.broker_id = a.broker_id, c.signed_on >= a.assigned_on FROM broker_assignment a "
                "JOIN tech_contract c ON c.id = a.contract_id JOIN demand d ON d.id = a.demand_id "
                "WHERE a.stage = 'signed'"
            )
        ).all()
        assert signed and all(r[0] == "registered" and all(r[1:]) for r in signed)
        assert (
            _scalar(
                conn, "SELECT COUNT(*) FROM broker_assignment WHERE stage = 'signed' AND contract_id IS NULL"
            )
            == 0
        )
        assert (
            _scalar(
                conn, "SELECT COUNT(*) FROM tech_contract WHERE status = 'refused' AND refusal_reason IS NULL"
            )
            == 0
        )
        assert (
            _scalar(
                conn, "SELECT COUNT(*) FROM tech_contract WHERE buyer_in_city AND buyer_district_code IS NULL"
            )
            == 0
        )
        reviews = conn.execute(
            sa.text(
                "SELECT c.status, COUNT(s.id), SUM(s.score) FROM challenge c LEFT JOIN challenge_score s "
                "ON s.challenge_id = c.id GROUP BY c.id, c.status"
            )
        ).all()
        for status, n, total in reviews:
            if status in ("rejected", "selected", "published", "awarded", "completed"):
                assert n >= need
                assert (Decimal(total) / n >= line) == (status != "rejected")
            else:
                assert n < need
        chosen = conn.execute(
            sa.text(
                "SELECT c.status, SUM(CASE WHEN a.status = 'chosen' THEN 1 ELSE 0 END) FROM challenge c "
                "JOIN challenge_application a ON a.challenge_id = c.id GROUP BY c.id, c.status"
            )
        ).all()
        assert all((n == 1) == (s in ("awarded", "completed")) for s, n in chosen)
        conflicts = _scalar(
            conn,
            "SELECT COUNT(*) FROM challenge_score s JOIN challenge c ON c.id = s.challenge_id "
            "JOIN commissioner_pairing p ON p.expert_id = s.expert_id AND p.enterprise_id = c.enterprise_id",
        )
        assert conflicts == 0
        for col in ("expert_id", "enterprise_id"):
            dupes = f"SELECT COUNT(*) FROM (SELECT {col} FROM commissioner_pairing WHERE ended_on IS NULL GROUP BY {col} HAVING COUNT(*) > 1) t"
            assert _scalar(conn, dupes) == 0


def test_statistics_services_read_the_synthetic_city(loaded: sa.Engine) -> None:
    with Session(loaded) as session, loaded.connect() as conn:
        registered_2025 = _scalar(
            conn,
            "SELECT COALESCE(SUM(amount_fen), 0) FROM tech_contract WHERE status = 'registered' "
            "AND decided_on >= '2025-01-01' AND decided_on <= '2025-12-31'",
        )
        for by in ("type", "field", "district"):
            assert contract_stats(session, SYSTEM, 2025, by).total.amount_fen == registered_2025
        absorb = contract_stats(session, SYSTEM, 2025, "district", "absorb").total
        assert 0 < absorb.amount_fen < registered_2025
        progress = turnover_progress(session, SYSTEM, 2025, date(2025, 12, 31))
        assert progress.turnover_fen == registered_2025 and progress.published_fen == 83_060_000_000 * 100
        outputs = {c.key: c for c in pilot_outputs(session, SYSTEM).outputs}
        assert (outputs["new_products"].value, outputs["new_technologies"].value) == (764, 533)
        assert all(c.meets for c in outputs.values())
        perf = broker_performance(session, SYSTEM)
        assert sum(p.signed for p in perf) == _scalar(
            conn, "SELECT COUNT(*) FROM broker_assignment WHERE stage = 'signed'"
        )
        assert perf[0].signed_amount_fen >= perf[-1].signed_amount_fen
