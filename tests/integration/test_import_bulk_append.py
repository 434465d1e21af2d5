"""``panel_repo.append_frame`` (the bulk path imports use) keeps ``append_values`` semantics."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import polars as pl

from innopoints.adapters.db import panel_repo
from innopoints.adapters.db.engine import unit_of_work
from innopoints.adapters.db.tables import Enterprise
from innopoints.bootstrap import Container
from innopoints.registry.panel import PanelValue
from innopoints.registry.uscc import build


def _firms(container: Container, n: int) -> list[int]:
    with unit_of_work(container.sessions) as s:
        firms = [
            Enterprise(
                uscc=build("9", "1", "210112", f"MA{i:07d}"),
                name=f"企业{i}",
                registration_date=date(2019, 1, 1),
                district_code="210112",
                cluster_id="robotics",
            )
            for i in range(n)
        ]
        s.add_all(firms)
        s.flush()
        return [f.id for f in firms]


def test_sequence_within_one_call_appends_each_change(container: Container) -> None:
    (firm,) = _firms(container, 1)
    with unit_of_work(container.sessions) as s:
        panel_repo.append_values(s, [PanelValue(firm, 2024, "employees", Decimal(5))], source="tax")
    values = [Decimal(5), Decimal(6), Decimal(6), Decimal(5)]
    with unit_of_work(container.sessions) as s:
        n = panel_repo.append_values(
            s, [PanelValue(firm, 2024, "employees", v) for v in values], source="statistics"
        )
        assert n == 2  # 5 = current (skip), 6 (append), 6 (skip), 5 (append)
        assert [r.value for r in panel_repo.history(s, firm)] == [Decimal(5), Decimal(6), Decimal(5)]
        assert panel_repo.enterprise_panel(s, firm)[2024]["employees"].value == Decimal(5)


def test_frame_path_skips_unchanged_values_across_many_enterprises(container: Container) -> None:
    firms = _firms(container, 1200)  # more than one lookup chunk
    frame = pl.DataFrame(
        {
            "enterprise_id": firms,
            "year": [2024] * len(firms),
            "indicator": ["rd_expense"] * len(firms),
            "value_centi": [i * 101 for i in range(len(firms))],
        }
    )
    with unit_of_work(container.sessions) as s:
        assert panel_repo.append_frame(s, frame, source="import", source_ref="a.csv") == 1200
    changed = frame.with_columns(
        pl.when(pl.col("enterprise_id") == firms[-1])
        .then(7)
        .otherwise(pl.col("value_centi"))
        .alias("value_centi")
    )
    with unit_of_work(container.sessions) as s:
        assert panel_repo.append_frame(s, changed, source="import", source_ref="b.csv") == 1
        rev = panel_repo.enterprise_panel(s, firms[-1])[2024]["rd_expense"]
        assert (rev.value, rev.source_ref) == (Decimal("0.07"), "b.csv")
        first = panel_repo.enterprise_panel(s, firms[1])[2024]["rd_expense"]
        assert (first.value, first.source_ref) == (Decimal("1.01"), "a.csv")
