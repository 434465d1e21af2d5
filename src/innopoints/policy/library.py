"""Load the policy library: every ``rulebook/<region>/policies/*.yaml``, validated as a whole."""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from functools import lru_cache
from importlib import resources
from pathlib import Path
from typing import Any

from pydantic import ValidationError

from innopoints.errors import UserError
from innopoints.policy.facts import FACTS
from innopoints.policy.schema import PolicyMeta
from innopoints.rules.compiled import CompiledRulebook
from innopoints.rules.loader import RulebookError, _pydantic_problems, parse_rulebook
from innopoints.rules.yamlio import load_exact


@dataclass(frozen=True)
class Policy:
    meta: PolicyMeta
    book: CompiledRulebook
    source: str

    @property
    def id(self) -> str:
        return self.meta.id


def parse_policy(raw: Any, source: str, digest: str = "") -> Policy:
    if not isinstance(raw, dict) or set(raw) != {"policy", "rulebook"}:
        raise RulebookError(
            source, [("", "政策文件须只含 policy 与 rulebook 两个键 (expected keys: policy, rulebook)")]
        )
    try:
        meta = PolicyMeta.model_validate(raw["policy"])
    except ValidationError as exc:
        raise RulebookError(source, [(f"policy.{k}", m) for k, m in _pydantic_problems(exc)]) from None
    book = parse_rulebook(raw["rulebook"], source, digest)
    problems: list[tuple[str, str]] = []
    if meta.eligibility not in book.book.conditions:
        problems.append(
            ("policy.eligibility", f"未声明的条件 {meta.eligibility!r} (expected a condition id)")
        )
    numbers = [d.number for d in book.book.documents.values()]
    if not any(n in meta.reference for n in numbers):
        problems.append(
            ("policy.reference", "出处未引用 rulebook.documents 中的文号 (expected a declared document)")
        )
    for name, decl in book.book.inputs.items():
        fact = FACTS.get(name)
        if fact is None:
            problems.append(
                (f"rulebook.inputs.{name}", f"平台不提供此事实 (expected one of: {', '.join(FACTS)})")
            )
        elif fact.kind != decl.kind:
            problems.append((f"rulebook.inputs.{name}.kind", f"应为 {fact.kind} (expected kind {fact.kind})"))
    base = meta.benefit.base
    if (base is None) != (meta.benefit.rate is None):
        problems.append(
            ("policy.benefit", "rate 与 base 须同时给出 (expected both rate and base, or neither)")
        )
    if base is not None and (FACTS.get(base) is None or FACTS[base].kind != "money"):
        problems.append(("policy.benefit.base", "须为金额类事实 (expected a money fact)"))
    if problems:
        raise RulebookError(source, problems)
    return Policy(meta, book, source)


def load_policy_file(path: Path) -> Policy:
    data = path.read_bytes()
    raw = load_exact(data.decode("utf-8"))
    return parse_policy(raw, str(path), hashlib.sha256(data).hexdigest())


@lru_cache(maxsize=4)
def load_library(region: str = "shenyang") -> tuple[Policy, ...]:
    folder = resources.files("innopoints.rulebook").joinpath(region).joinpath("policies")
    files = sorted((f for f in folder.iterdir() if f.name.endswith(".yaml")), key=lambda f: f.name)
    policies = tuple(load_policy_file(Path(str(f))) for f in files)
    seen: set[str] = set()
    for p in policies:
        if p.id in seen:
            raise UserError(f"政策编号重复 (duplicate policy id): {p.id}")
        seen.add(p.id)
    return policies


def get_policy(policy_id: str, region: str = "shenyang") -> Policy:
    for policy in load_library(region):
        if policy.id == policy_id:
            return policy
    known = ", ".join(p.id for p in load_library(region))
    raise UserError(f"未找到政策 {policy_id} (unknown policy; known: {known})")
