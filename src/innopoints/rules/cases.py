"""YAML rule cases collected by pytest.

A case file (``tests/cases/<context>/*.yaml``)::

    evaluator: tech-sme          # passed to the runner
    as_of: 2025-06-30            # default date for the cases below
    cases:
      - name: 科技人员比例恰为10% → 4分
        inputs: {employees: 100, sci_tech_staff: 10, ...}
        expect: {scores.staff: 4, conditions.c5_score.status: met}
      - name: 金额三位小数被拒绝
        inputs: {rd_expense: 1.001}
        error: 两位小数            # the evaluation must raise UserError containing this text

``expect`` keys are dotted paths into the evaluator's JSON output; a path segment that is not an
integer selects the list element whose ``id`` equals it. Numbers compare exactly (Decimal).
Numbers in case files are read exactly (no floats): see :mod:`innopoints.rules.yamlio`.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterator, Mapping
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest

from innopoints.errors import UserError
from innopoints.rules.yamlio import load_exact_file

Runner = Callable[[str, Any, dt.date], Mapping[str, Any]]
_MISSING = object()


def lookup(document: Any, path: str) -> Any:
    node = document
    for segment in path.split("."):
        if isinstance(node, Mapping):
            node = node.get(segment, _MISSING)
        elif isinstance(node, list):
            if segment.lstrip("-").isdigit():
                index = int(segment)
                node = node[index] if -len(node) <= index < len(node) else _MISSING
            else:
                node = next((x for x in node if isinstance(x, Mapping) and x.get("id") == segment), _MISSING)
        else:
            node = _MISSING
        if node is _MISSING:
            raise KeyError(path)
    return node


def same(expected: Any, actual: Any) -> bool:
    if isinstance(expected, bool) or isinstance(actual, bool):
        return expected is actual
    if isinstance(expected, int | Decimal) and isinstance(actual, int | Decimal):
        return Decimal(expected) == Decimal(actual)
    if isinstance(expected, list) and isinstance(actual, list | tuple):
        return len(expected) == len(actual) and all(same(e, a) for e, a in zip(expected, actual, strict=True))
    return bool(expected == actual)


class CaseFailure(Exception):
    pass


class YamlCase(pytest.Item):
    def __init__(
        self, *, spec: Mapping[str, Any], evaluator: str, as_of: dt.date, runner: Runner, **kwargs: Any
    ) -> None:
        super().__init__(**kwargs)
        self.spec, self.evaluator, self.as_of, self.runner = spec, evaluator, as_of, runner

    def runtest(self) -> None:
        inputs = self.spec.get("inputs", {})
        as_of = _date(self.spec.get("as_of", self.as_of))
        error = self.spec.get("error")
        if error is not None:
            try:
                self.runner(self.evaluator, inputs, as_of)
            except UserError as exc:
                if str(error) not in exc.message:
                    raise CaseFailure(f"error message {exc.message!r} lacks {error!r}") from exc
                return
            raise CaseFailure(f"expected an input error containing {error!r}, got a result")
        output = self.runner(self.evaluator, inputs, as_of)
        problems = []
        for path, expected in (self.spec.get("expect") or {}).items():
            try:
                actual = lookup(output, str(path))
            except KeyError:
                problems.append(f"{path}: missing from the output")
                continue
            if not same(expected, actual):
                problems.append(f"{path}: expected {expected!r}, got {actual!r}")
        if problems:
            raise CaseFailure("\n".join(problems))
        if not self.spec.get("expect"):
            raise CaseFailure("a case needs 'expect' or 'error'")

    def repr_failure(self, excinfo: pytest.ExceptionInfo[BaseException], style: Any = None) -> str:
        if isinstance(excinfo.value, CaseFailure):
            return f"{self.path.name} :: {self.name}\n{excinfo.value}"
        return str(super().repr_failure(excinfo))

    def reportinfo(self) -> tuple[Path, int | None, str]:
        return self.path, None, f"case: {self.name}"


def _date(value: Any) -> dt.date:
    return value if isinstance(value, dt.date) else dt.date.fromisoformat(str(value))


class YamlCaseFile(pytest.File):
    runner: Runner

    def collect(self) -> Iterator[YamlCase]:
        data = load_exact_file(self.path)
        if (
            not isinstance(data, Mapping)
            or "evaluator" not in data
            or not isinstance(data.get("cases"), list)
        ):
            raise pytest.UsageError(f"{self.path}: expected keys 'evaluator' and a list 'cases'")
        default = _date(data["as_of"]) if "as_of" in data else dt.date.today()
        seen: set[str] = set()
        for i, spec in enumerate(data["cases"]):
            name = str(spec.get("name") or f"case {i}")
            if name in seen:
                raise pytest.UsageError(f"{self.path}: duplicate case name {name!r}")
            seen.add(name)
            yield YamlCase.from_parent(
                self,
                name=name,
                spec=spec,
                evaluator=str(data["evaluator"]),
                as_of=default,
                runner=self.runner,
            )


def make_collector(runner: Runner) -> Callable[..., YamlCaseFile | None]:
    """A ``pytest_collect_file`` hook for a conftest.py: collects ``*.yaml`` case files with ``runner``."""

    def pytest_collect_file(parent: pytest.Collector, file_path: Path) -> YamlCaseFile | None:
        if file_path.suffix not in (".yaml", ".yml"):
            return None
        node: YamlCaseFile = YamlCaseFile.from_parent(parent, path=file_path)
        node.runner = runner
        return node

    return pytest_collect_file
