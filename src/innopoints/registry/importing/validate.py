"""Validate a whole import table at once (polars), producing typed rows and per-cell errors.

Checks: each cell's type, unit and range; cross-field rules within a row; the same enterprise and
year twice in the file; attributes that disagree between rows of one enterprise; attributes that a
new enterprise must have. No database access here: what the registry already holds is passed in.
"""

from __future__ import annotations

from collections.abc import Collection
from dataclasses import dataclass
from datetime import date

import polars as pl

from innopoints.region import Region
from innopoints.registry.importing.cells import (
    CellCheck,
    choice_cell,
    date_cell,
    name_cell,
    number_cell,
    uscc_cell,
    uscc_reasons,
    year_cell,
    yes_no_cell,
)
from innopoints.registry.importing.columns import (
    ATTRIBUTE_COLUMNS,
    CROSS_FIELD_RULES,
    HeaderMapping,
    MappedColumn,
)
from innopoints.registry.importing.model import ATTRIBUTE_KEYS, CellError
from innopoints.registry.importing.reader import RawTable

ROW = "__row"
ERROR_SCHEMA = {
    "row": pl.Int64,
    "column": pl.String,
    "value": pl.String,
    "expected": pl.String,
    "message": pl.String,
}
_SPACES = " \t\r\n\u3000\xa0"


@dataclass(frozen=True)
class Validated:
    """``rows``: typed values of every row (``__row``, ``__bad``, uscc, year, attributes, panel codes).
    ``errors``: one row per cell error, ordered by row and column position."""

    rows: pl.DataFrame
    errors: pl.DataFrame
    panel_codes: tuple[str, ...]

    @property
    def good(self) -> pl.DataFrame:
        return self.rows.filter(~pl.col("__bad"))

    @property
    def bad_row_numbers(self) -> list[int]:
        return self.rows.filter(pl.col("__bad"))[ROW].to_list()

    def cell_errors(self, limit: int | None = None) -> list[CellError]:
        frame = self.errors if limit is None else self.errors.head(limit)
        return [CellError(**r) for r in frame.iter_rows(named=True)]


def text_frame(table: RawTable, mapping: HeaderMapping) -> pl.DataFrame:
    """The mapped columns as stripped text (empty → null) plus the row number."""
    mapped = [c for c in mapping.columns if not c.ignored]
    frame = pl.DataFrame(
        [pl.Series(ROW, table.row_numbers, dtype=pl.Int64)]
        + [pl.Series(c.key, table.columns[c.position], dtype=pl.String) for c in mapped]
    )
    stripped = [pl.col(c.key).str.strip_chars(_SPACES) for c in mapped]
    return frame.with_columns(
        pl.when(s.str.len_chars() > 0).then(s).otherwise(None).alias(c.key)
        for s, c in zip(stripped, mapped, strict=True)
    )


def _choices(items: Collection[tuple[str, str]], *, with_city_prefix: str = "") -> dict[str, str]:
    out: dict[str, str] = {}
    for key, name in items:
        out[key] = key
        out[name] = key
        if with_city_prefix:
            out[with_city_prefix + name] = key
    return out


def _attribute_check(col: MappedColumn, region: Region, today: date, reasons: dict[str, str]) -> CellCheck:
    assert col.attribute is not None
    kind = col.attribute.kind
    if kind == "uscc":
        return uscc_cell(col.key, reasons)
    if kind == "name":
        return name_cell(col.key)
    if kind == "year":
        return year_cell(col.key, today)
    if kind == "date":
        return date_cell(col.key, today, "__year")
    if kind == "yesno":
        return yes_no_cell(col.key)
    if kind == "district":
        pairs = [(d.id, d.name_zh) for d in region.districts]
        return choice_cell(
            col.key, _choices(pairs, with_city_prefix=region.name_zh), "区县", "、".join(n for _, n in pairs)
        )
    source = {
        "park": (region.parks, "园区"),
        "cluster": (region.clusters, "产业集群"),
        "field": (region.high_tech_fields, "高新技术领域"),
    }
    items, what = source[kind]
    pairs = [(i.id, i.name_zh) for i in items]
    return choice_cell(col.key, _choices(pairs), what, "、".join(n for _, n in pairs))


