"""Fast multi-row INSERT through the driver's ``executemany`` (used by imports of 100,000+ rows).

SQLAlchemy's ORM/Core executemany processes every parameter of every row in Python; here each
column's bind processor (e.g. ``date`` → text on SQLite) is applied once per value and the rows go
straight to the DBAPI cursor, inside the caller's transaction.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from typing import Any

import sqlalchemy as sa
from sqlalchemy import Connection

_PLACEHOLDERS = {"qmark": "?", "format": "%s", "pyformat": "%s", "numeric_dollar": None}


def bind_value(connection: Connection, column: sa.Column[Any], value: object) -> object:
    """A Python value as the driver should receive it for ``column``."""
    dialect = connection.dialect
    processor = column.type.dialect_impl(dialect).bind_processor(dialect)
    return processor(value) if processor is not None and value is not None else value


def insert_many(
    connection: Connection, table: sa.Table, columns: Sequence[str], rows: Iterable[Sequence[object]]
) -> int:
    """Insert ``rows`` (tuples in ``columns`` order) into ``table``; return how many."""
    dialect = connection.dialect
    placeholder = _PLACEHOLDERS.get(dialect.paramstyle)
    processors = [table.c[c].type.dialect_impl(dialect).bind_processor(dialect) for c in columns]
    if placeholder is None:
        payload = [dict(zip(columns, row, strict=True)) for row in rows]
        if payload:
            connection.execute(sa.insert(table), payload)
        return len(payload)
    if any(p is not None for p in processors):
        prepared = [
            tuple(
                p(v) if p is not None and v is not None else v for p, v in zip(processors, row, strict=True)
            )
            for row in rows
        ]
    else:
        prepared = [tuple(row) for row in rows]
    if prepared:
        sql = (
            f"INSERT INTO {table.name} ({', '.join(columns)}) "
            f"VALUES ({', '.join([placeholder] * len(columns))})"
        )
        connection.exec_driver_sql(sql, prepared)
    return len(prepared)
