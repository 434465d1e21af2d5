"""Programs, tiers and the append-only event list: derivation, replay, idempotence, alerts."""

from __future__ import annotations

import polars as pl
import pytest

from innopoints.cultivation.alerts import derive_alerts
from innopoints.cultivation.history import derive_events, replay, state_after
from innopoints.cultivation.rulebook import load_cultivation
from innopoints.cultivation.screen import screen

BOOK = load_cultivation()
PROGRAMS = list(BOOK.programs)


def screened(rows: dict[str, tuple[str | None, list[str], int]]) -> pl.DataFrame:
    """uscc -> (tier, matched programs, percentile) in the screen() output layout."""
    data: dict[str, list[object]] = {"uscc": [], "tier": [], "tier_rule": [], "programs": []}
    for p in PROGRAMS:
        data[f"prog_{p}"], data[f"met_{p}"] = [], []
    for uscc, (tier, progs, _) in rows.items():
        data["uscc"].append(uscc)
        data["tier"].append(tier)
        data["tier_rule"].append(None if tier is None else f"tier.{tier}")
        data["programs"].append(",".join(progs) if progs else None)
        for p in PROGRAMS:
            data[f"prog_{p}"].append(p in progs)
            data[f"met_{p}"].append(7 if p in progs else 3)
    return pl.DataFrame(data)


def apply(events: pl.DataFrame, store: list[dict[str, object]]) -> None:
    start = len(store)
    for i, row in enumerate(events.to_dicts()):
        store.append({**row, "id": start + i + 1})


def as_frame(store: list[dict[str, object]]) -> pl.DataFrame:
    return pl.DataFrame(store, schema_overrides={"tier_from": pl.String, "tier_to": pl.String})


def test_events_enter_promote_demote_exit_and_replay_gives_every_round() -> None:
    store: list[dict[str, object]] = []
    r1 = screened(
        {
            "A": ("seedling", ["high_tech_reserve"], 5000),
            "B": ("trunk", ["ladder_trunk"], 6000),
            "C": ("pillar", ["ladder_pillar"], 9900),
            "D": (None, [], 100),
        }
    )
    e1 = derive_events(BOOK, pl.DataFrame(schema={"uscc": pl.String, "tier": pl.String}), r1, 1)
    assert e1["kind"].to_list() == ["enter", "enter", "enter"]
    assert "高企储备（满足 7/8 项）" in e1.filter(pl.col("uscc") == "A")["reason_zh"][0]
    apply(e1, store)
    r2 = screened(
        {
            "A": ("trunk", ["high_tech_reserve", "gazelle_candidate"], 8500),
            "B": ("seedling", ["tech_sme_seedling"], 3000),
            "D": ("seedling", ["tech_sme_seedling"], 2000),
        }
    )  # C was not scored in round 2
    before = state_after(as_frame(store), [1])
    e2 = derive_events(BOOK, before, r2, 2)
    kinds = dict(zip(e2["uscc"], e2["kind"], strict=True))
    assert kinds == {"A": "promote", "B": "demote", "C": "exit", "D": "enter"}
    c_exit = e2.filter(pl.col("uscc") == "C")
    assert c_exit["rule_id"][0] == "pool.exit" and "未参评" in c_exit["reason_zh"][0]
    a_row = e2.filter(pl.col("uscc") == "A").row(0, named=True)
    assert a_row["tier_from"] == "seedling" and a_row["tier_to"] == "trunk"
    assert a_row["reason_zh"].startswith("升级：育苗 → 培干")
    apply(e2, store)
    frame = as_frame(store)
    # replay (row fold) and the columnar twin agree at every past round
    for upto, expected in (
        ([1], {"A": "seedling", "B": "trunk", "C": "pillar"}),
        ([1, 2], {"A": "trunk", "B": "seedling", "D": "seedling"}),
    ):
        columnar = dict(state_after(frame, upto).iter_rows())
        folded = replay([e for e in store if e["round_id"] in upto])
        assert columnar == folded == expected
    # idempotent: screening round 2 again against the state after it appends nothing
    assert derive_events(BOOK, state_after(frame, [1, 2]), r2, 2).height == 0


def test_replay_refuses_a_broken_chain() -> None:
    events = [
        {"uscc": "A", "kind": "enter", "tier_from": None, "tier_to": "seedling"},
        {"uscc": "A", "kind": "promote", "tier_from": "trunk", "tier_to": "pillar"},
    ]
    with pytest.raises(ValueError, match="broken event chain"):
        replay(events)


