"""The enterprise profile (企业画像) service: one firm in one scoring round, plus gap and what-if.

``build_profile`` reads through ``adapters/db/profile_repo`` and assembles the sections with the pure
functions of ``profile.points``, ``profile.trend`` and ``profile.eligibility``. Routes call only the
functions of this module and pass the acting ``Actor``: each function checks the role (capability
``profile.view``, ``profile.what_if`` or ``round.view``) and the data scope (one firm: 404 unknown, 403 out of
scope, the read audited; lists: only firms in scope). ``actor=None`` is a trusted internal caller (CLI).

Money: structured fields carry exact 元 strings with two decimals; texts show 万元.
"""

from __future__ import annotations

import datetime as dt
import functools
import json
import logging
from collections.abc import Callable
from decimal import Decimal
from typing import Any, Concatenate, ParamSpec, TypeVar

from sqlalchemy.orm import Session

from innopoints.accounts.access import allowed, can_read_enterprise
from innopoints.accounts.context import Actor
from innopoints.adapters.analytics import columns as c
from innopoints.adapters.analytics.inputs import firm_inputs
from innopoints.adapters.db import enterprise_repo
from innopoints.adapters.db import profile_repo as repo
from innopoints.adapters.db.profile_repo import FirmRecord
from innopoints.adapters.db.scoring_tables import ScoringResult, ScoringRound
from innopoints.errors import NotFound, UserError
from innopoints.profile import eligibility, points, round_cache, trend
from innopoints.profile.firm_input import active_in, firm_input
from innopoints.registry.scope import audit_listed, check, read_firm, uscc_in_scope
from innopoints.scoring.explain import Explanation, explain
from innopoints.scoring.firm import FirmInput, stage_of
from innopoints.scoring.reference import Reference
from innopoints.scoring.rulebook import PointsRulebook

log = logging.getLogger(__name__)
NO_ROUND_MESSAGE = (
    "尚无积分评价批次，请先运行 innopoints score (no scoring round yet: run `innopoints score`)"
)


class NoRound(UserError):
    """No scoring round exists yet (the API answers 409)."""


class StaleRound(UserError):
    """The round was scored with another version of the points rulebook (the API answers 409)."""


P = ParamSpec("P")
R = TypeVar("R")


def _read_only(fn: Callable[Concatenate[Session, P], R]) -> Callable[Concatenate[Session, P], R]:
    """Run a read path without autoflush: an audit event added by the access check stays pending until the
    request commits, so on SQLite the write lock is taken at commit, not for the whole page assembly."""

    @functools.wraps(fn)
    def wrapper(session: Session, *args: P.args, **kwargs: P.kwargs) -> R:
        with session.no_autoflush:
            return fn(session, *args, **kwargs)

    return wrapper


def _firm(session: Session, uscc: str) -> FirmRecord:
    firm = repo.load_firm(session, uscc)
    if firm is None:
        raise NotFound(f"未找到统一社会信用代码为“{uscc}”的企业 (enterprise not found)")
    return firm


def _round_and_result(
    session: Session, uscc: str, round_id: int | None, stored: list[tuple[ScoringResult, ScoringRound]]
) -> tuple[ScoringRound, ScoringResult]:
    """``stored``: the firm's results with their rounds, oldest round first (``repo.results_with_rounds``)."""
    if round_id is not None:
        rnd = repo.get_round(session, round_id)
        if rnd is None:
            raise NotFound(f"评价批次 {round_id} 不存在 (scoring round {round_id} not found)")
        result = next((res for res, found in stored if found.id == round_id), None)
        if result is None:
            raise NotFound(f"评价批次 {round_id} 中没有企业 {uscc.upper()} (firm not scored in this round)")
        return rnd, result
    if not stored:
        if not repo.has_rounds(session):
            raise NoRound(NO_ROUND_MESSAGE)
        raise NotFound(f"企业 {uscc.upper()} 未参加任何积分评价批次 (firm not scored in any round)")
    result, rnd = stored[-1]  # the latest round (by year, then id) that scored the firm
    return rnd, result


