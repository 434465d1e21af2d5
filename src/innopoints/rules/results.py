"""Three-state condition results and the verdict object every evaluator returns."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from dataclasses import field as _field
from decimal import Decimal
from enum import StrEnum
from fractions import Fraction
from typing import Any

from innopoints.rules.numbers import ScoreRange, to_display
from innopoints.rules.schema import STATUS_LABELS, Label


class Status(StrEnum):
    MET = "met"
    NOT_MET = "not_met"
    UNKNOWN = "unknown"


def all_of(statuses: list[Status]) -> Status:
    if any(s is Status.NOT_MET for s in statuses):
        return Status.NOT_MET
    if any(s is Status.UNKNOWN for s in statuses):
        return Status.UNKNOWN
    return Status.MET


def any_of(statuses: list[Status]) -> Status:
    if any(s is Status.MET for s in statuses):
        return Status.MET
    if any(s is Status.UNKNOWN for s in statuses):
        return Status.UNKNOWN
    return Status.NOT_MET


def plain(value: Any) -> Any:
    """Output form of a value: Fractions become Decimals, dates ISO text, tuples lists."""
    kind = type(value)
    if kind is dict:
        return {k: plain(v) for k, v in value.items()}
    if kind is list or kind is tuple:
        return [plain(v) for v in value]
    if value is None or kind is str or kind is int or kind is bool or kind is Decimal:
        return value
    if kind is Fraction:
        return to_display(value)
    if kind is ScoreRange:
        return value.lo if value.decided else value.as_list()
    if isinstance(value, dt.date):
        return value.isoformat()
    return value


@dataclass(slots=True)
class ConditionResult:
    id: str
    name: Label
    text: str
    reference: str
    rule_status: str
    status: Status
    missing: list[str] = _field(default_factory=list)
    field: str | None = None
    op: str | None = None
    observed: Any = None
    threshold: Any = None
    unit: str | None = None
    note: str | None = None
    parts: list[ConditionResult] = _field(default_factory=list)
    combine: str | None = None

    def blockers(self, status: Status) -> list[ConditionResult]:
        """The most specific conditions with ``status`` that decide this one: for ``all_of`` the
        children in that state; an ``any_of`` of plain conditions is reported as one group (any member
        would do), an ``any_of`` of composites lists each alternative's own blockers."""
        if self.status is not status:
            return []
        if not self.parts or (self.combine == "any_of" and all(not p.parts for p in self.parts)):
            return [self]
        out: list[ConditionResult] = []
        for part in self.parts:
            out.extend(c for c in part.blockers(status) if c not in out)
        return out

    def as_dict(self) -> dict[str, Any]:
        out: dict[str, Any] = {
            "id": self.id,
            "name": self.name.zh,
            "name_en": self.name.en,
            "status": self.status.value,
            "rule_status": self.rule_status,
            "label": STATUS_LABELS[self.rule_status],
            "reference": self.reference,
            "text": self.text,
        }
        if self.field is not None:
            out.update(
                field=self.field, op=self.op, observed=plain(self.observed), threshold=plain(self.threshold)
            )
            if self.unit:
                out["unit"] = self.unit
        if self.missing:
            out["missing"] = list(self.missing)
        if self.note:
            out["note"] = self.note
        if self.parts:
            out["parts"] = [p.as_dict() for p in self.parts]
        return out

    def brief(self) -> dict[str, Any]:
        out: dict[str, Any] = {
            "id": self.id,
            "name": self.name.zh,
            "text": self.text,
            "reference": self.reference,
        }
        if self.field is not None:
            out.update(
                field=self.field, op=self.op, observed=plain(self.observed), threshold=plain(self.threshold)
            )
        if self.missing:
            out["missing"] = list(self.missing)
        return out


@dataclass
class Verdict:
    """The explained outcome of one evaluator for one firm on one date."""

    evaluator: str
    as_of: dt.date
    rulebook: dict[str, Any]
    conditions: list[ConditionResult]
    details: dict[str, Any]
    trace: list[dict[str, Any]]
    warnings: list[str] = _field(default_factory=list)
    decisive: ConditionResult | None = None

    def with_status(self, status: Status) -> list[ConditionResult]:
        """Failed (or unknown) conditions that decide the verdict; alternatives that did not matter
        (e.g. a direct route when the score route already qualifies) are left out."""
        if self.decisive is not None:
            return self.decisive.blockers(status)
        return [c for c in self.conditions if c.status is status]

    @property
    def missing(self) -> list[str]:
        names: list[str] = []
        stack = list(self.conditions)
        while stack:
            cond = stack.pop(0)
            names.extend(m for m in cond.missing if m not in names)
            stack.extend(cond.parts)
        return names

    def regional_defaults(self) -> list[str]:
        return sorted(
            {
                e["id"]
                for e in self.trace
                if e.get("kind") == "parameter" and e.get("status") in ("regional_default", "unverified")
            }
        )

    def as_dict(self) -> dict[str, Any]:
        out: dict[str, Any] = {"evaluator": self.evaluator, "as_of": self.as_of.isoformat()}
        out.update(plain(self.details))
        out["conditions"] = [c.as_dict() for c in self.conditions]
        out["failed"] = [c.brief() for c in self.with_status(Status.NOT_MET)]
        out["unknown"] = [c.brief() for c in self.with_status(Status.UNKNOWN)]
        out["missing"] = self.missing
        out["regional_defaults_used"] = self.regional_defaults()
        out["warnings"] = list(self.warnings)
        out["rulebook"] = dict(self.rulebook)
        out["trace"] = plain(self.trace)
        return out
