"""The PySpark backend of :mod:`innopoints.rules.columnar`: the same compiled rules as Spark Columns."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from typing import Any

from pyspark.sql import Column
from pyspark.sql import functions as F
from pyspark.sql.types import BooleanType, DateType, DecimalType, LongType, StringType

from innopoints.rules.columnar import Expr


class SparkBackend:
    def col(self, name: str) -> Expr:
        return F.col(name)

    def lit(self, value: int | bool | str) -> Expr:
        if isinstance(value, bool):
            return F.lit(value).cast(BooleanType())
        return F.lit(value).cast(LongType()) if isinstance(value, int) else F.lit(value)

    def null_int(self) -> Expr:
        return F.lit(None).cast(LongType())

    def null_bool(self) -> Expr:
        return F.lit(None).cast(BooleanType())

    def null_str(self) -> Expr:
        return F.lit(None).cast(StringType())

    def is_null(self, expr: Expr) -> Expr:
        column: Column = expr
        return column.isNull()

    def fill_null(self, expr: Expr, value: int | bool) -> Expr:
        return F.coalesce(expr, self.lit(value))

    def cases(self, branches: Sequence[tuple[Expr, Expr]], otherwise: Expr) -> Expr:
        (cond, value), *rest = branches
        chain: Any = F.when(cond, value)
        for cond, value in rest:
            chain = chain.when(cond, value)
        return chain.otherwise(otherwise)

    def is_in(self, expr: Expr, members: Sequence[str]) -> Expr:
        column: Column = expr
        return F.when(column.isNull(), self.null_bool()).otherwise(column.isin(list(members)))

    def date_lit(self, day: dt.date) -> Expr:
        return F.lit(day).cast(DateType())

    def add_years(self, expr: Expr, years: int) -> Expr:
        """The same day ``years`` later; 29 February → 28 February (``add_months`` clamps the day)."""
        return F.add_months(expr, 12 * years)

    def days_between(self, start: Expr, end: Expr) -> Expr:
        """Whole days from ``start`` to ``end`` (``(end − start).days``)."""
        return F.datediff(end, start).cast(LongType())

    def wide(self, expr: Expr) -> Expr:
        """An exact integer type wide enough for products of two money amounts (38 digits)."""
        column: Column = expr
        return column.cast(DecimalType(38, 0))
