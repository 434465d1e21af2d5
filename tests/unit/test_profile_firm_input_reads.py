"""``firm_input`` remembers what a rulebook reads: per rulebook object, never carried over to another."""

from __future__ import annotations

import dataclasses
from datetime import date
from decimal import Decimal

from innopoints.eligibility.panel_inputs import EnterpriseAttributes, FirmData
from innopoints.profile.firm_input import firm_input
from innopoints.scoring.rulebook import load_points


def test_each_rulebook_gets_its_own_fields() -> None:
    rb = load_points("shenyang")
    growth = {f for ind in rb.indicator_list if ind.kind == "growth" for f in ind.fields}
    assert growth
    no_growth = dataclasses.replace(
        rb,
        indicators=rb.indicators.model_copy(
            update={"indicators": [ind for ind in rb.indicator_list if ind.kind != "growth"]}
        ),
    )
    firm = FirmData(
        attributes=EnterpriseAttributes(registration_date=date(2019, 4, 1), cluster="robotics"),
        panel={2023: {code: Decimal(1) for code in growth}, 2024: {}},
    )
    for _ in range(2):  # alternate: neither rulebook sees the other's remembered reads
        assert set(firm_input("X", "robotics", firm, 2024, rb).previous) == growth
        assert firm_input("X", "robotics", firm, 2024, no_growth).previous == {}
