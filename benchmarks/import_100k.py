"""Benchmark: import 100,000 rows (100,000 distinct NEW enterprises, data year 2024) from CSV and XLSX.

The file has every template column (9 identity/attribute columns + all 36 panel columns + 备注) and
realistic valid values (every panel cell filled, cross-field rules respected), so each run writes
100,000 enterprises and 3,600,000 panel revisions. The data is generated deterministically (seeded
numpy) into a temporary directory, then ``run_import`` is timed into a fresh migrated SQLite database
with full validation. Bars: CSV ≤ 15 s, XLSX ≤ 45 s.

    .venv/bin/python benchmarks/import_100k.py [--rows N] [--only csv|xlsx] [--profile]
"""

from __future__ import annotations

import argparse
import cProfile
import os
import pstats
import sys
import tempfile
import time
from datetime import date
from pathlib import Path

import numpy as np
import polars as pl

from innopoints.adapters.db.engine import make_engine, session_factory
from innopoints.adapters.db.migrate import upgrade
from innopoints.region import load_region
from innopoints.registry.importing.service import run_import
from innopoints.registry.panel_fields import panel_fields
from innopoints.registry.template import template_columns
from innopoints.registry.uscc import build

BARS = {"csv": 15.0, "xlsx": 45.0}
SEED = 20260129


def _money(rng: np.random.Generator, base: np.ndarray, low: float, high: float) -> np.ndarray:
    """Fen amounts as a random share of ``base`` (fen), so ordering rules hold by construction."""
    return np.floor(base * rng.uniform(low, high, base.size)).astype(np.int64)


