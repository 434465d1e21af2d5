"""中试基地 and 概念验证中心 over the 10 clusters, their service menus covering all 156 subfields, and
cumulative outputs that sum exactly to the calibrated figures."""

from __future__ import annotations

from datetime import date, timedelta

import numpy as np
import polars as pl

from innopoints.synth.calibration import Calibration
from innopoints.synth.rng import exact_allocation, stream

OUTPUTS = ("new_products", "new_technologies", "incubated_enterprises", "service_contracts")


def _clusters_for(rng: np.random.Generator, cal: Calibration, total: int) -> list[str]:
    """Every cluster gets at least one base; the rest follow the cluster weights."""
    ids = cal.cluster_ids
    w = np.array([cal.cluster_weights[c] for c in ids])
    extra = exact_allocation(rng, total - len(ids), w)
    return [c for c, k in zip(ids, extra + 1, strict=True) for _ in range(int(k))]


def pilot_bases(cal: Calibration, seed: int) -> tuple[pl.DataFrame, pl.DataFrame]:
    rng = stream(seed, "pilots")
    pub = cal.published
    inst = cal.entities["institutions"]
    rows: dict[str, list[object]] = {
        k: [] for k in ("id", "name", "kind", "level", "cluster_id", "district_code", "established_on")
    }
    for kind, total in (
        ("pilot", int(pub["pilot_bases"])),
        ("concept", int(pub["concept_verification_centers"])),
    ):
        for cluster in _clusters_for(rng, cal, total):
            subfield = str(rng.choice(cal.subfields[cluster]))
            if kind == "concept" and rng.random() < 0.6:
                host = inst[int(rng.integers(0, len(inst)))]
                name, district = (
                    f"{host['name']}{cal.region.cluster_name(cluster)}概念验证中心",
                    host["district"],
                )
            else:
                district = str(
                    rng.choice(list(cal.district_weights), p=np.array(list(cal.district_weights.values())))
                )
                label = "中试基地" if kind == "pilot" else "概念验证中心"
                name = f"沈阳{subfield}{label}"
            rows["id"].append(len(rows["id"]) + 1)
            rows["name"].append(name)
            rows["kind"].append(kind)
            rows["level"].append("province" if rng.random() < 0.35 else "city")
            rows["cluster_id"].append(cluster)
            rows["district_code"].append(district)
            rows["established_on"].append(date(2019, 1, 1) + timedelta(days=int(rng.integers(0, 6 * 365))))
    bases = pl.DataFrame(rows)
    # Disambiguate repeated names (two bases of the same subfield) with a numbered suffix.
    bases = bases.with_columns(
        pl.when(pl.col("name").cum_count().over("name") > 1)
        .then(pl.col("name") + "（" + pl.col("name").cum_count().over("name").cast(pl.String) + "）")
        .otherwise(pl.col("name"))
        .alias("name")
    )
    age = (
        (np.datetime64("2025-12-31") - bases["established_on"].to_numpy())
        .astype("timedelta64[D]")
        .astype(np.float64)
    )
    weight = age * np.where(np.array(rows["level"]) == "province", 1.8, 1.0) * rng.uniform(0.5, 1.5, len(age))
    totals = cal.assumption["pilot_output_cumulative"]
    outputs = {k: exact_allocation(rng, int(totals[k]), weight) for k in OUTPUTS}
    bases = bases.with_columns([pl.Series(k, v.astype(np.int64)) for k, v in outputs.items()]).with_columns(
        is_synthetic=pl.lit(True)
    )
    return bases, _services(cal, rng, bases)


def _services(cal: Calibration, rng: np.random.Generator, bases: pl.DataFrame) -> pl.DataFrame:
    kinds = cal.vocabulary["pilot_service_kinds"]
    rows: dict[str, list[object]] = {
        k: [] for k in ("id", "base_id", "subfield", "name", "price_fen", "capacity_per_year")
    }
    for cluster in cal.cluster_ids:
        members = bases.filter(pl.col("cluster_id") == cluster)
        base_ids, base_kinds = members["id"].to_list(), members["kind"].to_list()
        subs = list(cal.subfields[cluster])
        # Round-robin first so every subfield of the cluster is on some menu, then extra items.
        plan = [(base_ids[i % len(base_ids)], base_kinds[i % len(base_ids)], s) for i, s in enumerate(subs)]
        for b, k in zip(base_ids, base_kinds, strict=True):
            plan += [(b, k, str(rng.choice(subs))) for _ in range(int(rng.integers(2, 6)))]
        for base_id, kind, subfield in plan:
            service = str(rng.choice(kinds[kind]))
            rows["id"].append(len(rows["id"]) + 1)
            rows["base_id"].append(base_id)
            rows["subfield"].append(subfield)
            rows["name"].append(f"{subfield}{service}")
            rows["price_fen"].append(int(np.exp(np.log(8e4) + 0.8 * rng.standard_normal()) / 100) * 100 * 100)
            rows["capacity_per_year"].append(int(rng.integers(4, 120)))
    return pl.DataFrame(rows).with_columns(is_synthetic=pl.lit(True))
