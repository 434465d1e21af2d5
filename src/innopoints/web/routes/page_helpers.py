"""Small helpers shared by the import, 企业端, review, admin and report pages: the synthetic-data flag,
list exports (CSV/XLSX) and Beijing-time display."""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from datetime import date

from fastapi import Request
from fastapi.responses import Response
from sqlalchemy.orm import Session

from innopoints.errors import UserError
from innopoints.registry.exporting import export_rows
from innopoints.web.routes.cultivation_common import download

EXPORT_FORMATS = ("csv", "xlsx")


def synthetic(request: Request, session: Session) -> bool:
    """Whether the data is synthetic (cached like the other pages: the 演示数据 banner)."""
    from innopoints.adapters.db import enterprise_repo

    cache = request.app.state.cache
    return bool(cache.get("synthetic", lambda: enterprise_repo.has_synthetic(session)))


def check_format(fmt: str) -> str:
    if fmt not in EXPORT_FORMATS:
        raise UserError(f"参数 format：导出格式只能是 csv 或 xlsx，收到“{fmt}” (unknown export format)")
    return fmt


def export(
    columns: Sequence[tuple[str, str]], rows: Iterable[Mapping[str, object]], fmt: str, stem: str
) -> Response:
    """A list as a CSV (UTF-8 with BOM) or XLSX download named ``<stem>_<date>.<fmt>``."""
    check_format(fmt)
    data = export_rows(columns, rows, "xlsx" if fmt == "xlsx" else "csv")
    return download(data, fmt, f"{stem}_{date.today():%Y%m%d}")
