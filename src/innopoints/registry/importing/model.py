"""Plain data types shared by the import steps, the service and its callers (CLI, web)."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import Literal, Protocol

ERROR_REPORT_COLUMNS: tuple[tuple[str, str], ...] = (
    ("row", "行号"),
    ("column", "列名"),
    ("value", "原始值"),
    ("expected", "期望"),
    ("message", "错误说明"),
)

Phase = Literal["parse", "validate", "write"]


class ProgressCallback(Protocol):
    def __call__(self, phase: Phase, done: int, total: int) -> None: ...


def no_progress(phase: Phase, done: int, total: int) -> None:
    """The default progress callback: report nothing."""


@dataclass(frozen=True)
class CellError:
    """One problem in one cell. ``row`` is the row number the user sees (header = row 1)."""

    row: int
    column: str
    value: str
    expected: str
    message: str

    def as_dict(self) -> dict[str, object]:
        return {
            "row": self.row,
            "column": self.column,
            "value": self.value,
            "expected": self.expected,
            "message": self.message,
        }


@dataclass(frozen=True)
class ExistingEnterprise:
    """What the registry already holds about an enterprise named in the file."""

    id: int
    uscc: str
    name: str
    registration_date: date
    district_code: str
    park_id: str | None
    cluster_id: str
    high_tech_field_id: str | None
    listed: bool


ATTRIBUTE_KEYS: tuple[str, ...] = (
    "name",
    "registration_date",
    "district_code",
    "park_id",
    "cluster_id",
    "high_tech_field_id",
    "listed",
)


@dataclass(frozen=True)
class Preview:
    """What the upload page shows before anything is written."""

    file_name: str
    file_format: str
    encoding: str | None
    header_mapping: list[dict[str, str]]  # {"header", "key", "unit", "meaning"}
    file_errors: list[str]
    rows_total: int
    first_rows: list[dict[str, str]]
    errors: list[CellError]


BatchStatus = Literal["committed", "partial", "rejected", "dry_run", "unchanged"]


@dataclass
class ImportResult:
    file_name: str
    file_format: str
    encoding: str | None
    sha256: str
    source: str
    mode: str
    status: BatchStatus
    rows_total: int
    rows_accepted: int
    rows_quarantined: int
    enterprises_created: int = 0
    enterprises_updated: int = 0
    values_changed: int = 0
    batch_id: int | None = None
    errors: list[CellError] = field(default_factory=list)
    report_path: Path | None = None

    @property
    def exit_code(self) -> int:
        """0 when every row was good, 1 when some rows were refused (or nothing committed)."""
        return 1 if self.rows_quarantined or self.status == "rejected" else 0


ProgressFn = Callable[[Phase, int, int], None]
