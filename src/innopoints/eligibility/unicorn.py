"""种子独角兽 / 潜在独角兽 / 独角兽 (辽科创办发〔2021〕2号; seed/potential thresholds from 深圳 as regional
defaults). Returns the highest tier reached; ``qualified`` means any tier."""

from __future__ import annotations

import datetime as dt
from typing import Any

from innopoints.eligibility.common import age_fact, finish, start
from innopoints.rules.numbers import exact
from innopoints.rules.results import Status, Verdict

RULEBOOK = "liaoning/unicorn.yaml"
TIERS = ("unicorn", "potential_unicorn", "seed_unicorn")  # highest first


def evaluate(inputs: dict[str, Any], as_of: dt.date) -> Verdict:
    ev = start(RULEBOOK, inputs, as_of)
    age_fact(ev)
    cny, usd = ev.fact("valuation"), ev.fact("valuation_usd")
    both = ("valuation", "valuation_usd")
    if cny.known or usd.known:
        rate = exact(ev.value("usd_cny_rate")) if not (cny.known and usd.known) else None
        cny_value = exact(cny.value) if cny.known else exact(usd.value) * rate  # type: ignore[operator]
        usd_value = exact(usd.value) if usd.known else exact(cny.value) / rate  # type: ignore[operator]
        ev.derive("valuation_cny", cny_value, inputs=both)
        ev.derive("valuation_usd_value", usd_value, inputs=both)
    else:
        ev.derive("valuation_cny", None, inputs=both, missing=("valuation",))
        ev.derive("valuation_usd_value", None, inputs=both, missing=("valuation",))
    # "qualified" for this rulebook is reaching any tier.
    conditions = {cid: ev.check(cid) for cid in TIERS}
    tier = next((t for t in TIERS if conditions[t].status is Status.MET), None)
    undecided_higher = [t for t in TIERS if conditions[t].status is Status.UNKNOWN]
    details = {
        "tier": tier,
        "tier_certain": (
            tier is not None and all(TIERS.index(t) > TIERS.index(tier) for t in undecided_higher)
        )
        or (tier is None and not undecided_higher),
        "tiers": {t: conditions[t].status.value for t in TIERS},
        "age_years": ev.fact("age_years").value,
        "valuation_cny": ev.fact("valuation_cny").value,
        "valuation_usd": ev.fact("valuation_usd_value").value,
    }
    return finish(ev, "unicorn", details, overall_id="any_tier")
