"""The synthetic "卡脖子" challenge list: problems submitted by firms, 3–5 expert scores each (average on the
right side of the rulebook's selection line for the problem's status; no expert scores a firm they serve as
科技特派员), published open tasks with team applications and exactly one chosen team once awarded. SYNTHETIC."""

from __future__ import annotations

from datetime import date, timedelta
from decimal import Decimal
from typing import Any

import numpy as np
import polars as pl

from innopoints.synth.calibration import Calibration
from innopoints.synth.firms import LAST_YEAR, Firms
from innopoints.synth.rng import stream
from innopoints.synth.transfer_services import _assumptions, _day, _firm_picker, _frame

END = date(LAST_YEAR, 12, 31)
SCORED = ("rejected", "selected", "published", "awarded", "completed")
# submission window per final status, so that every later date stays on or before END
WINDOW = {
    "submitted": (date(2025, 11, 15), END),
    "reviewing": (date(2025, 10, 1), date(2025, 11, 30)),
    "rejected": (date(2025, 1, 1), date(2025, 9, 30)),
    "selected": (date(2025, 8, 1), date(2025, 10, 15)),
    "published": (date(2025, 7, 1), date(2025, 9, 1)),
    "awarded": (date(2025, 1, 1), date(2025, 4, 30)),
    "completed": (date(2024, 6, 1), date(2024, 10, 31)),
}


def _scores(rng: np.random.Generator, k: int, selected: bool, line: Decimal) -> list[int]:
    target = rng.uniform(float(line) + 1, 92) if selected else rng.uniform(55, float(line) - 1)
    scores = [int(np.clip(round(target + rng.normal(0, 5)), 0, 100)) for _ in range(k)]
    while selected and Decimal(sum(scores)) / k < line:
        scores[int(np.argmin(scores))] += 1
    while not selected and Decimal(sum(scores)) / k >= line:
        scores[int(np.argmax(scores))] -= 1
    return scores