def _check_rulebook(rnd: ScoringRound, rb: PointsRulebook) -> None:
    if rnd.rulebook_hash != rb.version_hash:
        raise StaleRound(
            f"评价批次 {rnd.id} 的积分规则版本与当前不同，无法解释，请重新运行 innopoints score "
            f"(round rulebook {rnd.rulebook_hash[:12]} ≠ current {rb.version_hash[:12]})"
        )


def _round_input(rnd: ScoringRound, firm: FirmRecord, rb: PointsRulebook) -> tuple[FirmInput, str]:
    """The firm's input as the round saw it. When none of its records was stored after the round was
    created, its current records ARE the round's input (same builder as the batch, tested firm by firm);
    otherwise the round's input snapshot is read, and the current records are used only if it is gone."""
    unchanged = firm.last_recorded is None or firm.last_recorded <= repo.utc(rnd.created_at)
    if unchanged:
        return firm_input(firm.uscc, firm.cluster_id, firm.data, rnd.year, rb), "records_unchanged"
    row = repo.snapshot_row(rnd, firm.uscc)
    if row is not None and row.height == 1:
        return firm_inputs(row.select(c.input_columns(rb)), rb)[0], "snapshot"
    return firm_input(firm.uscc, firm.cluster_id, firm.data, rnd.year, rb), "current_records"


def _estimator(
    session: Session,
    rnd: ScoringRound,
    firm: FirmRecord,
    rb: PointsRulebook,
    years: list[int],
    own_group: str,
) -> tuple[dict[int, Explanation], Reference]:
    """Explanations of earlier years (firm active that year) against the round's frozen reference, and
    that reference restricted to the groups needed (those years' groups and the firm's own group)."""
    names = round_cache.group_names(session, rnd)
    probe = Reference(rnd.quantile_points, json.loads(rnd.levels_json), {g: {} for g in names})
    inputs = {
        y: firm_input(firm.uscc, firm.cluster_id, firm.data, y, rb)
        for y in years
        if active_in(firm.data, y, firm.exit_date)
    }
    groups = {
        y: probe.resolve(stage_of(rb.stages.stages, fi, y).id, fi.cluster_id) for y, fi in inputs.items()
    }
    reference = round_cache.reference(session, rnd, {own_group, *groups.values()})
    return {y: explain(rb, reference, fi, y) for y, fi in inputs.items()}, reference


def _identity(firm: FirmRecord) -> dict[str, Any]:
    attrs = firm.data.attributes
    return {
        "uscc": firm.uscc,
        "name": firm.name,
        "registration_date": attrs.registration_date,
        "district_code": attrs.district,
        "cluster_id": attrs.cluster,
        "high_tech_field_id": attrs.high_tech_field_id,
        "listed": attrs.listed,
    }


def _round_info(rnd: ScoringRound) -> dict[str, Any]:
    return {
        "id": rnd.id,
        "year": rnd.year,
        "created_at": rnd.created_at,
        "engine": rnd.engine,
        "rulebook_hash": rnd.rulebook_hash,
        "firms": rnd.firms,
        "input_kind": rnd.input_kind,
    }


