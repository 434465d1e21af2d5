"""``innopoints finance``: credit products, a firm's bank-side evaluation, statistics, loans and claims.

The CLI acts as the platform administrator (``finance.access.SYSTEM``); its reads of a firm are audited.
"""

from __future__ import annotations

import datetime as dt
from enum import StrEnum
from typing import Annotated

import typer

from innopoints.errors import UserError


class StatsBy(StrEnum):
    product = "product"
    bank = "bank"
    district = "district"
    cluster = "cluster"
    stage = "stage"


class Fmt(StrEnum):
    table = "table"
    json = "json"
    csv = "csv"


def _date(text: str | None, what: str = "--as-of") -> dt.date:
    if text is None:
        return dt.date.today()
    try:
        return dt.date.fromisoformat(text)
    except ValueError:
        raise UserError(f"{what}：日期格式应为 YYYY-MM-DD，收到“{text}” (invalid date)") from None


def _products(as_of: str | None, fmt: Fmt) -> None:
    from rich.console import Console

    from innopoints.cli.finance_render import print_json, products_table
    from innopoints.finance.evaluate import product_terms
    from innopoints.finance.products import products_in_force

    day = _date(as_of)
    products = products_in_force(day)
    console = Console()
    if fmt is Fmt.json:
        print_json(console, [product_terms(p) for p in products])
    elif fmt is Fmt.csv:
        raise UserError("products 只支持 table 或 json 格式")
    else:
        products_table(console, products, f"科技金融产品（{day.isoformat()} 在办）")


def _evaluate(uscc: str, round_id: int | None, as_of: str | None, fmt: Fmt, steps: bool, trace: bool) -> None:
    from rich.console import Console

    from innopoints.accounts.clock import utcnow
    from innopoints.adapters.db.engine import unit_of_work
    from innopoints.bootstrap import default_container
    from innopoints.cli.finance_render import evaluation, print_json
    from innopoints.finance.access import cli_actor
    from innopoints.finance.service import evaluate_firm

    if fmt is Fmt.csv:
        raise UserError("evaluate 只支持 table 或 json 格式")
    container = default_container()
    with unit_of_work(container.sessions) as session:
        result = evaluate_firm(
            session,
            cli_actor(f"innopoints finance evaluate --uscc {uscc}"),
            uscc,
            round_id=round_id,
            as_of=_date(as_of),
            now=utcnow(),
            region=container.settings.region,
        )
    console = Console()
    if fmt is Fmt.json:
        print_json(console, result.as_dict(trace=trace))
    else:
        evaluation(console, result, all_steps=steps)


def _stats(year: int | None, by: StatsBy, fmt: Fmt) -> None:
    from rich.console import Console

    from innopoints.accounts.clock import utcnow
    from innopoints.adapters.db.engine import unit_of_work
    from innopoints.bootstrap import default_container
    from innopoints.cli.finance_render import print_json, stats_csv, stats_table
    from innopoints.finance.access import cli_actor
    from innopoints.finance.stats import financing_stats

    container = default_container()
    with unit_of_work(container.sessions) as session:
        stats = financing_stats(
            session,
            cli_actor("innopoints finance stats"),
            container.region,
            by=by.value,
            year=year,
            now=utcnow(),
        )
    console = Console()
    if fmt is Fmt.json:
        print_json(console, stats.as_dict())
    elif fmt is Fmt.csv:
        typer.echo(stats_csv(stats), nl=False)
    else:
        stats_table(console, stats)


def register(app: typer.Typer) -> None:
    fin = typer.Typer(help="科技金融：产品、银行端评价、统计、贷款 (tech finance).", no_args_is_help=True)
    app.add_typer(fin, name="finance")

    @fin.command("products")
    def products_cmd(
        as_of: Annotated[str | None, typer.Option("--as-of", help="日期 YYYY-MM-DD（默认今天）")] = None,
        fmt: Annotated[Fmt, typer.Option("--format", help="table 或 json")] = Fmt.table,
    ) -> None:
        """列出在办的金融产品及条款 (list credit products)."""
        _products(as_of, fmt)

    @fin.command("evaluate")
    def evaluate_cmd(
        uscc: Annotated[str, typer.Option("--uscc", help="企业统一社会信用代码")],
        round_id: Annotated[int | None, typer.Option("--round", help="积分评价批次号（默认最新）")] = None,
        as_of: Annotated[str | None, typer.Option("--as-of", help="判断日期 YYYY-MM-DD（默认今天）")] = None,
        fmt: Annotated[Fmt, typer.Option("--format", help="table 或 json")] = Fmt.table,
        steps: Annotated[bool, typer.Option("--steps", help="显示每个产品的额度计算步骤")] = False,
        trace: Annotated[bool, typer.Option("--trace", help="JSON 中包含完整计算轨迹")] = False,
    ) -> None:
        """银行端五维度评价、产品匹配与建议授信额度（含公式输入与规则依据）(evaluate one firm)."""
        _evaluate(uscc, round_id, as_of, fmt, steps, trace)

    @fin.command("stats")
    def stats_cmd(
        year: Annotated[int | None, typer.Option("--year", help="放款年度（默认各年度）")] = None,
        by: Annotated[
            StatsBy, typer.Option("--by", help="分组：product|bank|district|cluster|stage")
        ] = StatsBy.product,
        fmt: Annotated[Fmt, typer.Option("--format", help="table|json|csv")] = Fmt.table,
    ) -> None:
        """融资统计：按产品/银行/区县/集群/梯度阶段，对比公布的25亿元，审批用时 (financing statistics)."""
        _stats(year, by, fmt)

    from innopoints.cli.finance_loans_cmd import register_loans

    register_loans(fin)
