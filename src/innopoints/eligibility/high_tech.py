"""高新技术企业 self-assessment (国科发火〔2016〕32号 第十一条 + 国科发火〔2016〕195号)."""

from __future__ import annotations

import datetime as dt
from typing import Any

from innopoints.eligibility.common import rulebook_info, series_known, total
from innopoints.eligibility.high_tech_score import conversion_item, expert, growth_item, ip_block
from innopoints.eligibility.rulebooks import rulebook
from innopoints.rules.evaluation import Evaluation
from innopoints.rules.numbers import ScoreRange, exact
from innopoints.rules.results import ConditionResult, Status, Verdict

RULEBOOK = "national/high_tech.yaml"


def _sum(ranges: dict[str, ScoreRange]) -> ScoreRange:
    out = ScoreRange.exact(0)
    for r in ranges.values():
        out = out + r
    return out


def _series_ratio(ev: Evaluation, name: str, num: str, den: str, note: str) -> None:
    a, b = ev.fact(num).value, ev.fact(den).value
    if not (series_known(a) and series_known(b)):
        ev.derive(name, None, inputs=(num, den), missing=ev.missing_of(num, den) or (num, den))
        return
    denominator = total(b)
    if denominator == 0:
        ev.derive(name, None, inputs=(num, den), note=note)
        return
    ev.derive(name, total(a) / denominator, inputs=(num, den))


def _scalar_ratio(ev: Evaluation, name: str, num: str, den: str, note: str) -> None:
    a, b = ev.fact(num), ev.fact(den)
    if not (a.known and b.known):
        ev.derive(name, None, inputs=(num, den), missing=ev.missing_of(num, den))
    elif b.value == 0:
        ev.derive(name, None, inputs=(num, den), note=note)
    else:
        ev.derive(name, exact(a.value) / exact(b.value), inputs=(num, den))


def _net_assets(ev: Evaluation, warnings: list[str]) -> tuple[list[Any] | None, tuple[str, ...]]:
    direct = ev.fact("net_assets").value
    assets, debts = ev.fact("total_assets").value, ev.fact("total_liabilities").value
    derived = None
    if series_known(assets) and series_known(debts):
        derived = [a - d for a, d in zip(assets, debts, strict=True)]
    if series_known(direct):
        if derived is not None and derived != direct:
            warnings.append(
                "net_assets 与 total_assets − total_liabilities 不一致，按 net_assets 计算 (inconsistent net assets)"
            )
        return direct, ()
    if derived is not None:
        return derived, ()
    return None, ("net_assets",)


def _facts(ev: Evaluation, inputs: dict[str, Any], as_of: dt.date) -> None:
    reg, app = ev.fact("registration_date"), ev.fact("application_date")
    applied = app.value if app.known else as_of
    if reg.known:
        ev.derive(
            "registered_days", (applied - reg.value).days, inputs=("registration_date", "application_date")
        )
    else:
        ev.derive("registered_days", None, inputs=("registration_date",), missing=("registration_date",))
    c1, c2 = ev.fact("ip_class1"), ev.fact("ip_class2")
    if c1.known and c2.known:
        ev.derive("ip_total", c1.value + c2.value, inputs=("ip_class1", "ip_class2"))
    elif (c1.known and c1.value > 0) or (c2.known and c2.value > 0):
        ev.derive(
            "ip_total",
            max(c1.value or 0, c2.value or 0),
            inputs=("ip_class1", "ip_class2"),
            note="部分知识产权数缺失，按已知数计 (lower bound from the known count)",
        )
    else:
        ev.derive(
            "ip_total",
            None,
            inputs=("ip_class1", "ip_class2"),
            missing=ev.missing_of("ip_class1", "ip_class2"),
        )
    _scalar_ratio(ev, "staff_ratio", "sci_tech_staff", "employees", "职工总数为0，比例无定义 (no employees)")
    _series_ratio(
        ev, "rd_ratio", "rd_expense", "sales_revenue", "近三年销售收入合计为0，比例无定义 (zero sales)"
    )
    sales = ev.fact("sales_revenue").value
    if sales is not None and sales[-1] is not None:
        band = ev.band("rd_required_ratio", sales[-1], about="sales_revenue[latest]")
        ev.derive("rd_required_ratio", band.value, inputs=("sales_revenue",))
    else:
        ev.derive("rd_required_ratio", None, inputs=("sales_revenue",), missing=("sales_revenue",))
    _series_ratio(ev, "domestic_rd_share", "rd_expense_domestic", "rd_expense", "研发费用合计为0 (zero R&D)")
    _scalar_ratio(ev, "high_tech_income_share", "high_tech_income", "total_income", "总收入为0 (zero income)")


