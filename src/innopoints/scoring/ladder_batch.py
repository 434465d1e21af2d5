"""Every ladder evaluator of a batch round and the evaluated ladder stage, from one rulebook each.

The evaluator input columns (:mod:`innopoints.adapters.analytics.evaluator_frame`) are mapped onto each
rulebook's declared inputs exactly as :func:`innopoints.eligibility.panel_inputs.build_inputs` maps one
firm's records (same fields, same years, Ⅰ/Ⅱ类 sums from ``panel_inputs.CLASS1``/``CLASS2``, R&D as the
gazelle's S&T activity spend, unknown main-business revenue and strategic-industry flag), then compiled
by the batch twins in :mod:`innopoints.scoring.evaluators_batch` at the round's as-of date.

``evaluated_ladder_stage`` is the highest rung of :data:`innopoints.eligibility.ladder.RUNGS` whose
conditions are met (``ladder.stage``), next to ``ladder_stage`` (qualifications held). The 科技型中小企业
rung takes the round's compiled tech-SME verdict; the 高新技术企业 rung takes the compiled 高企 verdict
(reached on *yes* only, as ``ladder._reached``; from panel data alone the expert-scored items keep the
score range open, so most firms are *unknown* or *no* rather than *yes*). The result column names are
declared in :mod:`innopoints.scoring.result_columns`.
"""

from __future__ import annotations

from typing import Any

from innopoints.adapters.analytics.evaluator_frame import (
    HIGH_TECH_FIELD,
    INCIDENT,
    WINDOW,
    valid_col,
    window_col,
)
from innopoints.eligibility.ladder import RUNGS
from innopoints.eligibility.panel_inputs import CLASS1, CLASS2
from innopoints.eligibility.registry import EVALUATORS
from innopoints.eligibility.rulebooks import rulebook
from innopoints.rules.columnar import Backend, ColumnarRulebook, Expr
from innopoints.scoring.evaluators_batch import BATCH
from innopoints.scoring.tech_sme import PANEL_UNITS, round_as_of

LATEST = WINDOW - 1
NONE_STAGE = "none"


def _sum_present(b: Backend, cols: list[str]) -> Expr:
    """Σ of the known components; null when none is known (``panel_inputs._Builder.ip``)."""
    exprs = [b.col(x) for x in cols]
    all_null, total = b.is_null(exprs[0]), b.fill_null(exprs[0], 0)
    for e in exprs[1:]:
        all_null, total = all_null & b.is_null(e), total + b.fill_null(e, 0)
    return b.cases([(all_null, b.null_int())], total)


def _latest(b: Backend, field: str) -> Expr:
    return b.col(window_col(field, LATEST))


def _years(b: Backend, field: str, n: int) -> list[Expr]:
    return [b.col(window_col(field, k)) for k in range(WINDOW - n, WINDOW)]


def panel_inputs(name: str, b: Backend) -> dict[str, Any]:
    """Evaluator ``name``'s inputs as columns, following ``panel_inputs.build_inputs``."""
    ip = {
        "ip_class1": _sum_present(b, [window_col(f, LATEST) for f in CLASS1]),
        "ip_class2": _sum_present(b, [window_col(f, LATEST) for f in CLASS2]),
    }
    reg = b.col("x_registration_date")
    hte = b.col(valid_col("high_tech_enterprise"))
    if name == "eaglet":
        latest: tuple[str, ...] = ("operating_revenue", "rd_expense", "employees", "sci_tech_staff")
        return {
            **{f: _latest(b, f) for f in latest},
            **ip,
            "registration_date": reg,
            "tech_sme_or_hte": b.col(valid_col("tech_sme")) | hte,
        }
    if name == "tech-leader":
        latest = ("operating_revenue", "rd_expense", "ip_invention_granted", "rd_platforms_provincial")
        return {**{f: _latest(b, f) for f in latest}, "valid_hte_certificate": hte}
    if name == "innovative-sme":
        latest = ("rd_expense", "total_assets", "total_liabilities")
        return {
            **{f: _latest(b, f) for f in latest},
            "operating_revenue": _years(b, "operating_revenue", 2),
            **ip,
        }
    if name == "gazelle":
        return {
            "operating_revenue": _years(b, "operating_revenue", WINDOW),
            "employees": _years(b, "employees", WINDOW),
            "sci_activity_expense": _years(b, "rd_expense", WINDOW),
            "largest_venture_investment": b.col("x_venture_max"),
            "registration_date": reg,
        }
    if name == "high-tech":
        latest = ("high_tech_income", "total_income", "employees", "sci_tech_staff")
        assets, debts = _years(b, "total_assets", 3), _years(b, "total_liabilities", 3)
        standards = _latest(b, "standards_led")
        return {
            **{f: _years(b, f, 3) for f in ("sales_revenue", "rd_expense", "rd_expense_domestic")},
            "net_assets": [a - d for a, d in zip(assets, debts, strict=True)],
            **{f: _latest(b, f) for f in latest},
            **ip,
            "conversions": _years(b, "conversions", 3),
            "standards": b.cases([(standards > 0, standards)], b.null_int()),
            "registration_date": reg,
            "high_tech_field": b.col(HIGH_TECH_FIELD),
            "serious_incident": b.col(INCIDENT),
        }
    if name == "unicorn":
        return {
            "valuation": b.col("x_valuation"),
            "professional_investment": b.col("x_invested"),
            "listed": b.col("x_listed"),
            "registration_date": reg,
        }
    raise KeyError(name)


def evaluator_phases(year: int, b: Backend) -> list[dict[str, Expr]]:
    """Every batch evaluator's columns for a round of ``year`` (as-of 31 December), in phases to apply
    one after the other (``with_columns`` / ``withColumns``); ``_``-prefixed columns are intermediate."""
    phases: list[dict[str, Expr]] = []
    for name, columns in BATCH.items():
        book = rulebook(EVALUATORS[name].rulebook)
        cr = ColumnarRulebook(book, round_as_of(year), b, panel_inputs(name, b), PANEL_UNITS)
        for i, phase in enumerate(columns(cr)):
            if i == len(phases):
                phases.append({})
            phases[i].update(phase)
    return phases


RUNG_COLUMNS = {
    "tech_sme": "tech_sme_qualified",
    "high_tech_enterprise": "high_tech_met",
    "eaglet": "eaglet_met",
    "gazelle": "gazelle_met",
    "seed_unicorn": "tier_seed_unicorn_met",
    "potential_unicorn": "tier_potential_unicorn_met",
    "unicorn": "tier_unicorn_met",
    "tech_leader": "tech_leader_met",
}


def evaluated_stage_expr(b: Backend) -> Expr:
    """The highest rung met (``eligibility.ladder.stage``), ``none`` when no rung is met; reads the
    columns named in :data:`RUNG_COLUMNS` (a rung without a column counts as not reached)."""
    branches = [
        (b.fill_null(b.col(RUNG_COLUMNS[rung]), False), b.lit(rung))
        for rung, _evaluator, _name in reversed(RUNGS)
        if rung in RUNG_COLUMNS
    ]
    return b.cases(branches, b.lit(NONE_STAGE))


EVALUATOR_INPUT_MARK = "x_registration_date"


def has_evaluator_inputs(columns: list[str]) -> bool:
    """The round evaluates every ladder rulebook when the firm frame carries the evaluator inputs
    (``evaluator_frame.with_evaluator_inputs``); older frames (tech-SME only) are scored as before."""
    return EVALUATOR_INPUT_MARK in columns
