"""辽宁省瞪羚企业: routes (a)(b)(c) and the 4-year S&T intensity (regional defaults, labelled).

CAGR thresholds are compared exactly: ``last ≥ base × (1 + g)³`` on rationals; the CAGR shown in the
output is a rounded display value only.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal, localcontext
from fractions import Fraction
from typing import Any

from innopoints.eligibility.common import age_fact, finish, series_known, start, total
from innopoints.rules.evaluation import Evaluation
from innopoints.rules.numbers import exact, to_display
from innopoints.rules.results import Verdict

RULEBOOK = "liaoning/gazelle.yaml"


def cagr_display(multiple: Fraction | None) -> Decimal | None:
    """(multiple)^(1/3) − 1 for display (6 places); None when undefined."""
    if multiple is None or multiple <= 0:
        return None
    with localcontext() as ctx:
        ctx.prec = 40
        root = (Decimal(multiple.numerator) / Decimal(multiple.denominator)) ** (Decimal(1) / Decimal(3))
        return to_display(Fraction(root - 1))


def _growth(ev: Evaluation, series: str, prefix: str, cagr_param: str) -> Fraction | None:
    values = ev.fact(series).value
    rate = exact(ev.value(cagr_param))
    ev.derive(f"{prefix}_required_multiple", (1 + rate) ** 3, inputs=(cagr_param,))
    if not series_known(values):
        for name in (f"{prefix}_base", f"{prefix}_multiple", f"{prefix}_last_change"):
            ev.derive(name, None, inputs=(series,), missing=(series,))
        return None
    base, previous, last = exact(values[0]), exact(values[2]), exact(values[3])
    ev.derive(f"{prefix}_base", base, inputs=(series,))
    ev.derive(f"{prefix}_last_change", last - previous, inputs=(series,))
    if base == 0:
        ev.derive(
            f"{prefix}_multiple", None, inputs=(series,), note="基期为0，增长倍数无定义 (zero base year)"
        )
        return None
    ev.derive(f"{prefix}_multiple", last / base, inputs=(series,))
    return last / base


def evaluate(inputs: dict[str, Any], as_of: dt.date) -> Verdict:
    ev = start(RULEBOOK, inputs, as_of)
    age_fact(ev)
    revenue = ev.fact("operating_revenue").value
    if revenue is not None and revenue[-1] is not None:
        ev.derive("revenue_latest", revenue[-1], inputs=("operating_revenue",))
    else:
        ev.derive("revenue_latest", None, inputs=("operating_revenue",), missing=("operating_revenue",))
    rev_multiple = _growth(ev, "operating_revenue", "revenue", "min_revenue_cagr")
    emp_multiple = _growth(ev, "employees", "employees", "min_employee_cagr")
    spend = ev.fact("sci_activity_expense").value
    if series_known(spend) and series_known(revenue):
        denominator = total(revenue)
        if denominator == 0:
            ev.derive(
                "sci_activity_ratio",
                None,
                inputs=("sci_activity_expense", "operating_revenue"),
                note="4年营业收入合计为0 (zero revenue)",
            )
        else:
            ev.derive(
                "sci_activity_ratio",
                total(spend) / denominator,
                inputs=("sci_activity_expense", "operating_revenue"),
            )
    else:
        ev.derive(
            "sci_activity_ratio",
            None,
            inputs=("sci_activity_expense", "operating_revenue"),
            missing=ev.missing_of("sci_activity_expense", "operating_revenue") or ("sci_activity_expense",),
        )
    details = {
        "age_years": ev.fact("age_years").value,
        "revenue_cagr": cagr_display(rev_multiple),
        "employees_cagr": cagr_display(emp_multiple),
        "sci_activity_ratio": ev.fact("sci_activity_ratio").value,
    }
    verdict = finish(ev, "gazelle", details)
    route = next(c for c in verdict.conditions if c.id == "g_route")
    verdict.details["routes"] = {p.id: p.status.value for p in route.parts}
    return verdict