def challenge_tables(
    cal: Calibration,
    seed: int,
    firms: Firms,
    tables: dict[str, pl.DataFrame],
    pairs: pl.DataFrame,
    scale: float,
) -> dict[str, pl.DataFrame]:
    from innopoints.transfer.rulebook import load_transfer_rulebook

    a, rng = _assumptions(), stream(seed, "challenges")
    rules = load_transfer_rulebook().challenges
    line, window = rules.scoring.selection_min_average, rules.publication.application_days
    pick = _firm_picker(cal, firms, rng, LAST_YEAR)
    experts = tables["expert"]
    by_cluster: dict[str, list[int]] = {}
    for e_id, cluster in experts.select("id", "cluster_id").iter_rows():
        by_cluster.setdefault(cluster, []).append(int(e_id))
    serving = {(int(e), int(f)) for e, f in pairs.select("expert_id", "enterprise_id").iter_rows()}
    institutions = tables["institution"].select("id", "name").rows()
    statuses = list(a["challenge_status"])
    p = np.array([a["challenge_status"][s] for s in statuses], dtype=np.float64)
    ch: dict[str, list[Any]] = {
        k: []
        for k in (
            "id",
            "enterprise_id",
            "title",
            "description",
            "indicators",
            "cluster_id",
            "budget_fen",
            "status",
            "submitted_on",
            "decided_on",
            "published_on",
            "apply_deadline",
            "awarded_on",
            "closed_on",
            "reason",
        )
    }
    sc: dict[str, list[Any]] = {
        k: [] for k in ("id", "challenge_id", "expert_id", "score", "comment", "scored_on")
    }
    ap: dict[str, list[Any]] = {
        k: []
        for k in (
            "id",
            "challenge_id",
            "team_name",
            "lead_institution_id",
            "lead_enterprise_id",
            "plan",
            "quote_fen",
            "status",
            "applied_on",
        )
    }
    for c_id in range(1, max(8, round(int(a["challenges"]) * scale)) + 1):
        status = statuses[int(rng.choice(len(statuses), p=p / p.sum()))]
        cluster = cal.cluster_ids[int(rng.integers(0, len(cal.cluster_ids)))]
        firm = pick(cluster)
        words = cal.vocabulary["clusters"][cluster]
        obj, method, problem = (
            words[k][int(rng.integers(0, len(words[k])))] for k in ("objects", "methods", "problems")
        )
        m1, m2 = rng.choice(len(words["metrics"]), size=2, replace=False)
        submitted = _day(rng, *WINDOW[status])
        decided = submitted + timedelta(days=int(rng.integers(30, 61)))
        published = (
            decided + timedelta(days=int(rng.integers(7, 31)))
            if status in ("published", "awarded", "completed")
            else None
        )
        deadline = published + timedelta(days=window) if published else None
        awarded = (
            deadline + timedelta(days=int(rng.integers(5, 21)))
            if deadline and status in ("awarded", "completed")
            else None
        )
        closed = (
            awarded + timedelta(days=int(rng.integers(120, 301)))
            if awarded and status == "completed"
            else None
        )
        budget = max(200, int(np.exp(np.log(1200) + 0.8 * rng.standard_normal()))) * 10_000 * 100
        row: dict[str, Any] = {
            "id": c_id,
            "enterprise_id": firm,
            "cluster_id": cluster,
            "budget_fen": budget,
            "status": status,
            "title": f"{obj}{method}关键技术攻关"
            if rng.random() < 0.5
            else f"突破{problem}：{obj}国产化替代",
            "description": f"我单位在{obj}研制中面临{problem}问题，国外产品依赖度高，亟需联合攻关。",
            "indicators": f"{words['metrics'][int(m1)]}达到国际先进水平；{words['metrics'][int(m2)]}降低{int(rng.integers(10, 40))}%",
            "submitted_on": submitted,
            "decided_on": decided if status in SCORED else None,
            "published_on": published,
            "apply_deadline": deadline,
            "awarded_on": awarded,
            "closed_on": closed,
            "reason": None,
        }
        if status in SCORED or status == "reviewing":
            pool = [e for e in by_cluster.get(cluster, []) if (e, firm) not in serving]
            if len(pool) < 5:
                pool += [e for e in experts["id"].to_list() if (e, firm) not in serving and e not in pool][
                    : 5 - len(pool)
                ]
            k = int(rng.integers(3, 6)) if status in SCORED else int(rng.integers(0, 3))
            chosen = [int(e) for e in rng.choice(pool, size=k, replace=False)] if k else []
            for e, s in zip(chosen, _scores(rng, k, status != "rejected", line) if k else [], strict=True):
                for key, value in (
                    ("id", len(sc["id"]) + 1),
                    ("challenge_id", c_id),
                    ("expert_id", e),
                    ("score", s),
                    ("comment", "问题凝练清晰" if s >= line else "共性不足"),
                    ("scored_on", submitted + timedelta(days=int(rng.integers(5, 30)))),
                ):
                    sc[key].append(value)
            if status == "rejected":
                row["reason"] = f"专家平均分低于入选线 {line}"
        for key in ch:
            ch[key].append(row[key])
        if published is not None:
            assert deadline is not None
            n_apps = int(rng.integers(0, 4)) if status == "published" else int(rng.integers(2, 5))
            winner = int(rng.integers(0, n_apps)) if status in ("awarded", "completed") else -1
            for i in range(n_apps):
                by_inst = rng.random() < 0.6
                inst = institutions[int(rng.integers(0, len(institutions)))]
                lead_firm = 0 if by_inst else pick(cluster, avoid=firm)
                app_status = "applied" if winner < 0 else ("chosen" if i == winner else "not_chosen")
                app: dict[str, Any] = {
                    "id": len(ap["id"]) + 1,
                    "challenge_id": c_id,
                    "team_name": f"{inst[1]}攻关团队" if by_inst else f"{firms.name[lead_firm - 1]}联合体",
                    "lead_institution_id": int(inst[0]) if by_inst else None,
                    "lead_enterprise_id": None if by_inst else lead_firm,
                    "plan": f"采用{method}路线，分阶段完成{obj}样机与验证",
                    "quote_fen": int(budget * rng.uniform(0.7, 1.0)) // 1_000_000 * 1_000_000,
                    "status": app_status,
                    "applied_on": _day(rng, published, min(deadline, END)),
                }
                for key in ap:
                    ap[key].append(app[key])
    d = pl.Date
    return {
        "challenge": _frame(
            ch,
            {
                "id": pl.Int64,
                "enterprise_id": pl.Int64,
                "title": pl.String,
                "description": pl.String,
                "indicators": pl.String,
                "cluster_id": pl.String,
                "budget_fen": pl.Int64,
                "status": pl.String,
                "submitted_on": d,
                "decided_on": d,
                "published_on": d,
                "apply_deadline": d,
                "awarded_on": d,
                "closed_on": d,
                "reason": pl.String,
            },
        ),
        "challenge_score": _frame(
            sc,
            {
                "id": pl.Int64,
                "challenge_id": pl.Int64,
                "expert_id": pl.Int64,
                "score": pl.Int16,
                "comment": pl.String,
                "scored_on": d,
            },
        ),
        "challenge_application": _frame(
            ap,
            {
                "id": pl.Int64,
                "challenge_id": pl.Int64,
                "team_name": pl.String,
                "lead_institution_id": pl.Int64,
                "lead_enterprise_id": pl.Int64,
                "plan": pl.String,
                "quote_fen": pl.Int64,
                "status": pl.String,
                "applied_on": d,
            },
        ),
    }