@_read_only
def build_profile(
    session: Session,
    rb: PointsRulebook,
    uscc: str,
    *,
    round_id: int | None = None,
    as_of: dt.date | None = None,
    verify: bool = False,
    actor: Actor | None = None,
) -> dict[str, Any]:
    """The 画像 of one firm in one round (default: the latest round that scored it)."""
    check(actor, "profile.view")
    if actor is not None:
        read_firm(session, actor, uscc, action="view_profile", part="profile")
    firm = _firm(session, uscc)
    stored = repo.results_with_rounds(session, firm.uscc)
    rnd, result = _round_and_result(session, firm.uscc, round_id, stored)
    _check_rulebook(rnd, rb)
    years = trend.trend_years(rnd.year)
    stored_years = {found.year: (found.id, res.points_centi) for res, found in stored}  # latest per year
    stored_years[rnd.year] = (rnd.id, result.points_centi)
    earlier = [y for y in years if y != rnd.year and y not in stored_years]
    estimates, reference = _estimator(session, rnd, firm, rb, earlier, result.peer_group)
    own_input, input_source = _round_input(rnd, firm, rb)
    exp = explain(rb, reference, own_input, rnd.year)
    if exp.peer_group != result.peer_group:
        raise UserError(
            f"批次 {rnd.id} 中企业 {firm.uscc} 的同类组（{result.peer_group}）与重算结果（{exp.peer_group}）"
            "不一致 (stored peer group differs from the recomputed one)"
        )
    own_scores: dict[str, int] = json.loads(result.group_scores_json)
    peers = round_cache.peer_columns(session, rnd, result.peer_group, [g.id for g in rb.indicators.groups])
    group_names = {g.id: g.name_zh for g in rb.indicators.groups}
    items = points.contributions(exp, group_names)
    list_names = {x.id: x.name_zh for x in rb.peer_groups.lists}
    ladder_names = {r.id: r.name_zh for r in rb.ladder.ladder}
    filing = eligibility.inputs_for(firm.data, as_of or dt.date.today(), rnd.year + 1)

    def estimate(year: int) -> Decimal | None:
        found = estimates.get(year)
        return None if found is None else found.points

    return {
        "enterprise": _identity(firm),
        "round": _round_info(rnd),
        "points": {
            "points": points.centi(result.points_centi),
            "base_points": points.centi(result.base_centi),
            "bonus_points": result.bonus_points,
            "penalty_points": result.penalty_points,
            "stage": result.stage,
            "stage_name": exp.stage_name_zh,
            "explained_points": exp.points,
            "input_source": input_source,
            **points.ranks(result, rnd.firms, list_names),
        },
        "radar": points.radar_sorted(
            rb,
            result.stage,
            own_scores,
            peers.sorted_scores,
            peers.medians,
            peers.size,
            peers.contains(own_scores),
        ),
        "indicators": items,
        **points.strengths_weaknesses(items),
        "trend": {
            "points": trend.points_trend(years, stored_years, estimate, rnd.id),
            "indicators": trend.indicator_trend(firm.data, years),
        },
        "ladder": {
            "points_ladder_stage": result.ladder_stage,
            "points_ladder_stage_name": ladder_names.get(result.ladder_stage, "未入梯度"),
            "tech_sme_score": result.tech_sme_score,
            "tech_sme_qualified": result.tech_sme_qualified,
        },
        "eligibility": eligibility.eligibility_section(filing, verify=verify),
        "rulebook_status": "regional_default",
        "rulebook_label": "积分指标体系为区域默认设计，非官方 (regional default, not official)",
    }


def _inputs(session: Session, uscc: str, as_of: dt.date | None, year: int | None) -> Any:
    firm = _firm(session, uscc)
    return eligibility.inputs_for(firm.data, as_of or dt.date.today(), year)


def gap(
    session: Session,
    uscc: str,
    *,
    target: str | None = None,
    as_of: dt.date | None = None,
    filing_year: int | None = None,
    verify: bool = True,
    actor: Actor | None = None,
) -> dict[str, Any]:
    """The gap from the firm's records to ``target`` (or the next rung), every change re-evaluated."""
    check(actor, "profile.view")
    if actor is not None:
        read_firm(session, actor, uscc, action="view_profile", part="profile")
    inputs = _inputs(session, uscc, as_of, filing_year)
    return {"uscc": uscc.upper(), **eligibility.gap_section(inputs, target, verify=verify)}


