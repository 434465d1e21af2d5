"""The enterprise-directory service used by the pages and the JSON API.

Every method enforces the actor's role and data scope (``accounts.access``) and audits reads of firms'
data by anyone other than the firm itself, so the HTML pages and the API apply the same rules.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date

import sqlalchemy as sa
from sqlalchemy.orm import Session

from innopoints.accounts import audit
from innopoints.accounts.access import enterprise_scope_clause, require, require_enterprise_read
from innopoints.accounts.context import Actor
from innopoints.adapters.db import enterprise_repo
from innopoints.adapters.db.tables import Enterprise
from innopoints.errors import NotFound, UserError
from innopoints.region import Region
from innopoints.registry.directory import (
    EnterpriseDetail,
    EnterprisePage,
    EnterpriseQuery,
    EnterpriseSummary,
    Overview,
    PanelCell,
    list_export_columns,
    list_export_row,
)
from innopoints.registry.panel import Revision
from innopoints.registry.panel_fields import PanelField, panel_fields
from innopoints.web.caching import TtlCache

EXPORT_FORMATS = ("csv", "xlsx")


def not_found(uscc: str) -> NotFound:
    return NotFound(f"未找到统一社会信用代码为“{uscc}”的企业 (enterprise not found)")


@dataclass
class DirectoryService:
    session: Session
    region: Region
    cache: TtlCache
    actor: Actor

    @property
    def today(self) -> date:
        return date.today()

    def is_synthetic(self) -> bool:
        """Whether any enterprise is synthetic (cached: the banner is on every page)."""
        return self.cache.get("synthetic", lambda: enterprise_repo.has_synthetic(self.session))

    def panel_year(self) -> int | None:
        return self.cache.get("panel_year", lambda: enterprise_repo.latest_panel_year(self.session))

    def overview(self) -> Overview:
        require(self.actor.principal, "dashboard.view")
        year = self.panel_year()
        return self.cache.get(
            "overview",
            lambda: enterprise_repo.overview(self.session, self.region, as_of=self.today, panel_year=year),
        )

    def _scope(self) -> sa.ColumnElement[bool] | None:
        principal = self.actor.principal
        # the list shows revenue and R&D: a bank sees the firms whose consent covers their financial data
        return None if principal.is_admin else enterprise_scope_clause(principal, part="financials")

    def search(self, query: EnterpriseQuery) -> EnterprisePage:
        require(self.actor.principal, "enterprise.list")
        page = enterprise_repo.search(
            self.session,
            self.region,
            query,
            panel_year=self.panel_year(),
            as_of=self.today,
            scope=self._scope(),
        )
        audit.record_many(
            self.session,
            self.actor.principal,
            "list_enterprises",
            [item.id for item in page.items],
            channel=self.actor.channel,
            path=self.actor.path,
            detail=f"第 {page.page} 页",
        )
        return page

    def find_exact(self, query: EnterpriseQuery) -> str | None:
        """The code to jump to when the search text is a full USCC of a firm the actor may see."""
        code = query.exact_uscc
        if code is None:
            return None
        firm = self._enterprise(code)
        if firm is None or enterprise_repo.count(self.session, query, self.today, self._scope()) == 0:
            return None
        return code

    def _enterprise(self, uscc: str) -> Enterprise | None:
        return enterprise_repo.find(self.session, uscc)

    def enterprise_for_read(self, uscc: str, action: str, part: str = "profile") -> Enterprise:
        """The firm, after checking the actor may read this part of its data (and auditing the read)."""
        firm = self._enterprise(uscc)
        if firm is None:
            raise not_found(uscc)
        require_enterprise_read(
            self.session,
            self.actor.principal,
            firm,
            action=action,
            channel=self.actor.channel,
            path=self.actor.path,
            part=part,
        )
        return firm

    def detail(self, uscc: str) -> EnterpriseDetail:
        self.enterprise_for_read(uscc, "view_enterprise", part="financials")
        found = enterprise_repo.detail(self.session, self.region, uscc, as_of=self.today)
        if found is None:
            raise not_found(uscc)
        return found

    def revisions(self, uscc: str, *, year: int | None, indicator: str | None) -> tuple[int, list[Revision]]:
        firm = self.enterprise_for_read(uscc, "view_enterprise", part="financials")
        if indicator is not None and indicator not in panel_fields():
            raise UserError(f"参数 indicator：未知的指标“{indicator}”(unknown panel field)")
        return firm.id, enterprise_repo.revisions(self.session, firm.id, year=year, indicator=indicator)

    def panel_cell(self, uscc: str, indicator: str, year: int) -> tuple[PanelField, PanelCell]:
        """One panel value with every revision (oldest first), for the profile page's value pop-up."""
        _firm_id, history = self.revisions(uscc, year=year, indicator=indicator)  # checks the indicator
        field = panel_fields()[indicator]
        if not history:
            raise NotFound(f"企业 {uscc.upper()} 没有 {year} 年“{field.name_zh}”的数据 (no such panel value)")
        return field, PanelCell(tuple(history))

    def export_list(self, query: EnterpriseQuery, fmt: str) -> bytes:
        """The whole filtered list within the actor's scope (no paging) as CSV (UTF-8 with BOM) or XLSX."""
        from innopoints.registry.exporting import export_rows

        require(self.actor.principal, "enterprise.export")
        if fmt not in EXPORT_FORMATS:
            raise UserError(f"参数 format：导出格式只能是 csv 或 xlsx，收到“{fmt}” (unknown export format)")
        year = self.panel_year()
        items = [item for chunk in self.iter_all(query) for item in chunk]
        audit.record_many(
            self.session,
            self.actor.principal,
            "export_list",
            [item.id for item in items],
            channel=self.actor.channel,
            path=self.actor.path,
            detail=f"导出 {fmt.upper()}，共 {len(items)} 家",
        )
        rows = [list_export_row(i) for i in items]
        return export_rows(list_export_columns(year), rows, "xlsx" if fmt == "xlsx" else "csv")

    def iter_all(self, query: EnterpriseQuery) -> Iterator[list[EnterpriseSummary]]:
        require(self.actor.principal, "enterprise.list")
        return enterprise_repo.iter_summaries(
            self.session,
            self.region,
            query,
            panel_year=self.panel_year(),
            as_of=self.today,
            scope=self._scope(),
        )
