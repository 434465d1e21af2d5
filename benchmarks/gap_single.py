"""Median time of the full gap report for one firm: ladder stage over six evaluators, next rung, every gap
item (exact minimal changes, score options) and JSON rendering. Rulebooks are loaded once.

Bar: median ≤ 50 ms per report (without --verify). With --verify each change is also re-evaluated (shown
for information; not part of the bar).
Run: .venv/bin/python benchmarks/gap_single.py [--runs N]
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import statistics
import time
from decimal import Decimal
from typing import Any

from innopoints.eligibility.gap import gap_for
from innopoints.rules.jsonout import dumps

BAR_MS = 50.0
AS_OF = dt.date(2025, 6, 30)
FIRM: dict[str, Any] = json.loads(
    """{
  "tech-sme": {"employees": 80, "sci_tech_staff": 14, "sales_revenue": 45000000, "total_assets": 30000000,
               "rd_expense": 2100000, "cost_expense_total": 38000000, "ip_class1": 0, "ip_class2": 5},
  "high-tech": {"net_assets": [10000000, 13000000, 18000000], "sales_revenue": [20000000, 26000000, 35000000.50],
                "rd_expense": [800000, 900000, 1000000], "rd_expense_domestic": [500000, 500000, 600000],
                "high_tech_income": 18000000, "total_income": 35000000, "employees": 100, "sci_tech_staff": 8,
                "registration_date": "2024-09-01", "ip_class1": 0, "ip_class2": 2, "ip_acquisition": "transfer",
                "standards": 0, "conversions": [1, 2, 1], "high_tech_field": "electronic_information"},
  "eaglet": {"registration_date": "2012-03-01", "operating_revenue": 45000000, "rd_expense": 2100000,
             "employees": 80, "sci_tech_staff": 14, "ip_class1": 0, "ip_class2": 5, "tech_sme_or_hte": true},
  "gazelle": {"registration_date": "2012-03-01", "operating_revenue": [30000000, 32000000, 35000000, 45000000],
              "employees": [50, 60, 70, 80], "sci_activity_expense": [600000, 900000, 1200000, 2100000],
              "largest_venture_investment": 0},
  "unicorn": {"registration_date": "2012-03-01", "valuation": 200000000, "professional_investment": false},
  "tech-leader": {"valid_hte_certificate": false, "operating_revenue": 45000000, "rd_expense": 2100000,
                  "ip_invention_granted": 0, "rd_platforms_provincial": 0}
}""",
    parse_float=Decimal,
)


def measure(runs: int, verify: bool) -> float:
    times = []
    for _ in range(runs):
        start = time.perf_counter()
        dumps(gap_for(FIRM, AS_OF, verify=verify).as_dict())
        times.append((time.perf_counter() - start) * 1000)
    return statistics.median(times)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--runs", type=int, default=200)
    args = parser.parse_args()
    report = gap_for(FIRM, AS_OF).as_dict()  # warm-up and a sanity check
    assert report["next"]["id"] == "high_tech_enterprise" and report["gap"]["items"]
    median = measure(args.runs, verify=False)
    passed = median <= BAR_MS
    print(
        f"gap report (6 evaluators, next rung high-tech): median {median:.2f} ms over {args.runs} runs "
        f"(bar ≤ {BAR_MS:.0f} ms) {'PASS' if passed else 'FAIL'}"
    )
    verified = measure(max(args.runs // 4, 10), verify=True)
    print(f"with --verify (every change re-evaluated): median {verified:.2f} ms (information)")
    return 0 if passed else 1


if __name__ == "__main__":
    raise SystemExit(main())
