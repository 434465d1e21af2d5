"""The main navigation: each entry shows only to roles with its capability (``accounts.access``)."""

from __future__ import annotations

from dataclasses import dataclass

from innopoints.accounts.access import allowed
from innopoints.accounts.principal import Principal


@dataclass(frozen=True)
class NavItem:
    label: str
    href: str
    capability: str | None  # None: every signed-in user


NAV: tuple[NavItem, ...] = (
    NavItem("首页", "/dashboard", "dashboard.view"),
    NavItem("企业库", "/enterprises", "enterprise.list"),
    NavItem("积分评价", "/rounds", "round.view"),
    NavItem("培育库", "/pool", "pool.view"),
    NavItem("数据导入", "/imports", "import.run"),
    NavItem("更正审核", "/corrections", "corrections.review"),
    NavItem("本企业", "/me", "self.view"),
    NavItem("成果转化", "/transfer", "transfer.view"),
    NavItem("银行授信", "/bank", "finance.bank"),
    NavItem("融资服务", "/me/finance", "finance.self"),
    NavItem("科技金融", "/finance/stats", "finance.stats"),
    NavItem("管理", "/admin", "users.manage"),
)

EXTRA: list[NavItem] = []  # areas added by other packages (finance, transfer) through ``register``


def register(item: NavItem) -> None:
    if all(existing.href != item.href for existing in EXTRA):
        EXTRA.append(item)


def items_for(principal: Principal | None) -> list[NavItem]:
    if principal is None:
        return []
    return [item for item in (*NAV, *EXTRA) if item.capability is None or allowed(principal, item.capability)]


def home_for(principal: Principal) -> str:
    """Where a user lands after login: the first area their role can use."""
    items = items_for(principal)
    return items[0].href if items else "/account"
