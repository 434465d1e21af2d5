"""The cultivation ladder: 科技型中小企业 → 高新技术企业 → 雏鹰 → 瞪羚 → (种子/潜在)独角兽 → 科技领军企业.

``ladder(firm, as_of)`` takes one input object per evaluator (keys are CLI names: ``tech-sme``,
``high-tech``, ``eaglet``, ``gazelle``, ``unicorn``, ``tech-leader``), evaluates each and reports every
rung's three-state result plus the highest rung reached. Each rung keeps its full Verdict, whose numeric
conditions expose ``observed``, ``threshold`` and ``op`` for a later gap-to-next-rung computation.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from innopoints.eligibility.registry import run
from innopoints.rules.results import Verdict

RUNGS: tuple[tuple[str, str, str], ...] = (
    ("tech_sme", "tech-sme", "科技型中小企业"),
    ("high_tech_enterprise", "high-tech", "高新技术企业"),
    ("eaglet", "eaglet", "雏鹰企业"),
    ("gazelle", "gazelle", "瞪羚企业"),
    ("seed_unicorn", "unicorn", "种子独角兽"),
    ("potential_unicorn", "unicorn", "潜在独角兽"),
    ("unicorn", "unicorn", "独角兽企业"),
    ("tech_leader", "tech-leader", "科技领军企业"),
)


@dataclass
class Rung:
    id: str
    name: str
    reached: bool | None
    verdict: Verdict | None

    def as_dict(self) -> dict[str, Any]:
        return {
            "id": self.id,
            "name": self.name,
            "reached": self.reached,
            "evaluated": self.verdict is not None,
        }


def _reached(rung_id: str, verdict: Verdict) -> bool | None:
    details = verdict.details
    if verdict.evaluator == "high_tech":
        return {"yes": True, "no": False}.get(details["verdict"])
    if verdict.evaluator == "unicorn":
        return {"met": True, "not_met": False}.get(details["tiers"][rung_id])
    value = details.get("qualified")
    return value if isinstance(value, bool) else None


def evaluate_rungs(firm: Mapping[str, Any], as_of: dt.date) -> tuple[list[Rung], dict[str, Verdict]]:
    """Evaluate every rung whose evaluator inputs are given (each evaluator once)."""
    verdicts: dict[str, Verdict] = {}
    rungs: list[Rung] = []
    for rung_id, evaluator, name in RUNGS:
        if evaluator not in firm:
            rungs.append(Rung(rung_id, name, None, None))
            continue
        if evaluator not in verdicts:
            verdicts[evaluator] = run(evaluator, firm[evaluator], as_of)
        verdict = verdicts[evaluator]
        rungs.append(Rung(rung_id, name, _reached(rung_id, verdict), verdict))
    return rungs, verdicts


def stage(rungs: list[Rung]) -> dict[str, Any]:
    """The highest rung reached and the next one up (the first rung when none is reached)."""
    highest = next((r for r in reversed(rungs) if r.reached), None)
    following = rungs[rungs.index(highest) + 1] if highest is not None and highest is not rungs[-1] else None
    if highest is None:
        following = rungs[0]
    return {
        "highest": None if highest is None else {"id": highest.id, "name": highest.name},
        "next": None if following is None else {"id": following.id, "name": following.name},
    }


def ladder(firm: Mapping[str, Any], as_of: dt.date) -> dict[str, Any]:
    rungs, verdicts = evaluate_rungs(firm, as_of)
    return {
        "as_of": as_of.isoformat(),
        **stage(rungs),
        "rungs": [r.as_dict() for r in rungs],
        "verdicts": {k: v.as_dict() for k, v in verdicts.items()},
    }
