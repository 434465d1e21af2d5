"""``innopoints export``: the enterprise list or one year of the panel as CSV (UTF-8 with BOM) or XLSX."""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path
from typing import TYPE_CHECKING, Any

import typer

from innopoints.errors import UserError

if TYPE_CHECKING:
    from rich.progress import Progress

FORMATS = ("csv", "xlsx")


def _format(fmt: str | None, out: Path) -> str:
    chosen = (fmt or ("xlsx" if out.suffix.lower() == ".xlsx" else "csv")).lower()
    if chosen not in FORMATS:
        raise UserError(f"--format 只能是 csv 或 xlsx，收到“{fmt}” (unknown export format)")
    return chosen


def _write(out: Path, columns: list[tuple[str, str]], rows: Iterator[dict[str, object]], fmt: str) -> int:
    """Stream the rows into a temporary file, then rename: a failed export never replaces a good file."""
    from innopoints.registry.exporting import write_rows

    out.parent.mkdir(parents=True, exist_ok=True)
    tmp = out.with_name(f".{out.name}.part")
    try:
        count = write_rows(tmp, columns, rows, "xlsx" if fmt == "xlsx" else "csv")
    except BaseException:
        tmp.unlink(missing_ok=True)
        raise
    os.replace(tmp, out)
    return count


def _progress() -> Progress:
    from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn

    return Progress(
        TextColumn("[bold]{task.description}"),
        BarColumn(),
        MofNCompleteColumn(),
        TimeElapsedColumn(),
        transient=True,
    )


def _query(**filters: Any) -> tuple[Any, Any]:
    from innopoints.bootstrap import default_container
    from innopoints.registry.directory import build_query

    container = default_container()
    return container, build_query(container.region, **filters)


def register(app: typer.Typer) -> None:
    export_app = typer.Typer(help="导出数据：企业名录或年度指标面板 (export data).", no_args_is_help=True)
    app.add_typer(export_app, name="export")

    @export_app.command("enterprises")
    def enterprises(
        out: Path = typer.Option(..., "--out", help="输出文件 (output file), .csv 或 .xlsx"),
        fmt: str = typer.Option(None, "--format", help="csv 或 xlsx；默认按 --out 的扩展名"),
        district: str = typer.Option(None, "--district", help="区县代码或名称，如 210112 / 浑南区"),
        park: str = typer.Option(None, "--park", help="园区标识或名称"),
        cluster: str = typer.Option(
            None, "--cluster", help="产业集群标识或名称，如 robotics / 机器人及智能制造"
        ),
        field: str = typer.Option(None, "--field", help="高新技术领域标识或名称"),
        qualification: str = typer.Option(None, "--qualification", help="资质，如 tech_sme / 高新技术企业"),
        search: str = typer.Option(None, "--search", help="企业名称或统一社会信用代码（部分匹配）"),
    ) -> None:
        """导出企业名录（当前有效资质、最近年度营业收入与研发费用，单位：元）。"""
        from datetime import date

        from rich.console import Console

        from innopoints.adapters.db import enterprise_repo
        from innopoints.registry.directory import list_export_columns, list_export_row

        chosen = _format(fmt, out)
        container, query = _query(
            text=search,
            district=district,
            park=park,
            cluster=cluster,
            high_tech_field=field,
            qualification=qualification,
        )
        today = date.today()
        with container.sessions() as session, _progress() as progress:
            year = enterprise_repo.latest_panel_year(session)
            task = progress.add_task(
                "导出企业 (exporting)", total=enterprise_repo.count(session, query, today)
            )

            def rows() -> Iterator[dict[str, object]]:
                for chunk in enterprise_repo.iter_summaries(
                    session, container.region, query, panel_year=year, as_of=today
                ):
                    yield from (list_export_row(item) for item in chunk)
                    progress.advance(task, len(chunk))

            written = _write(out, list_export_columns(year), rows(), chosen)
        Console().print(f"已导出 {written} 家企业 (exported) → {out}")

    @export_app.command("panel")
    def panel(
        year: int = typer.Option(..., "--year", help="指标年度，如 2024"),
        out: Path = typer.Option(..., "--out", help="输出文件 (output file), .csv 或 .xlsx"),
        fmt: str = typer.Option(None, "--format", help="csv 或 xlsx；默认按 --out 的扩展名"),
        district: str = typer.Option(None, "--district", help="区县代码或名称"),
        cluster: str = typer.Option(None, "--cluster", help="产业集群标识或名称"),
    ) -> None:
        """导出某一年度的指标面板：每家企业一行，表头为“指标名称（单位）”，金额为精确的“元”值。"""
        from datetime import date

        from rich.console import Console

        from innopoints.adapters.db import enterprise_repo
        from innopoints.registry.directory import panel_export_columns, panel_export_row
        from innopoints.registry.panel_fields import from_scaled

        chosen = _format(fmt, out)
        if not 1900 <= year <= 2200:
            raise UserError(f"--year 应为四位年份，收到 {year} (year out of range)")
        container, query = _query(district=district, cluster=cluster)
        today = date.today()
        skipped = 0
        with container.sessions() as session, _progress() as progress:
            task = progress.add_task(
                f"导出 {year} 年指标 (exporting)", total=enterprise_repo.count(session, query, today)
            )

            def rows() -> Iterator[dict[str, object]]:
                nonlocal skipped
                for chunk in enterprise_repo.iter_ids(session, query, as_of=today):
                    values = enterprise_repo.year_values(session, [firm for firm, _, _ in chunk], year)
                    for firm, uscc, name in chunk:
                        if firm not in values:
                            skipped += 1
                            continue
                        exact = {code: from_scaled(v) for code, v in values[firm].items()}
                        yield panel_export_row(uscc, name, year, exact)
                    progress.advance(task, len(chunk))

            written = _write(out, panel_export_columns(), rows(), chosen)
        console = Console()
        console.print(f"已导出 {year} 年 {written} 家企业的指标 (exported) → {out}")
        if skipped:
            console.print(
                f"[yellow]{skipped} 家企业没有 {year} 年的指标数据，未列入 (no values that year)。[/yellow]"
            )
