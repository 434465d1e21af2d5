"""Inputs of the growth-potential model: the wide panel plus the static enterprise columns it needs.

Two sources give the same shape: a synthetic-city Parquet directory (``enterprises.parquet`` +
``panel.parquet``) or the database (``current_panel_frame`` joined to ``enterprise`` and ladder
recognitions from ``qualification``). Panel values stay Int64 hundredths (``registry.panel_fields.SCALE``).
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import polars as pl
import sqlalchemy as sa

from innopoints.errors import UserError

LADDER_KINDS = ("eaglet", "gazelle", "seed_unicorn", "potential_unicorn", "unicorn")
ENTERPRISE_COLUMNS = ("uscc", "registration_date", "park_id", "cluster_id", "ladder_year")


@dataclass(frozen=True)
class PotentialData:
    panel: pl.DataFrame  # uscc, year, one Int64 column per panel field (hundredths)
    enterprises: pl.DataFrame  # uscc, registration_date, park_id, cluster_id, ladder_year (first recognition)
    source: str  # "parquet:<dir>" or "database"

    @property
    def years(self) -> list[int]:
        return sorted(int(y) for y in self.panel["year"].unique())


def load_parquet(directory: Path) -> PotentialData:
    panel_path, ent_path = directory / "panel.parquet", directory / "enterprises.parquet"
    for path in (panel_path, ent_path):
        if not path.is_file():
            raise UserError(
                f"找不到 {path} (missing file; write one with `innopoints synth --format parquet`)"
            )
    panel = pl.read_parquet(panel_path).with_columns(pl.col("year").cast(pl.Int64))
    ent = pl.read_parquet(ent_path)
    ladder = pl.when(pl.col("ladder_tier").is_in(list(LADDER_KINDS))).then(pl.col("ladder_year"))
    enterprises = ent.select(
        "uscc", "registration_date", "park_id", "cluster_id", ladder.cast(pl.Int64).alias("ladder_year")
    )
    return PotentialData(panel, enterprises, f"parquet:{directory}")


def load_database(engine: sa.Engine) -> PotentialData:
    from innopoints.adapters.db.panel_repo import current_panel_frame
    from innopoints.adapters.db.tables import Enterprise, Qualification

    with engine.connect() as conn:
        wide = current_panel_frame(conn)
        ent_rows = conn.execute(
            sa.select(
                Enterprise.id,
                Enterprise.uscc,
                Enterprise.registration_date,
                Enterprise.park_id,
                Enterprise.cluster_id,
            )
        ).all()
        first = conn.execute(
            sa.select(Qualification.enterprise_id, sa.func.min(Qualification.year))
            .where(Qualification.kind.in_(LADDER_KINDS), Qualification.revoked_on.is_(None))
            .group_by(Qualification.enterprise_id)
        ).all()
    if wide.is_empty():
        raise UserError(
            "数据库中没有指标面板数据 (the database holds no panel; load data or use --panel DIR)"
        )
    ent = pl.DataFrame(
        ent_rows,
        schema={
            "id": pl.Int64,
            "uscc": pl.String,
            "registration_date": pl.Date,
            "park_id": pl.String,
            "cluster_id": pl.String,
        },
        orient="row",
    )
    ladder = pl.DataFrame(first, schema={"id": pl.Int64, "ladder_year": pl.Int64}, orient="row")
    ent = ent.join(ladder, on="id", how="left")
    panel = (
        wide.join(ent.select("id", "uscc"), left_on="enterprise_id", right_on="id", how="inner")
        .drop("enterprise_id")
        .select("uscc", "year", pl.exclude("uscc", "year"))
    )
    return PotentialData(panel, ent.drop("id"), "database")
