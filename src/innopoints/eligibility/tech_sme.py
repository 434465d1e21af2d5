"""科技型中小企业 (国科发政〔2017〕115号): basic conditions, three scoring tables, direct routes."""

from __future__ import annotations

import datetime as dt
from typing import Any

from innopoints.eligibility.common import (
    ZERO,
    band_points,
    best_of,
    ratio_fact,
    rulebook_info,
    unknown_points,
)
from innopoints.eligibility.rulebooks import rulebook
from innopoints.rules.evaluation import Evaluation
from innopoints.rules.numbers import ScoreRange
from innopoints.rules.results import Status, Verdict

RULEBOOK = "national/tech_sme.yaml"


def _ratio_points(
    ev: Evaluation, name: str, num: str, den: str, pid: str, maximum: Any, note: str
) -> ScoreRange:
    value = ratio_fact(ev, name, num, den, zero_note=note)
    if value is not None:
        return band_points(ev, pid, value, about=name)
    if ev.fact(name).missing:
        return unknown_points(ev, maximum, num, den)
    return ZERO  # undefined ratio (zero denominator) scores nothing


def _count_points(ev: Evaluation, name: str, pid: str, maximum: Any) -> ScoreRange:
    fact = ev.fact(name)
    if fact.known:
        return band_points(ev, pid, fact.value, about=name)
    return unknown_points(ev, maximum, name)


def evaluate(inputs: dict[str, Any], as_of: dt.date) -> Verdict:
    book = rulebook(RULEBOOK)
    ev = Evaluation(book, as_of)
    for name in book.book.inputs:
        ev.input(name, inputs.get(name))
    weights = ev.value("score_weights")

    staff = _ratio_points(
        ev,
        "staff_ratio",
        "sci_tech_staff",
        "employees",
        "staff_ratio_points",
        weights["staff"],
        "职工总数为0，科技人员比例无定义，得0分 (no employees: ratio undefined, 0 points)",
    )
    rd_sales = _ratio_points(
        ev,
        "rd_sales_ratio",
        "rd_expense",
        "sales_revenue",
        "rd_sales_ratio_points",
        weights["rd"],
        "销售收入为0，仅按成本费用比例计分 (zero revenue: only the cost ratio can score)",
    )
    rd_cost = _ratio_points(
        ev,
        "rd_cost_ratio",
        "rd_expense",
        "cost_expense_total",
        "rd_cost_ratio_points",
        weights["rd"],
        "成本费用支出总额为0，该比例无定义 (zero cost: ratio undefined, 0 points)",
    )
    rd = best_of(rd_sales, rd_cost)
    ip = best_of(
        _count_points(ev, "ip_class1", "ip_class1_points", weights["ip"]),
        _count_points(ev, "ip_class2", "ip_class2_points", weights["ip"]),
    )
    score = staff + rd + ip
    ev.derive("staff_points", staff, inputs=("staff_ratio",))
    ev.derive("rd_points", rd, inputs=("rd_sales_ratio", "rd_cost_ratio"))
    ev.derive("ip_points", ip, inputs=("ip_class1", "ip_class2"))
    ev.derive("score", score, inputs=("staff_points", "rd_points", "ip_points"))

    conditions = [ev.check(cid) for cid in book.book.outline]
    overall = ev.check("qualified")
    direct = next(c for c in conditions if c.id == "direct_route")
    qualified = {Status.MET: True, Status.NOT_MET: False, Status.UNKNOWN: None}[overall.status]
    route = "none"
    if qualified:
        route = "direct" if direct.status is Status.MET else "score"
    rd_choice = None
    if rd.decided:
        rd_choice = "sales" if rd_sales.lo >= rd_cost.hi else "cost"
    details = {
        "qualified": qualified,
        "route": route,
        # The contract promises integers: with data missing these are the points already certain
        # (the lower bound); ``score_complete`` says whether the range has closed.
        "score": score.lo,
        "score_complete": score.decided,
        "score_range": score.as_list(),
        "scores": {k: r.lo for k, r in (("staff", staff), ("rd", rd), ("ip", ip))},
        "score_ranges": {"staff": staff.as_list(), "rd": rd.as_list(), "ip": ip.as_list()},
        "ratios": {
            "staff_ratio": ev.fact("staff_ratio").value,
            "rd_sales_ratio": ev.fact("rd_sales_ratio").value,
            "rd_cost_ratio": ev.fact("rd_cost_ratio").value,
        },
        "rd_ratio_used": rd_choice,
        "qualification": overall.as_dict(),
    }
    warnings = []
    sci, emp = ev.fact("sci_tech_staff"), ev.fact("employees")
    if sci.known and emp.known and sci.value > emp.value:
        warnings.append("科技人员数大于职工总数，请核对 (S&T staff exceed total employees: check the data)")
    return Verdict("tech_sme", as_of, rulebook_info(book), conditions, details, ev.trace, warnings, overall)
