"""Financing statistics over the loans the actor may see: amounts by product, bank, district, cluster or
ladder stage per year; the points-credit total against the published 25亿元; approval times; the share of
points-based credit.

Definitions (also in docs/finance.md): a loan is *financed* once disbursed (states disbursed, repaid,
overdue, defaulted), in the year of ``disbursed_on``. *Points-based* = a product marked ``points_based`` in
its rulebook (创新积分制 专属信贷). *Approval time* = ``decided_on − applied_on`` of approved or rejected
applications, in calendar days and in working days (Monday–Friday; public holidays not modelled). The
ladder stage of a loan is the firm's stage in the latest scoring round of the loan's year (else the latest
earlier round, else the latest round); firms in no round are "未评价".
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

import numpy as np
import polars as pl
import sqlalchemy as sa
from sqlalchemy.orm import Session

from innopoints.accounts.context import Actor
from innopoints.accounts.roles import Role
from innopoints.adapters.db.scoring_tables import ScoringResult, ScoringRound
from innopoints.adapters.db.tables import Bank, Enterprise, Loan
from innopoints.errors import UserError
from innopoints.finance.access import loan_clause, require_roles
from innopoints.finance.eligibility import CHOICE_LABELS
from innopoints.finance.lifecycle import DISBURSED_STATES
from innopoints.finance.money import yi_text
from innopoints.finance.products import load_products
from innopoints.region import Region

GROUPS = {
    "product": "产品",
    "bank": "银行",
    "district": "区县",
    "cluster": "产业集群",
    "stage": "梯度培育阶段",
}
FAST_WORKING_DAYS = 3  # the 龙岩 example: credit within 3 working days


@dataclass
class ApprovalTimes:
    decided: int
    mean_days: Decimal | None
    median_days: Decimal | None
    p90_days: Decimal | None
    median_working_days: Decimal | None
    within_fast: Decimal | None  # share decided within FAST_WORKING_DAYS working days

    def as_dict(self) -> dict[str, Any]:
        return {
            "decided": self.decided,
            "mean_days": self.mean_days,
            "median_days": self.median_days,
            "p90_days": self.p90_days,
            "median_working_days": self.median_working_days,
            f"share_within_{FAST_WORKING_DAYS}_working_days": self.within_fast,
        }


@dataclass
class FinanceStats:
    by: str
    year: int | None
    rows: list[dict[str, Any]]
    financed_fen: int
    financed_loans: int
    points_based_fen: int
    published_fen: int | None
    points_based_cumulative_fen: int
    approval: ApprovalTimes
    status_counts: dict[str, int]
    notes: list[str] = field(default_factory=list)

    @property
    def points_share(self) -> Decimal | None:
        if not self.financed_fen:
            return None
        return (Decimal(self.points_based_fen) / Decimal(self.financed_fen)).quantize(Decimal("0.0001"))

    @property
    def published_ratio(self) -> Decimal | None:
        if not self.published_fen:
            return None
        return (Decimal(self.points_based_cumulative_fen) / Decimal(self.published_fen)).quantize(
            Decimal("0.0001")
        )

    def as_dict(self) -> dict[str, Any]:
        return {
            "by": self.by,
            "by_zh": GROUPS[self.by],
            "year": self.year,
            "rows": self.rows,
            "financed_fen": self.financed_fen,
            "financed": yi_text(self.financed_fen),
            "financed_loans": self.financed_loans,
            "points_based_fen": self.points_based_fen,
            "points_based_share": self.points_share,
            "points_based_cumulative_fen": self.points_based_cumulative_fen,
            "points_based_cumulative": yi_text(self.points_based_cumulative_fen),
            "published_fen": self.published_fen,
            "published": None if self.published_fen is None else yi_text(self.published_fen),
            "published_ratio": self.published_ratio,
            "approval_times": self.approval.as_dict(),
            "status_counts": self.status_counts,
            "notes": self.notes,
        }


_SCHEMA = {
    "id": pl.Int64,
    "enterprise_id": pl.Int64,
    "bank": pl.Utf8,
    "product_id": pl.Utf8,
    "product_type": pl.Utf8,
    "amount_fen": pl.Int64,
    "status": pl.Utf8,
    "applied_on": pl.Date,
    "decided_on": pl.Date,
    "disbursed_on": pl.Date,
    "uscc": pl.Utf8,
    "district": pl.Utf8,
    "cluster": pl.Utf8,
}


def loans_frame(session: Session, actor: Actor, now: dt.datetime) -> pl.DataFrame:
    query = (
        sa.select(
            Loan.id,
            Loan.enterprise_id,
            Bank.name,
            Loan.product_id,
            Loan.product_type,
            Loan.amount_fen,
            Loan.status,
            Loan.applied_on,
            Loan.decided_on,
            Loan.disbursed_on,
            Enterprise.uscc,
            Enterprise.district_code,
            Enterprise.cluster_id,
        )
        .join(Bank, Bank.id == Loan.bank_id)
        .join(Enterprise, Enterprise.id == Loan.enterprise_id)
        .where(loan_clause(actor.principal, now))
    )
    return pl.DataFrame(session.execute(query).all(), schema=_SCHEMA, orient="row")


def _stages(session: Session, loans: pl.DataFrame) -> pl.DataFrame:
    """(id, stage) per loan: the ladder stage in the round of the loan's year (see module doc)."""
    rounds = session.execute(sa.select(ScoringRound.id, ScoringRound.year).order_by(ScoringRound.id)).all()
    if not rounds or loans.is_empty():
        return loans.select("id").with_columns(pl.lit("未评价").alias("stage"))
    latest = rounds[-1][0]
    by_year: dict[int, int] = {}
    for rid, year in rounds:
        by_year[year] = rid  # the latest round of each year
    years = loans.select(pl.coalesce("disbursed_on", "applied_on").dt.year().alias("y"))["y"].to_list()

    def pick(year: int) -> int:
        earlier = [y for y in by_year if y <= year]
        return by_year[max(earlier)] if earlier else latest

    chosen = {y: pick(int(y)) for y in set(years)}
    r = ScoringResult
    results = pl.DataFrame(
        session.execute(
            sa.select(r.round_id, r.uscc, r.ladder_stage).where(
                r.round_id.in_(sorted(set(chosen.values()))), r.uscc.in_(loans["uscc"].unique().to_list())
            )
        ).all(),
        schema={"round_id": pl.Int64, "uscc": pl.Utf8, "ladder_stage": pl.Utf8},
        orient="row",
    )
    frame = loans.select("id", "uscc").with_columns(
        pl.Series("round_id", [chosen[y] for y in years], dtype=pl.Int64)
    )
    joined = frame.join(results, on=["round_id", "uscc"], how="left")
    return joined.select(
        "id",
        pl.col("ladder_stage")
        .replace_strict(CHOICE_LABELS, default=pl.col("ladder_stage"))
        .fill_null("未评价")
        .alias("stage"),
    )


