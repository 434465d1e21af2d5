"""Shared helpers for the gap tests: apply a reported change to JSON inputs and re-evaluate independently."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

from innopoints.eligibility.gap import find_condition
from innopoints.eligibility.registry import run
from innopoints.rules.results import Status

AS_OF = dt.date(2025, 6, 30)


def _value(entry: dict[str, Any], less: bool) -> Any:
    to = entry["to"]
    if "delta" in entry:  # one fen / one unit less change: towards the starting value
        if isinstance(to, str):  # money: exact yuan string
            sign = 1 if Decimal(entry["delta"]) > 0 else -1
            return Decimal(to) - (sign * Decimal("0.01") if less else 0)
        return to - ((1 if entry["delta"] > 0 else -1) if less else 0)
    if less and isinstance(to, str) and entry["input"] == "application_date":
        return (dt.date.fromisoformat(to) - dt.timedelta(days=1)).isoformat()
    return to


def changed(raw: dict[str, Any], change: list[dict[str, Any]], *, less: bool = False) -> dict[str, Any]:
    """``raw`` with the reported change applied (``less``: every moved figure one fen/unit/day smaller)."""
    out = dict(raw)
    for entry in change:
        value = _value(entry, less)
        if "index" in entry:
            series = list(out[entry["input"]])
            series[entry["index"]] = value
            out[entry["input"]] = series
        else:
            out[entry["input"]] = value
    return out


def status_of(evaluator: str, raw: dict[str, Any], cid: str, as_of: dt.date = AS_OF) -> Status:
    verdict = run(evaluator, raw, as_of)
    cond = find_condition(verdict, cid)
    assert cond is not None, cid
    return cond.status


def leaf_items(items: list[dict[str, Any]]) -> list[dict[str, Any]]:
    out: list[dict[str, Any]] = []
    for item in items:
        if item["kind"] == "condition":
            out.append(item)
        else:
            for option in item["options"]:
                out.extend(leaf_items(option["items"]))
    return out


def assert_minimal(evaluator: str, raw: dict[str, Any], item: dict[str, Any], as_of: dt.date = AS_OF) -> None:
    """The change flips the condition to met; the same change one fen/unit/day smaller does not."""
    change = item["change"]
    assert change, item["id"]
    assert status_of(evaluator, changed(raw, change), item["id"], as_of) is Status.MET, item["delta_text"]
    if any("delta" in e or e["input"] == "application_date" for e in change):
        smaller = changed(raw, change, less=True)
        assert status_of(evaluator, smaller, item["id"], as_of) is not Status.MET, item["delta_text"]
