"""Scoring rounds over the database: frozen references, late entrants, snapshots, diffs."""

from __future__ import annotations

import dataclasses
import json
from datetime import UTC, date, datetime
from pathlib import Path

import polars as pl
import sqlalchemy as sa

from innopoints.adapters.analytics import polars_engine
from innopoints.adapters.analytics.inputs import build_firm_frame
from innopoints.adapters.analytics.parquet_source import fingerprint
from innopoints.adapters.analytics.sample_panel import SamplePanel, generate
from innopoints.adapters.db import scoring_repo as repo
from innopoints.adapters.db.engine import unit_of_work
from innopoints.adapters.db.panel_repo import write_wide
from innopoints.adapters.db.scoring_tables import ScoringReference, ScoringResult
from innopoints.adapters.db.tables import Enterprise, NegativeRecord, Qualification
from innopoints.bootstrap import Container
from innopoints.registry.panel_fields import panel_fields
from innopoints.scoring import service
from innopoints.scoring.diff import diff_rounds
from innopoints.scoring.rulebook import load_points

YEAR = 2025
NOW = datetime(2026, 1, 15, tzinfo=UTC)


def _load(container: Container, sample: SamplePanel) -> None:
    fields = list(panel_fields())
    with unit_of_work(container.sessions) as s:
        ids = {}
        for r in sample.enterprises.iter_rows(named=True):
            e = Enterprise(
                uscc=r["uscc"],
                name=r["name"],
                registration_date=r["registration_date"],
                district_code=r["district_code"],
                cluster_id=r["cluster_id"],
                mainland_resident=r["mainland_resident"],
                is_synthetic=True,
            )
            s.add(e)
            s.flush()
            ids[r["uscc"]] = e.id
        wide = sample.panel.with_columns(
            pl.col("uscc").replace_strict(ids, return_dtype=pl.Int64).alias("enterprise_id")
        )
        meta = {
            "source": "synthetic",
            "source_ref": None,
            "batch_id": None,
            "recorded_at": NOW,
            "recorded_by": None,
            "is_synthetic": True,
        }
        write_wide(s.connection(), wide.select("enterprise_id", "year", *fields), meta)
        for r in sample.qualifications.iter_rows(named=True):
            s.add(
                Qualification(
                    enterprise_id=ids[r["uscc"]],
                    kind=r["kind"],
                    year=YEAR - 1,
                    granted_on=r["granted_on"],
                    expires_on=r["expires_on"],
                    source="test",
                    is_synthetic=True,
                )
            )
        for r in sample.negatives.iter_rows(named=True):
            s.add(
                NegativeRecord(
                    enterprise_id=ids[r["uscc"]],
                    kind=r["kind"],
                    occurred_on=r["occurred_on"],
                    source="test",
                    is_synthetic=True,
                )
            )


def test_database_round_is_frozen_with_snapshot_and_reference(container: Container) -> None:
    rb = load_points()
    sample = generate(320, year=YEAR, seed=5)
    _load(container, sample)
    outcome = service.run_db_round(container.sessions, container.settings.data_dir, "shenyang", YEAR, rb)
    expected, _ = polars_engine.score(
        build_firm_frame(rb, YEAR, sample.enterprises, sample.panel, sample.qualifications, sample.negatives),
        rb,
        YEAR,
    )
    got = outcome.results.select("uscc", "points_centi", "peer_rank").sort("uscc")
    assert got.equals(expected.select("uscc", "points_centi", "peer_rank").sort("uscc"))
    with unit_of_work(container.sessions) as s:
        rnd = repo.get_round(s, outcome.round_id or 0)
        assert rnd.rulebook_hash == rb.version_hash and rnd.firms == 320 and rnd.engine == "polars"
        snapshot = Path(rnd.snapshot_path or "")
        assert snapshot.is_file() and snapshot.parent.name == str(rnd.id)
        assert fingerprint([snapshot]) == rnd.input_sha256
        n_ref = s.scalar(
            sa.select(sa.func.count())
            .select_from(ScoringReference)
            .where(ScoringReference.round_id == rnd.id)
        )
        assert n_ref == len(outcome.reference.quantiles) * len(rb.indicator_list)
        reference = repo.load_reference(s, rnd)
        for group, per in outcome.reference.quantiles.items():
            for ind, q in per.items():
                stored = reference.quantiles[group][ind]
                assert (q is None and stored is None) or (
                    stored is not None and q is not None and (stored == q).all()
                )
        stored_points = dict(
            s.execute(
                sa.select(ScoringResult.uscc, ScoringResult.points_centi).where(
                    ScoringResult.round_id == rnd.id
                )
            ).all()
        )
    assert stored_points == dict(got.select("uscc", "points_centi").iter_rows())
    with unit_of_work(container.sessions) as s:
        row = s.execute(
            sa.select(ScoringResult).where(ScoringResult.round_id == rnd.id).limit(1)
        ).scalar_one()
        groups = json.loads(row.group_scores_json)
        mine = outcome.results.filter(pl.col("uscc") == row.uscc).row(0, named=True)
    assert groups == {g.id: mine[f"g_{g.id}_centi"] for g in rb.indicators.groups}
    assert row.tech_sme_qualified == mine["tech_sme_qualified"] and row.top20 == mine["top20"]


