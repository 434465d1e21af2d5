"""成果转化 workflows of the synthetic city (SYNTHETIC): broker profiles, demands routed to brokers through
对接 → 洽谈 → 签约 with the signed ones linked to registered contracts, ratings and broker cases; contract
titles, buyer sides (吸纳), achievement links and 未予登记 reasons; achievement licensing terms and reforms;
demand indicators. Orders, the challenge list, interests and 科技特派员 pairings are in ``transfer_services``.

Each part draws from its own named stream, so the entity tables built earlier (and the panel) do not move.
Assumptions: ``data/transfer_flow.yaml``. The city's "today" is 2025-12-31.
"""

from __future__ import annotations

from bisect import bisect_left
from datetime import date, timedelta
from functools import lru_cache
from importlib import resources
from typing import Any

import numpy as np
import polars as pl
import yaml

from innopoints.synth.calibration import Calibration
from innopoints.synth.firms import LAST_YEAR, Firms
from innopoints.synth.rng import stream
from innopoints.synth.transfer_services import service_tables

END = date(LAST_YEAR, 12, 31)
TYPE_ZH = {
    "development": "技术开发",
    "transfer": "技术转让",
    "license": "技术许可",
    "consulting": "技术咨询",
    "service": "技术服务",
}
END_REASONS = [
    "企业需求调整",
    "双方价格未达成一致",
    "技术指标不满足企业要求",
    "企业另选合作方",
    "项目资金未落实",
]


@lru_cache(maxsize=1)
def assumptions() -> dict[str, Any]:
    text = resources.files("innopoints.synth.data").joinpath("transfer_flow.yaml").read_text("utf-8")
    data: dict[str, Any] = yaml.safe_load(text)
    return data


def _pick(rng: np.random.Generator, items: list[Any]) -> Any:
    return items[int(rng.integers(0, len(items)))]


def _choice(rng: np.random.Generator, dist: dict[str, float]) -> str:
    keys = list(dist)
    p = np.array([dist[k] for k in keys], dtype=np.float64)
    return keys[int(rng.choice(len(keys), p=p / p.sum()))]


def _day(rng: np.random.Generator, first: date, last: date) -> date:
    if last <= first:
        return first
    return first + timedelta(days=int(rng.integers(0, (last - first).days + 1)))


def broker_profiles(seed: int, brokers: pl.DataFrame) -> pl.DataFrame:
    a, rng = assumptions(), stream(seed, "brokers.profile")
    n = brokers.height
    levels = [_choice(rng, a["broker_levels"]) for _ in range(n)]
    own = rng.random(n) < float(a["broker_own_max_load_share"])
    limits = rng.integers(4, 13, size=n)
    return brokers.with_columns(
        level=pl.Series(levels),
        organization=pl.Series([_pick(rng, a["broker_organizations"]) for _ in range(n)]),
        max_load=pl.Series([int(x) if o else None for x, o in zip(limits, own, strict=True)], dtype=pl.Int16),
        active=pl.Series(rng.random(n) >= float(a["broker_inactive_share"])),
    )


def achievement_terms(seed: int, achievements: pl.DataFrame) -> pl.DataFrame:
    a, rng = assumptions(), stream(seed, "achievements.terms")
    terms, months = [], []
    for mode, later in zip(achievements["transfer_mode"], achievements["pay_after_use"], strict=True):
        m = int(_pick(rng, [6, 12, 18, 24])) if later else None
        months.append(m)
        if mode == "license":
            kind = "独占许可" if rng.random() < 0.2 else "普通许可"
            text = f"{kind}，许可期{int(rng.integers(3, 11))}年，入门费加销售额{int(rng.integers(2, 8))}%提成"
        elif mode == "transfer":
            text = "专利权转让，一次性或分期支付"
        elif mode == "equity":
            text = f"作价入股，占股比例约{int(rng.integers(5, 31))}%"
        else:
            text = "合作开发，知识产权按约定共有"
        terms.append(text + (f"；先使用后付费：先行使用{m}个月，期满按约定付费" if m else ""))
    n = achievements.height
    return achievements.with_columns(
        license_terms=pl.Series(terms),
        pay_after_use_months=pl.Series(months, dtype=pl.Int16),
        ownership_granted=pl.Series(rng.random(n) < float(a["ownership_granted_share"])),
        separately_managed=pl.Series(rng.random(n) < float(a["separately_managed_share"])),
    )


