"""Scoring-round services: run a frozen round (database or Parquet panel), score a late entrant."""

from __future__ import annotations

import json
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Literal

import polars as pl
from sqlalchemy.orm import Session, sessionmaker

from innopoints.adapters.analytics import columns as c
from innopoints.adapters.analytics.evaluator_frame import panel_reads, round_inputs, with_evaluator_inputs
from innopoints.adapters.analytics.inputs import build_firm_frame, firm_inputs
from innopoints.adapters.analytics.parquet_source import fingerprint, read_panel
from innopoints.adapters.db import scoring_repo as repo
from innopoints.adapters.db.engine import unit_of_work
from innopoints.errors import UserError
from innopoints.scoring.explain import Explanation, explain
from innopoints.scoring.reference import Reference
from innopoints.scoring.result_columns import EVALUATOR_COLUMNS, LIST_COLUMNS, OUTPUT_COLUMNS
from innopoints.scoring.rulebook import PointsRulebook

Engine = Literal["polars", "spark"]


@dataclass(frozen=True)
class RoundOutcome:
    round_id: int | None
    year: int
    firms: int
    results: pl.DataFrame
    reference: Reference
    rulebook_hash: str
    input_sha256: str


def score_frame(
    firms: pl.DataFrame, rb: PointsRulebook, year: int, engine: Engine, reference: Reference | None = None
) -> tuple[pl.DataFrame, Reference]:
    if engine == "spark":
        from innopoints.adapters.analytics import spark_engine

        return spark_engine.score(firms, rb, year, reference)
    from innopoints.adapters.analytics import polars_engine

    return polars_engine.score(firms, rb, year, reference)


def _check_lists(rb: PointsRulebook) -> None:
    unknown = [x.id for x in rb.peer_groups.lists if x.id not in LIST_COLUMNS]
    if unknown:
        raise UserError(f"榜单 {unknown} 无法存储 (lists must be among {list(LIST_COLUMNS)})")


def _store(
    session: Session,
    rb: PointsRulebook,
    region: str,
    year: int,
    engine: Engine,
    kind: str,
    ref_text: str,
    sha: str,
    snapshot: str | None,
    results: pl.DataFrame,
    reference: Reference,
) -> int:
    rnd = repo.create_round(
        session,
        year=year,
        region=region,
        rulebook_hash=rb.version_hash,
        engine=engine,
        input_kind=kind,
        input_ref=ref_text,
        input_sha256=sha,
        snapshot_path=snapshot,
        quantile_points=reference.k_points,
        levels_json=json.dumps(reference.levels),
        firms=results.height,
        note="",
    )
    repo.save_reference(session, rnd.id, reference)
    repo.save_results(session, rnd.id, results, [g.id for g in rb.indicators.groups])
    return rnd.id


def run_panel_round(folder: Path, year: int, rb: PointsRulebook, engine: Engine = "polars") -> RoundOutcome:
    """A round over a Parquet panel folder (not stored; see write_outcome)."""
    src = read_panel(folder, year, rb.panel_fields_used())
    history = pl.scan_parquet(folder / "panel.parquet")
    firms = round_inputs(rb, year, src.enterprises, history, src.qualifications, src.negatives)
    if firms.height == 0:
        raise UserError(f"{year} 年没有在营企业 (no active firms in {year}) in {folder}")
    results, reference = score_frame(firms, rb, year, engine)
    return RoundOutcome(None, year, results.height, results, reference, rb.version_hash, src.sha256)


