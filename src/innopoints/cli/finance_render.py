"""Console rendering of finance results (tables with units; Chinese first)."""

from __future__ import annotations

import csv
import io
import json
from decimal import Decimal
from typing import Any

from rich.console import Console
from rich.table import Table

from innopoints.finance.eligibility import CHOICE_LABELS
from innopoints.finance.evaluate import FirmEvaluation, product_terms
from innopoints.finance.lifecycle import state_zh
from innopoints.finance.money import wan_text, yi_text
from innopoints.finance.products import Product
from innopoints.finance.stats import FAST_WORKING_DAYS, GROUPS, FinanceStats


def _json(data: Any) -> str:
    return json.dumps(
        data,
        ensure_ascii=False,
        indent=2,
        default=lambda v: str(v) if isinstance(v, Decimal) else v.isoformat(),
    )


def print_json(console: Console, data: Any) -> None:
    console.print(_json(data), highlight=False, soft_wrap=True)


def products_table(console: Console, products: tuple[Product, ...], title: str) -> None:
    table = Table(title=title)
    for header in ("编号", "名称", "类型", "额度", "年利率", "期限", "担保", "风险补偿", "积分专属", "性质"):
        table.add_column(header)
    for p in products:
        t = product_terms(p)
        amount = "—"
        if t["max_amount"]:
            amount = (f"{t['min_amount']}–" if t["min_amount"] else "最高 ") + t["max_amount"]
        table.add_row(
            t["id"],
            t["name"],
            t["type_zh"],
            amount,
            t["rate"] or "—",
            t["term"] or "—",
            t["collateral"],
            t["risk_compensation_share"] or "—",
            "是" if t["points_based"] else "否",
            t["status_zh"],
        )
    console.print(table)
    console.print(
        "示例条款（EXAMPLE）：报道点名的产品条款未公开，额度、利率、期限与门槛为平台示例口径。",
        highlight=False,
    )


def show(value: Any, unit: str) -> str:
    """A value with its unit for the console: money with thousands separators, percent to 2 decimals."""
    if value is None:
        return "—"
    if isinstance(value, bool):
        return "是" if value else "否"
    if isinstance(value, str):
        return CHOICE_LABELS.get(value, value)
    number = Decimal(value)
    if unit == "元":
        text = f"{number:,.2f}".removesuffix(".00")
    elif unit == "%":
        text = f"{number:.2f}"
    else:
        text = format(number.normalize(), "f") if number == number.to_integral_value() else f"{number:f}"
    return f"{text} {unit}".rstrip()


def _pct(value: Any) -> str:
    return "—" if value is None else f"{value}"


def evaluation(console: Console, result: FirmEvaluation, *, all_steps: bool) -> None:
    p = result.profile
    console.print(
        f"[bold]{result.name}（{result.uscc}）[/bold] 银行端评价：积分批次 {result.round.id}（{result.round.year} 年，"
        f"冻结于 {result.round.created_at:%Y-%m-%d %H:%M}），判断日期 {result.as_of.isoformat()}",
        highlight=False,
    )
    console.print(
        f"创新积分 {_pct(p['points'])} 分，全市百分位 {_pct(p['percentile'])}%，发展阶段 {p['stage']}，梯度 {p['ladder_stage']}",
        highlight=False,
    )
    for w in result.warnings:
        console.print(f"[yellow]注意：{w}[/yellow]", highlight=False)
    dims = Table(title=f"五维度评价（综合 {result.dims.composite} 分）")
    for header in ("维度", "得分（分）", "权重", "指标：值 → 得分"):
        dims.add_column(header)
    for d in result.dims.dimensions:
        parts = []
        for i in d.indicators:
            value = (
                "缺数据" if i.missing else ("无定义" if i.note and i.value is None else show(i.value, i.unit))
            )
            parts.append(f"{i.name} {value} → {i.score}")
        dims.add_row(d.name, f"{d.score}", f"{d.weight}", "；".join(parts))
    console.print(dims)
    lines = Table(title="产品匹配与建议授信额度")
    for header in ("产品", "准入", "建议额度", "说明"):
        lines.add_column(header)
    for r in result.products:
        reason = "；".join(r.eligibility.reasons[:2] + r.line.reasons[:1])
        lines.add_row(
            r.product.meta.name.zh, r.eligibility.as_dict()["status_zh"], r.line.amount_text, reason
        )
    console.print(lines)
    shown = [r for r in result.products if r.line.steps and (all_steps or r.line.amount_fen)]
    for r in shown[: None if all_steps else 1]:
        console.print(
            f"\n[bold]{r.product.meta.name.zh} 额度计算[/bold]：{r.line.formula_text}", highlight=False
        )
        for s in r.line.steps:
            band = f"  档次 {s['band']}" if s.get("band") else ""
            ref = f"  依据 {s['reference']}（{s['rule_status']}）" if s.get("rule_status") else ""
            console.print(f"  · {s['name']}：{show(s['value'], s['unit'])}{band}{ref}", highlight=False)
    rb = result.rulebook
    console.print(f"\n规则库 {rb['file']} 版本 {rb['version']} sha256 {rb['sha256'][:12]}…", highlight=False)


