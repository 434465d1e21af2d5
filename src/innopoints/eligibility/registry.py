"""The evaluators by CLI name: parse an input object against the rulebook's declared inputs, then evaluate."""

from __future__ import annotations

import datetime as dt
import importlib
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any

from innopoints.eligibility.rulebooks import rulebook
from innopoints.rules.inputs import parse_as_of, parse_inputs, unknown_fields
from innopoints.rules.results import Verdict


@dataclass(frozen=True)
class EvaluatorSpec:
    name: str
    title: str
    rulebook: str
    module: str

    def evaluate_fn(self) -> Callable[[dict[str, Any], dt.date], Verdict]:
        fn: Callable[[dict[str, Any], dt.date], Verdict] = importlib.import_module(self.module).evaluate
        return fn


EVALUATORS: dict[str, EvaluatorSpec] = {
    spec.name: spec
    for spec in (
        EvaluatorSpec(
            "tech-sme",
            "科技型中小企业 (tech SME)",
            "national/tech_sme.yaml",
            "innopoints.eligibility.tech_sme",
        ),
        EvaluatorSpec(
            "high-tech",
            "高新技术企业自评 (high-tech)",
            "national/high_tech.yaml",
            "innopoints.eligibility.high_tech",
        ),
        EvaluatorSpec(
            "innovative-sme",
            "创新型中小企业 (innovative SME)",
            "national/innovative_sme.yaml",
            "innopoints.eligibility.innovative_sme",
        ),
        EvaluatorSpec("eaglet", "雏鹰企业 (eaglet)", "liaoning/eaglet.yaml", "innopoints.eligibility.eaglet"),
        EvaluatorSpec(
            "gazelle", "瞪羚企业 (gazelle)", "liaoning/gazelle.yaml", "innopoints.eligibility.gazelle"
        ),
        EvaluatorSpec(
            "unicorn",
            "种子/潜在/独角兽企业 (unicorn tiers)",
            "liaoning/unicorn.yaml",
            "innopoints.eligibility.unicorn",
        ),
        EvaluatorSpec(
            "tech-leader",
            "科技领军企业 (tech leader)",
            "liaoning/tech_leader.yaml",
            "innopoints.eligibility.tech_leader",
        ),
    )
}


def run(name: str, raw: Mapping[str, Any] | Any, as_of: dt.date | None = None) -> Verdict:
    """Validate ``raw`` (a JSON-like object) and evaluate it. ``as_of``: argument, else ``raw['as_of']``, else today."""
    spec = EVALUATORS[name]
    book = rulebook(spec.rulebook)
    inputs = parse_inputs(raw, book.book.inputs)
    when = as_of or parse_as_of(raw) or dt.date.today()
    verdict = spec.evaluate_fn()(inputs, when)
    ignored = unknown_fields(raw, book.book.inputs)
    if ignored:
        verdict.warnings.append(
            f"以下字段未被本评价使用，已忽略 (fields not used by this evaluator, ignored): {', '.join(ignored)}"
        )
    return verdict
