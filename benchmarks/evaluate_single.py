"""Median single-firm explained evaluation time (tech-sme and high-tech), in process, rulebooks loaded once.

Bar: median ≤ 20 ms per evaluation (input validation + evaluation + full trace + JSON rendering).
Run: .venv/bin/python benchmarks/evaluate_single.py [--runs N]
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import statistics
import time
from decimal import Decimal

from innopoints.eligibility.registry import EVALUATORS, run
from innopoints.eligibility.rulebooks import rulebook
from innopoints.rules.jsonout import dumps

BAR_MS = 20.0
AS_OF = dt.date(2025, 6, 30)
FIRMS = {
    "tech-sme": json.loads(
        '{"employees": 50, "sci_tech_staff": 12, "sales_revenue": 30000000.00, "total_assets": 10000000,'
        ' "rd_expense": 1800000.00, "cost_expense_total": 25000000, "ip_class1": 0, "ip_class2": 4}',
        parse_float=Decimal,
    ),
    "high-tech": json.loads(
        '{"net_assets": [10000000, 13000000, 18000000], "sales_revenue": [20000000, 26000000, 35000000.50],'
        ' "rd_expense": [1200000, 1500000, 2000000], "rd_expense_domestic": [1200000, 1500000, 2000000],'
        ' "high_tech_income": 28000000, "total_income": 35000000, "employees": 100, "sci_tech_staff": 20,'
        ' "registration_date": "2015-01-01", "ip_class1": 1, "ip_class2": 3, "ip_acquisition": "own",'
        ' "standards": 0, "conversions": [5, 6, 4], "high_tech_field": "electronic_information"}',
        parse_float=Decimal,
    ),
}


def measure(name: str, runs: int) -> float:
    times = []
    for _ in range(runs):
        start = time.perf_counter()
        dumps(run(name, FIRMS[name], AS_OF).as_dict())
        times.append((time.perf_counter() - start) * 1000)
    return statistics.median(times)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--runs", type=int, default=500)
    args = parser.parse_args()
    for name in FIRMS:
        rulebook(EVALUATORS[name].rulebook)  # load once, outside the timing
        run(name, FIRMS[name], AS_OF)  # warm-up
    ok = True
    for name in FIRMS:
        median = measure(name, args.runs)
        passed = median <= BAR_MS
        ok &= passed
        print(
            f"{name}: median {median:.2f} ms per explained evaluation over {args.runs} runs "
            f"(bar ≤ {BAR_MS:.0f} ms) {'PASS' if passed else 'FAIL'}"
        )
    print("PASS" if ok else "FAIL")
    return 0 if ok else 1


if __name__ == "__main__":
    raise SystemExit(main())
