"""Helpers shared by the officer pages (dashboard, rounds, pool, profile): the rulebooks, paging of
in-memory lists, XLSX/CSV downloads, auditing of the firms a list shows, and chart data for the page
(plain JSON numbers and strings, read by static/js/charts.js)."""

from __future__ import annotations

import math
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from decimal import Decimal
from typing import Any
from urllib.parse import urlencode
from zoneinfo import ZoneInfo

from fastapi import Request
from fastapi.responses import Response
from sqlalchemy.orm import Session

from innopoints.accounts.context import Actor
from innopoints.adapters.db import enterprise_repo
from innopoints.cultivation.rulebook import CultivationRulebook, load_cultivation
from innopoints.errors import UserError
from innopoints.registry import scope
from innopoints.registry.exporting import export_rows
from innopoints.scoring.rulebook import PointsRulebook, load_points
from innopoints.web.routes.cultivation_common import download
from innopoints.web.templating import templates

BEIJING = ZoneInfo("Asia/Shanghai")
PAGE_SIZE = 50
EXPORT_FORMATS = ("xlsx", "csv")


def beijing_time(value: datetime | None) -> str:
    """A stored UTC moment as Beijing time (naive values are taken as UTC, as SQLite returns them)."""
    if value is None:
        return "—"
    aware = value if value.tzinfo is not None else value.replace(tzinfo=UTC)
    return aware.astimezone(BEIJING).strftime("%Y-%m-%d %H:%M")


templates.env.filters["beijing"] = beijing_time


def points_rulebook(request: Request) -> PointsRulebook:
    return load_points(request.app.state.settings.region)


def pool_rulebook(request: Request) -> CultivationRulebook:
    book: CultivationRulebook = request.app.state.cache.get(
        "officer:cultivation_rulebook", lambda: load_cultivation(request.app.state.settings.region)
    )
    return book


def is_synthetic(request: Request, session: Session) -> bool:
    return bool(request.app.state.cache.get("synthetic", lambda: enterprise_repo.has_synthetic(session)))


def is_htmx(request: Request) -> bool:
    return request.headers.get("HX-Request") == "true"


@dataclass(frozen=True)
class Page:
    total: int
    page: int
    pages: int
    items: list[dict[str, Any]]
    page_size: int

    @property
    def first(self) -> int:
        return (self.page - 1) * self.page_size + 1


def paged(rows: Sequence[dict[str, Any]], page: int, page_size: int = PAGE_SIZE) -> Page:
    if page < 1:
        raise UserError(f"参数 page：页码应从 1 开始，收到 {page}")
    pages = max(1, math.ceil(len(rows) / page_size))
    start = (page - 1) * page_size
    return Page(len(rows), page, pages, list(rows[start : start + page_size]), page_size)


def link_builder(request: Request) -> Callable[..., str]:
    """``url(page=3)`` keeps the current query parameters and changes some."""
    base = {k: v for k, v in request.query_params.items() if v != ""}

    def build(path: str | None = None, **changes: object) -> str:
        params = {**base, **{k: str(v) for k, v in changes.items() if v is not None}}
        for key in [k for k, v in changes.items() if v is None]:
            params.pop(key, None)
        query = urlencode(params)
        return (path or request.url.path) + (f"?{query}" if query else "")

    return build


def check_format(fmt: str) -> str:
    if fmt not in EXPORT_FORMATS:
        raise UserError(f"参数 format：导出格式只能是 xlsx 或 csv，收到“{fmt}”")
    return fmt


def export(
    columns: Sequence[tuple[str, str]], rows: Iterable[Mapping[str, object]], fmt: str, filename_stem: str
) -> Response:
    check_format(fmt)
    data = export_rows(columns, rows, "xlsx" if fmt == "xlsx" else "csv")
    return download(data, fmt, filename_stem)


def audit_listed(session: Session, actor: Actor, action: str, usccs: Iterable[str], detail: str) -> None:
    """One audit event per firm a list page or an export showed (the firm's own reads are skipped)."""
    scope.audit_listed(session, actor, action, usccs, detail=detail)


def num(value: Decimal | int | float | None) -> float | int | None:
    """A number for chart JSON (charts only; tables show the exact Decimal text)."""
    if value is None:
        return None
    if isinstance(value, int):
        return value
    return float(value)


def chart(kind: str, **spec: Any) -> dict[str, Any]:
    """A chart description for static/js/charts.js: ``kind`` is bar, hbar, funnel, radar, line or pie."""
    return {"kind": kind, **spec}
