"""Table definitions. One Alembic history (adapters/migrations) creates them on SQLite and PostgreSQL.

Conventions: money columns are integer fen (``*_fen``); panel values are integer hundredths
(see registry.panel_fields.SCALE); every synthetic row carries ``is_synthetic``.
"""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import (
    BigInteger,
    Boolean,
    Column,
    Date,
    DateTime,
    ForeignKey,
    Index,
    Integer,
    MetaData,
    SmallInteger,
    String,
    Table,
    Text,
    UniqueConstraint,
    false,
    func,
    true,
)
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column, relationship

from innopoints.registry.panel_fields import panel_fields

NAMING = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}


class Base(DeclarativeBase):
    metadata = MetaData(naming_convention=NAMING)


def _now() -> Mapped[datetime]:
    return mapped_column(DateTime(timezone=True), server_default=func.now(), nullable=False)


# --------------------------------------------------------------------------- registry


class Enterprise(Base):
    __tablename__ = "enterprise"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    uscc: Mapped[str] = mapped_column(String(18), unique=True, nullable=False)
    name: Mapped[str] = mapped_column(String(200), nullable=False, index=True)
    registration_date: Mapped[date] = mapped_column(Date, nullable=False)
    exit_date: Mapped[date | None] = mapped_column(Date)
    district_code: Mapped[str] = mapped_column(String(6), nullable=False, index=True)
    park_id: Mapped[str | None] = mapped_column(String(40), index=True)
    cluster_id: Mapped[str] = mapped_column(String(40), nullable=False, index=True)
    high_tech_field_id: Mapped[str | None] = mapped_column(String(40))
    listed: Mapped[bool] = mapped_column(Boolean, nullable=False, default=False)
    mainland_resident: Mapped[bool] = mapped_column(Boolean, nullable=False, default=True)
    is_synthetic: Mapped[bool] = mapped_column(Boolean, nullable=False, default=False)
    source: Mapped[str] = mapped_column(String(40), nullable=False, default="market_regulation")
    created_at: Mapped[datetime] = _now()

    # Read with the firm in one query where its whole record is shown (enterprise_repo.firm_rows); never
    # loaded implicitly (lazy="raise") and never written through (viewonly).
    qualifications: Mapped[list[Qualification]] = relationship(
        "Qualification",
        order_by="(Qualification.granted_on, Qualification.id)",
        lazy="raise",
        viewonly=True,
    )
    negative_records: Mapped[list[NegativeRecord]] = relationship(
        "NegativeRecord",
        order_by="(NegativeRecord.occurred_on, NegativeRecord.id)",
        lazy="raise",
        viewonly=True,
    )

    __table_args__ = (  # 0008: the firm list filtered by district or park and cluster, sorted by name
        Index("ix_enterprise_district_cluster_name", "district_code", "cluster_id", "name"),
        Index("ix_enterprise_park_cluster_name", "park_id", "cluster_id", "name"),
    )


class Qualification(Base):
    """A dated qualification: 高企 certificate, 科技型中小企业 入库, 雏鹰/瞪羚/独角兽 tiers, …"""

    __tablename__ = "qualification"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    enterprise_id: Mapped[int] = mapped_column(ForeignKey("enterprise.id"), nullable=False, index=True)
    kind: Mapped[str] = mapped_column(String(32), nullable=False, index=True)
    reference_no: Mapped[str | None] = mapped_column(String(64))
    year: Mapped[int] = mapped_column(SmallInteger, nullable=False)
    granted_on: Mapped[date] = mapped_column(Date, nullable=False)
    expires_on: Mapped[date | None] = mapped_column(Date)
    revoked_on: Mapped[date | None] = mapped_column(Date)
    source: Mapped[str] = mapped_column(String(40), nullable=False)
    is_synthetic: Mapped[bool] = mapped_column(Boolean, nullable=False, default=False)
    created_at: Mapped[datetime] = _now()

    __table_args__ = (
        UniqueConstraint("enterprise_id", "kind", "year", name="uq_qualification_firm_kind_year"),
    )


