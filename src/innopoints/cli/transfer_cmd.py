"""``innopoints transfer``: 成果转化 — statistics, contract registration, revenue sharing, demands, brokers,
service orders and the "卡脖子" challenge list. The CLI acts as an administrator (``transfer.access.SYSTEM``);
``--today`` fixes the working date for reproducible runs."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from contextlib import contextmanager
from decimal import Decimal, InvalidOperation
from typing import TYPE_CHECKING, Annotated

import typer

from innopoints.errors import UserError

if TYPE_CHECKING:
    from sqlalchemy.orm import Session

TodayOpt = Annotated[str | None, typer.Option("--today", help="工作日期 YYYY-MM-DD（默认今天）")]


def day(text: str | None, what: str = "日期") -> dt.date:
    if text is None:
        return dt.date.today()
    try:
        return dt.date.fromisoformat(text)
    except ValueError:
        raise UserError(f"{what}格式应为 YYYY-MM-DD，收到“{text}”") from None


def decimal(text: str | None, what: str) -> Decimal | None:
    if text is None:
        return None
    try:
        value = Decimal(text.strip().rstrip("%"))
    except InvalidOperation:
        raise UserError(f"{what}“{text}”不是数字（如 0.92 或 92%）") from None
    return value / 100 if text.strip().endswith("%") else value


@contextmanager
def session_scope() -> Iterator[Session]:
    from innopoints.adapters.db.engine import unit_of_work
    from innopoints.bootstrap import default_container

    with unit_of_work(default_container().sessions) as session:
        yield session


def print_table(title: str, headers: list[str], rows: list[list[str]], caption: str | None = None) -> None:
    from rich.console import Console
    from rich.table import Table

    table = Table(title=title, caption=caption)
    for h in headers:
        table.add_column(h, overflow="fold")
    for r in rows:
        table.add_row(*r)
    Console().print(table)


def say(text: str) -> None:
    from rich.console import Console

    Console().print(text, highlight=False, soft_wrap=True)


def _stats_contracts(year: int, by: str, direction: str) -> None:
    from innopoints.transfer.access import SYSTEM
    from innopoints.transfer.money import fmt_money
    from innopoints.transfer.stats import BY_ZH, DIRECTION_ZH, contract_stats

    with session_scope() as session:
        result = contract_stats(session, SYSTEM, year, by, direction)
    rows = [
        [r.key, r.name, f"{r.contracts:,}", fmt_money(r.amount_fen), fmt_money(r.technical_fen)]
        for r in result.rows
    ]
    t = result.total
    rows.append(["", "合计", f"{t.contracts:,}", fmt_money(t.amount_fen), fmt_money(t.technical_fen)])
    print_table(
        f"{year} 年技术合同{DIRECTION_ZH[direction]} · 按{BY_ZH[by]}",
        ["编号", "名称", "合同数（份）", "合同成交额", "技术交易额"],
        rows,
        "仅计已登记合同（按登记决定日期）；技术交易额 = 成交额 − 非技术性款项",
    )


def _stats_turnover(year: int, as_of: dt.date) -> None:
    from innopoints.transfer.access import SYSTEM
    from innopoints.transfer.money import fmt_money, fmt_pct
    from innopoints.transfer.stats import turnover_progress

    with session_scope() as session:
        p = turnover_progress(session, SYSTEM, year, as_of)
    say(f"[bold]{year} 年技术合同成交额（截至 {as_of.isoformat()}）：{fmt_money(p.turnover_fen)}[/bold]")
    say(
        f"上年同期：{fmt_money(p.previous_same_period_fen)}"
        + (f"，同比 {fmt_pct(p.growth)}" if p.growth is not None else "")
    )
    say(f"上年全年：{fmt_money(p.previous_year_fen)}")
    if p.target_fen is not None:
        assert p.progress is not None
        say(f"目标：{fmt_money(p.target_fen)}（{p.target_text}），完成 {fmt_pct(p.progress)}")
        if p.required_growth is not None:
            say(f"实现目标需较上年全年增长 {fmt_pct(p.required_growth)}")
    if p.published_fen is not None:
        gap = p.turnover_fen - p.published_fen
        say(
            f"公布数：{fmt_money(p.published_fen)}（{p.published_text}），平台数与公布数差 {fmt_money(abs(gap))}"
            + ("（平台偏低）" if gap < 0 else "")
        )


def _stats_pilots() -> None:
    from innopoints.transfer.access import SYSTEM
    from innopoints.transfer.money import fmt_money
    from innopoints.transfer.performance import pilot_outputs
    from innopoints.transfer.states import ORDER

    with session_scope() as session:
        out = pilot_outputs(session, SYSTEM)
    kind_zh = {"exact": "公布数", "at_least": "公布数（下限）", "goal": "目标"}

    def rows(checks: list) -> list[list[str]]:
        return [
            [
                c.name,
                f"{c.value:,} {c.unit}",
                f"{c.published:,} {c.unit}",
                kind_zh[c.kind],
                _verdict(c),
            ]
            for c in checks
        ]

    headers = ["指标", "平台统计", "对照", "口径", "比较"]
    print_table(
        "中试基地、概念验证中心累计产出（基地填报）", headers, rows(out.outputs), "对照：辽宁日报 2026-01-29"
    )
    print_table("载体数量", headers, rows(out.carriers))
    say(
        "平台服务订单："
        + "，".join(f"{ORDER.state_zh(s)} {n:,} 单" for s, n in out.orders_by_status.items())
        + f"；已交付订单金额 {fmt_money(out.orders_delivered_fen)}"
    )


def _verdict(check: object) -> str:
    from innopoints.transfer.performance import FigureCheck

    assert isinstance(check, FigureCheck)
    if check.meets:
        return "✓ 已达成" if check.kind == "goal" else "✓ 符合"
    if check.kind == "goal":
        return f"距目标尚差 {check.published - check.value:,} {check.unit}"
    return f"✗ 不符（差 {check.value - check.published:+,} {check.unit}）"


def _stats_brokers(year: int | None, top: int, today: dt.date) -> None:
    from innopoints.region import load_region
    from innopoints.transfer.access import SYSTEM
    from innopoints.transfer.money import fmt_money, fmt_pct
    from innopoints.transfer.performance import broker_performance, broker_summary

    region = load_region()
    with session_scope() as session:
        rows = broker_performance(session, SYSTEM, year, top)
        summary = broker_summary(session, SYSTEM, today)
    print_table(
        f"技术经纪人绩效（{'全部年份' if year is None else f'{year} 年分派'}，按签约成交额排序，前 {top} 名）",
        [
            "编号",
            "姓名",
            "领域",
            "区县",
            "在办",
            "分派",
            "签约",
            "终止",
            "签约率",
            "签约成交额",
            "评分（次）",
            "案例",
        ],
        [
            [
                str(r.broker_id),
                r.name,
                region.cluster_name(r.cluster_id),
                region.district_name(r.district_code),
                str(r.active),
                str(r.assigned),
                str(r.signed),
                str(r.terminated),
                "—" if r.conversion is None else fmt_pct(r.conversion),
                fmt_money(r.signed_amount_fen),
                "—" if r.rating is None else f"{r.rating}（{r.ratings}）",
                str(r.cases),
            ]
            for r in rows
        ],
    )
    say(
        f"持证技术经纪人 {summary.certified:,} 名（2026 目标累计 {summary.target:,} 名）；进行中对接 {summary.active_assignments:,} 项；"
        f"经纪人促成并已登记合同 {summary.signed:,} 份，成交额 {fmt_money(summary.signed_amount_fen)}"
    )


def _share(contract_id: int, rate: str | None, income: str | None, dry_run: bool) -> None:
    from innopoints.transfer.access import SYSTEM
    from innopoints.transfer.money import fmt_pct, fmt_yuan, parse_fen
    from innopoints.transfer.revenue import compute_shares

    with session_scope() as session:
        r = compute_shares(
            session,
            SYSTEM,
            contract_id,
            dt.datetime.now(dt.UTC),
            rate=decimal(rate, "完成人分配比例"),
            income_fen=None if income is None else parse_fen(income, "转化收入"),
            save=not dry_run,
        )
    s = r.split
    print_table(
        f"技术合同 {r.contract.contract_no} 成果转化收益分配（{r.institution.name}）",
        ["参与方", "类别", "应得比例", "分配金额（元，精确到分）"],
        [
            [
                p.name,
                "单位" if p.kind == "institution" else "完成人",
                fmt_pct(Decimal(p.fraction.numerator) / p.fraction.denominator, 2),
                fmt_yuan(p.amount_fen),
            ]
            for p in s.parts
        ]
        + [["合计", "", "100.00%", fmt_yuan(sum(p.amount_fen for p in s.parts))]],
    )
    say(
        f"转化收入 {fmt_yuan(s.income_fen)}；完成人比例 {fmt_pct(s.inventor_rate, 2)}，完成人合计 {fmt_yuan(s.pool_fen)}"
    )
    say(f"政策：{r.policy.label()}（本单位范围 {fmt_pct(r.policy.rate_min)}–{fmt_pct(r.policy.rate_max)}）")
    say("未保存（--dry-run）" if dry_run else "已保存分配结果")


def register(app: typer.Typer) -> None:
    from innopoints.cli import transfer_contract_cmd, transfer_flow_cmd

    transfer_app = typer.Typer(
        help="成果转化：统计、合同登记、收益分配、需求与经纪人、中试服务、卡脖子难题。", no_args_is_help=True
    )
    app.add_typer(transfer_app, name="transfer")
    stats_app = typer.Typer(help="成果转化统计 (statistics).", no_args_is_help=True)
    transfer_app.add_typer(stats_app, name="stats")

    @stats_app.command("contracts")
    def stats_contracts_cmd(
        year: Annotated[int, typer.Option("--year", help="统计年度（按登记决定日期）")],
        by: Annotated[
            str, typer.Option("--by", help="type（合同类型）/ field（技术领域）/ district（区县）")
        ] = "type",
        direction: Annotated[
            str, typer.Option("--direction", help="output（输出）/ absorb（吸纳）")
        ] = "output",
    ) -> None:
        """技术合同输出/吸纳统计：按类型、技术领域或区县 (contract statistics)."""
        _stats_contracts(year, by, direction)

    @stats_app.command("turnover")
    def stats_turnover_cmd(
        year: Annotated[int, typer.Option("--year")] = 2026,
        as_of: Annotated[
            str | None, typer.Option("--as-of", help="统计日期 YYYY-MM-DD（默认今天，不晚于年末）")
        ] = None,
    ) -> None:
        """技术合同成交额对照目标（2026 年 920亿元）与公布数 (turnover vs target)."""
        if as_of is None:
            date = max(dt.date(year, 1, 1), min(dt.date.today(), dt.date(year, 12, 31)))
        else:
            date = day(as_of, "统计日期")
        _stats_turnover(year, date)

    @stats_app.command("pilots")
    def stats_pilots_cmd() -> None:
        """中试基地/概念验证中心产出对照公布数（764/533/200+/3600+）(pilot outputs)."""
        _stats_pilots()

    @stats_app.command("brokers")
    def stats_brokers_cmd(
        year: Annotated[int | None, typer.Option("--year", help="只计该年分派的任务")] = None,
        top: Annotated[int, typer.Option("--top", min=1)] = 20,
        today: TodayOpt = None,
    ) -> None:
        """技术经纪人绩效 (broker performance)."""
        _stats_brokers(year, top, day(today))

    @transfer_app.command("share")
    def share_cmd(
        contract: Annotated[int, typer.Option("--contract", help="技术合同 ID")],
        rate: Annotated[
            str | None, typer.Option("--rate", help="完成人分配比例，如 0.92 或 92%（默认本单位政策默认值）")
        ] = None,
        income: Annotated[
            str | None, typer.Option("--income", help="实际转化收入，如 1400万（默认合同技术交易额）")
        ] = None,
        dry_run: Annotated[bool, typer.Option("--dry-run", help="只计算不保存")] = False,
    ) -> None:
        """按单位政策在单位与完成人之间分配合同转化收入，精确到分 (revenue sharing)."""
        _share(contract, rate, income, dry_run)

    transfer_contract_cmd.register(transfer_app)
    transfer_flow_cmd.register(transfer_app)
