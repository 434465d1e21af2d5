"""Helpers shared by the cultivation-issue APIs (potential, policy, targets, pool): JSON rendering with exact
decimals, the enterprise 404 check, pagination, file downloads and the access a route requires.

Access: every route declares ``**requires("capability")`` (a capability of ``accounts.access.CAPABILITIES``).
It makes the route answer 401 without a session or token and 403 for a role without the capability, before
any parameter is looked at, and publishes the capability in OpenAPI as ``x-required-capability``. The data
scope (which firms) is checked by the services the route calls, with the ``Actor`` passed in.
"""

from __future__ import annotations

import datetime as dt
import json
import math
from collections.abc import Sequence
from decimal import Decimal
from fractions import Fraction
from typing import Any, TypeVar
from urllib.parse import quote

from fastapi import Depends
from fastapi.responses import Response
from sqlalchemy.orm import Session

from innopoints.accounts.access import CAPABILITIES, require
from innopoints.adapters.db import enterprise_repo
from innopoints.errors import NotFound, UserError
from innopoints.web.auth import PrincipalDep
from innopoints.web.schemas import ErrorBody

T = TypeVar("T")

PAGE_SIZES = (20, 50, 100)
JSON_OK: dict[int | str, dict[str, Any]] = {200: {"content": {"application/json": {}}}}
NOT_FOUND = {"model": ErrorBody, "description": "资源不存在 (not found)"}
CONFLICT = {"model": ErrorBody, "description": "前置步骤尚未完成 (a prerequisite is missing)"}
INVALID = {"model": ErrorBody, "description": "参数无效 (invalid parameter)"}
UNAUTHENTICATED = {"model": ErrorBody, "description": "未登录或令牌无效 (not authenticated)"}
FORBIDDEN = {"model": ErrorBody, "description": "角色无权使用，或企业不在数据范围内 (forbidden)"}
DENIED: dict[int | str, dict[str, Any]] = {401: UNAUTHENTICATED, 403: FORBIDDEN}
MEDIA = {
    "csv": "text/csv; charset=utf-8",
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    "pdf": "application/pdf",
}


def requires(capability: str) -> dict[str, Any]:
    """Route keyword arguments enforcing sign-in and a capability (403 otherwise) and documenting it."""
    if capability not in CAPABILITIES:
        raise KeyError(f"unknown capability {capability!r}: add it to accounts.access.CAPABILITIES")

    async def check(principal: PrincipalDep) -> None:  # no I/O: runs on the event loop, not in a thread
        require(principal, capability)

    return {
        "dependencies": [Depends(check)],
        "openapi_extra": {"x-required-capability": capability},
    }


def _default(value: Any) -> Any:
    if isinstance(value, Decimal):
        return format(value, "f")
    if isinstance(value, Fraction):
        return format(Decimal(value.numerator) / Decimal(value.denominator), "f")
    if isinstance(value, dt.date | dt.datetime):
        return value.isoformat()
    if isinstance(value, set | frozenset | tuple):
        return list(value)
    raise TypeError(f"not JSON serialisable: {type(value).__name__}")


def _finite(value: Any) -> Any:
    """NaN / infinity are not JSON: they become ``null``."""
    if isinstance(value, float) and not math.isfinite(value):
        return None
    if isinstance(value, dict):
        return {k: _finite(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [_finite(v) for v in value]
    return value


def json_response(content: Any, status_code: int = 200) -> Response:
    text = json.dumps(_finite(content), ensure_ascii=False, default=_default)
    return Response(text, status_code=status_code, media_type="application/json")


def normalize_uscc(uscc: str) -> str:
    return uscc.strip().upper()


def require_enterprise(session: Session, uscc: str) -> str:
    """The normalised code of a known enterprise; 404 otherwise."""
    code = normalize_uscc(uscc)
    if enterprise_repo.find_id(session, code) is None:
        raise NotFound(f"未找到统一社会信用代码为“{code}”的企业 (enterprise not found)")
    return code


def check_page_size(page_size: int) -> int:
    if page_size not in PAGE_SIZES:
        raise UserError(
            f"参数 page_size：应为 20、50 或 100，收到“{page_size}” (page_size must be 20, 50 or 100)"
        )
    return page_size


def paginate(items: Sequence[T], page: int, page_size: int) -> dict[str, Any]:
    """One page of ``items`` with the totals; a page past the end is empty (not an error)."""
    check_page_size(page_size)
    if page < 1:
        raise UserError(f"参数 page：应从 1 开始，收到“{page}” (page starts at 1)")
    start = (page - 1) * page_size
    total = len(items)
    return {
        "total": total,
        "page": page,
        "page_size": page_size,
        "pages": max(1, math.ceil(total / page_size)),
        "items": list(items[start : start + page_size]),
    }


def download(data: bytes, fmt: str, filename_stem: str) -> Response:
    """A file download; the Chinese file name is sent RFC 5987-encoded with an ASCII fallback."""
    name = f"{filename_stem}.{fmt}"
    ascii_name = name.encode("ascii", "ignore").decode() or f"export.{fmt}"
    disposition = f"attachment; filename=\"{ascii_name}\"; filename*=UTF-8''{quote(name)}"
    return Response(data, media_type=MEDIA[fmt], headers={"Content-Disposition": disposition})
