"""Sample input objects for the batch-vs-single-firm agreement tests: random firms plus firms on, just
below and just above every threshold (money ± 0.01 元, counts ± 1, ages ± 1 day around anniversaries,
29 February registrations), with inputs missing at random."""

from __future__ import annotations

import datetime as dt
import random
from collections.abc import Callable, Mapping
from decimal import Decimal
from typing import Any

import polars as pl

from innopoints.eligibility.common import add_years
from innopoints.rules.compiled import CompiledRulebook
from innopoints.scoring.evaluators_batch import series_column

CENT = Decimal("0.01")
_DTYPES = {"money": pl.Int64, "signed_money": pl.Int64, "count": pl.Int64, "points": pl.Int64}


def near(rng: random.Random, value: Decimal, step: Decimal = CENT) -> Decimal:
    """``value`` itself, one step below or above (never negative)."""
    return max(Decimal(0), value + rng.choice((-step, Decimal(0), step)))


def money(rng: random.Random, *edges: Decimal) -> Decimal:
    """Near one of ``edges``, or a random amount, or zero."""
    pick = rng.random()
    if pick < 0.5 and edges:
        return near(rng, rng.choice(edges))
    if pick < 0.6:
        return Decimal(0)
    return Decimal(rng.randint(0, 2_000_000_000_00)) / 100


def scaled(rng: random.Random, base: Decimal, ratio: Decimal) -> Decimal:
    """An amount near ``base × ratio`` (exactly on it when that is a whole fen)."""
    return near(rng, (base * ratio).quantize(CENT))


def registration(rng: random.Random, as_of: dt.date, years: tuple[int, ...]) -> dt.date:
    """A date one day before, on or after an anniversary that matters, a 29 February, or random."""
    pick = rng.random()
    if pick < 0.6:
        day = add_years(as_of, -rng.choice(years))
        return day + dt.timedelta(days=rng.choice((-1, 0, 1)))
    if pick < 0.7:
        return dt.date(rng.choice((2000, 2004, 2008, 2012, 2016, 2020)), 2, 29)
    if pick < 0.75:
        return as_of + dt.timedelta(days=rng.randint(1, 300))  # registered after the as-of date
    return as_of - dt.timedelta(days=rng.randint(0, 30 * 365))


def drop_some(rng: random.Random, raw: dict[str, Any], share: float = 0.08) -> dict[str, Any]:
    out: dict[str, Any] = {}
    for key, value in raw.items():
        if rng.random() < share:
            out[key] = None
        elif isinstance(value, list) and rng.random() < share:
            out[key] = [None if rng.random() < 0.3 else v for v in value]
        else:
            out[key] = value
    return out


def _cell(kind: str, value: Any) -> Any:
    if value is None:
        return None
    if kind in ("money", "signed_money"):
        return int(Decimal(value) * 100)
    if kind in ("count", "points"):
        return int(value)
    return value


def input_frame(book: CompiledRulebook, raws: list[Mapping[str, Any]]) -> pl.DataFrame:
    """One row per input object, one column per declared input (series: one column per year)."""
    data: dict[str, pl.Series] = {}
    for name, decl in book.book.inputs.items():
        dtype: Any = _DTYPES.get(decl.kind) or {"bool": pl.Boolean, "date": pl.Date}.get(decl.kind, pl.Utf8)
        defaults = [r.get(name, decl.default) if name not in r else r[name] for r in raws]
        if decl.shape == "series":
            for i in range(decl.length or 0):
                cells = [None if v is None else _cell(decl.kind, v[i]) for v in defaults]
                data[series_column(name, i)] = pl.Series(series_column(name, i), cells, dtype=dtype)
        else:
            data[name] = pl.Series(name, [_cell(decl.kind, v) for v in defaults], dtype=dtype)
    return pl.DataFrame(data)


Generator = Callable[[random.Random, dt.date], dict[str, Any]]


def sample(gen: Generator, n: int, as_of: dt.date, seed: int) -> list[dict[str, Any]]:
    rng = random.Random(seed)
    return [drop_some(rng, gen(rng, as_of)) for _ in range(n)]
