"""Synthetic service orders at the pilot bases (within each menu item's yearly capacity), the "卡脖子"
challenge list with expert scores and applications, firms' interest in achievements and 科技特派员 pairings.
SYNTHETIC; assumptions in ``data/transfer_flow.yaml``; today is 2025-12-31."""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any

import numpy as np
import polars as pl

from innopoints.synth.calibration import Calibration
from innopoints.synth.firms import LAST_YEAR, Firms
from innopoints.synth.rng import stream

END = date(LAST_YEAR, 12, 31)
COUNTED = ("accepted", "in_service", "delivered")


def _assumptions() -> dict[str, Any]:
    from innopoints.synth.transfer_flow import assumptions

    return assumptions()


def _day(rng: np.random.Generator, first: date, last: date) -> date:
    return first if last <= first else first + timedelta(days=int(rng.integers(0, (last - first).days + 1)))


def _frame(rows: dict[str, list[Any]], schema: dict[str, Any]) -> pl.DataFrame:
    return pl.DataFrame(rows, schema=schema).with_columns(is_synthetic=pl.lit(True))


def _firm_picker(cal: Calibration, firms: Firms, rng: np.random.Generator, year: int) -> Any:
    active = np.flatnonzero(firms.active_in(year))
    base_w = np.exp(0.5 * firms.z_size[active] + 0.5 * firms.z_rd[active])

    def pick(cluster: str, avoid: int = -1) -> int:
        c = cal.cluster_ids.index(cluster)
        w = base_w * np.where(firms.cluster[active] == c, 6.0, 1.0)
        while True:
            f = int(active[int(rng.choice(len(active), p=w / w.sum()))]) + 1
            if f != avoid:
                return f

    return pick


def orders(
    cal: Calibration, seed: int, firms: Firms, tables: dict[str, pl.DataFrame], scale: float
) -> pl.DataFrame:
    a, rng = _assumptions(), stream(seed, "pilots.orders")
    services = tables["pilot_service"].join(
        tables["pilot_base"].select(pl.col("id").alias("base_id"), "cluster_id"), on="base_id"
    )
    ids, bases, prices, caps, clusters = (
        services[c].to_list() for c in ("id", "base_id", "price_fen", "capacity_per_year", "cluster_id")
    )
    w = np.array(caps, dtype=np.float64)
    rows: dict[str, list[Any]] = {
        k: []
        for k in (
            "id",
            "service_id",
            "base_id",
            "enterprise_id",
            "status",
            "price_fen",
            "ordered_on",
            "accepted_on",
            "started_on",
            "delivered_on",
            "note",
            "delivery_note",
            "reason",
        )
    }
    for year, count in a["service_orders_per_year"].items():
        year = int(year)
        pick = _firm_picker(cal, firms, rng, year)
        used: dict[int, int] = {}
        for _ in range(max(5, round(int(count) * scale))):
            i = int(rng.choice(len(ids), p=w / w.sum()))
            ordered = _day(rng, date(year, 1, 1), date(year, 12, 31))
            outcome = str(rng.choice(list(a["order_outcomes"]), p=list(a["order_outcomes"].values())))
            accepted = started = delivered = None
            delivery_note = reason = None
            if outcome == "rejected":
                status, reason = "rejected", "本期设备排期已满" if rng.random() < 0.6 else "需求超出服务范围"
            elif used.get(i, 0) >= caps[i]:
                status, reason = "rejected", "本年度服务能力已满"
            else:
                accepted = ordered + timedelta(days=int(rng.integers(1, 11)))
                started = accepted + timedelta(days=int(rng.integers(1, 16)))
                delivered = started + timedelta(days=int(rng.integers(10, 91)))
                if outcome == "cancelled":
                    status, reason, started, delivered = "cancelled", "企业项目调整", None, None
                elif accepted > END:
                    status, accepted, started, delivered = "submitted", None, None, None
                elif started > END:
                    status, started, delivered = "accepted", None, None
                elif delivered > END:
                    status, delivered = "in_service", None
                else:
                    status, delivery_note = "delivered", "交付试验报告与样品"
                if status in COUNTED:
                    used[i] = used.get(i, 0) + 1
                if status == "cancelled" and accepted is not None and accepted > END:
                    accepted = None
            for key, value in (
                ("id", len(rows["id"]) + 1),
                ("service_id", ids[i]),
                ("base_id", bases[i]),
                ("enterprise_id", pick(clusters[i])),
                ("status", status),
                ("price_fen", prices[i]),
                ("ordered_on", ordered),
                ("accepted_on", accepted),
                ("started_on", started),
                ("delivered_on", delivered),
                ("note", ""),
                ("delivery_note", delivery_note),
                ("reason", reason),
            ):
                rows[key].append(value)
    dates = {k: pl.Date for k in ("ordered_on", "accepted_on", "started_on", "delivered_on")}
    schema = {
        "id": pl.Int64,
        "service_id": pl.Int64,
        "base_id": pl.Int64,
        "enterprise_id": pl.Int64,
        "status": pl.String,
        "price_fen": pl.Int64,
        **dates,
        "note": pl.String,
        "delivery_note": pl.String,
        "reason": pl.String,
    }
    return _frame(rows, schema).with_columns(demand_id=pl.lit(None, dtype=pl.Int64))


