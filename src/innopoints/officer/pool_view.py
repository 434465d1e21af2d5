"""Cultivation-pool views for officers: members at a screened round (tiers, districts), the round-to-round
changes, and one firm's care record (history, assignments, follow-ups) with the forms that add to it.
Lists are limited to the principal's scope."""

from __future__ import annotations

import datetime as dt
import threading
from collections import OrderedDict
from dataclasses import dataclass
from typing import Any

import polars as pl
import sqlalchemy as sa
from sqlalchemy.orm import Session

from innopoints.accounts.principal import Principal
from innopoints.adapters.db import cultivation_repo as repo
from innopoints.adapters.db.cultivation_tables import PoolEvent
from innopoints.cultivation import care
from innopoints.cultivation.history import KIND_ZH
from innopoints.cultivation.report import CHANGE_ORDER, EXPORT_COLUMNS, pool_diff
from innopoints.cultivation.rulebook import CultivationRulebook
from innopoints.cultivation.service import firm_history, pool_at, screened_round_ids
from innopoints.errors import UserError
from innopoints.officer import forms
from innopoints.officer.scope import scope_label, scoped_firms, with_names
from innopoints.region import Region

MEMBER_COLUMNS = (
    ("tier_zh", "层级"),
    ("uscc", "统一社会信用代码"),
    ("name", "企业名称"),
    ("district", "区县"),
    ("cluster", "产业集群"),
)
NOT_SCREENED = "培育库尚未筛选：请先在“积分评价”页运行一个评价批次（勾选“同时筛选培育库”），或运行 innopoints pool screen"


def _check_tier(book: CultivationRulebook, tier: str | None) -> str | None:
    ids = [t.id for t in book.tiers.tiers]
    if tier and tier not in ids:
        names = "、".join(f"{t.name.zh}（{t.id}）" for t in book.tiers.tiers)
        raise UserError(f"参数 tier：未知层级“{tier}”，应为 {names} 之一")
    return tier or None


def _check_district(region: Region, district: str | None) -> str | None:
    if district and district not in {d.id for d in region.districts}:
        raise UserError(f"参数 district：未知区县代码“{district}”")
    return district or None


@dataclass(frozen=True)
class PoolView:
    round_id: int
    rounds: list[int]
    scope: str
    members: list[dict[str, Any]]  # filtered by tier / district
    by_tier: list[dict[str, Any]]  # in scope, unfiltered
    by_district: list[dict[str, Any]]
    alerts: list[dict[str, Any]]


def pool_view(
    session: Session,
    region: Region,
    book: CultivationRulebook,
    principal: Principal,
    round_id: int | None,
    tier: str | None = None,
    district: str | None = None,
) -> PoolView | None:
    """None when nothing has been screened yet."""
    screened = screened_round_ids(session)
    if not screened:
        return None
    rid = round_id or screened[-1]
    tier, district = _check_tier(book, tier), _check_district(region, district)
    firms = scoped_firms(session, principal)
    members = with_names(_pool_at(session, rid), firms, region)
    tiers = {t.id: t for t in book.tiers.tiers}
    counts = dict(members["tier"].value_counts().iter_rows()) if members.height else {}
    by_tier = [
        {"id": t.id, "name": t.name.zh, "rank": t.rank, "firms": int(counts.get(t.id, 0))}
        for t in book.tiers.tiers
    ]
    per_district: dict[str, dict[str, int]] = {}
    for row in members.group_by("district_code", "tier").len().iter_rows(named=True):
        per_district.setdefault(row["district_code"], {})[row["tier"]] = int(row["len"])
    by_district = [
        {"code": d.id, "name": d.name_zh, "tiers": {t: per_district.get(d.id, {}).get(t, 0) for t in tiers}}
        for d in region.districts
        if d.id in per_district
    ]
    shown = members
    if tier:
        shown = shown.filter(pl.col("tier") == tier)
    if district:
        shown = shown.filter(pl.col("district_code") == district)
    rank = {t.id: t.rank for t in book.tiers.tiers}
    rows = sorted(
        shown.iter_rows(named=True), key=lambda r: (-rank[r["tier"]], r["district_code"] or "", r["uscc"])
    )
    return PoolView(
        round_id=rid,
        rounds=screened,
        scope=scope_label(principal, region),
        members=[
            {
                "uscc": r["uscc"],
                "name": r["name"],
                "tier": r["tier"],
                "tier_zh": tiers[r["tier"]].name.zh,
                "district": r["district"],
                "cluster": r["cluster"],
            }
            for r in rows
        ],
        by_tier=by_tier,
        by_district=by_district,
        alerts=_alerts(session, rid, firms),
    )


_POOL_CACHE_SIZE = 8
_pool_cache: OrderedDict[tuple[str, ...], pl.DataFrame] = OrderedDict()
_pool_lock = threading.Lock()


def _pool_at(session: Session, round_id: int) -> pl.DataFrame:
    """``pool_at`` kept in memory: the pool at a screened round changes only when events are appended,
    so the key holds the event count and the last event id (and the database)."""
    count, last = session.execute(sa.select(sa.func.count(), sa.func.max(PoolEvent.id))).one()
    key = (str(session.get_bind().engine.url), str(round_id), str(count), str(last))
    with _pool_lock:
        hit = _pool_cache.get(key)
        if hit is not None:
            _pool_cache.move_to_end(key)
            return hit
    frame = pool_at(session, round_id)
    with _pool_lock:
        _pool_cache[key] = frame
        while len(_pool_cache) > _POOL_CACHE_SIZE:
            _pool_cache.popitem(last=False)
    return frame


