"""科技领军企业: an InnoPoints regional-default definition (no official numeric definition was found)."""

from __future__ import annotations

import datetime as dt
from typing import Any

from innopoints.eligibility.common import finish, ratio_fact, start
from innopoints.rules.results import Verdict

RULEBOOK = "liaoning/tech_leader.yaml"


def evaluate(inputs: dict[str, Any], as_of: dt.date) -> Verdict:
    ev = start(RULEBOOK, inputs, as_of)
    ratio_fact(
        ev, "rd_ratio", "rd_expense", "operating_revenue", zero_note="营业收入为0，比例无定义 (zero revenue)"
    )
    return finish(ev, "tech_leader", {"rd_ratio": ev.fact("rd_ratio").value})
