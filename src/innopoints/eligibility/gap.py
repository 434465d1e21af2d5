"""Gap to the next rung of the cultivation ladder: for each unmet or unknown condition of the target rung,
the exact smallest change of the firm's inputs that satisfies it (or why none can).

Service functions (also used by the CLI and, later, the JSON API):
- :func:`gap_for` — ``{evaluator: inputs}`` for a firm → :class:`GapReport` (stage, next rung, gap items);
- :func:`gap_to` — one rung's evaluator inputs → :class:`TargetGap`.
With ``verify=True`` every change is re-evaluated: applied it must make the condition met, and one fen /
one unit / one day less must not (``verified`` on each item).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from dataclasses import dataclass
from dataclasses import field as _field
from typing import Any

from innopoints.eligibility.gap_hightech import HighTechScoreLever
from innopoints.eligibility.gap_levers import LEVERS, Lever
from innopoints.eligibility.gap_moves import Context, Option, Remedy, Step, apply_steps
from innopoints.eligibility.gap_scores import TechSmeScoreLever
from innopoints.eligibility.gap_text import human, structured
from innopoints.eligibility.ladder import RUNGS, evaluate_rungs, stage
from innopoints.eligibility.registry import EVALUATORS, run
from innopoints.eligibility.rulebooks import rulebook
from innopoints.errors import UserError
from innopoints.rules.inputs import parse_as_of, parse_inputs
from innopoints.rules.results import STATUS_LABELS, ConditionResult, Status, Verdict

ALL_LEVERS: dict[tuple[str, str], Lever] = {
    **LEVERS,
    ("tech_sme", "score"): TechSmeScoreLever(),
    ("high_tech", "score"): HighTechScoreLever(),
}
# CLI target name → rung id (the unicorn evaluator carries three rungs).
TARGETS: dict[str, str] = {rung_id.replace("_", "-"): rung_id for rung_id, _, _ in RUNGS}
TARGETS["high-tech"] = "high_tech_enterprise"
del TARGETS["high-tech-enterprise"]
_RUNG = {rung_id: (evaluator, name) for rung_id, evaluator, name in RUNGS}


def target_condition(rung_id: str) -> str:
    return rung_id if _RUNG[rung_id][0] == "unicorn" else "qualified"


def find_condition(verdict: Verdict, cid: str) -> ConditionResult | None:
    stack = [*verdict.conditions, *([verdict.decisive] if verdict.decisive else [])]
    while stack:
        cond = stack.pop()
        if cond.id == cid:
            return cond
        stack.extend(cond.parts)
    return None


@dataclass
class GapItem:
    condition: ConditionResult
    remedy: Remedy | None
    missing_names: dict[str, str] = _field(default_factory=dict)
    verified: bool | None = None

    @property
    def achievable(self) -> bool | None:
        return None if self.remedy is None else self.remedy.achievable

    def as_dict(self) -> dict[str, Any]:
        c = self.condition
        out: dict[str, Any] = {
            "kind": "condition",
            "id": c.id,
            "name": c.name.zh,
            "text": c.text,
            "reference": c.reference,
            "rule_status": c.rule_status,
            "label": STATUS_LABELS[c.rule_status],
            "status": c.status.value,
        }
        if c.field is not None:
            out.update(
                field=c.field,
                op=c.op,
                current=structured(c.observed, c.unit),
                required=structured(c.threshold, c.unit),
                current_text=human(c.observed, c.unit),
                required_text=human(c.threshold, c.unit),
                unit=c.unit,
            )
        if self.remedy is not None:
            out.update(self.remedy.as_dict())
        else:
            names = "、".join(self.missing_names.values()) or "相关数据"
            out.update(
                change=[],
                delta_text=f"缺少数据，无法判定：请提供 {names}",
                achievable=None,
                achievable_on=None,
            )
        if self.missing_names:
            out["missing"] = [{"input": k, "name": v} for k, v in self.missing_names.items()]
        out["verified"] = self.verified
        return out


@dataclass
class GapGroup:
    """An ``any_of`` condition: satisfying any one option closes the gap."""

    condition: ConditionResult
    options: list[tuple[ConditionResult, list[GapNode]]]

    @property
    def achievable(self) -> bool | None:
        states = [_all_achievable(nodes) for _, nodes in self.options]
        if any(s is True for s in states):
            return True
        return None if any(s is None for s in states) else False

    def as_dict(self) -> dict[str, Any]:
        c = self.condition
        return {
            "kind": "any_of",
            "id": c.id,
            "name": c.name.zh,
            "text": c.text,
            "reference": c.reference,
            "rule_status": c.rule_status,
            "label": STATUS_LABELS[c.rule_status],
            "status": c.status.value,
            "achievable": self.achievable,
            "options": [
                {
                    "id": part.id,
                    "name": part.name.zh,
                    "status": part.status.value,
                    "achievable": _all_achievable(nodes),
                    "items": [n.as_dict() for n in nodes],
                }
                for part, nodes in self.options
            ],
        }


GapNode = GapItem | GapGroup


def _all_achievable(nodes: list[GapNode]) -> bool | None:
    states = [n.achievable for n in nodes]
    if any(s is False for s in states):
        return False
    return None if any(s is None for s in states) else True


def _walk(cond: ConditionResult, ctx: Context) -> list[GapNode]:
    if cond.status is Status.MET:
        return []
    if not cond.parts:
        return [_leaf(cond, ctx)]
    if cond.combine == "any_of":
        return [GapGroup(cond, _alternatives(cond, ctx))]
    return [node for part in cond.parts for node in _walk(part, ctx)]


def _alternatives(cond: ConditionResult, ctx: Context) -> list[tuple[ConditionResult, list[GapNode]]]:
    """Options of an ``any_of``; a nested ``any_of`` contributes its own options (any of any)."""
    out: list[tuple[ConditionResult, list[GapNode]]] = []
    for part in cond.parts:
        if part.status is Status.MET:
            continue
        if part.combine == "any_of":
            out.extend(_alternatives(part, ctx))
        else:
            out.append((part, _walk(part, ctx)))
    return out


def _leaf(cond: ConditionResult, ctx: Context) -> GapItem:
    if cond.status is Status.UNKNOWN and cond.missing:
        return GapItem(cond, None, {m: ctx.name(m) for m in cond.missing})
    lever = ALL_LEVERS.get((ctx.evaluator, cond.field or ""))
    remedy = lever.remedy(ctx, cond) if lever is not None else None
    if remedy is None:
        remedy = Remedy([], f"“{cond.name.zh}”暂无自动差距计算，请人工核对 (no automatic gap)", False)
    return GapItem(cond, remedy)


@dataclass
class TargetGap:
    rung: str
    name: str
    evaluator: str
    as_of: dt.date
    verdict: Verdict | None
    reached: bool | None
    nodes: list[GapNode]
    missing_inputs: dict[str, str] = _field(default_factory=dict)

    def items(self) -> list[GapItem]:
        out: list[GapItem] = []
        stack: list[GapNode] = list(self.nodes)
        while stack:
            node = stack.pop(0)
            if isinstance(node, GapItem):
                out.append(node)
            else:
                stack.extend(n for _, nodes in node.options for n in nodes)
        return out

    def as_dict(self) -> dict[str, Any]:
        out: dict[str, Any] = {
            "rung": self.rung,
            "name": self.name,
            "evaluator": self.evaluator,
            "as_of": self.as_of.isoformat(),
            "reached": self.reached,
            "achievable": _all_achievable(self.nodes) if self.nodes else None,
            "items": [n.as_dict() for n in self.nodes],
        }
        if self.verdict is not None:
            out["regional_defaults_used"] = self.verdict.regional_defaults()
            out["warnings"] = list(self.verdict.warnings)
        if self.missing_inputs:
            out["missing_inputs"] = [{"input": k, "name": v} for k, v in self.missing_inputs.items()]
        return out


def _target_gap(
    rung_id: str, raw: Any, as_of: dt.date, verify: bool, verdict: Verdict | None = None
) -> TargetGap:
    evaluator, name = _RUNG[rung_id]
    spec = EVALUATORS[evaluator]
    book = rulebook(spec.rulebook)
    verdict = verdict or run(evaluator, raw, as_of)
    inputs = parse_inputs(raw, book.book.inputs)
    ctx = Context(verdict.evaluator, inputs, as_of, book, verdict.details)
    cond = find_condition(verdict, target_condition(rung_id))
    assert cond is not None
    reached = {Status.MET: True, Status.NOT_MET: False}.get(cond.status)
    gap = TargetGap(rung_id, name, evaluator, as_of, verdict, reached, _walk(cond, ctx))
    if verify:
        for item in gap.items():
            item.verified = verify_item(item, ctx, spec.evaluate_fn())
    return gap


def gap_to(
    target: str, raw: Mapping[str, Any] | Any, as_of: dt.date | None = None, *, verify: bool = False
) -> TargetGap:
    """The gap to one rung (CLI name, e.g. ``high-tech``, ``seed-unicorn``) from that evaluator's inputs."""
    if target not in TARGETS:
        raise UserError(f"未知的目标梯度 {target!r} (expected one of: {', '.join(TARGETS)})")
    when = as_of or parse_as_of(raw) or dt.date.today()
    return _target_gap(TARGETS[target], raw, when, verify)