class NegativeRecord(Base):
    """重大安全/质量事故, 严重环境违法, 科研严重失信, 经营异常名录, 严重违法失信名单."""

    __tablename__ = "negative_record"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    enterprise_id: Mapped[int] = mapped_column(ForeignKey("enterprise.id"), nullable=False, index=True)
    kind: Mapped[str] = mapped_column(String(40), nullable=False)
    occurred_on: Mapped[date] = mapped_column(Date, nullable=False)
    cleared_on: Mapped[date | None] = mapped_column(Date)
    description: Mapped[str] = mapped_column(Text, nullable=False, default="")
    source: Mapped[str] = mapped_column(String(40), nullable=False)
    is_synthetic: Mapped[bool] = mapped_column(Boolean, nullable=False, default=False)
    created_at: Mapped[datetime] = _now()


class ImportBatch(Base):
    """One import of one file. Written in the same transaction as its rows: a batch row exists
    only if its data was committed."""

    __tablename__ = "import_batch"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    file_name: Mapped[str] = mapped_column(String(255), nullable=False)
    file_sha256: Mapped[str] = mapped_column(String(64), nullable=False, index=True)
    file_format: Mapped[str] = mapped_column(String(8), nullable=False)
    encoding: Mapped[str | None] = mapped_column(String(20))
    source: Mapped[str] = mapped_column(String(40), nullable=False)
    mode: Mapped[str] = mapped_column(String(20), nullable=False)
    status: Mapped[str] = mapped_column(String(20), nullable=False)
    rows_total: Mapped[int] = mapped_column(Integer, nullable=False, default=0)
    rows_accepted: Mapped[int] = mapped_column(Integer, nullable=False, default=0)
    rows_quarantined: Mapped[int] = mapped_column(Integer, nullable=False, default=0)
    values_changed: Mapped[int] = mapped_column(Integer, nullable=False, default=0)
    enterprises_created: Mapped[int] = mapped_column(Integer, nullable=False, default=0)
    imported_by: Mapped[str | None] = mapped_column(String(80))
    started_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), nullable=False)
    finished_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))


class QuarantinedRow(Base):
    """A row an import refused, kept whole with its per-cell errors so nothing is lost."""

    __tablename__ = "quarantined_row"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    batch_id: Mapped[int] = mapped_column(ForeignKey("import_batch.id"), nullable=False, index=True)
    row_number: Mapped[int] = mapped_column(Integer, nullable=False)
    raw_json: Mapped[str] = mapped_column(Text, nullable=False)
    errors_json: Mapped[str] = mapped_column(Text, nullable=False)


# Panel values: one append-only row per (enterprise, year) and change. A revision carries only the
# fields it changes (the others are NULL); the current value of a field is the one from the latest
# revision that carries it (view ``panel_current``). Field columns follow registry/panel_fields.yaml
# (a test keeps the two in step); values are integer hundredths (``value_centi``).
PANEL_FIELD_CODES: tuple[str, ...] = tuple(panel_fields())

panel_revision = Table(
    "panel_revision",
    Base.metadata,
    Column("id", BigInteger().with_variant(Integer, "sqlite"), primary_key=True),
    Column("enterprise_id", ForeignKey("enterprise.id"), nullable=False),
    Column("year", SmallInteger, nullable=False),
    Column("source", String(40), nullable=False),
    Column("source_ref", String(255)),
    Column("batch_id", ForeignKey("import_batch.id"), index=True),
    Column("recorded_at", DateTime(timezone=True), nullable=False),
    Column("recorded_by", String(80)),
    Column("is_synthetic", Boolean, nullable=False, default=False),
    *(Column(code, BigInteger) for code in PANEL_FIELD_CODES),
    Index("ix_panel_revision_key", "enterprise_id", "year", "id"),
)


# --------------------------------------------------------------------------- transfer (成果转化)


class Institution(Base):
    __tablename__ = "institution"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    name: Mapped[str] = mapped_column(String(200), nullable=False, unique=True)
    kind: Mapped[str] = mapped_column(String(20), nullable=False)  # university / institute / lab
    district_code: Mapped[str] = mapped_column(String(6), nullable=False)
    inventor_share_min: Mapped[str] = mapped_column(String(12), nullable=False, default="0.70")
    inventor_share_max: Mapped[str] = mapped_column(String(12), nullable=False, default="0.70")
    is_synthetic: Mapped[bool] = mapped_column(Boolean, nullable=False, default=False)


