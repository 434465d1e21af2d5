"""Rich progress displays for the synth command (kept out of the pure generator)."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import contextmanager

from rich.progress import (
    BarColumn,
    MofNCompleteColumn,
    Progress,
    SpinnerColumn,
    TextColumn,
    TimeElapsedColumn,
)

from innopoints.synth.city import City


@contextmanager
def phase_progress() -> Iterator[Callable[[str], None]]:
    """A spinner whose label follows the generator's phases."""
    with Progress(
        SpinnerColumn(),
        TextColumn("生成 (generating): {task.description}"),
        TimeElapsedColumn(),
        transient=True,
    ) as bar:
        task = bar.add_task("…", total=None)
        yield lambda msg: bar.update(task, description=msg)


@contextmanager
def rows_progress(city: City) -> Iterator[Callable[[str, int], None]]:
    """A bar over all rows to insert."""
    fields = (
        [c for c in city.panel_years[0].column_names if c not in ("uscc", "year")] if city.panel_years else []
    )
    panel = sum(t.num_rows * len(fields) - sum(t[c].null_count for c in fields) for t in city.panel_years)
    total = city.enterprises.height + city.qualifications.height + city.negative_records.height
    total += sum(df.height for df in city.tables.values()) + panel
    with Progress(
        TextColumn("写入数据库 (loading) {task.description}"),
        BarColumn(),
        MofNCompleteColumn(),
        TimeElapsedColumn(),
        transient=True,
    ) as bar:
        task = bar.add_task("", total=total)

        def advance(table: str, rows: int) -> None:
            bar.update(task, advance=rows, description=table)

        yield advance