def demand_details(cal: Calibration, seed: int, demands: pl.DataFrame) -> pl.DataFrame:
    rng = stream(seed, "demands.details")
    indicators = []
    for cluster in demands["cluster_id"]:
        metrics = cal.vocabulary["clusters"][cluster]["metrics"]
        m1, m2 = rng.choice(len(metrics), size=2, replace=False)
        indicators.append(
            f"{metrics[int(m1)]}提升{int(rng.integers(10, 60))}%以上；{metrics[int(m2)]}降低{int(rng.integers(8, 40))}%"
        )
    closed = [
        min(d, END) if s == "closed" else None
        for s, d in zip(demands["status"], demands["deadline"], strict=True)
    ]
    return demands.with_columns(indicators=pl.Series(indicators), closed_on=pl.Series(closed, dtype=pl.Date))


class _ContractPool:
    """Registered contracts by cluster, sorted by signing date, each linkable to one signed assignment."""

    def __init__(self, contracts: pl.DataFrame) -> None:
        reg = contracts.filter(pl.col("status") == "registered").select(
            "id", "cluster_id", "signed_on", "seller_enterprise_id"
        )
        self.by_cluster: dict[str, tuple[list[date], list[int], list[int | None]]] = {}
        for cluster, part in reg.sort("signed_on", "id").group_by("cluster_id", maintain_order=True):
            self.by_cluster[str(cluster[0])] = (
                part["signed_on"].to_list(),
                part["id"].to_list(),
                part["seller_enterprise_id"].to_list(),
            )
        self.used: set[int] = set()

    def take(self, cluster: str, after: date, buyer_firm: int) -> tuple[int, date] | None:
        days, ids, sellers = self.by_cluster.get(cluster, ([], [], []))
        i = bisect_left(days, after)
        for j in range(i, min(i + 400, len(ids))):
            if (
                ids[j] not in self.used
                and sellers[j] != buyer_firm
                and days[j] <= after + timedelta(days=365)
            ):
                self.used.add(ids[j])
                return ids[j], days[j]
        return None


def _weighted(rng: np.random.Generator, cands: list[int], weights: dict[int, float]) -> int:
    w = np.array([weights[b] for b in cands])
    return int(cands[int(rng.choice(len(cands), p=w / w.sum()))])


