"""Load and cross-check the bank-evaluation rulebook (``finance/bank_evaluation.yaml``).

Every problem names the file and the key path: an unknown fact, a weight table whose keys are not the
dimension's indicators, a bands parameter without points, a value without a ``derived`` declaration…
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from functools import lru_cache
from importlib import resources
from pathlib import Path
from typing import Any

from pydantic import ValidationError

from innopoints.finance.facts import FACTS
from innopoints.finance.schema import EvaluationSpec, IndicatorSpec
from innopoints.rules.compiled import CompiledRulebook
from innopoints.rules.loader import RulebookError, _pydantic_problems, parse_rulebook
from innopoints.rules.yamlio import load_exact

CREDIT_DERIVED = (
    "credit_base",
    "credit_points_factor",
    "credit_score_factor",
    "credit_uplift",
    "credit_line",
)
FILE_NAME = "bank_evaluation.yaml"


@dataclass(frozen=True)
class EvaluationBook:
    spec: EvaluationSpec
    book: CompiledRulebook
    source: str

    def citation(self) -> dict[str, str]:
        return {
            "id": self.book.id,
            "version": self.book.book.version,
            "file": Path(self.source).name,
            "sha256": self.book.digest,
        }


def indicator_facts(ind: IndicatorSpec) -> list[str]:
    if ind.kind == "ratio":
        return [*(ind.numerator or []), *(ind.denominator or [])]
    assert ind.fact is not None
    return [ind.fact, f"{ind.fact}_prev"] if ind.kind == "growth" else [ind.fact]


def _check(spec: EvaluationSpec, book: CompiledRulebook) -> list[tuple[str, str]]:
    rb = book.book
    problems: list[tuple[str, str]] = []

    def param(path: str, pid: str, kind: str, *, band_key: str | None = None) -> None:
        p = rb.parameters.get(pid)
        if p is None:
            problems.append((path, f"未声明的参数 {pid!r} (expected an id under rulebook.parameters)"))
            return
        if p.kind != kind:
            problems.append(
                (path, f"参数 {pid} 应为 kind={kind}，实际 {p.kind} (expected a {kind} parameter)")
            )
            return
        if band_key is not None:
            for i, period in enumerate(p.values):
                for j, band in enumerate(period.bands or []):
                    if getattr(band, band_key) is None:
                        problems.append(
                            (
                                f"rulebook.parameters.{pid}.values[{i}].bands[{j}]",
                                f"每档须给出 {band_key} (expected {band_key})",
                            )
                        )

    def derived(path: str, name: str) -> None:
        if name not in rb.derived:
            problems.append(
                (
                    path,
                    f"缺少 rulebook.derived.{name} 声明 (expected a derived declaration: name, unit, formula)",
                )
            )

    placed: dict[str, str] = {}
    for i, dim in enumerate(spec.dimensions):
        path = f"evaluation.dimensions[{i}]"
        if f"dim_{dim.id}" not in FACTS:
            problems.append((f"{path}.id", f"未知维度 {dim.id!r} (expected one of the facts dim_*)"))
        derived(f"{path}.id", f"dim_{dim.id}")
        param(f"{path}.weights", dim.weights, "weights")
        weights = rb.parameters.get(dim.weights)
        for k, period in enumerate(weights.values if weights and weights.kind == "weights" else []):
            if set(period.weights or {}) != set(dim.indicators):
                problems.append(
                    (
                        f"rulebook.parameters.{dim.weights}.values[{k}].weights",
                        f"权重的键须与维度 {dim.id} 的指标一致 (expected keys: {', '.join(dim.indicators)})",
                    )
                )
        for j, name in enumerate(dim.indicators):
            if name not in spec.indicators:
                problems.append(
                    (
                        f"{path}.indicators[{j}]",
                        f"未声明的指标 {name!r} (expected a key of evaluation.indicators)",
                    )
                )
            elif name in placed:
                problems.append(
                    (
                        f"{path}.indicators[{j}]",
                        f"指标 {name} 已属于维度 {placed[name]} (one dimension per indicator)",
                    )
                )
            placed[name] = dim.id
    for ind_id in spec.indicators:
        if ind_id not in placed:
            problems.append(
                (f"evaluation.indicators.{ind_id}", "指标未归入任何维度 (expected in one dimension)")
            )
    composite = rb.parameters.get(spec.composite_weights)
    param("evaluation.composite_weights", spec.composite_weights, "weights")
    dim_ids = {d.id for d in spec.dimensions}
    for k, period in enumerate(composite.values if composite and composite.kind == "weights" else []):
        if set(period.weights or {}) != dim_ids:
            problems.append(
                (
                    f"rulebook.parameters.{spec.composite_weights}.values[{k}].weights",
                    f"维度权重的键须为全部维度 (expected keys: {', '.join(sorted(dim_ids))})",
                )
            )
    derived("evaluation.composite_weights", "composite_score")
    for ind_id, ind in spec.indicators.items():
        path = f"evaluation.indicators.{ind_id}"
        derived(path, ind_id)
        if ind.bands is not None:
            param(f"{path}.bands", ind.bands, "bands", band_key="points")
        if ind.table is not None:
            param(f"{path}.table", ind.table, "table")
        for fact in indicator_facts(ind):
            _check_input(rb, f"{path}", fact, problems)
    cl = spec.credit_line
    for stage, pid in cl.base_by_stage.items():
        param(f"evaluation.credit_line.base_by_stage.{stage}", pid, "bands", band_key="value")
    param("evaluation.credit_line.points_multiplier", cl.points_multiplier, "bands", band_key="value")
    param("evaluation.credit_line.score_multiplier", cl.score_multiplier, "bands", band_key="value")
    param("evaluation.credit_line.uplift_by_list", cl.uplift_by_list, "table")
    param("evaluation.credit_line.rounding_unit", cl.rounding_unit, "scalar")
    param("evaluation.credit_line.cap", cl.cap, "scalar")
    for fact in (cl.base_field, "points", "stage", "top5", "top10", "top20"):
        _check_input(rb, "evaluation.credit_line", fact, problems)
    for name in CREDIT_DERIVED:
        derived("evaluation.credit_line", name)
    return problems


def _check_input(rb: Any, path: str, fact: str, problems: list[tuple[str, str]]) -> None:
    decl = FACTS.get(fact)
    if decl is None:
        problems.append((path, f"平台不提供事实 {fact!r} (expected one of: {', '.join(FACTS)})"))
    elif fact not in rb.inputs:
        problems.append((path, f"须在 rulebook.inputs 中声明 {fact} (expected an input declaration)"))
    elif rb.inputs[fact].kind != decl.kind:
        problems.append((f"rulebook.inputs.{fact}.kind", f"应为 {decl.kind} (expected kind {decl.kind})"))


def parse_inner(raw: Any, source: str, digest: str) -> CompiledRulebook:
    """The ``rulebook`` part, with its problems' key paths prefixed ``rulebook.`` (as they are in the file)."""
    try:
        return parse_rulebook(raw, source, digest)
    except RulebookError as exc:
        raise RulebookError(
            source, [(f"rulebook.{k}" if k else "rulebook", m) for k, m in exc.problems]
        ) from None


