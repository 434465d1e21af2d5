"""The current time, in UTC, in one place so tests can pass their own ``now``."""

from __future__ import annotations

from datetime import UTC, datetime


def utcnow() -> datetime:
    return datetime.now(UTC)


def as_utc(value: datetime) -> datetime:
    """SQLite returns naive datetimes for timezone-aware columns; treat those as UTC."""
    return value if value.tzinfo is not None else value.replace(tzinfo=UTC)
