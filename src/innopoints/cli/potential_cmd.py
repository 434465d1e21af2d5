"""``innopoints potential``: growth-potential model (成长潜力模型) — train, evaluate, explain one firm."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

import typer

if TYPE_CHECKING:
    from innopoints.potential.data import PotentialData
    from innopoints.potential.evaluation import TaskResult

PANEL_HELP = (
    "合成城市 Parquet 目录 (enterprises.parquet + panel.parquet)；缺省读数据库 (default: the database)"
)


def _load(panel: Path | None) -> tuple[PotentialData, Path]:
    from innopoints.bootstrap import default_container
    from innopoints.potential.data import load_database, load_parquet

    container = default_container()
    data = load_parquet(panel) if panel is not None else load_database(container.engine)
    return data, container.settings.data_dir / "models"


def _print_tables(results: dict[str, TaskResult]) -> None:
    from rich.console import Console
    from rich.table import Table

    from innopoints.potential.evaluation import MODEL_NAMES
    from innopoints.potential.labels import label_specs

    console = Console()
    for task, res in results.items():
        spec = label_specs()[task]
        table = Table(
            title=f"{spec.name_zh} ({task})：训练起点 {res.split.train_origins} → 测试起点 {res.split.test_origin}",
            title_justify="left",
        )
        for col in ("模型 (model)", "AUC", "前10%精确率", "前10%召回率", "提升度 (lift)", "Brier"):
            table.add_column(col, justify="left" if col.startswith("模型") else "right")
        for name, m in res.metrics.items():
            table.add_row(
                MODEL_NAMES[name],
                f"{m['auc']:.3f}",
                f"{m['top_decile_precision'] * 100:.1f}%",
                f"{m['top_decile_recall'] * 100:.1f}%",
                f"{m['top_decile_lift']:.2f}",
                f"{m['brier']:.3f}",
            )
        console.print(table)
        base = next(iter(res.metrics.values()))
        console.print(
            f"  测试样本 {base['n']:,} 个，正例 {base['positives']:,} 个（基准率 {base['base_rate'] * 100:.1f}%）；"
            f"训练样本 {res.n_train:,} 个（正例率 {res.train_positive_rate * 100:.1f}%）",
            highlight=False,
        )


def _run_all(data: PotentialData, seed: int) -> dict[str, TaskResult]:
    from innopoints.potential.evaluation import run_task
    from innopoints.potential.labels import TASKS

    return {task: run_task(data, task, seed) for task in TASKS}


def register(app: typer.Typer) -> None:
    potential = typer.Typer(
        help="成长潜力模型 (growth-potential model): 高成长与梯度晋级预测。", no_args_is_help=True
    )
    app.add_typer(potential, name="potential")

    @potential.command("train")
    def train(
        panel: Path | None = typer.Option(None, "--panel", help=PANEL_HELP),
        seed: int = typer.Option(0, "--seed", help="随机种子 (random state)"),
    ) -> None:
        """训练并评估（时间切分），把模型与模型卡写到 <data_dir>/models/<model-id>/。"""
        import time

        from innopoints.bootstrap import default_container
        from innopoints.potential.registry import build_card, save
        from innopoints.scoring.rulebook import load_points

        started = time.perf_counter()
        data, models_dir = _load(panel)
        results = _run_all(data, seed)
        rb_hash = load_points(default_container().settings.region).version_hash
        card = build_card(results, data.source, rb_hash, seed)
        path = save(models_dir, results, card)
        _print_tables(results)
        typer.echo(f"模型已保存 (saved): {path}（用时 {time.perf_counter() - started:.1f} 秒）")

    @potential.command("evaluate")
    def evaluate(
        panel: Path | None = typer.Option(None, "--panel", help=PANEL_HELP),
        seed: int = typer.Option(0, "--seed", help="随机种子 (random state)"),
    ) -> None:
        """重新运行时间切分评估，打印模型与基线对比表 (model vs baselines)。"""
        data, _ = _load(panel)
        _print_tables(_run_all(data, seed))

    @potential.command("explain")
    def explain(
        uscc: str = typer.Option(..., "--uscc", help="统一社会信用代码 (USCC)"),
        panel: Path | None = typer.Option(None, "--panel", help=PANEL_HELP),
        model_id: str | None = typer.Option(None, "--model", help="模型编号，缺省为最新 (default: latest)"),
        top: int = typer.Option(3, "--top", min=1, max=10, help="每个方向列出的因素数"),
    ) -> None:
        """打印企业的预测概率与主要影响因素（中文）。"""
        from innopoints.potential.explain import explain_firm
        from innopoints.potential.labels import label_specs
        from innopoints.potential.registry import load

        data, models_dir = _load(panel)
        model = load(models_dir, model_id)
        typer.echo(f"模型 (model): {model.card['model_id']}")
        for ex in explain_firm(model, data, uscc.strip().upper(), top):
            spec = label_specs()[ex.task]
            typer.echo(
                f"{spec.name_zh}：概率 {ex.probability * 100:.1f}%（基于截至 {ex.origin_year} 年的数据）"
            )
            for label, factors in (("  提高因素", ex.raising), ("  降低因素", ex.lowering)):
                if factors:
                    typer.echo(label + "：" + "；".join(f.text for f in factors))
