"""``innopoints finance`` end to end on a small synthetic city with a stored round: products, evaluate
(dimensions and credit lines with formula inputs), stats in every format, the loan pipeline, and user
mistakes as one Chinese line."""

from __future__ import annotations

import csv
import io
import json
import os
import sqlite3
import subprocess
import sys
from pathlib import Path

import pytest

pytestmark = pytest.mark.slow  # a synthetic city, a round and a dozen CLI processes


def _cli(*args: str, data_dir: Path) -> subprocess.CompletedProcess[str]:
    env = os.environ | {"INNOPOINTS_DATA_DIR": str(data_dir), "INNOPOINTS_DATABASE_URL": "", "COLUMNS": "200"}
    return subprocess.run(
        [sys.executable, "-m", "innopoints", *args], capture_output=True, text=True, env=env, check=False
    )


@pytest.fixture(scope="module")
def data_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("finance_cli")
    for args in (("init",), ("synth", "--enterprises", "400", "--seed", "3"), ("score", "--year", "2025")):
        done = _cli(*args, data_dir=path)
        assert done.returncode == 0, done.stderr
    return path


def _query(data_dir: Path, sql: str) -> list[tuple[object, ...]]:
    with sqlite3.connect(data_dir / "innopoints.db") as conn:
        return conn.execute(sql).fetchall()


def test_products_as_json_and_table(data_dir: Path) -> None:
    done = _cli("finance", "products", "--format", "json", data_dir=data_dir)
    assert done.returncode == 0, done.stderr
    products = {p["id"]: p for p in json.loads(done.stdout)}
    assert products["kechuang_fendai"]["status_zh"] == "示例（条款未公开）"
    assert products["kechuang_fendai"]["max_amount"] == "300 万元"
    table = _cli("finance", "products", data_dir=data_dir)
    assert table.returncode == 0 and "科创分贷" in table.stdout and "示例条款" in table.stdout


def test_evaluate_shows_dimensions_lines_inputs_and_rulebook(data_dir: Path) -> None:
    uscc = _query(data_dir, "SELECT uscc FROM scoring_result ORDER BY points_centi DESC LIMIT 1")[0][0]
    done = _cli(
        "finance",
        "evaluate",
        "--uscc",
        str(uscc),
        "--format",
        "json",
        "--as-of",
        "2026-03-02",
        data_dir=data_dir,
    )
    assert done.returncode == 0, done.stderr
    result = json.loads(done.stdout)
    assert [d["name"] for d in result["dimensions"]] == [
        "科技创新力",
        "团队研发力",
        "融资竞争力",
        "履约能力",
        "偿债能力",
    ]
    assert result["round"]["id"] == 1 and result["rulebook"]["file"] == "bank_evaluation.yaml"
    loans = [p for p in result["products"] if p["credit_line"]["status"] != "not_applicable"]
    assert loans and all(
        p["credit_line"]["inputs"] and p["credit_line"]["steps"]
        for p in loans
        if p["credit_line"]["status"] != "unknown"
    )
    table = _cli("finance", "evaluate", "--uscc", str(uscc), "--steps", data_dir=data_dir)
    assert table.returncode == 0 and "五维度评价" in table.stdout and "额度计算" in table.stdout
    audited = _query(data_dir, "SELECT actor, channel, action FROM audit_event")
    assert ("命令行（管理员）（cli）", "cli", "view_finance") in audited


def test_stats_in_three_formats(data_dir: Path) -> None:
    table = _cli("finance", "stats", data_dir=data_dir)
    assert table.returncode == 0, table.stderr
    assert "公布数 25.00 亿元" in table.stdout and "审批用时" in table.stdout
    as_json = json.loads(
        _cli("finance", "stats", "--by", "bank", "--format", "json", data_dir=data_dir).stdout
    )
    total = _query(data_dir, "SELECT SUM(amount_fen) FROM loan WHERE disbursed_on IS NOT NULL")[0][0]
    assert as_json["financed_fen"] == total and as_json["by_zh"] == "银行"
    assert sum(r["amount_fen"] for r in as_json["rows"]) == total
    text = _cli(
        "finance", "stats", "--by", "district", "--year", "2025", "--format", "csv", data_dir=data_dir
    ).stdout
    rows = list(csv.reader(io.StringIO(text)))
    assert rows[0] == ["放款年度", "区县", "放款笔数", "放款金额（元）", "占当年比重", "其中积分专属（元）"]
    assert {r[0] for r in rows[1:]} == {"2025"}


def test_loan_pipeline_from_the_command_line(data_dir: Path) -> None:
    listed = _cli("finance", "loans", "list", "--status", "repaid", "--limit", "3", data_dir=data_dir)
    repaid = _query(data_dir, "SELECT COUNT(*) FROM loan WHERE status = 'repaid'")[0][0]
    assert listed.returncode == 0 and f"共 {repaid} 笔" in listed.stdout and "已结清" in listed.stdout
    loan_id, disbursed = _query(
        data_dir, "SELECT id, disbursed_on FROM loan WHERE status = 'disbursed' ORDER BY id LIMIT 1"
    )[0]
    wrong = _cli("finance", "loans", "act", str(loan_id), "approve", "--rate", "3.45", data_dir=data_dir)
    assert (
        wrong.returncode == 2
        and "当前状态为“已放款”，不能执行“批准”" in wrong.stderr
        and "Traceback" not in wrong.stderr
    )
    done = _cli("finance", "loans", "act", str(loan_id), "repay", "--on", "2026-01-05", data_dir=data_dir)
    assert done.returncode == 0, done.stderr
    shown = json.loads(done.stdout)
    assert shown["status"] == "repaid" and shown["dates"]["repaid_on"] == "2026-01-05"
    assert (
        shown["dates"]["disbursed_on"] == disbursed
        and shown["events"][-1]["actor"] == "命令行（管理员）（cli）"
    )


@pytest.mark.parametrize(
    ("args", "code", "message"),
    [
        (("finance", "evaluate", "--uscc", "91210100MA0XXXXX00"), 3, "未找到企业"),
        (("finance", "loans", "act", "1", "approve", "--rate", "3.456"), 2, "最多两位小数"),
        (
            (
                "finance",
                "loans",
                "apply",
                "--uscc",
                "X",
                "--bank",
                "1",
                "--product",
                "rd_loan",
                "--amount",
                "三百万",
            ),
            2,
            "不是有效金额",
        ),
    ],
)
def test_mistakes_are_one_line(data_dir: Path, args: tuple[str, ...], code: int, message: str | None) -> None:
    done = _cli(*args, data_dir=data_dir)
    assert done.returncode == code, (done.stdout, done.stderr)
    assert "Traceback" not in done.stderr
    if message:
        assert message in done.stderr
