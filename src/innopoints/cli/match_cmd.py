"""``innopoints match ...``: demand ↔ achievement matching (rank, explain, evaluate, tune, export-devset).

``match rank`` prints exactly one JSON line per demand on stdout, in input order:
``{"demand_id": "...", "ranking": ["achievement id", ...]}``; everything else goes to stderr.
"""

from __future__ import annotations

import json
import sys
import time
from pathlib import Path
from typing import TYPE_CHECKING

import typer

from innopoints.errors import UserError

if TYPE_CHECKING:
    from innopoints.transfer.matching.knowledge import RankerConfig

match_app = typer.Typer(
    help="供需匹配：技术需求 ↔ 科技成果 (demand ↔ achievement matching).", no_args_is_help=True
)


def _info(message: str) -> None:
    print(message, file=sys.stderr, flush=True)


def _weights(path: Path | None) -> RankerConfig:
    from innopoints.transfer.matching.knowledge import load_ranker_config

    if path is not None and not path.is_file():
        raise UserError(f"找不到权重文件 (weights file not found): {path}")
    try:
        return load_ranker_config(path)
    except (KeyError, ValueError, TypeError) as exc:
        raise UserError(f"权重文件格式错误 (bad weights file): {path}: {exc}") from exc


@match_app.command("rank")
def rank(
    achievements: Path = typer.Option(
        ...,
        "--achievements",
        help="成果 CSV: id,title,abstract,field,institution,trl,transfer_mode,price_yuan,keywords",
    ),
    demands: Path = typer.Option(
        ..., "--demands", help="需求 CSV: id,title,description,field,budget_yuan,district"
    ),
    top: int = typer.Option(10, "--top", min=1, help="每个需求输出的成果数 (results per demand)"),
    weights: Path | None = typer.Option(None, "--weights", help="权重 YAML (default: packaged weights)"),
) -> None:
    """为每个需求排序成果，每行一个 JSON (one JSON line per demand, input order)."""
    from innopoints.transfer.matching.csv_io import load_achievements, load_demands
    from innopoints.transfer.matching.service import rank_demands

    achievement_rows = load_achievements(achievements)
    demand_rows = load_demands(demands)
    config = _weights(weights)
    started = time.perf_counter()
    _info(f"成果 {len(achievement_rows)} 条，需求 {len(demand_rows)} 条 (achievements, demands)")
    out = sys.stdout
    for demand_id, ranking in rank_demands(achievement_rows, demand_rows, top, config):
        out.write(json.dumps({"demand_id": demand_id, "ranking": ranking}, ensure_ascii=False) + "\n")
    out.flush()
    _info(f"完成，用时 {time.perf_counter() - started:.2f} 秒 (done)")


@match_app.command("explain")
def explain_cmd(
    achievements: Path = typer.Option(..., "--achievements"),
    demands: Path = typer.Option(..., "--demands"),
    demand_id: str = typer.Option(..., "--demand-id", help="要解释的需求 id (demand to explain)"),
    top: int = typer.Option(5, "--top", min=1),
    weights: Path | None = typer.Option(None, "--weights"),
) -> None:
    """用中文解释某个需求的匹配结果 (explain one demand's matches in Chinese)."""
    from innopoints.transfer.matching.csv_io import load_achievements, load_demands
    from innopoints.transfer.matching.service import AchievementMatcher

    demand_rows = {d.id: d for d in load_demands(demands)}
    if demand_id not in demand_rows:
        raise UserError(f"需求文件中没有 id 为 {demand_id} 的需求 (demand id not found)")
    matcher = AchievementMatcher(load_achievements(achievements), _weights(weights))
    demand = demand_rows[demand_id]
    print(f"需求 {demand.id}「{demand.title}」的匹配成果 (matches):")
    for rank_no, explanation in enumerate(matcher.explain_demand(demand, top), start=1):
        print(f"{rank_no}. {explanation.to_text()}")


