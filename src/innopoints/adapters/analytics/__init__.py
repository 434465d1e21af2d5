"""Analytics engines for scoring rounds: embedded columnar (Polars, default) and Spark (PySpark)."""
