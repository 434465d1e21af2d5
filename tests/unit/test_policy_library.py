"""Policy files are validated: unknown facts, wrong kinds, missing eligibility and references are refused
with the key path."""

from __future__ import annotations

import copy
from pathlib import Path
from typing import Any

import pytest

from innopoints.policy.library import load_policy_file, parse_policy
from innopoints.rules.loader import RulebookError
from innopoints.rules.yamlio import load_exact

FILE = Path(__file__).parents[2] / "src/innopoints/rulebook/shenyang/policies/07_ip_pledge.yaml"


def _raw() -> dict[str, Any]:
    return load_exact(FILE.read_text("utf-8"))


def test_shipped_file_loads() -> None:
    policy = load_policy_file(FILE)
    assert policy.id == "ip_pledge"
    assert policy.meta.benefit.max_amount is not None
    assert policy.meta.benefit.max_amount.yuan == 10_000_000


@pytest.mark.parametrize(
    ("edit", "path", "message"),
    [
        (lambda r: r["policy"].update(eligibility="nope"), "policy.eligibility", "未声明的条件"),
        (lambda r: r["policy"].update(reference="无出处"), "policy.reference", "文号"),
        (
            lambda r: r["rulebook"]["inputs"].update(
                shoe_size={"name": {"zh": "鞋码", "en": "shoe"}, "kind": "count"}
            ),
            "rulebook.inputs.shoe_size",
            "平台不提供此事实",
        ),
        (
            lambda r: r["rulebook"]["inputs"]["ip_invention_granted"].update(kind="money"),
            "rulebook.inputs.ip_invention_granted.kind",
            "count",
        ),
        (lambda r: r["policy"]["benefit"].update(rate="0.1"), "policy.benefit", "rate 与 base"),
        (lambda r: r["policy"].update(status="maybe"), "policy.status", ""),
    ],
)
def test_invalid_policy_is_refused_with_key_path(edit: Any, path: str, message: str) -> None:
    raw = copy.deepcopy(_raw())
    edit(raw)
    with pytest.raises(RulebookError) as info:
        parse_policy(raw, "x.yaml")
    assert any(k == path and message in m for k, m in info.value.problems), info.value.problems
