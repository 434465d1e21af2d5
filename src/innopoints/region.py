"""Region packs: districts, parks, clusters and published figures as data (rulebook/<region>/)."""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache
from importlib import resources
from typing import Any

import yaml


@dataclass(frozen=True)
class Named:
    id: str
    name_zh: str
    name_en: str


@dataclass(frozen=True)
class Region:
    code: str
    name_zh: str
    name_en: str
    source: str
    districts: tuple[Named, ...]
    parks: tuple[Named, ...]
    park_districts: dict[str, str]
    clusters: tuple[Named, ...]
    high_tech_fields: tuple[Named, ...]
    published_2025: dict[str, Any]
    targets_2026: dict[str, Any]

    def district_name(self, code: str) -> str:
        return _lookup(self.districts, code)

    def park_name(self, park_id: str | None) -> str:
        return "" if not park_id else _lookup(self.parks, park_id)

    def cluster_name(self, cluster_id: str) -> str:
        return _lookup(self.clusters, cluster_id)

    def field_name(self, field_id: str | None) -> str:
        return "" if not field_id else _lookup(self.high_tech_fields, field_id)


def _lookup(items: tuple[Named, ...], key: str) -> str:
    for item in items:
        if item.id == key:
            return item.name_zh
    return key


def _read(region: str, name: str) -> dict[str, Any]:
    base = resources.files("innopoints.rulebook").joinpath(region)
    data: dict[str, Any] = yaml.safe_load(base.joinpath(name).read_text("utf-8"))
    return data


def _named(rows: list[dict[str, str]], key: str = "id") -> tuple[Named, ...]:
    return tuple(Named(r[key], r["name_zh"], r["name_en"]) for r in rows)


@lru_cache(maxsize=4)
def load_region(region: str = "shenyang") -> Region:
    try:
        data = _read(region, "region.yaml")
    except FileNotFoundError as exc:
        raise ValueError(f"未找到区域包 “{region}” (no region pack rulebook/{region}/region.yaml)") from exc
    targets = _read(region, "targets_2026.yaml")["targets"]
    meta = data["region"]
    return Region(
        code=meta["code"],
        name_zh=meta["name_zh"],
        name_en=meta["name_en"],
        source=meta["source"],
        districts=_named(data["districts"], "code"),
        parks=_named(data["parks"]),
        park_districts={p["id"]: p["district_code"] for p in data["parks"]},
        clusters=_named(data["clusters"]),
        high_tech_fields=_named(data["high_tech_fields"]),
        published_2025=data["published_2025"],
        targets_2026=targets,
    )
