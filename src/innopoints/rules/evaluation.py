"""One explained evaluation: facts (inputs and derived values), dated parameters, band lookups and
declared conditions, all recorded in a trace."""

from __future__ import annotations

import datetime as dt
import operator
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from decimal import Decimal
from fractions import Fraction
from typing import Any

from innopoints.rules.compiled import CompiledBand, CompiledRulebook, ResolvedParameter
from innopoints.rules.numbers import Number, ScoreRange, exact
from innopoints.rules.results import ConditionResult, Status, all_of, any_of, plain
from innopoints.rules.schema import STATUS_RANK


@dataclass(frozen=True, slots=True)
class Fact:
    """A known value, a missing one (``missing`` names the inputs lacking) or an undefined one (``note``)."""

    value: Any
    missing: tuple[str, ...] = ()
    note: str | None = None

    @property
    def known(self) -> bool:
        return self.value is not None and not self.missing


_OPERATORS: dict[str, Callable[[Any, Any], Any]] = {
    ">=": operator.ge,
    ">": operator.gt,
    "<=": operator.le,
    "<": operator.lt,
    "==": operator.eq,
    "!=": operator.ne,
}


def compare(observed: Any, op: str, threshold: Any) -> bool:
    if op == "in":
        return observed in threshold
    if isinstance(observed, bool) or isinstance(threshold, bool) or isinstance(observed, str):
        if op == "==":
            return bool(observed == threshold)
        if op == "!=":
            return bool(observed != threshold)
        raise TypeError(f"operator {op} needs numbers, got {observed!r} and {threshold!r}")
    fn = _OPERATORS[op]
    if _natively_exact(observed, threshold):
        return bool(fn(observed, threshold))
    return bool(fn(_comparable(observed), _comparable(threshold)))


def _natively_exact(a: Any, b: Any) -> bool:
    """Whether Python compares ``a`` and ``b`` exactly as they are: two ints or finite Decimals (int and
    Decimal compare exactly), or a Fraction with an int or a Fraction. Anything else (a Decimal against a
    Fraction, floats, dates) goes through :func:`_comparable`."""
    ta, tb = type(a), type(b)
    if ta is int:
        return tb is int or tb is Fraction or (tb is Decimal and b.is_finite())
    if ta is Decimal:
        return a.is_finite() and (tb is int or (tb is Decimal and b.is_finite()))
    if ta is Fraction:
        return tb is int or tb is Fraction
    return False


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
        # Conditions already checked on the current facts (cleared whenever a fact is recorded).
        self._checked: dict[str, ConditionResult] = {}

    # -- facts ---------------------------------------------------------------------------------
    def input(self, name: str, value: Any) -> Fact:
        fact = Fact(value) if value is not None else Fact(None, (name,))
        self.facts[name] = fact
        self._checked.clear()
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
        self._checked.clear()
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
            self.trace.append(resolved.trace_entry())
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
        """The result of condition ``cid`` on the facts recorded so far. A condition depends only on the
        facts and on the parameters in force on ``as_of``, so it is evaluated once per state of the facts
        (an ``all_of`` rechecking an outline condition gets the same result object)."""
        found = self._checked.get(cid)
        if found is None:
            found = self._check(cid)
            self._checked[cid] = found
        return found

    def _check(self, cid: str) -> ConditionResult:
        decl = self.book.condition(cid)
        if decl.all_of is not None or decl.any_of is not None:
            parts = [self.check(child) for child in (decl.all_of or decl.any_of or [])]
            is_all = decl.all_of is not None
            statuses = [p.status for p in parts]
            status = all_of(statuses) if is_all else any_of(statuses)
            gone = [] if status is not Status.UNKNOWN else _union(p.missing for p in parts)
            weakest = max([decl.status, *(p.rule_status for p in parts)], key=STATUS_RANK.__getitem__)
            return ConditionResult(
                cid,
                decl.name,
                decl.text,
                decl.reference,
                weakest,
                status,
                gone,
                parts=parts,
                combine="all_of" if is_all else "any_of",
            )
        field, op = decl.field, decl.op
        assert field is not None and op is not None
        fact = self.fact(field)
        threshold: Any
        missing: list[str] = list(fact.missing)
        rule_status = decl.status
        if decl.param is not None:
            resolved = self.param(decl.param)
            threshold = resolved.value
            rule_status = max(decl.status, resolved.param.status, key=STATUS_RANK.__getitem__)
        elif decl.threshold_field is not None:
            tfact = self.fact(decl.threshold_field)
            threshold = tfact.value
            missing.extend(m for m in tfact.missing if m not in missing)
        else:
            threshold = decl.value
        observed = fact.value
        if isinstance(observed, ScoreRange) and not missing:
            base = {
                "id": cid,
                "name": decl.name,
                "text": decl.text,
                "reference": decl.reference,
                "rule_status": rule_status,
            }
            leaf = {
                "field": field,
                "op": op,
                "observed": observed,
                "threshold": threshold,
                "unit": decl.unit or self.book.unit_of(field),
            }
            return self._check_range(base, leaf, observed, op, threshold)
        note = fact.note
        if missing:
            status, note = Status.UNKNOWN, None
        elif observed is None or threshold is None:
            status, note = Status.NOT_MET, note or "数值无定义 (value undefined)"
        else:
            status = Status.MET if compare(observed, op, threshold) else Status.NOT_MET
        return ConditionResult(
            cid,
            decl.name,
            decl.text,
            decl.reference,
            rule_status,
            status,
            missing,
            field,
            op,
            observed,
            threshold,
            decl.unit or self.book.unit_of(field),
            note,
        )

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
