"""Year-end projection of one indicator from its trend in the year (exact decimal arithmetic).

* flow (contract turnover): when the previous year has values both for the same period and for the
  whole year, ``projection = YTD × previous full year ÷ previous same period`` (the previous year's
  seasonal shape); otherwise the daily run rate ``YTD × days in year ÷ days elapsed``.
* stock (counts of firms, carriers, brokers): ``current + max(0, current − start) × days remaining ÷
  days elapsed``, ``start`` being the value on 31 December of the previous year (linear net growth).
  A fall since 1 January is not extrapolated: 科技型中小企业入库 lapses every 31 December and is
  renewed during the year, so an early-year dip says nothing about the year end.
* on or after 31 December the value is final and the projection equals it.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal

SEASONAL = "按上年同期季节比例外推 (seasonal ratio of the previous year)"
RUN_RATE = "按日均线性外推 (daily run rate)"
NET_GROWTH = "按年初以来净增量线性外推，下降不外推 (linear net growth since 1 January)"
FINAL = "年度已结束，取年末实际值 (year closed: actual value)"


@dataclass(frozen=True)
class TrendInputs:
    current: Decimal
    start: Decimal = Decimal(0)  # stock: value on 31 December of the previous year
    previous_same_period: Decimal = Decimal(0)  # flow
    previous_full_year: Decimal = Decimal(0)  # flow


def elapsed(day: dt.date) -> tuple[int, int]:
    """(days elapsed including ``day``, days in the year)."""
    first = dt.date(day.year, 1, 1)
    return (day - first).days + 1, (dt.date(day.year + 1, 1, 1) - first).days


def project(kind: str, trend: TrendInputs, day: dt.date, places: int) -> tuple[Decimal, str]:
    done, total = elapsed(day)
    if done >= total:
        return trend.current, FINAL
    quantum = Decimal(1).scaleb(-places)
    if kind == "flow":
        if trend.previous_same_period > 0 and trend.previous_full_year > 0:
            value = trend.current * trend.previous_full_year / trend.previous_same_period
            return value.quantize(quantum, ROUND_HALF_UP), SEASONAL
        value = trend.current * total / done
        return value.quantize(quantum, ROUND_HALF_UP), RUN_RATE
    growth = max(Decimal(0), trend.current - trend.start)
    value = trend.current + growth * (total - done) / done
    return value.quantize(quantum, ROUND_HALF_UP), NET_GROWTH