class Achievement(Base):
    __tablename__ = "achievement"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    institution_id: Mapped[int] = mapped_column(ForeignKey("institution.id"), nullable=False, index=True)
    title: Mapped[str] = mapped_column(String(300), nullable=False)
    abstract: Mapped[str] = mapped_column(Text, nullable=False)
    cluster_id: Mapped[str] = mapped_column(String(40), nullable=False, index=True)
    subfield: Mapped[str] = mapped_column(String(80), nullable=False)
    keywords: Mapped[str] = mapped_column(String(300), nullable=False, default="")
    trl: Mapped[int] = mapped_column(SmallInteger, nullable=False)
    ip_summary: Mapped[str] = mapped_column(String(300), nullable=False, default="")
    transfer_mode: Mapped[str] = mapped_column(String(20), nullable=False)
    price_fen: Mapped[int] = mapped_column(BigInteger, nullable=False)
    pay_after_use: Mapped[bool] = mapped_column(Boolean, nullable=False, default=False)
    published_on: Mapped[date] = mapped_column(Date, nullable=False)
    status: Mapped[str] = mapped_column(String(20), nullable=False, default="published")
    is_synthetic: Mapped[bool] = mapped_column(Boolean, nullable=False, default=False)
    # 0007: licensing terms, 先使用后付费 period, reforms 职务科技成果赋权 / 单列管理
    license_terms: Mapped[str] = mapped_column(Text, nullable=False, default="", server_default="")
    pay_after_use_months: Mapped[int | None] = mapped_column(SmallInteger)
    ownership_granted: Mapped[bool] = mapped_column(
        Boolean, nullable=False, default=False, server_default=false()
    )
    separately_managed: Mapped[bool] = mapped_column(
        Boolean, nullable=False, default=False, server_default=false()
    )


class AchievementInventor(Base):
    __tablename__ = "achievement_inventor"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    achievement_id: Mapped[int] = mapped_column(ForeignKey("achievement.id"), nullable=False, index=True)
    name: Mapped[str] = mapped_column(String(60), nullable=False)
    share: Mapped[str] = mapped_column(String(12), nullable=False)  # exact decimal text, shares sum to 1


class Demand(Base):
    __tablename__ = "demand"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    enterprise_id: Mapped[int] = mapped_column(ForeignKey("enterprise.id"), nullable=False, index=True)
    title: Mapped[str] = mapped_column(String(300), nullable=False)
    description: Mapped[str] = mapped_column(Text, nullable=False)
    cluster_id: Mapped[str] = mapped_column(String(40), nullable=False)
    budget_fen: Mapped[int] = mapped_column(BigInteger, nullable=False)
    deadline: Mapped[date] = mapped_column(Date, nullable=False)
    district_code: Mapped[str] = mapped_column(String(6), nullable=False)
    status: Mapped[str] = mapped_column(String(20), nullable=False, default="open")
    posted_on: Mapped[date] = mapped_column(Date, nullable=False)
    is_synthetic: Mapped[bool] = mapped_column(Boolean, nullable=False, default=False)
    # 0007: technical indicators (技术指标) and when the demand was closed
    indicators: Mapped[str] = mapped_column(Text, nullable=False, default="", server_default="")
    closed_on: Mapped[date | None] = mapped_column(Date)


class Expert(Base):
    __tablename__ = "expert"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    name: Mapped[str] = mapped_column(String(60), nullable=False)
    institution_id: Mapped[int | None] = mapped_column(ForeignKey("institution.id"))
    title: Mapped[str] = mapped_column(String(40), nullable=False)
    cluster_id: Mapped[str] = mapped_column(String(40), nullable=False)
    keywords: Mapped[str] = mapped_column(String(300), nullable=False, default="")
    is_tech_commissioner: Mapped[bool] = mapped_column(Boolean, nullable=False, default=False)
    is_synthetic: Mapped[bool] = mapped_column(Boolean, nullable=False, default=False)


