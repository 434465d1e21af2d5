"""Compare two scoring rounds: movers up/down by points and rank, entries and exits."""

from __future__ import annotations

from dataclasses import dataclass

import polars as pl
from sqlalchemy.orm import Session

from innopoints.adapters.db import scoring_repo as repo


@dataclass(frozen=True)
class RoundDiff:
    from_round: int
    to_round: int
    movers: pl.DataFrame  # uscc, points_from/to (hundredths), delta_centi, city_rank_from/to, rank_change
    entries: pl.DataFrame  # in the later round only
    exits: pl.DataFrame  # in the earlier round only
    rulebook_changed: bool

    def up(self, n: int = 10) -> pl.DataFrame:
        return (
            self.movers.filter(pl.col("delta_centi") > 0)
            .sort(["delta_centi", "uscc"], descending=[True, False])
            .head(n)
        )

    def down(self, n: int = 10) -> pl.DataFrame:
        return self.movers.filter(pl.col("delta_centi") < 0).sort(["delta_centi", "uscc"]).head(n)


def compare_results(
    before: pl.DataFrame, after: pl.DataFrame
) -> tuple[pl.DataFrame, pl.DataFrame, pl.DataFrame]:
    keep = ["uscc", "points_centi", "city_rank", "peer_group", "peer_rank"]
    a = before.select(keep)
    b = after.select(keep)
    both = a.join(b, on="uscc", suffix="_to").rename(
        {
            "points_centi": "points_from",
            "city_rank": "city_rank_from",
            "peer_group": "peer_group_from",
            "peer_rank": "peer_rank_from",
            "points_centi_to": "points_to",
        }
    )
    movers = both.with_columns(
        (pl.col("points_to") - pl.col("points_from")).alias("delta_centi"),
        (pl.col("city_rank_from") - pl.col("city_rank_to")).alias("rank_change"),
    )
    entries = b.join(a, on="uscc", how="anti").sort("city_rank")
    exits = a.join(b, on="uscc", how="anti").sort("city_rank")
    return movers, entries, exits


def diff_rounds(session: Session, from_round: int, to_round: int) -> RoundDiff:
    r1 = repo.get_round(session, from_round)
    r2 = repo.get_round(session, to_round)
    movers, entries, exits = compare_results(
        repo.load_results(session, r1.id), repo.load_results(session, r2.id)
    )
    return RoundDiff(r1.id, r2.id, movers, entries, exits, r1.rulebook_hash != r2.rulebook_hash)
