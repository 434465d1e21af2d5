"""Header mapping of import files: units, parentheses, unknown and missing columns."""

from __future__ import annotations

from innopoints.registry.importing.columns import map_headers
from innopoints.registry.panel_fields import panel_fields

BASE = ["统一社会信用代码", "年度"]


def test_full_width_and_ascii_parentheses_both_map_to_the_field() -> None:
    mapping = map_headers([*BASE, "研发费用（万元）", "职工总数(人)", "高新技术产品(服务)收入（亿元）"])
    assert mapping.ok, mapping.problems
    by_key = mapping.by_key()
    assert by_key["rd_expense"].unit == "万元" and by_key["rd_expense"].scale_exponent == 4
    assert by_key["employees"].unit == "人"
    assert by_key["high_tech_income"].scale_exponent == 8


def test_money_header_with_unknown_unit_is_a_file_error_naming_the_column() -> None:
    mapping = map_headers([*BASE, "研发费用（千元）", "总收入（美元）"])
    assert not mapping.ok
    messages = [p.message for p in mapping.problems]
    assert any("研发费用（千元）" in m and "千元" in m for m in messages)
    assert any("总收入（美元）" in m for m in messages)


def test_money_header_without_unit_is_a_file_error() -> None:
    mapping = map_headers([*BASE, "研发费用"])
    assert [p.header for p in mapping.problems] == ["研发费用"]
    assert "缺少单位" in mapping.problems[0].message


def test_count_header_may_omit_its_unit_but_not_change_it() -> None:
    assert map_headers([*BASE, "职工总数"]).ok
    bad = map_headers([*BASE, "职工总数（个）"])
    assert not bad.ok and "人" in bad.problems[0].message


def test_unknown_column_is_refused_with_a_suggestion_and_remark_is_ignored() -> None:
    mapping = map_headers([*BASE, "研发费 用（元）", "备注", "营收"])
    headers = [p.header for p in mapping.problems]
    assert "营收" in headers
    remark = [c for c in mapping.columns if c.header == "备注"]
    assert remark and remark[0].ignored
    # "研发费 用" normalises (spaces removed) to a known header: accepted
    assert "rd_expense" in mapping.by_key()


def test_unknown_column_message_suggests_the_closest_header() -> None:
    mapping = map_headers([*BASE, "研发费用总额（元）"])
    assert "是否应为" in mapping.problems[0].message


def test_missing_required_columns_are_named() -> None:
    mapping = map_headers(["企业名称", "职工总数（人）"])
    assert not mapping.ok
    assert "统一社会信用代码" in mapping.problems[0].message and "年度" in mapping.problems[0].message


def test_duplicate_columns_are_refused() -> None:
    mapping = map_headers([*BASE, "研发费用（元）", "研发费用（万元）"])
    assert not mapping.ok and "重复" in mapping.problems[0].message


def test_every_catalogue_header_maps_back_to_its_field() -> None:
    fields = panel_fields()
    mapping = map_headers([*BASE, *(f.header for f in fields.values())])
    assert mapping.ok
    assert set(mapping.by_key()) == {"uscc", "year", *fields}
