"""Helpers shared by the 成果转化 pages and JSON API: the working date, money in fen shown with its unit,
form-value parsing with Chinese messages, paging, option lists for forms, page rendering and exports.

Money is integer fen everywhere; the API returns exact 元 as decimal strings (``*_yuan``) next to a readable
text with its unit (``*_text``: 元 / 万元 / 亿元); user input accepts ``50万``, ``1.2亿``, ``500000.00``.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal
from typing import Annotated, Any, TypeVar
from urllib.parse import urlencode

from fastapi import Depends, Request
from fastapi.responses import HTMLResponse, Response
from sqlalchemy import Select, func, select
from sqlalchemy.orm import Session

from innopoints.accounts.access import allowed
from innopoints.accounts.principal import Principal
from innopoints.errors import UserError
from innopoints.region import load_region
from innopoints.transfer.common import TRANSFER_MODES
from innopoints.transfer.money import fmt_money, fmt_pct, fmt_yuan, parse_fen
from innopoints.transfer.rulebook import load_transfer_rulebook
from innopoints.web import auth
from innopoints.web.routes.page_helpers import export, synthetic
from innopoints.web.templating import render, templates

T = TypeVar("T")
PAGE_SIZES = (20, 50, 100)
PAGE_SIZE_PAGES = 50
CENT = Decimal("0.01")

templates.env.filters.update(money=fmt_money, yuan_exact=fmt_yuan, pct=fmt_pct)


def today() -> date:
    """The working date of the transfer services (one place, so tests can pin it)."""
    return date.today()


def yuan(fen: int | None) -> Decimal | None:
    return None if fen is None else (Decimal(fen) / 100).quantize(CENT)


def money_fields(prefix: str, fen: int | None) -> dict[str, Any]:
    """``{prefix}_yuan`` (exact decimal) and ``{prefix}_text`` (with its unit) for one amount in fen."""
    return {f"{prefix}_yuan": yuan(fen), f"{prefix}_text": "—" if fen is None else fmt_money(fen)}


# ------------------------------------------------------------------------------------------ labels


def cluster_options() -> list[tuple[str, str]]:
    return [(c.id, c.name_zh) for c in load_region().clusters]


def district_options() -> list[tuple[str, str]]:
    return [(d.id, d.name_zh) for d in load_region().districts]


def cluster_zh(cluster_id: str | None) -> str:
    return "—" if not cluster_id else load_region().cluster_name(cluster_id)


def district_zh(code: str | None) -> str:
    return "未注明区县" if not code else load_region().district_name(code)


def mode_options() -> list[tuple[str, str]]:
    return list(TRANSFER_MODES.items())


def contract_type_options() -> list[tuple[str, str]]:
    return [(t.id, t.name.zh) for t in load_transfer_rulebook().contracts.types]


def contract_type_zh(type_id: str) -> str:
    return dict(contract_type_options()).get(type_id, type_id)


def refusal_reasons() -> list[tuple[str, str]]:
    return [(r.id, r.zh) for r in load_transfer_rulebook().contracts.refusal_reasons]


# ------------------------------------------------------------------------------------------ form values


def text(raw: str | None) -> str:
    return (raw or "").strip()


def form_int(raw: str | int | None, what: str, lo: int | None = None, hi: int | None = None) -> int:
    value_text = str(raw if raw is not None else "").strip()
    try:
        value = int(value_text)
    except ValueError:
        raise UserError(f"{what}应为整数，收到“{value_text}”") from None
    if (lo is not None and value < lo) or (hi is not None and value > hi):
        bounds = f"{lo if lo is not None else '-∞'}–{hi if hi is not None else '∞'}"
        raise UserError(f"{what}应在 {bounds} 之间，收到 {value}")
    return value


def optional_int(raw: str | int | None, what: str) -> int | None:
    if raw is None or str(raw).strip() == "":
        return None
    return form_int(raw, what, lo=1)


def form_date(raw: str | date | None, what: str) -> date:
    if isinstance(raw, date):
        return raw
    value_text = text(raw)
    if not value_text:
        raise UserError(f"{what}不能为空（格式 YYYY-MM-DD）")
    try:
        return date.fromisoformat(value_text)
    except ValueError:
        raise UserError(f"{what}应为 YYYY-MM-DD 格式的日期，收到“{value_text}”") from None


def form_money(raw: str | int | Decimal | None, what: str, *, required: bool = True) -> int:
    """Integer fen from ``50万``, ``1.2亿``, ``500000.00`` (Chinese message on anything else)."""
    if raw is None or str(raw).strip() == "":
        if required:
            raise UserError(f"{what}不能为空（如 50万 或 500000）")
        return 0
    if isinstance(raw, int | Decimal):
        raw = str(raw)
    return parse_fen(raw, what)


def optional_money(raw: str | int | Decimal | None, what: str) -> int | None:
    if raw is None or str(raw).strip() == "":
        return None
    return form_money(raw, what)


def checked(raw: str | bool | None) -> bool:
    if isinstance(raw, bool):
        return raw
    return text(raw).lower() in ("on", "1", "true", "yes", "是")


def choice(raw: str | None, what: str, options: Iterable[str]) -> str:
    value = text(raw)
    known = list(options)
    if value not in known:
        raise UserError(f"{what}“{value}”无效，应为：{'、'.join(known)}")
    return value


# ------------------------------------------------------------------------------------------ paging


@dataclass(frozen=True)
class Paged:
    total: int
    page: int
    page_size: int
    items: list[dict[str, Any]] = field(default_factory=list)

    @property
    def pages(self) -> int:
        return max(1, math.ceil(self.total / self.page_size))

    def as_json(self) -> dict[str, Any]:
        return {
            "total": self.total,
            "page": self.page,
            "page_size": self.page_size,
            "pages": self.pages,
            "items": self.items,
        }


def check_paging(page: int, page_size: int) -> None:
    if page < 1:
        raise UserError(f"参数 page：页码应从 1 开始，收到 {page}")
    if page_size not in PAGE_SIZES:
        raise UserError(f"参数 page_size：应为 20、50 或 100，收到 {page_size}")


def paged_query(
    session: Session,
    stmt: Select[Any] | Any,
    page: int,
    page_size: int,
    convert: Callable[[Any], dict[str, Any]],
) -> Paged:
    """One page of a select (rows converted to dicts) with the total count."""
    check_paging(page, page_size)
    total = session.scalar(select(func.count()).select_from(stmt.order_by(None).subquery())) or 0
    rows = session.execute(stmt.limit(page_size).offset((page - 1) * page_size)).all()
    return Paged(int(total), page, page_size, [convert(r) for r in rows])


def paged_list(items: Sequence[dict[str, Any]], page: int, page_size: int) -> Paged:
    check_paging(page, page_size)
    start = (page - 1) * page_size
    return Paged(len(items), page, page_size, list(items[start : start + page_size]))


def all_pages(fetch: Callable[[int, int], Paged], limit: int = 100_000) -> list[dict[str, Any]]:
    """Every item of a paged list (for exports), page by page."""
    out: list[dict[str, Any]] = []
    page = 1
    while len(out) < limit:
        chunk = fetch(page, 100)
        out.extend(chunk.items)
        if page >= chunk.pages:
            break
        page += 1
    return out


# ------------------------------------------------------------------------------------------ pages


DONE: dict[str, str] = {
    "demand_posted": "技术需求已发布",
    "demand_changed": "需求状态已更新",
    "routed": "已分派技术经纪人，经纪人将与您联系",
    "interest": "已表达合作意向，成果单位可在“意向企业”中看到",
    "ordered": "服务订单已提交，等待基地受理",
    "order_changed": "订单状态已更新",
    "rated": "感谢评价，经纪人评分已更新",
    "achievement_published": "科技成果已保存",
    "achievement_changed": "成果状态已更新",
    "contract_registered": "技术合同已提交登记，登记机构将在 30 日内作出决定",
    "contract_decided": "登记决定已保存",
    "shares_saved": "收益分配已计算并保存",
    "advanced": "对接任务已推进",
    "outputs": "产出已累加",
    "challenge_submitted": "“卡脖子”难题已提交，等待专家评审",
    "challenge_changed": "难题状态已更新",
    "scored": "专家评分已录入",
    "screened": "已按入选线完成筛选",
    "applied": "揭榜申请已提交",
    "chosen": "已确定揭榜团队",
}


def done_message(request: Request) -> str | None:
    return DONE.get(request.query_params.get("done", ""))


SECTIONS: tuple[tuple[str, str, str, str], ...] = (
    ("overview", "总览", "/transfer", "transfer.view"),
    ("demands", "技术需求", "/transfer/demands", "transfer.demand.view"),
    ("achievements", "科技成果", "/transfer/achievements", "transfer.view"),
    ("menu", "服务菜单", "/transfer/menu", "transfer.view"),
    ("orders", "服务订单", "/transfer/orders", "transfer.order.view"),
    ("pipeline", "对接任务", "/transfer/pipeline", "transfer.pipeline.work"),
    ("base", "本基地", "/transfer/base", "transfer.base.work"),
    ("contracts", "技术合同", "/transfer/contracts", "transfer.contract.view"),
    ("challenges", "揭榜挂帅", "/transfer/challenges", "transfer.view"),
    ("stats", "统计", "/transfer/stats", "transfer.stats.view"),
)


def tabs(principal: Principal | None, active: str) -> list[dict[str, Any]]:
    if principal is None:
        return []
    return [
        {"id": key, "label": label, "href": href, "active": key == active}
        for key, label, href, cap in SECTIONS
        if allowed(principal, cap)
    ]


def render_page(
    request: Request,
    session: Session,
    name: str,
    context: dict[str, Any],
    status: int = 200,
    *,
    section: str = "overview",
) -> HTMLResponse:
    principal = auth.optional_principal(request)
    kept = [(k, v) for k, v in request.query_params.multi_items() if k not in ("page", "done") and v != ""]
    page_base = request.url.path + "?" + (urlencode(kept) + "&" if kept else "")
    full = {
        "done": done_message(request),
        "tabs": tabs(principal, section),
        "section": section,
        "page_base": page_base,
        **context,
    }
    return render(request, name, full, synthetic=synthetic(request, session), status_code=status)


def export_list(
    columns: Sequence[tuple[str, str]], rows: Iterable[Mapping[str, object]], fmt: str, stem: str
) -> Response:
    return export(columns, rows, fmt, stem)


# ------------------------------------------------------------------------------------------ form bodies

MAX_FIELD_CHARS = 20_000


@dataclass(frozen=True)
class FormValues:
    """A submitted form: first value per field, and every value of repeated fields (inventor rows)."""

    data: dict[str, str]
    lists: dict[str, list[str]]

    def get(self, key: str, default: Any = None) -> Any:
        return self.data.get(key, default)

    def getlist(self, key: str) -> list[str]:
        return self.lists.get(key, [])

    def as_dict(self) -> dict[str, str]:
        return dict(self.data)


async def read_form(request: Request) -> FormValues:
    """The form fields as text (file parts ignored); over-long fields refused with a Chinese message."""
    form = await request.form()
    data: dict[str, str] = {}
    lists: dict[str, list[str]] = {}
    for key, value in form.multi_items():
        if not isinstance(value, str):
            continue
        if len(value) > MAX_FIELD_CHARS:
            raise UserError(f"字段 {key} 过长：{len(value)} 字，最多 {MAX_FIELD_CHARS} 字")
        data.setdefault(key, value)
        lists.setdefault(key, []).append(value)
    return FormValues(data, lists)


FormDep = Annotated[FormValues, Depends(read_form)]
