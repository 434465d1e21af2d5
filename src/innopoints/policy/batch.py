"""Whole-city matching: each policy rulebook compiled to Polars expressions over the facts frame.

The compiler is the rules engine's :class:`~innopoints.rules.columnar.ColumnarRulebook`, extended here
with the two leaf forms policies need: choice facts (``stage in {startup}``, ``district == "210112"``)
and booleans compared with ``==``/``!=``. Three states are Kleene nullable booleans (null = unknown),
exactly as the single evaluator's ``all_of``/``any_of``; a test checks both agree firm by firm.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from typing import Any

import polars as pl

from innopoints.policy.facts import FACTS, UNITS
from innopoints.policy.library import Policy
from innopoints.rules.columnar import ColumnarRulebook, Expr, PolarsBackend
from innopoints.rules.results import Status


class PolicyColumnar(ColumnarRulebook):
    def input(self, name: str) -> Expr:
        if self.book.book.inputs[name].kind == "choice" and name not in self._inputs:
            return pl.lit(None, dtype=pl.Utf8)
        return super().input(name)

    def condition(self, cid: str, derived: Mapping[str, Any]) -> Expr:
        decl = self.book.condition(cid)
        if decl.field is None or decl.all_of is not None or decl.any_of is not None:
            return super().condition(cid, derived)
        kind = self.book.book.inputs[decl.field].kind
        threshold = self.value(decl.param) if decl.param is not None else decl.value
        left = self.input(decl.field)
        if decl.op == "in":
            assert isinstance(threshold, tuple), f"{cid}: operator in needs a set parameter"
            return pl.when(left.is_null()).then(None).otherwise(left.is_in(list(threshold)))
        if kind == "choice":
            right = pl.lit(str(threshold), dtype=pl.Utf8)
            return left == right if decl.op == "==" else left != right
        return super().condition(cid, derived)


def compile_policy(policy: Policy, frame: pl.DataFrame, as_of: dt.date) -> PolicyColumnar:
    inputs = {name: pl.col(name) for name in policy.book.book.inputs if name in frame.columns}
    return PolicyColumnar(policy.book, as_of, PolarsBackend(), inputs, UNITS)


def status_expr(policy: Policy, frame: pl.DataFrame, as_of: dt.date) -> pl.Expr:
    """``met`` / ``not_met`` / ``unknown`` per firm."""
    compiled = compile_policy(policy, frame, as_of)
    decided = compiled.condition(policy.meta.eligibility, {})
    return (
        pl.when(decided.is_null())
        .then(pl.lit(Status.UNKNOWN.value))
        .when(decided)
        .then(pl.lit(Status.MET.value))
        .otherwise(pl.lit(Status.NOT_MET.value))
    )


def match_city(policies: tuple[Policy, ...], frame: pl.DataFrame, as_of: dt.date) -> pl.DataFrame:
    """One status column per policy (named by policy id) next to ``uscc``."""
    no_source = [f for f, d in FACTS.items() if d.source == "none" and f in frame.columns]
    if no_source:
        raise ValueError(f"facts without a data source must not be columns: {no_source}")
    return frame.select("uscc", *(status_expr(p, frame, as_of).alias(p.id) for p in policies))
