"""``innopoints pool``: the cultivation pool (培育库) — screening, history, diffs, assignments, follow-ups."""

from __future__ import annotations

from datetime import date
from enum import StrEnum
from pathlib import Path
from typing import TYPE_CHECKING

import typer

from innopoints.errors import UserError

if TYPE_CHECKING:
    from rich.console import Console


class RoleName(StrEnum):
    officer = "officer"
    commissioner = "commissioner"


class FollowUpKindName(StrEnum):
    visit = "visit"
    service = "service"
    outcome = "outcome"


def _console() -> Console:
    from rich.console import Console

    return Console()


def _parse_date(text: str | None, option: str) -> date:
    if text is None:
        return date.today()
    try:
        return date.fromisoformat(text)
    except ValueError as exc:
        raise UserError(f"{option} 须为 YYYY-MM-DD 日期 (date expected), got {text!r}") from exc


def _screen(year: int, round_id: int | None) -> None:
    from innopoints.bootstrap import default_container
    from innopoints.cultivation.rulebook import load_cultivation
    from innopoints.cultivation.service import screen_round

    book = load_cultivation(default_container().settings.region)
    out = screen_round(default_container().sessions, year, round_id, book)
    con = _console()
    tiers = "，".join(f"{book.tier_name(t.id)} {out.by_tier.get(t.id, 0):,} 家" for t in book.tiers.tiers)
    programs = "，".join(f"{p.name.zh} {out.by_program[pid]:,} 家" for pid, p in book.programs.items())
    from innopoints.cultivation.history import KIND_ZH

    events = "，".join(f"{KIND_ZH[k]} {out.events.get(k, 0):,}" for k in KIND_ZH)
    con.print(
        f"培育库筛选完成 (pool screened): {out.year} 年 批次 {out.round_id}"
        + ("（重新筛选 re-run）" if out.rescreen else "")
        + f"，参评企业 {out.firms:,} 家，在库 {out.members:,} 家，用时 {out.seconds:.2f} 秒\n"
        f"层级 (tiers): {tiers}\n筛选规则 (programs): {programs}\n"
        f"新增事件 (events appended): {events}；新增预警 (alerts) {out.alerts:,} 条",
        highlight=False,
    )
    for w in out.warnings:
        con.print(f"[yellow]注意 (warning):[/yellow] {w}", highlight=False)


def register(app: typer.Typer) -> None:
    pool_app = typer.Typer(
        help="培育库 (cultivation pool): 筛选、历史、比较、指派、跟进、预警.", no_args_is_help=True
    )
    app.add_typer(pool_app, name="pool")

    @pool_app.command("screen")
    def screen_cmd(
        year: int = typer.Option(..., "--year", help="评价年度 (year of the scoring round), e.g. 2025."),
        round_id: int = typer.Option(None, "--round", help="批次号 (round id); 默认该年最新批次."),
    ) -> None:
        """按积分批次筛选培育库，追加入库/升级/降级/出库事件 (screen a scoring round)."""
        _screen(year, round_id)

    @pool_app.command("diff")
    def diff_cmd(
        from_round: int = typer.Option(..., "--from", help="较早的批次号 (earlier round)."),
        to_round: int = typer.Option(..., "--to", help="较晚的批次号 (later round)."),
        out: Path = typer.Option(None, "--out", help="导出 .csv 或 .xlsx (export the changes)."),
    ) -> None:
        """两批次之间的新入库、升级、降级、出库，按区县和产业集群汇总 (round-to-round report)."""
        from innopoints.cli.pool_render import render_diff

        render_diff(_console(), from_round, to_round, out)

    @pool_app.command("show")
    def show_cmd(uscc: str = typer.Option(..., "--uscc", help="统一社会信用代码.")) -> None:
        """企业在培育库的完整历史、指派与跟进 (a firm's pool history)."""
        from innopoints.cli.pool_render import render_history

        render_history(_console(), uscc)

    @pool_app.command("assign")
    def assign_cmd(
        uscc: str = typer.Option(..., "--uscc", help="统一社会信用代码."),
        role: RoleName = typer.Option(
            ..., "--role", help="officer（区县专员）或 commissioner（科技特派员）."
        ),
        person_id: str = typer.Option(..., "--person-id", help="人员编号 (person id)."),
        person_name: str = typer.Option(..., "--name", help="姓名 (name)."),
        start: str = typer.Option(None, "--from-date", help="开始日期 YYYY-MM-DD（默认今天）."),
        end: bool = typer.Option(
            False, "--end", help="结束该企业此角色的在任指派 (end the active assignment)."
        ),
    ) -> None:
        """指派区县专员或科技特派员（特派员同一时间只服务一家企业） (assign or end an assignment)."""
        from innopoints.adapters.db.engine import unit_of_work
        from innopoints.bootstrap import default_container
        from innopoints.cultivation import care

        day = _parse_date(start, "--from-date")
        with unit_of_work(default_container().sessions) as s:
            if end:
                row = care.end_assignment(s, uscc, role.value, day)
                text = f"已结束指派 (ended): {care.ROLE_ZH[row.role]} {row.person_name} → {uscc}，{row.started_on} 至 {row.ended_on}"
            else:
                row = care.assign(s, uscc, role.value, person_id, person_name, day)
                text = f"已指派 (assigned): {care.ROLE_ZH[row.role]} {row.person_name}（{row.person_id}）→ {uscc}，自 {row.started_on}"
        _console().print(text, highlight=False)

    @pool_app.command("follow-up")
    def follow_up_cmd(
        uscc: str = typer.Option(..., "--uscc", help="统一社会信用代码."),
        kind: FollowUpKindName = typer.Option(
            ..., "--kind", help="visit（走访）/ service（服务）/ outcome（成效）."
        ),
        summary: str = typer.Option(..., "--summary", help="内容 (what happened)."),
        by: str = typer.Option(..., "--by", help="记录人 (recorded by: person id or name)."),
        on: str = typer.Option(None, "--date", help="日期 YYYY-MM-DD（默认今天）."),
    ) -> None:
        """追加一条跟进记录（走访、服务、成效） (append a follow-up record)."""
        from innopoints.adapters.db.engine import unit_of_work
        from innopoints.bootstrap import default_container
        from innopoints.cultivation import care

        item = care.FollowUpInput(uscc, kind.value, _parse_date(on, "--date"), summary, by)
        with unit_of_work(default_container().sessions) as s:
            row = care.record_follow_up(s, item)
            text = f"已记录 (recorded): {care.FOLLOW_UP_ZH[row.kind]} {row.occurred_on} {uscc}（记录号 {row.id}）"
        _console().print(text, highlight=False)

    @pool_app.command("alerts")
    def alerts_cmd(
        round_id: int = typer.Option(None, "--round", help="只看该批次 (only this round)."),
        uscc: str = typer.Option(None, "--uscc", help="只看该企业 (only this firm)."),
        limit: int = typer.Option(50, "--limit", help="最多列出 N 条 (rows to list)."),
    ) -> None:
        """列出跨越阈值的预警 (list stored alerts)."""
        from innopoints.cli.pool_render import render_alerts

        render_alerts(_console(), round_id, uscc, limit)