@match_app.command("evaluate")
def evaluate_cmd(
    weights: Path | None = typer.Option(None, "--weights"),
    k: int = typer.Option(10, "--k", min=1),
) -> None:
    """在开发集上评估混合排序与纯 BM25 (nDCG@k, Recall@k on the dev set's tune/test halves)."""
    from innopoints.transfer.matching.evaluate import PARTS, evaluate

    config = _weights(weights)
    report = evaluate(config, k)
    strong = evaluate(config, k, plain_baseline=False)
    print(
        f"{'half':<6}{'queries':>8}{'hybrid nDCG@' + str(k):>18}{'BM25 nDCG@' + str(k):>16}"
        f"{'improvement':>13}{'hybrid R@' + str(k):>14}{'BM25 R@' + str(k):>12}{'BM25+stop nDCG':>16}"
    )
    for part in PARTS:
        h, b = report.hybrid[part], report.baseline[part]
        print(
            f"{part:<6}{h.queries:>8}{h.ndcg:>18.4f}{b.ndcg:>16.4f}{100 * report.improvement(part):>12.1f}%"
            f"{h.recall:>14.4f}{b.recall:>12.4f}{strong.baseline[part].ndcg:>16.4f}"
        )
    print(
        "BM25 = plain Okapi BM25 (k1=1.2, b=0.75) over jieba words of title+abstract, default dictionary, "
        "no stop-word list; BM25+stop = the same with our dictionary and stop words."
    )


@match_app.command("tune")
def tune_cmd(
    out: Path = typer.Option(..., "--out", help="写出调优后的权重 YAML (write tuned weights here)"),
    weights: Path | None = typer.Option(None, "--weights", help="起点权重 (starting weights)"),
    bm25: bool = typer.Option(
        False, "--bm25", help="先调 BM25F 参数 k1/b/字段权重 (first tune the BM25F parameters)"
    ),
) -> None:
    """仅在开发集 tune 半区上坐标上升调权 (coordinate ascent on the tune half only)."""
    import yaml

    from innopoints.transfer.matching.evaluate import tune, tune_bm25

    config = _weights(weights)
    if bm25:
        config, _ = tune_bm25(config, progress=_info)
    config, best = tune(config, progress=_info)
    out.write_text(
        "# Written by `innopoints match tune` (coordinate ascent on the dev set's tune half).\n"
        + yaml.safe_dump(config.to_yaml_dict(), allow_unicode=True, sort_keys=False),
        "utf-8",
    )
    print(f"tune nDCG@10 = {best:.4f}; 已写出 (written): {out}")


@match_app.command("export-devset")
def export_devset(directory: Path = typer.Argument(..., help="输出目录 (output directory)")) -> None:
    """导出开发集为 CLI 可读的 CSV + qrels (achievements.csv, demands.csv, qrels.tsv, split.tsv)."""
    from innopoints.transfer.matching.csv_io import write_achievements, write_demands
    from innopoints.transfer.matching.devset import load_devset

    devset = load_devset()
    directory.mkdir(parents=True, exist_ok=True)
    write_achievements(directory / "achievements.csv", list(devset.achievements))
    write_demands(directory / "demands.csv", list(devset.demands))
    with (directory / "qrels.tsv").open("w", encoding="utf-8") as fh:
        for demand_id, judged in devset.qrels.items():
            for achievement_id, grade in judged.items():
                fh.write(f"{demand_id}\t{achievement_id}\t{grade}\n")
    with (directory / "split.tsv").open("w", encoding="utf-8") as fh:
        for demand_id, part in devset.split.items():
            fh.write(f"{demand_id}\t{part}\n")
    print(f"已导出 {len(devset.achievements)} 条成果、{len(devset.demands)} 条需求 (exported) → {directory}")


def register(app: typer.Typer) -> None:
    app.add_typer(match_app, name="match")