def _errors_of(frame: pl.DataFrame, column: str, header: str, error: pl.Expr, expected: str) -> pl.DataFrame:
    return frame.select(
        pl.col(ROW).alias("row"),
        pl.lit(header).alias("column"),
        (pl.col(column).fill_null("") if column in frame.columns else pl.lit("")).alias("value"),
        pl.lit(expected).alias("expected"),
        error.alias("message"),
    ).filter(pl.col("message").is_not_null())


def validate_table(
    table: RawTable,
    mapping: HeaderMapping,
    *,
    region: Region,
    existing_usccs: Collection[str],
    today: date,
) -> Validated:
    text = text_frame(table, mapping)
    columns = [c for c in mapping.columns if not c.ignored]
    by_key = {c.key: c for c in columns}
    reasons = uscc_reasons(text["uscc"])
    text = text.with_columns(year_cell("year", today).value.alias("__year"))

    checks = {c.key: (c, _parse(c, region, today, reasons)) for c in columns}
    depth = max(len(check.stages) for _, check in checks.values())
    for level in range(depth):
        text = text.with_columns(
            e for _, check in checks.values() if level < len(check.stages) for e in check.stages[level]
        )
    text = text.with_columns(check.error.alias(f"__e_{key}") for key, (_, check) in checks.items())
    parsed = text.with_columns(
        pl.when(pl.col(f"__e_{key}").is_null() & pl.col(key).is_not_null())
        .then(check.value)
        .alias(f"__v_{key}")
        for key, (_, check) in checks.items()
    )
    errors = [
        _errors_of(parsed, key, col.header, pl.col(f"__e_{key}"), check.expected)
        for key, (col, check) in checks.items()
    ]
    errors.extend(_cross_field_errors(parsed, by_key))
    errors.append(_duplicate_errors(parsed, by_key["uscc"].header))
    errors.extend(_conflicting_attribute_errors(parsed, columns))
    errors.extend(_new_enterprise_errors(parsed, by_key, existing_usccs))
    errors.extend(_overlong_errors(table))

    order = {c.header: c.position for c in columns}
    all_errors = (
        pl.concat([e.cast(ERROR_SCHEMA) for e in errors], how="vertical")  # type: ignore[arg-type]
        .with_columns(
            pl.col("column")
            .replace_strict(order, default=len(order) + 1, return_dtype=pl.Int64)
            .alias("__pos")
        )
        .sort(["row", "__pos"], maintain_order=True)
        .drop("__pos")
    )
    bad_rows = all_errors["row"].unique()
    panel_codes = tuple(c.key for c in columns if c.panel is not None)
    rows = parsed.select(
        pl.col(ROW),
        pl.col(ROW).is_in(bad_rows.implode()).alias("__bad"),
        *[pl.col(f"__v_{c.key}").alias(c.key) for c in columns],
    )
    return Validated(rows, all_errors, panel_codes)


def _parse(col: MappedColumn, region: Region, today: date, reasons: dict[str, str]) -> CellCheck:
    if col.panel is not None:
        return number_cell(col.key, col.panel, col.scale_exponent, col.unit)
    return _attribute_check(col, region, today, reasons)