def run_db_round(
    sessions: sessionmaker[Session],
    data_dir: Path,
    region: str,
    year: int,
    rb: PointsRulebook,
    engine: Engine = "polars",
    progress: Callable[[str], None] | None = None,
) -> RoundOutcome:
    """A round over the operational store, frozen with its input snapshot under data_dir/rounds/<id>/.
    ``progress`` (optional) is told the step about to start, in Chinese (the web page shows it)."""
    step = progress or (lambda _text: None)
    _check_lists(rb)
    step("读取企业与指标数据")
    with unit_of_work(sessions) as session:
        src = repo.read_inputs(session, year, rb.panel_fields_used())
    firms = build_firm_frame(
        rb, year, src["enterprises"], src["panel"], src["qualifications"], src["negatives"]
    )
    if firms.height == 0:
        raise UserError(f"{year} 年数据库中没有在营企业 (no active firms in the database for {year})")
    step("准备梯度评价输入（多年指标）")
    with unit_of_work(sessions) as session:
        history = repo.read_evaluator_history(session, year, panel_reads(year))
    firms = with_evaluator_inputs(
        firms, year, history["enterprises"], history["panel"], src["qualifications"], src["negatives"]
    )
    step("计算积分、排名与梯度")
    results, reference = score_frame(firms, rb, year, engine)
    step("保存批次结果与输入快照")
    with unit_of_work(sessions) as session:
        rnd = repo.create_round(
            session,
            year=year,
            region=region,
            rulebook_hash=rb.version_hash,
            engine=engine,
            input_kind="database",
            input_ref="indicator_revision (latest revision per key)",
            input_sha256="",
            snapshot_path=None,
            quantile_points=reference.k_points,
            levels_json=json.dumps(reference.levels),
            firms=results.height,
            note="",
        )
        folder = data_dir / "rounds" / str(rnd.id)
        folder.mkdir(parents=True, exist_ok=True)
        snapshot = folder / "inputs.parquet"
        firms.write_parquet(snapshot)
        results.select("uscc", *EVALUATOR_COLUMNS).write_parquet(folder / "evaluators.parquet")
        rnd.snapshot_path = str(snapshot)
        rnd.input_sha256 = fingerprint([snapshot])
        repo.save_reference(session, rnd.id, reference)
        repo.save_results(session, rnd.id, results, [g.id for g in rb.indicators.groups])
        round_id, sha = rnd.id, rnd.input_sha256
    return RoundOutcome(round_id, year, results.height, results, reference, rb.version_hash, sha)


def store_panel_round(
    sessions: sessionmaker[Session],
    region: str,
    outcome: RoundOutcome,
    folder: Path,
    rb: PointsRulebook,
    engine: Engine,
) -> int:
    _check_lists(rb)
    with unit_of_work(sessions) as session:
        return _store(
            session,
            rb,
            region,
            outcome.year,
            engine,
            "parquet",
            str(folder),
            outcome.input_sha256,
            str(folder),
            outcome.results,
            outcome.reference,
        )


def write_outcome(outcome: RoundOutcome, out: Path) -> None:
    out.parent.mkdir(parents=True, exist_ok=True)
    outcome.results.select(*OUTPUT_COLUMNS).sort("uscc").write_parquet(out)


@dataclass(frozen=True)
class LateEntry:
    explanation: Explanation
    would_be_peer_rank: int
    would_be_city_rank: int


def score_late_entrant(
    session: Session, round_id: int, rb: PointsRulebook, firm_row: pl.DataFrame
) -> LateEntry:
    """Score a firm that was not in the round against the round's FROZEN reference. Nothing stored moves:
    the firm gets the rank it would have, everyone else keeps points and ranks."""
    rnd = repo.get_round(session, round_id)
    if rnd.rulebook_hash != rb.version_hash:
        raise UserError(
            f"评价批次 {round_id} 使用的积分规则版本不同 (round used rulebook {rnd.rulebook_hash[:12]}, "
            f"current {rb.version_hash[:12]})"
        )
    reference = repo.load_reference(session, rnd)
    exp = explain(rb, reference, firm_inputs(firm_row.select(c.input_columns(rb)), rb)[0], rnd.year)
    stored = repo.load_results(session, round_id)
    better = stored.filter(pl.col("points_centi") > exp.points_centi)
    peer_better = better.filter(pl.col("peer_group") == exp.peer_group).height
    return LateEntry(exp, peer_better + 1, better.height + 1)
