"""``innopoints transfer …`` end to end on a small synthetic city: statistics with units, contract registration
and decision (30-day warning), revenue shares exact to the fen, and one-line Chinese errors."""

from __future__ import annotations

import os
import re
import sqlite3
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest
from click.testing import Result
from typer.testing import CliRunner

from innopoints.adapters.db.engine import make_engine
from innopoints.adapters.db.migrate import upgrade
from innopoints.bootstrap import default_container
from innopoints.cli import app
from innopoints.errors import UserError
from innopoints.settings import get_settings
from innopoints.synth.city import SynthConfig, generate_city
from innopoints.synth.db_writer import load_city


def _cli(*args: str, data_dir: Path) -> subprocess.CompletedProcess[str]:
    """The real entry point in a subprocess (used for the error path: one red line, exit 2)."""
    env = os.environ | {"INNOPOINTS_DATA_DIR": str(data_dir), "INNOPOINTS_DATABASE_URL": "", "COLUMNS": "200"}
    return subprocess.run(
        [sys.executable, "-m", "innopoints", *args], capture_output=True, text=True, env=env, check=False
    )


@pytest.fixture(scope="module")
def city(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Path]:
    data = tmp_path_factory.mktemp("transfer_cli")
    engine = make_engine(f"sqlite:///{data / 'innopoints.db'}")
    upgrade(engine)
    load_city(engine, generate_city(SynthConfig(seed=3, enterprises=800)))
    engine.dispose()
    patch = pytest.MonkeyPatch()
    patch.setenv("INNOPOINTS_DATA_DIR", str(data))
    patch.setenv("INNOPOINTS_DATABASE_URL", "")
    get_settings.cache_clear()
    default_container.cache_clear()
    yield data
    default_container().engine.dispose()
    patch.undo()
    get_settings.cache_clear()
    default_container.cache_clear()


def _run(*args: str) -> Result:
    return CliRunner().invoke(app, list(args), env={"COLUMNS": "200"})


def _ok(data: Path, *args: str) -> str:
    done = _run(*args)
    assert done.exit_code == 0, (done.output, done.exception)
    return done.output


def _fails(message: str, *args: str) -> None:
    done = _run(*args)
    assert isinstance(done.exception, UserError) and message in done.exception.message, (
        done.output,
        done.exception,
    )


def test_statistics_commands(city: Path) -> None:
    by_type = _ok(city, "transfer", "stats", "contracts", "--year", "2025", "--by", "type")
    assert "技术开发合同" in by_type and "合计" in by_type and re.search(r"\d[\d,.]* (亿元|万元)", by_type)
    absorb = _ok(
        city, "transfer", "stats", "contracts", "--year", "2025", "--by", "district", "--direction", "absorb"
    )
    assert "吸纳（买方）" in absorb and "浑南区" in absorb
    turnover = _ok(city, "transfer", "stats", "turnover", "--year", "2025", "--as-of", "2025-12-31")
    assert "830.60 亿元" in turnover and "公布数" in turnover
    target = _ok(city, "transfer", "stats", "turnover", "--year", "2026", "--as-of", "2026-06-30")
    assert "920.00 亿元" in target and "完成" in target
    pilots = _ok(city, "transfer", "stats", "pilots")
    assert "764 个" in pilots and "533 项" in pilots and "✗" not in pilots
    assert "距目标尚差 30 个" in pilots  # 71 + 59 = 130 carriers against the 2026 goal of 160
    brokers = _ok(city, "transfer", "stats", "brokers", "--top", "5", "--today", "2025-12-31")
    assert "持证技术经纪人" in brokers and "1,400 名" in brokers
    challenges = _ok(city, "transfer", "challenge", "list")
    assert "“卡脖子”难题清单" in challenges
    assert "已交付" in _ok(city, "transfer", "order", "list", "--status", "delivered")
    menu = _ok(city, "transfer", "order", "menu", "--field", "新能源", "--year", "2025")
    assert "年服务能力" in menu and "中试" in menu and " 单" in menu