def _cross_field_errors(parsed: pl.DataFrame, by_key: dict[str, MappedColumn]) -> list[pl.DataFrame]:
    out = []
    for smaller, larger in CROSS_FIELD_RULES:
        if smaller not in by_key or larger not in by_key:
            continue
        small, large = by_key[smaller], by_key[larger]
        assert small.panel is not None and large.panel is not None
        a, b = pl.col(f"__v_{smaller}"), pl.col(f"__v_{larger}")
        message = pl.format(
            f"{small.panel.name_zh}不能大于{large.panel.name_zh}（{{}}）", pl.col(larger).fill_null("")
        )
        error = pl.when(a.is_not_null() & b.is_not_null() & (a > b)).then(message)
        out.append(_errors_of(parsed, smaller, small.header, error, f"≤ {large.header}"))
    return out


def _duplicate_errors(parsed: pl.DataFrame, uscc_header: str) -> pl.DataFrame:
    keyed = parsed.filter(pl.col("uscc").is_not_null() & pl.col("__year").is_not_null())
    groups = (
        keyed.group_by("uscc", "__year")
        .agg(pl.col(ROW).sort().cast(pl.String).str.join("、").alias("__rows"), pl.len().alias("__n"))
        .filter(pl.col("__n") > 1)
    )
    dupes = keyed.join(groups, on=["uscc", "__year"], how="inner")
    message = pl.format("重复行：同一企业同一年度（{}年）出现在第{}行", pl.col("__year"), pl.col("__rows"))
    return _errors_of(dupes, "uscc", uscc_header, message, "每个企业每个年度只能有一行")


def _conflicting_attribute_errors(parsed: pl.DataFrame, columns: list[MappedColumn]) -> list[pl.DataFrame]:
    out = []
    keyed = parsed.filter(pl.col("uscc").is_not_null())
    for col in columns:
        if col.key not in ATTRIBUTE_KEYS:
            continue
        value = f"__v_{col.key}"
        conflicts = (
            keyed.filter(pl.col(value).is_not_null())
            .group_by("uscc")
            .agg(
                pl.col(value).n_unique().alias("__n"),
                pl.col(ROW).sort().cast(pl.String).str.join("、").alias("__rows"),
            )
            .filter(pl.col("__n") > 1)
        )
        if conflicts.is_empty():
            continue
        rows = keyed.filter(pl.col(value).is_not_null()).join(conflicts, on="uscc", how="inner")
        message = pl.format(f"同一企业的{col.header}在第{{}}行取值不一致", pl.col("__rows"))
        out.append(_errors_of(rows, col.key, col.header, message, "同一企业各行取值相同"))
    return out


def _new_enterprise_errors(
    parsed: pl.DataFrame, by_key: dict[str, MappedColumn], existing_usccs: Collection[str]
) -> list[pl.DataFrame]:
    known = pl.Series("known", list(existing_usccs), dtype=pl.String)
    new = parsed.filter(pl.col("__v_uscc").is_not_null() & ~pl.col("uscc").is_in(known.implode()))
    if new.is_empty():
        return []
    out = []
    for attribute in ATTRIBUTE_COLUMNS:
        if not attribute.required_for_new:
            continue
        message = f"新企业（系统中尚无此统一社会信用代码）必须填写“{attribute.header}”"
        if attribute.key not in by_key:
            out.append(
                _errors_of(
                    new, "", attribute.header, pl.lit(message + "（文件中没有此列）"), attribute.description
                )
            )
            continue
        missing = pl.when(pl.col(attribute.key).is_null()).then(pl.lit(message))
        out.append(
            _errors_of(new, attribute.key, by_key[attribute.key].header, missing, attribute.description)
        )
    return out


def _overlong_errors(table: RawTable) -> list[pl.DataFrame]:
    if not table.overlong_rows:
        return []
    rows = sorted(table.overlong_rows)
    return [
        pl.DataFrame(
            {
                "row": rows,
                "column": ["（表头之外）"] * len(rows),
                "value": [" | ".join(table.overlong_rows[r]) for r in rows],
                "expected": ["单元格不超过表头的列数"] * len(rows),
                "message": ["该行在表头范围之外还有内容，可能错位或多了分隔符"] * len(rows),
            },
            schema=ERROR_SCHEMA,
        )
    ]
