"""The round's evaluator columns (panel → rulebook inputs → compiled plans) agree with the single-firm
path ``panel_inputs.build_inputs`` → ``registry.run`` on every firm of a 2,000-firm, four-year sample
panel, and the evaluated ladder stage is ``eligibility.ladder.stage`` of the rungs met."""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from decimal import Decimal
from typing import Any

import polars as pl
import pytest

from innopoints.adapters.analytics.evaluator_frame import evaluator_frame
from innopoints.adapters.analytics.sample_panel import SamplePanel, generate
from innopoints.eligibility.ladder import RUNGS, Rung, stage
from innopoints.eligibility.panel_inputs import (
    EnterpriseAttributes,
    FirmData,
    NegativeEntry,
    QualificationRecord,
    build_inputs,
)
from innopoints.eligibility.registry import run
from innopoints.registry.panel_fields import SCALE
from innopoints.rules.columnar import PolarsBackend
from innopoints.scoring.evaluators_batch import UNICORN_TIERS
from innopoints.scoring.ladder_batch import RUNG_COLUMNS, evaluated_stage_expr, evaluator_phases

YEAR = 2025
AS_OF = dt.date(YEAR, 12, 31)
N = 2000
MET = {
    "eaglet": "eaglet_met",
    "gazelle": "gazelle_met",
    "tech-leader": "tech_leader_met",
    "innovative-sme": "innovative_sme_qualified",
    "unicorn": "unicorn_met",
}
TRI = {"met": True, "not_met": False, "unknown": None}


def _four_years() -> SamplePanel:
    """Years 2022–2025 for the same firms (two seeded two-year panels), counts made whole."""
    late, early = generate(N, year=YEAR, seed=11), generate(N, year=YEAR - 2, seed=11)
    panel = pl.concat([early.panel, late.panel])
    counts = (
        "employees",
        "sci_tech_staff",
        "venture_rounds",
        "rd_platforms_provincial",
        "conversions",
        "standards_led",
    )
    ip = [c for c in panel.columns if c.startswith("ip_")]
    panel = panel.with_columns(
        (pl.col(c) // SCALE * SCALE).alias(c) for c in (*counts, *ip) if c in panel.columns
    )
    fields = ["electronic_information", "new_materials", "none", None]
    enterprises = late.enterprises.with_columns(
        pl.Series("high_tech_field_id", [fields[i % 4] for i in range(late.enterprises.height)], pl.String)
    )
    return SamplePanel(enterprises, panel, late.qualifications, late.negatives)


def _firm_data(sample: SamplePanel) -> dict[str, FirmData]:
    years: dict[str, dict[int, dict[str, Decimal]]] = defaultdict(dict)
    for row in sample.panel.iter_rows(named=True):
        years[row["uscc"]][row["year"]] = {
            k: Decimal(v) / SCALE for k, v in row.items() if k not in ("uscc", "year") and v is not None
        }
    quals: dict[str, list[QualificationRecord]] = defaultdict(list)
    for q in sample.qualifications.iter_rows(named=True):
        quals[q["uscc"]].append(
            QualificationRecord(
                q["kind"], q["granted_on"].year, q["granted_on"], q["expires_on"], q["revoked_on"]
            )
        )
    negs: dict[str, list[NegativeEntry]] = defaultdict(list)
    for n in sample.negatives.iter_rows(named=True):
        negs[n["uscc"]].append(NegativeEntry(n["kind"], n["occurred_on"], n["cleared_on"]))
    out = {}
    for e in sample.enterprises.iter_rows(named=True):
        attrs = EnterpriseAttributes(
            e["registration_date"], listed=e["listed"], high_tech_field_id=e["high_tech_field_id"]
        )
        out[e["uscc"]] = FirmData(attrs, years[e["uscc"]], quals[e["uscc"]], negs[e["uscc"]])
    return out


@pytest.fixture(scope="module")
def round_rows() -> tuple[list[dict[str, Any]], dict[str, FirmData]]:
    sample = _four_years()
    b = PolarsBackend()
    frame = evaluator_frame(
        YEAR, sample.enterprises, sample.panel, sample.qualifications, negatives=sample.negatives
    )
    frame = frame.with_columns(pl.lit(None, dtype=pl.Boolean).alias("tech_sme_qualified"))
    for phase in evaluator_phases(YEAR, b):
        frame = frame.with_columns(e.alias(k) for k, e in phase.items())
    rows = (
        frame.with_columns(evaluated_stage_expr(b).alias("evaluated_ladder_stage"))
        .collect()
        .sort("uscc")
        .to_dicts()
    )
    return rows, _firm_data(sample)


def test_every_firm_agrees_with_build_inputs_and_run(
    round_rows: tuple[list[dict[str, Any]], dict[str, FirmData]],
) -> None:
    rows, firms = round_rows
    assert len(rows) == N
    seen: dict[str, set[Any]] = defaultdict(set)
    for row in rows:
        inputs = build_inputs(firms[row["uscc"]], AS_OF, filing_year=YEAR + 1).inputs
        rungs = []
        for name, column in MET.items():
            d = run(name, inputs[name], AS_OF).details
            assert row[column] == d["qualified"], (name, row["uscc"], inputs[name])
            seen[name].add(d["qualified"])
            if name == "unicorn":
                assert row["unicorn_tier"] == (d["tier"] or "none"), row["uscc"]
                for tier in UNICORN_TIERS:
                    assert row[f"tier_{tier}_met"] == TRI[d["tiers"][tier]], (tier, row["uscc"])
        ht = run("high-tech", inputs["high-tech"], AS_OF).details
        assert row["high_tech_verdict"] == ht["verdict"], (row["uscc"], inputs["high-tech"])
        assert [row["high_tech_score_lo"], row["high_tech_score_hi"]] == [
            ht["score"]["min"],
            ht["score"]["max"],
        ]
        assert row["high_tech_met"] == {"yes": True, "no": False}.get(ht["verdict"]), row["uscc"]
        seen["high-tech"].add(ht["verdict"])
        for rung_id, _evaluator, rung_name in RUNGS:
            column = RUNG_COLUMNS.get(rung_id)
            rungs.append(Rung(rung_id, rung_name, None if column is None else row[column], None))
        highest = stage(rungs)["highest"]
        assert row["evaluated_ladder_stage"] == (highest["id"] if highest else "none"), row["uscc"]
    for name in ("eaglet", "innovative-sme", "gazelle", "unicorn", "high-tech"):
        assert len(seen[name]) >= 2, f"{name}: the sample must decide both ways ({seen[name]})"
