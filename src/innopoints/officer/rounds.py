"""Scoring-round views: one round's figures, two rounds compared, the top-% lists; every firm-level list is
limited to the principal's scope and can be exported (XLSX / CSV)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import polars as pl
from sqlalchemy.orm import Session

from innopoints.accounts.principal import Principal
from innopoints.errors import UserError
from innopoints.officer import results as res
from innopoints.officer import stats
from innopoints.officer.scope import scope_label, scoped_firms, with_names
from innopoints.region import Region
from innopoints.scoring.rulebook import PointsRulebook

LIST_IDS = tuple(k for k, _ in stats.LISTS)
TOP_COLUMNS = (
    ("city_rank", "全市排名"),
    ("uscc", "统一社会信用代码"),
    ("name", "企业名称"),
    ("district", "区县"),
    ("cluster", "产业集群"),
    ("stage_name", "发展阶段"),
    ("peer_group", "同类组"),
    ("peer_rank", "同组排名"),
    ("peer_size", "同组企业数（家）"),
    ("points", "创新积分（分）"),
    ("ladder_name", "梯度"),
)
MOVER_COLUMNS = (
    ("uscc", "统一社会信用代码"),
    ("name", "企业名称"),
    ("district", "区县"),
    ("points_from", "前批次积分（分）"),
    ("points_to", "后批次积分（分）"),
    ("delta", "积分变化（分）"),
    ("rank_from", "前批次全市排名"),
    ("rank_to", "后批次全市排名"),
    ("rank_change", "排名变化（名，正数为上升）"),
)
MEMBER_COLUMNS = (
    ("uscc", "统一社会信用代码"),
    ("name", "企业名称"),
    ("district", "区县"),
    ("points", "积分（分）"),
    ("city_rank", "全市排名"),
    ("peer_group", "同类组"),
)
COMPARE_KINDS = {"up": "积分上升", "down": "积分下降", "entries": "新进企业", "exits": "退出企业"}


@dataclass(frozen=True)
class RoundView:
    info: res.RoundInfo
    scope: str
    summary: dict[str, Any]
    histogram: list[dict[str, Any]]
    funnel: list[dict[str, Any]]
    stages: list[dict[str, Any]]
    previous: res.RoundInfo | None


def round_view(
    session: Session, region: Region, rb: PointsRulebook, principal: Principal, round_id: int
) -> RoundView:
    rounds = res.rounds(session, rb.version_hash)
    info = res.find_round(rounds, round_id)
    mine = with_names(res.round_results(session, info.id), scoped_firms(session, principal), region)
    return RoundView(
        info=info,
        scope=scope_label(principal, region),
        summary=stats.summary(mine),
        histogram=stats.histogram(mine),
        funnel=stats.funnel(mine, rb),
        stages=stats.by_stage(mine, rb),
        previous=res.previous_round(rounds, info.id),
    )


def check_list(list_id: str) -> str:
    if list_id not in LIST_IDS:
        raise UserError(f"参数 list：榜单只能是 {'、'.join(LIST_IDS)}，收到“{list_id}” (unknown list)")
    return list_id


def top_rows(
    session: Session, region: Region, rb: PointsRulebook, principal: Principal, round_id: int, list_id: str
) -> list[dict[str, Any]]:
    """Firms on the list (前5% / 前10% / 前20% of their peer group) in scope, by city rank."""
    check_list(list_id)
    res.find_round(res.rounds(session, rb.version_hash), round_id)
    frame = with_names(res.round_results(session, round_id), scoped_firms(session, principal), region)
    stage_names = {s.id: s.name_zh for s in rb.stages.stages}
    ladder_names = {r.id: r.name_zh for r in rb.ladder.ladder}
    on_list = frame.filter(pl.col(list_id)).sort(["city_rank", "uscc"])
    return [
        {
            **{
                k: r[k]
                for k in ("uscc", "name", "district", "cluster", "peer_group", "peer_rank", "peer_size")
            },
            "city_rank": r["city_rank"],
            "points": stats.points(r["points_centi"]),
            "stage_name": stage_names.get(r["stage"], r["stage"]),
            "ladder_name": ladder_names.get(r["ladder_stage"], "未入梯度"),
        }
        for r in on_list.iter_rows(named=True)
    ]


@dataclass(frozen=True)
class Comparison:
    before: res.RoundInfo
    after: res.RoundInfo
    scope: str
    movers: stats.Movers
    entries: int
    exits: int
    rulebook_changed: bool


def compare(
    session: Session,
    region: Region,
    rb: PointsRulebook,
    principal: Principal,
    from_round: int,
    to_round: int,
    top: int | None = 20,
) -> Comparison:
    if from_round == to_round:
        raise UserError("请选择两个不同的批次进行比较 (choose two different rounds)")
    rounds = res.rounds(session, rb.version_hash)
    before, after = res.find_round(rounds, from_round), res.find_round(rounds, to_round)
    firms = scoped_firms(session, principal)
    full = stats.movers(
        res.round_results(session, before.id), res.round_results(session, after.id), firms, region, top=None
    )
    shown = full if top is None else _head(full, top)
    return Comparison(
        before=before,
        after=after,
        scope=scope_label(principal, region),
        movers=shown,
        entries=len(full.entries),
        exits=len(full.exits),
        rulebook_changed=before.rulebook_hash != after.rulebook_hash,
    )


def _head(m: stats.Movers, n: int) -> stats.Movers:
    return stats.Movers(m.common, m.up[:n], m.down[:n], m.entries[:n], m.exits[:n], m.moved_up, m.moved_down)


def compare_rows(
    comparison: Comparison, kind: str
) -> tuple[tuple[tuple[str, str], ...], list[dict[str, Any]]]:
    """Columns and rows of one part of a comparison, for export."""
    m = comparison.movers
    if kind == "up":
        return MOVER_COLUMNS, m.up
    if kind == "down":
        return MOVER_COLUMNS, m.down
    if kind == "entries":
        return MEMBER_COLUMNS, m.entries
    if kind == "exits":
        return MEMBER_COLUMNS, m.exits
    raise UserError(f"参数 kind：只能是 {'、'.join(COMPARE_KINDS)}，收到“{kind}” (unknown part)")
