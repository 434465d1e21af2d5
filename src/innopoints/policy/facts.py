"""The firm facts every policy rulebook may use, and the whole-city facts frame (one row per firm).

A fact is a column of the frame; its declared kind fixes the unit (``UNITS``): money in fen (the
panel's hundredths of 元), counts in whole units, points in hundredths (``points_centi``), choices as
text, booleans nullable (null = unknown). Facts with no data source in the platform (``source`` =
``none``) are never columns: a policy that needs them is "unknown" and names the missing fact.

Sources (filing year ``Y`` = the as-of year; panel values are those of ``Y−1``):

* enterprise register: district, cluster, age_years (completed years on the as-of date);
* qualifications valid on the as-of date (granted, not revoked, not expired; an absent expiry means
  31 December of the qualification year): tech_sme_valid, high_tech_valid, ladder_tier_valid;
* the scoring round (积分评价批次): stage, ladder_stage, points, top20 — unknown without a round;
* panel ``Y−1``: rd_expense, operating_revenue, high_level_talents, ip_invention_granted;
* technology contracts registered as seller with ``decided_on`` in ``Y−1``: contract_turnover;
* negative records not cleared on the as-of date: negative_active.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

import polars as pl
import sqlalchemy as sa

UNITS: dict[str, int] = {"money": 100, "signed_money": 100, "count": 1, "points": 100}
LADDER_KINDS = ("eaglet", "gazelle", "seed_unicorn", "potential_unicorn", "unicorn", "tech_leader")
PANEL_FACTS = ("rd_expense", "operating_revenue", "high_level_talents", "ip_invention_granted")
COUNT_FACTS = ("high_level_talents", "ip_invention_granted")


@dataclass(frozen=True)
class FactDecl:
    kind: str
    zh: str
    source: str  # register / qualification / round / panel / contracts / negatives / none
    unit: str = ""


FACTS: dict[str, FactDecl] = {
    "district": FactDecl("choice", "所在区县", "register"),
    "cluster": FactDecl("choice", "所属产业集群", "register"),
    "age_years": FactDecl("count", "成立年限（年）", "register", "年"),
    "tech_sme_valid": FactDecl("bool", "科技型中小企业入库（有效）", "qualification"),
    "high_tech_valid": FactDecl("bool", "高新技术企业证书（有效）", "qualification"),
    "ladder_tier_valid": FactDecl("bool", "雏鹰/瞪羚/独角兽/科技领军资格（有效）", "qualification"),
    "stage": FactDecl("choice", "企业发展阶段（积分评价批次）", "round"),
    "ladder_stage": FactDecl("choice", "梯度培育阶段（积分评价批次）", "round"),
    "points": FactDecl("points", "创新积分（积分评价批次）", "round", "分"),
    "top20": FactDecl("bool", "积分位列同类前20%（积分评价批次）", "round"),
    "rd_expense": FactDecl("money", "上年度研发费用", "panel", "元"),
    "operating_revenue": FactDecl("money", "上年度营业收入", "panel", "元"),
    "high_level_talents": FactDecl("count", "上年度高层次人才数", "panel", "人"),
    "ip_invention_granted": FactDecl("count", "有效发明专利数", "panel", "项"),
    "contract_turnover": FactDecl("money", "上年度登记技术合同成交额（卖方）", "contracts", "元"),
    "negative_active": FactDecl("bool", "存在未移出的负面记录", "negatives"),
    "incubator_resident": FactDecl("bool", "入驻孵化载体（孵化器/众创空间）信息", "none"),
    "pilot_project_plan": FactDecl("bool", "概念验证/中试项目计划", "none"),
    "market_channel_plan": FactDecl("bool", "市场拓展项目（展会/首购首用）申报信息", "none"),
}


# display names of choice values that are ids (stage ids of rulebook/shenyang/points/stages.yaml and
# ladder stage ids of points/ladder.yaml); districts and clusters are named by the region pack
CHOICE_LABELS: dict[str, str] = {
    "startup": "初创期",
    "growth": "成长期",
    "stable": "稳定期",
    "tech_leader": "科技领军企业",
    "unicorn": "独角兽企业",
    "potential_unicorn": "潜在独角兽",
    "seed_unicorn": "种子独角兽",
    "gazelle": "瞪羚企业",
    "eaglet": "雏鹰企业",
    "high_tech_enterprise": "高新技术企业",
    "tech_sme": "科技型中小企业",
    "none": "未入梯度",
}


def fact_label(name: str) -> str:
    decl = FACTS.get(name)
    return f"{decl.zh}（{name}）" if decl else name


def _valid_on(table: sa.FromClause, day: dt.date) -> sa.ColumnElement[bool]:
    c = table.c
    return sa.and_(
        c.granted_on <= day,
        sa.or_(c.revoked_on.is_(None), c.revoked_on > day),
        sa.or_(
            sa.and_(c.expires_on.is_(None), c.year >= day.year),
            sa.and_(c.expires_on.is_not(None), c.expires_on >= day),
        ),
    )


def _frame(conn: sa.Connection, query: Any, schema: dict[str, Any]) -> pl.DataFrame:
    return pl.DataFrame(conn.execute(query).all(), schema=schema, orient="row")


def facts_frame(
    conn: sa.Connection, as_of: dt.date, round_id: int | None, *, uscc: str | None = None
) -> pl.DataFrame:
    """Facts of every firm active on ``as_of`` (registered by then, not exited), or of one firm."""
    from innopoints.adapters.db.panel_repo import current_panel_frame
    from innopoints.adapters.db.scoring_tables import ScoringResult
    from innopoints.adapters.db.tables import Enterprise, NegativeRecord, Qualification, TechContract

    e = Enterprise.__table__
    active = [e.c.registration_date <= as_of, sa.or_(e.c.exit_date.is_(None), e.c.exit_date > as_of)]
    firms = _frame(
        conn,
        sa.select(e.c.id, e.c.uscc, e.c.name, e.c.district_code, e.c.cluster_id, e.c.registration_date).where(
            *(active if uscc is None else [e.c.uscc == uscc])
        ),
        {
            "enterprise_id": pl.Int64,
            "uscc": pl.Utf8,
            "name": pl.Utf8,
            "district": pl.Utf8,
            "cluster": pl.Utf8,
            "registration_date": pl.Date,
        },
    )
    firms = firms.with_columns(_age_years(as_of).alias("age_years")).drop("registration_date")
    q = Qualification.__table__
    quals = _frame(
        conn,
        sa.select(q.c.enterprise_id, q.c.kind).where(_valid_on(q, as_of)).distinct(),
        {"enterprise_id": pl.Int64, "kind": pl.Utf8},
    )
    flags = quals.group_by("enterprise_id").agg(
        (pl.col("kind") == "tech_sme").any().alias("tech_sme_valid"),
        (pl.col("kind") == "high_tech_enterprise").any().alias("high_tech_valid"),
        pl.col("kind").is_in(LADDER_KINDS).any().alias("ladder_tier_valid"),
    )
    firms = firms.join(flags, on="enterprise_id", how="left").with_columns(
        pl.col(c).fill_null(False) for c in ("tech_sme_valid", "high_tech_valid", "ladder_tier_valid")
    )
    panel = current_panel_frame(conn, years=[as_of.year - 1], fields=list(PANEL_FACTS))
    if panel.is_empty():
        panel = pl.DataFrame(schema={"enterprise_id": pl.Int64, **dict.fromkeys(PANEL_FACTS, pl.Int64)})
    panel = panel.select(
        "enterprise_id",
        *(pl.col(c) // 100 if c in COUNT_FACTS else pl.col(c) for c in PANEL_FACTS),
    )
    firms = firms.join(panel, on="enterprise_id", how="left")
    t = TechContract.__table__
    year_start, year_end = dt.date(as_of.year - 1, 1, 1), dt.date(as_of.year - 1, 12, 31)
    turnover = _frame(
        conn,
        sa.select(t.c.seller_enterprise_id, sa.func.sum(t.c.amount_fen))
        .where(
            t.c.status == "registered",
            t.c.seller_enterprise_id.is_not(None),
            t.c.decided_on >= year_start,
            t.c.decided_on <= year_end,
        )
        .group_by(t.c.seller_enterprise_id),
        {"enterprise_id": pl.Int64, "contract_turnover": pl.Int64},
    )
    firms = firms.join(turnover, on="enterprise_id", how="left").with_columns(
        pl.col("contract_turnover").fill_null(0)
    )
    n = NegativeRecord.__table__
    negatives = _frame(
        conn,
        sa.select(n.c.enterprise_id)
        .where(n.c.occurred_on <= as_of, sa.or_(n.c.cleared_on.is_(None), n.c.cleared_on > as_of))
        .distinct(),
        {"enterprise_id": pl.Int64},
    ).with_columns(pl.lit(True).alias("negative_active"))
    firms = firms.join(negatives, on="enterprise_id", how="left").with_columns(
        pl.col("negative_active").fill_null(False)
    )
    round_schema = {
        "uscc": pl.Utf8,
        "stage": pl.Utf8,
        "ladder_stage": pl.Utf8,
        "points": pl.Int64,
        "top20": pl.Boolean,
    }
    if round_id is None:
        results = pl.DataFrame(schema=round_schema)
    else:
        r = ScoringResult.__table__
        results = _frame(
            conn,
            sa.select(r.c.uscc, r.c.stage, r.c.ladder_stage, r.c.points_centi, r.c.top20).where(
                r.c.round_id == round_id
            ),
            round_schema,
        )
    return firms.join(results, on="uscc", how="left").sort("enterprise_id")


def _age_years(as_of: dt.date) -> pl.Expr:
    reg = pl.col("registration_date")
    before_birthday = (reg.dt.month() > as_of.month) | (
        (reg.dt.month() == as_of.month) & (reg.dt.day() > as_of.day)
    )
    return (pl.lit(as_of.year) - reg.dt.year() - before_birthday.cast(pl.Int64)).cast(pl.Int64)
