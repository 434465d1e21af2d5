"""The firm facts finance rules may read, and their frame for one scoring round.

A fact is a column of the frame; its kind fixes the unit (``UNITS``): money in fen, counts whole,
points and percent in hundredths, choices text, booleans nullable (null = unknown).

**Reproducible from a round.** Every fact is what the platform knew when the round was frozen
(``scoring_round.created_at``, the *cut-off*): the round's own results (points, stage, ladder stage,
rank and lists); panel values of the round's year ``Y`` (and ``Y−1`` for growth) from revisions
recorded by the cut-off; negative records entered by the cut-off and active on its date; loans overdue
or defaulted by that date. Later revisions or records change nothing until a new round is run.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

import polars as pl
import sqlalchemy as sa
from sqlalchemy.orm import Session

UNITS: dict[str, int] = {"money": 100, "signed_money": 100, "count": 1, "points": 100}


@dataclass(frozen=True)
class FactDecl:
    kind: str
    zh: str
    source: str  # register / round / panel / negatives / loans / evaluation
    unit: str = ""


PANEL_MONEY = (
    "operating_revenue",
    "rd_expense",
    "total_assets",
    "total_liabilities",
    "tax_paid",
    "equity_financing",
    "tech_contract_turnover",
)
PANEL_SIGNED = ("net_profit",)
PANEL_COUNTS = (
    "employees",
    "rd_staff",
    "sci_tech_staff",
    "high_level_talents",
    "venture_rounds",
    "ip_invention_granted",
    "rd_platforms",
)
PANEL_FIELDS = (*PANEL_MONEY, *PANEL_SIGNED, *PANEL_COUNTS)
DIMENSIONS = ("innovation", "team", "financing", "performance", "solvency")

FACTS: dict[str, FactDecl] = {
    "district": FactDecl("choice", "所在区县", "register"),
    "cluster": FactDecl("choice", "所属产业集群", "register"),
    "age_years": FactDecl("count", "成立年限（截至批次冻结日）", "register", "年"),
    "points": FactDecl("points", "创新积分", "round", "分"),
    "percentile": FactDecl("points", "全市百分位", "round", "%"),
    "stage": FactDecl("choice", "企业发展阶段", "round"),
    "ladder_stage": FactDecl("choice", "梯度培育阶段", "round"),
    "top5": FactDecl("bool", "同类前5%榜单", "round"),
    "top10": FactDecl("bool", "同类前10%榜单", "round"),
    "top20": FactDecl("bool", "同类前20%榜单", "round"),
    "peer_rank": FactDecl("count", "同类组排名", "round", "名"),
    "tech_sme_qualified": FactDecl("bool", "科技型中小企业评价合格（批次）", "round"),
    "operating_revenue": FactDecl("money", "营业收入", "panel", "元"),
    "operating_revenue_prev": FactDecl("money", "上年营业收入", "panel", "元"),
    "rd_expense": FactDecl("money", "研发费用", "panel", "元"),
    "total_assets": FactDecl("money", "资产总额", "panel", "元"),
    "total_liabilities": FactDecl("money", "负债总额", "panel", "元"),
    "net_profit": FactDecl("signed_money", "净利润", "panel", "元"),
    "tax_paid": FactDecl("money", "纳税总额", "panel", "元"),
    "equity_financing": FactDecl("money", "股权融资额", "panel", "元"),
    "tech_contract_turnover": FactDecl("money", "技术合同成交额（卖方）", "panel", "元"),
    "employees": FactDecl("count", "职工总数", "panel", "人"),
    "rd_staff": FactDecl("count", "研发人员数", "panel", "人"),
    "sci_tech_staff": FactDecl("count", "科技人员数", "panel", "人"),
    "high_level_talents": FactDecl("count", "高层次人才数", "panel", "人"),
    "venture_rounds": FactDecl("count", "创投融资轮次", "panel", "轮"),
    "ip_invention_granted": FactDecl("count", "有效发明专利", "panel", "项"),
    "rd_platforms": FactDecl("count", "研发平台数", "panel", "个"),
    "negative_active": FactDecl("bool", "存在未移出的负面记录", "negatives"),
    "negative_count": FactDecl("count", "未移出的负面记录数", "negatives", "条"),
    "loan_defaults": FactDecl("count", "平台贷款逾期或违约笔数", "loans", "笔"),
    **{f"dim_{d}": FactDecl("points", f"维度得分 {d}", "evaluation", "分") for d in DIMENSIONS},
    "composite_score": FactDecl("points", "综合评价得分", "evaluation", "分"),
}
ROUND_FACTS = tuple(n for n, d in FACTS.items() if d.source == "round")


def fact_label(name: str) -> str:
    decl = FACTS.get(name)
    return f"{decl.zh}（{name}）" if decl else name


@dataclass(frozen=True)
class RoundInfo:
    id: int
    year: int
    created_at: dt.datetime
    rulebook_hash: str

    @property
    def cutoff_date(self) -> dt.date:
        return self.created_at.date()


def round_info(session: Session, round_id: int | None) -> RoundInfo:
    """The given round, or the latest one; a clear error when there is none."""
    from innopoints.adapters.db.scoring_tables import ScoringRound
    from innopoints.errors import NotFound

    t = ScoringRound.__table__
    query = sa.select(t.c.id, t.c.year, t.c.created_at, t.c.rulebook_hash)
    query = (
        query.where(t.c.id == round_id) if round_id is not None else query.order_by(t.c.id.desc()).limit(1)
    )
    row = session.execute(query).first()
    if row is None:
        if round_id is None:
            raise NotFound("数据库中没有积分评价批次，请先运行 innopoints score run (no scoring round)")
        raise NotFound(f"积分评价批次 {round_id} 不存在 (no such scoring round)")
    return RoundInfo(row.id, row.year, row.created_at, row.rulebook_hash)


def _frame(session: Session, query: Any, schema: dict[str, Any]) -> pl.DataFrame:
    return pl.DataFrame(session.execute(query).all(), schema=schema, orient="row")


def _in(column: Any, ids: Sequence[int] | None) -> list[Any]:
    return [] if ids is None else [column.in_(list(ids))]


def round_facts(
    session: Session, rnd: RoundInfo, enterprise_ids: Sequence[int] | None = None
) -> pl.DataFrame:
    """One row per firm of the round (optionally only ``enterprise_ids``), columns = ``FACTS`` minus
    the evaluation results, plus ``enterprise_id``, ``uscc``, ``name``."""
    from innopoints.adapters.db.scoring_tables import ScoringResult
    from innopoints.adapters.db.tables import Enterprise

    e, r = Enterprise.__table__, ScoringResult.__table__
    query = (
        sa.select(
            e.c.id,
            e.c.uscc,
            e.c.name,
            e.c.district_code,
            e.c.cluster_id,
            e.c.registration_date,
            r.c.points_centi,
            r.c.percentile_bp,
            r.c.stage,
            r.c.ladder_stage,
            r.c.top5,
            r.c.top10,
            r.c.top20,
            r.c.peer_rank,
            r.c.tech_sme_qualified,
        )
        .join(r, r.c.uscc == e.c.uscc)
        .where(r.c.round_id == rnd.id)
    )
    if enterprise_ids is not None:  # a few firms: look them up by id, then their results by (round, uscc)
        codes = sa.select(e.c.uscc).where(e.c.id.in_(list(enterprise_ids))).scalar_subquery()
        query = query.where(e.c.id.in_(list(enterprise_ids)), r.c.uscc.in_(codes))
    firms = _frame(
        session,
        query,
        {
            "enterprise_id": pl.Int64,
            "uscc": pl.Utf8,
            "name": pl.Utf8,
            "district": pl.Utf8,
            "cluster": pl.Utf8,
            "registration_date": pl.Date,
            "points": pl.Int64,
            "percentile": pl.Int64,
            "stage": pl.Utf8,
            "ladder_stage": pl.Utf8,
            "top5": pl.Boolean,
            "top10": pl.Boolean,
            "top20": pl.Boolean,
            "peer_rank": pl.Int64,
            "tech_sme_qualified": pl.Boolean,
        },
    )
    cutoff = rnd.cutoff_date
    firms = firms.with_columns(_completed_years(cutoff).alias("age_years")).drop("registration_date")
    ids = firms["enterprise_id"].to_list() if enterprise_ids is not None else None
    firms = firms.join(_panel(session, rnd, ids), on="enterprise_id", how="left")
    firms = firms.join(_negatives(session, rnd, ids), on="enterprise_id", how="left")
    firms = firms.join(_loan_defaults(session, cutoff, ids), on="enterprise_id", how="left")
    return firms.with_columns(
        pl.col("negative_count").fill_null(0),
        pl.col("loan_defaults").fill_null(0),
        (pl.col("negative_count").fill_null(0) > 0).alias("negative_active"),
    ).sort("enterprise_id")


def _completed_years(day: dt.date) -> pl.Expr:
    reg = pl.col("registration_date")
    before = (reg.dt.month() > day.month) | ((reg.dt.month() == day.month) & (reg.dt.day() > day.day))
    return (pl.lit(day.year) - reg.dt.year() - before.cast(pl.Int64)).cast(pl.Int64)


def _panel(session: Session, rnd: RoundInfo, ids: Sequence[int] | None) -> pl.DataFrame:
    """Latest value per (firm, year, field) among revisions recorded by the cut-off; counts whole."""
    from innopoints.adapters.db.tables import panel_revision as t

    codes = list(PANEL_FIELDS)
    query = sa.select(t.c.id, t.c.enterprise_id, t.c.year, *(t.c[c] for c in codes)).where(
        t.c.year.in_([rnd.year - 1, rnd.year]),
        t.c.recorded_at <= rnd.created_at,
        *_in(t.c.enterprise_id, ids),
    )
    schema = {"id": pl.Int64, "enterprise_id": pl.Int64, "year": pl.Int64, **dict.fromkeys(codes, pl.Int64)}
    rows = _frame(session, query, schema)
    latest = (
        rows.sort("id")
        .group_by(["enterprise_id", "year"], maintain_order=True)
        .agg([pl.col(c).drop_nulls().last().alias(c) for c in codes])
    )
    this = latest.filter(pl.col("year") == rnd.year).select(
        "enterprise_id", *(pl.col(c) // 100 if c in PANEL_COUNTS else pl.col(c) for c in codes)
    )
    prev = latest.filter(pl.col("year") == rnd.year - 1).select(
        "enterprise_id", pl.col("operating_revenue").alias("operating_revenue_prev")
    )
    return this.join(prev, on="enterprise_id", how="full", coalesce=True)


def _negatives(session: Session, rnd: RoundInfo, ids: Sequence[int] | None) -> pl.DataFrame:
    from innopoints.adapters.db.tables import NegativeRecord

    n = NegativeRecord.__table__
    day = rnd.cutoff_date
    query = (
        sa.select(n.c.enterprise_id, sa.func.count())
        .where(
            n.c.occurred_on <= day,
            sa.or_(n.c.cleared_on.is_(None), n.c.cleared_on > day),
            n.c.created_at <= rnd.created_at,
            *_in(n.c.enterprise_id, ids),
        )
        .group_by(n.c.enterprise_id)
    )
    return _frame(session, query, {"enterprise_id": pl.Int64, "negative_count": pl.Int64})


def _loan_defaults(session: Session, day: dt.date, ids: Sequence[int] | None) -> pl.DataFrame:
    from innopoints.adapters.db.tables import Loan

    t = Loan.__table__
    query = (
        sa.select(t.c.enterprise_id, sa.func.count())
        .where(
            sa.or_(t.c.overdue_on <= day, t.c.defaulted_on <= day),
            *_in(t.c.enterprise_id, ids),
        )
        .group_by(t.c.enterprise_id)
    )
    return _frame(session, query, {"enterprise_id": pl.Int64, "loan_defaults": pl.Int64})


def fact_value(name: str, raw: Any) -> Any:
    """The evaluator's value of a frame cell: money in 元 and points/percent as exact Decimals."""
    from decimal import Decimal

    if raw is None:
        return None
    kind = FACTS[name].kind
    if kind in UNITS and kind != "count":
        return Decimal(int(raw)) / UNITS[kind]
    if kind == "count":
        return int(raw)
    if kind == "bool":
        return bool(raw)
    return str(raw)
