"""Rich rendering of the pool commands (kept apart so ``pool_cmd`` stays a thin shell)."""

from __future__ import annotations

from pathlib import Path

from rich.console import Console
from rich.table import Table

from innopoints.errors import UserError


def render_diff(con: Console, from_round: int, to_round: int, out: Path | None) -> None:
    from innopoints.adapters.db.engine import unit_of_work
    from innopoints.bootstrap import default_container
    from innopoints.cultivation.history import KIND_ZH as CHANGE_ZH
    from innopoints.cultivation.report import CHANGE_ORDER, export_diff, pool_diff
    from innopoints.cultivation.rulebook import load_cultivation
    from innopoints.region import load_region

    c = default_container()
    if out is not None and out.suffix.lower() not in (".csv", ".xlsx"):
        raise UserError("--out 须为 .csv 或 .xlsx 文件 (export must be .csv or .xlsx)")
    with unit_of_work(c.sessions) as s:
        d = pool_diff(
            s, load_cultivation(c.settings.region), load_region(c.settings.region), from_round, to_round
        )
    con.print(
        f"培育库 批次 {from_round} → {to_round}: "
        + "，".join(f"{CHANGE_ZH[k]} {d.count(k):,} 家" for k in CHANGE_ORDER),
        highlight=False,
    )
    for title, frame, key in (
        ("按区县 (by district)", d.by_district, "district"),
        ("按产业集群 (by cluster)", d.by_cluster, "cluster"),
    ):
        table = Table(title=title)
        table.add_column("名称")
        for k in CHANGE_ORDER:
            table.add_column(CHANGE_ZH[k], justify="right")
        for r in frame.iter_rows(named=True):
            table.add_row(str(r[key]), *(f"{r[k]:,}" for k in CHANGE_ORDER))
        con.print(table)
    if out is not None:
        out.parent.mkdir(parents=True, exist_ok=True)
        out.write_bytes(export_diff(d, "xlsx" if out.suffix.lower() == ".xlsx" else "csv"))
        con.print(f"已导出 (written) {d.rows.height:,} 行: {out}", highlight=False)


def render_history(con: Console, uscc: str) -> None:
    from innopoints.adapters.db import cultivation_repo as repo
    from innopoints.adapters.db.engine import unit_of_work
    from innopoints.bootstrap import default_container
    from innopoints.cultivation.care import FOLLOW_UP_ZH, ROLE_ZH
    from innopoints.cultivation.history import KIND_ZH
    from innopoints.cultivation.rulebook import load_cultivation
    from innopoints.cultivation.service import firm_history

    c = default_container()
    book = load_cultivation(c.settings.region)
    with unit_of_work(c.sessions) as s:
        h = firm_history(s, uscc)
        people = [
            (ROLE_ZH[a.role], a.person_name, a.person_id, a.started_on, a.ended_on)
            for a in repo.assignments(s, uscc)
        ]
        notes = [
            (f.occurred_on, FOLLOW_UP_ZH.get(f.kind, f.kind), f.summary, f.recorded_by)
            for f in repo.follow_ups(s, uscc)
        ]
    con.print(f"企业 {uscc} 当前层级 (current tier): {book.tier_name(h.current_tier)}", highlight=False)
    table = Table(title="培育库事件 (pool events, append-only)")
    for col in ("批次", "事件", "层级", "原因", "规则", "依据", "时间"):
        table.add_column(col)
    for e in h.events:
        tiers = f"{book.tier_name(e['tier_from'])} → {book.tier_name(e['tier_to'])}"  # type: ignore[arg-type]
        table.add_row(
            str(e["round_id"]),
            KIND_ZH[str(e["kind"])],
            tiers,
            str(e["reason_zh"]),
            str(e["rule_id"]),
            str(e["reference"]),
            f"{e['created_at']:%Y-%m-%d %H:%M}",
        )
    con.print(table)
    rounds = "，".join(f"批次 {r}: {book.tier_name(t)}" for r, t in h.tier_by_round.items())
    con.print(f"各批次层级 (tier by round): {rounds or '—'}", highlight=False)
    for role, name, pid, start, end in people:
        con.print(f"{role} {name}（{pid}）{start} 至 {end or '今'}", highlight=False)
    for day, kind, summary, by in notes:
        con.print(f"{day} {kind}：{summary}（{by}）", highlight=False)


def render_alerts(con: Console, round_id: int | None, uscc: str | None, limit: int) -> None:
    from innopoints.adapters.db import cultivation_repo as repo
    from innopoints.adapters.db.engine import unit_of_work
    from innopoints.bootstrap import default_container

    with unit_of_work(default_container().sessions) as s:
        rows = [
            (a.round_id, a.prev_round_id, a.uscc, a.rule_id, a.message_zh)
            for a in repo.alerts(s, round_id, uscc)
        ]
    con.print(
        f"预警 (alerts): 共 {len(rows):,} 条" + (f"，列出前 {limit} 条" if len(rows) > limit else ""),
        highlight=False,
    )
    table = Table()
    for col in ("批次", "上一批次", "统一社会信用代码", "规则", "说明"):
        table.add_column(col)
    for r in rows[:limit]:
        table.add_row(str(r[0]), str(r[1]), r[2], r[3], r[4])
    con.print(table)