def assignments(
    cal: Calibration,
    seed: int,
    firms: Firms,
    demands: pl.DataFrame,
    brokers: pl.DataFrame,
    contracts: pl.DataFrame,
) -> tuple[pl.DataFrame, dict[int, tuple[int, int, int]]]:
    """Broker assignments; returns them and {contract id: (demand id, broker id, buyer firm id)} for signed ones."""
    a, rng = assumptions(), stream(seed, "brokers.assignments")
    default_load = 8
    usable = brokers.filter(pl.col("active"))
    by_cluster: dict[str, list[int]] = {}
    for b, c in zip(usable["id"], usable["cluster_id"], strict=True):
        by_cluster.setdefault(c, []).append(int(b))
    quality = {int(b): float(r) ** 2 for b, r in zip(brokers["id"], brokers["rating"], strict=True)}
    limit = {
        int(b): int(m) if m is not None else default_load
        for b, m in zip(brokers["id"], brokers["max_load"], strict=True)
    }
    load: dict[int, int] = {}
    pool = _ContractPool(contracts)
    rows: dict[str, list[Any]] = {
        k: []
        for k in (
            "id",
            "demand_id",
            "broker_id",
            "stage",
            "routed_by",
            "routing_reason",
            "assigned_on",
            "stage_changed_on",
            "achievement_id",
            "contract_id",
            "end_reason",
            "is_synthetic",
        )
    }
    links: dict[int, tuple[int, int, int]] = {}
    everyone = [int(b) for b in usable["id"]]
    certified = {int(b): d for b, d in zip(brokers["id"], brokers["certified_on"], strict=True)}
    for d_id, firm, cluster, status, posted in demands.select(
        "id", "enterprise_id", "cluster_id", "status", "posted_on"
    ).iter_rows():
        if status == "open" and rng.random() >= float(a["routed_share_open"]):
            continue
        active_stage = status == "open"
        assigned = min(posted + timedelta(days=int(rng.integers(1, 21))), END)

        def free(b: int, on: date = assigned, busy: bool = active_stage) -> bool:
            return certified[b] <= on and (not busy or load.get(b, 0) < limit[b])

        cands = [b for b in by_cluster.get(cluster, []) if free(b)] or [b for b in everyone if free(b)]
        if not cands:
            continue
        broker = _weighted(rng, cands, quality)
        contract_id, end_reason = None, None
        if active_stage:
            stage = "docking" if rng.random() < 0.5 else "negotiation"
            changed = _day(rng, assigned, END)
            load[broker] = load.get(broker, 0) + 1
        else:
            want_sign = status == "matched" or rng.random() < 0.35
            got = pool.take(cluster, assigned, int(firm)) if want_sign else None
            if got is not None:
                stage, (contract_id, changed) = "signed", got
                links[contract_id] = (int(d_id), broker, int(firm))
            else:
                stage = "terminated"
                changed = min(assigned + timedelta(days=int(rng.integers(10, 91))), END)
                end_reason = _pick(rng, END_REASONS)
        same = broker in by_cluster.get(cluster, [])
        for key, value in (
            ("id", len(rows["id"]) + 1),
            ("demand_id", int(d_id)),
            ("broker_id", broker),
            ("stage", stage),
            ("routed_by", "auto"),
            ("routing_reason", "同领域" if same else "跨领域兜底（本领域无空闲经纪人）"),
            ("assigned_on", assigned),
            ("stage_changed_on", changed),
            ("achievement_id", None),
            ("contract_id", contract_id),
            ("end_reason", end_reason),
            ("is_synthetic", True),
        ):
            rows[key].append(value)
    frame = pl.DataFrame(
        rows, schema_overrides={"achievement_id": pl.Int64, "contract_id": pl.Int64, "end_reason": pl.String}
    )
    return frame, links