def stats_rows(stats: FinanceStats) -> list[dict[str, Any]]:
    return [
        {
            "year": r["year"],
            GROUPS[stats.by]: r["label"],
            "loans": r["loans"],
            "amount_yuan": f"{Decimal(r['amount_fen']) / 100:.2f}",
            "share_of_year": r["share_of_year"],
            "points_based_yuan": f"{Decimal(r['points_based_fen']) / 100:.2f}",
        }
        for r in stats.rows
    ]


def stats_csv(stats: FinanceStats) -> str:
    rows = stats_rows(stats)
    buf = io.StringIO()
    headers = ["year", GROUPS[stats.by], "loans", "amount_yuan", "share_of_year", "points_based_yuan"]
    writer = csv.DictWriter(buf, fieldnames=headers, lineterminator="\n")
    writer.writerow(
        {
            "year": "放款年度",
            GROUPS[stats.by]: GROUPS[stats.by],
            "loans": "放款笔数",
            "amount_yuan": "放款金额（元）",
            "share_of_year": "占当年比重",
            "points_based_yuan": "其中积分专属（元）",
        }
    )
    writer.writerows(rows)
    return buf.getvalue()


def stats_table(console: Console, stats: FinanceStats) -> None:
    title = f"科技金融统计：按{GROUPS[stats.by]}" + (f"（{stats.year} 年）" if stats.year else "（各年度）")
    table = Table(title=title)
    for header in ("放款年度", GROUPS[stats.by], "笔数", "金额（亿元）", "占当年", "其中积分专属（亿元）"):
        table.add_column(header)
    for r in stats.rows:
        table.add_row(
            str(r["year"]),
            str(r["label"]),
            f"{r['loans']:,}",
            r["amount"].removesuffix(" 亿元"),
            f"{r['share_of_year'] * 100:.2f}%",
            yi_text(r["points_based_fen"], 4).removesuffix(" 亿元"),
        )
    console.print(table)
    share = stats.points_share
    console.print(
        f"放款合计 {yi_text(stats.financed_fen)}（{stats.financed_loans:,} 笔，{wan_text(stats.financed_fen)}），"
        f"其中积分专属信贷 {yi_text(stats.points_based_fen)}，占比 {'—' if share is None else f'{share * 100:.2f}%'}",
        highlight=False,
    )
    if stats.published_fen:
        ratio = stats.published_ratio
        console.print(
            f"积分专属信贷累计放款 {yi_text(stats.points_based_cumulative_fen)}，公布数 {yi_text(stats.published_fen)}，"
            f"达成 {'—' if ratio is None else f'{ratio * 100:.2f}%'}",
            highlight=False,
        )
    a = stats.approval
    if a.decided:
        fast = "—" if a.within_fast is None else f"{a.within_fast * 100:.1f}%"
        console.print(
            f"审批用时（{a.decided:,} 笔已决定）：平均 {a.mean_days} 天，中位 {a.median_days} 天"
            f"（{a.median_working_days} 个工作日），90% 分位 {a.p90_days} 天；{FAST_WORKING_DAYS} 个工作日内决定 {fast}",
            highlight=False,
        )
    counts = "，".join(f"{state_zh(k)} {v:,}" for k, v in stats.status_counts.items())
    console.print(f"状态分布：{counts}", highlight=False)
    for note in stats.notes:
        console.print(f"[dim]说明：{note}[/dim]", highlight=False)
