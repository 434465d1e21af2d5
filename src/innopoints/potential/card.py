"""Model card rendering (Markdown) from the card dictionary stored as card.json."""

from __future__ import annotations

import math
from typing import Any

LITERATURE = (
    "文献参照：真实数据上，前 10% 高分企业捕获约 39% 的未来高成长企业（提升度约 3.9）即属较强水平。"
    "(Literature: top-decile capture of ~39% of future high-growth firms, lift ≈ 3.9, is strong on real data.)"
)


def _num(value: Any, pct: bool = False) -> str:
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return "—"
    return f"{value * 100:.1f}%" if pct else f"{value:.3f}"


def metrics_table(task: dict[str, Any], names: dict[str, str]) -> list[str]:
    lines = [
        "| 模型 (model) | AUC | 前10%精确率 (precision) | 前10%召回率 (recall) | 提升度 (lift) | Brier |",
        "|---|---|---|---|---|---|",
    ]
    for key, m in task["metrics"].items():
        lines.append(
            f"| {names.get(key, key)} | {_num(m['auc'])} | {_num(m['top_decile_precision'], True)} | "
            f"{_num(m['top_decile_recall'], True)} | {_num(m['top_decile_lift'])} | {_num(m['brier'])} |"
        )
    return lines


def render_markdown(card: dict[str, Any]) -> str:
    out = [
        f"# 成长潜力模型卡 (growth-potential model card) `{card.get('model_id', '')}`",
        "",
        f"- 生成时间 (created): {card['created_at']}",
        f"- 数据来源 (data): {card['data_source']}",
        f"- 积分规则版本哈希 (points rulebook hash): `{card['rulebook_version_hash']}`",
        "- 库版本 (libraries): " + ", ".join(f"{k} {v}" for k, v in card["libraries"].items()),
        f"- 特征 (features, {len(card['features'])}): " + "、".join(f["name_zh"] for f in card["features"]),
        "",
    ]
    for name, task in card["tasks"].items():
        label = task["label"]
        out += [
            f"## {label['name_zh']} (`{name}`)",
            "",
            f"- 定义依据 (reference): {label['reference']}；期限 {label['horizon_years']} 年"
            + (
                f"；年均增速 ≥ {float(label['annual_growth']) * 100:.0f}%"
                if label.get("annual_growth")
                else ""
            )
            + (
                f"；期初职工 ≥ {label['min_employees_at_start']} 人"
                if label.get("min_employees_at_start")
                else ""
            ),
            f"- 训练起点年 (train origins): {task['train_origin_years']}（特征截至 {task['training_window']['features_up_to']} 年，"
            f"标签截至 {task['training_window']['labels_up_to']} 年）；测试起点年 (test origin): {task['test_origin_year']}",
            f"- 训练样本 {task['n_train']:,} 个，正例率 {task['train_positive_rate'] * 100:.1f}%；"
            f"测试样本 {task['metrics']['gbm']['n']:,} 个，正例率 {task['metrics']['gbm']['base_rate'] * 100:.1f}%",
            "",
            *metrics_table(task, card["models"]),
            "",
            "校准曲线 (calibration, 10 bins, gbm):",
            "",
            "| 预测区间 (bin) | 样本数 (n) | 平均预测 (mean predicted) | 实际比例 (observed) |",
            "|---|---|---|---|",
        ]
        for row in task["metrics"]["gbm"]["calibration"]:
            out.append(
                f"| {row['bin']} | {row['count']:,} | {_num(row['mean_predicted'], True)} | "
                f"{_num(row['observed_rate'], True)} |"
            )
        out.append("")
    out += [
        LITERATURE,
        "",
        "所有数值均基于所载数据；合成城市上的结果不代表真实企业。(Synthetic results are not real-world evidence.)",
        "",
    ]
    return "\n".join(out)
