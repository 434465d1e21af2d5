"""The "卡脖子" challenge list (揭榜挂帅): firms submit problems; experts score them; selected problems are
published as open tasks; teams apply; one team is chosen."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta
from decimal import Decimal

from sqlalchemy import func, or_, select
from sqlalchemy.orm import Session

from innopoints.accounts.principal import Principal
from innopoints.accounts.roles import Role
from innopoints.adapters.db.tables import Enterprise, Expert, Institution
from innopoints.adapters.db.transfer_tables import (
    Challenge,
    ChallengeApplication,
    ChallengeScore,
    CommissionerPairing,
)
from innopoints.errors import UserError
from innopoints.transfer.access import acting_enterprise, is_staff, require_own_enterprise, require_staff
from innopoints.transfer.common import check_cluster, get_row, need_text
from innopoints.transfer.rulebook import load_transfer_rulebook
from innopoints.transfer.states import APPLICATION, CHALLENGE


@dataclass(frozen=True)
class ChallengeInput:
    title: str
    description: str
    cluster_id: str
    budget_fen: int
    indicators: str = ""


def submit_challenge(
    session: Session,
    principal: Principal,
    data: ChallengeInput,
    today: date,
    enterprise_id: int | None = None,
) -> Challenge:
    firm = acting_enterprise(principal, enterprise_id, "提交“卡脖子”难题")
    get_row(session, Enterprise, firm, "企业")
    if data.budget_fen <= 0:
        raise UserError("榜单金额（拟投入经费）应大于 0 元")
    row = Challenge(
        enterprise_id=firm,
        title=need_text(data.title, "难题名称", 300),
        description=need_text(data.description, "难题描述"),
        indicators=data.indicators.strip(),
        cluster_id=check_cluster(data.cluster_id),
        budget_fen=data.budget_fen,
        status="submitted",
        submitted_on=today,
    )
    session.add(row)
    session.flush()
    return row


def _move(row: Challenge, action: str) -> None:
    row.status = CHALLENGE.next(row.status, action, f" #{row.id}")


@dataclass(frozen=True)
class Review:
    count: int
    average: Decimal | None


def review_of(session: Session, challenge_id: int) -> Review:
    count, avg = session.execute(
        select(func.count(), func.avg(ChallengeScore.score)).where(
            ChallengeScore.challenge_id == challenge_id
        )
    ).one()
    return Review(int(count), None if avg is None else Decimal(str(avg)).quantize(Decimal("0.01")))


def score_challenge(
    session: Session,
    principal: Principal,
    challenge_id: int,
    expert_id: int,
    score: int,
    today: date,
    comment: str = "",
) -> ChallengeScore:
    """Record one expert's score (entered by the officer running the review)."""
    require_staff(principal, "录入专家评分")
    row = get_row(session, Challenge, challenge_id, "“卡脖子”难题")
    get_row(session, Expert, expert_id, "专家")
    if row.status != "reviewing":
        raise UserError(
            f"难题 #{row.id} 当前状态为“{CHALLENGE.state_zh(row.status)}”，只有评审中的难题可以评分"
        )
    rules = load_transfer_rulebook().challenges.scoring
    if not rules.scale_min <= score <= rules.scale_max:
        raise UserError(f"专家评分应为 {rules.scale_min}–{rules.scale_max} 的整数，收到 {score}")
    if rules.conflict_of_interest == "same_enterprise":
        paired = session.scalar(
            select(CommissionerPairing.id).where(
                CommissionerPairing.expert_id == expert_id,
                CommissionerPairing.enterprise_id == row.enterprise_id,
                CommissionerPairing.ended_on.is_(None),
            )
        )
        if paired is not None:
            raise UserError(f"专家 #{expert_id} 正作为科技特派员服务该企业，应回避评审")
    exists = session.scalar(
        select(ChallengeScore.id).where(
            ChallengeScore.challenge_id == challenge_id, ChallengeScore.expert_id == expert_id
        )
    )
    if exists is not None:
        raise UserError(f"专家 #{expert_id} 已为难题 #{challenge_id} 评过分")
    out = ChallengeScore(
        challenge_id=challenge_id, expert_id=expert_id, score=score, comment=comment.strip(), scored_on=today
    )
    session.add(out)
    session.flush()
    return out


