"""One explained evaluation: facts (inputs and derived values), dated parameters, band lookups and
declared conditions, all recorded in a trace."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass
from fractions import Fraction
from typing import Any

from innopoints.rules.compiled import CompiledBand, CompiledRulebook, ResolvedParameter
from innopoints.rules.numbers import Number, ScoreRange, exact
from innopoints.rules.results import ConditionResult, Status, all_of, any_of, plain
from innopoints.rules.schema import STATUS_RANK


@dataclass(frozen=True)
class Fact:
    """A known value, a missing one (``missing`` names the inputs lacking) or an undefined one (``note``)."""

    value: Any
    missing: tuple[str, ...] = ()
    note: str | None = None

    @property
    def known(self) -> bool:
        return self.value is not None and not self.missing


def compare(observed: Any, op: str, threshold: Any) -> bool:
    if op == "in":
        return observed in threshold
    if isinstance(observed, bool) or isinstance(threshold, bool) or isinstance(observed, str):
        if op == "==":
            return bool(observed == threshold)
        if op == "!=":
            return bool(observed != threshold)
        raise TypeError(f"operator {op} needs numbers, got {observed!r} and {threshold!r}")
    a, b = _comparable(observed), _comparable(threshold)
    return {
        ">=": a >= b,
        ">": a > b,
        "<=": a <= b,
        "<": a < b,
        "==": a == b,
        "!=": a != b,
    }[op]


def _comparable(value: Any) -> Any:
    if isinstance(value, dt.date):
        return value
    return exact(value)


class Evaluation:
    def __init__(self, book: CompiledRulebook, as_of: dt.date) -> None:
        self.book = book
        self.as_of = as_of
        self.facts: dict[str, Fact] = {}
        self.trace: list[dict[str, Any]] = []
        self._params: dict[str, ResolvedParameter] = {}

    # -- facts ---------------------------------------------------------------------------------
    def input(self, name: str, value: Any) -> Fact:
        fact = Fact(value) if value is not None else Fact(None, (name,))
        self.facts[name] = fact
        entry: dict[str, Any] = {"kind": "input", "id": name, "value": value}
        if value is None:
            entry["missing"] = True
        self.trace.append(entry)
        return fact

    def derive(
        self,
        name: str,
        value: Any,
        *,
        inputs: Iterable[str] = (),
        missing: Iterable[str] = (),
        note: str | None = None,
    ) -> Fact:
        gone = tuple(dict.fromkeys(missing))
        fact = Fact(None if gone else value, gone, note)
        self.facts[name] = fact
        entry: dict[str, Any] = {
            "kind": "intermediate",
            "id": name,
            "value": fact.value,
            "from": list(inputs),
        }
        if gone:
            entry["missing"] = list(gone)
        if note:
            entry["note"] = note
        self.trace.append(entry)
        return fact

    def fact(self, name: str) -> Fact:
        return self.facts.get(name) or Fact(None, (name,))

    def missing_of(self, *names: str) -> tuple[str, ...]:
        out: list[str] = []
        for name in names:
            out.extend(m for m in self.fact(name).missing if m not in out)
        return tuple(out)

    # -- parameters ----------------------------------------------------------------------------
    def param(self, pid: str) -> ResolvedParameter:
        resolved = self._params.get(pid)
        if resolved is None:
            resolved = self.book.resolve(pid, self.as_of)
            self._params[pid] = resolved
            entry = {"kind": "parameter", **resolved.citation()}
            value = resolved.value
            entry["value"] = [b.as_dict() for b in value] if resolved.bands is not None else value
            if resolved.period.note:
                entry["note"] = resolved.period.note
            self.trace.append(entry)
        return resolved

    def value(self, pid: str) -> Any:
        return self.param(pid).value

    def band(self, pid: str, observed: Number, *, about: str) -> CompiledBand:
        band = self.param(pid).band_for(observed)
        self.trace.append(
            {
                "kind": "lookup",
                "parameter": pid,
                "id": about,
                "observed": plain(exact(observed)),
                "band": band.as_dict(),
            }
        )
        return band

    # -- conditions ----------------------------------------------------------------------------
    def check(self, cid: str) -> ConditionResult:
        decl = self.book.condition(cid)
        base: dict[str, Any] = {
            "id": cid,
            "name": decl.name,
            "text": decl.text,
            "reference": decl.reference,
            "rule_status": decl.status,
        }
        if decl.all_of is not None or decl.any_of is not None:
            parts = [self.check(child) for child in (decl.all_of or decl.any_of or [])]
            combine = all_of if decl.all_of is not None else any_of
            status = combine([p.status for p in parts])
            gone = [] if status is not Status.UNKNOWN else _union(p.missing for p in parts)
            weakest = max([decl.status, *(p.rule_status for p in parts)], key=STATUS_RANK.__getitem__)
            base["rule_status"] = weakest
            kind = "all_of" if decl.all_of is not None else "any_of"
            return ConditionResult(**base, status=status, missing=gone, parts=parts, combine=kind)
        assert decl.field is not None and decl.op is not None
        fact = self.fact(decl.field)
        threshold: Any
        missing: list[str] = list(fact.missing)
        if decl.param is not None:
            resolved = self.param(decl.param)
            threshold = resolved.value
            base["rule_status"] = max(decl.status, resolved.param.status, key=STATUS_RANK.__getitem__)
        elif decl.threshold_field is not None:
            tfact = self.fact(decl.threshold_field)
            threshold = tfact.value
            missing.extend(m for m in tfact.missing if m not in missing)
        else:
            threshold = decl.value
        unit = decl.unit or self._unit_of(decl.field)
        leaf = {
            "field": decl.field,
            "op": decl.op,
            "observed": fact.value,
            "threshold": threshold,
            "unit": unit,
        }
        if isinstance(fact.value, ScoreRange) and not missing:
            return self._check_range(base, leaf, fact.value, decl.op, threshold)
        if missing:
            return ConditionResult(**base, **leaf, status=Status.UNKNOWN, missing=missing)
        if fact.value is None or threshold is None:
            note = fact.note or "数值无定义 (value undefined)"
            return ConditionResult(**base, **leaf, status=Status.NOT_MET, note=note)
        met = compare(fact.value, decl.op, threshold)
        return ConditionResult(**base, **leaf, status=Status.MET if met else Status.NOT_MET, note=fact.note)

    def _check_range(
        self, base: dict[str, Any], leaf: dict[str, Any], rng: ScoreRange, op: str, threshold: Any
    ) -> ConditionResult:
        """A points range decides a comparison only when every value in it gives the same answer."""
        leaf["observed"] = rng.as_list() if not rng.decided else rng.lo
        if threshold is None:
            return ConditionResult(**base, **leaf, status=Status.UNKNOWN, missing=list(rng.missing))
        low, high = compare(rng.lo, op, threshold), compare(rng.hi, op, threshold)
        if op in ("==", "!="):
            inside = rng.lo <= exact(threshold) <= rng.hi
            decided = rng.decided or not inside
        else:
            decided = low == high
        if decided:
            return ConditionResult(**base, **leaf, status=Status.MET if low else Status.NOT_MET)
        note = None if rng.missing else "取决于专家评分 (depends on expert scoring within the range)"
        return ConditionResult(**base, **leaf, status=Status.UNKNOWN, missing=list(rng.missing), note=note)

    def _unit_of(self, field: str) -> str | None:
        if field in self.book.book.derived:
            return self.book.book.derived[field].unit
        decl = self.book.book.inputs.get(field)
        return decl.unit if decl is not None else None


def _union(groups: Iterable[list[str]]) -> list[str]:
    out: list[str] = []
    for group in groups:
        out.extend(m for m in group if m not in out)
    return out


def ratio_or_none(num: Fact, den: Fact) -> Fraction | None:
    if not (num.known and den.known):
        return None
    d = exact(den.value)
    return None if d == 0 else exact(num.value) / d