def test_register_decide_and_share(city: Path) -> None:
    with sqlite3.connect(city / "innopoints.db") as db:
        (ach,) = db.execute(
            "SELECT a.id FROM achievement a JOIN institution i ON i.id = a.institution_id "
            "WHERE i.name = '东北大学' ORDER BY a.id LIMIT 1"
        ).fetchone()
        (n_inventors,) = db.execute(
            "SELECT COUNT(*) FROM achievement_inventor WHERE achievement_id = ?", (ach,)
        ).fetchone()
    out = _ok(
        city,
        "transfer",
        "contract",
        "register",
        "--type",
        "license",
        "--title",
        "热冲压钢技术许可",
        "--amount",
        "1400万",
        "--signed-on",
        "2026-03-01",
        "--buyer",
        "沈阳某汽车零部件公司",
        "--buyer-district",
        "210106",
        "--field",
        "新材料",
        "--seller-institution",
        "1",
        "--achievement",
        str(ach),
        "--today",
        "2026-03-02",
    )
    contract = re.search(r"合同 #(\d+)", out)
    assert contract and "待登记" in out and "2026-04-01 前作出决定" in out
    cid = contract.group(1)
    decided = _ok(
        city, "transfer", "contract", "decide", "--contract", cid, "--register", "--on", "2026-04-10"
    )
    assert "已登记" in decided and "已超过 9 天" in decided
    again = _cli(
        "transfer",
        "contract",
        "decide",
        "--contract",
        cid,
        "--refuse",
        "--reason-id",
        "duplicate",
        data_dir=city,
    )
    assert again.returncode == 2 and "不能执行“不予登记”" in again.stderr and "Traceback" not in again.stderr
    shared = _ok(city, "transfer", "share", "--contract", cid, "--rate", "92%")
    assert "14,000,000.00 元" in shared and "12,880,000.00 元" in shared and "1,120,000.00 元" in shared
    with sqlite3.connect(city / "innopoints.db") as db:
        rows = db.execute(
            "SELECT party_kind, amount_fen FROM revenue_share WHERE contract_id = ?", (int(cid),)
        ).fetchall()
    assert len(rows) == 1 + n_inventors and sum(a for _, a in rows) == 14_000_000_00
    _fails("超出本单位政策范围", "transfer", "share", "--contract", cid, "--rate", "0.95")
    base = ["transfer", "contract", "register", "--title", "x", "--signed-on", "2026-03-01", "--buyer", "y"]
    seller = ["--buyer-outside", "--field", "new_energy", "--seller-institution", "1"]
    _fails("未知的技术合同类型“sales”", *base, "--type", "sales", "--amount", "1万", *seller)
    _fails("精确到分以下", *base, "--type", "service", "--amount", "1.001元", *seller)
    _fails(
        "须说明买方是否在本市",
        *base,
        "--type",
        "service",
        "--amount",
        "1万",
        "--field",
        "new_energy",
        "--seller-institution",
        "1",
    )


def test_workflow_commands(city: Path) -> None:
    with sqlite3.connect(city / "innopoints.db") as db:
        (demand,) = db.execute("SELECT id FROM demand WHERE status = 'open' ORDER BY id LIMIT 1").fetchone()
        busy = db.execute(
            "SELECT id FROM broker_assignment WHERE demand_id = ? AND stage IN ('docking', 'negotiation')",
            (demand,),
        ).fetchone()
        (challenge,) = db.execute(
            "SELECT id FROM challenge WHERE status = 'submitted' ORDER BY id LIMIT 1"
        ).fetchone()
    if busy is not None:
        _fails("已有进行中的经纪人对接", "transfer", "demand", "route", "--demand", str(demand))
        ended = _ok(
            city,
            "transfer",
            "broker",
            "advance",
            "--assignment",
            str(busy[0]),
            "--action",
            "terminate",
            "--reason",
            "企业更换对接方式",
        )
        assert "终止" in ended
    routed = _ok(city, "transfer", "demand", "route", "--demand", str(demand), "--today", "2026-01-05")
    task = re.search(r"对接任务 #(\d+)", routed)
    assert task and "自动" in routed
    advanced = _ok(
        city, "transfer", "broker", "advance", "--assignment", task.group(1), "--action", "negotiate"
    )
    assert "洽谈" in advanced
    _fails("签约须关联", "transfer", "broker", "advance", "--assignment", task.group(1), "--action", "sign")
    matches = _ok(city, "transfer", "demand", "matches", "--demand", str(demand), "--top", "3")
    assert "综合得分" in matches and "推荐专家" in matches and "推荐中试服务" in matches
    reviewed = _ok(city, "transfer", "challenge", "act", "--challenge", str(challenge), "--action", "review")
    assert "专家评审中" in reviewed
    _fails("需至少 3 位", "transfer", "challenge", "act", "--challenge", str(challenge), "--action", "select")
