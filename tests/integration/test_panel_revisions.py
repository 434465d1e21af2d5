"""Provenance and revisions: changes append, the current value is a view, nothing is lost."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import sqlalchemy as sa

from innopoints.adapters.db import panel_repo
from innopoints.adapters.db.engine import unit_of_work
from innopoints.adapters.db.tables import Enterprise, panel_revision
from innopoints.bootstrap import Container
from innopoints.registry.panel import PanelValue
from innopoints.registry.uscc import build


def _firm(container: Container) -> int:
    with unit_of_work(container.sessions) as s:
        firm = Enterprise(
            uscc=build("9", "1", "210112", "MA0000001"),
            name="沈阳测试科技有限公司",
            registration_date=date(2019, 5, 1),
            district_code="210112",
            cluster_id="robotics",
        )
        s.add(firm)
        s.flush()
        return firm.id


def test_change_appends_revision_and_current_view_shows_latest(container: Container) -> None:
    firm = _firm(container)
    with unit_of_work(container.sessions) as s:
        n = panel_repo.append_values(
            s,
            [PanelValue(firm, 2024, "rd_expense", Decimal("1800000.00"))],
            source="tax",
            source_ref="税务接口",
        )
        assert n == 1
    with unit_of_work(container.sessions) as s:
        n = panel_repo.append_values(
            s, [PanelValue(firm, 2024, "rd_expense", Decimal("1860000.50"))], source="self_reported"
        )
        assert n == 1
    with unit_of_work(container.sessions) as s:
        panel = panel_repo.enterprise_panel(s, firm)
        current = panel[2024]["rd_expense"]
        assert current.value == Decimal("1860000.50")
        assert current.source == "self_reported"
        revisions = panel_repo.history(s, firm, indicator="rd_expense")
        assert [r.value for r in revisions] == [Decimal("1800000.00"), Decimal("1860000.50")]
        assert [r.source_label for r in revisions] == ["税务", "自报"]
        assert s.scalar(sa.select(sa.func.count()).select_from(panel_revision)) == 2


def test_recording_the_same_value_again_changes_nothing(container: Container) -> None:
    firm = _firm(container)
    values = [
        PanelValue(firm, 2025, "employees", Decimal(50)),
        PanelValue(firm, 2025, "sci_tech_staff", Decimal(12)),
    ]
    with unit_of_work(container.sessions) as s:
        assert panel_repo.append_values(s, values, source="statistics") == 2
    with unit_of_work(container.sessions) as s:
        assert panel_repo.append_values(s, values, source="statistics") == 0
        assert len(panel_repo.history(s, firm)) == 2


def test_money_is_exact_to_the_fen(container: Container) -> None:
    firm = _firm(container)
    big = Decimal("98765432109.99")
    with unit_of_work(container.sessions) as s:
        panel_repo.append_values(s, [PanelValue(firm, 2025, "sales_revenue", big)], source="tax")
    with unit_of_work(container.sessions) as s:
        assert panel_repo.enterprise_panel(s, firm)[2025]["sales_revenue"].value == big


def test_failed_transaction_leaves_no_revision(container: Container) -> None:
    firm = _firm(container)
    try:
        with unit_of_work(container.sessions) as s:
            panel_repo.append_values(s, [PanelValue(firm, 2025, "employees", Decimal(7))], source="tax")
            raise RuntimeError("boom")
    except RuntimeError:
        pass
    with unit_of_work(container.sessions) as s:
        assert panel_repo.history(s, firm) == []


def test_migrated_panel_table_has_exactly_the_catalogue_fields(engine: sa.Engine) -> None:
    from innopoints.registry.panel_fields import panel_fields

    columns = {c["name"] for c in sa.inspect(engine).get_columns("panel_revision")}
    provenance = {"id", "enterprise_id", "year", "source", "source_ref", "batch_id", "recorded_at"}
    provenance |= {"recorded_by", "is_synthetic"}
    assert columns - provenance == set(panel_fields())


def test_view_panel_current_agrees_with_repository(container: Container) -> None:
    firm = _firm(container)
    with unit_of_work(container.sessions) as s:
        panel_repo.append_values(
            s,
            [
                PanelValue(firm, 2025, "employees", Decimal(40)),
                PanelValue(firm, 2025, "rd_expense", Decimal("5.5")),
            ],
            source="tax",
        )
        panel_repo.append_values(s, [PanelValue(firm, 2025, "employees", Decimal(42))], source="statistics")
    with container.engine.connect() as conn:
        row = conn.execute(
            sa.text(
                "SELECT employees, rd_expense, sales_revenue FROM panel_current WHERE enterprise_id = :f"
            ),
            {"f": firm},
        ).one()
        frame = panel_repo.current_panel_frame(conn, years=[2025])
    assert tuple(row) == (4200, 550, None)
    assert frame.filter(frame["enterprise_id"] == firm).select("employees", "rd_expense").row(0) == (
        4200,
        550,
    )