def evaluate(inputs: dict[str, Any], as_of: dt.date) -> Verdict:
    book = rulebook(RULEBOOK)
    ev = Evaluation(book, as_of)
    for name in book.book.inputs:
        ev.input(name, inputs.get(name))
    warnings: list[str] = []
    _facts(ev, inputs, as_of)

    weights = ev.value("score_weights")
    ip_items = ip_block(ev)
    ip = _sum(ip_items).capped(int(weights["ip"]))
    conversion = conversion_item(ev, int(weights["conversion"]))
    rd_max = ev.value("rd_management_items")
    rd_items = {
        key: expert(ev, f"expert_rd_{key}", ScoreRange(0, int(rd_max[key])))
        for key in ("system", "institution", "conversion_incentive", "talent")
    }
    growth_max = ev.value("growth_items")
    net_values, net_missing = _net_assets(ev, warnings)
    na_rate, na_points = growth_item(ev, "net_assets", net_values, net_missing, int(growth_max["net_assets"]))
    sales_values = ev.fact("sales_revenue").value
    sr_rate, sr_points = growth_item(ev, "sales_revenue", sales_values, (), int(growth_max["sales_revenue"]))
    blocks = {
        "ip": ip,
        "conversion": conversion,
        "rd_management": _sum(rd_items),
        "growth": na_points + sr_points,
    }
    score = _sum(blocks)
    ev.derive("score", score, inputs=tuple(f"block_{k}" for k in blocks))

    conditions = [ev.check(cid) for cid in book.book.outline]
    overall = ev.check("qualified")
    details = {
        "verdict": _verdict(overall),
        "growth": {
            "net_assets": {"rate": na_rate, "points": na_points.as_list(), "values": net_values},
            "sales_revenue": {"rate": sr_rate, "points": sr_points.as_list(), "values": sales_values},
        },
        "rd": {
            "ratio": ev.fact("rd_ratio").value,
            "required_ratio": ev.fact("rd_required_ratio").value,
            "domestic_share": ev.fact("domestic_rd_share").value,
            "domestic_required": ev.value("min_domestic_rd_share"),
        },
        "staff_ratio": ev.fact("staff_ratio").value,
        "high_tech_income_share": ev.fact("high_tech_income_share").value,
        "registered_days": ev.fact("registered_days").value,
        "score": {
            "min": score.lo,
            "max": score.hi,
            "threshold": ev.value("score_threshold"),
            "blocks": {k: v.as_list() for k, v in blocks.items()},
            "items": {
                "ip": {k: v.as_list() for k, v in ip_items.items()},
                "rd_management": {k: v.as_list() for k, v in rd_items.items()},
            },
        },
        "qualification": overall.as_dict(),
    }
    return Verdict("high_tech", as_of, rulebook_info(book), conditions, details, ev.trace, warnings, overall)


def _verdict(overall: ConditionResult) -> str:
    """yes / no / depends (only the expert-scored range straddles the threshold) / unknown (data missing)."""
    if overall.status is Status.MET:
        return "yes"
    if overall.status is Status.NOT_MET:
        return "no"
    undecided = overall.blockers(Status.UNKNOWN)
    if all(c.id == "c7_score" and not c.missing for c in undecided):
        return "depends"
    return "unknown"
