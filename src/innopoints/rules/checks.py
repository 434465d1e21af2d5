"""Semantic checks on a parsed rulebook. Each problem is reported as (key path, message)."""

from __future__ import annotations

from collections.abc import Iterator
from decimal import Decimal
from itertools import pairwise

from innopoints.rules.schema import Band, ConditionDecl, Parameter, Period, Rulebook

Problem = tuple[str, str]

_KIND_FIELDS = {
    "scalar": ("value",),
    "set": ("members",),
    "bands": ("bands",),
    "weights": ("weights", "total"),
    "table": ("rows",),
}
_ALL_VALUE_FIELDS = ("value", "members", "bands", "weights", "total", "rows")


def check_rulebook(book: Rulebook) -> list[Problem]:
    problems: list[Problem] = []
    numbers = [doc.number for doc in book.documents.values()]
    for pid, param in book.parameters.items():
        problems.extend(_check_parameter(f"parameters.{pid}", param, numbers))
    for cid, cond in book.conditions.items():
        problems.extend(_check_condition(f"conditions.{cid}", cond, book, numbers))
    problems.extend(_check_cycles(book))
    for i, cid in enumerate(book.outline):
        if cid not in book.conditions:
            problems.append(
                (f"outline[{i}]", f"未声明的条件 {cid!r} (expected a condition id declared under conditions)")
            )
    return problems


def _check_reference(path: str, reference: str, numbers: list[str]) -> Iterator[Problem]:
    if not any(number in reference for number in numbers):
        yield (
            f"{path}.reference",
            f"出处 {reference!r} 未引用本文件 documents 中的文号 (expected a reference naming one of: {', '.join(numbers)})",
        )


def _check_parameter(path: str, param: Parameter, numbers: list[str]) -> Iterator[Problem]:
    yield from _check_reference(path, param.reference, numbers)
    wanted = _KIND_FIELDS[param.kind]
    for i, period in enumerate(param.values):
        ppath = f"{path}.values[{i}]"
        for name in _ALL_VALUE_FIELDS:
            present = getattr(period, name) is not None
            if name in wanted and not present:
                yield (
                    f"{ppath}.{name}",
                    f"缺少必填键 (missing key; a {param.kind} parameter needs {' and '.join(wanted)})",
                )
            if name not in wanted and present:
                yield (
                    f"{ppath}.{name}",
                    f"此键不适用于 kind={param.kind} (unexpected key; expected only {' and '.join(wanted)})",
                )
        if period.until is not None and period.until <= period.start:
            yield (
                f"{ppath}.until",
                f"失效日期须晚于生效日期 (expected a date after from={period.start.isoformat()})",
            )
        if period.bands is not None:
            yield from _check_bands(f"{ppath}.bands", period.bands)
        if period.weights is not None and period.total is not None:
            total = sum((Decimal(w) for w in period.weights.values()), Decimal(0))
            if total != Decimal(period.total):
                yield (
                    f"{ppath}.weights",
                    f"权重之和为 {total}，应等于 total={period.total} (expected the weights to sum to their total)",
                )
    yield from _check_periods(path, param.values)


def _check_periods(path: str, periods: list[Period]) -> Iterator[Problem]:
    order = sorted(range(len(periods)), key=lambda i: periods[i].start)
    for prev_i, next_i in pairwise(order):
        prev, nxt = periods[prev_i], periods[next_i]
        if prev.until is None or prev.until > nxt.start:
            end = prev.until.isoformat() if prev.until else "open-ended"
            yield (
                f"{path}.values[{next_i}].from",
                f"生效期重叠：values[{prev_i}] ({prev.start.isoformat()} – {end}) 与 values[{next_i}] "
                f"(from {nxt.start.isoformat()}) (expected non-overlapping effective periods)",
            )


def _bound(value: Decimal | None) -> str:
    return "unbounded" if value is None else str(value)


