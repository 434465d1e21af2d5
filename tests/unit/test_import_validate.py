"""Cell, row and cross-row validation of import tables (no database)."""

from __future__ import annotations

import csv
import random
from datetime import date
from pathlib import Path

import polars as pl

from innopoints.region import load_region
from innopoints.registry import uscc
from innopoints.registry.importing.cells import uscc_reasons
from innopoints.registry.importing.columns import map_headers
from innopoints.registry.importing.model import CellError
from innopoints.registry.importing.reader import read_table
from innopoints.registry.importing.validate import Validated, validate_table

TODAY = date(2026, 3, 1)
A = uscc.build("9", "1", "210112", "MA0000001")
B = uscc.build("9", "1", "210106", "MA0000002")
NEW = ["企业名称", "注册日期", "所属区县", "产业集群", "是否上市"]


def _validate(
    tmp_path: Path, header: list[str], rows: list[list[str]], existing: tuple[str, ...] = ()
) -> Validated:
    path = tmp_path / "in.csv"
    with path.open("w", encoding="utf-8", newline="") as handle:
        csv.writer(handle).writerows([header, *rows])
    table = read_table(path)
    mapping = map_headers(table.headers)
    assert mapping.ok, mapping.problems
    return validate_table(table, mapping, region=load_region(), existing_usccs=existing, today=TODAY)


def _errors(v: Validated) -> list[CellError]:
    return v.cell_errors()


def test_money_in_wan_yuan_is_converted_exactly_to_fen(tmp_path: Path) -> None:
    v = _validate(
        tmp_path,
        ["统一社会信用代码", "年度", "研发费用（万元）", "总收入（亿元）", "净利润（元）"],
        [[A, "2024", "12.345678", "1.2345678901", "-1,234.5"]],
        existing=(A,),
    )
    assert _errors(v) == []
    row = v.good.row(0, named=True)
    assert row["rd_expense"] == 12_345_678  # 123456.78 元 in fen
    assert row["total_income"] == 12_345_678_901  # 123456789.01 元
    assert row["net_profit"] == -123_450


def test_too_many_decimals_negative_values_and_fractional_counts(tmp_path: Path) -> None:
    v = _validate(
        tmp_path,
        [
            "统一社会信用代码",
            "年度",
            "研发费用（元）",
            "纳税总额（万元）",
            "职工总数（人）",
            "资产总额（元）",
        ],
        [[A, "2024", "1.234", "-5", "10.5", "1.2E+07"]],
        existing=(A,),
    )
    by_column = {e.column: e for e in _errors(v)}
    assert "最多2位小数" in by_column["研发费用（元）"].message
    assert by_column["纳税总额（万元）"].message == "不能为负数"
    assert by_column["纳税总额（万元）"].value == "-5"
    assert "整数" in by_column["职工总数（人）"].message
    assert "科学计数法" in by_column["资产总额（元）"].message
    assert v.bad_row_numbers == [2]


def test_empty_cells_mean_no_value_and_zero_means_zero(tmp_path: Path) -> None:
    v = _validate(
        tmp_path,
        ["统一社会信用代码", "年度", "职工总数（人）", "研发费用（元）"],
        [[A, "2024", "", "0"]],
        existing=(A,),
    )
    assert _errors(v) == []
    assert v.good.row(0, named=True)["employees"] is None
    assert v.good.row(0, named=True)["rd_expense"] == 0


def test_whole_numbers_with_zero_decimals_are_accepted(tmp_path: Path) -> None:
    v = _validate(
        tmp_path, ["统一社会信用代码", "年度", "职工总数（人）"], [[A, "2024", "12.00"]], existing=(A,)
    )
    assert _errors(v) == [] and v.good["employees"].to_list() == [1200]


def test_year_and_dates(tmp_path: Path) -> None:
    v = _validate(
        tmp_path,
        ["统一社会信用代码", "年度", *NEW],
        [
            [A, "1999", "甲", "2019-05-01", "浑南区", "新材料", "否"],
            [B, "2023", "乙", "2024年3月1日", "210106", "new_materials", "是"],
            [
                uscc.build("9", "1", "210102", "MA0000003"),
                "2025",
                "丙",
                "2026-02-30",
                "和平区",
                "新材料",
                "否",
            ],
            [
                uscc.build("9", "1", "210102", "MA0000004"),
                "2025",
                "丁",
                "2026/12/1",
                "和平区",
                "新材料",
                "否",
            ],
        ],
    )
    messages = {(e.row, e.column): e.message for e in _errors(v)}
    assert "2000" in messages[(2, "年度")]
    assert "晚于数据年度" in messages[(3, "注册日期")]
    assert messages[(4, "注册日期")] == "不是有效的日历日期"
    assert "不能晚于今天" in messages[(5, "注册日期")]


