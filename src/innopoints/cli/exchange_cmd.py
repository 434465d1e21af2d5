"""``innopoints import FILE`` and ``innopoints template``: enterprise data exchange by file.

Exit codes of ``import``: 0 every row imported (or valid in --dry-run), 1 some rows quarantined
(or, with --all-or-nothing, nothing committed), 2 file-level error (unreadable file, encoding,
missing or unknown columns, wrong file type).
"""

from __future__ import annotations

from datetime import datetime
from pathlib import Path
from typing import ClassVar

import typer

from innopoints.errors import UserError
from innopoints.registry.importing.model import Phase, ProgressFn

_SHOWN_ERRORS = 10


def register(app: typer.Typer) -> None:
    @app.command("import")
    def import_file(
        file: Path = typer.Argument(..., help="CSV（UTF-8/GBK）或 XLSX 文件 (file to import)"),
        source: str = typer.Option(
            "import",
            "--source",
            help="数据来源 (provenance): tax, market_regulation, intellectual_property, statistics, self_reported, import",
        ),
        all_or_nothing: bool = typer.Option(
            False, "--all-or-nothing", help="任一行有错则全部不导入 (commit nothing if any row is bad)"
        ),
        report: Path | None = typer.Option(
            None,
            "--report",
            help="错误报告路径 .csv 或 .xlsx (per-cell error report; default under data_dir/reports)",
        ),
        dry_run: bool = typer.Option(False, "--dry-run", help="只校验不写入 (validate and report only)"),
    ) -> None:
        """导入企业年度数据 (import enterprise data: one row per enterprise and year)."""
        from rich.console import Console

        from innopoints.bootstrap import default_container
        from innopoints.registry.importing.report import default_report_path, write_error_report
        from innopoints.registry.importing.service import run_import

        if report is not None and report.suffix.lower() not in (".csv", ".xlsx"):
            raise UserError(f"--report 只能是 .csv 或 .xlsx 文件（got “{report.name}”）")
        console = Console()
        container = default_container()
        with _progress(console) as progress_fn:
            result = run_import(
                container,
                file,
                source=source,
                all_or_nothing=all_or_nothing,
                dry_run=dry_run,
                progress=progress_fn,
            )
        if result.errors:
            target = report or default_report_path(
                container.settings.data_dir, result.batch_id, datetime.now()
            )
            result.report_path = write_error_report(result.errors, target)
        _print_summary(console, result)
        raise typer.Exit(result.exit_code)

    @app.command("template")
    def template(
        fmt: str = typer.Option("xlsx", "--format", help="csv 或 xlsx (template format)"),
        out: Path = typer.Option(..., "--out", help="输出文件路径 (where to write the template)"),
    ) -> None:
        """下载导入模板（中文表头）(write the import template with Chinese headers)."""
        from rich.console import Console

        from innopoints.registry.template import write_template

        if fmt not in ("csv", "xlsx"):
            raise UserError(f"--format 只能是 csv 或 xlsx（got “{fmt}”）")
        if out.parent and not out.parent.exists():
            raise UserError(f"目录不存在：{out.parent}")
        write_template(out, "csv" if fmt == "csv" else "xlsx")
        Console().print(f"模板已写入 (template written): {out}")


class _progress:
    """A Rich progress bar fed by the import service's ``progress(phase, done, total)`` callback."""

    LABELS: ClassVar[dict[str, str]] = {
        "parse": "读取文件 (parse)",
        "validate": "校验 (validate)",
        "write": "写入数据库 (write)",
    }

    def __init__(self, console: object) -> None:
        from rich.console import Console
        from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn

        assert isinstance(console, Console)
        self.bar = Progress(
            TextColumn("{task.description}"),
            BarColumn(),
            MofNCompleteColumn(),
            TimeElapsedColumn(),
            console=console,
            transient=True,
        )
        self.tasks: dict[str, object] = {}

    def __enter__(self) -> ProgressFn:
        self.bar.start()
        return self.update

    def __exit__(self, *exc: object) -> None:
        self.bar.stop()

    def update(self, phase: Phase, done: int, total: int) -> None:
        from rich.progress import TaskID

        if phase not in self.tasks:
            self.tasks[phase] = self.bar.add_task(self.LABELS.get(phase, phase), total=max(total, 1))
        task = self.tasks[phase]
        assert isinstance(task, int)
        self.bar.update(TaskID(task), completed=done, total=max(total, 1))


def _print_summary(console: object, result: object) -> None:
    from rich.console import Console
    from rich.table import Table

    from innopoints.registry.importing.model import ImportResult
    from innopoints.registry.panel import source_label

    assert isinstance(console, Console) and isinstance(result, ImportResult)
    status = {
        "committed": "[green]已导入 (committed)[/green]",
        "partial": "[yellow]部分导入，问题行已隔离 (partial: bad rows quarantined)[/yellow]",
        "rejected": "[red]未导入：存在错误行 (rejected, nothing committed)[/red]",
        "dry_run": "[cyan]仅校验，未写入 (dry run)[/cyan]",
    }.get(result.status, result.status)
    summary = Table(title="导入结果 (import summary)", show_header=False)
    summary.add_column(style="bold")
    summary.add_column()
    rows = [
        (
            "文件 (file)",
            f"{result.file_name}（{result.file_format.upper()}{'，' + result.encoding if result.encoding else ''}）",
        ),
        ("数据来源 (source)", f"{result.source}（{source_label(result.source)}）"),
        ("状态 (status)", status),
        ("批次 (batch)", str(result.batch_id) if result.batch_id is not None else "—"),
        ("数据行 (rows)", f"{result.rows_total:,}"),
        ("通过 (accepted)", f"{result.rows_accepted:,}"),
        ("隔离 (quarantined)", f"{result.rows_quarantined:,}"),
        ("新建企业 (enterprises created)", f"{result.enterprises_created:,}"),
        ("更新企业信息 (enterprises updated)", f"{result.enterprises_updated:,}"),
        ("变更值 (values changed)", f"{result.values_changed:,}"),
    ]
    for label, value in rows:
        summary.add_row(label, value)
    console.print(summary)
    if not result.errors:
        return
    errors = Table(
        title=f"前{min(_SHOWN_ERRORS, len(result.errors))}条错误（共{len(result.errors):,}条）(first errors)"
    )
    for header in ("行号", "列名", "原始值", "期望", "错误说明"):
        errors.add_column(header, overflow="fold")
    for e in result.errors[:_SHOWN_ERRORS]:
        errors.add_row(str(e.row), e.column, e.value, e.expected, e.message)
    console.print(errors)
    console.print(f"完整错误报告 (full report): {result.report_path}", highlight=False)
