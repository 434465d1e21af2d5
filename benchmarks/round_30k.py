"""Full round over the 30,083-firm city: from Parquet (bar <= 1 s) and from the database (bar <= 5 s).

Run: .venv/bin/python benchmarks/round_30k.py
The panel comes from `innopoints synth --format parquet` (default city); the database is a SQLite file
under var/bench/rounds loaded once from that panel (enterprises, wide panel revisions, qualifications).
"""

from __future__ import annotations

from pathlib import Path

from round_common import CACHE, panel_dir, timed

from innopoints.scoring import service
from innopoints.scoring.rulebook import load_points

YEAR = 2025
N = 30_083


def db_container(data_dir: Path, folder: Path):  # type: ignore[no-untyped-def]
    """A SQLite database holding the Parquet city: enterprises, panel revisions (wide), qualifications."""
    from datetime import UTC, date, datetime

    import polars as pl
    import sqlalchemy as sa

    from innopoints.adapters.db.engine import unit_of_work
    from innopoints.adapters.db.panel_repo import write_wide
    from innopoints.adapters.db.tables import Enterprise, Qualification
    from innopoints.bootstrap import build_container
    from innopoints.settings import Settings

    fresh = not (data_dir / "innopoints.db").exists()
    container = build_container(Settings(data_dir=data_dir), migrate=True)
    if not fresh:
        return container
    ent = pl.read_parquet(folder / "enterprises.parquet")
    cols = [
        "id",
        "uscc",
        "name",
        "registration_date",
        "exit_date",
        "district_code",
        "park_id",
        "cluster_id",
        "high_tech_field_id",
        "listed",
        "mainland_resident",
        "is_synthetic",
    ]
    panel = pl.read_parquet(folder / "panel.parquet").join(ent.select("uscc", "id"), on="uscc")
    quals = []
    for r in ent.select(
        "id",
        "tech_sme_year",
        "high_tech_cert_granted_on",
        "high_tech_cert_expires_on",
        "ladder_tier",
        "ladder_year",
    ).iter_rows(named=True):
        if r["tech_sme_year"] is not None:
            y = int(r["tech_sme_year"])
            quals.append(
                {
                    "enterprise_id": r["id"],
                    "kind": "tech_sme",
                    "year": y,
                    "granted_on": date(y, 5, 1),
                    "expires_on": date(y, 12, 31),
                    "source": "synthetic",
                    "is_synthetic": True,
                }
            )
        if r["high_tech_cert_granted_on"] is not None:
            g = r["high_tech_cert_granted_on"]
            quals.append(
                {
                    "enterprise_id": r["id"],
                    "kind": "high_tech_enterprise",
                    "year": g.year,
                    "granted_on": g,
                    "expires_on": r["high_tech_cert_expires_on"],
                    "source": "synthetic",
                    "is_synthetic": True,
                }
            )
        if r["ladder_tier"] is not None:
            y = int(r["ladder_year"])
            quals.append(
                {
                    "enterprise_id": r["id"],
                    "kind": r["ladder_tier"],
                    "year": y,
                    "granted_on": date(y, 6, 1),
                    "expires_on": date(y + 2, 12, 31),
                    "source": "synthetic",
                    "is_synthetic": True,
                }
            )
    with unit_of_work(container.sessions) as s:
        s.execute(sa.insert(Enterprise), ent.select(cols).to_dicts())
        meta = {
            "source": "synthetic",
            "source_ref": "benchmark",
            "batch_id": None,
            "recorded_at": datetime(2026, 1, 15, tzinfo=UTC),
            "recorded_by": None,
            "is_synthetic": True,
        }
        fields = [c for c in panel.columns if c not in ("uscc", "year", "id")]
        write_wide(
            s.connection(),
            panel.rename({"id": "enterprise_id"}).select("enterprise_id", "year", *fields),
            meta,
        )
        s.execute(sa.insert(Qualification), quals)
    return container


def main() -> None:
    rb = load_points()
    folder = panel_dir(N)
    timed("warm-up (imports, first Polars run)", lambda: service.run_panel_round(folder, YEAR, rb))
    outcome, t_parquet = timed(
        f"full round from Parquet ({N:,} firms registered)",
        lambda: service.run_panel_round(folder, YEAR, rb),
        repeat=3,
    )
    print(f"  firms scored {outcome.firms:,}; bar <= 1 s -> {'PASS' if t_parquet <= 1.0 else 'FAIL'}")
    container = db_container(CACHE / "db_30k", folder)
    result, t_db = timed(
        "full round from the database (read revisions, pivot, score, store round + reference + results + snapshot)",
        lambda: service.run_db_round(container.sessions, container.settings.data_dir, "shenyang", YEAR, rb),
        repeat=2,
    )
    print(
        f"  firms scored {result.firms:,}; round id {result.round_id}; bar <= 5 s -> {'PASS' if t_db <= 5.0 else 'FAIL'}"
    )


if __name__ == "__main__":
    main()
