"""Screening conditions compile to exact integer comparisons (boundaries, bands, growth, missing data)."""

from __future__ import annotations

from fractions import Fraction

import polars as pl
import pytest
from pydantic import ValidationError

from innopoints.cultivation.conditions import ConditionCompiler
from innopoints.cultivation.schema import Condition
from innopoints.registry.panel_fields import SCALE

YEAR = 2025


def cond(**kw: object) -> Condition:
    return Condition.model_validate({"id": "t", "name": {"zh": "测试", "en": "test"}, **kw})


def run(c: Condition, frame: pl.DataFrame, scale: Fraction = Fraction(1)) -> list[bool | None]:
    return frame.select(ConditionCompiler(YEAR).compile(c, scale).alias("x"))["x"].to_list()


def test_staff_ratio_threshold_comes_from_the_high_tech_rulebook_and_is_exact_at_the_boundary() -> None:
    c = cond(
        ratio=["sci_tech_staff", "employees"],
        op=">=",
        threshold={"rulebook": "national/high_tech.yaml", "param": "min_sci_staff_ratio"},
    )
    frame = pl.DataFrame(
        {
            "f_sci_tech_staff": [10 * SCALE, 9 * SCALE + 99, None, 5 * SCALE],
            "f_employees": [100 * SCALE, 100 * SCALE, 100 * SCALE, 0],
        }
    )
    assert run(c, frame) == [True, False, None, None]  # 10% met; 9.99% not; missing and 0 staff unknown
    assert run(c, frame, Fraction(4, 5))[:2] == [True, True]  # gap limit: 8% of staff is "near"


def test_rd_ratio_uses_the_sales_band_with_its_inclusive_edges() -> None:
    c = cond(
        ratio=["rd_expense", "sales_revenue"],
        op=">=",
        threshold={
            "rulebook": "national/high_tech.yaml",
            "param": "rd_required_ratio",
            "band_on": "sales_revenue",
        },
    )
    yuan = SCALE
    frame = pl.DataFrame(
        {
            # 5,000万 exactly is in the ≤5,000万 band (5%); just above it needs 4%; above 2亿 needs 3%
            "f_sales_revenue": [50_000_000 * yuan, 50_000_000 * yuan, 50_000_001 * yuan, 300_000_000 * yuan],
            "f_rd_expense": [2_500_000 * yuan, 2_499_999 * yuan, 2_000_001 * yuan, 9_000_000 * yuan],
        }
    )
    assert run(c, frame) == [True, False, True, True]


def test_growth_is_compound_over_three_years_and_exact() -> None:
    c = cond(growth="operating_revenue", op=">=", value="0.2")
    base = 1_000_000 * SCALE
    exact_end = base * 1728 // 1000  # 1.2^3 = 1.728
    frame = pl.DataFrame(
        {
            "f_operating_revenue": [exact_end, exact_end - 1, exact_end, exact_end],
            "b_operating_revenue": [base, base, None, 0],
        }
    )
    assert run(c, frame) == [True, False, None, None]


def test_sum_value_age_result_and_negatives() -> None:
    frame = pl.DataFrame(
        {
            "f_ip_design": [None, 1 * SCALE, None],
            "f_ip_utility_model": [None, None, 0],
            "f_valuation": [100_000_000 * SCALE, 99_999_999 * SCALE, None],
            "registration_year": [2024, 2020, 2019],
            "percentile_bp": [5000, 4999, None],
            "ladder_stage": ["gazelle", "none", "tech_sme"],
            "neg_major_safety_accident": [0, 1, 0],
            "high_tech_field_id": ["new_materials", None, "aerospace"],
            "q_tech_sme": [True, False, False],
        }
    )
    ip = cond(sum=["ip_design", "ip_utility_model"], op=">=", value=1)
    assert run(ip, frame) == [None, True, False]
    third = cond(
        value_of="valuation",
        op=">=",
        threshold={"rulebook": "liaoning/unicorn.yaml", "param": "seed_min_valuation", "factor": "1/3"},
    )
    assert run(third, frame) == [True, False, None]  # 3亿元 × 1/3 = 1亿元
    age = cond(registered_years=True, op=">=", value=1)
    assert run(age, frame) == [True, True, True]
    assert run(cond(registered_years=True, op="<=", value=5), frame) == [True, True, False]
    assert run(cond(result="percentile_bp", op=">=", value=5000), frame) == [True, False, None]
    stages = cond(result="ladder_stage", op="in", value=["gazelle", "unicorn"])
    assert run(stages, frame) == [True, False, False]
    assert run(cond(no_negatives=["major_safety_accident"]), frame) == [True, False, True]
    assert run(cond(present="high_tech_field_id"), frame) == [True, False, True]
    assert run(cond(qualification="tech_sme"), frame) == [True, False, False]


def test_a_condition_must_name_exactly_one_input_and_a_threshold() -> None:
    with pytest.raises(ValidationError):
        cond(ratio=["rd_expense", "sales_revenue"], growth="employees", op=">=", value=1)
    with pytest.raises(ValidationError):
        cond(value_of="valuation", op=">=")
    with pytest.raises(ValidationError):
        cond(value_of="no_such_field", op=">=", value=1)
    with pytest.raises(ValidationError):
        cond(result="ladder_stage", op="<", value=1, near=0.5)
