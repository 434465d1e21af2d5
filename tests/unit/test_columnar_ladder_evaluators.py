"""One declaration, two evaluators: the batch 雏鹰/瞪羚/独角兽/科技领军 plans compiled from the Liaoning
rulebooks agree with ``eligibility.registry.run`` on every firm of a 2,000-firm sample built around
every threshold (money ± 0.01 元, counts ± 1, ages ± 1 day around each anniversary, 29 February)."""

from __future__ import annotations

import datetime as dt
import random
from decimal import Decimal
from typing import Any

import polars as pl
import pytest
from columnar_samples import input_frame, money, near, registration, sample, scaled

from innopoints.eligibility.registry import EVALUATORS, run
from innopoints.eligibility.rulebooks import rulebook
from innopoints.rules.columnar import ColumnarRulebook, PolarsBackend
from innopoints.scoring.evaluators_batch import BATCH, UNICORN_TIERS, declared_input_exprs, results

D = Decimal
AS_OFS = (dt.date(2025, 12, 31), dt.date(2024, 2, 29))
N = 2000


def _eaglet(rng: random.Random, as_of: dt.date) -> dict[str, Any]:
    revenue = money(rng, D(1_000_000), D(30_000_000))
    employees = rng.choice((0, 1, 9, 10, 11, 50, 100, rng.randint(0, 500)))
    return {
        "registration_date": registration(rng, as_of, (10,)).isoformat(),
        "operating_revenue": revenue,
        "rd_expense": scaled(rng, revenue, D("0.03")) if rng.random() < 0.7 else money(rng),
        "employees": employees,
        "sci_tech_staff": max(0, employees // 10 + rng.choice((-1, 0, 1))),
        "ip_class1": rng.choice((0, 0, 1, 2)),
        "ip_class2": rng.choice((0, 1, 3)),
        "tech_sme_or_hte": rng.random() < 0.7,
    }


def _tech_leader(rng: random.Random, as_of: dt.date) -> dict[str, Any]:
    revenue = money(rng, D(500_000_000))
    return {
        "valid_hte_certificate": rng.random() < 0.8,
        "operating_revenue": revenue,
        "rd_expense": scaled(rng, revenue, D("0.03")) if rng.random() < 0.7 else money(rng),
        "ip_invention_granted": rng.choice((19, 20, 21, 0, 60)),
        "rd_platforms_provincial": rng.choice((0, 1, 2)),
    }


def _grown(rng: random.Random, base: Decimal, rate: str, step: Decimal) -> list[Decimal]:
    last = near(rng, (base * (1 + D(rate)) ** 3).quantize(step), step)
    previous = near(rng, last, step) if rng.random() < 0.5 else (last * D("0.9")).quantize(step)
    return [base, (base * D("1.1")).quantize(step), previous, last]


def _gazelle(rng: random.Random, as_of: dt.date) -> dict[str, Any]:
    base = near(rng, rng.choice((D(10_000_000), D(0), D(50_000_000), D(600_000_000))))
    revenue = _grown(rng, base, "0.2", D("0.01"))
    if rng.random() < 0.3:
        revenue[-1] = near(rng, rng.choice((D(500_000_000), D(1_000_000_000))))
    staff = _grown(rng, D(rng.choice((99, 100, 101, 150, 0))), "0.3", D(1))
    spend = [scaled(rng, v, D("0.025")) for v in revenue]
    return {
        "registration_date": registration(rng, as_of, (5, 10, 20)).isoformat(),
        "operating_revenue": revenue,
        "employees": [int(v) for v in staff],
        "sci_activity_expense": spend,
        "largest_venture_investment": money(rng, D(10_000_000)),
    }


def _unicorn(rng: random.Random, as_of: dt.date) -> dict[str, Any]:
    cny = money(rng, D(300_000_000), D(700_000_000), D(3_500_000_000), D("7180000000"), D("7050000000"))
    usd = money(rng, D(1_000_000_000), D(41_782_729), D("97493036.21"), D("487465181.06"))
    pick = rng.random()
    return {
        "registration_date": registration(rng, as_of, (5, 9, 10)).isoformat(),
        "valuation": cny if pick < 0.7 else None,
        "valuation_usd": usd if pick > 0.4 else None,
        "professional_investment": rng.random() < 0.85,
        **({"listed": rng.random() < 0.1} if rng.random() < 0.5 else {}),
    }


def _innovative_sme(rng: random.Random, as_of: dt.date) -> dict[str, Any]:
    previous = money(rng, D(10_000_000))
    latest = scaled(rng, previous, rng.choice((D("1.05"), D("1.1"), D("1.2"), D("1.3"), D("0.9"))))
    assets = money(rng, D(20_000_000))
    return {
        "operating_revenue": [previous, latest],
        "rd_expense": scaled(rng, latest, rng.choice((D("0.01"), D("0.02"), D("0.03"), D("0.05")))),
        "total_assets": assets,
        "total_liabilities": scaled(rng, assets, rng.choice((D("0.5"), D("0.55"), D("0.7"), D("0.9")))),
        "main_business_revenue": scaled(rng, latest, rng.choice((D("0.5"), D("0.6"), D("0.7"), D("0.9")))),
        "ip_class1": rng.choice((0, 1, 2)),
        "ip_class2": rng.choice((0, 1, 4)),
        "strategic_emerging_industry": rng.random() < 0.5,
    }


def _grown_by(rng: random.Random, rate: Decimal, signed: bool = False) -> list[Decimal]:
    """Three years whose 高企 growth rate ½(y2/y1 + y3/y2) − 1 is ``rate`` (or near it), with zero,
    negative and tiny years mixed in."""
    base = money(rng, D(10_000_000), D(1), D(0))
    second = (base * (1 + rate)).quantize(D("0.01"))
    third = near(rng, (second * (1 + rate)).quantize(D("0.01")))
    years = [base, second, third]
    pick = rng.random()
    if pick < 0.1:
        years[rng.randrange(2)] = D(0)
    elif pick < 0.2 and signed:
        years = [-y for y in years] if rng.random() < 0.5 else [years[0], -years[1], years[2]]
    return [y if signed else abs(y) for y in years]


def _high_tech(rng: random.Random, as_of: dt.date) -> dict[str, Any]:
    latest = money(rng, D(50_000_000), D(200_000_000), D(10_000_000))
    sales = [money(rng, D(40_000_000)), money(rng, D(60_000_000)), latest]
    ratio = rng.choice((D("0.03"), D("0.04"), D("0.05"), D("0.06")))
    rd = [scaled(rng, s, ratio) for s in sales]
    employees = rng.choice((0, 9, 10, 11, 100, rng.randint(1, 400)))
    total_income = money(rng, D(80_000_000))
    expert_share = rng.random()
    raw: dict[str, Any] = {
        "registration_date": (as_of - dt.timedelta(days=rng.choice((364, 365, 366, 3000)))).isoformat(),
        "sales_revenue": sales,
        "rd_expense": rd,
        "rd_expense_domestic": [scaled(rng, r, rng.choice((D("0.5"), D("0.6"), D("0.9")))) for r in rd],
        "high_tech_income": scaled(rng, total_income, rng.choice((D("0.59"), D("0.6"), D("0.8")))),
        "total_income": total_income,
        "employees": employees,
        "sci_tech_staff": max(0, employees // 10 + rng.choice((-1, 0, 1))),
        "ip_class1": rng.choice((0, 0, 1, 2)),
        "ip_class2": rng.choice((0, 1, 2, 3, 5)),
        "ip_acquisition": rng.choice((None, "own", "transfer")),
        "standards": rng.choice((None, 0, 1, 2)),
        "conversions": rng.choice((0, 2, 3, 5, 6, 9, 12, 14, 15, 20)),
        "high_tech_field": rng.choice(("electronic_information", "new_materials", "none")),
        "serious_incident": rng.random() < 0.05,
    }
    rate = rng.choice((D("0.35"), D("0.25"), D("0.15"), D("0.05"), D(0), D("-0.1"), D("0.5")))
    if rng.random() < 0.5:
        raw["net_assets"] = _grown_by(rng, rate, signed=True)
    else:
        assets = _grown_by(rng, rate)
        raw["total_assets"] = [a + D(1_000_000) for a in assets]
        raw["total_liabilities"] = [D(1_000_000)] * 3
    raw["sales_revenue"] = _grown_by(rng, rate) if rng.random() < 0.3 else sales
    if rng.random() < 0.2:
        raw["application_date"] = (as_of + dt.timedelta(days=rng.randint(0, 60))).isoformat()
    experts = {
        "expert_ip_advancement": 8,
        "expert_ip_core_support": 8,
        "expert_rd_system": 6,
        "expert_rd_institution": 6,
        "expert_rd_conversion_incentive": 4,
        "expert_rd_talent": 4,
    }
    for name, top in experts.items():
        if rng.random() < expert_share:
            raw[name] = rng.choice((top, top, rng.randint(0, top)))
    return raw


GENERATORS = {
    "eaglet": _eaglet,
    "tech-leader": _tech_leader,
    "gazelle": _gazelle,
    "unicorn": _unicorn,
    "innovative-sme": _innovative_sme,
    "high-tech": _high_tech,
}
COLUMN = {"unicorn": "unicorn_met", "innovative-sme": "innovative_sme_qualified"}


def _batch(name: str, raws: list[dict[str, Any]], as_of: dt.date) -> pl.DataFrame:
    book = rulebook(EVALUATORS[name].rulebook)
    b = PolarsBackend()
    cr = ColumnarRulebook(book, as_of, b, declared_input_exprs(book, b))
    phases = BATCH[name](cr)
    frame = input_frame(book, raws).lazy()
    for phase in phases:
        frame = frame.with_columns(e.alias(k) for k, e in phase.items())
    return frame.select(results(phases)).collect()


_TRI = {"met": True, "not_met": False, "unknown": None}


@pytest.mark.parametrize("as_of", AS_OFS, ids=str)
@pytest.mark.parametrize("name", sorted(GENERATORS))
def test_batch_agrees_with_the_single_firm_evaluator(name: str, as_of: dt.date) -> None:
    raws = sample(GENERATORS[name], N, as_of, seed=sum(map(ord, name)) + as_of.year)
    rows = _batch(name, raws, as_of).to_dicts()
    column = COLUMN.get(name, f"{name.replace('-', '_')}_met")
    outcomes = set()
    for raw, row in zip(raws, rows, strict=True):
        d = run(name, raw, as_of).details
        if name == "high-tech":
            assert row["high_tech_verdict"] == d["verdict"], (raw, row, d["verdict"])
            assert [row["high_tech_score_lo"], row["high_tech_score_hi"]] == [
                d["score"]["min"],
                d["score"]["max"],
            ], raw
            assert row["high_tech_met"] == {"yes": True, "no": False}.get(d["verdict"]), raw
            outcomes.add(d["verdict"])
            continue
        assert row[column] == d["qualified"], (raw, row, d["qualified"])
        outcomes.add(d["qualified"])
        if name == "innovative-sme":
            score = [row["innovative_sme_score_lo"], row["innovative_sme_score_hi"]]
            assert score == [d["score"]["min"], d["score"]["max"]], raw
        if name == "unicorn":
            assert row["unicorn_tier"] == (d["tier"] or "none"), raw
            for tier in UNICORN_TIERS:
                assert row[f"tier_{tier}_met"] == _TRI[d["tiers"][tier]], (tier, raw)
    expected = {"yes", "no", "depends", "unknown"} if name == "high-tech" else {True, False, None}
    assert outcomes == expected, f"{name}: the sample must reach every outcome ({outcomes})"
