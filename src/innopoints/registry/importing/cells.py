"""Vectorised cell parsers (polars expressions). Each returns the parsed value and an error message.

A parser gets the name of a text column (stripped, ``null`` when the cell is empty) and returns
``CellCheck(value, error, expected)``: ``value`` is null where the cell is empty or invalid, ``error``
is a Chinese message where the cell is invalid and null elsewhere. Numbers are parsed from their
decimal text into integer hundredths, so no binary floating point is ever involved.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Any

import polars as pl

from innopoints.registry import uscc
from innopoints.registry.panel_fields import SCALE, PanelField, to_scaled

_NUMBER = r"^([+-]?)(\d+)(?:\.(\d*))?$"
_GROUPED = r"^[+-]?\d{1,3}(?:,\d{3})+(?:\.\d*)?$"
_SCIENTIFIC = r"^[+-]?\d+(?:\.\d+)?[eE][+-]?\d+$"
# Digits an Int64 of hundredths can always hold (< 9.2e18).
_MAX_DIGITS = 18


@dataclass(frozen=True)
class CellCheck:
    """``stages``: helper columns to materialise first (in order), so that no regular expression
    runs more than once per cell; ``error`` and ``value`` may refer to them by name."""

    value: pl.Expr
    error: pl.Expr
    expected: str
    stages: tuple[tuple[pl.Expr, ...], ...] = ()


def _first_error(*pairs: tuple[pl.Expr, str | pl.Expr]) -> pl.Expr:
    """``when(c1).then(m1).when(c2).then(m2)...`` with a null otherwise."""
    cond, msg = pairs[0]
    chain: Any = pl.when(cond).then(msg if isinstance(msg, pl.Expr) else pl.lit(msg))
    for cond, msg in pairs[1:]:
        chain = chain.when(cond).then(msg if isinstance(msg, pl.Expr) else pl.lit(msg))
    return chain.otherwise(pl.lit(None, dtype=pl.String))


def number_cell(column: str, field: PanelField, scale_exponent: int, unit: str) -> CellCheck:
    """A panel value → Int64 hundredths. Money: ``scale_exponent`` converts the header unit to 元."""
    raw = pl.col(column)
    text, parts, scaled_name = f"__t_{column}", f"__g_{column}", f"__s_{column}"
    integer_name, fraction_name = f"__i_{column}", f"__f_{column}"
    is_money = field.kind == "money"
    decimals = scale_exponent + 2 if is_money else 0
    cleaned = (
        pl.when(raw.str.contains(_GROUPED)).then(raw.str.replace_all(",", "", literal=True)).otherwise(raw)
    )
    groups = pl.col(text).str.extract_groups(_NUMBER)
    split = (
        pl.col(parts).struct.field("1").alias(f"__n_{column}"),
        pl.col(parts).struct.field("2").str.strip_chars_start("0").alias(integer_name),
        pl.col(parts).struct.field("3").fill_null("").str.strip_chars_end("0").alias(fraction_name),
    )
    integer, fraction = pl.col(integer_name), pl.col(fraction_name)
    magnitude = integer.str.to_integer(strict=False).fill_null(0) * (10**decimals)
    if decimals:
        magnitude = magnitude + fraction.str.pad_end(decimals, "0").str.slice(0, decimals).str.to_integer(
            strict=False
        ).fill_null(0)
    else:
        magnitude = magnitude * SCALE
    scaled = pl.when(pl.col(f"__n_{column}") == "-").then(-magnitude).otherwise(magnitude).alias(scaled_name)
    matched = pl.col(integer_name).is_not_null()
    digits = integer.str.len_chars() + decimals + (0 if is_money else 2)
    minimum = None if field.min is None else to_scaled(field.min)
    checks: list[tuple[pl.Expr, str | pl.Expr]] = [
        (raw.is_null(), pl.lit(None, dtype=pl.String)),
        (
            ~matched & raw.str.contains(_SCIENTIFIC),
            "数值为科学计数法，可能已丢失精度；请把单元格设为“数值”格式并显示完整数字",
        ),
        (~matched, "不是有效的数字"),
    ]
    if is_money:
        checks.append(
            (
                fraction.str.len_chars() > decimals,
                f"小数位过多：以{unit}为单位最多{decimals}位小数（即精确到分）",
            )
        )
    else:
        checks.append((fraction.str.len_chars() > 0, f"必须为整数（{field.unit}）"))
    checks.append((digits > _MAX_DIGITS, "数值过大，请检查单位或数字"))
    if minimum is not None:
        below = "不能为负数" if minimum == 0 else f"不能小于{field.min}"
        checks.append((pl.col(scaled_name) < minimum, below))
    error = _first_error(*checks)
    unit_text = f"{unit}，最多{decimals}位小数" if is_money else f"整数，单位{field.unit}"
    bound = "" if field.min is None else ("，不小于0" if field.min == 0 else f"，不小于{field.min}")
    return CellCheck(
        pl.col(scaled_name),
        error,
        f"数字（{unit_text}{bound}）",
        stages=((cleaned.alias(text),), (groups.alias(parts),), split, (scaled,)),
    )


def year_cell(column: str, today: date) -> CellCheck:
    raw = pl.col(column)
    year = raw.str.to_integer(strict=False)
    error = _first_error(
        (raw.is_null(), pl.lit(None, dtype=pl.String)),
        (~raw.str.contains(r"^\d{4}$"), "年度应为4位数字，如 2024"),
        ((year < 2000) | (year > today.year), f"年度应在2000至{today.year}之间"),
    )
    return CellCheck(pl.when(error.is_null()).then(year), error, f"4位年份，2000–{today.year}")


_DATE_PATTERNS = (
    r"^(\d{4})[-/.年](\d{1,2})[-/.月](\d{1,2})日?(?:[ T]00:00(?::00)?)?$",
    r"^(\d{4})(\d{2})(\d{2})$",
)


def date_cell(column: str, today: date, year_column: str | None) -> CellCheck:
    raw = pl.col(column)
    iso_name, parsed_name = f"__iso_{column}", f"__d_{column}"
    iso: pl.Expr = pl.lit(None, dtype=pl.String)
    for pattern in reversed(_DATE_PATTERNS):
        parts = [raw.str.extract(pattern, i) for i in (1, 2, 3)]
        candidate = pl.concat_str([parts[0], parts[1].str.zfill(2), parts[2].str.zfill(2)], separator="-")
        iso = pl.when(raw.str.contains(pattern)).then(candidate).otherwise(iso)
    parsed = pl.col(iso_name).str.to_date("%Y-%m-%d", strict=False)
    checks: list[tuple[pl.Expr, str | pl.Expr]] = [
        (raw.is_null(), pl.lit(None, dtype=pl.String)),
        (pl.col(iso_name).is_null(), "日期格式无法识别，请写成 2019-05-01"),
        (pl.col(parsed_name).is_null(), "不是有效的日历日期"),
        (pl.col(parsed_name) > pl.lit(today), "注册日期不能晚于今天"),
    ]
    if year_column is not None:
        checks.append(
            (
                pl.col(parsed_name).dt.year() > pl.col(year_column),
                pl.format("注册日期晚于数据年度（{}年）", pl.col(year_column)),
            )
        )
    return CellCheck(
        pl.col(parsed_name),
        _first_error(*checks),
        "日期 YYYY-MM-DD，不晚于今天和数据年度",
        stages=((iso.alias(iso_name),), (parsed.alias(parsed_name),)),
    )


def choice_cell(column: str, choices: dict[str, str], what: str, listing: str) -> CellCheck:
    """Map a name or code to its id; anything else is an error listing the allowed values."""
    raw = pl.col(column)
    mapped = raw.replace_strict(choices, default=None, return_dtype=pl.String)
    error = _first_error(
        (raw.is_null(), pl.lit(None, dtype=pl.String)),
        (mapped.is_null(), f"不是有效的{what}"),
    )
    return CellCheck(mapped, error, f"{what}之一：{listing}")


def yes_no_cell(column: str) -> CellCheck:
    raw = pl.col(column)
    mapped = raw.replace_strict({"是": True, "否": False}, default=None, return_dtype=pl.Boolean)
    error = _first_error(
        (raw.is_null(), pl.lit(None, dtype=pl.String)),
        (mapped.is_null(), "只能填“是”或“否”"),
    )
    return CellCheck(mapped, error, "是 或 否")


def name_cell(column: str, max_length: int = 200) -> CellCheck:
    raw = pl.col(column)
    error = _first_error(
        (raw.is_null(), pl.lit(None, dtype=pl.String)),
        (raw.str.len_chars() > max_length, f"企业名称超过{max_length}字"),
    )
    return CellCheck(pl.when(error.is_null()).then(raw), error, f"企业全称，不超过{max_length}字")


def uscc_cell(column: str, reasons: dict[str, str]) -> CellCheck:
    """``reasons`` maps every invalid code in the file to its GB 32100 reason (computed once per code)."""
    raw = pl.col(column)
    reason = raw.replace_strict(reasons, default=None, return_dtype=pl.String) if reasons else None
    checks: list[tuple[pl.Expr, str | pl.Expr]] = [(raw.is_null(), "统一社会信用代码必填")]
    if reason is not None:
        checks.append((reason.is_not_null(), pl.concat_str([pl.lit("统一社会信用代码无效："), reason])))
    error = _first_error(*checks)
    return CellCheck(pl.when(error.is_null()).then(raw), error, "18位统一社会信用代码（GB 32100）")


def uscc_reasons(codes: pl.Series) -> dict[str, str]:
    """GB 32100 reason for every invalid code among ``codes`` (valid codes are not listed).

    The checksum is computed vectorised; only the codes it rejects go through ``uscc.validate``,
    which gives the reason (and remains the single definition of validity).
    """
    unique = codes.drop_nulls().unique()
    if unique.is_empty():
        return {}
    value = {ch: i for i, ch in enumerate(uscc.ALPHABET)}
    pairs = [a + c for a, categories in uscc.REGISTRATION_AUTHORITIES.items() for c in categories]
    shape = "^[" + "".join(uscc.ALPHABET) + "]{18}$"
    code = pl.col("code")
    total = pl.sum_horizontal(
        code.str.slice(i, 1).replace_strict(value, default=0, return_dtype=pl.Int64) * weight
        for i, weight in enumerate(uscc.WEIGHTS)
    )
    expected = ((31 - total % 31) % 31).replace_strict(dict(enumerate(uscc.ALPHABET)), return_dtype=pl.String)
    ok = (
        code.str.contains(shape)
        & code.str.slice(0, 2).is_in(pairs)
        & code.str.slice(2, 6).str.contains(r"^\d{6}$")
        & (code.str.slice(17, 1) == expected)
    )
    suspects = pl.DataFrame({"code": unique}).filter(~ok)["code"].to_list()
    return {c: check.reason for c in suspects if not (check := uscc.validate(c)).valid}
