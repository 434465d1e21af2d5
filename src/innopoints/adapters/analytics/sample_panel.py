"""Seeded random panels in the synthetic-city Parquet layout, for tests and benchmarks.

``enterprises`` (uscc, name, registration_date, exit_date, district_code, park_id, cluster_id,
high_tech_field_id, listed, mainland_resident and Boolean qualification columns) and a WIDE ``panel``
(uscc, year, one Int64 hundredths column per field of registry/panel_fields.yaml) for two years, plus
long ``qualifications`` and ``negatives`` frames. Not calibrated: use ``innopoints synth`` for realism.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta
from pathlib import Path

import numpy as np
import polars as pl

from innopoints.region import load_region
from innopoints.registry.panel_fields import SCALE, panel_fields
from innopoints.registry.uscc import build

QUAL_KINDS = ("tech_sme", "high_tech_enterprise", "eaglet", "gazelle", "seed_unicorn", "unicorn")
NEG_KINDS = ("abnormal_operation_list", "major_safety_accident", "research_misconduct", "tax_arrears")


@dataclass(frozen=True)
class SamplePanel:
    enterprises: pl.DataFrame
    panel: pl.DataFrame
    qualifications: pl.DataFrame
    negatives: pl.DataFrame

    def write(self, folder: Path) -> None:
        folder.mkdir(parents=True, exist_ok=True)
        self.enterprises.write_parquet(folder / "enterprises.parquet")
        self.panel.write_parquet(folder / "panel.parquet")
        self.qualifications.write_parquet(folder / "qualifications.parquet")
        self.negatives.write_parquet(folder / "negatives.parquet")


def _codes(n: int, offset: int) -> list[str]:
    return [build("9", "1", "210112", f"{offset + i:09d}") for i in range(n)]


def _year_values(rng: np.random.Generator, size: np.ndarray, growth: np.ndarray) -> dict[str, np.ndarray]:
    n = len(size)
    rev = size * growth * 1e7
    emp = np.maximum(1, np.round(size * 20 * rng.uniform(0.5, 1.5, n)))
    rd_share = rng.beta(2, 20, n)
    out = {
        "employees": emp,
        "sci_tech_staff": np.round(emp * rng.beta(3, 8, n)),
        "rd_staff": np.round(emp * rng.beta(2, 10, n)),
        "high_level_talents": rng.poisson(0.3 * size),
        "operating_revenue": np.round(rev, 2),
        "sales_revenue": np.round(rev * rng.uniform(0.9, 1.0, n), 2),
        "total_income": np.round(rev * 1.05, 2),
        "high_tech_income": np.round(rev * rng.uniform(0, 0.9, n), 2),
        "total_assets": np.round(rev * rng.uniform(0.6, 2.0, n), 2),
        "total_liabilities": np.round(rev * rng.uniform(0.1, 1.0, n), 2),
        "cost_expense_total": np.round(rev * rng.uniform(0.6, 1.1, n), 2),
        "rd_expense": np.round(rev * rd_share, 2),
        "net_profit": np.round(rev * rng.normal(0.05, 0.1, n), 2),
        "tax_paid": np.round(rev * rng.uniform(0, 0.08, n), 2),
        "equity_financing": np.where(rng.random(n) < 0.1, np.round(rng.lognormal(15, 1.5, n), 2), 0.0),
        "tech_contract_turnover": np.where(rng.random(n) < 0.3, np.round(rng.lognormal(13, 1.5, n), 2), 0.0),
    }
    for code, lam in (
        ("ip_invention_granted", 1.5),
        ("ip_utility_model", 3.0),
        ("ip_design", 0.5),
        ("ip_software_copyright", 2.0),
        ("ip_pct", 0.1),
        ("ip_ic_layout", 0.05),
        ("ip_plant_variety", 0.02),
        ("ip_other_class1", 0.02),
        ("conversions", 0.8),
        ("awards_national", 0.02),
        ("awards_provincial", 0.1),
        ("standards_led", 0.05),
        ("rd_platforms", 0.3),
        ("rd_platforms_provincial", 0.05),
        ("tech_projects", 0.4),
        ("venture_rounds", 0.1),
        ("ip_invention_applied", 1.0),
    ):
        out[code] = rng.poisson(lam * np.sqrt(size))
    return out


def generate(
    n: int, year: int = 2025, seed: int = 7, missing_share: float = 0.03, offset: int = 0
) -> SamplePanel:
    rng = np.random.default_rng(seed)
    region = load_region("shenyang")
    clusters = [cl.id for cl in region.clusters]
    fields = list(panel_fields())
    codes = _codes(n, offset)
    age_days = rng.integers(100, 25 * 365, n)
    reg = [date(year, 12, 31) - timedelta(days=int(d)) for d in age_days]
    ent = pl.DataFrame(
        {
            "uscc": codes,
            "name": [f"样本企业{offset + i}" for i in range(n)],
            "registration_date": reg,
            "exit_date": [None] * n,
            "district_code": ["210112"] * n,
            "park_id": [None] * n,
            "cluster_id": rng.choice(
                clusters, n, p=np.linspace(2, 1, len(clusters)) / np.linspace(2, 1, len(clusters)).sum()
            ),
            "high_tech_field_id": [None] * n,
            "listed": rng.random(n) < 0.01,
            "mainland_resident": rng.random(n) > 0.01,
        },
        schema_overrides={"exit_date": pl.Date, "park_id": pl.String, "high_tech_field_id": pl.String},
    )
    size = rng.lognormal(0, 1.2, n)
    frames = []
    for y, growth in ((year - 1, np.ones(n)), (year, rng.lognormal(0.08, 0.3, n))):
        vals = _year_values(rng, size, growth)
        cols: dict[str, object] = {"uscc": codes, "year": [y] * n}
        for f in fields:
            v = vals.get(f, np.zeros(n))
            centi = np.round(np.asarray(v, dtype=np.float64) * SCALE).astype(np.int64)
            mask = rng.random(n) < missing_share
            cols[f] = pl.Series(f, centi).scatter(np.flatnonzero(mask), None)
        frames.append(pl.DataFrame(cols, schema_overrides={f: pl.Int64 for f in fields} | {"year": pl.Int32}))
    panel = pl.concat(frames)
    q_rows = rng.random((n, len(QUAL_KINDS))) < np.array([0.4, 0.2, 0.05, 0.02, 0.003, 0.001])
    qi, qk = np.nonzero(q_rows)
    quals = pl.DataFrame(
        {
            "uscc": [codes[i] for i in qi],
            "kind": [QUAL_KINDS[k] for k in qk],
            "granted_on": [date(year - 1, 6, 1)] * len(qi),
            "expires_on": [date(year + 1, 5, 31)] * len(qi),
            "revoked_on": [None] * len(qi),
        },
        schema_overrides={
            "revoked_on": pl.Date,
            "granted_on": pl.Date,
            "expires_on": pl.Date,
            "uscc": pl.String,
            "kind": pl.String,
        },
    )
    ni = np.flatnonzero(rng.random(n) < 0.02)
    negs = pl.DataFrame(
        {
            "uscc": [codes[i] for i in ni],
            "kind": rng.choice(NEG_KINDS, len(ni)).tolist(),
            "occurred_on": [date(year - int(rng.integers(0, 3)), 3, 1) for _ in ni],
            "cleared_on": [None] * len(ni),
        },
        schema_overrides={
            "cleared_on": pl.Date,
            "occurred_on": pl.Date,
            "uscc": pl.String,
            "kind": pl.String,
        },
    )
    return SamplePanel(ent, panel, quals, negs)
