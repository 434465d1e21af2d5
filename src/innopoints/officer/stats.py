"""Aggregates of a round's results for charts: points histogram, ladder funnel, by-district bars, list
counts, and the movers between two rounds. Pure functions over frames (points in hundredths)."""

from __future__ import annotations

from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal
from typing import Any

import polars as pl

from innopoints.region import Region
from innopoints.scoring.diff import compare_results
from innopoints.scoring.rulebook import PointsRulebook

BIN_POINTS = 50
LISTS = (("top5", "前5%"), ("top10", "前10%"), ("top20", "前20%"))


@dataclass(frozen=True)
class FunnelStep:
    id: str
    name: str
    lowest_rung: str  # firms at this rung or higher are counted
    rungs: tuple[str, ...]  # the rungs shown as "held" at this step


FUNNEL: tuple[FunnelStep, ...] = (
    FunnelStep("tech_sme", "科技型中小企业", "tech_sme", ("tech_sme",)),
    FunnelStep("high_tech_enterprise", "高新技术企业", "high_tech_enterprise", ("high_tech_enterprise",)),
    FunnelStep("eaglet", "雏鹰企业", "eaglet", ("eaglet",)),
    FunnelStep("gazelle", "瞪羚企业", "gazelle", ("gazelle",)),
    FunnelStep(
        "unicorn",
        "独角兽企业（含种子、潜在）",
        "seed_unicorn",
        ("seed_unicorn", "potential_unicorn", "unicorn"),
    ),
    FunnelStep("tech_leader", "科技领军企业", "tech_leader", ("tech_leader",)),
)


def points(centi: int | float | None) -> Decimal | None:
    if centi is None:
        return None
    return (Decimal(str(centi)) / 100).quantize(Decimal("0.01"), rounding=ROUND_HALF_UP)


def histogram(results: pl.DataFrame, width: int = BIN_POINTS) -> list[dict[str, Any]]:
    """Firms per points band of ``width`` points: [{label, low, high, count}], empty bands included."""
    if results.is_empty():
        return []
    step = width * 100
    bins = results.select((pl.col("points_centi") // step).alias("bin")).to_series()
    counts = dict(bins.value_counts().iter_rows())
    low, high = int(bins.min()), int(bins.max())  # type: ignore[arg-type]
    return [
        {
            "label": f"{b * width}–{(b + 1) * width}",
            "low": b * width,
            "high": (b + 1) * width,
            "count": counts.get(b, 0),
        }
        for b in range(low, high + 1)
    ]


def summary(results: pl.DataFrame) -> dict[str, Any]:
    """Count, median, mean, highest and lowest points, and firms on each list."""
    if results.is_empty():
        return {
            "firms": 0,
            "median": None,
            "mean": None,
            "max": None,
            "min": None,
            "lists": {k: 0 for k, _ in LISTS},
        }
    pts = results["points_centi"]
    return {
        "firms": results.height,
        "median": points(pts.median()),  # type: ignore[arg-type]
        "mean": points(pts.mean()),  # type: ignore[arg-type]
        "max": points(pts.max()),  # type: ignore[arg-type]
        "min": points(pts.min()),  # type: ignore[arg-type]
        "lists": {k: int(results[k].sum()) for k, _ in LISTS},
    }


def funnel(results: pl.DataFrame, rb: PointsRulebook) -> list[dict[str, Any]]:
    """The cultivation ladder as a funnel: firms at each rung or higher (cumulative) and holding it."""
    lowest_first = [r.id for r in reversed(rb.ladder.ladder)]
    rank = {rung: i + 1 for i, rung in enumerate(lowest_first)}
    ranks = results["ladder_stage"].replace_strict(rank, default=0, return_dtype=pl.Int32)
    stages = results["ladder_stage"]
    return [
        {
            "id": step.id,
            "name": step.name,
            "at_or_above": int((ranks >= rank[step.lowest_rung]).sum()),
            "held": int(stages.is_in(list(step.rungs)).sum()),
        }
        for step in FUNNEL
    ]


def by_district(results: pl.DataFrame, region: Region) -> list[dict[str, Any]]:
    """Per district of the region: firms scored, mean points and firms on the 前20% list.
    ``results`` must carry ``district_code`` (see ``scope.with_names``)."""
    grouped = {
        row["district_code"]: row
        for row in results.group_by("district_code")
        .agg(
            pl.len().alias("firms"),
            pl.col("points_centi").mean().alias("mean_centi"),
            pl.col("top20").sum().alias("top20"),
        )
        .iter_rows(named=True)
    }
    out = []
    for d in region.districts:
        row = grouped.get(d.id)
        out.append(
            {
                "code": d.id,
                "name": d.name_zh,
                "firms": 0 if row is None else int(row["firms"]),
                "mean": None if row is None else points(row["mean_centi"]),
                "top20": 0 if row is None else int(row["top20"]),
            }
        )
    return out


def by_stage(results: pl.DataFrame, rb: PointsRulebook) -> list[dict[str, Any]]:
    counts = dict(results["stage"].value_counts().iter_rows()) if results.height else {}
    return [{"id": s.id, "name": s.name_zh, "firms": int(counts.get(s.id, 0))} for s in rb.stages.stages]


@dataclass(frozen=True)
class Movers:
    common: int
    up: list[dict[str, Any]]
    down: list[dict[str, Any]]
    entries: list[dict[str, Any]]
    exits: list[dict[str, Any]]
    moved_up: int
    moved_down: int


def _mover_rows(frame: pl.DataFrame) -> list[dict[str, Any]]:
    out = []
    for r in frame.iter_rows(named=True):
        out.append(
            {
                "uscc": r["uscc"],
                "name": r["name"],
                "district": r["district"],
                "points_from": points(r["points_from"]),
                "points_to": points(r["points_to"]),
                "delta": points(r["delta_centi"]),
                "rank_from": r["city_rank_from"],
                "rank_to": r["city_rank_to"],
                "rank_change": r["rank_change"],
            }
        )
    return out


def _member_rows(frame: pl.DataFrame) -> list[dict[str, Any]]:
    return [
        {
            "uscc": r["uscc"],
            "name": r["name"],
            "district": r["district"],
            "points": points(r["points_centi"]),
            "city_rank": r["city_rank"],
            "peer_group": r["peer_group"],
        }
        for r in frame.iter_rows(named=True)
    ]


def movers(
    before: pl.DataFrame, after: pl.DataFrame, firms: pl.DataFrame, region: Region, top: int | None = 10
) -> Movers:
    """Movers up and down (by points), entries and exits between two rounds, limited to ``firms``
    (the principal's scope). ``top`` None keeps every row (exports)."""
    from innopoints.officer.scope import with_names

    moved, entries, exits = compare_results(before, after)
    moved = with_names(moved, firms, region)
    up = moved.filter(pl.col("delta_centi") > 0).sort(["delta_centi", "uscc"], descending=[True, False])
    down = moved.filter(pl.col("delta_centi") < 0).sort(["delta_centi", "uscc"])
    entries = with_names(entries, firms, region).sort("city_rank")
    exits = with_names(exits, firms, region).sort("city_rank")

    def head(frame: pl.DataFrame) -> pl.DataFrame:
        return frame if top is None else frame.head(top)

    return Movers(
        common=moved.height,
        up=_mover_rows(head(up)),
        down=_mover_rows(head(down)),
        entries=_member_rows(head(entries)),
        exits=_member_rows(head(exits)),
        moved_up=up.height,
        moved_down=down.height,
    )
