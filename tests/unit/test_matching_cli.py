"""CLI contract of ``innopoints match rank`` (run as a subprocess, exactly as the held-out check does)."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

A_HEADER = "id,title,abstract,field,institution,trl,transfer_mode,price_yuan,keywords\n"
D_HEADER = "id,title,description,field,budget_yuan,district\n"


def _run(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "innopoints", "match", *args], capture_output=True, text=True, timeout=120
    )


def _write(path: Path, text: str, *, bom: bool = False) -> Path:
    path.write_bytes((b"\xef\xbb\xbf" if bom else b"") + text.encode("utf-8"))
    return path


@pytest.fixture()
def files(tmp_path: Path) -> tuple[Path, Path]:
    achievements = _write(
        tmp_path / "a.csv",
        A_HEADER
        + '007,光伏组件清扫机器人,"屋顶光伏无水清扫，\n支持除雪",新能源,东北大学,7,转让,"1,200,000",光伏；清扫、机器人\n'
        + "1.0,动力电池荷电状态估计,卡尔曼滤波估计电池剩余电量,新能源,,,,,\n"
        + "A-3,水稻育秧壮苗技术,寒地水稻育秧,现代农业,沈阳农业大学,8,许可,25万,水稻 育秧\n",
        bom=True,
    )
    demands = _write(
        tmp_path / "d.csv",
        D_HEADER
        + "d2,屋顶光伏板脏了,发电量下降需要自动清扫,新能源,300000,铁西区\n"
        + "d1,储能电量显示不准,剩余电量算不准,,,\n"
        + "0003,育秧苗弱,,现代农业,面议,新民市\n",
    )
    return achievements, demands


def test_rank_prints_one_json_line_per_demand_in_input_order(files: tuple[Path, Path]) -> None:
    achievements, demands = files
    result = _run("rank", "--achievements", str(achievements), "--demands", str(demands), "--top", "10")
    assert result.returncode == 0, result.stderr
    lines = result.stdout.splitlines()
    assert len(lines) == 3
    rows = [json.loads(line) for line in lines]
    assert [r["demand_id"] for r in rows] == ["d2", "d1", "0003"]
    for row in rows:
        assert set(row) == {"demand_id", "ranking"}
        assert all(isinstance(i, str) for i in row["ranking"])
        assert sorted(row["ranking"]) == sorted(["007", "1.0", "A-3"])  # fewer than --top achievements
    assert rows[0]["ranking"][0] == "007"
    assert rows[1]["ranking"][0] == "1.0"
    assert rows[2]["ranking"][0] == "A-3"


def test_top_limits_ranking(files: tuple[Path, Path]) -> None:
    achievements, demands = files
    result = _run("rank", "--achievements", str(achievements), "--demands", str(demands), "--top", "1")
    assert result.returncode == 0, result.stderr
    assert [len(json.loads(line)["ranking"]) for line in result.stdout.splitlines()] == [1, 1, 1]


def test_missing_file_exits_2_with_message(tmp_path: Path, files: tuple[Path, Path]) -> None:
    _, demands = files
    result = _run("rank", "--achievements", str(tmp_path / "nope.csv"), "--demands", str(demands))
    assert result.returncode == 2
    assert result.stdout == ""
    assert "nope.csv" in result.stderr and "找不到" in result.stderr


def test_missing_required_column_exits_2(tmp_path: Path, files: tuple[Path, Path]) -> None:
    achievements, _ = files
    bad = _write(tmp_path / "bad.csv", "id,description\nd1,没有标题列\n")
    result = _run("rank", "--achievements", str(achievements), "--demands", str(bad))
    assert result.returncode == 2
    assert result.stdout == ""
    assert "title" in result.stderr and "缺少" in result.stderr


def test_header_only_demands_print_nothing(tmp_path: Path, files: tuple[Path, Path]) -> None:
    achievements, _ = files
    empty = _write(tmp_path / "empty.csv", D_HEADER)
    result = _run("rank", "--achievements", str(achievements), "--demands", str(empty))
    assert result.returncode == 0
    assert result.stdout == ""


def test_explain_prints_chinese_reasons(files: tuple[Path, Path]) -> None:
    achievements, demands = files
    result = _run(
        "explain",
        "--achievements",
        str(achievements),
        "--demands",
        str(demands),
        "--demand-id",
        "d2",
        "--top",
        "1",
    )
    assert result.returncode == 0, result.stderr
    assert "007" in result.stdout and "匹配词语" in result.stdout and "光伏" in result.stdout
    assert "预算" in result.stdout


def test_export_devset_round_trips_through_rank(tmp_path: Path) -> None:
    result = _run("export-devset", str(tmp_path / "dev"))
    assert result.returncode == 0, result.stderr
    ranked = _run(
        "rank",
        "--achievements",
        str(tmp_path / "dev" / "achievements.csv"),
        "--demands",
        str(tmp_path / "dev" / "demands.csv"),
        "--top",
        "10",
    )
    assert ranked.returncode == 0, ranked.stderr
    rows = [json.loads(line) for line in ranked.stdout.splitlines()]
    assert len(rows) >= 60 and all(len(r["ranking"]) == 10 for r in rows)
