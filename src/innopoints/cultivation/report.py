"""Round-to-round pool report: new entries, promotions, demotions and exits, by district and cluster,
derived by replaying the event list to both rounds; exportable as CSV / XLSX."""

from __future__ import annotations

from dataclasses import dataclass

import polars as pl
from sqlalchemy.orm import Session

from innopoints.accounts.context import Actor
from innopoints.adapters.db import cultivation_repo as repo
from innopoints.cultivation.history import KIND_ZH, state_after
from innopoints.cultivation.rulebook import CultivationRulebook
from innopoints.cultivation.service import rounds_up_to, within_scope
from innopoints.errors import UserError
from innopoints.region import Region
from innopoints.registry.exporting import ExportFormat, export_rows
from innopoints.registry.scope import check

CHANGE_ORDER = ("enter", "promote", "demote", "exit")
EXPORT_COLUMNS = (
    ("change_zh", "变动"),
    ("uscc", "统一社会信用代码"),
    ("name", "企业名称"),
    ("district", "区县"),
    ("cluster", "产业集群"),
    ("tier_from_zh", "原层级"),
    ("tier_to_zh", "新层级"),
)


@dataclass(frozen=True)
class PoolDiff:
    from_round: int
    to_round: int
    rows: pl.DataFrame  # one row per changed firm
    by_district: pl.DataFrame  # district × change counts
    by_cluster: pl.DataFrame

    def count(self, change: str) -> int:
        return int((self.rows["change"] == change).sum())


def _named(col: pl.Expr, names: dict[str, str]) -> pl.Expr:
    """Chinese name of a code (the code itself when unknown)."""
    return col.replace_strict(names, default=col, return_dtype=pl.String)


def _summary(rows: pl.DataFrame, key: str) -> pl.DataFrame:
    counts = [(pl.col("change") == c).sum().cast(pl.Int64).alias(c) for c in CHANGE_ORDER]
    return rows.group_by(key).agg(counts).sort(key)


def pool_diff(
    session: Session,
    book: CultivationRulebook,
    region: Region,
    from_round: int,
    to_round: int,
    *,
    actor: Actor | None = None,
) -> PoolDiff:
    """The changes between two screened rounds; with an ``actor``: capability ``pool.view`` and only the
    firms in the actor's data scope (the district and cluster summaries count those)."""
    check(actor, "pool.view")
    to_ids = rounds_up_to(session, to_round)
    from_ids = rounds_up_to(session, from_round)
    if len(from_ids) >= len(to_ids):
        raise UserError(f"--from 批次 {from_round} 须早于 --to 批次 {to_round} (from must precede to)")
    events = repo.event_states(session, to_ids)
    before = state_after(events, from_ids).rename({"tier": "tier_from"})
    after = state_after(events, to_ids).rename({"tier": "tier_to"})
    ranks = {t.id: t.rank for t in book.tiers.tiers}
    names = {t.id: t.name.zh for t in book.tiers.tiers}
    r_from = pl.col("tier_from").replace_strict(ranks, default=0, return_dtype=pl.Int32)
    r_to = pl.col("tier_to").replace_strict(ranks, default=0, return_dtype=pl.Int32)
    change = (
        pl.when(pl.col("tier_from").is_null())
        .then(pl.lit("enter"))
        .when(pl.col("tier_to").is_null())
        .then(pl.lit("exit"))
        .when(r_to > r_from)
        .then(pl.lit("promote"))
        .when(r_to < r_from)
        .then(pl.lit("demote"))
        .otherwise(pl.lit(None, pl.String))
    )
    ent = repo.enterprises(session).select("uscc", "name", "district_code", "cluster_id")
    rows = (
        before.join(after, on="uscc", how="full", coalesce=True)
        .with_columns(change.alias("change"))
        .filter(pl.col("change").is_not_null())
        .join(ent, on="uscc", how="left")
        .with_columns(
            pl.col("change").replace_strict(KIND_ZH, return_dtype=pl.String).alias("change_zh"),
            _named(pl.col("district_code"), {d.id: d.name_zh for d in region.districts}).alias("district"),
            _named(pl.col("cluster_id"), {c.id: c.name_zh for c in region.clusters}).alias("cluster"),
            pl.col("tier_from")
            .replace_strict(names, default="—", return_dtype=pl.String)
            .alias("tier_from_zh"),
            pl.col("tier_to").replace_strict(names, default="—", return_dtype=pl.String).alias("tier_to_zh"),
            pl.col("change")
            .replace_strict({c: i for i, c in enumerate(CHANGE_ORDER)}, return_dtype=pl.Int32)
            .alias("_o"),
        )
        .sort("_o", "district_code", "uscc")
        .drop("_o")
    )
    rows = within_scope(session, actor, rows)
    return PoolDiff(from_round, to_round, rows, _summary(rows, "district"), _summary(rows, "cluster"))


def export_diff(diff: PoolDiff, fmt: ExportFormat) -> bytes:
    return export_rows(EXPORT_COLUMNS, diff.rows.iter_rows(named=True), fmt)
