"""CLI contract of ``innopoints evaluate`` (subprocess): exit codes, JSON shape, stdin and file input."""

from __future__ import annotations

import json
import subprocess
import sys
from decimal import Decimal
from pathlib import Path

import pytest
from evaluate_cli_support import cli, parse

from innopoints.cli.evaluate_cmd import HELP
from innopoints.eligibility.registry import EVALUATORS
from innopoints.eligibility.rulebooks import rulebook

EXAMPLE = {
    "employees": 50,
    "sci_tech_staff": 12,
    "sales_revenue": 30000000,
    "total_assets": 10000000,
    "rd_expense": 1800000.00,
    "cost_expense_total": 25000000,
    "ip_class1": 0,
    "ip_class2": 4,
}


def test_tech_sme_from_stdin_reproduces_worked_example() -> None:
    done = cli("tech-sme", "-", "--as-of", "2025-06-30", stdin=json.dumps(EXAMPLE))
    assert done.returncode == 0, done.stderr
    out = parse(done.stdout)
    assert out["qualified"] is True and out["route"] == "score" and out["score"] == 86
    assert out["scores"] == {"staff": 12, "rd": 50, "ip": 24}
    assert {c["id"] for c in out["conditions"]} >= {
        "c1_mainland_resident",
        "c2_scale",
        "c5_score",
        "direct_route",
    }
    assert all({"id", "status", "reference"} <= set(c) for c in out["conditions"])
    assert isinstance(out["trace"], list) and out["trace"]


def test_tech_sme_from_file_and_failing_firm_exits_zero(tmp_path: Path) -> None:
    path = tmp_path / "firm.json"
    path.write_text(json.dumps({**EXAMPLE, "sci_tech_staff": 4}), encoding="utf-8")
    done = cli("tech-sme", str(path))
    assert done.returncode == 0, done.stderr
    out = parse(done.stdout)
    assert out["qualified"] is False and out["route"] == "none" and out["score"] == 74


def test_missing_required_field_gives_null() -> None:
    firm = dict(EXAMPLE)
    del firm["total_assets"]
    out = parse(cli("tech-sme", stdin=json.dumps(firm)).stdout)
    assert out["qualified"] is None and "total_assets" in out["missing"]


@pytest.mark.parametrize(
    "payload",
    [
        "not json",
        "[1]",
        '{"employees": -3}',
        '{"rd_expense": 1.234}',
        '{"employees": "5"}',
        '{"valid_hte_certificate": "yes"}',
        '{"employees": 1.5}',
        '{"sales_revenue": NaN}',
    ],
)
def test_malformed_input_exits_2_with_one_line(payload: str) -> None:
    done = cli("tech-sme", "-", stdin=payload)
    assert done.returncode == 2
    assert done.stdout == ""
    assert len(done.stderr.strip().splitlines()) == 1 and "Traceback" not in done.stderr


def test_unreadable_file_exits_2(tmp_path: Path) -> None:
    done = cli("tech-sme", str(tmp_path / "absent.json"))
    assert done.returncode == 2 and "absent.json" in done.stderr


def test_high_tech_worked_example_shape() -> None:
    wan = 10000
    firm = {
        "net_assets": [1000 * wan, 1300 * wan, 1800 * wan],
        "sales_revenue": [2000 * wan, 2600 * wan, 3500 * wan],
        "rd_expense": [100 * wan, 130 * wan, 180 * wan],
    }
    done = cli("high-tech", "-", "--as-of", "2025-06-30", stdin=json.dumps(firm))
    assert done.returncode == 0, done.stderr
    out = parse(done.stdout)
    assert out["growth"]["net_assets"]["rate"] == Decimal("0.342308")
    assert out["growth"]["net_assets"]["points"] == [7, 8]
    assert out["growth"]["sales_revenue"]["rate"] == Decimal("0.323077")
    assert out["growth"]["sales_revenue"]["points"] == [7, 8]
    assert out["rd"]["required_ratio"] == Decimal("0.05")
    assert isinstance(out["score"]["min"], int) and isinstance(out["score"]["max"], int)
    assert out["verdict"] == "unknown"


def test_evaluate_help_lists_every_evaluator() -> None:
    done = cli("--help")
    assert done.returncode == 0
    for name in EVALUATORS:
        assert name in done.stdout


@pytest.mark.parametrize("name", sorted(EVALUATORS))
def test_help_documents_every_declared_input(name: str) -> None:
    declared = rulebook(EVALUATORS[name].rulebook).book.inputs
    undocumented = [field for field in declared if field not in HELP[name]]
    assert not undocumented, f"{name} --help lacks {undocumented}"


def test_unknown_fields_are_reported_as_warnings_not_dropped_silently() -> None:
    payload = {
        "employees": 50,
        "sci_tech_staff": 12,
        "sales_revenue": 30000000,
        "total_assets": 10000000,
        "rd_expense": 1800000,
        "cost_expense_total": 25000000,
        "ip_class1": 0,
        "ip_class2": 4,
        "employess": 10,
    }
    proc = subprocess.run(
        [sys.executable, "-m", "innopoints", "evaluate", "tech-sme", "-"],
        input=json.dumps(payload),
        capture_output=True,
        text=True,
        check=False,
    )
    assert proc.returncode == 0
    out = json.loads(proc.stdout)
    assert out["qualified"] is True and out["score"] == 86
    assert any("employess" in w for w in out["warnings"])


def test_missing_data_keeps_integer_scores_with_an_open_range() -> None:
    proc = subprocess.run(
        [sys.executable, "-m", "innopoints", "evaluate", "tech-sme", "-"],
        input=json.dumps({"employees": 50, "sci_tech_staff": 20}),
        capture_output=True,
        text=True,
        check=False,
    )
    assert proc.returncode == 0
    out = json.loads(proc.stdout)
    assert out["qualified"] is None
    assert out["score"] == 20 and out["scores"] == {"staff": 20, "rd": 0, "ip": 0}
    assert out["score_complete"] is False
    assert out["score_range"] == [20, 100]
