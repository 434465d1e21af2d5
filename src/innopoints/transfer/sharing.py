"""Exact split of a contract's transformation income (integer fen) between the institution and the inventors.

1. The inventors' pool is ``income × rate`` rounded **up** to the fen (the policy share is a minimum for the
   inventors) — unless rounding up would exceed the policy maximum while rounding down still meets the
   minimum, then it is rounded down. The institution keeps the rest.
2. The pool is split among the inventors by their recorded shares with the largest-remainder method:
   everyone gets the floor of their exact quota, the leftover fen go one each to the largest fractional
   parts, ties broken by the order the inventors were recorded in.

So the parts always sum exactly to the income, every inventor is within one fen of their exact quota of
the pool, and the same inputs always give the same split. Pure: no database, no floats.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass
from decimal import Decimal
from fractions import Fraction

from innopoints.errors import UserError


@dataclass(frozen=True)
class Inventor:
    name: str
    share: Decimal  # the inventor's recorded share among the inventors (shares sum to 1)
    inventor_id: int | None = None


@dataclass(frozen=True)
class Part:
    kind: str  # institution / inventor
    name: str
    inventor_id: int | None
    fraction: Fraction  # exact share of the income before rounding
    amount_fen: int


@dataclass(frozen=True)
class Split:
    income_fen: int
    inventor_rate: Decimal
    pool_fen: int  # the inventors' total
    parts: tuple[Part, ...]

    @property
    def institution_fen(self) -> int:
        return self.income_fen - self.pool_fen

    @property
    def pool_fraction(self) -> Fraction:
        return Fraction(self.pool_fen, self.income_fen) if self.income_fen else Fraction(0)


def largest_remainder(total: int, weights: Sequence[Fraction]) -> list[int]:
    """Non-negative integers proportional to ``weights`` summing exactly to ``total`` (Hamilton's method)."""
    if total < 0:
        raise ValueError("total must be >= 0")
    weight_sum = sum(weights, Fraction(0))
    if not weights or weight_sum <= 0 or any(w < 0 for w in weights):
        raise ValueError("weights must be non-negative with a positive sum")
    quotas = [Fraction(total) * w / weight_sum for w in weights]
    floors = [math.floor(q) for q in quotas]
    left = total - sum(floors)
    order = sorted(range(len(quotas)), key=lambda i: (-(quotas[i] - floors[i]), i))
    for i in order[:left]:
        floors[i] += 1
    return floors


def inventors_pool(income_fen: int, rate: Fraction, lo: Fraction, hi: Fraction) -> int:
    exact = Fraction(income_fen) * rate
    up, down = math.ceil(exact), math.floor(exact)
    if up > Fraction(income_fen) * hi and down >= Fraction(income_fen) * lo:
        return down
    return up


def check_inventors(inventors: Sequence[Inventor]) -> None:
    if not inventors:
        raise UserError("该成果没有登记完成人，无法分配转化收益")
    if any(inv.share <= 0 for inv in inventors):
        bad = "、".join(inv.name for inv in inventors if inv.share <= 0)
        raise UserError(f"完成人份额须大于0：{bad}")
    total = sum((inv.share for inv in inventors), Decimal(0))
    if total != 1:
        raise UserError(f"完成人份额合计应为 1，实际为 {total}")


def split_income(
    income_fen: int,
    rate: Decimal,
    inventors: Sequence[Inventor],
    institution: str,
    rate_min: Decimal,
    rate_max: Decimal,
) -> Split:
    """Split ``income_fen`` under an inventor ``rate`` within the policy range [rate_min, rate_max]."""
    if income_fen < 0:
        raise UserError("转化收入不能为负数")
    if not rate_min <= rate <= rate_max:
        raise UserError(f"完成人分配比例 {rate} 超出本单位政策范围 [{rate_min}, {rate_max}]")
    check_inventors(inventors)
    r, lo, hi = Fraction(rate), Fraction(rate_min), Fraction(rate_max)
    pool = inventors_pool(income_fen, r, lo, hi)
    amounts = largest_remainder(pool, [Fraction(inv.share) for inv in inventors])
    parts = [Part("institution", institution, None, 1 - r, income_fen - pool)]
    parts += [
        Part("inventor", inv.name, inv.inventor_id, r * Fraction(inv.share), amount)
        for inv, amount in zip(inventors, amounts, strict=True)
    ]
    return Split(income_fen, rate, pool, tuple(parts))