def _alerts(session: Session, round_id: int, firms: pl.DataFrame) -> list[dict[str, Any]]:
    """The round's alerts for firms in scope."""
    names = dict(firms.select("uscc", "name").iter_rows())
    return [
        {"uscc": a.uscc, "name": names[a.uscc], "message": a.message_zh, "rule_id": a.rule_id}
        for a in repo.alerts(session, round_id)
        if a.uscc in names
    ]


@dataclass(frozen=True)
class DiffView:
    from_round: int
    to_round: int
    counts: dict[str, int]
    labels: dict[str, str]
    rows: list[dict[str, Any]]
    by_district: list[dict[str, Any]]


def diff_view(
    session: Session,
    region: Region,
    book: CultivationRulebook,
    principal: Principal,
    from_round: int,
    to_round: int,
) -> DiffView:
    diff = pool_diff(session, book, region, from_round, to_round)
    firms = scoped_firms(session, principal).select("uscc")
    rows = diff.rows.join(firms, on="uscc", how="inner")
    counts = {k: int((rows["change"] == k).sum()) for k in CHANGE_ORDER}
    per_district: dict[str, dict[str, int]] = {}
    for r in rows.group_by("district", "change").len().iter_rows(named=True):
        per_district.setdefault(r["district"] or "—", {})[r["change"]] = int(r["len"])
    return DiffView(
        from_round=from_round,
        to_round=to_round,
        counts=counts,
        labels={k: KIND_ZH[k] for k in CHANGE_ORDER},
        rows=rows.select("change", *(k for k, _ in EXPORT_COLUMNS)).to_dicts(),
        by_district=[
            {"name": name, **{k: v.get(k, 0) for k in CHANGE_ORDER}}
            for name, v in sorted(per_district.items())
        ],
    )


def firm_care(session: Session, book: CultivationRulebook, uscc: str) -> dict[str, Any]:
    """A pool firm's history (events with reasons and references, tier by round), assignments, follow-ups
    and alerts. The caller has checked that the principal may read the firm."""
    history = firm_history(session, uscc)
    return {
        "current_tier": book.tier_name(history.current_tier) if history.current_tier else None,
        "tier_by_round": [
            (r, book.tier_name(t) if t else "不在库") for r, t in history.tier_by_round.items()
        ],
        "events": [
            {
                **e,
                "kind_zh": KIND_ZH[str(e["kind"])],
                "tier_from_zh": book.tier_name(None if e["tier_from"] is None else str(e["tier_from"])),
                "tier_to_zh": book.tier_name(None if e["tier_to"] is None else str(e["tier_to"])),
            }
            for e in history.events
        ],
        "assignments": [
            {
                "id": a.id,
                "role": a.role,
                "role_zh": care.ROLE_ZH.get(a.role, a.role),
                "person_id": a.person_id,
                "person_name": a.person_name,
                "started_on": a.started_on,
                "ended_on": a.ended_on,
            }
            for a in repo.assignments(session, uscc)
        ],
        "follow_ups": [
            {
                "occurred_on": f.occurred_on,
                "kind_zh": care.FOLLOW_UP_ZH.get(f.kind, f.kind),
                "summary": f.summary,
                "recorded_by": f.recorded_by,
            }
            for f in repo.follow_ups(session, uscc)
        ],
        "alerts": [{"round": a.round_id, "message": a.message_zh} for a in repo.alerts(session, None, uscc)],
    }


def assign_from_form(session: Session, uscc: str, form: dict[str, str], today: dt.date) -> forms.FormErrors:
    """Validate the assignment form and assign (nothing written when a field is invalid)."""
    errors = forms.FormErrors()
    role = forms.choice(form, "role", "角色", care.ROLE_ZH, errors)
    person_id = forms.text(form, "person_id", "人员编号", errors, max_len=forms.MAX_PERSON_ID)
    person_name = forms.text(form, "person_name", "姓名", errors, max_len=forms.MAX_NAME)
    started = forms.date(form, "started_on", "开始日期", errors, not_after=today)
    if errors:
        return errors
    assert started is not None
    try:
        care.assign(session, uscc, role, person_id, person_name, started)  # type: ignore[arg-type]
    except UserError as exc:
        errors.add("role", exc.message)
    return errors


def end_from_form(session: Session, uscc: str, form: dict[str, str], today: dt.date) -> forms.FormErrors:
    errors = forms.FormErrors()
    role = forms.choice(form, "role", "角色", care.ROLE_ZH, errors)
    ended = forms.date(form, "ended_on", "结束日期", errors, not_after=today)
    if errors:
        return errors
    assert ended is not None
    try:
        care.end_assignment(session, uscc, role, ended)  # type: ignore[arg-type]
    except UserError as exc:
        errors.add("ended_on", exc.message)
    return errors


def follow_up_from_form(
    session: Session, uscc: str, form: dict[str, str], recorded_by: str, today: dt.date
) -> forms.FormErrors:
    errors = forms.FormErrors()
    kind = forms.choice(form, "kind", "跟进类型", care.FOLLOW_UP_ZH, errors)
    occurred = forms.date(form, "occurred_on", "跟进日期", errors, not_after=today)
    summary = forms.text(form, "summary", "跟进内容", errors, max_len=forms.MAX_SUMMARY)
    if errors:
        return errors
    assert occurred is not None
    item = care.FollowUpInput(uscc, kind, occurred, summary, recorded_by)  # type: ignore[arg-type]
    try:
        care.record_follow_up(session, item, today)
    except UserError as exc:
        errors.add("summary", exc.message)
    return errors