def decide_challenge(
    session: Session,
    principal: Principal,
    challenge_id: int,
    action: str,
    today: date,
    reason: str | None = None,
) -> Challenge:
    """review / select / reject / publish / complete / close by staff; withdraw by the firm."""
    row = get_row(session, Challenge, challenge_id, "“卡脖子”难题")
    if action == "withdraw":
        require_own_enterprise(principal, row.enterprise_id, "撤回该难题", staff=False)
    else:
        require_staff(principal, "处理“卡脖子”难题")
    rules = load_transfer_rulebook().challenges
    if action in ("select", "reject"):
        CHALLENGE.next(row.status, action, f" #{row.id}")  # state first, then the review evidence
        review = review_of(session, row.id)
        need = rules.scoring.min_reviews
        if review.count < need:
            raise UserError(f"难题 #{row.id} 只有 {review.count} 位专家评分，入选或不予入选需至少 {need} 位")
        assert review.average is not None
        line = rules.scoring.selection_min_average
        if action == "select" and review.average < line:
            raise UserError(f"难题 #{row.id} 专家平均分 {review.average} 低于入选线 {line}，不能入选")
        row.decided_on = today
        if action == "reject":
            row.reason = reason or f"专家平均分 {review.average}（入选线 {line}）"
    if action in ("withdraw", "close"):
        row.reason = need_text(reason, "撤回原因" if action == "withdraw" else "关闭原因", 300)
    _move(row, action)
    if action == "publish":
        row.published_on = today
        row.apply_deadline = today + timedelta(days=rules.publication.application_days)
    elif action in ("complete", "close", "withdraw"):
        row.closed_on = today
    session.flush()
    return row


def screen(session: Session, principal: Principal, today: date) -> tuple[list[int], list[int]]:
    """Decide every problem under review that has enough scores: select at or above the line, else reject."""
    require_staff(principal, "筛选“卡脖子”难题")
    need = load_transfer_rulebook().challenges.scoring.min_reviews
    line = load_transfer_rulebook().challenges.scoring.selection_min_average
    selected: list[int] = []
    rejected: list[int] = []
    for row in session.scalars(
        select(Challenge).where(Challenge.status == "reviewing").order_by(Challenge.id)
    ):
        review = review_of(session, row.id)
        if review.count < need or review.average is None:
            continue
        action = "select" if review.average >= line else "reject"
        decide_challenge(session, principal, row.id, action, today)
        (selected if action == "select" else rejected).append(row.id)
    return selected, rejected


def apply(
    session: Session,
    principal: Principal,
    challenge_id: int,
    team_name: str,
    plan: str,
    quote_fen: int,
    today: date,
    institution_id: int | None = None,
    enterprise_id: int | None = None,
) -> ChallengeApplication:
    """A team led by an institution or a firm applies for a published task before its deadline."""
    row = get_row(session, Challenge, challenge_id, "“卡脖子”难题")
    if principal.role is Role.INSTITUTION:
        institution_id, enterprise_id = principal.institution_id, None
    elif principal.role is Role.ENTERPRISE:
        institution_id, enterprise_id = None, principal.enterprise_id
    elif not principal.is_admin:
        raise UserError(f"{principal.role_label}不能揭榜（须为高校/院所或企业）")
    if (institution_id is None) == (enterprise_id is None):
        raise UserError("揭榜团队须有且只有一个牵头单位（高校/院所或企业）")
    if institution_id is not None:
        get_row(session, Institution, institution_id, "高校/院所")
    if enterprise_id is not None:
        get_row(session, Enterprise, enterprise_id, "企业")
        if enterprise_id == row.enterprise_id:
            raise UserError("出题企业不能揭自己的榜")
    if row.status != "published":
        raise UserError(f"难题 #{row.id} 当前状态为“{CHALLENGE.state_zh(row.status)}”，不在揭榜期")
    assert row.apply_deadline is not None
    if today > row.apply_deadline:
        raise UserError(f"难题 #{row.id} 的揭榜截止日期 {row.apply_deadline.isoformat()} 已过")
    if quote_fen <= 0:
        raise UserError("揭榜报价应大于 0 元")
    out = ChallengeApplication(
        challenge_id=row.id,
        team_name=need_text(team_name, "团队名称", 200),
        lead_institution_id=institution_id,
        lead_enterprise_id=enterprise_id,
        plan=need_text(plan, "攻关方案"),
        quote_fen=quote_fen,
        status="applied",
        applied_on=today,
    )
    session.add(out)
    session.flush()
    return out


