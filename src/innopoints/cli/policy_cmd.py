"""``innopoints policy``: the policy library and its matching (one firm, or one policy over the city)."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path
from typing import Annotated

import typer

from innopoints.errors import UserError


def _date(text: str | None) -> dt.date:
    if text is None:
        return dt.date.today()
    try:
        return dt.date.fromisoformat(text)
    except ValueError:
        raise UserError(f"日期格式应为 YYYY-MM-DD，收到“{text}” (invalid date)") from None


def _list() -> None:
    from rich.console import Console
    from rich.table import Table

    from innopoints.policy.library import load_library
    from innopoints.policy.schema import BENEFIT_ZH, STATUS_ZH

    table = Table(title="政策库 (policy library)")
    for header in ("编号", "名称", "适用", "支持内容（元/万元）", "截止日期", "性质"):
        table.add_column(header)
    for p in load_library():
        m = p.meta
        table.add_row(
            m.id,
            m.name.zh,
            m.support_stage,
            BENEFIT_ZH[m.benefit.kind]
            + (f"，最高 {m.benefit.max_amount.text()}" if m.benefit.max_amount else "")
            + (f"，按 {(m.benefit.rate * 100).normalize():f}% 比例" if m.benefit.rate else ""),
            m.deadline.isoformat() if m.deadline else "常年",
            STATUS_ZH[m.status],
        )
    Console().print(table)


def _match_firm(uscc: str, round_id: int | None, as_of: dt.date, as_json: bool) -> None:
    from rich.console import Console

    from innopoints.bootstrap import default_container
    from innopoints.policy.service import match_firm
    from innopoints.policy.single import STATUS_TEXT

    container = default_container()
    with container.engine.connect() as conn:
        result = match_firm(conn, uscc, as_of, round_id, container.settings.region)
    console = Console()
    if as_json:
        console.print_json(json.dumps(result.as_dict(), ensure_ascii=False))
        return
    console.print(
        f"{result.name}（{result.uscc}）政策匹配，日期 {as_of.isoformat()}，积分批次 {result.round_id or '无'}",
        highlight=False,
    )
    for w in result.warnings:
        console.print(f"[yellow]注意：{w}[/yellow]", highlight=False)
    for m in result.matches:
        amount = "" if m.amount_yuan is None else f"，预计最高 {m.amount_yuan:f} 元"
        console.print(
            f"\n[bold]{STATUS_TEXT[m.status]}[/bold]  {m.policy_name}（{m.policy_id}）{amount}",
            highlight=False,
        )
        for reason in m.reasons:
            console.print(f"  · {reason}", highlight=False)
        console.print(f"  依据：{'；'.join(m.references)}（{m.policy_status}）", highlight=False)


def _match_policy(
    policy_id: str, round_id: int | None, as_of: dt.date, out: Path | None, unknown: bool
) -> None:
    import os

    from rich.console import Console

    from innopoints.bootstrap import default_container
    from innopoints.policy.service import EXPORT_COLUMNS, eligible_firms
    from innopoints.registry.exporting import write_rows

    container = default_container()
    with container.engine.connect() as conn:
        result = eligible_firms(conn, container.region, policy_id, as_of, round_id, include_unknown=unknown)
    console = Console()
    c = result.counts
    console.print(
        f"{result.policy.meta.name.zh}（{policy_id}）：符合 {c['met']:,} 家，待核实 {c['unknown']:,} 家，"
        f"不符合 {c['not_met']:,} 家；全市匹配用时 {result.seconds:.2f} 秒",
        highlight=False,
    )
    for w in result.warnings:
        console.print(f"[yellow]注意：{w}[/yellow]", highlight=False)
    if out is None:
        for row in result.rows[:20]:
            console.print(f"  {row['uscc']} {row['name']} {row['district']} {row['status']}", highlight=False)
        if len(result.rows) > 20:
            console.print(f"  … 共 {len(result.rows):,} 家，用 --out 导出全部", highlight=False)
        return
    fmt = "xlsx" if out.suffix.lower() == ".xlsx" else "csv"
    out.parent.mkdir(parents=True, exist_ok=True)
    tmp = out.with_name(f".{out.name}.part")
    try:
        count = write_rows(tmp, EXPORT_COLUMNS, result.rows, fmt)
    except BaseException:
        tmp.unlink(missing_ok=True)
        raise
    os.replace(tmp, out)
    console.print(f"已导出 (written) {count:,} 行：{out}", highlight=False)


def register(app: typer.Typer) -> None:
    policy_app = typer.Typer(help="政策库与政策匹配 (policy library and matching).", no_args_is_help=True)
    app.add_typer(policy_app, name="policy")

    @policy_app.command("list")
    def list_cmd() -> None:
        """列出政策库 (list the policy library)."""
        _list()

    @policy_app.command("match")
    def match_cmd(
        uscc: Annotated[
            str | None, typer.Option("--uscc", help="企业统一社会信用代码：该企业对全部政策的匹配")
        ] = None,
        policy: Annotated[str | None, typer.Option("--policy", help="政策编号：全市符合该政策的企业")] = None,
        round_id: Annotated[int | None, typer.Option("--round", help="积分评价批次（默认最新）")] = None,
        as_of: Annotated[str | None, typer.Option("--as-of", help="判断日期 YYYY-MM-DD（默认今天）")] = None,
        out: Annotated[
            Path | None, typer.Option("--out", help="导出文件 .xlsx 或 .csv（配合 --policy）")
        ] = None,
        include_unknown: Annotated[
            bool, typer.Option("--include-unknown", help="导出时包含待核实企业")
        ] = False,
        as_json: Annotated[bool, typer.Option("--json", help="输出 JSON（配合 --uscc）")] = False,
    ) -> None:
        """政策匹配：--uscc 看一家企业，--policy 看一项政策的全市名单 (match policies)."""
        day = _date(as_of)
        if (uscc is None) == (policy is None):
            raise UserError("请给出 --uscc 或 --policy 之一 (give exactly one of --uscc, --policy)")
        if uscc is not None:
            if out is not None:
                raise UserError("--out 只用于 --policy 名单导出 (--out works with --policy)")
            _match_firm(uscc, round_id, day, as_json)
        else:
            assert policy is not None
            _match_policy(policy, round_id, day, out, include_unknown)