class Broker(Base):
    __tablename__ = "broker"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    name: Mapped[str] = mapped_column(String(60), nullable=False)
    certificate_no: Mapped[str | None] = mapped_column(String(40), unique=True)
    certified_on: Mapped[date | None] = mapped_column(Date)
    cluster_id: Mapped[str] = mapped_column(String(40), nullable=False)
    district_code: Mapped[str] = mapped_column(String(6), nullable=False)
    rating: Mapped[str] = mapped_column(String(8), nullable=False, default="0")
    is_synthetic: Mapped[bool] = mapped_column(Boolean, nullable=False, default=False)
    # 0007: certificate level (junior/intermediate/senior), organisation, own load limit, active flag
    level: Mapped[str] = mapped_column(String(20), nullable=False, default="junior", server_default="junior")
    organization: Mapped[str] = mapped_column(String(200), nullable=False, default="", server_default="")
    max_load: Mapped[int | None] = mapped_column(SmallInteger)
    active: Mapped[bool] = mapped_column(Boolean, nullable=False, default=True, server_default=true())


class PilotBase(Base):
    """中试基地 (kind=pilot) or 概念验证中心 (kind=concept)."""

    __tablename__ = "pilot_base"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    name: Mapped[str] = mapped_column(String(200), nullable=False)
    kind: Mapped[str] = mapped_column(String(10), nullable=False)
    level: Mapped[str] = mapped_column(String(10), nullable=False)  # province / city
    cluster_id: Mapped[str] = mapped_column(String(40), nullable=False)
    district_code: Mapped[str] = mapped_column(String(6), nullable=False)
    established_on: Mapped[date] = mapped_column(Date, nullable=False)
    new_products: Mapped[int] = mapped_column(Integer, nullable=False, default=0)
    new_technologies: Mapped[int] = mapped_column(Integer, nullable=False, default=0)
    incubated_enterprises: Mapped[int] = mapped_column(Integer, nullable=False, default=0)
    service_contracts: Mapped[int] = mapped_column(Integer, nullable=False, default=0)
    is_synthetic: Mapped[bool] = mapped_column(Boolean, nullable=False, default=False)


class PilotService(Base):
    """A menu item (菜单式服务) of a pilot base in one subfield."""

    __tablename__ = "pilot_service"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    base_id: Mapped[int] = mapped_column(ForeignKey("pilot_base.id"), nullable=False, index=True)
    subfield: Mapped[str] = mapped_column(String(80), nullable=False)
    name: Mapped[str] = mapped_column(String(200), nullable=False)
    price_fen: Mapped[int] = mapped_column(BigInteger, nullable=False)
    capacity_per_year: Mapped[int] = mapped_column(Integer, nullable=False)
    is_synthetic: Mapped[bool] = mapped_column(Boolean, nullable=False, default=False)


class TechContract(Base):
    """技术合同, registered on the seller side (输出)."""

    __tablename__ = "tech_contract"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    contract_no: Mapped[str] = mapped_column(String(40), nullable=False, unique=True)
    contract_type: Mapped[str] = mapped_column(
        String(20), nullable=False
    )  # development/transfer/license/consulting/service
    seller_enterprise_id: Mapped[int | None] = mapped_column(ForeignKey("enterprise.id"), index=True)
    seller_institution_id: Mapped[int | None] = mapped_column(ForeignKey("institution.id"), index=True)
    buyer_name: Mapped[str] = mapped_column(String(200), nullable=False)
    buyer_in_city: Mapped[bool] = mapped_column(Boolean, nullable=False)
    cluster_id: Mapped[str] = mapped_column(String(40), nullable=False)
    district_code: Mapped[str] = mapped_column(String(6), nullable=False)
    signed_on: Mapped[date] = mapped_column(Date, nullable=False)
    submitted_on: Mapped[date] = mapped_column(Date, nullable=False)
    decided_on: Mapped[date | None] = mapped_column(Date)
    status: Mapped[str] = mapped_column(String(20), nullable=False)  # pending / registered / refused
    amount_fen: Mapped[int] = mapped_column(BigInteger, nullable=False)
    non_technical_fen: Mapped[int] = mapped_column(BigInteger, nullable=False, default=0)
    achievement_id: Mapped[int | None] = mapped_column(ForeignKey("achievement.id"))
    is_synthetic: Mapped[bool] = mapped_column(Boolean, nullable=False, default=False)
    # 0007: title, buyer side (吸纳), 未予登记 reason, who registered, demand and broker behind the deal
    title: Mapped[str] = mapped_column(String(300), nullable=False, default="", server_default="")
    buyer_enterprise_id: Mapped[int | None] = mapped_column(ForeignKey("enterprise.id"), index=True)
    buyer_district_code: Mapped[str | None] = mapped_column(String(6))
    refusal_reason: Mapped[str | None] = mapped_column(String(300))
    registered_by: Mapped[str | None] = mapped_column(String(80))
    demand_id: Mapped[int | None] = mapped_column(ForeignKey("demand.id"))
    broker_id: Mapped[int | None] = mapped_column(ForeignKey("broker.id"), index=True)


