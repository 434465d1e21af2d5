"""The enterprise-directory service used by the pages and the JSON API.

Routes call these methods only; a later access-scope check (role, district, own enterprise)
belongs here, in one place, rather than in each route.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date

from sqlalchemy.orm import Session

from innopoints.adapters.db import enterprise_repo
from innopoints.errors import NotFound, UserError
from innopoints.region import Region
from innopoints.registry.directory import (
    EnterpriseDetail,
    EnterprisePage,
    EnterpriseQuery,
    EnterpriseSummary,
    Overview,
    list_export_columns,
    list_export_row,
)
from innopoints.registry.panel import Revision
from innopoints.registry.panel_fields import panel_fields
from innopoints.web.caching import TtlCache

EXPORT_FORMATS = ("csv", "xlsx")


@dataclass
class DirectoryService:
    session: Session
    region: Region
    cache: TtlCache

    @property
    def today(self) -> date:
        return date.today()

    def is_synthetic(self) -> bool:
        """Whether any enterprise is synthetic (cached: the banner is on every page)."""
        return self.cache.get("synthetic", lambda: enterprise_repo.has_synthetic(self.session))

    def panel_year(self) -> int | None:
        return self.cache.get("panel_year", lambda: enterprise_repo.latest_panel_year(self.session))

    def overview(self) -> Overview:
        year = self.panel_year()
        return self.cache.get(
            "overview",
            lambda: enterprise_repo.overview(self.session, self.region, as_of=self.today, panel_year=year),
        )

    def search(self, query: EnterpriseQuery) -> EnterprisePage:
        return enterprise_repo.search(
            self.session, self.region, query, panel_year=self.panel_year(), as_of=self.today
        )

    def find_exact(self, query: EnterpriseQuery) -> str | None:
        """The code to jump to when the search text is a full USCC of a known enterprise."""
        code = query.exact_uscc
        if code is None or enterprise_repo.find_id(self.session, code) is None:
            return None
        return code

    def detail(self, uscc: str) -> EnterpriseDetail:
        found = enterprise_repo.detail(self.session, self.region, uscc, as_of=self.today)
        if found is None:
            raise NotFound(f"未找到统一社会信用代码为“{uscc}”的企业 (enterprise not found)")
        return found

    def revisions(self, uscc: str, *, year: int | None, indicator: str | None) -> tuple[int, list[Revision]]:
        firm = enterprise_repo.find_id(self.session, uscc)
        if firm is None:
            raise NotFound(f"未找到统一社会信用代码为“{uscc}”的企业 (enterprise not found)")
        if indicator is not None and indicator not in panel_fields():
            raise UserError(f"参数 indicator：未知的指标“{indicator}”(unknown panel field)")
        return firm, enterprise_repo.revisions(self.session, firm, year=year, indicator=indicator)

    def export_list(self, query: EnterpriseQuery, fmt: str) -> bytes:
        """The whole filtered list (no paging) as CSV (UTF-8 with BOM) or XLSX."""
        from innopoints.registry.exporting import export_rows

        if fmt not in EXPORT_FORMATS:
            raise UserError(f"参数 format：导出格式只能是 csv 或 xlsx，收到“{fmt}” (unknown export format)")
        year = self.panel_year()
        rows = [list_export_row(item) for chunk in self.iter_all(query) for item in chunk]
        return export_rows(list_export_columns(year), rows, "xlsx" if fmt == "xlsx" else "csv")

    def iter_all(self, query: EnterpriseQuery) -> Iterator[list[EnterpriseSummary]]:
        return enterprise_repo.iter_summaries(
            self.session, self.region, query, panel_year=self.panel_year(), as_of=self.today
        )
