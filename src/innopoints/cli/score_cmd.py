"""``innopoints score``: innovation-points rounds (database or Parquet panel), diffs, explanations, weights."""

from __future__ import annotations

from enum import StrEnum
from pathlib import Path
from typing import TYPE_CHECKING

import typer

from innopoints.errors import UserError

if TYPE_CHECKING:
    from rich.console import Console


class EngineName(StrEnum):
    polars = "polars"
    spark = "spark"


class WeightMethod(StrEnum):
    ahp = "ahp"
    entropy = "entropy"


def _console() -> Console:
    from rich.console import Console

    return Console()


def _run_round(year: int, panel: Path | None, out: Path | None, engine: EngineName, save: bool) -> None:
    import dataclasses
    import time

    import polars as pl

    from innopoints.bootstrap import default_container
    from innopoints.scoring import service
    from innopoints.scoring.rulebook import load_points

    container = default_container()
    rb = load_points(container.settings.region)
    started = time.perf_counter()
    if panel is not None:
        outcome = service.run_panel_round(panel, year, rb, engine.value)
        if out is not None:
            service.write_outcome(outcome, out)
        if save:
            rid = service.store_panel_round(
                container.sessions, container.settings.region, outcome, panel, rb, engine.value
            )
            outcome = dataclasses.replace(outcome, round_id=rid)
    else:
        if out is not None and out.suffix != ".parquet":
            raise UserError("--out 须为 .parquet 文件 (--out must be a .parquet file)")
        outcome = service.run_db_round(
            container.sessions, container.settings.data_dir, container.settings.region, year, rb, engine.value
        )
        if out is not None:
            service.write_outcome(outcome, out)
    took = time.perf_counter() - started
    res = outcome.results
    median = float(res["points_centi"].cast(pl.Float64).median() or 0.0) / 100  # type: ignore[arg-type]
    tops = {x.id: int(res[x.id].sum()) for x in rb.peer_groups.lists}
    _console().print(
        f"积分评价完成 (round done): {year} 年, 企业 {outcome.firms:,} 家, 引擎 {engine.value}, "
        f"批次 {outcome.round_id if outcome.round_id is not None else '未入库 (not stored)'}, 用时 {took:.2f} 秒\n"
        f"规则版本 (rulebook) {outcome.rulebook_hash[:16]}…, 输入 (input) sha256 {outcome.input_sha256[:16]}…\n"
        f"积分中位数 (median points) {median:.2f} 分, 榜单 (lists) "
        + ", ".join(f"{k} {v:,} 家" for k, v in tops.items())
        + (f"\n结果已写出 (written): {out}" if out is not None else ""),
        highlight=False,
    )


def register(app: typer.Typer) -> None:
    score_app = typer.Typer(help="创新积分评价 (innovation points rounds).", no_args_is_help=False)
    app.add_typer(score_app, name="score")

    @score_app.callback(invoke_without_command=True)
    def score(
        ctx: typer.Context,
        year: int = typer.Option(None, "--year", help="评价年度 (scoring year), e.g. 2025."),
        panel: Path = typer.Option(None, "--panel", help="Parquet 面板目录 (panel folder); 默认读数据库."),
        out: Path = typer.Option(None, "--out", help="结果 Parquet 文件 (results file, one row per firm)."),
        engine: EngineName = typer.Option(EngineName.polars, "--engine", help="polars (默认) 或 spark."),
        save: bool = typer.Option(False, "--save", help="面板评价也存入数据库批次 (store a panel round)."),
    ) -> None:
        """运行一次冻结的积分评价批次 (run a frozen scoring round)."""
        if ctx.invoked_subcommand is not None:
            return
        if year is None:
            raise UserError("需要 --year (the scoring year is required), 例如 innopoints score --year 2025")
        _run_round(year, panel, out, engine, save)

    @score_app.command("diff")
    def diff(
        from_round: int = typer.Option(..., "--from", help="较早的批次号 (earlier round id)."),
        to_round: int = typer.Option(..., "--to", help="较晚的批次号 (later round id)."),
        top: int = typer.Option(10, "--top", help="列出前 N 名升降 (movers to list)."),
    ) -> None:
        """比较两个批次：升降、新进、退出 (compare two rounds)."""
        from rich.table import Table

        from innopoints.adapters.db.engine import unit_of_work
        from innopoints.bootstrap import default_container
        from innopoints.scoring.diff import diff_rounds

        with unit_of_work(default_container().sessions) as session:
            d = diff_rounds(session, from_round, to_round)
        con = _console()
        con.print(
            f"批次 {d.from_round} → {d.to_round}: 共同企业 {d.movers.height:,} 家, 新进 (entries) {d.entries.height:,}, "
            f"退出 (exits) {d.exits.height:,}"
            + ("；注意：两批次积分规则版本不同 (rulebook changed)" if d.rulebook_changed else ""),
            highlight=False,
        )
        for title, frame in (("上升 (up)", d.up(top)), ("下降 (down)", d.down(top))):
            table = Table(title=title)
            for col in ("统一社会信用代码", "积分 前→后 (分)", "变化 (分)", "全市排名 前→后"):
                table.add_column(col)
            for r in frame.iter_rows(named=True):
                table.add_row(
                    r["uscc"],
                    f"{r['points_from'] / 100:.2f} → {r['points_to'] / 100:.2f}",
                    f"{r['delta_centi'] / 100:+.2f}",
                    f"{r['city_rank_from']} → {r['city_rank_to']}",
                )
            con.print(table)

    @score_app.command("explain")
    def explain_cmd(
        round_id: int = typer.Option(..., "--round", help="批次号 (round id)."),
        uscc: str = typer.Option(..., "--uscc", help="统一社会信用代码."),
    ) -> None:
        """单个企业的积分解释 (explain one firm's points in a stored round)."""
        from innopoints.bootstrap import default_container
        from innopoints.cli.score_render import render_explanation
        from innopoints.scoring.explain_round import explain_in_round

        exp = explain_in_round(default_container(), round_id, uscc)
        render_explanation(_console(), exp)

    @score_app.command("weights")
    def weights(
        method: WeightMethod = typer.Option(..., "--method", help="ahp 或 entropy."),
        matrix: Path = typer.Option(None, "--matrix", help="AHP 判断矩阵 YAML (items + matrix)."),
        total: str = typer.Option("1000", "--total", help="权重合计 (total to distribute), e.g. 600."),
        panel: Path = typer.Option(None, "--panel", help="熵权法使用的 Parquet 面板目录."),
        year: int = typer.Option(None, "--year", help="熵权法的年度."),
        stage: str = typer.Option(None, "--stage", help="只用该阶段的企业 (startup/growth/stable)."),
    ) -> None:
        """提出权重建议 (propose weights; released weights stay frozen in weights.yaml)."""
        from innopoints.cli.score_render import propose_weights

        propose_weights(_console(), method.value, matrix, total, panel, year, stage)
