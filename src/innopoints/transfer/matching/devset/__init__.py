"""The labelled development set for matching (hand-written in this repository, no external data).

Kept as package data (not under tests/) so that ``innopoints match evaluate`` works from an installed
package. One YAML file per cluster (+ ``distractors.yaml``); see the header of ``new_energy.yaml`` for
the format and docs/matching.md for how it was written and split.
"""

from __future__ import annotations

import random
from dataclasses import dataclass
from decimal import Decimal
from functools import lru_cache
from importlib import resources
from typing import Any

import yaml

from innopoints.transfer.matching.records import AchievementRecord, DemandRecord

CLUSTER_FILES = (
    "auto_parts",
    "aerospace",
    "next_gen_it",
    "new_materials",
    "artificial_intelligence",
    "biomedicine",
    "robotics",
    "new_energy",
    "modern_agriculture",
    "tech_services",
    "distractors",
)
SHUFFLE_SEED = 2026


@dataclass(frozen=True)
class DevSet:
    achievements: tuple[AchievementRecord, ...]
    demands: tuple[DemandRecord, ...]
    qrels: dict[str, dict[str, int]]  # demand id → achievement id → grade (1 or 2)
    split: dict[str, str]  # demand id → "tune" | "test"

    def demands_in(self, part: str) -> list[DemandRecord]:
        return [d for d in self.demands if part == "all" or self.split[d.id] == part]


def _wan(value: Any) -> Decimal | None:
    if value is None or value == "":
        return None
    return Decimal(str(value)) * 10_000


def _keywords(value: Any) -> tuple[str, ...]:
    if not value:
        return ()
    return tuple(k.strip() for k in str(value).split(";") if k.strip())


@lru_cache(maxsize=1)
def load_devset() -> DevSet:
    from innopoints.transfer.matching.knowledge import load_knowledge

    names = load_knowledge().cluster_names
    raw_achievements: list[tuple[dict[str, Any], str, str]] = []  # (item, topic key, default field)
    demands: list[DemandRecord] = []
    demand_of_topic: dict[str, str] = {}
    split: dict[str, str] = {}
    base = resources.files(__name__)
    for name in CLUSTER_FILES:
        data = yaml.safe_load(base.joinpath(f"{name}.yaml").read_text("utf-8"))
        default_field = names[data["cluster"]]
        for pos, topic in enumerate(data["topics"]):
            if "d" in topic:
                d = topic["d"]
                did = f"D{len(demands) + 1:03d}"
                demands.append(
                    DemandRecord(
                        id=did,
                        title=d["t"],
                        description=d["x"],
                        field=d.get("f", default_field),
                        budget_yuan=_wan(d.get("b")),
                        district=d.get("dist", "") or "",
                    )
                )
                demand_of_topic[topic["key"]] = did
                split[did] = "tune" if pos % 2 == 0 else "test"
            raw_achievements.extend((item, topic["key"], default_field) for item in topic["a"])
    order = list(range(len(raw_achievements)))
    random.Random(SHUFFLE_SEED).shuffle(order)  # ids and file order carry no hint of relevance
    achievements: list[AchievementRecord] = [None] * len(order)  # type: ignore[list-item]
    qrels: dict[str, dict[str, int]] = {d.id: {} for d in demands}
    for new_pos, old_pos in enumerate(order):
        item, key, default_field = raw_achievements[old_pos]
        aid = f"A{new_pos + 1:04d}"
        achievements[new_pos] = AchievementRecord(
            id=aid,
            title=item["t"],
            abstract=item.get("x", ""),
            field=item.get("f", default_field),
            institution=item.get("i", ""),
            trl=item.get("trl"),
            transfer_mode=item.get("m", "转让"),
            price_yuan=_wan(item.get("p")),
            keywords=_keywords(item.get("k")),
        )
        grades = {key: int(item.get("r", 0)), **{k: int(v) for k, v in item.get("also", {}).items()}}
        for topic_key, grade in grades.items():
            if grade > 0 and topic_key in demand_of_topic:
                qrels[demand_of_topic[topic_key]][aid] = grade
    return DevSet(tuple(achievements), tuple(demands), qrels, split)
