"""辽宁省雏鹰企业 (辽科创办发〔2021〕2号; numeric thresholds are regional defaults)."""

from __future__ import annotations

import datetime as dt
from typing import Any

from innopoints.eligibility.common import age_fact, finish, ratio_fact, start
from innopoints.rules.results import Verdict

RULEBOOK = "liaoning/eaglet.yaml"


def evaluate(inputs: dict[str, Any], as_of: dt.date) -> Verdict:
    ev = start(RULEBOOK, inputs, as_of)
    age_fact(ev)
    ratio_fact(
        ev, "rd_ratio", "rd_expense", "operating_revenue", zero_note="营业收入为0，比例无定义 (zero revenue)"
    )
    ratio_fact(ev, "staff_ratio", "sci_tech_staff", "employees", zero_note="职工总数为0 (no employees)")
    c1, c2 = ev.fact("ip_class1"), ev.fact("ip_class2")
    if c1.known and c2.known:
        ev.derive("ip_total", c1.value + c2.value, inputs=("ip_class1", "ip_class2"))
    else:
        ev.derive(
            "ip_total",
            None,
            inputs=("ip_class1", "ip_class2"),
            missing=ev.missing_of("ip_class1", "ip_class2"),
        )
    details = {
        "age_years": ev.fact("age_years").value,
        "rd_ratio": ev.fact("rd_ratio").value,
        "staff_ratio": ev.fact("staff_ratio").value,
    }
    return finish(ev, "eaglet", details)