def _approval(loans: pl.DataFrame) -> ApprovalTimes:
    decided = loans.filter(
        pl.col("decided_on").is_not_null()
        & pl.col("status").is_in(["approved", "rejected", *DISBURSED_STATES])
    )
    if decided.is_empty():
        return ApprovalTimes(0, None, None, None, None, None)
    applied = decided["applied_on"].to_numpy().astype("datetime64[D]")
    done = decided["decided_on"].to_numpy().astype("datetime64[D]")
    days = (done - applied).astype(np.int64)
    working = np.busday_count(applied, done)
    q = Decimal("0.1")

    def dec(x: float) -> Decimal:
        return Decimal(str(float(x))).quantize(q)

    return ApprovalTimes(
        decided=len(days),
        mean_days=dec(days.mean()),
        median_days=dec(np.median(days)),
        p90_days=dec(np.percentile(days, 90)),
        median_working_days=dec(np.median(working)),
        within_fast=(Decimal(int((working <= FAST_WORKING_DAYS).sum())) / len(days)).quantize(
            Decimal("0.0001")
        ),
    )


def financing_stats(
    session: Session,
    actor: Actor,
    region: Region,
    *,
    by: str = "product",
    year: int | None = None,
    now: dt.datetime,
) -> FinanceStats:
    require_roles(actor.principal, "查看融资统计", Role.OFFICER, Role.BANK)
    if by not in GROUPS:
        raise UserError(f"参数 by：应为 {'、'.join(f'{k}（{v}）' for k, v in GROUPS.items())}，收到“{by}”")
    loans = loans_frame(session, actor, now)
    points_ids = [p.id for p in load_products() if p.meta.points_based]
    names = {p.id: p.meta.name.zh for p in load_products()}
    loans = loans.with_columns(
        (pl.col("product_id").is_in(points_ids) | (pl.col("product_type") == "points_credit")).alias(
            "points_based"
        ),
        pl.col("status").is_in(list(DISBURSED_STATES)).alias("financed"),
        pl.col("disbursed_on").dt.year().alias("year"),
    )
    cumulative = loans.filter(pl.col("financed") & pl.col("points_based"))
    notes = []
    if year is not None:
        loans = loans.filter(pl.coalesce("disbursed_on", "decided_on", "applied_on").dt.year() == year)
    key = {
        "product": "product_id",
        "bank": "bank",
        "district": "district",
        "cluster": "cluster",
        "stage": "stage",
    }[by]
    if by == "stage":
        loans = loans.join(_stages(session, loans), on="id", how="left")
    financed = loans.filter(pl.col("financed"))
    grouped = (
        financed.group_by("year", key)
        .agg(
            pl.len().alias("loans"),
            pl.col("amount_fen").sum().alias("amount_fen"),
            pl.col("amount_fen").filter(pl.col("points_based")).sum().alias("points_based_fen"),
        )
        .sort(["year", "amount_fen"], descending=[False, True])
    )
    year_totals = dict(financed.group_by("year").agg(pl.col("amount_fen").sum()).iter_rows())
    label = {
        "product": lambda v: names.get(v, v),
        "district": region.district_name,
        "cluster": region.cluster_name,
    }.get(by, lambda v: v)
    rows = [
        {
            "year": r["year"],
            "key": r[key],
            "label": label(r[key]) if r[key] is not None else "—",
            "loans": r["loans"],
            "amount_fen": r["amount_fen"],
            "amount": yi_text(r["amount_fen"], 4),
            "share_of_year": (Decimal(r["amount_fen"]) / Decimal(year_totals[r["year"]])).quantize(
                Decimal("0.0001")
            ),
            "points_based_fen": r["points_based_fen"],
        }
        for r in grouped.iter_rows(named=True)
    ]
    published = region.published_2025.get("points_credit_financing_yuan")
    published_fen = None if published is None else int(Decimal(str(published)) * 100)
    if actor.principal.role is not Role.ADMIN:
        notes.append("统计范围仅限您可见的贷款（银行：本行且企业授权有效；区县：本辖区）")
    notes.append(
        "公布数为报道口径“研发专属信贷产品为科技企业融资超25亿元”（累计），对比为积分专属产品累计放款"
    )
    return FinanceStats(
        by=by,
        year=year,
        rows=rows,
        financed_fen=int(financed["amount_fen"].sum() or 0),
        financed_loans=financed.height,
        points_based_fen=int(financed.filter(pl.col("points_based"))["amount_fen"].sum() or 0),
        published_fen=published_fen,
        points_based_cumulative_fen=int(cumulative["amount_fen"].sum() or 0),
        approval=_approval(loans),
        status_counts=dict(sorted(loans.group_by("status").agg(pl.len()).iter_rows())),
        notes=notes,
    )