def pairings(cal: Calibration, seed: int, firms: Firms, experts: pl.DataFrame) -> pl.DataFrame:
    a, rng = _assumptions(), stream(seed, "experts.pairings")
    pick = _firm_picker(cal, firms, rng, LAST_YEAR)
    taken: set[int] = set()
    rows: dict[str, list[Any]] = {
        k: [] for k in ("id", "expert_id", "enterprise_id", "started_on", "ended_on", "note")
    }
    for e_id, cluster, commissioner in experts.select("id", "cluster_id", "is_tech_commissioner").iter_rows():
        if not commissioner or rng.random() >= float(a["commissioner_pairing_share"]):
            continue
        for _ in range(50):
            f = pick(cluster)
            if f not in taken:
                break
        else:
            continue
        taken.add(f)
        for key, value in (
            ("id", len(rows["id"]) + 1),
            ("expert_id", int(e_id)),
            ("enterprise_id", f),
            ("started_on", _day(rng, date(2023, 1, 1), END)),
            ("ended_on", None),
            ("note", "科技特派员一对一服务"),
        ):
            rows[key].append(value)
    schema = {
        "id": pl.Int64,
        "expert_id": pl.Int64,
        "enterprise_id": pl.Int64,
        "started_on": pl.Date,
        "ended_on": pl.Date,
        "note": pl.String,
    }
    return _frame(rows, schema)


def interests(
    cal: Calibration, seed: int, firms: Firms, tables: dict[str, pl.DataFrame], scale: float
) -> pl.DataFrame:
    a, rng = _assumptions(), stream(seed, "achievements.interest")
    ach = tables["achievement"].filter(pl.col("status").is_in(["published", "negotiating", "transferred"]))
    open_demands: dict[tuple[int, str], int] = {}
    for d_id, firm, cluster, status in (
        tables["demand"].select("id", "enterprise_id", "cluster_id", "status").iter_rows()
    ):
        if status == "open":
            open_demands.setdefault((int(firm), cluster), int(d_id))
    pick = _firm_picker(cal, firms, rng, LAST_YEAR)
    seen: set[tuple[int, int]] = set()
    rows: dict[str, list[Any]] = {
        k: [] for k in ("id", "achievement_id", "enterprise_id", "demand_id", "note", "created_on")
    }
    a_ids, a_clusters, a_pub = ach["id"].to_list(), ach["cluster_id"].to_list(), ach["published_on"].to_list()
    for _ in range(max(10, round(int(a["achievement_interests"]) * scale))):
        j = int(rng.integers(0, len(a_ids)))
        f = pick(a_clusters[j])
        if (a_ids[j], f) in seen:
            continue
        seen.add((a_ids[j], f))
        for key, value in (
            ("id", len(rows["id"]) + 1),
            ("achievement_id", a_ids[j]),
            ("enterprise_id", f),
            ("demand_id", open_demands.get((f, a_clusters[j]))),
            ("note", "希望进一步了解技术细节与合作方式"),
            ("created_on", _day(rng, a_pub[j], END)),
        ):
            rows[key].append(value)
    schema = {
        "id": pl.Int64,
        "achievement_id": pl.Int64,
        "enterprise_id": pl.Int64,
        "demand_id": pl.Int64,
        "note": pl.String,
        "created_on": pl.Date,
    }
    return _frame(rows, schema)


def service_tables(
    cal: Calibration, seed: int, firms: Firms, tables: dict[str, pl.DataFrame], scale: float
) -> dict[str, pl.DataFrame]:
    from innopoints.synth.challenges import challenge_tables

    pairs = pairings(cal, seed, firms, tables["expert"])
    return {
        "service_order": orders(cal, seed, firms, tables, scale),
        **challenge_tables(cal, seed, firms, tables, pairs, scale),
        "achievement_interest": interests(cal, seed, firms, tables, scale),
        "commissioner_pairing": pairs,
    }
