"""The shipped cultivation rulebook: complete, labelled, cross-checked, versioned."""

from __future__ import annotations

import shutil
from importlib import resources
from pathlib import Path

import pytest

from innopoints.cultivation.rulebook import load_cultivation, load_cultivation_dir
from innopoints.errors import UserError


def _copy(tmp_path: Path) -> Path:
    src = Path(str(resources.files("innopoints.rulebook").joinpath("shenyang/cultivation")))
    dst = tmp_path / "cultivation"
    shutil.copytree(src, dst)
    return dst


def test_programs_tiers_and_alerts_are_labelled_with_reference_and_status() -> None:
    book = load_cultivation()
    assert {"high_tech_reserve", "tech_sme_seedling", "gazelle_candidate", "unicorn_seedling"} <= set(
        book.programs
    )
    reserve = book.programs["high_tech_reserve"]
    assert len(reserve.conditions) == 8 and reserve.needed == 7 and reserve.gap is not None
    assert [t.name.zh for t in book.tiers.tiers] == ["强柱", "培干", "育苗"]
    for item in [*book.programs.values(), *book.tiers.tiers, *book.alerts.alerts]:
        assert item.reference and item.status in ("official", "regional_default")
        assert item.name.zh and item.name.en
    assert book.referenced_rulebooks() == [
        "liaoning/gazelle.yaml",
        "liaoning/unicorn.yaml",
        "national/high_tech.yaml",
    ]


def test_version_hash_changes_with_any_number(tmp_path: Path) -> None:
    folder = _copy(tmp_path)
    before = load_cultivation_dir(folder).version_hash
    assert before == load_cultivation().version_hash
    text = (folder / "screening.yaml").read_text("utf-8").replace("min_met: 7", "min_met: 6")
    (folder / "screening.yaml").write_text(text, "utf-8")
    assert load_cultivation_dir(folder).version_hash != before


def test_a_tier_naming_an_unknown_program_is_refused(tmp_path: Path) -> None:
    folder = _copy(tmp_path)
    text = (folder / "tiers.yaml").read_text("utf-8").replace("[ladder_pillar]", "[no_such_program]")
    (folder / "tiers.yaml").write_text(text, "utf-8")
    with pytest.raises(UserError, match="no_such_program"):
        load_cultivation_dir(folder)


def test_unknown_keys_are_refused_with_the_file_and_key(tmp_path: Path) -> None:
    folder = _copy(tmp_path)
    text = (
        (folder / "alerts.yaml").read_text("utf-8").replace("amount: 5000", "amount: 5000\n    colour: red")
    )
    (folder / "alerts.yaml").write_text(text, "utf-8")
    with pytest.raises(UserError, match=r"alerts\.yaml.*colour"):
        load_cultivation_dir(folder)
