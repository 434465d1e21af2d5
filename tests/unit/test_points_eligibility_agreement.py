"""The columnar tech-SME test inside the round agrees with the single-firm evaluator in
innopoints.eligibility.tech_sme (national rulebook) on every firm of a sample."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from innopoints.adapters.analytics import polars_engine
from innopoints.adapters.analytics.inputs import build_firm_frame, firm_inputs
from innopoints.adapters.analytics.sample_panel import generate
from innopoints.eligibility import tech_sme
from innopoints.registry.panel_fields import SCALE
from innopoints.scoring.firm import FirmInput, sum_fields
from innopoints.scoring.rulebook import load_points


def _units(v: int | None) -> Decimal | None:
    return None if v is None else Decimal(v) / SCALE


def _inputs(firm: FirmInput) -> dict[str, object]:
    spec = load_points().ladder.tech_sme
    cur = firm.current
    blocking = list(spec.blocking_negative_kinds) + (["unlisted"] if spec.unlisted_blocks else [])
    flag = lambda code: None if cur.get(code) is None else (cur.get(code) or 0) >= SCALE  # noqa: E731
    return {
        "employees": _units(cur.get("employees")),
        "sci_tech_staff": _units(cur.get("sci_tech_staff")),
        "sales_revenue": _units(cur.get("sales_revenue")),
        "total_assets": _units(cur.get("total_assets")),
        "rd_expense": _units(cur.get("rd_expense")),
        "cost_expense_total": _units(cur.get("cost_expense_total")),
        "ip_class1": _units(sum_fields(cur, spec.class1_fields)),
        "ip_class2": _units(sum_fields(cur, spec.class2_fields)),
        "mainland_resident": firm.mainland_resident,
        "restricted_industry": False,  # the round assumes panel firms are outside the 禁止/限制/淘汰 lists
        "serious_violation": sum(firm.negatives.get(k, 0) for k in blocking) > 0,
        "valid_hte_certificate": "high_tech_enterprise" in firm.qualifications,
        "national_award_top3_5y": flag("awards_national"),
        "provincial_rd_institution": flag("rd_platforms_provincial"),
        "led_standard_5y": flag("standards_led"),
    }


def test_batch_tech_sme_agrees_with_the_single_firm_evaluator() -> None:
    rb = load_points()
    sample = generate(600, year=2025, seed=21)
    firms = build_firm_frame(
        rb, 2025, sample.enterprises, sample.panel, sample.qualifications, sample.negatives
    )
    results, _ = polars_engine.score(firms, rb, 2025)
    batch = {r["uscc"]: (r["tech_sme_qualified"], r["tech_sme_score"]) for r in results.iter_rows(named=True)}
    decided = refined = 0
    for firm in firm_inputs(firms, rb):
        verdict = tech_sme.evaluate(_inputs(firm), dt.date(2025, 12, 31))
        qualified, score = batch[firm.uscc]
        if score is not None:
            assert verdict.details["score_complete"] and verdict.details["score"] == score, firm.uscc
        if qualified is not None:
            assert verdict.details["qualified"] == qualified, firm.uscc
            decided += 1
        elif verdict.details["qualified"] is not None:
            refined += 1  # the evaluator's score ranges can decide where the batch plan says "unknown"
    assert decided >= 450
    assert refined < 60
