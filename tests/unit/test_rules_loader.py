"""Rulebook loading: shipped rulebooks are valid; broken ones fail naming file, key and expectation."""

from __future__ import annotations

from decimal import Decimal
from pathlib import Path

import pytest

from innopoints.rules.loader import RulebookError, load_rulebook
from innopoints.rules.yamlio import load_exact

BROKEN = Path(__file__).resolve().parents[1] / "fixtures" / "rulebooks_broken"
RULEBOOK_DIR = Path(__file__).resolve().parents[2] / "src" / "innopoints" / "rulebook"
SHIPPED = sorted(p for p in RULEBOOK_DIR.glob("*/*.yaml") if p.parent.name in ("national", "liaoning"))


@pytest.mark.parametrize("path", SHIPPED, ids=lambda p: f"{p.parent.name}/{p.name}")
def test_shipped_rulebooks_load(path: Path) -> None:
    book = load_rulebook(path)
    assert book.book.conditions and book.book.parameters
    assert len(book.digest) == 64


@pytest.mark.parametrize(
    ("name", "key", "expectation"),
    [
        ("unknown_key.yaml", "parameters.max_employees.values[0].thresold", "unknown key"),
        ("bad_date.yaml", "parameters.max_employees.values[0].from", "valid date"),
        ("overlapping_periods.yaml", "parameters.max_employees.values[1].from", "non-overlapping"),
        ("missing_reference.yaml", "parameters.max_employees.reference", "missing required key"),
        ("unknown_reference.yaml", "parameters.max_employees.reference", "国科发政〔2017〕115号"),
        ("weights_sum.yaml", "parameters.score_weights.values[0].weights", "sum to their total"),
        ("band_gap.yaml", "parameters.staff_ratio_points.values[0].bands[1]", "band gap"),
        ("band_overlap.yaml", "parameters.staff_ratio_points.values[0].bands[1]", "band overlap"),
        (
            "band_missing_inclusivity.yaml",
            "parameters.staff_ratio_points.values[0].bands[0].lower_inclusive",
            "true/false",
        ),
        ("unknown_param.yaml", "conditions.c1.param", "expected an id under parameters"),
    ],
)
def test_broken_rulebook_fails_naming_file_and_key(name: str, key: str, expectation: str) -> None:
    path = BROKEN / name
    with pytest.raises(RulebookError) as info:
        load_rulebook(path)
    lines = info.value.message.splitlines()[1:]
    assert any(line.startswith(f"{path}: {key}") and expectation in line for line in lines), lines


def test_every_broken_fixture_is_exercised() -> None:
    assert len(list(BROKEN.glob("*.yaml"))) == 10


def test_yaml_numbers_are_exact_and_dates_stay_text() -> None:
    data = load_exact("a: 0.1\nb: 2017-05-03\nc: 7\n")
    assert data == {"a": Decimal("0.1"), "b": "2017-05-03", "c": 7}
    assert isinstance(data["a"], Decimal)


def test_duplicate_keys_are_rejected(tmp_path: Path) -> None:
    path = tmp_path / "dup.yaml"
    path.write_text("id: x\nid: y\n", encoding="utf-8")
    with pytest.raises(RulebookError, match="duplicate key"):
        load_rulebook(path)


def test_top_level_must_be_a_mapping(tmp_path: Path) -> None:
    path = tmp_path / "list.yaml"
    path.write_text("- 1\n", encoding="utf-8")
    with pytest.raises(RulebookError, match="expected a YAML mapping"):
        load_rulebook(path)
