"""The downloadable import template: Chinese column headers, and for XLSX a sheet of instructions.

CSV: the header row only (UTF-8 with BOM). XLSX: sheet “企业数据” (header row, drop-down lists for
districts, parks, clusters, fields and 是/否), sheet “填写说明” (one line per column: required or
not, type, unit, rule) and a hidden sheet “选项” holding the drop-down values.
"""

from __future__ import annotations

import io
from dataclasses import dataclass
from pathlib import Path
from typing import Literal

from innopoints.region import Region, load_region
from innopoints.registry.importing.columns import ATTRIBUTE_COLUMNS, CROSS_FIELD_RULES, MONEY_UNITS
from innopoints.registry.importing.reader import DATA_SHEET
from innopoints.registry.panel_fields import panel_fields

TemplateFormat = Literal["csv", "xlsx"]
INSTRUCTIONS_SHEET = "填写说明"
OPTIONS_SHEET = "选项"
REMARK_HEADER = "备注"


@dataclass(frozen=True)
class TemplateColumn:
    header: str
    required: str
    kind: str
    unit: str
    rule: str
    options: tuple[str, ...] = ()


def _choices(region: Region) -> dict[str, tuple[str, ...]]:
    return {
        "district": tuple(d.name_zh for d in region.districts),
        "park": tuple(p.name_zh for p in region.parks),
        "cluster": tuple(c.name_zh for c in region.clusters),
        "field": tuple(f.name_zh for f in region.high_tech_fields),
        "yesno": ("是", "否"),
    }


def template_columns(region: Region | None = None) -> list[TemplateColumn]:
    region = region or load_region()
    choices = _choices(region)
    out: list[TemplateColumn] = []
    for col in ATTRIBUTE_COLUMNS:
        required = "必填" if col.required_always else ("新企业必填" if col.required_for_new else "选填")
        kind = {"year": "整数", "date": "日期"}.get(col.kind, "文本")
        out.append(TemplateColumn(col.header, required, kind, "", col.description, choices.get(col.kind, ())))
    cross = {small: large for small, large in CROSS_FIELD_RULES}
    fields = panel_fields()
    for field in fields.values():
        if field.kind == "money":
            rule = "金额，精确到分；表头单位可改为（万元）或（亿元），数值按表头单位换算"
        else:
            rule = "整数"
        rule += "；不能为负数" if field.min == 0 else "；可以为负数"
        if field.code in cross:
            rule += f"；不能大于“{fields[cross[field.code]].name_zh}”"
        out.append(
            TemplateColumn(
                field.header, "选填", "金额" if field.kind == "money" else "整数", field.unit, rule
            )
        )
    out.append(TemplateColumn(REMARK_HEADER, "选填", "文本", "", "备注说明，导入时忽略"))
    return out


GENERAL_NOTES = (
    "每行填写一家企业一个年度的数据；表头在第1行，请勿修改列名（可删除不需要的指标列）。",
    "统一社会信用代码与年度为必填；系统中尚无的企业还须填写企业名称、注册日期、所属区县、产业集群、是否上市。",
    "指标单元格留空表示“未提供”，不会覆盖已有数据；填 0 表示数值为零。",
    "金额列的单位以表头为准：" + "、".join(MONEY_UNITS) + "；例如“研发费用（万元）”中填 12.5 即 125000 元。",
    "同一企业同一年度只能出现一行；有错误的行会被隔离并列入错误报告，其余行正常导入。",
    "CSV 文件请保存为 UTF-8（推荐）或 GBK 编码。",
)


def template_bytes(fmt: TemplateFormat, region: Region | None = None) -> bytes:
    columns = template_columns(region)
    if fmt == "csv":
        return ("\ufeff" + ",".join(c.header for c in columns) + "\r\n").encode("utf-8")
    if fmt == "xlsx":
        return _xlsx(columns)
    raise ValueError(f"unknown template format {fmt!r}")


def write_template(path: Path, fmt: TemplateFormat, region: Region | None = None) -> None:
    path.write_bytes(template_bytes(fmt, region))


def _xlsx(columns: list[TemplateColumn]) -> bytes:
    import xlsxwriter
    from xlsxwriter.utility import xl_col_to_name

    buffer = io.BytesIO()
    workbook = xlsxwriter.Workbook(buffer, {"in_memory": True})
    header = workbook.add_format(
        {"bold": True, "bg_color": "#DDEBF7", "border": 1, "text_wrap": True, "valign": "top"}
    )
    required = workbook.add_format(
        {"bold": True, "bg_color": "#FCE4D6", "border": 1, "text_wrap": True, "valign": "top"}
    )
    wrap = workbook.add_format({"text_wrap": True, "valign": "top"})

    data = workbook.add_worksheet(DATA_SHEET)
    options = workbook.add_worksheet(OPTIONS_SHEET)
    data.freeze_panes(1, 2)
    data.set_row(0, 36)
    option_col = 0
    for col, spec in enumerate(columns):
        data.set_column(col, col, max(12, min(30, len(spec.header) * 2 + 2)))
        data.write_string(0, col, spec.header, required if spec.required != "选填" else header)
        data.write_comment(0, col, f"{spec.required}。{spec.rule}", {"x_scale": 2, "y_scale": 1.5})
        if spec.options:
            letter = xl_col_to_name(option_col)
            options.write_string(0, option_col, spec.header)
            options.write_column(1, option_col, spec.options)
            source = f"={OPTIONS_SHEET}!${letter}$2:${letter}${len(spec.options) + 1}"
            data.data_validation(
                1,
                col,
                1_048_575,
                col,
                {
                    "validate": "list",
                    "source": source,
                    "error_title": spec.header,
                    "error_message": spec.rule,
                },
            )
            option_col += 1
        elif spec.kind in ("金额", "整数") and spec.header != "年度":
            data.data_validation(
                1,
                col,
                1_048_575,
                col,
                {"validate": "any", "input_title": spec.header[:32], "input_message": spec.rule[:255]},
            )
    options.hide()

    notes = workbook.add_worksheet(INSTRUCTIONS_SHEET)
    notes.set_column(0, 0, 30)
    notes.set_column(1, 3, 12)
    notes.set_column(4, 4, 80)
    for row, line in enumerate(GENERAL_NOTES):
        notes.write_string(row, 0, f"{row + 1}. {line}")
    start = len(GENERAL_NOTES) + 1
    for col, title in enumerate(("列名", "是否必填", "类型", "单位", "填写规则")):
        notes.write_string(start, col, title, header)
    for offset, spec in enumerate(columns, start=start + 1):
        notes.write_row(offset, 0, (spec.header, spec.required, spec.kind, spec.unit or "—"), wrap)
        rule = spec.rule + ("；可选值：" + "、".join(spec.options) if spec.options else "")
        notes.write_string(offset, 4, rule, wrap)
    workbook.close()
    return buffer.getvalue()
