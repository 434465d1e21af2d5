"""Spark engine (PySpark): the same scoring round as polars_engine, for panels beyond one machine.

The firm frame travels as Parquet (no pandas needed); results come back as Parquet read by Polars.
Locally: ``local[2]``, small shuffle partitions, UI disabled (see ``session``).
"""

from __future__ import annotations

import os
import tempfile
from functools import lru_cache
from pathlib import Path

import polars as pl
from pyspark.sql import DataFrame, SparkSession
from pyspark.sql import functions as F

from innopoints.adapters.analytics import spark_plan as plan
from innopoints.adapters.analytics.spark_reference import build_reference, peer_map, with_percentiles
from innopoints.scoring.ladder_batch import has_evaluator_inputs
from innopoints.scoring.reference import Reference
from innopoints.scoring.rulebook import PointsRulebook


@lru_cache(maxsize=1)
def session() -> SparkSession:
    """A SparkSession: INNOPOINTS_SPARK_MASTER (default local[2]) with settings for a small machine."""
    master = os.environ.get("INNOPOINTS_SPARK_MASTER", "local[2]")
    spark = (
        SparkSession.builder.master(master)
        .appName("innopoints-scoring")
        .config("spark.ui.enabled", "false")
        .config("spark.sql.shuffle.partitions", os.environ.get("INNOPOINTS_SPARK_SHUFFLE_PARTITIONS", "4"))
        .config("spark.driver.memory", os.environ.get("INNOPOINTS_SPARK_DRIVER_MEMORY", "2g"))
        .config("spark.sql.session.timeZone", "UTC")
        # the plan has hundreds of generated columns: fused whole-stage code exceeds the JVM's 64 KB method
        # limit and Spark would try, fail and fall back on every stage; expression codegen still applies
        .config("spark.sql.codegen.wholeStage", "false")
        .getOrCreate()
    )
    spark.sparkContext.setLogLevel(os.environ.get("INNOPOINTS_SPARK_LOG_LEVEL", "ERROR"))
    return spark


def features(df: DataFrame, rb: PointsRulebook, year: int) -> DataFrame:
    first = [plan.indicator_expr(ind) for ind in rb.indicator_list]
    first += [plan.stage_expr(rb, year), *plan.tech_sme_exprs(rb, year), *plan.adjustment_exprs(rb)]
    out = df.select("*", *first).withColumn("ladder_stage", plan.ladder_expr(rb))
    if has_evaluator_inputs(df.columns):
        for phase in plan.evaluator_exprs(year):
            out = out.withColumns(phase)
        out = out.withColumn("evaluated_ladder_stage", plan.evaluated_ladder_expr())
        out = out.drop(*[x for x in out.columns if x.startswith("_")])
    return out


def score_spark(
    df: DataFrame, rb: PointsRulebook, year: int, reference: Reference | None
) -> tuple[DataFrame, Reference]:
    spark = session()
    feats = features(df, rb, year).cache()
    cells = [
        (r["stage"], r["cluster_id"], int(r["n"]))
        for r in feats.groupBy("stage", "cluster_id").agg(F.count("*").alias("n")).collect()
    ]
    if reference is None:
        mapping, _ = peer_map(cells, rb)
        reference = build_reference(spark, feats, rb, cells)
    else:
        mapping = {f"{s}:{cl}": reference.resolve(s, cl) for s, cl, _ in cells}
    groups = spark.createDataFrame(
        [(k.split(":", 1)[0], k.split(":", 1)[1], v) for k, v in mapping.items()],
        "stage string, cluster_id string, peer_group string",
    )
    grouped = feats.join(F.broadcast(groups), ["stage", "cluster_id"])
    scored = with_percentiles(grouped, rb, reference)
    scored = scored.select("*", *plan.points_exprs(rb)).withColumn("points_centi", plan.final_expr(rb))
    return scored.select("*", *plan.rank_exprs(rb)), reference


def score(
    firms: pl.DataFrame, rb: PointsRulebook, year: int, reference: Reference | None = None
) -> tuple[pl.DataFrame, Reference]:
    """Score a normalised firm frame on Spark; returns the result as a Polars frame."""
    with tempfile.TemporaryDirectory(prefix="innopoints-spark-") as tmp:
        src = Path(tmp) / "firms.parquet"
        firms.write_parquet(src)
        result, ref = score_parquet(str(src), rb, year, reference, str(Path(tmp) / "out"))
    return result, ref


def score_parquet(
    path: str, rb: PointsRulebook, year: int, reference: Reference | None, out_dir: str
) -> tuple[pl.DataFrame, Reference]:
    spark = session()
    result, ref = score_spark(spark.read.parquet(path), rb, year, reference)
    drop = [x for x in result.columns if x.startswith(("f_", "p_", "q_", "neg_", "x_"))]
    result.drop(*drop).write.mode("overwrite").parquet(out_dir)
    return pl.read_parquet(Path(out_dir) / "*.parquet"), ref
