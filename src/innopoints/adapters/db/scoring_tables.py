"""Scoring rounds (积分评价批次): the frozen round, its peer reference distributions and per-firm results.

Created by migration 0002_scoring_rounds. Points are integer hundredths (``points_centi``), percentiles
basis points, quantiles JSON arrays of IEEE doubles (exact round trip).
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import (
    BigInteger,
    Boolean,
    DateTime,
    ForeignKey,
    Index,
    Integer,
    SmallInteger,
    String,
    Text,
    UniqueConstraint,
)
from sqlalchemy.orm import Mapped, mapped_column

from innopoints.adapters.db.tables import Base


class ScoringRound(Base):
    __tablename__ = "scoring_round"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    year: Mapped[int] = mapped_column(SmallInteger, nullable=False, index=True)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), nullable=False)
    region: Mapped[str] = mapped_column(String(40), nullable=False)
    rulebook_hash: Mapped[str] = mapped_column(String(64), nullable=False)
    engine: Mapped[str] = mapped_column(String(20), nullable=False)  # polars / spark
    input_kind: Mapped[str] = mapped_column(String(20), nullable=False)  # database / parquet
    input_ref: Mapped[str] = mapped_column(String(500), nullable=False)
    input_sha256: Mapped[str] = mapped_column(String(64), nullable=False)
    snapshot_path: Mapped[str | None] = mapped_column(String(500))
    quantile_points: Mapped[int] = mapped_column(Integer, nullable=False)
    levels_json: Mapped[str] = mapped_column(Text, nullable=False)
    firms: Mapped[int] = mapped_column(Integer, nullable=False)
    note: Mapped[str] = mapped_column(Text, nullable=False, default="")


class ScoringReference(Base):
    """One peer group × indicator frozen distribution (quantiles) of a round."""

    __tablename__ = "scoring_reference"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    round_id: Mapped[int] = mapped_column(ForeignKey("scoring_round.id"), nullable=False)
    peer_group: Mapped[str] = mapped_column(String(100), nullable=False)
    indicator: Mapped[str] = mapped_column(String(60), nullable=False)
    group_size: Mapped[int] = mapped_column(Integer, nullable=False)
    value_count: Mapped[int] = mapped_column(Integer, nullable=False)
    quantiles_json: Mapped[str | None] = mapped_column(Text)

    __table_args__ = (
        UniqueConstraint("round_id", "peer_group", "indicator", name="uq_scoring_reference_key"),
    )


class ScoringResult(Base):
    """One firm's result in a round."""

    __tablename__ = "scoring_result"

    id: Mapped[int] = mapped_column(BigInteger().with_variant(Integer, "sqlite"), primary_key=True)
    round_id: Mapped[int] = mapped_column(ForeignKey("scoring_round.id"), nullable=False)
    uscc: Mapped[str] = mapped_column(String(18), nullable=False)
    stage: Mapped[str] = mapped_column(String(20), nullable=False)
    peer_group: Mapped[str] = mapped_column(String(100), nullable=False)
    points_centi: Mapped[int] = mapped_column(Integer, nullable=False)
    base_centi: Mapped[int] = mapped_column(Integer, nullable=False)
    group_scores_json: Mapped[str] = mapped_column(Text, nullable=False)  # {group id: hundredths}
    bonus_points: Mapped[int] = mapped_column(Integer, nullable=False)
    penalty_points: Mapped[int] = mapped_column(Integer, nullable=False)
    peer_rank: Mapped[int] = mapped_column(Integer, nullable=False)
    peer_size: Mapped[int] = mapped_column(Integer, nullable=False)
    city_rank: Mapped[int] = mapped_column(Integer, nullable=False)
    percentile_bp: Mapped[int] = mapped_column(Integer, nullable=False)
    top5: Mapped[bool] = mapped_column(Boolean, nullable=False)
    top10: Mapped[bool] = mapped_column(Boolean, nullable=False)
    top20: Mapped[bool] = mapped_column(Boolean, nullable=False)
    ladder_stage: Mapped[str] = mapped_column(String(30), nullable=False)
    tech_sme_score: Mapped[int | None] = mapped_column(SmallInteger)
    tech_sme_qualified: Mapped[bool | None] = mapped_column(Boolean)

    __table_args__ = (
        UniqueConstraint("round_id", "uscc", name="uq_scoring_result_round_uscc"),
        Index("ix_scoring_result_round_points", "round_id", "points_centi"),
        Index("ix_scoring_result_round_group", "round_id", "peer_group"),
    )
