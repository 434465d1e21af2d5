"""Routing a demand to a broker: field first, then load, district, rating, id; capacity and certificates respected."""

from __future__ import annotations

from decimal import Decimal

import pytest

from innopoints.transfer.routing import BrokerLoad, choose_broker
from innopoints.transfer.rulebook import Routing

SETTINGS = Routing(
    default_max_load=8,
    require_certificate=True,
    same_field_first=True,
    cross_field_fallback=True,
    prefer_same_district=True,
)


def broker(
    i: int, cluster: str = "new_energy", district: str = "210112", active: int = 0, **kw: object
) -> BrokerLoad:
    base: dict[str, object] = {
        "broker_id": i,
        "name": f"经纪人{i}",
        "cluster_id": cluster,
        "district_code": district,
        "rating": Decimal("4.0"),
        "active": active,
        "max_load": 4,
        "certified": True,
        "enabled": True,
    }
    base.update(kw)
    return BrokerLoad(**base)  # type: ignore[arg-type]


@pytest.mark.parametrize(
    ("brokers", "chosen", "reason"),
    [
        ([broker(1, "robotics"), broker(2)], 2, "同领域"),  # field beats everything
        ([broker(1, active=2), broker(2, active=1)], 2, "在办 1/4"),  # lower load
        (
            [broker(1, active=2, max_load=8), broker(2, active=1, max_load=2)],
            1,
            "在办 2/8",
        ),  # load ratio 1/4 < 1/2
        ([broker(1, district="210102"), broker(2)], 2, "同区县"),  # same district on equal load
        ([broker(1, rating=Decimal("3.9")), broker(2, rating=Decimal("4.8"))], 2, "评分 4.8"),
        ([broker(2), broker(1)], 1, "同领域"),  # full tie: lower id
        ([broker(1, active=4), broker(2, "robotics")], 2, "跨领域兜底"),  # own field full → fallback
        ([broker(1, certified=False), broker(2, "robotics")], 2, "跨领域兜底"),  # no certificate
        ([broker(1, enabled=False), broker(3)], 3, "同领域"),
    ],
)
def test_choice_table(brokers: list[BrokerLoad], chosen: int, reason: str) -> None:
    choice = choose_broker(brokers, "new_energy", "210112", SETTINGS)
    assert choice is not None and choice.broker.broker_id == chosen
    assert reason in choice.reason


def test_nobody_with_capacity_means_no_choice() -> None:
    assert (
        choose_broker(
            [broker(1, active=4), broker(2, "robotics", active=4)], "new_energy", "210112", SETTINGS
        )
        is None
    )
    strict = SETTINGS.model_copy(update={"cross_field_fallback": False})
    assert choose_broker([broker(1, "robotics")], "new_energy", "210112", strict) is None
