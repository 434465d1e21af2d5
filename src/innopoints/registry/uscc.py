"""统一社会信用代码 (unified social credit code) validation per GB 32100-2015.

Layout: position 1 登记管理部门代码, 2 机构类别代码, 3-8 登记管理机关行政区划码 (GB/T 2260),
9-17 主体标识码 (组织机构代码, GB 11714, position 17 is its own check digit), 18 校验码.
"""

from __future__ import annotations

from dataclasses import dataclass

ALPHABET = "0123456789ABCDEFGHJKLMNPQRTUWXY"
_VALUE = {ch: i for i, ch in enumerate(ALPHABET)}
WEIGHTS = tuple(pow(3, i, 31) for i in range(17))
LENGTH = 18

# 登记管理部门代码 -> allowed 机构类别代码 (GB 32100-2015 附录 A).
REGISTRATION_AUTHORITIES: dict[str, str] = {
    "1": "1239",  # 机构编制
    "2": "19",  # 外交
    "3": "123459",  # 司法行政
    "4": "19",  # 文化
    "5": "1239",  # 民政
    "6": "129",  # 旅游
    "7": "129",  # 宗教
    "8": "129",  # 工会
    "9": "123",  # 工商 / 市场监管: 1 企业, 2 个体工商户, 3 农民专业合作社
    "A": "19",  # 中央军委改革和编制办公室
    "N": "1239",  # 农业
    "Y": "1",  # 其他
}

# GB 11714 组织机构代码 check weights for its first eight characters.
_ORG_WEIGHTS = (3, 7, 9, 10, 5, 8, 4, 2)
_ORG_ALPHABET = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ"


@dataclass(frozen=True)
class UsccCheck:
    code: str
    valid: bool
    reason: str = ""


def check_character(first17: str) -> str:
    """The 18th character for the given first 17 (all must be in the alphabet)."""
    total = sum(_VALUE[ch] * w for ch, w in zip(first17, WEIGHTS, strict=True))
    return ALPHABET[(31 - total % 31) % 31]


def org_code_check(first8: str) -> str:
    """GB 11714 check character for an 8-character 组织机构代码 body."""
    total = sum(_ORG_ALPHABET.index(ch) * w for ch, w in zip(first8, _ORG_WEIGHTS, strict=True))
    rest = 11 - total % 11
    return {10: "X", 11: "0"}.get(rest, str(rest))


def validate(code: str) -> UsccCheck:
    """Check a code's length, alphabet, positions 1-8 and the GB 32100 check character.

    The 组织机构代码 check (position 17) is not enforced: codes issued to 个体工商户 and many
    enterprises since 2015 carry a 主体标识码 that is not a legacy GB 11714 code.
    """
    if len(code) != LENGTH:
        return UsccCheck(code, False, f"长度应为18位，实际为{len(code)}位 (length must be 18)")
    for pos, ch in enumerate(code, start=1):
        if ch not in _VALUE:
            hint = "，请使用大写字母" if ch.upper() in _VALUE else ""
            return UsccCheck(
                code,
                False,
                f"第{pos}位字符“{ch}”不在代码字符集内{hint} (character not allowed: no I, O, S, V, Z)",
            )
    authority, category = code[0], code[1]
    if authority not in REGISTRATION_AUTHORITIES:
        return UsccCheck(
            code, False, f"第1位登记管理部门代码“{authority}”无效 (unknown registration authority)"
        )
    if category not in REGISTRATION_AUTHORITIES[authority]:
        return UsccCheck(
            code,
            False,
            f"第2位机构类别代码“{category}”与登记管理部门“{authority}”不匹配 (invalid organisation category)",
        )
    division = code[2:8]
    if not division.isdigit():
        return UsccCheck(
            code, False, f"第3-8位行政区划码“{division}”应为6位数字 (division code must be digits)"
        )
    expected = check_character(code[:17])
    if code[17] != expected:
        return UsccCheck(
            code, False, f"校验码错误：第18位应为“{expected}”，实际为“{code[17]}” (check character mismatch)"
        )
    return UsccCheck(code, True)


def is_valid(code: str) -> bool:
    return validate(code).valid


def build(authority: str, category: str, division: str, body9: str) -> str:
    """Assemble a valid code from its parts (used by the synthetic generator and tests)."""
    first17 = f"{authority}{category}{division}{body9}"
    if len(first17) != 17:
        raise ValueError("authority(1) + category(1) + division(6) + body(9) must be 17 characters")
    return first17 + check_character(first17)
