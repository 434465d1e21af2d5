"""Outcome labels at origin year t (thresholds are data in labels.yaml, with their references).

* high_growth: OECD high-growth enterprise over t+1..t+3 — operating revenue OR employees grow ≥ 20% a
  year on average (exact: end × 125 ≥ start × 216 for 3 years at 20%), ≥ 10 employees at t. Firms without a
  t+3 value that could decide it are unlabelled (dropped), not counted as negatives.
* ladder: first recognised at a ladder rung (雏鹰/瞪羚/种子/潜在/独角兽) in t+1..t+2; firms already
  recognised by t are out of the population; firms not recognised (including exits) are negatives.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal
from fractions import Fraction
from functools import lru_cache
from importlib import resources
from typing import Any

import polars as pl
import yaml

from innopoints.potential.data import PotentialData
from innopoints.registry.panel_fields import SCALE

TASKS = ("high_growth", "ladder")


@dataclass(frozen=True)
class LabelSpec:
    task: str
    name_zh: str
    reference: str
    horizon_years: int
    annual_growth: Decimal | None = None
    min_employees_at_start: int | None = None

    def growth_factor(self) -> Fraction:
        assert self.annual_growth is not None
        return (1 + Fraction(self.annual_growth)) ** self.horizon_years

    def as_dict(self) -> dict[str, Any]:
        return {
            "task": self.task,
            "name_zh": self.name_zh,
            "reference": self.reference,
            "horizon_years": self.horizon_years,
            "annual_growth": None if self.annual_growth is None else str(self.annual_growth),
            "min_employees_at_start": self.min_employees_at_start,
        }


@lru_cache(maxsize=1)
def label_specs() -> dict[str, LabelSpec]:
    raw = yaml.safe_load(resources.files("innopoints.potential").joinpath("labels.yaml").read_text("utf-8"))
    hg, lad = raw["high_growth"], raw["ladder_next_rung"]
    return {
        "high_growth": LabelSpec(
            "high_growth", hg["name_zh"], hg["reference"], int(hg["horizon_years"]),
            Decimal(str(hg["annual_growth"])), int(hg["min_employees_at_start"]),
        ),
        "ladder": LabelSpec("ladder", lad["name_zh"], lad["reference"], int(lad["horizon_years"])),
    }  # fmt: skip


def labelled_origins(task: str, years: list[int]) -> list[int]:
    """Origin years whose full horizon lies inside the observed panel years."""
    horizon = label_specs()[task].horizon_years
    return [t for t in years if t + horizon <= max(years)]


def high_growth_labels(data: PotentialData, origin: int, spec: LabelSpec) -> pl.DataFrame:
    factor = spec.growth_factor()
    num, den = factor.numerator, factor.denominator
    end_year = origin + spec.horizon_years
    min_emp = int(spec.min_employees_at_start or 0) * SCALE
    p = data.panel
    start = p.filter(pl.col("year") == origin).select("uscc", "operating_revenue", "employees")
    end = p.filter(pl.col("year") == end_year).select(
        "uscc", pl.col("operating_revenue").alias("rev_end"), pl.col("employees").alias("emp_end")
    )
    frame = start.filter(pl.col("employees") >= min_emp).join(end, on="uscc", how="inner")
    rev_ok = (pl.col("operating_revenue") > 0) & (
        pl.col("rev_end") * den >= pl.col("operating_revenue") * num
    )
    emp_ok = pl.col("emp_end") * den >= pl.col("employees") * num
    hit = rev_ok.fill_null(False) | emp_ok.fill_null(False)
    decided = hit | (rev_ok.is_not_null() & emp_ok.is_not_null())
    return frame.filter(decided).select("uscc", hit.cast(pl.Int8).alias("label")).sort("uscc")


def ladder_labels(data: PotentialData, origin: int, spec: LabelSpec) -> pl.DataFrame:
    reporting = data.panel.filter(pl.col("year") == origin).select("uscc")
    frame = reporting.join(data.enterprises.select("uscc", "ladder_year"), on="uscc", how="left")
    ly = pl.col("ladder_year")
    frame = frame.filter(ly.is_null() | (ly > origin))
    hit = (ly > origin) & (ly <= origin + spec.horizon_years)
    return frame.select("uscc", hit.fill_null(False).cast(pl.Int8).alias("label")).sort("uscc")


def labels(data: PotentialData, task: str, origin: int) -> pl.DataFrame:
    spec = label_specs()[task]
    if task == "high_growth":
        return high_growth_labels(data, origin, spec)
    return ladder_labels(data, origin, spec)
