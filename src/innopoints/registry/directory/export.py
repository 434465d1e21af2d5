"""Column layouts of the directory exports ([(key, 中文表头)] and row mappings for ``export_rows``)."""

from __future__ import annotations

from decimal import Decimal

from innopoints.registry.directory.models import EnterpriseSummary, money
from innopoints.registry.panel_fields import panel_fields

Column = tuple[str, str]


def list_export_columns(panel_year: int | None) -> list[Column]:
    """Columns of the enterprise-list export: [(key, 中文表头)]; values in 元, exact."""
    year = f"{panel_year}年" if panel_year else ""
    return [
        ("uscc", "统一社会信用代码"),
        ("name", "企业名称"),
        ("registration_date", "注册日期"),
        ("district", "区县"),
        ("park", "园区"),
        ("cluster", "产业集群"),
        ("high_tech_field", "高新技术领域"),
        ("listed", "是否上市"),
        ("qualifications", "有效资质"),
        ("revenue", f"{year}营业收入（元）"),
        ("rd_expense", f"{year}研发费用（元）"),
        ("is_synthetic", "合成数据"),
    ]


def list_export_row(item: EnterpriseSummary) -> dict[str, object]:
    return {
        "uscc": item.uscc,
        "name": item.name,
        "registration_date": item.registration_date,
        "district": item.district_name,
        "park": item.park_name,
        "cluster": item.cluster_name,
        "high_tech_field": item.high_tech_field_name,
        "listed": "是" if item.listed else "否",
        "qualifications": "、".join(item.qualification_labels),
        "revenue": money(item.revenue),
        "rd_expense": money(item.rd_expense),
        "is_synthetic": "是" if item.is_synthetic else "否",
    }


def panel_export_columns() -> list[Column]:
    """Template-like columns of a one-year panel export: identity, then ``<name_zh>（<unit>）``."""
    columns: list[Column] = [("uscc", "统一社会信用代码"), ("name", "企业名称"), ("year", "年度")]
    columns += [(code, spec.header) for code, spec in panel_fields().items()]
    return columns


def panel_export_row(uscc: str, name: str, year: int, values: dict[str, Decimal]) -> dict[str, object]:
    row: dict[str, object] = {"uscc": uscc, "name": name, "year": year}
    for code, spec in panel_fields().items():
        value = values.get(code)
        row[code] = money(value) if spec.kind == "money" else value
    return row