def choose(session: Session, principal: Principal, application_id: int, today: date) -> Challenge:
    """Choose one application: it becomes 已选定, every other pending one 未选定, the task 已揭榜."""
    chosen = get_row(session, ChallengeApplication, application_id, "揭榜申请")
    row = get_row(session, Challenge, chosen.challenge_id, "“卡脖子”难题")
    require_own_enterprise(principal, row.enterprise_id, "确定揭榜团队")
    CHALLENGE.next(row.status, "award", f" #{row.id}")
    chosen.status = APPLICATION.next(chosen.status, "choose", f" #{chosen.id}")
    others = select(ChallengeApplication).where(
        ChallengeApplication.challenge_id == row.id,
        ChallengeApplication.id != chosen.id,
        ChallengeApplication.status == "applied",
    )
    for other in session.scalars(others):
        other.status = APPLICATION.next(other.status, "decline")
    _move(row, "award")
    row.awarded_on = today
    session.flush()
    return row


@dataclass(frozen=True)
class ChallengeView:
    challenge_id: int
    title: str
    enterprise: str
    cluster_id: str
    budget_fen: int
    status: str
    status_zh: str
    reviews: int
    average: Decimal | None
    applications: int
    apply_deadline: date | None


def challenge_list(session: Session, principal: Principal, status: str | None = None) -> list[ChallengeView]:
    """Staff see the whole list; firms see open tasks and their own problems; others see open tasks."""
    scores = (
        select(
            ChallengeScore.challenge_id, func.count().label("n"), func.avg(ChallengeScore.score).label("avg")
        )
        .group_by(ChallengeScore.challenge_id)
        .subquery()
    )
    apps = (
        select(ChallengeApplication.challenge_id, func.count().label("n"))
        .group_by(ChallengeApplication.challenge_id)
        .subquery()
    )
    stmt = (
        select(Challenge, Enterprise.name, scores.c.n, scores.c.avg, apps.c.n)
        .join(Enterprise, Challenge.enterprise_id == Enterprise.id)
        .outerjoin(scores, scores.c.challenge_id == Challenge.id)
        .outerjoin(apps, apps.c.challenge_id == Challenge.id)
        .order_by(Challenge.submitted_on.desc(), Challenge.id.desc())
    )
    if not is_staff(principal):
        public = Challenge.status.in_(("published", "awarded", "completed"))
        if principal.role is Role.ENTERPRISE:
            stmt = stmt.where(or_(public, Challenge.enterprise_id == principal.enterprise_id))
        else:
            stmt = stmt.where(public)
    if status is not None:
        if status not in CHALLENGE.states:
            raise UserError(f"难题状态“{status}”不存在，应为：{'、'.join(CHALLENGE.states)}")
        stmt = stmt.where(Challenge.status == status)
    return [
        ChallengeView(
            c.id,
            c.title,
            firm,
            c.cluster_id,
            c.budget_fen,
            c.status,
            CHALLENGE.state_zh(c.status),
            int(n or 0),
            None if avg is None else Decimal(str(avg)).quantize(Decimal("0.01")),
            int(n_apps or 0),
            c.apply_deadline,
        )
        for c, firm, n, avg, n_apps in session.execute(stmt)
    ]
