"""Eligibility sections of the profile (pure): cultivation-ladder stage, next rung and the gap to it, and
the 科技型中小企业 / 高企 self-assessment verdicts with failed and unknown conditions, references and
regional-default labels. Inputs come from the firm's records through ``eligibility.panel_inputs``.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from innopoints.eligibility.gap import gap_for, gap_to
from innopoints.eligibility.panel_inputs import FirmData, PanelInputs, build_inputs
from innopoints.eligibility.registry import EVALUATORS, run
from innopoints.eligibility.whatif import what_if
from innopoints.errors import UserError
from innopoints.rules.results import Status, Verdict
from innopoints.rules.schema import STATUS_LABELS as RULE_LABELS

VERDICTS = ("tech-sme", "high-tech")


def inputs_for(data: FirmData, as_of: dt.date, filing_year: int | None) -> PanelInputs:
    return build_inputs(data, as_of, filing_year=filing_year)


def _outcome(verdict: Verdict) -> tuple[bool | None, str]:
    details = verdict.details
    if verdict.evaluator == "high_tech":
        value = {"yes": True, "no": False}.get(details.get("verdict", ""))
    else:
        raw = details.get("qualified")
        value = raw if isinstance(raw, bool) else None
    text = {True: "符合", False: "不符合", None: "暂无法判断"}[value]
    return value, text


def verdict_view(name: str, verdict: Verdict, sources: dict[str, str]) -> dict[str, Any]:
    qualified, text = _outcome(verdict)
    rulebook = verdict.rulebook
    defaults = verdict.regional_defaults()
    return {
        "evaluator": name,
        "title": EVALUATORS[name].title,
        "qualified": qualified,
        "result_text": text,
        "details": {k: verdict.details[k] for k in ("score", "verdict", "qualified") if k in verdict.details},
        "failed": [
            c.brief() | {"label": RULE_LABELS[c.rule_status]} for c in verdict.with_status(Status.NOT_MET)
        ],
        "unknown": [
            c.brief() | {"label": RULE_LABELS[c.rule_status]} for c in verdict.with_status(Status.UNKNOWN)
        ],
        "missing_inputs": verdict.missing,
        "regional_defaults_used": defaults,
        "regional_default_label": RULE_LABELS["regional_default"] if defaults else None,
        "rulebook": {k: rulebook.get(k) for k in ("id", "version", "authority")},
        "warnings": list(verdict.warnings),
        "input_sources": sources,
    }


def eligibility_section(inputs: PanelInputs, *, verify: bool = False) -> dict[str, Any]:
    """Ladder stage, next rung, the gap report to it, and the two verdicts."""
    found = gap_for(inputs.inputs, inputs.as_of, verify=verify)
    report = found.as_dict()
    verdicts = {  # the ladder already evaluated these evaluators on the same inputs: reuse its verdicts
        name: verdict_view(
            name,
            found.verdicts.get(name) or run(name, inputs.inputs[name], inputs.as_of),
            inputs.sources.get(name, {}),
        )
        for name in VERDICTS
        if name in inputs.inputs
    }
    return {
        "as_of": inputs.as_of,
        "filing_year": inputs.filing_year,
        "stage": report["highest"],
        "next": report["next"],
        "rungs": report["rungs"],
        "gap": report["gap"],
        "verdicts": verdicts,
        "notes": inputs.notes,
    }


def gap_section(inputs: PanelInputs, target: str | None, *, verify: bool = True) -> dict[str, Any]:
    """The gap to ``target`` (``high-tech``, ``eaglet`` …) or, without one, to the next rung."""
    if target is None:
        report = gap_for(inputs.inputs, inputs.as_of, verify=verify).as_dict()
        return {"filing_year": inputs.filing_year, "notes": inputs.notes, **report}
    gap = gap_to(target, _evaluator_inputs(inputs, _evaluator_of(target)), inputs.as_of, verify=verify)
    return {
        "filing_year": inputs.filing_year,
        "notes": inputs.notes,
        "as_of": inputs.as_of.isoformat(),
        "target": target,
        "gap": gap.as_dict(),
    }


def _evaluator_of(target: str) -> str:
    from innopoints.eligibility.gap import TARGETS
    from innopoints.eligibility.ladder import RUNGS

    if target not in TARGETS:
        raise UserError(
            f"参数 target：未知的目标梯度“{target}”，可选 {'、'.join(TARGETS)} (unknown target rung)"
        )
    return next(evaluator for rung, evaluator, _ in RUNGS if rung == TARGETS[target])


def _evaluator_inputs(inputs: PanelInputs, evaluator: str) -> dict[str, Any]:
    if evaluator not in inputs.inputs:
        raise UserError(f"无法从企业数据生成“{evaluator}”评价的输入 (no inputs for {evaluator})")
    return inputs.inputs[evaluator]


def what_if_section(inputs: PanelInputs, evaluator: str, overrides: dict[str, Any]) -> dict[str, Any]:
    if evaluator not in EVALUATORS:
        raise UserError(
            f"参数 evaluator：未知的评价“{evaluator}”，可选 {'、'.join(EVALUATORS)} (unknown evaluator)"
        )
    result = what_if(evaluator, _evaluator_inputs(inputs, evaluator), overrides, inputs.as_of).as_dict()
    result["filing_year"] = inputs.filing_year
    result["input_sources"] = inputs.sources.get(evaluator, {})
    return result
