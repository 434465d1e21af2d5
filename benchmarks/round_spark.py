"""Spark local mode vs Polars: identical results on a 50,000-firm panel; time at 1,000,000 firms.

Run: .venv/bin/python benchmarks/round_spark.py [n_firms ...]   (default: 50000 1000000)
"""

from __future__ import annotations

import sys

from round_common import panel_dir, timed

from innopoints.adapters.analytics import polars_engine, spark_engine
from innopoints.adapters.analytics.inputs import build_firm_frame
from innopoints.adapters.analytics.parquet_source import read_panel
from innopoints.scoring.rulebook import load_points

YEAR = 2025
COLUMNS = [
    "uscc",
    "points_centi",
    "stage",
    "peer_group",
    "peer_rank",
    "city_rank",
    "percentile_bp",
    "top5",
    "top10",
    "top20",
    "ladder_stage",
    "tech_sme_score",
    "tech_sme_qualified",
]


def main() -> None:
    sizes = [int(x) for x in sys.argv[1:]] or [50_000, 1_000_000]
    rb = load_points()
    timed("Spark session start (JVM)", spark_engine.session)
    for n in sizes:
        folder = panel_dir(n)
        src = read_panel(folder, YEAR, rb.panel_fields_used())
        firms = build_firm_frame(rb, YEAR, src.enterprises, src.panel, src.qualifications, src.negatives)
        expected, _ = timed(
            f"Polars round ({firms.height:,} firms)", lambda f=firms: polars_engine.score(f, rb, YEAR)
        )
        got, _t_spark = timed(
            f"Spark local[2] round ({firms.height:,} firms)", lambda f=firms: spark_engine.score(f, rb, YEAR)
        )
        same = got[0].select(COLUMNS).sort("uscc").equals(expected[0].select(COLUMNS).sort("uscc"))
        print(f"  identical points, stages, ranks, lists, ladder, tech SME: {same}")


if __name__ == "__main__":
    main()
