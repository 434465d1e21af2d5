"""Choosing the broker for a demand (pure): by technical field, then load, district, rating and id.

Candidates are certified, active brokers with spare capacity (active assignments below their limit).
With ``same_field_first`` brokers of the demand's cluster come first; if none has capacity and
``cross_field_fallback`` is on, any candidate may take it. Among the remaining: lowest load ratio, then
(``prefer_same_district``) the demand's district, then higher rating, then lower id — deterministic.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from decimal import Decimal
from fractions import Fraction

from innopoints.transfer.rulebook import Routing


@dataclass(frozen=True)
class BrokerLoad:
    broker_id: int
    name: str
    cluster_id: str
    district_code: str
    rating: Decimal
    active: int  # assignments in 对接/洽谈
    max_load: int
    certified: bool
    enabled: bool

    @property
    def load_ratio(self) -> Fraction:
        return Fraction(self.active, self.max_load)

    @property
    def has_capacity(self) -> bool:
        return self.active < self.max_load


@dataclass(frozen=True)
class RoutingChoice:
    broker: BrokerLoad
    same_field: bool
    reason: str


def eligible(brokers: Sequence[BrokerLoad], settings: Routing) -> list[BrokerLoad]:
    return [
        b
        for b in brokers
        if b.enabled and b.has_capacity and (b.certified or not settings.require_certificate)
    ]


def choose_broker(
    brokers: Sequence[BrokerLoad], cluster_id: str, district_code: str, settings: Routing
) -> RoutingChoice | None:
    pool = eligible(brokers, settings)
    same = [b for b in pool if b.cluster_id == cluster_id]
    if settings.same_field_first and same:
        pool, same_field = same, True
    elif settings.same_field_first and not settings.cross_field_fallback:
        return None
    else:
        same_field = False
    if not pool:
        return None

    def key(b: BrokerLoad) -> tuple[Fraction, int, Decimal, int]:
        far = 0 if (settings.prefer_same_district and b.district_code == district_code) else 1
        return (b.load_ratio, far, -b.rating, b.broker_id)

    best = min(pool, key=key)
    parts = ["同领域" if same_field or best.cluster_id == cluster_id else "跨领域兜底（本领域无空闲经纪人）"]
    parts.append(f"在办 {best.active}/{best.max_load}")
    if best.district_code == district_code:
        parts.append("同区县")
    parts.append(f"评分 {best.rating}")
    return RoutingChoice(best, best.cluster_id == cluster_id, "，".join(parts))
