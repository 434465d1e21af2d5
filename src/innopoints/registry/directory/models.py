"""Read models of the enterprise directory: list rows, pages, the profile with its panel, the overview."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal
from typing import overload

from innopoints.registry.directory.query import negative_label, qualification_label
from innopoints.registry.panel import Revision
from innopoints.registry.panel_fields import PanelField, panel_fields

_CENT = Decimal("0.01")


@overload
def money(value: Decimal) -> Decimal: ...
@overload
def money(value: None) -> None: ...
def money(value: Decimal | None) -> Decimal | None:
    """An exact 元 amount with its two decimals written out (``980000000`` -> ``980000000.00``)."""
    return None if value is None else value.quantize(_CENT)


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
    ``panel_current`` view.
    """
    grouped: dict[str, dict[int, list[Revision]]] = {}  # field -> year -> revisions, oldest first
    for rev in sorted(revisions, key=lambda r: r.id):
        grouped.setdefault(rev.indicator, {}).setdefault(rev.year, []).append(rev)
    years = tuple(sorted({year for by_year in grouped.values() for year in by_year}))
    catalogue = panel_fields()

    def cells(code: str) -> dict[int, PanelCell]:
        return {year: PanelCell(tuple(revs)) for year, revs in grouped[code].items()}

    rows = [PanelRow(spec, cells(code)) for code, spec in catalogue.items() if code in grouped]
    for code in sorted(set(grouped) - set(catalogue)):
        rows.append(PanelRow(PanelField(code, code, code, "count", "", None), cells(code)))
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
