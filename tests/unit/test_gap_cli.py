"""CLI contract of ``innopoints evaluate gap`` and ``evaluate what-if`` (subprocess)."""

from __future__ import annotations

import json
from pathlib import Path

from evaluate_cli_support import cli, parse

HIGH_TECH = {
    "net_assets": [10000000, 13000000, 18000000],
    "sales_revenue": [20000000, 26000000, 35000000.50],
    "rd_expense": [800000, 900000, 1000000],
    "rd_expense_domestic": [500000, 500000, 600000],
    "high_tech_income": 18000000,
    "total_income": 35000000,
    "employees": 100,
    "sci_tech_staff": 8,
    "registration_date": "2024-09-01",
    "ip_class1": 0,
    "ip_class2": 2,
    "ip_acquisition": "transfer",
    "standards": 0,
    "conversions": [1, 2, 1],
    "high_tech_field": "electronic_information",
}
SME = {
    "employees": 50,
    "sci_tech_staff": 12,
    "sales_revenue": 30000000,
    "total_assets": 10000000,
    "rd_expense": 1800000,
    "cost_expense_total": 25000000,
    "ip_class1": 0,
    "ip_class2": 4,
}


def test_gap_target_from_file_with_verification(tmp_path: Path) -> None:
    path = tmp_path / "firm.json"
    path.write_text(json.dumps(HIGH_TECH), encoding="utf-8")
    done = cli("gap", "--target", "high-tech", "--as-of", "2025-06-30", "--verify", str(path))
    assert done.returncode == 0, done.stderr
    out = parse(done.stdout)
    assert out["rung"] == "high_tech_enterprise" and out["reached"] is False
    items = {i["id"]: i for i in out["items"]}
    assert items["c5a_rd_ratio"]["change"][0]["delta"] == "1350000.03"
    assert all(i["verified"] is True for i in items.values())


def test_gap_ladder_mode_from_stdin() -> None:
    firm = {"as_of": "2025-06-30", "tech-sme": SME, "high-tech": HIGH_TECH}
    done = cli("gap", "-", "--compact", stdin=json.dumps(firm))
    assert done.returncode == 0, done.stderr
    out = parse(done.stdout)
    assert out["as_of"] == "2025-06-30" and out["highest"]["id"] == "tech_sme"
    assert out["next"]["id"] == "high_tech_enterprise" and out["gap"]["items"]
    assert len(done.stdout.strip().splitlines()) == 1


def test_gap_errors_exit_2() -> None:
    bad = cli("gap", "--target", "nowhere", "-", stdin=json.dumps(SME))
    assert bad.returncode == 2 and "目标梯度" in bad.stderr and "Traceback" not in bad.stderr
    malformed = cli("gap", "--target", "tech-sme", "-", stdin="{oops")
    assert malformed.returncode == 2 and "JSON" in malformed.stderr


def test_what_if_sets_fields() -> None:
    done = cli(
        "what-if",
        "tech-sme",
        "--set",
        "sci_tech_staff=4",
        "--as-of",
        "2025-06-30",
        "-",
        stdin=json.dumps(SME),
    )
    assert done.returncode == 0, done.stderr
    out = parse(done.stdout)
    assert out["before"]["qualified"] is True and out["after"]["qualified"] is False
    assert "c5b_staff_nonzero" in {c["id"] for c in out["changed_conditions"]}
    series = cli(
        "what-if",
        "high-tech",
        "--set",
        "rd_expense[-1]=2350000.03",
        "--set",
        "rd_expense_domestic[-1]=1950000.03",
        "--as-of",
        "2025-06-30",
        "-",
        stdin=json.dumps(HIGH_TECH),
    )
    assert series.returncode == 0, series.stderr
    changed = {c["id"]: c for c in parse(series.stdout)["changed_conditions"]}
    assert changed["c5a_rd_ratio"]["after"] == "met" and changed["c5b_domestic_rd"]["after"] == "met"


def test_what_if_errors_exit_2() -> None:
    typo = cli("what-if", "tech-sme", "--set", "rd_expence=1", "-", stdin=json.dumps(SME))
    assert typo.returncode == 2 and "未知的字段" in typo.stderr
    missing = cli("what-if", "tech-sme", "-", stdin=json.dumps(SME))
    assert missing.returncode == 2 and "--set" in missing.stderr
    fen = cli("what-if", "tech-sme", "--set", "rd_expense=1.001", "-", stdin=json.dumps(SME))
    assert fen.returncode == 2 and "两位小数" in fen.stderr