# --------------------------------------------------------------------------- finance


class Bank(Base):
    __tablename__ = "bank"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    name: Mapped[str] = mapped_column(String(120), nullable=False, unique=True)
    is_synthetic: Mapped[bool] = mapped_column(Boolean, nullable=False, default=False)


class Loan(Base):
    """A credit application and, once approved, the loan (lifecycle in innopoints.finance.lifecycle).

    ``amount_fen`` is the amount applied for until a decision, then the approved (and disbursed) amount;
    ``requested_fen`` keeps what was asked. One date per state reached (``*_on``). Columns after
    ``is_synthetic`` were added by migration 0006_finance. ``version`` is the optimistic lock: two
    officers acting on the same row at once cannot both succeed.
    """

    __tablename__ = "loan"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    bank_id: Mapped[int] = mapped_column(ForeignKey("bank.id"), nullable=False, index=True)
    enterprise_id: Mapped[int] = mapped_column(ForeignKey("enterprise.id"), nullable=False, index=True)
    product_id: Mapped[str] = mapped_column(String(60), nullable=False)
    product_type: Mapped[str] = mapped_column(String(20), nullable=False)
    amount_fen: Mapped[int] = mapped_column(BigInteger, nullable=False)
    status: Mapped[str] = mapped_column(String(20), nullable=False)
    applied_on: Mapped[date] = mapped_column(Date, nullable=False)
    decided_on: Mapped[date | None] = mapped_column(Date)
    disbursed_on: Mapped[date | None] = mapped_column(Date)
    version: Mapped[int] = mapped_column(Integer, nullable=False, default=1)
    is_synthetic: Mapped[bool] = mapped_column(Boolean, nullable=False, default=False)
    origin: Mapped[str] = mapped_column(String(10), nullable=False, default="firm", server_default="firm")
    requested_fen: Mapped[int | None] = mapped_column(BigInteger)
    rate_bp: Mapped[int | None] = mapped_column(Integer)
    term_months: Mapped[int | None] = mapped_column(SmallInteger)
    round_id: Mapped[int | None] = mapped_column(ForeignKey("scoring_round.id"))
    suggested_fen: Mapped[int | None] = mapped_column(BigInteger)
    decision_reason: Mapped[str | None] = mapped_column(Text)
    reviewed_on: Mapped[date | None] = mapped_column(Date)
    due_on: Mapped[date | None] = mapped_column(Date)
    repaid_on: Mapped[date | None] = mapped_column(Date)
    overdue_on: Mapped[date | None] = mapped_column(Date)
    defaulted_on: Mapped[date | None] = mapped_column(Date)
    withdrawn_on: Mapped[date | None] = mapped_column(Date)
    created_by: Mapped[int | None] = mapped_column(ForeignKey("user_account.id"))
    updated_by: Mapped[int | None] = mapped_column(ForeignKey("user_account.id"))
    updated_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))

    __table_args__ = (Index("ix_loan_status_applied_on", "status", "applied_on"),)
    __mapper_args__ = {"version_id_col": version}  # noqa: RUF012