@dataclass
class GapReport:
    as_of: dt.date
    stage: dict[str, Any]
    rungs: list[dict[str, Any]]
    target: TargetGap | None
    verdicts: dict[str, Verdict] = _field(default_factory=dict)  # by evaluator, each evaluated once

    def as_dict(self) -> dict[str, Any]:
        return {
            "as_of": self.as_of.isoformat(),
            "highest": self.stage["highest"],
            "next": self.stage["next"],
            "rungs": self.rungs,
            "gap": None if self.target is None else self.target.as_dict(),
        }


def gap_for(inputs_by_evaluator: Mapping[str, Any], as_of: dt.date, *, verify: bool = False) -> GapReport:
    """Current ladder stage, next rung and the gap to it for one firm (inputs keyed by evaluator CLI name)."""
    rungs, verdicts = evaluate_rungs(inputs_by_evaluator, as_of)
    current = stage(rungs)
    following = current["next"]
    target: TargetGap | None = None
    if following is not None:
        rung_id = following["id"]
        evaluator, name = _RUNG[rung_id]
        if evaluator in inputs_by_evaluator:
            target = _target_gap(
                rung_id, inputs_by_evaluator[evaluator], as_of, verify, verdicts.get(evaluator)
            )
        else:
            decls = rulebook(EVALUATORS[evaluator].rulebook).book.inputs
            needed = {k: d.name.zh for k, d in decls.items() if d.required}
            target = TargetGap(rung_id, name, evaluator, as_of, None, None, [], needed)
    return GapReport(as_of, current, [r.as_dict() for r in rungs], target, verdicts)