def _yuan_text(fen: np.ndarray) -> pl.Series:
    series = pl.Series(fen)
    sign = pl.Series(np.where(fen < 0, "-", ""))
    absolute = series.abs()
    return (
        sign + (absolute // 100).cast(pl.String) + "." + (absolute % 100).cast(pl.String).str.zfill(2)
    ).alias("x")


def generate(rows: int, seed: int = SEED) -> pl.DataFrame:
    rng = np.random.default_rng(seed)
    region = load_region()
    n = rows
    districts = [d.name_zh for d in region.districts]
    parks = [p.name_zh for p in region.parks]
    clusters = [c.name_zh for c in region.clusters]
    fields = [f.name_zh for f in region.high_tech_fields]
    district_codes = [d.id for d in region.districts]
    district_index = rng.integers(0, len(districts), n)
    usccs = [build("9", "1", district_codes[d], f"MA{i:07d}") for i, d in enumerate(district_index.tolist())]
    reg_days = rng.integers(date(2000, 1, 1).toordinal(), date(2023, 12, 31).toordinal(), n)
    park = np.where(rng.random(n) < 0.3, rng.integers(0, len(parks), n), -1)
    field = np.where(rng.random(n) < 0.5, rng.integers(0, len(fields), n), -1)

    employees = np.maximum(3, rng.lognormal(3.5, 1.1, n)).astype(np.int64)
    revenue = np.round(rng.lognormal(16.5, 1.6, n) * 100).astype(np.int64)  # fen, median ≈ 1,500 万元
    total_income = (revenue * rng.uniform(1.0, 1.15, n)).astype(np.int64)
    cost = _money(rng, revenue, 0.6, 1.05)
    rd = _money(rng, cost, 0.02, 0.2)
    assets = _money(rng, revenue, 0.8, 3.0)
    counts = {
        "employees": employees,
        "sci_tech_staff": (employees * rng.uniform(0.05, 0.6, n)).astype(np.int64),
        "rd_staff": (employees * rng.uniform(0.03, 0.4, n)).astype(np.int64),
        "high_level_talents": rng.poisson(1.2, n),
        "venture_rounds": rng.poisson(0.4, n),
    }
    money = {
        "sales_revenue": revenue,
        "operating_revenue": _money(rng, revenue, 0.95, 1.0),
        "total_income": total_income,
        "high_tech_income": _money(rng, total_income, 0.0, 0.9),
        "total_assets": assets,
        "total_liabilities": _money(rng, assets, 0.1, 0.8),
        "cost_expense_total": cost,
        "rd_expense": rd,
        "rd_expense_domestic": _money(rng, rd, 0.8, 1.0),
        "net_profit": _money(rng, revenue, -0.15, 0.2),
        "tax_paid": _money(rng, revenue, 0.01, 0.08),
        "equity_financing": np.where(rng.random(n) < 0.1, _money(rng, revenue, 0.1, 2.0), 0),
        "largest_venture_investment": np.where(rng.random(n) < 0.08, _money(rng, revenue, 0.05, 1.0), 0),
        "valuation": np.where(rng.random(n) < 0.08, _money(rng, revenue, 2.0, 20.0), 0),
        "tech_contract_turnover": np.where(rng.random(n) < 0.25, _money(rng, revenue, 0.01, 0.3), 0),
    }
    columns: dict[str, pl.Series | list[str]] = {
        "统一社会信用代码": usccs,
        "企业名称": [f"沈阳{clusters[i % 10][:2]}创新科技有限公司{i:06d}" for i in range(n)],
        "年度": ["2024"] * n,
        "注册日期": [date.fromordinal(int(d)).isoformat() for d in reg_days],
        "所属区县": [districts[i] for i in district_index.tolist()],
        "所属园区": [parks[i] if i >= 0 else "" for i in park.tolist()],
        "产业集群": [clusters[i] for i in rng.integers(0, len(clusters), n).tolist()],
        "高新技术领域": [fields[i] if i >= 0 else "" for i in field.tolist()],
        "是否上市": np.where(rng.random(n) < 0.02, "是", "否").tolist(),
    }
    for code, spec in panel_fields().items():
        if code in money:
            columns[spec.header] = _yuan_text(money[code])
        else:
            values = counts.get(code, rng.poisson(0.8, n))
            columns[spec.header] = pl.Series(values).cast(pl.String)
    columns["备注"] = [""] * n
    headers = [c.header for c in template_columns()]
    assert list(columns) == headers, "generator columns must equal the template columns"
    return pl.DataFrame({h: columns[h] for h in headers})


def write_files(frame: pl.DataFrame, directory: Path, formats: list[str]) -> dict[str, Path]:
    paths: dict[str, Path] = {}
    if "csv" in formats:
        paths["csv"] = directory / "enterprises-100k.csv"
        frame.write_csv(paths["csv"], include_bom=True)
    if "xlsx" in formats:
        import xlsxwriter

        paths["xlsx"] = directory / "enterprises-100k.xlsx"
        workbook = xlsxwriter.Workbook(str(paths["xlsx"]), {"constant_memory": True})
        sheet = workbook.add_worksheet("企业数据")
        sheet.write_row(0, 0, frame.columns)
        numeric = [c.endswith("）") for c in frame.columns]
        for r, row in enumerate(frame.iter_rows(), start=1):
            for c, value in enumerate(row):
                if not value:
                    continue
                if numeric[c]:
                    sheet.write_number(r, c, float(value))
                else:
                    sheet.write_string(r, c, value)
        workbook.close()
    return paths


def time_import(path: Path, directory: Path, profile: bool) -> tuple[float, float, object]:
    db = directory / f"bench-{path.suffix[1:]}.db"
    engine = make_engine(f"sqlite:///{db}")
    upgrade(engine)
    sessions = session_factory(engine)
    profiler = cProfile.Profile() if profile else None
    start, cpu_start = time.perf_counter(), time.process_time()
    if profiler:
        profiler.enable()
    result = run_import(sessions, path, source="statistics")
    if profiler:
        profiler.disable()
    elapsed, cpu = time.perf_counter() - start, time.process_time() - cpu_start
    if profiler:
        pstats.Stats(profiler).sort_stats("cumulative").print_stats(25)
    engine.dispose()
    return elapsed, cpu, result


def main() -> int:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--rows", type=int, default=100_000)
    parser.add_argument("--only", choices=["csv", "xlsx"])
    parser.add_argument("--profile", action="store_true")
    args = parser.parse_args()
    formats = [args.only] if args.only else ["csv", "xlsx"]
    ok = True
    print(
        f"load average before: {os.getloadavg()[0]:.1f} on {os.cpu_count()} CPUs (other work slows wall time)"
    )
    with tempfile.TemporaryDirectory(prefix="innopoints-bench-") as tmp:
        directory = Path(tmp)
        t0 = time.perf_counter()
        frame = generate(args.rows)
        paths = write_files(frame, directory, formats)
        print(
            f"generated {args.rows:,} rows × {frame.width} columns in {time.perf_counter() - t0:.1f} s (not timed)"
        )
        for fmt in formats:
            elapsed, cpu, result = time_import(paths[fmt], directory, args.profile)
            bar = BARS[fmt] * args.rows / 100_000
            verdict = "PASS" if elapsed <= bar and result.rows_quarantined == 0 else "FAIL"  # type: ignore[attr-defined]
            ok = ok and verdict == "PASS"
            print(
                f"{fmt.upper():4s} {elapsed:6.2f} s wall, {cpu:6.2f} s CPU  (bar {bar:.0f} s)  {verdict}  "
                f"rows={result.rows_total:,} accepted={result.rows_accepted:,} "  # type: ignore[attr-defined]
                f"enterprises={result.enterprises_created:,} values={result.values_changed:,}"  # type: ignore[attr-defined]
            )
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
