"""Pool services (plain functions over a session factory, callable from the CLI or a web layer):
screen a scoring round, read a firm's history, derive the pool at any screened round."""

from __future__ import annotations

import time
from dataclasses import dataclass, field
from datetime import UTC, datetime

import polars as pl
from sqlalchemy.orm import Session, sessionmaker

from innopoints.accounts.context import Actor
from innopoints.adapters.db import cultivation_repo as repo
from innopoints.adapters.db.cultivation_tables import PoolAlert
from innopoints.adapters.db.engine import unit_of_work
from innopoints.adapters.db.scoring_tables import ScoringRound
from innopoints.cultivation.alerts import derive_alerts
from innopoints.cultivation.history import derive_events, replay, state_after
from innopoints.cultivation.inputs import screening_frame
from innopoints.cultivation.rulebook import CultivationRulebook, load_cultivation
from innopoints.cultivation.screen import screen
from innopoints.errors import NotFound, UserError
from innopoints.registry.scope import check, codes_in_scope, read_firm


@dataclass(frozen=True)
class ScreeningOutcome:
    round_id: int
    year: int
    firms: int
    members: int
    by_tier: dict[str, int]
    by_program: dict[str, int]
    events: dict[str, int]
    alerts: int
    seconds: float
    rescreen: bool
    warnings: list[str] = field(default_factory=list)


def pick_round(session: Session, year: int, round_id: int | None) -> ScoringRound:
    if round_id is not None:
        rnd = repo.get_round(session, round_id)
        if rnd.year != year:
            raise UserError(
                f"批次 {round_id} 是 {rnd.year} 年的评价批次，不是 {year} 年 (round year mismatch)"
            )
        return rnd
    latest = repo.latest_round_of_year(session, year)
    if latest is None:
        raise UserError(
            f"{year} 年还没有积分评价批次，请先运行 innopoints score --year {year} "
            f"(no scoring round for {year}: run `innopoints score --year {year}` first)"
        )
    return latest


def screened_round_ids(session: Session) -> list[int]:
    return [s.round_id for s in repo.screenings(session)]


def rounds_up_to(session: Session, round_id: int) -> list[int]:
    """Screened rounds up to and including ``round_id`` (screening order); error if not screened."""
    ids = screened_round_ids(session)
    if round_id not in ids:
        raise NotFound(
            f"批次 {round_id} 尚未筛选入库，请先运行 innopoints pool screen (round {round_id} has not been screened)"
        )
    return ids[: ids.index(round_id) + 1]


def pool_at(session: Session, round_id: int, *, actor: Actor | None = None) -> pl.DataFrame:
    """(uscc, tier) of every pool member as of a screened round, by replaying the event list; with an
    ``actor``: capability ``pool.view`` and only the members in the actor's data scope."""
    check(actor, "pool.view")
    ids = rounds_up_to(session, round_id)
    return within_scope(session, actor, state_after(repo.event_states(session, ids), ids))


def within_scope(session: Session, actor: Actor | None, frame: pl.DataFrame) -> pl.DataFrame:
    """The rows of ``frame`` (with a ``uscc`` column) whose firm is in the actor's data scope."""
    codes = codes_in_scope(session, actor)
    if codes is None:
        return frame
    return frame.filter(pl.col("uscc").is_in(sorted(codes)))


def _check_order(rnd: ScoringRound, screened: list[int]) -> bool:
    """True when this is a re-run of the latest screening; refuse rounds older than the latest."""
    if not screened or rnd.id > screened[-1]:
        return False
    if rnd.id == screened[-1]:
        return True
    raise UserError(
        f"批次 {rnd.id} 早于已筛选的批次 {screened[-1]}：培育库历史只能追加，不能插入过去 "
        f"(round {rnd.id} is older than the latest screened round {screened[-1]}; history is append-only)"
    )