def test_choices_accept_names_and_codes_and_list_the_allowed_values(tmp_path: Path) -> None:
    v = _validate(
        tmp_path,
        ["统一社会信用代码", "年度", *NEW, "所属园区", "高新技术领域"],
        [
            [
                A,
                "2024",
                "甲",
                "2019-05-01",
                "沈阳市浑南区",
                "机器人及智能制造",
                "否",
                "浑南科技城",
                "electronic_information",
            ],
            [B, "2024", "乙", "2019-05-01", "朝阳区", "汽车", "否", "", ""],
        ],
    )
    good = v.good.row(0, named=True)
    assert (good["district_code"], good["cluster_id"], good["park_id"]) == (
        "210112",
        "robotics",
        "hunnan_science_city",
    )
    errors = {e.column: e for e in _errors(v) if e.row == 3}
    assert "浑南区" in errors["所属区县"].expected
    assert set(errors) == {"所属区县", "产业集群"}


def test_invalid_credit_code_gives_the_gb32100_reason(tmp_path: Path) -> None:
    wrong_check = A[:17] + ("0" if A[17] != "0" else "1")
    v = _validate(
        tmp_path, ["统一社会信用代码", "年度"], [[wrong_check, "2024"], ["91210112", "2024"], ["", "2024"]]
    )
    messages = [e.message for e in _errors(v)]
    assert any("校验码" in m for m in messages)
    assert any("长度应为18位" in m for m in messages)
    assert any("必填" in m for m in messages)


def test_vectorised_credit_code_check_agrees_with_uscc_validate() -> None:
    rng = random.Random(7)
    codes = []
    for i in range(3000):
        code = list(uscc.build(rng.choice("9159"), rng.choice("123"), "210112", f"MA{i:07d}"))
        if rng.random() < 0.5:
            code[rng.randrange(18)] = rng.choice(uscc.ALPHABET + "IOSVZa-")
        codes.append("".join(code))
    reasons = uscc_reasons(pl.Series(codes))
    for code in codes:
        assert (code in reasons) == (not uscc.is_valid(code)), code


def test_cross_field_rules(tmp_path: Path) -> None:
    v = _validate(
        tmp_path,
        [
            "统一社会信用代码",
            "年度",
            "职工总数（人）",
            "科技人员数（人）",
            "研发人员数（人）",
            "研发费用（万元）",
            "成本费用支出总额（元）",
            "境内研发费用（元）",
            "总收入（元）",
            "高新技术产品(服务)收入（元）",
        ],
        [[A, "2024", "10", "11", "10", "1", "9999.99", "10000.01", "100", "100.01"]],
        existing=(A,),
    )
    columns = sorted(e.column for e in _errors(v))
    assert columns == sorted(
        ["科技人员数（人）", "研发费用（万元）", "境内研发费用（元）", "高新技术产品(服务)收入（元）"]
    )


def test_duplicate_enterprise_year_rows_are_all_flagged(tmp_path: Path) -> None:
    v = _validate(
        tmp_path,
        ["统一社会信用代码", "年度", "职工总数（人）"],
        [[A, "2024", "1"], [A, "2023", "1"], [A, "2024", "2"]],
        existing=(A,),
    )
    dupes = [e for e in _errors(v) if "重复" in e.message]
    assert [e.row for e in dupes] == [2, 4]
    assert "第2、4行" in dupes[0].message
    assert v.bad_row_numbers == [2, 4]


def test_new_enterprise_needs_its_attributes_existing_does_not(tmp_path: Path) -> None:
    v = _validate(
        tmp_path,
        ["统一社会信用代码", "年度", "企业名称"],
        [[A, "2024", "甲"], [B, "2024", ""]],
        existing=(B,),
    )
    errors = _errors(v)
    assert {e.row for e in errors} == {2}
    assert {e.column for e in errors} == {"注册日期", "所属区县", "产业集群", "是否上市"}
    assert all("新企业" in e.message for e in errors)


def test_conflicting_attributes_between_rows_of_one_enterprise(tmp_path: Path) -> None:
    v = _validate(
        tmp_path,
        ["统一社会信用代码", "年度", "所属区县"],
        [[A, "2023", "浑南区"], [A, "2024", "210106"]],
        existing=(A,),
    )
    assert [e.row for e in _errors(v)] == [2, 3]
    assert all("不一致" in e.message for e in _errors(v))
