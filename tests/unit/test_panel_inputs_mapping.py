"""Mapping a firm's panel years, attributes, qualifications and negative records to evaluator inputs."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from innopoints.eligibility.gap import gap_for
from innopoints.eligibility.panel_inputs import (
    EnterpriseAttributes,
    FirmData,
    NegativeEntry,
    QualificationRecord,
    build_inputs,
)
from innopoints.eligibility.registry import run
from innopoints.registry.panel_fields import panel_fields

AS_OF = dt.date(2025, 6, 30)
D = Decimal


def year_values(scale: int) -> dict[str, Decimal]:
    return {
        "employees": D(100 + scale),
        "sci_tech_staff": D(20),
        "sales_revenue": D(30_000_000 * scale),
        "operating_revenue": D(31_000_000 * scale),
        "total_income": D(32_000_000 * scale),
        "high_tech_income": D(25_000_000 * scale),
        "total_assets": D(50_000_000 + scale),
        "total_liabilities": D(20_000_000),
        "cost_expense_total": D(25_000_000),
        "rd_expense": D("1800000.50"),
        "rd_expense_domestic": D(1_700_000),
        "ip_invention_granted": D(2),
        "ip_plant_variety": D(1),
        "ip_utility_model": D(3),
        "ip_design": D(1),
        "ip_software_copyright": D(4),
        "conversions": D(scale),
        "rd_platforms_provincial": D(0),
        "standards_led": D(0),
        "awards_national": D(0),
        "venture_rounds": D(0),
        "equity_financing": D(0),
        "valuation": D(100_000_000 * scale),
        "largest_venture_investment": D(scale),
    }


FIRM = FirmData(
    EnterpriseAttributes(dt.date(2016, 5, 1), "210112", "ic", "electronic_information"),
    panel={2020 + i: year_values(i) for i in range(1, 6)},
    qualifications=(
        QualificationRecord("high_tech_enterprise", 2023, dt.date(2023, 11, 1), dt.date(2026, 10, 31)),
    ),
    negatives=(NegativeEntry("abnormal_operation_list", dt.date(2023, 1, 5), dt.date(2023, 6, 1)),),
)


def test_windows_and_sums() -> None:
    built = build_inputs(FIRM, AS_OF)
    sme, ht = built.inputs["tech-sme"], built.inputs["high-tech"]
    assert built.filing_year == 2025
    assert sme["sales_revenue"] == D(30_000_000 * 4)  # the year before filing: 2024 (scale 4)
    assert sme["ip_class1"] == 3 and sme["ip_class2"] == 8  # 2+1(+0+0) and 3+1+4
    assert sme["valid_hte_certificate"] is True and sme["serious_violation"] is False  # cleared in 2023
    assert ht["sales_revenue"] == [D(60_000_000), D(90_000_000), D(120_000_000)]  # 2022–2024
    assert ht["net_assets"] == [D(30_000_002), D(30_000_003), D(30_000_004)]
    assert ht["conversions"] == [2, 3, 4] and ht["high_tech_field"] == "electronic_information"
    assert built.inputs["gazelle"]["operating_revenue"][0] == D(31_000_000)  # base year 2021
    assert built.inputs["unicorn"]["valuation"] == D(500_000_000)  # latest up to 2025
    assert built.inputs["unicorn"]["professional_investment"] is False
    assert "ip_other_class1" in " ".join(built.notes)  # absent components are named
    assert built.sources["tech-sme"]["ip_class1"].startswith("面板 2024年 ip_invention_granted")
    assert set(built.sources["high-tech"]) == set(ht)


def test_every_built_input_is_accepted_by_its_evaluator() -> None:
    built = build_inputs(FIRM, AS_OF)
    for evaluator, inputs in built.inputs.items():
        verdict = run(evaluator, inputs, AS_OF)
        assert not verdict.warnings or "ignored" not in " ".join(verdict.warnings), evaluator
    report = gap_for(built.inputs, AS_OF).as_dict()
    assert report["highest"] is not None


def test_negative_records_and_expired_certificates() -> None:
    firm = FirmData(
        FIRM.attributes,
        panel=FIRM.panel,
        qualifications=(
            QualificationRecord("high_tech_enterprise", 2021, dt.date(2021, 11, 1), dt.date(2024, 10, 31)),
        ),
        negatives=(NegativeEntry("major_quality_accident", dt.date(2024, 12, 1)),),
    )
    built = build_inputs(firm, AS_OF)
    assert built.inputs["tech-sme"]["valid_hte_certificate"] is False
    assert built.inputs["tech-sme"]["serious_violation"] is True  # within the filing year and the year before
    assert built.inputs["high-tech"]["serious_incident"] is True  # within a year before the date
    later = build_inputs(firm, dt.date(2027, 6, 30))
    assert later.inputs["high-tech"]["serious_incident"] is False
    assert later.inputs["tech-sme"]["serious_violation"] is False


def test_mapped_fields_exist_in_the_panel_catalogue() -> None:
    from innopoints.eligibility import panel_inputs

    catalogue = panel_fields()
    assert set(panel_inputs.CLASS1) | set(panel_inputs.CLASS2) <= set(catalogue)
    assert set(year_values(1)) <= set(catalogue)


def test_missing_years_give_unknown_inputs() -> None:
    firm = FirmData(FIRM.attributes, panel={2024: year_values(4)})
    built = build_inputs(firm, AS_OF)
    assert built.inputs["high-tech"]["sales_revenue"] == [None, None, D(120_000_000)]
    verdict = run("high-tech", built.inputs["high-tech"], AS_OF)
    assert verdict.details["verdict"] in ("unknown", "no")
