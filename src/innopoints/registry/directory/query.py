"""Validated list queries of the enterprise directory (企业库): filters, search, sort, paging."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from functools import lru_cache
from importlib import resources
from typing import Literal, get_args

import yaml

from innopoints.errors import UserError
from innopoints.region import Named, Region
from innopoints.registry.negative_kinds import NEGATIVE_KINDS
from innopoints.registry.uscc import is_valid

# Qualification kinds (glossary ids) in ladder order; their Chinese names come from rulebook/glossary.yaml.
QUALIFICATION_KINDS: tuple[str, ...] = (
    "tech_sme",
    "innovative_sme",
    "high_tech_enterprise",
    "eaglet",
    "gazelle",
    "seed_unicorn",
    "potential_unicorn",
    "unicorn",
    "tech_leader",
)

SortKey = Literal[
    "name",
    "-name",
    "registration_date",
    "-registration_date",
    "-revenue",
    "revenue",
    "-rd_expense",
    "rd_expense",
]
SORT_KEYS: tuple[str, ...] = get_args(SortKey)
SORT_LABELS: dict[str, str] = {
    "name": "企业名称（升序）",
    "-name": "企业名称（降序）",
    "registration_date": "注册日期（最早在前）",
    "-registration_date": "注册日期（最新在前）",
    "-revenue": "营业收入（高到低）",
    "revenue": "营业收入（低到高）",
    "-rd_expense": "研发费用（高到低）",
    "rd_expense": "研发费用（低到高）",
}
PAGE_SIZES: tuple[int, ...] = (20, 50, 100)
MAX_TEXT = 100
REVENUE_FIELD = "operating_revenue"
RD_FIELD = "rd_expense"


class InvalidQuery(UserError):
    """A list/export parameter that cannot be used (HTTP 422, CLI exit 2)."""


@lru_cache(maxsize=1)
def glossary() -> dict[str, dict[str, str]]:
    text = resources.files("innopoints.rulebook").joinpath("glossary.yaml").read_text("utf-8")
    data: dict[str, dict[str, str]] = yaml.safe_load(text)
    return data


def qualification_label(kind: str) -> str:
    entry = glossary().get(kind)
    return entry["zh"] if entry else kind


def negative_label(kind: str) -> str:
    return NEGATIVE_KINDS.get(kind, kind)


@dataclass(frozen=True)
class EnterpriseQuery:
    """A validated list query. ``exact_uscc`` is set when the search text is a valid full code."""

    text: str | None = None
    district: str | None = None
    park: str | None = None
    cluster: str | None = None
    high_tech_field: str | None = None
    qualification: str | None = None
    listed: bool | None = None
    sort: str = "name"
    page: int = 1
    page_size: int = 20

    @property
    def exact_uscc(self) -> str | None:
        if self.text is None:
            return None
        code = self.text.upper()
        return code if len(code) == 18 and is_valid(code) else None

    @property
    def is_filtered(self) -> bool:
        return any(
            v is not None
            for v in (
                self.text,
                self.district,
                self.park,
                self.cluster,
                self.high_tech_field,
                self.qualification,
                self.listed,
            )
        )

    @property
    def offset(self) -> int:
        return (self.page - 1) * self.page_size


def _resolve(items: Sequence[Named], value: str | None, param: str, what: str) -> str | None:
    """Accept an id/code or the exact Chinese name; anything else is a clear 422."""
    if value is None or not value.strip():
        return None
    wanted = value.strip()
    for item in items:
        if wanted in (item.id, item.name_zh):
            return item.id
    choices = "、".join(f"{i.id}（{i.name_zh}）" for i in items[:13])
    raise InvalidQuery(f"参数 {param}：未知的{what}“{wanted}”。可选值：{choices} (unknown {param})")


def build_query(
    region: Region,
    *,
    text: str | None = None,
    district: str | None = None,
    park: str | None = None,
    cluster: str | None = None,
    high_tech_field: str | None = None,
    qualification: str | None = None,
    listed: bool | None = None,
    sort: str | None = None,
    page: int = 1,
    page_size: int = 20,
) -> EnterpriseQuery:
    """Validate raw parameters against the region pack; raise ``InvalidQuery`` with a Chinese message."""
    cleaned = (text or "").strip() or None
    if cleaned is not None and len(cleaned) > MAX_TEXT:
        raise InvalidQuery(f"参数 q：搜索内容过长（最多 {MAX_TEXT} 个字符）(search text too long)")
    if page < 1:
        raise InvalidQuery(f"参数 page：页码必须是不小于 1 的整数，收到 {page} (page must be >= 1)")
    if page_size not in PAGE_SIZES:
        allowed = "、".join(str(s) for s in PAGE_SIZES)
        raise InvalidQuery(
            f"参数 page_size：每页条数只能是 {allowed}，收到 {page_size} (page size not allowed)"
        )
    sort_key = sort or "name"
    if sort_key not in SORT_KEYS:
        raise InvalidQuery(
            f"参数 sort：不支持的排序“{sort_key}”。可选值：{'、'.join(SORT_KEYS)} (unknown sort key)"
        )
    kind = None
    if qualification is not None and qualification.strip():
        wanted = qualification.strip()
        kind = next((k for k in QUALIFICATION_KINDS if wanted in (k, qualification_label(k))), None)
        if kind is None:
            choices = "、".join(f"{k}（{qualification_label(k)}）" for k in QUALIFICATION_KINDS)
            raise InvalidQuery(
                f"参数 qualification：未知的资质“{wanted}”。可选值：{choices} (unknown qualification)"
            )
    return EnterpriseQuery(
        text=cleaned,
        district=_resolve(region.districts, district, "district", "区县代码"),
        park=_resolve(region.parks, park, "park", "园区"),
        cluster=_resolve(region.clusters, cluster, "cluster", "产业集群"),
        high_tech_field=_resolve(region.high_tech_fields, high_tech_field, "field", "高新技术领域"),
        qualification=kind,
        listed=listed,
        sort=sort_key,
        page=page,
        page_size=page_size,
    )
