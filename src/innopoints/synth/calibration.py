"""Calibration data of the synthetic city (synth/data/*.yaml), loaded once.

Published figures are copied into ``data/calibration.yaml`` with their source; everything marked
``assumption`` there is a synthetic choice, not an official statistic.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache
from importlib import resources
from typing import Any

import yaml

from innopoints.region import Region, load_region

DEFAULT_SEED = 20250129
REGION = "shenyang"


def _read(name: str) -> Any:
    return yaml.safe_load(resources.files("innopoints.synth.data").joinpath(name).read_text("utf-8"))


@dataclass(frozen=True)
class Calibration:
    region: Region
    published: dict[str, Any]
    assumption: dict[str, Any]
    district_weights: dict[str, float]
    park_given_district: dict[str, dict[str, float]]
    cluster_weights: dict[str, float]
    district_cluster_tilt: dict[str, dict[str, float]]
    field_given_cluster: dict[str, dict[str, float]]
    cluster_economics: dict[str, dict[str, float]]
    year_shock: dict[int, float]
    subfields: dict[str, list[str]]
    entities: dict[str, Any]
    vocabulary: dict[str, Any]

    @property
    def cluster_ids(self) -> list[str]:
        return [c.id for c in self.region.clusters]

    @property
    def district_codes(self) -> list[str]:
        return [d.id for d in self.region.districts]

    @property
    def park_ids(self) -> list[str]:
        return [p.id for p in self.region.parks]

    @property
    def field_ids(self) -> list[str]:
        return [f.id for f in self.region.high_tech_fields]

    @property
    def years(self) -> list[int]:
        return [int(y) for y in self.assumption["panel_years"]]

    @property
    def default_enterprises(self) -> int:
        return int(self.published["tech_enterprises_total"])


@lru_cache(maxsize=1)
def load_calibration() -> Calibration:
    cal = _read("calibration.yaml")
    region = load_region(REGION)
    out = Calibration(
        region=region,
        published=cal["published"],
        assumption=cal["assumption"],
        district_weights={str(k): float(v) for k, v in cal["district_weights"].items()},
        park_given_district={str(k): v for k, v in cal["park_given_district"].items()},
        cluster_weights=cal["cluster_weights"],
        district_cluster_tilt={str(k): v for k, v in cal["district_cluster_tilt"].items()},
        field_given_cluster=cal["field_given_cluster"],
        cluster_economics=cal["cluster_economics"],
        year_shock={int(k): float(v) for k, v in cal["year_shock"].items()},
        subfields=_read("subfields.yaml"),
        entities=_read("entities.yaml"),
        vocabulary=_read("vocabulary.yaml"),
    )
    _check(out)
    return out


def _check(cal: Calibration) -> None:
    """Fail loudly if the data files disagree with the region pack."""
    clusters = set(cal.cluster_ids)
    for name, keys in (
        ("cluster_weights", set(cal.cluster_weights)),
        ("cluster_economics", set(cal.cluster_economics)),
        ("field_given_cluster", set(cal.field_given_cluster)),
        ("subfields", set(cal.subfields)),
        ("vocabulary.clusters", set(cal.vocabulary["clusters"])),
    ):
        if keys != clusters:
            raise ValueError(
                f"synth/data: {name} must list exactly the region's clusters, got {sorted(keys)}"
            )
    if set(cal.district_weights) != set(cal.district_codes):
        raise ValueError("synth/data: district_weights must list exactly the region's 13 districts")
    fields = set(cal.field_ids)
    for cluster, dist in cal.field_given_cluster.items():
        if not set(dist) <= fields:
            raise ValueError(f"synth/data: field_given_cluster.{cluster} names an unknown high-tech field")
    parks = set(cal.park_ids)
    for district, dist in cal.park_given_district.items():
        if not set(dist) <= parks or sum(dist.values()) >= 1:
            raise ValueError(f"synth/data: park_given_district.{district} is invalid")
    total = sum(len(v) for v in cal.subfields.values())
    if total != int(cal.published["pilot_subfields"]):
        raise ValueError(f"synth/data: subfields.yaml lists {total} subfields, expected 156")