def _check_bands(path: str, bands: list[Band]) -> Iterator[Problem]:
    for i, band in enumerate(bands):
        bpath = f"{path}[{i}]"
        for side in ("lower", "upper"):
            bound, inclusive = getattr(band, side), getattr(band, f"{side}_inclusive")
            if bound is not None and inclusive is None:
                yield (
                    f"{bpath}.{side}_inclusive",
                    f"缺少 {side}_inclusive (expected true/false for every given bound)",
                )
            if bound is None and inclusive is not None:
                yield (
                    f"{bpath}.{side}_inclusive",
                    f"无 {side} 界时不应声明包含性 (unexpected: the bound is unbounded)",
                )
        if (band.points is None) == (band.value is None):
            yield (bpath, "每档须给出 points 或 value 之一 (expected exactly one of points, value)")
        if isinstance(band.points, tuple) and band.points[0] > band.points[1]:
            yield (f"{bpath}.points", "分值区间下限大于上限 (expected [min, max] with min <= max)")
        empty = (
            band.lower is not None
            and band.upper is not None
            and (
                band.lower > band.upper
                or (band.lower == band.upper and not (band.lower_inclusive and band.upper_inclusive))
            )
        )
        if empty:
            yield (bpath, f"区间为空 [{band.lower}, {band.upper}] (expected lower < upper)")
    ordered = sorted(
        range(len(bands)), key=lambda i: (bands[i].lower is not None, bands[i].lower or Decimal(0))
    )
    for a, b in pairwise(ordered):
        lo, hi = bands[a], bands[b]
        where = f"{path}[{a}] / {path}[{b}]"
        if lo.upper is None or hi.lower is None:
            yield (where, "档次重叠：无界的一侧覆盖了另一档 (band overlap: expected bounded adjacent bands)")
        elif lo.upper < hi.lower or (
            lo.upper == hi.lower and not lo.upper_inclusive and not hi.lower_inclusive
        ):
            yield (
                where,
                f"档次之间有空隙：{_bound(lo.upper)} 至 {_bound(hi.lower)} (band gap: expected contiguous bands)",
            )
        elif lo.upper > hi.lower or (lo.upper_inclusive and hi.lower_inclusive):
            yield (where, f"档次重叠于 {_bound(hi.lower)} (band overlap: a value may fall in only one band)")


def _check_condition(path: str, cond: ConditionDecl, book: Rulebook, numbers: list[str]) -> Iterator[Problem]:
    yield from _check_reference(path, cond.reference, numbers)
    forms = [cond.field is not None, cond.all_of is not None, cond.any_of is not None]
    if sum(forms) != 1:
        yield (
            path,
            "条件须恰好是 field/op、all_of、any_of 之一 (expected exactly one of field+op, all_of, any_of)",
        )
        return
    if cond.field is not None:
        if cond.field not in book.inputs and cond.field not in book.derived:
            yield (f"{path}.field", f"未声明的字段 {cond.field!r} (expected an id under inputs or derived)")
        if cond.op is None:
            yield (f"{path}.op", "缺少比较符 (missing key: expected one of >=, >, <=, <, ==, !=, in)")
        sources = [cond.param is not None, cond.value is not None, cond.threshold_field is not None]
        if sum(sources) != 1:
            yield (
                path,
                "须恰好给出 param、value、threshold_field 之一 (expected exactly one threshold source)",
            )
        if cond.param is not None:
            param = book.parameters.get(cond.param)
            if param is None:
                yield (f"{path}.param", f"未声明的参数 {cond.param!r} (expected an id under parameters)")
            elif cond.op == "in" and param.kind != "set":
                yield (f"{path}.param", "op=in 需要 kind=set 的参数 (expected a set parameter)")
            elif cond.op != "in" and param.kind != "scalar":
                yield (
                    f"{path}.param",
                    f"比较需要 kind=scalar 的参数，而非 {param.kind} (expected a scalar parameter)",
                )
        if cond.threshold_field is not None and cond.threshold_field not in book.derived:
            yield (
                f"{path}.threshold_field",
                f"未声明的派生量 {cond.threshold_field!r} (expected an id under derived)",
            )
    else:
        key = "all_of" if cond.all_of is not None else "any_of"
        children = cond.all_of or cond.any_of or []
        if not children:
            yield (f"{path}.{key}", "列表不能为空 (expected at least one condition id)")
        for i, child in enumerate(children):
            if child not in book.conditions:
                yield (f"{path}.{key}[{i}]", f"未声明的条件 {child!r} (expected a condition id)")
        if cond.op is not None or cond.param is not None or cond.value is not None:
            yield (path, f"{key} 条件不应同时给出 op/param/value (unexpected keys on a composite condition)")


def _check_cycles(book: Rulebook) -> Iterator[Problem]:
    state: dict[str, int] = {}

    def visit(cid: str) -> bool:
        if state.get(cid) == 1:
            return True
        if state.get(cid) == 2 or cid not in book.conditions:
            return False
        state[cid] = 1
        cond = book.conditions[cid]
        cyclic = any(visit(child) for child in (cond.all_of or cond.any_of or []))
        state[cid] = 2
        return cyclic

    for cid in book.conditions:
        if cid not in state and visit(cid):
            yield (f"conditions.{cid}", "条件引用成环 (expected no cycle among all_of/any_of references)")