def parse_evaluation_book(raw: Any, source: str, digest: str = "") -> EvaluationBook:
    if not isinstance(raw, dict) or set(raw) != {"evaluation", "rulebook"}:
        raise RulebookError(
            source, [("", "须只含 evaluation 与 rulebook 两个键 (expected keys: evaluation, rulebook)")]
        )
    try:
        spec = EvaluationSpec.model_validate(raw["evaluation"])
    except ValidationError as exc:
        raise RulebookError(source, [(f"evaluation.{k}", m) for k, m in _pydantic_problems(exc)]) from None
    book = parse_inner(raw["rulebook"], source, digest)
    problems = _check(spec, book)
    if problems:
        raise RulebookError(source, problems)
    return EvaluationBook(spec, book, source)


def load_evaluation_file(path: Path) -> EvaluationBook:
    data = path.read_bytes()
    try:
        raw = load_exact(data.decode("utf-8"))
    except UnicodeDecodeError:
        raise RulebookError(path, [("", "文件须为 UTF-8 编码 (expected UTF-8 text)")]) from None
    return parse_evaluation_book(raw, str(path), hashlib.sha256(data).hexdigest())


@lru_cache(maxsize=4)
def load_evaluation_book(region: str = "shenyang") -> EvaluationBook:
    folder = resources.files("innopoints.rulebook").joinpath(region).joinpath("finance")
    return load_evaluation_file(Path(str(folder.joinpath(FILE_NAME))))
