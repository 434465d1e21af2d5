"""GB 32100-2015 统一社会信用代码: table-driven cases from the standard and the spec."""

from __future__ import annotations

import subprocess
import sys

import pytest

from innopoints.registry.uscc import WEIGHTS, build, check_character, validate

VALID = [
    ("914403001922038216", "华为技术有限公司"),
    ("91330100799655058B", "阿里巴巴(中国)有限公司"),
    ("9144030071526726XG", "腾讯科技(深圳)有限公司"),
]

INVALID = [
    ("914403001922038217", "校验码错误"),  # check character off by one
    ("91330100799655058A", "校验码错误"),
    ("91440300192203821", "长度应为18位"),
    ("9144030019220382160", "长度应为18位"),
    ("", "长度应为18位"),
    ("91440300192203821I", "不在代码字符集内"),  # I is excluded
    ("914403001922O38216", "不在代码字符集内"),  # letter O instead of zero
    ("91330100799655058b", "请使用大写字母"),
    ("914403001922038S16", "不在代码字符集内"),
    ("014403001922038216", "登记管理部门代码"),  # 0 is no registration authority
    ("944403001922038216", "机构类别代码"),  # 工商 has categories 1-3 only
    ("9144A3001922038216", "行政区划码"),
]


def test_weights_are_powers_of_three_mod_31() -> None:
    assert WEIGHTS == (1, 3, 9, 27, 19, 26, 16, 17, 20, 29, 25, 13, 8, 24, 10, 30, 28)


@pytest.mark.parametrize(("code", "who"), VALID)
def test_real_codes_pass(code: str, who: str) -> None:
    assert validate(code).valid, who


@pytest.mark.parametrize(("code", "reason"), INVALID)
def test_invalid_codes_name_their_fault(code: str, reason: str) -> None:
    result = validate(code)
    assert not result.valid
    assert reason in result.reason


def test_check_character_can_be_any_symbol_including_zero() -> None:
    # S mod 31 == 0 maps to "0", not "31": find such a body and check the round trip.
    seen = set()
    for n in range(2000):
        code = build("9", "1", "210112", f"{n:09d}")
        seen.add(code[-1])
        assert validate(code).valid
    assert "0" in seen and "Y" in seen


def test_build_rejects_wrong_length() -> None:
    with pytest.raises(ValueError):
        build("9", "1", "2101", "123")


def test_check_character_matches_spec_example() -> None:
    assert check_character("91440300192203821") == "6"


def _run(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "innopoints", "uscc", *args], capture_output=True, text=True, check=False
    )


def test_cli_contract_all_valid_exits_zero() -> None:
    proc = _run("914403001922038216", "91330100799655058B")
    assert proc.returncode == 0
    assert proc.stdout.splitlines() == ["914403001922038216\tvalid", "91330100799655058B\tvalid"]


def test_cli_contract_any_invalid_exits_one_with_reason() -> None:
    proc = _run("914403001922038216", "914403001922038217")
    assert proc.returncode == 1
    lines = proc.stdout.splitlines()
    assert lines[0] == "914403001922038216\tvalid"
    code, verdict, reason = lines[1].split("\t")
    assert (code, verdict) == ("914403001922038217", "invalid")
    assert "校验码" in reason


def test_cli_contract_usage_error_exits_two() -> None:
    assert _run().returncode == 2
    assert _run("--no-such-flag").returncode == 2
