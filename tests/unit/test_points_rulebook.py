"""The points rulebook: structure, schema strictness, weight sums, version hash."""

from __future__ import annotations

import shutil
from importlib import resources
from pathlib import Path

import pytest

from innopoints.scoring.rulebook import RulebookError, load_points, load_points_dir

SOURCE = Path(str(resources.files("innopoints.rulebook").joinpath("shenyang").joinpath("points")))


@pytest.fixture
def copy(tmp_path: Path) -> Path:
    target = tmp_path / "points"
    shutil.copytree(SOURCE, target)
    return target


def _edit(folder: Path, name: str, old: str, new: str) -> None:
    path = folder / name
    text = path.read_text("utf-8")
    assert old in text, f"fixture text not found in {name}: {old}"
    path.write_text(text.replace(old, new, 1), "utf-8")


def test_national_structure_with_at_least_18_indicators() -> None:
    rb = load_points()
    assert [g.id for g in rb.indicators.groups] == ["technology_innovation", "growth_operations", "auxiliary"]
    assert len(rb.indicator_list) >= 18
    assert rb.indicators.metadata.status == "regional_default"
    assert "region design" in rb.indicators.metadata.reference
    assert rb.stage_ids == ["startup", "growth", "stable"]
    kinds = {i.kind for i in rb.indicator_list}
    assert {"value", "ratio", "growth", "qualifications"} <= kinds
    assert any(i.interpolate == "log" for i in rb.indicator_list)
    for stage in rb.stage_ids:
        total = sum(rb.weight(stage, i) for i in rb.indicator_list)
        assert total == rb.weights.max_points == 1000


def test_weights_that_do_not_sum_to_their_total_name_file_and_key(copy: Path) -> None:
    _edit(copy, "weights.yaml", "rd_expense_total: 70,", "rd_expense_total: 71,")
    with pytest.raises(RulebookError) as err:
        load_points_dir(copy)
    assert "weights.yaml" in err.value.message
    assert "stages.startup.groups.technology_innovation" in err.value.message
    assert "601" in err.value.message


def test_group_totals_must_sum_to_the_stage_total(copy: Path) -> None:
    _edit(
        copy,
        "weights.yaml",
        "      auxiliary:\n        total: 150\n        weights: {qualifications: 60",
        "      auxiliary:\n        total: 160\n        weights: {qualifications: 70",
    )
    with pytest.raises(RulebookError) as err:
        load_points_dir(copy)
    assert "stages.startup" in err.value.message and "1010" in err.value.message


def test_unknown_key_is_rejected_with_file_and_key(copy: Path) -> None:
    _edit(
        copy,
        "indicators.yaml",
        "    kind: ratio\n    fields: [rd_expense]",
        "    kind: ratio\n    feilds: [x]\n    fields: [rd_expense]",
    )
    with pytest.raises(RulebookError) as err:
        load_points_dir(copy)
    assert "indicators.yaml" in err.value.message and "feilds" in err.value.message


def test_unknown_panel_field_is_rejected(copy: Path) -> None:
    _edit(copy, "indicators.yaml", "fields: [tax_paid]", "fields: [taxes_paid]")
    with pytest.raises(RulebookError) as err:
        load_points_dir(copy)
    assert "taxes_paid" in err.value.message


def test_missing_weight_for_an_indicator_is_named(copy: Path) -> None:
    _edit(copy, "weights.yaml", "standards_led: 30}", "rd_platforms_extra: 30}")
    with pytest.raises(RulebookError) as err:
        load_points_dir(copy)
    assert "standards_led" in err.value.message


def test_hash_follows_content_not_layout(copy: Path) -> None:
    base = load_points_dir(copy).version_hash
    (copy / "weights.yaml").write_text(
        (copy / "weights.yaml").read_text("utf-8") + "\n# a comment\n", "utf-8"
    )
    assert load_points_dir(copy).version_hash == base
    _edit(
        copy,
        "weights.yaml",
        "rd_expense_total: 70, rd_expense_growth: 50,",
        "rd_expense_total: 60, rd_expense_growth: 60,",
    )
    assert load_points_dir(copy).version_hash != base


def test_log_interpolation_is_refused_for_ratios(copy: Path) -> None:
    _edit(
        copy,
        "indicators.yaml",
        '    denominator: [operating_revenue]\n    unit: "%"\n  - id: rd_staff_share',
        '    denominator: [operating_revenue]\n    unit: "%"\n    interpolate: log\n  - id: rd_staff_share',
    )
    with pytest.raises(RulebookError, match="interpolate"):
        load_points_dir(copy)


def test_penalty_kinds_use_the_platform_vocabulary() -> None:
    from innopoints.registry.negative_kinds import NEGATIVE_KINDS

    rb = load_points()
    assert {p.kind for p in rb.adjustments.penalties} == set(NEGATIVE_KINDS)
    assert set(rb.ladder.tech_sme.blocking_negative_kinds) == set(NEGATIVE_KINDS)


def test_version_hash_covers_the_referenced_national_rulebook(monkeypatch: pytest.MonkeyPatch) -> None:
    from innopoints.scoring import rulebook as points_rulebook

    folder = resources.files("innopoints.rulebook").joinpath("shenyang").joinpath("points")
    baseline = points_rulebook.load_points_dir(folder).version_hash
    monkeypatch.setattr(points_rulebook, "_referenced_rulebooks", lambda parsed: [])
    without_reference = points_rulebook.load_points_dir(folder).version_hash
    assert baseline != without_reference
