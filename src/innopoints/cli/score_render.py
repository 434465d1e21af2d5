"""Rendering for ``innopoints score explain`` and ``innopoints score weights``."""

from __future__ import annotations

from decimal import Decimal
from pathlib import Path

from rich.console import Console
from rich.table import Table

from innopoints.errors import UserError
from innopoints.scoring.explain import Explanation


def _fmt(value: Decimal | None, unit: str) -> str:
    if value is None:
        return "缺失 (missing)"
    return f"{value.quantize(Decimal('0.01'))} {unit}"


def _bound(value: Decimal | None, unit: str) -> str:
    """A reference quantile; None means the value lies outside the reference (below or above)."""
    return "—" if value is None else _fmt(value, unit)


def render_explanation(con: Console, exp: Explanation) -> None:
    con.print(
        f"{exp.uscc} {exp.year} 年: {exp.points} 分 (points); 阶段 {exp.stage_name_zh} ({exp.stage}); "
        f"同类组 (peer group) {exp.peer_group}; 梯度 (ladder) {exp.ladder_stage}; "
        f"科技型中小企业测评 {exp.tech_sme.score if exp.tech_sme.score is not None else '无法判断'} 分, "
        f"结论 {({True: '符合', False: '不符合', None: '暂无法判断 (data missing)'})[exp.tech_sme.qualified]}",
        highlight=False,
    )
    table = Table(title="指标明细 (indicator trace)")
    for col in ("指标", "取值", "参照分位 (下, 上)", "百分位", "权重 (分)", "贡献 (分)"):
        table.add_column(col)
    for t in exp.indicators:
        ref = (
            f"{_bound(t.reference_low, t.unit)} ~ {_bound(t.reference_high, t.unit)}"
            if t.quantile_position is not None
            else "—"
        )
        table.add_row(
            t.name_zh,
            _fmt(t.raw_value, t.unit),
            ref,
            f"{t.percentile * 100:.4f}%",
            str(t.weight),
            f"{t.contribution.quantize(Decimal('0.0001'))}",
        )
    con.print(table)
    groups = ", ".join(f"{g} {v} 分" for g, v in exp.group_scores.items())
    con.print(f"一级指标 (groups): {groups}; 加权积分 (base) {exp.base_points} 分", highlight=False)
    for item in exp.bonus:
        con.print(f"  加分 (bonus) {item.name_zh}: +{item.points} 分")
    for item in exp.penalties:
        con.print(f"  扣分 (deduction) {item.name_zh}: −{item.points} 分")
    con.print(f"规则版本 (rulebook) {exp.rulebook_hash[:16]}…", highlight=False)


def propose_weights(
    con: Console,
    method: str,
    matrix: Path | None,
    total: str,
    panel: Path | None,
    year: int | None,
    stage: str | None,
) -> None:
    from innopoints.scoring import weights as w

    try:
        total_d = Decimal(total)
    except ArithmeticError as exc:
        raise UserError(f"--total 须为数字 (must be a number): {total}") from exc
    if method == "ahp":
        if matrix is None:
            raise UserError("--method ahp 需要 --matrix 文件 (a YAML file with items and matrix)")
        import yaml

        try:
            data = yaml.safe_load(matrix.read_text("utf-8"))
            items, rows = list(data["items"]), list(data["matrix"])
        except (OSError, yaml.YAMLError, KeyError, TypeError) as exc:
            raise UserError(f"无法读取判断矩阵 {matrix} (needs keys items and matrix): {exc}") from exc
        res = w.ahp(items, rows)
        shares = dict(zip(res.items, res.weights, strict=True))
        con.print(
            f"AHP: λmax = {res.lambda_max:.4f}, CI = {res.consistency_index:.4f}, RI = {res.random_index}, "
            f"CR = {res.consistency_ratio:.4f} (< 0.1 通过)",
            highlight=False,
        )
    else:
        if panel is None or year is None:
            raise UserError("--method entropy 需要 --panel 和 --year")
        from innopoints.scoring.entropy_panel import entropy_shares

        shares = entropy_shares(panel, year, stage)
    proposed = w.scale_to_total(shares, total_d)
    table = Table(title=f"建议权重 (proposed weights), 合计 {total_d} 分 — 未生效 (not released)")
    table.add_column("指标 (indicator)")
    table.add_column("占比 (share)")
    table.add_column("建议权重 (分)")
    for k, share in shares.items():
        table.add_row(k, f"{share * 100:.2f}%", str(proposed[k]))
    con.print(table)
