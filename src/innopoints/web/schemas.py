"""JSON shapes of the public API. Money and counts are exact decimal strings in the field's unit (元, 人, 项)."""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal

from pydantic import BaseModel, Field

from innopoints.registry.directory import (
    EnterpriseDetail,
    EnterprisePage,
    EnterpriseSummary,
    PanelCell,
    PanelRow,
    QualificationRecord,
    money,
)
from innopoints.registry.panel import Revision
from innopoints.registry.panel_fields import panel_fields


class ErrorDetail(BaseModel):
    code: str = Field(description="not_found / invalid_query / internal_error …")
    message: str = Field(description="中文说明 (with English in parentheses)")


class ErrorBody(BaseModel):
    error: ErrorDetail


class EnterpriseItem(BaseModel):
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
    qualifications: list[str] = Field(description="当前有效资质 (valid qualification ids)")
    revenue_yuan: Decimal | None = Field(description="最近年度营业收入（元）")
    rd_expense_yuan: Decimal | None = Field(description="最近年度研发费用（元）")

    @classmethod
    def of(cls, s: EnterpriseSummary) -> EnterpriseItem:
        return cls(
            uscc=s.uscc,
            name=s.name,
            registration_date=s.registration_date,
            district_code=s.district_code,
            district_name=s.district_name,
            park_id=s.park_id,
            park_name=s.park_name,
            cluster_id=s.cluster_id,
            cluster_name=s.cluster_name,
            high_tech_field_id=s.high_tech_field_id,
            high_tech_field_name=s.high_tech_field_name,
            listed=s.listed,
            is_synthetic=s.is_synthetic,
            qualifications=list(s.qualifications),
            revenue_yuan=money(s.revenue),
            rd_expense_yuan=money(s.rd_expense),
        )


class EnterpriseListOut(BaseModel):
    items: list[EnterpriseItem]
    total: int
    page: int
    page_size: int
    panel_year: int | None = Field(description="营业收入/研发费用所属年度")

    @classmethod
    def of(cls, page: EnterprisePage) -> EnterpriseListOut:
        return cls(
            items=[EnterpriseItem.of(i) for i in page.items],
            total=page.total,
            page=page.page,
            page_size=page.page_size,
            panel_year=page.panel_year,
        )


class RevisionOut(BaseModel):
    id: int
    year: int
    indicator: str
    indicator_name: str
    unit: str
    value: Decimal
    source: str
    source_label: str = Field(description="税务 / 市场监管 / 知识产权 / 统计 / 自报 / 导入文件 / 合成数据")
    source_ref: str | None
    batch_id: int | None
    recorded_at: datetime
    recorded_by: str | None

    @classmethod
    def of(cls, r: Revision) -> RevisionOut:
        spec = panel_fields().get(r.indicator)
        return cls(
            id=r.id,
            year=r.year,
            indicator=r.indicator,
            indicator_name=spec.name_zh if spec else r.indicator,
            unit=spec.unit if spec else "",
            value=money(r.value) if spec is not None and spec.kind == "money" else r.value,
            source=r.source,
            source_label=r.source_label,
            source_ref=r.source_ref,
            batch_id=r.batch_id,
            recorded_at=r.recorded_at,
            recorded_by=r.recorded_by,
        )


class PanelValueOut(BaseModel):
    year: int
    current: RevisionOut
    revision_count: int
    revisions_url: str


class PanelFieldOut(BaseModel):
    indicator: str
    name_zh: str
    unit: str
    kind: str
    values: list[PanelValueOut]

    @classmethod
    def of(cls, row: PanelRow, uscc: str) -> PanelFieldOut:
        def value(year: int, cell: PanelCell) -> PanelValueOut:
            url = f"/api/enterprises/{uscc}/revisions?year={year}&indicator={row.field.code}"
            return PanelValueOut(
                year=year,
                current=RevisionOut.of(cell.current),
                revision_count=len(cell.revisions),
                revisions_url=url,
            )

        return cls(
            indicator=row.field.code,
            name_zh=row.field.name_zh,
            unit=row.field.unit,
            kind=row.field.kind,
            values=[value(year, cell) for year, cell in sorted(row.cells.items())],
        )


class QualificationOut(BaseModel):
    kind: str
    name: str
    reference_no: str | None
    year: int
    granted_on: date
    expires_on: date | None
    revoked_on: date | None
    status: str
    source: str

    @classmethod
    def of(cls, q: QualificationRecord, as_of: date) -> QualificationOut:
        return cls(
            kind=q.kind,
            name=q.label,
            reference_no=q.reference_no,
            year=q.year,
            granted_on=q.granted_on,
            expires_on=q.expires_on,
            revoked_on=q.revoked_on,
            status=q.status(as_of),
            source=q.source,
        )


class NegativeRecordOut(BaseModel):
    kind: str
    name: str
    occurred_on: date
    cleared_on: date | None
    description: str
    source: str


class EnterpriseDetailOut(EnterpriseItem):
    exit_date: date | None
    source: str
    qualification_records: list[QualificationOut]
    negative_records: list[NegativeRecordOut]
    panel_years: list[int]
    panel: list[PanelFieldOut]

    @classmethod
    def of_detail(cls, d: EnterpriseDetail, as_of: date) -> EnterpriseDetailOut:
        base = EnterpriseItem.of(d.summary).model_dump()
        return cls(
            **base,
            exit_date=d.exit_date,
            source=d.source,
            qualification_records=[QualificationOut.of(q, as_of) for q in d.qualifications],
            negative_records=[
                NegativeRecordOut(
                    kind=n.kind,
                    name=n.label,
                    occurred_on=n.occurred_on,
                    cleared_on=n.cleared_on,
                    description=n.description,
                    source=n.source,
                )
                for n in d.negative_records
            ],
            panel_years=list(d.panel.years),
            panel=[PanelFieldOut.of(row, d.summary.uscc) for row in d.panel.rows],
        )


class RevisionListOut(BaseModel):
    uscc: str
    year: int | None
    indicator: str | None
    items: list[RevisionOut]


class HealthOut(BaseModel):
    status: str
    database: str
    schema_revision: str | None
    process_id: int = Field(description="答复请求的工作进程号 (the worker process that answered)")
