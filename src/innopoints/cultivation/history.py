"""The pool's history is an append-only event list; membership and tier are derived by replaying it.

Event kinds: ``enter`` 入库, ``promote`` 升级, ``demote`` 降级, ``exit`` 出库. Each event records the tier
before and after, so the state after a sequence of events is, per firm, the ``tier_to`` of its last
event (null after an exit). Both a row-by-row fold (:func:`replay`) and its columnar twin
(:func:`state_after`) are given; the tests check they agree.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence

import polars as pl

from innopoints.cultivation.rulebook import CultivationRulebook
from innopoints.cultivation.screen import met_col

KIND_ZH = {"enter": "入库", "promote": "升级", "demote": "降级", "exit": "出库"}
EXIT_RULE = "pool.exit"


def replay(events: Iterable[Mapping[str, object]]) -> dict[str, str]:
    """Fold events in append order into {uscc: tier} of current members (checks each transition)."""
    state: dict[str, str] = {}
    for ev in events:
        uscc, kind = str(ev["uscc"]), ev["kind"]
        before = state.get(uscc)
        if before != ev["tier_from"]:
            raise ValueError(
                f"事件链断裂 (broken event chain) for {uscc}: state {before}, event from {ev['tier_from']}"
            )
        if kind == "exit":
            state.pop(uscc, None)
        else:
            state[uscc] = str(ev["tier_to"])
    return state


def state_after(events: pl.DataFrame, round_ids: Sequence[int]) -> pl.DataFrame:
    """(uscc, tier) of members after the events of ``round_ids`` (columnar: last event per firm)."""
    scoped = events.filter(pl.col("round_id").is_in(list(round_ids))).sort("id")
    return (
        scoped.group_by("uscc", maintain_order=True)
        .agg(pl.col("tier_to").last().alias("tier"))
        .filter(pl.col("tier").is_not_null())
    )


def _program_text(book: CultivationRulebook) -> pl.Expr:
    """Matched programs in Chinese, with "满足 n/N 项" for multi-condition programs."""
    parts = []
    for pid, program in book.programs.items():
        total = len(program.conditions)
        label = pl.lit(program.name.zh)
        if total > 1:
            label = pl.concat_str(
                [label, pl.lit("（满足 "), pl.col(met_col(pid)).cast(pl.String), pl.lit(f"/{total} 项）")]
            )
        parts.append(pl.when(pl.col(f"prog_{pid}")).then(label).otherwise(pl.lit(None, pl.String)))
    return pl.concat_str(parts, separator="、", ignore_nulls=True)


def derive_events(
    book: CultivationRulebook, before: pl.DataFrame, screened: pl.DataFrame, round_id: int
) -> pl.DataFrame:
    """The events that take the pool from ``before`` (uscc, tier) to the screening's tiers.

    Firms absent from the round (closed, not scored) leave the pool. Unchanged firms give no event, so
    screening the same round twice appends nothing.
    """
    ranks = {t.id: t.rank for t in book.tiers.tiers}
    names = {t.id: t.name.zh for t in book.tiers.tiers}
    refs = {t.id: t.reference for t in book.tiers.tiers}
    now = screened.select("uscc", "tier", "tier_rule", "programs", _program_text(book).alias("matched_zh"))
    joined = before.rename({"tier": "tier_from"}).join(
        now.rename({"tier": "tier_to"}), on="uscc", how="full", coalesce=True
    )
    rank_from = pl.col("tier_from").replace_strict(ranks, default=0, return_dtype=pl.Int32)
    rank_to = pl.col("tier_to").replace_strict(ranks, default=0, return_dtype=pl.Int32)
    kind = (
        pl.when(pl.col("tier_from").is_null() & pl.col("tier_to").is_not_null())
        .then(pl.lit("enter"))
        .when(pl.col("tier_from").is_not_null() & pl.col("tier_to").is_null())
        .then(pl.lit("exit"))
        .when(rank_to > rank_from)
        .then(pl.lit("promote"))
        .when(rank_to < rank_from)
        .then(pl.lit("demote"))
        .otherwise(pl.lit(None, pl.String))
    )
    changed = joined.with_columns(kind.alias("kind")).filter(pl.col("kind").is_not_null())
    from_zh = pl.col("tier_from").replace_strict(names, default="—", return_dtype=pl.String)
    to_zh = pl.col("tier_to").replace_strict(names, default="—", return_dtype=pl.String)
    gone = (
        pl.when(pl.col("programs").is_null())
        .then(pl.lit("本批次未参评（已注销或无数据）"))
        .otherwise(pl.lit("不再满足任何筛选规则"))
    )
    reason = (
        pl.when(pl.col("kind") == "exit")
        .then(pl.concat_str([pl.lit("出库：原层级 "), from_zh, pl.lit("，"), gone]))
        .otherwise(
            pl.concat_str(
                [
                    pl.col("kind").replace_strict(KIND_ZH, return_dtype=pl.String),
                    pl.lit("："),
                    pl.when(pl.col("kind") == "enter")
                    .then(pl.lit(""))
                    .otherwise(pl.concat_str([from_zh, pl.lit(" → ")])),
                    to_zh,
                    pl.lit("；满足 "),
                    pl.col("matched_zh"),
                ]
            )
        )
    )
    exit_ref = f"{book.source} screening.yaml（版本 {book.version_hash[:12]}）"
    reference = (
        pl.when(pl.col("kind") == "exit")
        .then(pl.lit(exit_ref))
        .otherwise(pl.col("tier_to").replace_strict(refs, default="", return_dtype=pl.String))
    )
    return changed.select(
        pl.lit(round_id, pl.Int64).alias("round_id"),
        "uscc",
        "kind",
        "tier_from",
        "tier_to",
        pl.col("programs").fill_null(""),
        pl.when(pl.col("kind") == "exit")
        .then(pl.lit(EXIT_RULE))
        .otherwise(pl.col("tier_rule"))
        .alias("rule_id"),
        reference.alias("reference"),
        reason.alias("reason_zh"),
    ).sort("uscc")
