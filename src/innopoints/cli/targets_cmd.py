"""``innopoints targets``: annual targets with live values, district decomposition, projection and alerts."""

from __future__ import annotations

import datetime as dt
from enum import StrEnum
from pathlib import Path
from typing import Annotated

import typer

from innopoints.errors import UserError


class ReportFormat(StrEnum):
    table = "table"
    xlsx = "xlsx"
    pdf = "pdf"


def _as_of(text: str | None, year: int) -> dt.date:
    if text is None:
        return min(dt.date.today(), dt.date(year, 12, 31))
    try:
        return dt.date.fromisoformat(text)
    except ValueError:
        raise UserError(f"日期格式应为 YYYY-MM-DD，收到“{text}” (invalid date)") from None


def _atomic_write(out: Path, data: bytes) -> None:
    import os

    out.parent.mkdir(parents=True, exist_ok=True)
    tmp = out.with_name(f".{out.name}.part")
    tmp.write_bytes(data)
    os.replace(tmp, out)


def _print(report: object) -> None:
    from rich.console import Console
    from rich.table import Table

    from innopoints.targets.report import TargetsReport, fmt

    assert isinstance(report, TargetsReport)
    console = Console()
    table = Table(title=f"{report.year} 年目标进度（截至 {report.as_of.isoformat()}）")
    for h in ("指标", "目标", "当前值", "进度", "年底预计", "状态"):
        table.add_column(h)
    for r in report.indicators:
        progress = "—" if r.progress_pct is None else f"{r.progress_pct}%"
        table.add_row(
            r.name,
            fmt(r.target, r.unit),
            fmt(r.current, r.unit),
            progress,
            fmt(r.projection, r.unit),
            r.status,
        )
    console.print(table)
    console.print(f"区县分解：{report.allocation_label}", highlight=False)
    for alert in report.alerts:
        console.print(f"[red]{alert}[/red]", highlight=False)


def register(app: typer.Typer) -> None:
    targets_app = typer.Typer(help="年度目标、区县分解与进度预警 (annual targets).", no_args_is_help=True)
    app.add_typer(targets_app, name="targets")

    @targets_app.command("report")
    def report_cmd(
        year: Annotated[int, typer.Option("--year", help="目标年度")] = 2026,
        as_of: Annotated[
            str | None, typer.Option("--as-of", help="统计日期 YYYY-MM-DD（默认今天，不晚于年末）")
        ] = None,
        fmt: Annotated[
            ReportFormat, typer.Option("--format", help="table / xlsx / pdf")
        ] = ReportFormat.table,
        out: Annotated[Path | None, typer.Option("--out", help="输出文件（xlsx / pdf 必填）")] = None,
    ) -> None:
        """目标进度报告：实时计算当前值、年底预计与预警 (targets progress report)."""
        from innopoints.bootstrap import default_container
        from innopoints.targets.report import build_report

        if fmt is not ReportFormat.table and out is None:
            raise UserError(f"--format {fmt.value} 需要 --out 文件 (an output file is required)")
        container = default_container()
        with container.engine.connect() as conn:
            report = build_report(
                conn, year, _as_of(as_of, year), container.region, container.settings.region
            )
        if fmt is ReportFormat.table:
            _print(report)
            return
        assert out is not None
        if fmt is ReportFormat.pdf:
            from innopoints.targets.pdf import render_pdf

            _atomic_write(out, render_pdf(report))
        else:
            from innopoints.registry.exporting import export_rows
            from innopoints.targets.export import COLUMNS, report_rows

            _atomic_write(out, export_rows(COLUMNS, list(report_rows(report)), "xlsx"))
        typer.echo(f"已写出 (written): {out}")

    @targets_app.command("allocate")
    def allocate_cmd(
        indicator: Annotated[str, typer.Option("--indicator", help="指标编号")],
        district: Annotated[str, typer.Option("--district", help="区县代码（GB/T 2260）")],
        value: Annotated[int, typer.Option("--value", help="区县目标值（目标单位：家/个/名；金额为元）")],
        by: Annotated[str, typer.Option("--by", help="修改人")],
        reason: Annotated[str, typer.Option("--reason", help="修改原因")],
        year: Annotated[int, typer.Option("--year")] = 2026,
    ) -> None:
        """修改一个区县的目标（追加记录，保留历史）(append a district target change)."""
        from datetime import UTC, datetime

        from innopoints.bootstrap import default_container
        from innopoints.targets import allocation as alloc

        container = default_container()
        default = alloc.load_default(container.region, year, container.settings.region)
        with container.engine.begin() as conn:
            rid = alloc.record_change(
                conn,
                container.region,
                default,
                indicator=indicator,
                district=district,
                value=value,
                changed_by=by,
                reason=reason,
                at=datetime.now(UTC),
            )
        typer.echo(f"已记录分解调整 #{rid}：{container.region.district_name(district)} {indicator} = {value}")

    @targets_app.command("allocation")
    def allocation_cmd(
        year: Annotated[int, typer.Option("--year")] = 2026,
        indicator: Annotated[str | None, typer.Option("--indicator")] = None,
    ) -> None:
        """区县分解的修改历史 (history of allocation changes)."""
        from innopoints.bootstrap import default_container
        from innopoints.targets import allocation as alloc

        container = default_container()
        with container.engine.connect() as conn:
            rows = alloc.history(conn, year, indicator)
        if not rows:
            typer.echo("尚无调整记录，使用默认分解（平台假设）(no changes; default allocation in use)")
        for r in rows:
            typer.echo(
                f"#{r['id']} {r['changed_at']:%Y-%m-%d %H:%M} {r['changed_by']}: "
                f"{container.region.district_name(r['district_code'])} {r['indicator']} = {r['value']}（{r['reason']}）"
            )
