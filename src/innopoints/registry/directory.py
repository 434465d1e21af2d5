"""The enterprise directory (企业库): validated list queries and the read models behind the list,
the detail page, the overview and the exports. No storage or HTTP here.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal
from functools import lru_cache
from importlib import resources
from typing import Literal, get_args

import yaml

from innopoints.errors import UserError
from innopoints.region import Named, Region
from innopoints.registry.panel import Revision
from innopoints.registry.panel_fields import PanelField, panel_fields
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

# Negative records (负面记录) named by the official rules (tech SME and high-tech conditions).
NEGATIVE_KINDS: dict[str, str] = {
    "major_safety_accident": "重大安全事故",
    "major_quality_accident": "重大质量事故",
    "environmental_violation": "严重环境违法",
    "research_misconduct": "科研严重失信",
    "abnormal_operation": "经营异常名录",
    "serious_dishonesty": "严重违法失信名单",
}

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


_CENT = Decimal("0.01")


def money(value: Decimal | None) -> Decimal | None:
    """An exact 元 amount with its two decimals written out (``980000000`` -> ``980000000.00``)."""
    return None if value is None else value.quantize(_CENT)


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


@dataclass(frozen=True)
class EnterpriseSummary:
    """One row of the list and of the list export (values of ``panel_year`` in 元)."""

    id: int
    uscc: str
    name: str
    registration_date: date
    district_code: str
    district_name: str
    park_id: str | None
    park_name: str
    cluster_id: str
    cluster_name: str
    high_tech_field_id: str | None
    high_tech_field_name: str
    listed: bool
    is_synthetic: bool
    qualifications: tuple[str, ...] = ()
    revenue: Decimal | None = None
    rd_expense: Decimal | None = None

    @property
    def qualification_labels(self) -> tuple[str, ...]:
        return tuple(qualification_label(k) for k in self.qualifications)


@dataclass(frozen=True)
class EnterprisePage:
    items: tuple[EnterpriseSummary, ...]
    total: int
    page: int
    page_size: int
    panel_year: int | None

    @property
    def pages(self) -> int:
        return max(1, -(-self.total // self.page_size))


@dataclass(frozen=True)
class QualificationRecord:
    kind: str
    reference_no: str | None
    year: int
    granted_on: date
    expires_on: date | None
    revoked_on: date | None
    source: str

    @property
    def label(self) -> str:
        return qualification_label(self.kind)

    def status(self, as_of: date) -> str:
        if self.revoked_on is not None and self.revoked_on <= as_of:
            return "已撤销"
        if self.expires_on is not None and self.expires_on < as_of:
            return "已过期"
        if self.granted_on > as_of:
            return "未生效"
        return "有效"


@dataclass(frozen=True)
class NegativeRecordView:
    kind: str
    occurred_on: date
    cleared_on: date | None
    description: str
    source: str

    @property
    def label(self) -> str:
        return negative_label(self.kind)


@dataclass(frozen=True)
class PanelCell:
    """The current value of one field in one year, with every revision (oldest first)."""

    revisions: tuple[Revision, ...]

    @property
    def current(self) -> Revision:
        return self.revisions[-1]


@dataclass(frozen=True)
class PanelRow:
    field: PanelField
    cells: dict[int, PanelCell]


@dataclass(frozen=True)
class Panel:
    years: tuple[int, ...]
    rows: tuple[PanelRow, ...]

    def cell(self, indicator: str, year: int) -> PanelCell | None:
        for row in self.rows:
            if row.field.code == indicator:
                return row.cells.get(year)
        return None


def build_panel(revisions: Iterable[Revision]) -> Panel:
    """Group an enterprise's revisions (any order) into catalogue-ordered rows and year columns.

    The current value of a (year, field) is its revision with the highest id, matching the
    ``indicator_current`` view.
    """
    grouped: dict[tuple[str, int], list[Revision]] = {}
    for rev in sorted(revisions, key=lambda r: r.id):
        grouped.setdefault((rev.indicator, rev.year), []).append(rev)
    years = tuple(sorted({year for _, year in grouped}))
    catalogue = panel_fields()
    rows: list[PanelRow] = []
    for code, spec in catalogue.items():
        cells = {year: PanelCell(tuple(revs)) for (ind, year), revs in grouped.items() if ind == code}
        if cells:
            rows.append(PanelRow(spec, cells))
    for code in sorted({ind for ind, _ in grouped} - set(catalogue)):
        unknown = PanelField(code, code, code, "count", "", None)
        rows.append(PanelRow(unknown, {y: PanelCell(tuple(r)) for (i, y), r in grouped.items() if i == code}))
    return Panel(years, tuple(rows))


@dataclass(frozen=True)
class EnterpriseDetail:
    summary: EnterpriseSummary
    exit_date: date | None
    source: str
    qualifications: tuple[QualificationRecord, ...]
    negative_records: tuple[NegativeRecordView, ...]
    panel: Panel


@dataclass(frozen=True)
class Tally:
    key: str
    label: str
    count: int


@dataclass(frozen=True)
class Overview:
    enterprises: int
    listed: int
    synthetic: int
    by_district: tuple[Tally, ...]
    by_cluster: tuple[Tally, ...]
    by_qualification: tuple[Tally, ...]
    panel_year: int | None
    as_of: date = field(default_factory=date.today)


# --------------------------------------------------------------------------- export layouts

Column = tuple[str, str]


def list_export_columns(panel_year: int | None) -> list[Column]:
    """Columns of the enterprise-list export: [(key, 中文表头)]; values in 元, exact."""
    year = f"{panel_year}年" if panel_year else ""
    return [
        ("uscc", "统一社会信用代码"),
        ("name", "企业名称"),
        ("registration_date", "注册日期"),
        ("district", "区县"),
        ("park", "园区"),
        ("cluster", "产业集群"),
        ("high_tech_field", "高新技术领域"),
        ("listed", "是否上市"),
        ("qualifications", "有效资质"),
        ("revenue", f"{year}营业收入（元）"),
        ("rd_expense", f"{year}研发费用（元）"),
        ("is_synthetic", "合成数据"),
    ]


def list_export_row(item: EnterpriseSummary) -> dict[str, object]:
    return {
        "uscc": item.uscc,
        "name": item.name,
        "registration_date": item.registration_date,
        "district": item.district_name,
        "park": item.park_name,
        "cluster": item.cluster_name,
        "high_tech_field": item.high_tech_field_name,
        "listed": "是" if item.listed else "否",
        "qualifications": "、".join(item.qualification_labels),
        "revenue": money(item.revenue),
        "rd_expense": money(item.rd_expense),
        "is_synthetic": "是" if item.is_synthetic else "否",
    }


def panel_export_columns() -> list[Column]:
    """Template-like columns of a one-year panel export: identity, then ``<name_zh>（<unit>）``."""
    columns: list[Column] = [("uscc", "统一社会信用代码"), ("name", "企业名称"), ("year", "年度")]
    columns += [(code, spec.header) for code, spec in panel_fields().items()]
    return columns


def panel_export_row(uscc: str, name: str, year: int, values: dict[str, Decimal]) -> dict[str, object]:
    row: dict[str, object] = {"uscc": uscc, "name": name, "year": year}
    for code, spec in panel_fields().items():
        value = values.get(code)
        row[code] = money(value) if spec.kind == "money" else value
    return row
