"""The transfer rulebook loads, carries statuses and references, and refuses broken files loudly."""

from __future__ import annotations

from decimal import Decimal
from importlib import resources

import pytest

from innopoints.errors import UserError
from innopoints.transfer.rulebook import FILES, load_transfer_rulebook, parse_file


def _text(name: str) -> str:
    return (
        resources.files("innopoints.rulebook").joinpath("shenyang/transfer").joinpath(name).read_text("utf-8")
    )


def test_packaged_rulebook_matches_the_sources() -> None:
    book = load_transfer_rulebook()
    five = ["development", "transfer", "license", "consulting", "service"]
    assert [t.id for t in book.contracts.types if t.status == "official"] == five
    assert {t.id: t.counts_as for t in book.contracts.types if t.counts_as} == {
        "training": "service",
        "intermediary": "service",
    }
    assert book.contracts.registration.decision_days == 30
    assert book.sharing.city_floor.inventor_share_min == Decimal("0.70")
    neu = next(p for p in book.sharing.institutions if p.name == "东北大学")
    assert neu.inventor_share.max == Decimal("0.92") and neu.status == "unverified"
    assert book.statistics.contract_turnover.actual.value_yuan == 83_060_000_000
    assert book.statistics.contract_turnover.target.value_yuan == 92_000_000_000
    outputs = {k: (f.value, f.kind) for k, f in book.statistics.pilot_outputs_cumulative.items()}
    assert outputs == {
        "new_products": (764, "exact"),
        "new_technologies": (533, "exact"),
        "incubated_enterprises": (200, "at_least"),
        "service_contracts": (3600, "at_least"),
    }
    for name in FILES:
        assert parse_file(name, _text(name)).metadata.reference


@pytest.mark.parametrize(
    ("name", "old", "new", "message"),
    [
        (
            "contracts.yaml",
            "decision_days: 30",
            "decision_days: 30\n  decision_day: 30",
            "registration.decision_day",
        ),
        ("contracts.yaml", "counts_as: service", "counts_as: services", "未知类型"),
        ("revenue_sharing.yaml", "min: 0.70, max: 0.92", "min: 0.60, max: 0.92", "低于全市下限"),
        (
            "revenue_sharing.yaml",
            "min: 0.70, max: 0.92, default: 0.70",
            "min: 0.70, max: 0.92, default: 0.95",
            "min ≤ default ≤ max",
        ),
        ("brokers.yaml", "default_max_load: 8", "default_max_load: 0", "routing.default_max_load"),
        ("challenges.yaml", "min_reviews: 3", "min_reviews: 3\n  min_reviews: 4", "重复的键"),
        ("statistics.yaml", "kind: at_least", "kind: about", "kind"),
    ],
)
def test_broken_files_name_file_and_key(name: str, old: str, new: str, message: str) -> None:
    text = _text(name)
    assert old in text
    with pytest.raises(UserError) as err:
        parse_file(name, text.replace(old, new, 1))
    assert name in err.value.message and message in err.value.message
