"""What-if: evaluate a firm's inputs with some fields overridden; report both verdicts and what changed.

Overrides are ``{field: value}`` in the evaluator's JSON input form (money in 元, at most two decimals);
``field[i]`` replaces element ``i`` of a multi-year series (``-1`` = latest year). Unknown fields are
refused (a typo must not silently do nothing).
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from innopoints.eligibility.registry import EVALUATORS, run
from innopoints.eligibility.rulebooks import rulebook
from innopoints.errors import UserError
from innopoints.rules.inputs import parse_as_of
from innopoints.rules.results import ConditionResult, Status, Verdict, plain

_KEY = re.compile(r"^([a-z_][a-z0-9_]*)(?:\[(-?\d+)\])?$")
SUMMARY_KEYS = ("qualified", "verdict", "route", "score", "score_range", "tier", "tiers")


def apply_overrides(
    raw: Mapping[str, Any], overrides: Mapping[str, Any], declared: Mapping[str, Any]
) -> dict[str, Any]:
    """``raw`` with ``overrides`` applied (``field`` or ``field[i]``); raises UserError on unknown keys."""
    out = dict(raw)
    for key, value in overrides.items():
        match = _KEY.match(key)
        if match is None or match.group(1) not in declared:
            raise UserError(
                f"未知的字段 {key!r}，无法设定 (unknown field; expected one of: {', '.join(declared)})"
            )
        name, index = match.group(1), match.group(2)
        if index is None:
            out[name] = value
            continue
        series = out.get(name)
        if not isinstance(series, list):
            raise UserError(f"字段 {name} 不是多年数组，不能按下标设定 (field {name} is not a series)")
        i = int(index)
        if not -len(series) <= i < len(series):
            raise UserError(f"{key}：下标超出范围 (index out of range; the series has {len(series)} years)")
        series = list(series)
        series[i] = value
        out[name] = series
    return out


def summary(verdict: Verdict) -> dict[str, Any]:
    out = {k: plain(verdict.details[k]) for k in SUMMARY_KEYS if k in verdict.details}
    if isinstance(out.get("score"), dict):  # 高企: the range only
        out["score"] = {"min": out["score"]["min"], "max": out["score"]["max"]}
    return out


def _flat(conditions: list[ConditionResult]) -> dict[str, ConditionResult]:
    out: dict[str, ConditionResult] = {}
    stack = list(conditions)
    while stack:
        cond = stack.pop(0)
        out.setdefault(cond.id, cond)
        stack.extend(cond.parts)
    return out


@dataclass
class WhatIfResult:
    evaluator: str
    as_of: dt.date
    overrides: dict[str, Any]
    before: Verdict
    after: Verdict

    def changed(self) -> list[dict[str, Any]]:
        old, new = _flat(self.before.conditions), _flat(self.after.conditions)
        out = []
        for cid, cond in new.items():
            prev = old.get(cid)
            if prev is None:
                continue
            if prev.status is not cond.status or plain(prev.observed) != plain(cond.observed):
                out.append(
                    {
                        "id": cid,
                        "name": cond.name.zh,
                        "reference": cond.reference,
                        "rule_status": cond.rule_status,
                        "before": prev.status.value,
                        "after": cond.status.value,
                        "status_changed": prev.status is not cond.status,
                        "observed_before": plain(prev.observed),
                        "observed_after": plain(cond.observed),
                        "threshold": plain(cond.threshold),
                    }
                )
        return out

    def as_dict(self) -> dict[str, Any]:
        return {
            "evaluator": self.evaluator,
            "as_of": self.as_of.isoformat(),
            "overrides": plain(self.overrides),
            "before": summary(self.before),
            "after": summary(self.after),
            "verdict_changed": summary(self.before) != summary(self.after),
            "changed_conditions": self.changed(),
            "failed_after": [c.brief() for c in self.after.with_status(Status.NOT_MET)],
            "warnings": list(dict.fromkeys(self.before.warnings + self.after.warnings)),
        }


def what_if(
    evaluator: str, inputs: Mapping[str, Any], overrides: Mapping[str, Any], as_of: dt.date | None = None
) -> WhatIfResult:
    """Evaluate ``inputs`` and ``inputs`` with ``overrides``; both must be valid evaluator inputs."""
    if evaluator not in EVALUATORS:
        raise UserError(f"未知的评价 {evaluator!r} (expected one of: {', '.join(EVALUATORS)})")
    if not isinstance(inputs, Mapping):
        raise UserError("输入须为一个 JSON 对象 (expected one JSON object)")
    declared = rulebook(EVALUATORS[evaluator].rulebook).book.inputs
    when = as_of or parse_as_of(inputs) or dt.date.today()
    edited = apply_overrides(inputs, overrides, declared)
    before, after = run(evaluator, inputs, when), run(evaluator, edited, when)
    return WhatIfResult(evaluator, when, dict(overrides), before, after)
