"""``innopoints import`` / ``innopoints template`` as a user runs them: exit codes, reports, SIGKILL."""

from __future__ import annotations

import csv
import os
import signal
import subprocess
import sys
from pathlib import Path

import pytest
import sqlalchemy as sa

from innopoints.adapters.db.engine import make_engine
from innopoints.registry.importing.service import FAULT_KILL_ENV
from innopoints.registry.uscc import build

HEADER = [
    "统一社会信用代码",
    "企业名称",
    "年度",
    "注册日期",
    "所属区县",
    "产业集群",
    "是否上市",
    "职工总数（人）",
    "研发人员数（人）",
    "研发费用（万元）",
    "成本费用支出总额（元）",
]


def _rows(n: int, *, bad_every: int = 0) -> list[list[str]]:
    rows = []
    for i in range(n):
        employees = "-1" if bad_every and i % bad_every == 0 else str(10 + i % 90)
        rows.append(
            [
                build("9", "1", "210112", f"MA{i:07d}"),
                f"沈阳测试{i}有限公司",
                "2024",
                "2018-01-02",
                "浑南区",
                "新材料",
                "否",
                employees,
                "5",
                f"{i % 1000}.25",
                "99999999",
            ]
        )
    return rows


def _write(path: Path, rows: list[list[str]]) -> Path:
    with path.open("w", encoding="utf-8-sig", newline="") as handle:
        csv.writer(handle).writerows([HEADER, *rows])
    return path


def _run(
    db_url: str, tmp_path: Path, *args: str, extra_env: dict[str, str] | None = None
) -> subprocess.CompletedProcess[str]:
    env = {
        **os.environ,
        "INNOPOINTS_DATABASE_URL": db_url,
        "INNOPOINTS_DATA_DIR": str(tmp_path / "data"),
        "INNOPOINTS_ENVIRONMENT": "test",
        "COLUMNS": "200",
        **(extra_env or {}),
    }
    return subprocess.run(
        [sys.executable, "-m", "innopoints", *args], env=env, capture_output=True, text=True, timeout=300
    )


def _counts(db_url: str) -> dict[str, int]:
    engine = make_engine(db_url)
    with engine.connect() as conn:
        out = {
            t: int(conn.execute(sa.text(f"SELECT COUNT(*) FROM {t}")).scalar_one())
            for t in ("import_batch", "enterprise", "panel_revision", "quarantined_row")
        }
    engine.dispose()
    return out


def test_exit_codes_and_default_report(db_url: str, tmp_path: Path) -> None:
    good = _run(db_url, tmp_path, "import", str(_write(tmp_path / "good.csv", _rows(5))))
    assert good.returncode == 0, good.stderr
    assert "变更值" in good.stdout and "Traceback" not in good.stderr

    again = _run(db_url, tmp_path, "import", str(tmp_path / "good.csv"))
    assert again.returncode == 0 and "│ 0 " in again.stdout.replace("0  ", "0 ")

    mixed = _run(
        db_url,
        tmp_path,
        "import",
        str(_write(tmp_path / "mixed.csv", _rows(6, bad_every=3))),
        "--source",
        "tax",
    )
    assert mixed.returncode == 1, mixed.stderr
    reports = list((tmp_path / "data" / "reports").glob("import-*-errors.csv"))
    assert len(reports) == 1 and "不能为负数" in reports[0].read_text(encoding="utf-8-sig")
    assert "完整错误报告" in mixed.stdout

    explicit = tmp_path / "out" / "errors.xlsx"
    rejected = _run(
        db_url, tmp_path, "import", str(tmp_path / "mixed.csv"), "--all-or-nothing", "--report", str(explicit)
    )
    assert rejected.returncode == 1 and explicit.exists()

    missing = _run(db_url, tmp_path, "import", str(tmp_path / "nope.csv"))
    assert missing.returncode == 2 and "找不到文件" in missing.stderr and "Traceback" not in missing.stderr
    garbage = tmp_path / "garbage.csv"
    garbage.write_bytes(os.urandom(4096))
    bad_file = _run(db_url, tmp_path, "import", str(garbage))
    assert bad_file.returncode == 2 and "Traceback" not in bad_file.stderr


def test_template_command_writes_both_formats(db_url: str, tmp_path: Path) -> None:
    for fmt in ("csv", "xlsx"):
        out = tmp_path / f"template.{fmt}"
        done = _run(db_url, tmp_path, "template", "--format", fmt, "--out", str(out))
        assert done.returncode == 0, done.stderr
        assert out.stat().st_size > 0
    wrong = _run(db_url, tmp_path, "template", "--format", "pdf", "--out", str(tmp_path / "t.pdf"))
    assert wrong.returncode == 2


@pytest.mark.slow
def test_import_killed_mid_write_leaves_no_trace_and_rerun_succeeds(db_url: str, tmp_path: Path) -> None:
    path = _write(
        tmp_path / "big.csv", _rows(15_000)
    )  # 15,000 revision rows: the kill lands between two insert chunks
    killed = _run(db_url, tmp_path, "import", str(path), extra_env={FAULT_KILL_ENV: "7000"})
    assert killed.returncode == -signal.SIGKILL
    assert _counts(db_url) == {
        "import_batch": 0,
        "enterprise": 0,
        "panel_revision": 0,
        "quarantined_row": 0,
    }
    rerun = _run(db_url, tmp_path, "import", str(path))
    assert rerun.returncode == 0, rerun.stderr
    assert _counts(db_url) == {
        "import_batch": 1,
        "enterprise": 15_000,
        "panel_revision": 15_000,
        "quarantined_row": 0,
    }
