"""One declaration, two evaluators: the columnar tech-SME plan compiled from rulebook/national/tech_sme.yaml
agrees with ``eligibility.registry.run("tech-sme", ...)`` on every firm of a sample round and on
hand-made firms at every band edge (just below, on, just above)."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from fractions import Fraction
from typing import Any

import polars as pl
import pytest

from innopoints.adapters.analytics import columns as c
from innopoints.adapters.analytics.inputs import build_firm_frame, firm_inputs
from innopoints.adapters.analytics.sample_panel import generate
from innopoints.eligibility.registry import run
from innopoints.eligibility.rulebooks import rulebook
from innopoints.rules.columnar import DEFAULT_UNITS, ColumnarRulebook, PolarsBackend
from innopoints.scoring.rulebook import load_points
from innopoints.scoring.tech_sme import TechSmeColumns, compile_round, panel_inputs, tech_sme_columns

AS_OF = dt.date(2025, 12, 31)
BOOK = "national/tech_sme.yaml"


def _select(sme: TechSmeColumns) -> list[pl.Expr]:
    pairs = {"staff": sme.staff, "rd": sme.rd, "ip": sme.ip, "score": sme.score}
    out = [sme.qualified.alias("qualified"), sme.route.alias("route")]
    for name, pts in pairs.items():
        out += [pts.lo.alias(f"{name}_lo"), pts.hi.alias(f"{name}_hi")]
    return out


def _assert_agrees(row: dict[str, Any], raw: dict[str, Any], label: str) -> None:
    d = run("tech-sme", raw, AS_OF).details
    assert row["qualified"] == d["qualified"], label
    assert row["route"] == d["route"], label
    assert [row["score_lo"], row["score_hi"]] == d["score_range"], label
    assert row["score_lo"] == d["score"], label
    for part in ("staff", "rd", "ip"):
        assert row[f"{part}_lo"] == d["scores"][part], label
        assert [row[f"{part}_lo"], row[f"{part}_hi"]] == d["score_ranges"][part], label


def _json_like(inputs: dict[str, Any]) -> dict[str, Any]:
    """Panel Decimals as the evaluator's input object: whole counts as int, money as Decimal 元."""
    declared = rulebook(BOOK).book.inputs
    out: dict[str, Any] = {}
    for name, value in inputs.items():
        if isinstance(value, Decimal) and declared[name].kind == "count":
            assert value == value.to_integral_value(), (name, value)
            value = int(value)
        out[name] = value
    return out


def test_sample_round_agrees_with_the_single_firm_evaluator() -> None:
    rb = load_points()
    sample = generate(2000, year=2025, seed=29)
    firms = build_firm_frame(
        rb, 2025, sample.enterprises, sample.panel, sample.qualifications, sample.negatives
    )
    sme = compile_round(rb.ladder.tech_sme, 2025, PolarsBackend(), c.cur, c.qual, c.neg)
    batch = firms.select(pl.col("uscc"), *_select(sme))
    rows = {r["uscc"]: r for r in batch.iter_rows(named=True)}
    seen: dict[Any, int] = {}
    for firm in firm_inputs(firms, rb):
        row = rows[firm.uscc]
        _assert_agrees(row, _json_like(panel_inputs(rb.ladder.tech_sme, firm)), firm.uscc)
        seen[row["qualified"]] = seen.get(row["qualified"], 0) + 1
        seen[row["route"]] = seen.get(row["route"], 0) + 1
    assert len(rows) == 2000
    # the sample exercises every outcome: qualified, not qualified, unknown; both routes
    assert min(seen.get(k, 0) for k in (True, False, None, "direct", "score", "none")) > 0, seen


def _edge_values(pid: str) -> list[Fraction]:
    """Every band edge of a table, and the nearest neighbours a thousandth below and above."""
    bands = rulebook(BOOK).resolve(pid, AS_OF).bands
    assert bands is not None
    edges = {b.lower for b in bands if b.lower is not None} | {b.upper for b in bands if b.upper is not None}
    out: set[Fraction] = set()
    for e in edges:
        out |= {e, e - Fraction(1, 1000), e + Fraction(1, 1000)}
    return sorted(x for x in out if x >= 0)


BASE: dict[str, Any] = {
    "employees": 100,
    "sci_tech_staff": 30,
    "sales_revenue": Decimal("10000000"),
    "total_assets": Decimal("10000000"),
    "rd_expense": Decimal("600000"),
    "cost_expense_total": Decimal("8000000"),
    "ip_class1": 0,
    "ip_class2": 2,
}


