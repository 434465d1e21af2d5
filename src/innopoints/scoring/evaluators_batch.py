"""The batch twins of the ladder evaluators (雏鹰, 瞪羚, 种子/潜在/独角兽, 科技领军 here; 创新型中小企业 and
高新技术企业 in their own modules).

Each function mirrors one single-firm evaluator in :mod:`innopoints.eligibility` step by step — the
same derived facts (age, ratios, series sums, the latest year, growth multiples) built as columnar
facts, then the rulebook's declared conditions compiled by :class:`ColumnarRulebook`. Thresholds,
years and rates are read from the rulebook at the as-of date; nothing numeric is written here.
Outputs are nullable Booleans (null = can't tell) named as the round's result columns.
"""

from __future__ import annotations

from collections.abc import Callable
from fractions import Fraction
from typing import Any

from innopoints.rules.columnar import ColumnarRulebook, Expr
from innopoints.rules.columnar_facts import Anniversary, Fact, Quantity, Ratio
from innopoints.rules.numbers import exact
from innopoints.scoring.high_tech_batch import high_tech_columns
from innopoints.scoring.innovative_sme_batch import innovative_sme_columns

UNICORN_TIERS = ("unicorn", "potential_unicorn", "seed_unicorn")  # highest first, as eligibility.unicorn


def _known(cr: ColumnarRulebook, *exprs: Expr) -> Expr:
    out = ~cr.b.is_null(exprs[0])
    for e in exprs[1:]:
        out = out & ~cr.b.is_null(e)
    return out


def _ratio(cr: ColumnarRulebook, num: str, den: str) -> Ratio:
    n, d = cr.input(num), cr.input(den)
    return Ratio(n, d, _known(cr, n, d))


def _sum(exprs: list[Expr]) -> Expr:
    out = exprs[0]
    for e in exprs[1:]:
        out = out + e
    return out


def eaglet_columns(cr: ColumnarRulebook) -> dict[str, Expr]:
    """雏鹰企业 (eligibility.eaglet)."""
    c1, c2 = cr.input("ip_class1"), cr.input("ip_class2")
    derived: dict[str, Fact] = {
        "age_years": Anniversary(cr.input("registration_date")),
        "rd_ratio": _ratio(cr, "rd_expense", "operating_revenue"),
        "staff_ratio": _ratio(cr, "sci_tech_staff", "employees"),
        "ip_total": Quantity(c1 + c2, _known(cr, c1, c2), cr.unit_of("ip_class1")),
    }
    return {"eaglet_met": cr.condition("qualified", derived)}


def tech_leader_columns(cr: ColumnarRulebook) -> dict[str, Expr]:
    """科技领军企业 (eligibility.tech_leader)."""
    derived: dict[str, Fact] = {"rd_ratio": _ratio(cr, "rd_expense", "operating_revenue")}
    return {"tech_leader_met": cr.condition("qualified", derived)}


def _growth_facts(cr: ColumnarRulebook, series: str, prefix: str, cagr_param: str) -> dict[str, Fact]:
    values = cr.series(series)
    known = _known(cr, *values)
    unit = cr.unit_of(series)
    return {
        f"{prefix}_required_multiple": (1 + exact(cr.value(cagr_param))) ** 3,
        f"{prefix}_base": Quantity(values[0], known, unit),
        f"{prefix}_last_change": Quantity(values[-1] - values[-2], known, unit),
        f"{prefix}_multiple": Ratio(values[-1], values[0], known),
    }


def gazelle_columns(cr: ColumnarRulebook) -> dict[str, Expr]:
    """瞪羚企业 (eligibility.gazelle): routes (a)(b)(c) and the 4-year S&T intensity."""
    revenue, spend = cr.series("operating_revenue"), cr.series("sci_activity_expense")
    derived: dict[str, Fact] = {
        "age_years": Anniversary(cr.input("registration_date")),
        "revenue_latest": Quantity(revenue[-1], _known(cr, revenue[-1]), cr.unit_of("operating_revenue")),
        **_growth_facts(cr, "operating_revenue", "revenue", "min_revenue_cagr"),
        **_growth_facts(cr, "employees", "employees", "min_employee_cagr"),
        "sci_activity_ratio": Ratio(_sum(spend), _sum(revenue), _known(cr, *spend, *revenue)),
    }
    return {"gazelle_met": cr.condition("qualified", derived)}


def unicorn_columns(cr: ColumnarRulebook) -> dict[str, Expr]:
    """种子/潜在/独角兽 (eligibility.unicorn): each currency's own value, else converted at the dated rate."""
    b = cr.b
    cny, usd = cr.input("valuation"), cr.input("valuation_usd")
    rate = Fraction(exact(cr.value("usd_cny_rate")))
    p, q = rate.numerator, rate.denominator
    cny_known, usd_known = _known(cr, cny), _known(cr, usd)
    any_known = cny_known | usd_known
    derived: dict[str, Fact] = {
        "age_years": Anniversary(cr.input("registration_date")),
        "valuation_cny": Ratio(
            b.cases([(cny_known, cny * q)], usd * p), b.lit(q), any_known, cr.unit_of("valuation")
        ),
        "valuation_usd_value": Ratio(
            b.cases([(usd_known, usd * p)], cny * q), b.lit(p), any_known, cr.unit_of("valuation_usd")
        ),
    }
    tiers = {t: cr.condition(t, derived) for t in UNICORN_TIERS}
    branches = [(b.fill_null(tiers[t], False), b.lit(t)) for t in UNICORN_TIERS]
    return {
        "unicorn_tier": b.cases(branches, b.lit("none")),
        "unicorn_met": cr.condition("any_tier", derived),
        **{f"tier_{t}_met": tiers[t] for t in UNICORN_TIERS},
    }


Phases = list[dict[str, Expr]]


def _one(fn: Callable[[ColumnarRulebook], dict[str, Expr]]) -> Callable[[ColumnarRulebook], Phases]:
    return lambda cr: [fn(cr)]


# Each evaluator gives its columns in phases: a later phase may read an earlier phase's columns
# (``innovative-sme`` and ``high-tech`` write their score ranges first). Columns starting with "_" are intermediate.
BATCH: dict[str, Callable[[ColumnarRulebook], Phases]] = {
    "eaglet": _one(eaglet_columns),
    "gazelle": _one(gazelle_columns),
    "unicorn": _one(unicorn_columns),
    "tech-leader": _one(tech_leader_columns),
    "innovative-sme": innovative_sme_columns,
    "high-tech": high_tech_columns,
}


def results(phases: Phases) -> list[str]:
    """The result column names of an evaluator's phases (intermediate columns left out)."""
    return [k for phase in phases for k in phase if not k.startswith("_")]


def series_column(name: str, index: int) -> str:
    """Column of year ``index`` (0 = oldest) of a series input in an evaluator input frame."""
    return f"{name}__{index}"


def declared_input_exprs(cr_book: Any, b: Any, prefix: str = "") -> dict[str, Expr]:
    """Every declared input of a rulebook read from a frame with one column per input (``prefix`` +
    name; series as :func:`series_column`): money in fen, counts whole, dates as dates, booleans."""
    out: dict[str, Any] = {}
    for name, decl in cr_book.book.inputs.items():
        if decl.shape == "series":
            out[name] = [b.col(prefix + series_column(name, i)) for i in range(decl.length or 0)]
        else:
            out[name] = b.col(prefix + name)
    return out
