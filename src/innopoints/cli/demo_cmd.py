"""``innopoints demo``: make the demo city usable from the first page — accounts, scoring rounds, pool.

Idempotent (``make run`` calls it every time): demo accounts are created when missing; a scoring round is
run for each demo year that has none, and the pool is screened for each new round, so the dashboard, the
round pages, movers and the pool have content on a fresh machine.
"""

from __future__ import annotations

from typing import Annotated

import typer

DEMO_YEARS = (2024, 2025)


def register(app: typer.Typer) -> None:
    @app.command("demo")
    def demo(
        years: Annotated[
            list[int] | None, typer.Option("--year", help="评价年度（可重复），默认 2024 和 2025")
        ] = None,
    ) -> None:
        """准备演示环境：演示账户、各年度积分评价批次与培育库筛选（已存在则跳过）。"""
        import sqlalchemy as sa
        from rich.console import Console

        from innopoints.accounts.demo import DEMO_PASSWORD, ensure_demo_accounts
        from innopoints.adapters.db.scoring_tables import ScoringRound
        from innopoints.bootstrap import default_container
        from innopoints.cultivation.rulebook import load_cultivation
        from innopoints.cultivation.service import screen_round
        from innopoints.scoring import service
        from innopoints.scoring.rulebook import load_points

        console = Console()
        container = default_container()
        with container.sessions.begin() as session:
            created = ensure_demo_accounts(session)
        for account in created:
            console.print(f"已创建演示账户 {account.username}（{account.display_name}）")
        console.print(f"演示账户密码 (demo password): {DEMO_PASSWORD}")
        rb = load_points(container.settings.region)
        book = load_cultivation(container.settings.region)
        for year in years or DEMO_YEARS:
            with container.sessions() as session:
                exists = session.scalar(sa.select(ScoringRound.id).where(ScoringRound.year == year).limit(1))
            if exists is not None:
                console.print(f"{year} 年已有积分评价批次 {exists}，跳过 (round exists)")
                continue
            with console.status(f"{year} 年积分评价 (scoring round)…") as status:
                outcome = service.run_db_round(
                    container.sessions,
                    container.settings.data_dir,
                    container.settings.region,
                    year,
                    rb,
                    progress=lambda text, y=year: status.update(f"{y} 年积分评价：{text}"),
                )
            console.print(f"{year} 年积分评价完成：批次 {outcome.round_id}，企业 {outcome.firms:,} 家")
            screened = screen_round(container.sessions, year, outcome.round_id, book)
            console.print(f"{year} 年培育库筛选完成：在库 {screened.members:,} 家")