def _edge_firms() -> list[dict[str, Any]]:
    firms: list[dict[str, Any]] = []
    for ratio in _edge_values("staff_ratio_points"):
        # employees 100000 gives every thousandth exactly
        firms.append(BASE | {"employees": 100_000, "sci_tech_staff": int(ratio * 100_000)})
    for ratio in _edge_values("rd_sales_ratio_points"):
        firms.append(
            BASE | {"rd_expense": Decimal(int(ratio * 10_000_000)), "cost_expense_total": Decimal(10**9)}
        )
    for ratio in _edge_values("rd_cost_ratio_points"):
        firms.append(BASE | {"rd_expense": Decimal(int(ratio * 8_000_000)), "sales_revenue": Decimal(10**8)})
    for count in range(0, 6):
        firms.append(BASE | {"ip_class1": 0, "ip_class2": count})
        firms.append(BASE | {"ip_class1": count, "ip_class2": None})
    scale = rulebook(BOOK).book.parameters
    for pid, field in (("max_employees", "employees"), ("max_sales_revenue", "sales_revenue")):
        limit = scale[pid].values[-1].value
        step = 1 if field == "employees" else Decimal("0.01")
        for v in (limit - step, limit, limit + step):
            firms.append(BASE | {field: v, "sci_tech_staff": 30})
    for v in (Decimal(200_000_000) - Decimal("0.01"), Decimal(200_000_000), Decimal("200000000.01")):
        firms.append(BASE | {"total_assets": v})
    # zero denominators, missing data, and every direct route
    firms += [
        BASE | {"employees": 0, "sci_tech_staff": 0},
        BASE | {"sales_revenue": Decimal(0)},
        BASE | {"sales_revenue": Decimal(0), "cost_expense_total": Decimal(0)},
        BASE | {"employees": None},
        BASE | {"rd_expense": None},
        BASE | {"ip_class1": None, "ip_class2": None},
        BASE | {"ip_class1": 1, "ip_class2": None, "rd_expense": None},
        BASE | {"sci_tech_staff": 5, "valid_hte_certificate": True},
        BASE | {"sci_tech_staff": 5, "national_award_top3_5y": None},
        BASE | {"sci_tech_staff": 5, "provincial_rd_institution": True, "serious_violation": True},
        BASE | {"led_standard_5y": True, "mainland_resident": None},
        BASE | {"restricted_industry": True, "valid_hte_certificate": True},
        BASE | {"sci_tech_staff": None, "led_standard_5y": True},
    ]
    return firms


def _fen(value: Any) -> int | None:
    return None if value is None else int(Decimal(value) * 100)


def test_band_edges_and_missing_data_agree_exactly() -> None:
    book = rulebook(BOOK)
    firms = _edge_firms()
    columns: dict[str, list[Any]] = {}
    dtypes: dict[str, Any] = {}
    for name, decl in book.book.inputs.items():
        if decl.kind == "bool":
            columns[name], dtypes[name] = [f.get(name, decl.default) for f in firms], pl.Boolean
        elif decl.kind == "money":
            columns[name], dtypes[name] = [_fen(f.get(name)) for f in firms], pl.Int64
        else:
            columns[name], dtypes[name] = [f.get(name) for f in firms], pl.Int64
    frame = pl.DataFrame(columns, schema=dtypes)
    cr = ColumnarRulebook(book, AS_OF, PolarsBackend(), {n: pl.col(n) for n in columns}, DEFAULT_UNITS)
    out = frame.select(*_select(tech_sme_columns(cr)))
    assert out.height == len(firms) > 60
    for i, (row, firm) in enumerate(zip(out.iter_rows(named=True), firms, strict=True)):
        _assert_agrees(row, firm, f"edge firm {i}: {firm}")
    assert {True, False, None} <= set(out["qualified"].to_list())


def test_thresholds_come_from_the_rulebook_not_from_python() -> None:
    """Changing a band edge in the declaration changes the batch verdict (nothing is hard-wired)."""
    book = rulebook(BOOK)
    raw = book.book.model_dump(by_alias=True, mode="python")
    raw["parameters"]["min_score"]["values"][0]["value"] = 90
    from innopoints.rules.loader import parse_rulebook

    stricter = parse_rulebook(raw, "stricter")
    firm = pl.DataFrame({"employees": [100], "sci_tech_staff": [30], "ip_class1": [0], "ip_class2": [2]})
    money = {
        "sales_revenue": 10**9,
        "total_assets": 10**9,
        "rd_expense": 6 * 10**7,
        "cost_expense_total": 8 * 10**8,
    }
    firm = firm.with_columns(*(pl.lit(v, dtype=pl.Int64).alias(k) for k, v in money.items()))
    results = []
    for b in (book, stricter):
        cr = ColumnarRulebook(b, AS_OF, PolarsBackend(), {n: pl.col(n) for n in firm.columns}, DEFAULT_UNITS)
        results.append(firm.select(*_select(tech_sme_columns(cr))).row(0, named=True))
    assert results[0]["score_lo"] == results[1]["score_lo"] == 82  # 20 + 50 + 12
    assert results[0]["qualified"] is True and results[1]["qualified"] is False


def test_undeclared_inputs_are_refused() -> None:
    from innopoints.errors import UserError

    with pytest.raises(UserError, match="undeclared"):
        ColumnarRulebook(rulebook(BOOK), AS_OF, PolarsBackend(), {"headcount": pl.col("x")})