def test_screen_places_firms_by_program_and_percentile() -> None:
    frame = pl.DataFrame(
        {
            "uscc": ["hte_gazelle", "reserve_top", "reserve_mid", "sme_seed", "nothing"],
            "registration_year": [2015, 2018, 2018, 2023, 2024],
            "high_tech_field_id": ["x", "x", "x", None, None],
            "points_centi": [60000, 50000, 30000, 10000, 500],
            "percentile_bp": [9000, 9600, 8100, 3000, 100],
            "tech_sme_score": [80, 80, 70, 65, 10],
            "tech_sme_qualified": [True, True, True, True, False],
            "ladder_stage": ["gazelle", "tech_sme", "tech_sme", "none", "none"],
            "q_high_tech_enterprise": [True, False, False, False, False],
            "q_tech_sme": [True, True, True, False, False],
            "neg_major_safety_accident": [0] * 5,
            "neg_major_quality_accident": [0] * 5,
            "neg_serious_environmental_violation": [0] * 5,
        }
    ).with_columns(
        # reserve firms: every panel condition met (IP, staff 20%, R&D 10%, high-tech income 80%)
        pl.lit(200, pl.Int64).alias("f_ip_invention_granted"),
        *[
            pl.lit(None, pl.Int64).alias(f"f_{f}")
            for f in (
                "ip_plant_variety",
                "ip_ic_layout",
                "ip_other_class1",
                "ip_utility_model",
                "ip_design",
                "ip_software_copyright",
            )
        ],
        pl.lit(2000, pl.Int64).alias("f_sci_tech_staff"),
        pl.lit(10000, pl.Int64).alias("f_employees"),
        pl.lit(1_000_000_00, pl.Int64).alias("f_rd_expense"),
        pl.lit(10_000_000_00, pl.Int64).alias("f_sales_revenue"),
        pl.lit(8_000_000_00, pl.Int64).alias("f_high_tech_income"),
        pl.lit(10_000_000_00, pl.Int64).alias("f_total_income"),
        pl.lit(None, pl.Int64).alias("f_operating_revenue"),
        pl.lit(None, pl.Int64).alias("b_operating_revenue"),
        pl.lit(None, pl.Int64).alias("b_employees"),
        pl.lit(None, pl.Int64).alias("f_valuation"),
        pl.lit(None, pl.Int64).alias("f_largest_venture_investment"),
    )
    out = {r["uscc"]: r for r in screen(BOOK, frame, 2025).iter_rows(named=True)}
    assert out["hte_gazelle"]["tier"] == "pillar" and not out["hte_gazelle"]["prog_high_tech_reserve"]
    assert out["reserve_top"]["tier"] == "pillar" and out["reserve_top"]["tier_rule"] == "tier.pillar.top"
    assert out["reserve_mid"]["tier"] == "trunk" and out["reserve_mid"]["met_high_tech_reserve"] == 8
    assert out["sme_seed"]["tier"] == "seedling" and out["sme_seed"]["programs"] == "tech_sme_seedling"
    assert out["nothing"]["tier"] is None and out["nothing"]["programs"] is None


def test_alerts_fire_only_on_crossings_of_pool_members() -> None:
    cols = ("uscc", "points_centi", "percentile_bp", "tech_sme_score")
    prev = pl.DataFrame(
        [("A", 60000, 8500, 70), ("B", 30000, 9400, 61), ("C", 50000, 8000, 60)], schema=cols, orient="row"
    )
    cur = pl.DataFrame(
        [("A", 54999, 7999, 60), ("B", 30000, 9500, 59), ("C", 10000, 1000, 10)], schema=cols, orient="row"
    )
    members = pl.DataFrame({"uscc": ["A", "B"]})
    rows = derive_alerts(BOOK, members, prev, cur, 2, 1)
    fired = sorted(zip(rows["uscc"], rows["rule_id"], strict=True))
    assert fired == [
        ("A", "left_top20"),
        ("A", "points_drop"),
        ("B", "entered_top5"),
        ("B", "tech_sme_below_pass"),
    ]
    message = rows.filter(pl.col("rule_id") == "points_drop")["message_zh"][0]
    assert "600.00 分 → 549.99 分" in message