def contract_details(
    cal: Calibration,
    seed: int,
    firms: Firms,
    contracts: pl.DataFrame,
    achievements: pl.DataFrame,
    links: dict[int, tuple[int, int, int]],
) -> pl.DataFrame:
    """Titles, buyer sides, achievement links, refusal reasons and demand/broker links of the contracts."""
    from innopoints.transfer.rulebook import load_transfer_rulebook

    a, rng = assumptions(), stream(seed, "contracts.links")
    reasons = {r.id: r.zh for r in load_transfer_rulebook().contracts.refusal_reasons}
    dw = np.array([cal.district_weights[c] for c in cal.district_codes])
    by_inst: dict[int, tuple[list[date], list[int], list[str]]] = {}
    for inst, part in achievements.sort("published_on", "id").group_by("institution_id", maintain_order=True):
        by_inst[int(inst[0])] = (
            part["published_on"].to_list(),
            part["id"].to_list(),
            part["title"].to_list(),
        )
    active = np.flatnonzero(firms.active_in(LAST_YEAR))
    names = firms.name.to_list()
    cols: dict[str, list[Any]] = {
        k: []
        for k in (
            "title",
            "buyer_enterprise_id",
            "buyer_district_code",
            "buyer_name",
            "achievement_id",
            "refusal_reason",
            "demand_id",
            "broker_id",
        )
    }
    for c_id, kind, inst, seller, in_city, cluster, signed, status, buyer_name in contracts.select(
        "id",
        "contract_type",
        "seller_institution_id",
        "seller_enterprise_id",
        "buyer_in_city",
        "cluster_id",
        "signed_on",
        "status",
        "buyer_name",
    ).iter_rows():
        ach_id, title = None, None
        if (
            inst is not None
            and kind in ("transfer", "license")
            and rng.random() < float(a["institution_contract_achievement_share"])
        ):
            days, ids, titles = by_inst.get(int(inst), ([], [], []))
            k = bisect_left(days, signed + timedelta(days=1))
            if k:
                j = int(rng.integers(0, k))
                ach_id, title = ids[j], f"{titles[j]}{TYPE_ZH[kind]}"
        if title is None:
            title = f"{_pick(rng, cal.vocabulary['clusters'][cluster]['objects'])}{TYPE_ZH[kind]}"
        buyer_firm, buyer_district = None, None
        demand_id = broker_id = None
        if c_id in links:
            demand_id, broker_id, buyer_firm = links[c_id]
        elif in_city and rng.random() < float(a["in_city_buyer_firm_share"]):
            f = int(active[int(rng.integers(0, len(active)))])
            if f + 1 != seller:
                buyer_firm = f + 1
        if buyer_firm is not None:
            buyer_name = names[buyer_firm - 1]
            buyer_district = cal.district_codes[int(firms.district[buyer_firm - 1])]
            in_city = True
        elif in_city:
            buyer_district = cal.district_codes[int(rng.choice(len(dw), p=dw / dw.sum()))]
        refusal = reasons[_choice(rng, a["refusal_reasons"])] if status == "refused" else None
        if refusal is not None and refusal.startswith("其他"):
            refusal += "：合同主要内容为产品购销"
        for key, value in (
            ("title", title),
            ("buyer_enterprise_id", buyer_firm),
            ("buyer_district_code", buyer_district),
            ("buyer_name", buyer_name),
            ("achievement_id", ach_id),
            ("refusal_reason", refusal),
            ("demand_id", demand_id),
            ("broker_id", broker_id),
        ):
            cols[key].append(value)
    typed = {
        "title": pl.String,
        "buyer_enterprise_id": pl.Int64,
        "buyer_district_code": pl.String,
        "buyer_name": pl.String,
        "achievement_id": pl.Int64,
        "refusal_reason": pl.String,
        "demand_id": pl.Int64,
        "broker_id": pl.Int64,
    }
    out = contracts.with_columns([pl.Series(k, v, dtype=typed[k]) for k, v in cols.items()])
    return out.with_columns(
        buyer_in_city=pl.col("buyer_in_city") | pl.col("buyer_enterprise_id").is_not_null(),
        registered_by=pl.lit("synth"),
    )


def extend(
    cal: Calibration, seed: int, firms: Firms, tables: dict[str, pl.DataFrame], scale: float
) -> dict[str, pl.DataFrame]:
    """The workflow tables and the enriched entity tables (replacing the plain ones)."""
    brokers = broker_profiles(seed, tables["broker"])
    achievements = achievement_terms(seed, tables["achievement"])
    demand_rows = demand_details(cal, seed, tables["demand"])
    assigned, links = assignments(cal, seed, firms, demand_rows, brokers, tables["tech_contract"])
    contracts = contract_details(cal, seed, firms, tables["tech_contract"], achievements, links)
    from innopoints.synth.broker_history import ratings_and_cases

    brokers, ratings, cases = ratings_and_cases(seed, brokers, assigned, contracts, cal)
    return {
        "broker": brokers,
        "achievement": achievements,
        "demand": demand_rows,
        "tech_contract": contracts,
        "broker_assignment": assigned,
        "broker_rating": ratings,
        "broker_case": cases,
        **service_tables(
            cal, seed, firms, {**tables, "achievement": achievements, "demand": demand_rows}, scale
        ),
    }