def test_a_late_entrant_is_scored_against_the_frozen_reference_and_moves_nobody(container: Container) -> None:
    rb = load_points()
    sample = generate(300, year=YEAR, seed=8)
    _load(container, sample)
    outcome = service.run_db_round(container.sessions, container.settings.data_dir, "shenyang", YEAR, rb)
    newcomer = generate(1, year=YEAR, seed=99, offset=900_000)
    strong = newcomer.panel.with_columns(
        [pl.col(f) * 50 for f in ("rd_expense", "operating_revenue", "ip_invention_granted")]
    )
    frame = build_firm_frame(
        rb, YEAR, newcomer.enterprises, strong, newcomer.qualifications, newcomer.negatives
    )
    with unit_of_work(container.sessions) as s:
        late = service.score_late_entrant(s, outcome.round_id or 0, rb, frame)
        after = repo.load_results(s, outcome.round_id or 0)
    assert late.explanation.points_centi > 0
    assert (
        after.select("uscc", "points_centi")
        .sort("uscc")
        .equals(outcome.results.select("uscc", "points_centi").sort("uscc"))
    )
    # re-scoring the whole population plus the newcomer against the frozen reference changes nobody
    old = build_firm_frame(
        rb, YEAR, sample.enterprises, sample.panel, sample.qualifications, sample.negatives
    )
    both, _ = polars_engine.score(pl.concat([old, frame]), rb, YEAR, outcome.reference)
    merged = both.join(outcome.results.select("uscc", pl.col("points_centi").alias("frozen")), on="uscc")
    assert merged.height == 300 and (merged["points_centi"] == merged["frozen"]).all()
    newcomer_row = both.filter(pl.col("uscc") == late.explanation.uscc)
    assert newcomer_row["points_centi"].item() == late.explanation.points_centi
    better = outcome.results.filter(pl.col("points_centi") > late.explanation.points_centi).height
    assert late.would_be_city_rank == better + 1


def test_rounds_can_be_compared(container: Container) -> None:
    rb = load_points()
    sample = generate(200, year=YEAR, seed=13)
    _load(container, sample)
    first = service.run_db_round(container.sessions, container.settings.data_dir, "shenyang", YEAR, rb)
    loser = first.results.sort("points_centi", descending=True)["uscc"][0]
    with unit_of_work(container.sessions) as s:
        ent_id = s.scalar(sa.select(Enterprise.id).where(Enterprise.uscc == loser))
        fix = pl.DataFrame({"enterprise_id": [ent_id], "year": [YEAR]}).with_columns(
            [
                pl.lit(0, dtype=pl.Int64).alias(f)
                for f in ("rd_expense", "operating_revenue", "tax_paid", "ip_invention_granted", "rd_staff")
            ]
        )
        write_wide(
            s.connection(),
            fix,
            {
                "source": "correction",
                "source_ref": None,
                "batch_id": None,
                "recorded_at": NOW,
                "recorded_by": None,
                "is_synthetic": True,
            },
        )
        gone = first.results.sort("points_centi")["uscc"][0]
        s.execute(sa.update(Enterprise).where(Enterprise.uscc == gone).values(exit_date=date(YEAR, 6, 30)))
    extra = generate(1, year=YEAR, seed=3, offset=800_000)
    _load(
        container,
        dataclasses.replace(
            extra, qualifications=extra.qualifications.clear(), negatives=extra.negatives.clear()
        ),
    )
    second = service.run_db_round(container.sessions, container.settings.data_dir, "shenyang", YEAR, rb)
    with unit_of_work(container.sessions) as s:
        d = diff_rounds(s, first.round_id or 0, second.round_id or 0)
    assert d.entries["uscc"].to_list() == extra.enterprises["uscc"].to_list()
    assert d.exits["uscc"].to_list() == [gone]
    assert d.movers.height == 199 and not d.rulebook_changed
    assert d.down(1)["uscc"].item() == loser
    assert d.down(1)["rank_change"].item() < 0
