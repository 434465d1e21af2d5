"""``innopoints synth``: build the seeded synthetic Shenyang into the database or as Parquet files."""

from __future__ import annotations

from enum import StrEnum
from pathlib import Path

import typer

from innopoints.errors import UserError


class OutputFormat(StrEnum):
    db = "db"
    parquet = "parquet"


def register(app: typer.Typer) -> None:
    @app.command("synth")
    def synth(
        seed: int = typer.Option(None, "--seed", help="随机种子 (seed); 默认固定 (fixed default)."),
        enterprises: int = typer.Option(
            None, "--enterprises", help="2025年在册科技型企业数 (active firms; default 30083)."
        ),
        output: OutputFormat = typer.Option(
            OutputFormat.db, "--format", help="db: 载入数据库; parquet: 写文件到 --out."
        ),
        out: Path = typer.Option(
            None, "--out", help="Parquet 输出目录 (output directory for --format parquet)."
        ),
        if_empty: bool = typer.Option(
            False, "--if-empty", help="库中已有企业时什么也不做 (skip if enterprises exist)."
        ),
    ) -> None:
        """生成合成沈阳城市数据 (build the seeded synthetic city; every row is marked is_synthetic)."""
        from innopoints.synth.calibration import DEFAULT_SEED
        from innopoints.synth.city import MAX_ENTERPRISES, SynthConfig

        if enterprises is not None and not 1 <= enterprises <= MAX_ENTERPRISES:
            raise UserError(
                f"--enterprises 须在 1 到 {MAX_ENTERPRISES:,} 之间 (must be 1..{MAX_ENTERPRISES:,}), 实际为 {enterprises}"
            )
        config = SynthConfig(seed=DEFAULT_SEED if seed is None else seed, enterprises=enterprises)
        if output is OutputFormat.parquet:
            if out is None:
                raise UserError("--format parquet 需要 --out 目录 (an output directory is required)")
            _to_parquet(config, out)
        else:
            if out is not None:
                raise UserError("--out 只用于 --format parquet (--out only applies to Parquet output)")
            _to_database(config, if_empty)


def _to_parquet(config: object, out: Path) -> None:
    import time

    from rich.console import Console

    from innopoints.synth.parquet_writer import write_parquet
    from innopoints.synth.progress import phase_progress

    if out.exists() and not out.is_dir():
        raise UserError(f"输出路径不是目录 (not a directory): {out}")
    started = time.perf_counter()
    try:
        with phase_progress() as say:
            manifest = write_parquet(config, out, progress=say)  # type: ignore[arg-type]
    except OSError as exc:
        raise UserError(f"无法写入输出目录 (cannot write to {out}): {exc.strerror or exc}") from exc
    sizes = manifest["sizes"]
    Console().print(
        f"合成城市已写出 (written): {out} — 企业 {sizes['enterprises']:,} 家 "
        f"(2025年在册 {sizes['enterprises_active_2025']:,}), 面板 {sizes['panel_rows']:,} 行, "
        f"种子 seed={manifest['seed']}, 用时 {time.perf_counter() - started:.1f} 秒"
    )


def _to_database(config: object, if_empty: bool) -> None:
    import time

    import sqlalchemy as sa
    from rich.console import Console

    from innopoints.adapters.db.migrate import upgrade
    from innopoints.adapters.db.tables import Enterprise
    from innopoints.bootstrap import default_container
    from innopoints.synth.city import generate_city
    from innopoints.synth.db_writer import ensure_empty, load_city
    from innopoints.synth.progress import phase_progress, rows_progress

    console = Console()
    container = default_container()
    upgrade(container.engine)
    with container.engine.connect() as conn:
        existing = conn.execute(sa.select(sa.func.count()).select_from(Enterprise)).scalar_one()
    if existing and if_empty:
        console.print(f"数据库已有 {existing:,} 家企业，未生成合成数据 (enterprises exist; nothing to do)")
        return
    ensure_empty(container.engine)
    started = time.perf_counter()
    with phase_progress() as say:
        city = generate_city(config, progress=say)  # type: ignore[arg-type]
    with rows_progress(city) as advance:
        counts = load_city(container.engine, city, advance)
    url = container.engine.url.render_as_string(hide_password=True)
    console.print(
        f"合成城市已载入 (loaded) {url}: 企业 {counts['enterprise']:,} 家 (2025年在册 {city.enterprises_active_2025:,}), "
        f"指标修订 {counts['panel_revision']:,} 条（每企业每年一条）, 技术合同 {counts.get('tech_contract', 0):,} 份, "
        f"种子 seed={city.seed}, 用时 {time.perf_counter() - started:.1f} 秒"
    )
