"""科技型中小企业 test and ladder stage inside the scoring round: one declaration, two evaluators.

The thresholds live only in ``rulebook/national/tech_sme.yaml``. For one firm the round calls the
explained single-firm evaluator (:mod:`innopoints.eligibility.tech_sme`); for the batch it compiles the
same rulebook to columnar expressions (:mod:`innopoints.rules.columnar`) in the same structure as that
evaluator: staff ratio bands, the better of the two R&D ratio bands, the better of the two IP tables,
then the declared conditions. ``ladder.yaml`` only maps the panel onto the rulebook's inputs.
Panel values are integer hundredths (money in fen, counts ×100), so every input unit is ``SCALE``.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from innopoints.eligibility import tech_sme as single
from innopoints.eligibility.rulebooks import rulebook
from innopoints.registry.panel_fields import SCALE
from innopoints.rules.columnar import Backend, ColumnarRulebook, Expr, Points
from innopoints.rules.results import Status
from innopoints.scoring.firm import FirmInput, sum_fields
from innopoints.scoring.schema import LadderFile, TechSmeSpec

PANEL_UNITS = {"money": SCALE, "signed_money": SCALE, "count": SCALE, "points": 1}
_TRI = {Status.MET: True, Status.NOT_MET: False, Status.UNKNOWN: None}


def round_as_of(year: int) -> dt.date:
    """The date at which a round resolves dated rulebook parameters: the end of the scoring year."""
    return dt.date(year, 12, 31)


def _blocking(spec: TechSmeSpec) -> list[str]:
    return list(spec.blocking_negative_kinds) + (["unlisted"] if spec.unlisted_blocks else [])


# -- one firm -------------------------------------------------------------------------------------
def panel_inputs(spec: TechSmeSpec, firm: FirmInput) -> dict[str, Any]:
    """The evaluator's inputs from one firm's panel: money in 元, counts in units (Decimal, exact).
    Inputs the panel does not carry are absent (the rulebook's declared default applies)."""
    cur = firm.current

    def units(v: int | None) -> Decimal | None:
        return None if v is None else Decimal(v) / SCALE

    out: dict[str, Any] = {
        code: units(cur.get(code))
        for code in ("employees", "sci_tech_staff", "sales_revenue", "total_assets", "rd_expense")
    }
    out["cost_expense_total"] = units(cur.get("cost_expense_total"))
    out["ip_class1"] = units(sum_fields(cur, spec.class1_fields))
    out["ip_class2"] = units(sum_fields(cur, spec.class2_fields))
    out["mainland_resident"] = firm.mainland_resident
    out["serious_violation"] = sum(firm.negatives.get(k, 0) for k in _blocking(spec)) > 0
    for name, kind in spec.qualification_flags.items():
        out[name] = kind in firm.qualifications
    for name, code in spec.field_flags.items():
        value = cur.get(code)
        out[name] = None if value is None else value >= SCALE
    return out


@dataclass(frozen=True)
class TechSmeResult:
    """Points are None until their range has closed (data missing); ``qualified`` may still be decided."""

    staff_points: int | None
    rd_points: int | None
    ip_points: int | None
    score: int | None
    basic: bool | None
    direct: bool | None
    qualified: bool | None
    route: str


def evaluate_tech_sme(spec: TechSmeSpec, firm: FirmInput, as_of: dt.date | None = None) -> TechSmeResult:
    """The single-firm evaluator on the firm's panel inputs (``as_of`` default: today)."""
    declared = rulebook(spec.rulebook).book.inputs
    given = panel_inputs(spec, firm)
    inputs = {name: given.get(name, decl.default) for name, decl in declared.items()}
    verdict = single.evaluate(inputs, as_of or dt.date.today())
    d = verdict.details
    ranges = d["score_ranges"]

    def closed(pair: list[int]) -> int | None:
        return pair[0] if pair[0] == pair[1] else None

    by_id = {c.id: c for c in verdict.conditions}
    basic_ids = ("c1_mainland_resident", "c2_scale", "c3_industry", "c4_compliance")
    basic = [_TRI[by_id[i].status] for i in basic_ids]
    return TechSmeResult(
        staff_points=closed(ranges["staff"]),
        rd_points=closed(ranges["rd"]),
        ip_points=closed(ranges["ip"]),
        score=d["score"] if d["score_complete"] else None,
        basic=False if False in basic else (None if None in basic else True),
        direct=_TRI[by_id["direct_route"].status],
        qualified=d["qualified"],
        route=d["route"],
    )


# -- the batch ------------------------------------------------------------------------------------
@dataclass(frozen=True)
class TechSmeColumns:
    staff: Points
    rd: Points
    ip: Points
    score: Points
    direct: Expr
    qualified: Expr
    route: Expr

    def score_if_closed(self, b: Backend) -> Expr:
        return b.cases([(self.score.lo == self.score.hi, self.score.lo)], b.null_int())


def _sum_present(b: Backend, cols: list[str]) -> Expr:
    exprs = [b.col(x) for x in cols]
    all_null = b.is_null(exprs[0])
    total = b.fill_null(exprs[0], 0)
    for e in exprs[1:]:
        all_null = all_null & b.is_null(e)
        total = total + b.fill_null(e, 0)
    return b.cases([(all_null, b.null_int())], total)


def panel_input_exprs(spec: TechSmeSpec, b: Backend, cur: Any, qual: Any, neg: Any) -> dict[str, Expr]:
    """The same mapping as :func:`panel_inputs`, as columns (``cur``/``qual``/``neg`` name the columns)."""
    out: dict[str, Expr] = {
        code: b.col(cur(code))
        for code in (
            "employees",
            "sci_tech_staff",
            "sales_revenue",
            "total_assets",
            "rd_expense",
            "cost_expense_total",
        )
    }
    out["ip_class1"] = _sum_present(b, [cur(x) for x in spec.class1_fields])
    out["ip_class2"] = _sum_present(b, [cur(x) for x in spec.class2_fields])
    out["mainland_resident"] = b.col("mainland_resident")
    blocked = b.fill_null(b.col(neg(_blocking(spec)[0])), 0)
    for kind in _blocking(spec)[1:]:
        blocked = blocked + b.fill_null(b.col(neg(kind)), 0)
    out["serious_violation"] = blocked > 0
    for name, kind in spec.qualification_flags.items():
        out[name] = b.fill_null(b.col(qual(kind)), False)
    for name, code in spec.field_flags.items():
        out[name] = b.col(cur(code)) >= SCALE
    return out


def tech_sme_columns(cr: ColumnarRulebook) -> TechSmeColumns:
    """The batch twin of :func:`innopoints.eligibility.tech_sme.evaluate` (same tables, same order)."""
    staff, rd, ip = tech_sme_points(cr)
    return tech_sme_verdict(cr, staff, rd, ip)


def tech_sme_points(cr: ColumnarRulebook) -> tuple[Points, Points, Points]:
    """The three partial scores (staff, R&D, IP) as ranges; a plan may write them to columns first and
    pass those columns to :func:`tech_sme_verdict` (smaller expressions)."""
    weights = cr.value("score_weights")
    staff = cr.ratio_points("sci_tech_staff", "employees", "staff_ratio_points", weights["staff"])
    rd = cr.best_of(
        cr.ratio_points("rd_expense", "sales_revenue", "rd_sales_ratio_points", weights["rd"]),
        cr.ratio_points("rd_expense", "cost_expense_total", "rd_cost_ratio_points", weights["rd"]),
    )
    ip = cr.best_of(
        cr.count_points("ip_class1", "ip_class1_points", weights["ip"]),
        cr.count_points("ip_class2", "ip_class2_points", weights["ip"]),
    )
    return staff, rd, ip


def tech_sme_verdict(cr: ColumnarRulebook, staff: Points, rd: Points, ip: Points) -> TechSmeColumns:
    """Score, the direct route and the verdict from the three partial scores."""
    score = cr.total(staff, rd, ip)
    derived = {"staff_points": staff, "rd_points": rd, "ip_points": ip, "score": score}
    direct = cr.condition("direct_route", derived)
    qualified = cr.condition("qualified", derived)
    b = cr.b
    route = b.cases([(qualified & direct, b.lit("direct")), (qualified, b.lit("score"))], b.lit("none"))
    return TechSmeColumns(staff, rd, ip, score, direct, qualified, route)


def round_rulebook(
    spec: TechSmeSpec, year: int, b: Backend, cur: Any, qual: Any, neg: Any
) -> ColumnarRulebook:
    """The national tech-SME rulebook compiled against a scoring round's normalised firm frame."""
    inputs = panel_input_exprs(spec, b, cur, qual, neg)
    return ColumnarRulebook(rulebook(spec.rulebook), round_as_of(year), b, inputs, PANEL_UNITS)


def compile_round(spec: TechSmeSpec, year: int, b: Backend, cur: Any, qual: Any, neg: Any) -> TechSmeColumns:
    """The tech-SME columns of a scoring round over the normalised firm frame."""
    return tech_sme_columns(round_rulebook(spec, year, b, cur, qual, neg))


def ladder_stage(ladder: LadderFile, firm: FirmInput, tech_sme_qualified: bool | None) -> str:
    for rung in ladder.ladder:
        if rung.qualification in firm.qualifications:
            return rung.id
        if rung.or_tech_sme_qualified and tech_sme_qualified is True:
            return rung.id
    return ladder.none_stage