def screen_round(
    sessions: sessionmaker[Session],
    year: int,
    round_id: int | None = None,
    book: CultivationRulebook | None = None,
) -> ScreeningOutcome:
    """Screen one scoring round and append the events (and alerts) that bring the pool up to date."""
    started = time.perf_counter()
    book = book or load_cultivation()
    now = datetime.now(UTC)
    with unit_of_work(sessions) as s:
        rnd = pick_round(s, year, round_id)
        screened = screened_round_ids(s)
        rescreen = _check_order(rnd, screened)
        frame = screening_frame(s, book, rnd.id, rnd.year)
        result = screen(book, frame, rnd.year)
        history = screened if rescreen else [*screened, rnd.id]
        before = state_after(repo.event_states(s, screened), screened)
        new_events = derive_events(book, before, result, rnd.id)
        repo.append_events(s, new_events, now)
        warnings = []
        if not rescreen:
            repo.add_screening(
                s,
                round_id=rnd.id,
                year=rnd.year,
                rulebook_hash=book.version_hash,
                screened_at=now,
                firms=result.height,
                members=int(result["tier"].is_not_null().sum()),
            )
        else:
            stored = repo.screenings(s)[-1]
            if stored.rulebook_hash != book.version_hash:
                warnings.append(
                    f"培育库规则已改动（原 {stored.rulebook_hash[:12]}，现 {book.version_hash[:12]}），"
                    "差异作为本批次的更正事件追加 (rulebook changed; differences appended as corrections)"
                )
        added_alerts = _alerts(s, book, rnd.id, history, result, now)
        rnd_id, rnd_year = rnd.id, rnd.year
    tiers = result.filter(pl.col("tier").is_not_null())["tier"].value_counts()
    return ScreeningOutcome(
        round_id=rnd_id,
        year=rnd_year,
        firms=result.height,
        members=int(tiers["count"].sum()) if tiers.height else 0,
        by_tier={str(r[0]): int(r[1]) for r in tiers.iter_rows()},
        by_program={pid: int(result[f"prog_{pid}"].sum()) for pid in book.programs},
        events={str(r[0]): int(r[1]) for r in new_events["kind"].value_counts().iter_rows()},
        alerts=added_alerts,
        seconds=time.perf_counter() - started,
        rescreen=rescreen,
        warnings=warnings,
    )


def _alerts(
    s: Session,
    book: CultivationRulebook,
    round_id: int,
    history: list[int],
    result: pl.DataFrame,
    now: datetime,
) -> int:
    position = history.index(round_id)
    if position == 0:
        return 0
    prev_id = history[position - 1]
    members = pl.concat(
        [pool_at(s, prev_id).select("uscc"), result.filter(pl.col("tier").is_not_null()).select("uscc")]
    )
    rows = derive_alerts(
        book, members, repo.round_results(s, prev_id), repo.round_results(s, round_id), round_id, prev_id
    )
    if rows.height == 0:
        return 0
    seen = repo.alert_keys(s, round_id)
    if seen:
        keys = pl.DataFrame(list(seen), schema={"uscc": pl.String, "rule_id": pl.String}, orient="row")
        rows = rows.join(keys, on=["uscc", "rule_id"], how="anti")
    return repo.append_alerts(s, rows, now) if rows.height else 0


@dataclass(frozen=True)
class FirmHistory:
    uscc: str
    events: list[dict[str, object]]
    tier_by_round: dict[int, str | None]
    current_tier: str | None


def firm_history(session: Session, uscc: str, *, actor: Actor | None = None) -> FirmHistory:
    """A firm's events and its tier after every screened round (replayed). With an ``actor``: capability
    ``pool.view``, the firm in the actor's scope (403 otherwise), the read audited."""
    check(actor, "pool.view")
    if actor is not None:
        uscc = read_firm(session, actor, uscc, action="view_profile", part="profile")
    if not repo.enterprise_exists(session, uscc):
        raise NotFound(f"企业 {uscc} 不存在 (enterprise not found)")
    rows = repo.events(session, uscc=uscc).to_dicts()
    by_round: dict[int, str | None] = {}
    for rid in screened_round_ids(session):
        upto = set(rounds_up_to(session, rid))
        by_round[rid] = replay([e for e in rows if e["round_id"] in upto]).get(uscc)
    current = replay(rows).get(uscc)
    return FirmHistory(uscc, rows, by_round, current)


def pool_alerts(
    session: Session, round_id: int | None = None, uscc: str | None = None, *, actor: Actor | None = None
) -> list[PoolAlert]:
    """Stored pool alerts (of one round, of one firm); with an ``actor``: capability ``pool.view``, a firm
    asked for by code must be in scope (403), and only alerts of firms in scope are returned."""
    check(actor, "pool.view")
    if uscc is not None and actor is not None:
        uscc = read_firm(session, actor, uscc, action="view_profile", part="profile")
    rows = repo.alerts(session, round_id, uscc)
    codes = codes_in_scope(session, actor)
    return rows if codes is None else [a for a in rows if a.uscc in codes]
