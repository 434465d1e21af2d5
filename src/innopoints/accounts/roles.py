"""The platform's roles, their Chinese names, and which scope column each role must carry."""

from __future__ import annotations

from enum import StrEnum


class Role(StrEnum):
    ADMIN = "admin"
    OFFICER = "officer"
    ENTERPRISE = "enterprise"
    BANK = "bank"
    INSTITUTION = "institution"
    BROKER = "broker"
    PILOT_BASE = "pilot_base"


ROLE_LABELS: dict[Role, str] = {
    Role.ADMIN: "市科技局管理员",
    Role.OFFICER: "区县/园区工作人员",
    Role.ENTERPRISE: "企业用户",
    Role.BANK: "银行客户经理",
    Role.INSTITUTION: "高校/院所用户",
    Role.BROKER: "技术经纪人",
    Role.PILOT_BASE: "中试基地/概念验证中心用户",
}

# The scope column a user of each role must have set (an officer has a district or a park).
SCOPE_COLUMNS: dict[Role, tuple[str, ...]] = {
    Role.ADMIN: (),
    Role.OFFICER: ("district_code", "park_id"),
    Role.ENTERPRISE: ("enterprise_id",),
    Role.BANK: ("bank_id",),
    Role.INSTITUTION: ("institution_id",),
    Role.BROKER: ("broker_id",),
    Role.PILOT_BASE: ("pilot_base_id",),
}
# Every scope column of a user account, in the order above.
SCOPE_FIELDS: tuple[str, ...] = tuple(dict.fromkeys(c for cols in SCOPE_COLUMNS.values() for c in cols))


def parse_role(value: str) -> Role:
    try:
        return Role(value)
    except ValueError:
        allowed = "、".join(r.value for r in Role)
        raise ValueError(f"角色“{value}”不存在，应为：{allowed}") from None
