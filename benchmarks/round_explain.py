"""Single-firm explained evaluation (Decimal + full trace) against a frozen reference: median <= 20 ms.

Run: .venv/bin/python benchmarks/round_explain.py
"""

from __future__ import annotations

import statistics
import time

from round_common import panel_dir

from innopoints.adapters.analytics.inputs import build_firm_frame, firm_inputs
from innopoints.adapters.analytics.parquet_source import read_panel
from innopoints.scoring import service
from innopoints.scoring.explain import explain
from innopoints.scoring.rulebook import load_points

YEAR = 2025


def main() -> None:
    rb = load_points()
    folder = panel_dir(30_083)
    outcome = service.run_panel_round(folder, YEAR, rb)
    src = read_panel(folder, YEAR, rb.panel_fields_used())
    firms = firm_inputs(
        build_firm_frame(rb, YEAR, src.enterprises, src.panel, src.qualifications, src.negatives).head(2000),
        rb,
    )
    times = []
    for firm in firms:
        t0 = time.perf_counter()
        explain(rb, outcome.reference, firm, YEAR)
        times.append((time.perf_counter() - t0) * 1000)
    med = statistics.median(times)
    p95 = sorted(times)[int(len(times) * 0.95)]
    print(f"single-firm explanation over {len(times):,} firms: median {med:.3f} ms, p95 {p95:.3f} ms")
    print(f"bar median <= 20 ms -> {'PASS' if med <= 20 else 'FAIL'}")


if __name__ == "__main__":
    main()
