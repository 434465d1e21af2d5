"""Pure sections of the enterprise profile: peer percentiles, strengths/weaknesses texts, trends with
units, and the single-firm scoring input built from a firm's records for any year."""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from typing import Any

from innopoints.eligibility.panel_inputs import (
    EnterpriseAttributes,
    FirmData,
    NegativeEntry,
    QualificationRecord,
)
from innopoints.profile.firm_input import active_in, firm_input
from innopoints.profile.points import share_below, strengths_weaknesses
from innopoints.profile.trend import indicator_trend, points_trend, trend_years
from innopoints.scoring.rulebook import load_points


def test_share_below_counts_strictly_lower_others() -> None:
    assert share_below(50, []) == Decimal(100)
    assert share_below(50, [10, 50, 50, 90]) == Decimal("25.0")  # ties are not "below"
    assert share_below(0, [0, 0, 0]) == Decimal("0.0")
    assert share_below(7, [1, 2, 3, 9, 9, 9]) == Decimal("50.0")
    assert share_below(7, [1, 2, 9]) == Decimal("66.7")


def _item(ident: str, pct: str, weight: int = 10, missing: bool = False) -> dict[str, Any]:
    return {
        "id": ident,
        "name": {"a": "研发费用占营业收入比重", "b": "营业收入", "c": "纳税额"}.get(ident, ident),
        "value_text": "缺失" if missing else "9.64%",
        "missing": missing,
        "peer_percentile": Decimal(pct),
        "weight": Decimal(weight),
    }


def test_strengths_and_weaknesses_order_and_texts() -> None:
    items = [
        _item("a", "92.0"),
        _item("b", "97.5"),
        _item("c", "50.0"),
        _item("d", "12.3"),
        _item("e", "0.0", missing=True),
        _item("f", "99.9", weight=0),  # not weighted at this stage: neither
        _item("g", "49.9"),
    ]
    out = strengths_weaknesses(items)
    assert [s["id"] for s in out["strengths"]] == ["b", "a", "c"]
    assert out["strengths"][1]["text"] == "研发费用占营业收入比重（9.64%）高于同组 92% 的企业"
    assert [w["id"] for w in out["weaknesses"]] == ["e", "d", "g"]
    assert "缺少数据" in out["weaknesses"][0]["text"]
    assert out["weaknesses"][1]["text"] == "d（9.64%）仅高于同组 12.3% 的企业"


def _firm(panel: dict[int, dict[str, Decimal]], **more: Any) -> FirmData:
    attrs = EnterpriseAttributes(registration_date=date(2019, 4, 1), cluster="robotics")
    return FirmData(attributes=attrs, panel=panel, **more)


def test_indicator_trend_keeps_exact_yuan_and_units() -> None:
    firm = _firm(
        {
            2023: {"operating_revenue": Decimal("12345678.90"), "rd_expense": Decimal("1000000.50")},
            2025: {"operating_revenue": Decimal("0"), "sci_tech_staff": Decimal(12)},
        }
    )
    rows = {r["id"]: r for r in indicator_trend(firm, trend_years(2025))}
    revenue = rows["operating_revenue"]["values"]
    assert revenue[0] == {"year": 2023, "value": "12345678.90", "text": "1,234.56789万元"}
    assert revenue[1] == {"year": 2024, "value": None, "text": "缺失"}
    assert revenue[2]["value"] == "0.00"
    assert rows["rd_intensity"]["values"][0]["value"] == "8.10" and rows["rd_intensity"]["unit"] == "%"
    assert rows["rd_intensity"]["values"][2]["value"] is None  # zero revenue: no ratio
    assert rows["sci_tech_staff"]["values"][2] == {"year": 2025, "value": "12", "text": "12人"}
    assert rows["ip_invention_granted"]["unit"] == "项"


def test_points_trend_labels_round_results_and_estimates() -> None:
    estimates = {2023: None, 2024: Decimal("311.20")}
    rows = points_trend([2023, 2024, 2025], {2025: (4, 55434)}, estimates.get, 4)
    assert [r["source"] for r in rows] == ["none", "estimate", "round"]
    assert rows[2]["points"] == Decimal("554.34") and rows[2]["label"] == "第 4 批次评价结果"
    assert rows[1]["label"] == "按第 4 批次冻结参照估算（非正式结果）"
    assert rows[0]["points"] is None


def test_firm_input_applies_the_year_windows() -> None:
    rb = load_points("shenyang")
    quals = (
        QualificationRecord("tech_sme", 2023, date(2023, 5, 1), date(2023, 12, 31)),  # expired before 2024
        QualificationRecord("high_tech_enterprise", 2022, date(2022, 11, 1), date(2025, 10, 31)),
        QualificationRecord("gazelle", 2024, date(2024, 3, 1), None, date(2024, 9, 1)),  # revoked in 2024
    )
    negatives = (
        NegativeEntry("abnormal_operation_list", date(2023, 6, 1)),  # in the 2-year window of 2024
        NegativeEntry("major_safety_accident", date(2022, 6, 1)),  # too old for 2024
        NegativeEntry("tax_arrears", date(2024, 2, 1)),  # not listed: an unlisted deduction
        NegativeEntry("serious_illegal_dishonest", date(2024, 1, 5), date(2023, 12, 31)),  # cleared before
    )
    firm = _firm(
        {
            2023: {"rd_expense": Decimal("100.00"), "employees": Decimal(9)},
            2024: {"rd_expense": Decimal("150.25"), "operating_revenue": Decimal("1000.00")},
        },
        qualifications=quals,
        negatives=negatives,
    )
    fi = firm_input("91210100MA0000001X", "robotics", firm, 2024, rb)
    assert fi.qualifications == frozenset({"high_tech_enterprise"})
    assert fi.negatives == {"abnormal_operation_list": 1, "unlisted": 1}
    assert fi.current["rd_expense"] == 15025 and fi.current["operating_revenue"] == 100000
    assert fi.current["employees"] is None and fi.previous["rd_expense"] == 10000
    assert fi.registration_year == 2019 and fi.cluster_id == "robotics"
    assert active_in(firm, 2019, None) and not active_in(firm, 2018, None)
    assert not active_in(firm, 2024, date(2024, 12, 31)) and active_in(firm, 2024, date(2025, 1, 1))