def verify_item(item: GapItem, ctx: Context, evaluate: Any) -> bool | None:
    """Re-evaluate: the change must satisfy the condition; one fen / unit / day less must not."""
    remedy = item.remedy
    if remedy is None or (not remedy.steps and not remedy.options):
        return None
    try:
        if remedy.options:
            return all(_verify_option(o, item.condition.id, ctx, evaluate) for o in remedy.options)
        if not _met(evaluate(apply_steps(ctx.inputs, remedy.steps), ctx.as_of), item.condition.id):
            return False
        return remedy.less is None or not _met(
            evaluate(apply_steps(ctx.inputs, remedy.less), ctx.as_of), item.condition.id
        )
    except UserError:
        return False


def _met(verdict: Verdict, cid: str) -> bool:
    cond = find_condition(verdict, cid)
    return cond is not None and cond.status is Status.MET


def _verify_option(option: Option, cid: str, ctx: Context, evaluate: Any) -> bool:
    def good(steps: list[Step]) -> Any:
        verdict = evaluate(apply_steps(ctx.inputs, steps), ctx.as_of)
        if option.reached is None:
            return _met(verdict, cid)
        return option.reached(verdict.details)

    if option.reached is None:
        return bool(good(option.steps)) and not any(good(less) for less in option.lesses)
    after = good(option.steps)
    return after == option.expected and all(good(less)[0] < option.expected[0] for less in option.lesses)