def what_if(
    session: Session,
    uscc: str,
    evaluator: str,
    overrides: dict[str, Any],
    *,
    as_of: dt.date | None = None,
    filing_year: int | None = None,
    actor: Actor | None = None,
) -> dict[str, Any]:
    check(actor, "profile.what_if")
    if actor is not None:
        read_firm(session, actor, uscc, action="view_profile", part="profile")
    inputs = _inputs(session, uscc, as_of, filing_year)
    return {"uscc": uscc.upper(), **eligibility.what_if_section(inputs, evaluator, overrides)}


def list_rounds(session: Session, *, actor: Actor | None = None) -> list[dict[str, Any]]:
    check(actor, "round.view")
    return [_round_info(r) for r in repo.rounds(session)]


def top_list(
    session: Session,
    rb: PointsRulebook,
    round_id: int,
    share: Decimal,
    *,
    peer_group: str | None = None,
    limit: int = 1000,
    actor: Actor | None = None,
) -> dict[str, Any]:
    """Firms on the list of ``share`` (0.05 / 0.10 / 0.20) in a round, by peer group and peer rank; for an
    officer only the firms of their district or park (``total`` counts those), each shown firm audited."""
    check(actor, "round.view")
    rnd = repo.get_round(session, round_id)
    if rnd is None:
        if not repo.has_rounds(session):
            raise NoRound(NO_ROUND_MESSAGE)
        raise NotFound(f"评价批次 {round_id} 不存在 (scoring round {round_id} not found)")
    spec = next((x for x in rb.peer_groups.lists if x.share == share), None)
    if spec is None:
        shares = "、".join(str(x.share) for x in rb.peer_groups.lists)
        raise UserError(f"参数 share：榜单比例只能是 {shares}，收到“{share}” (unknown list share)")
    scope = uscc_in_scope(actor, ScoringResult.uscc)
    total, rows = repo.top_results(session, round_id, spec.id, peer_group, limit, scope=scope)
    names = repo.names_of(session, [r.uscc for r in rows])
    audit_listed(session, actor, "view_points", names, detail=f"批次 {round_id} {spec.name_zh}")
    return {
        "round": _round_info(rnd),
        "list": {"id": spec.id, "name": spec.name_zh, "share": spec.share},
        "peer_group": peer_group,
        "total": total,
        "items": [
            {
                "uscc": r.uscc,
                "name": names.get(r.uscc, ""),
                "peer_group": r.peer_group,
                "peer_rank": r.peer_rank,
                "peer_size": r.peer_size,
                "city_rank": r.city_rank,
                "points": points.centi(r.points_centi),
                "stage": r.stage,
            }
            for r in rows
        ],
    }


@_read_only
def page_summary(
    session: Session, rb: PointsRulebook, uscc: str, *, actor: Actor | None = None
) -> dict[str, Any] | None:
    """The profile for the HTML detail page, or None when it cannot be built (no round yet, firm not
    scored, round of another rulebook version) or the actor may not see it (a bank whose consent does not
    name ``profile``): the page then shows the directory data only. The page's read is audited by the
    directory; this section adds no second event. ``gap_items`` flattens the gap to the next rung for display."""
    if actor is not None and not _may_see_profile(session, actor, uscc):
        return None
    try:
        profile = build_profile(session, rb, uscc)
    except UserError as exc:  # no round, not scored, or a round of another rulebook version
        log.info("no profile section for %s: %s", uscc, exc.message)
        return None
    gap_report = profile["eligibility"]["gap"]
    profile["gap_items"] = [] if gap_report is None else _leaves(gap_report["items"])
    return profile


def _leaves(items: list[dict[str, Any]]) -> list[dict[str, Any]]:
    out: list[dict[str, Any]] = []
    for item in items:
        if item["kind"] == "condition":
            out.append(item)
        else:
            for option in item["options"]:
                out.extend(_leaves(option["items"]))
    return out


def _may_see_profile(session: Session, actor: Actor, uscc: str) -> bool:
    firm = enterprise_repo.find(session, uscc.strip())
    return (
        firm is not None
        and allowed(actor.principal, "profile.view")
        and can_read_enterprise(session, actor.principal, firm, part="profile")
    )
