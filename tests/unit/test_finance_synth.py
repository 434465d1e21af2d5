"""The synthetic city's loans: every lifecycle state, the published 25亿元 exactly, realistic approval
times, a history consistent with each loan's state, and claims computed exactly."""

from __future__ import annotations

from decimal import Decimal

import numpy as np
import polars as pl
import pytest

from innopoints.finance.lifecycle import ACTIONS, STATES
from innopoints.finance.products import get_product
from innopoints.synth.city import City, SynthConfig, generate_city
from innopoints.synth.finance import fit_total

DATES = [
    "applied_on",
    "reviewed_on",
    "decided_on",
    "withdrawn_on",
    "disbursed_on",
    "overdue_on",
    "repaid_on",
    "defaulted_on",
]


@pytest.fixture(scope="module")
def city() -> City:
    return generate_city(SynthConfig())


def test_every_state_is_present_and_points_credit_is_25_yi_exactly(city: City) -> None:
    loans = city.tables["loan"]
    assert set(loans["status"].unique()) == set(STATES)
    financed = loans.filter(
        pl.col("disbursed_on").is_not_null() & (pl.col("product_type") == "points_credit")
    )
    assert financed["amount_fen"].sum() == 2_500_000_000 * 100
    assert set(financed["status"].unique()) <= {"disbursed", "repaid", "overdue", "defaulted"}
    assert (loans["amount_fen"] % 1_000_000 == 0).all()  # whole 万元


def test_amounts_rates_and_terms_lie_within_each_products_terms(city: City) -> None:
    for (pid,), group in city.tables["loan"].group_by("product_id"):
        meta = get_product(str(pid)).meta
        assert meta.min_amount is not None and meta.max_amount is not None and meta.rate and meta.term
        assert group["amount_fen"].min() >= meta.min_amount.fen  # type: ignore[operator]
        assert group["amount_fen"].max() <= meta.max_amount.fen  # type: ignore[operator]
        rated = group.filter(pl.col("rate_bp").is_not_null())
        assert rated["rate_bp"].is_between(meta.rate.min_bp, meta.rate.max_bp).all()
        assert rated["term_months"].is_between(meta.term.min_months, meta.term.max_months).all()
        assert (group["requested_fen"] >= group["amount_fen"]).all()


def test_approval_times_are_working_days_points_credit_faster(city: City) -> None:
    decided = city.tables["loan"].filter(pl.col("decided_on").is_not_null())
    working = np.busday_count(
        decided["applied_on"].to_numpy().astype("datetime64[D]"),
        decided["decided_on"].to_numpy().astype("datetime64[D]"),
    )
    points = decided["product_type"].to_numpy() == "points_credit"
    assert 0 < np.median(working[points]) <= 4  # 龙岩: credit in 3 working days
    assert np.median(working[~points]) > np.median(working[points])
    assert working.max() < 40


def test_dates_follow_the_lifecycle_and_the_history_ends_in_the_state(city: City) -> None:
    loans = city.tables["loan"]
    for row in loans.iter_rows(named=True):
        stamped = [row[c] for c in DATES if row[c] is not None]
        assert stamped == sorted(stamped), row["id"]
        assert max(stamped).isoformat() <= "2025-12-31"
        if row["status"] == "rejected":
            assert row["decision_reason"]
        if row["disbursed_on"] is not None:
            assert row["due_on"] is not None and row["due_on"] > row["disbursed_on"]
    events = city.tables["loan_event"].sort("id")
    last = events.group_by("loan_id").agg(
        pl.col("to_status").last(), pl.col("happened_on").is_sorted().alias("ordered")
    )
    joined = last.join(loans.select(pl.col("id").alias("loan_id"), "status"), on="loan_id")
    assert joined.height == loans.height
    assert (joined["to_status"] == joined["status"]).all() and joined["ordered"].all()
    moves = {(a, t.target) for t in ACTIONS.values() for a in t.sources}
    pairs = events.filter(pl.col("from_status").is_not_null()).select("from_status", "to_status").unique()
    assert {tuple(p) for p in pairs.iter_rows()} <= moves  # every synthetic step is a legal transition


def test_claims_only_on_defaults_and_computed_in_fen(city: City) -> None:
    claims = city.tables["risk_compensation_claim"]
    assert claims.height > 0
    loans = city.tables["loan"].select(pl.col("id").alias("loan_id"), "status", "amount_fen", "product_id")
    joined = claims.join(loans, on="loan_id")
    assert (joined["status_right"] == "defaulted").all()
    assert (joined["outstanding_fen"] <= joined["amount_fen"]).all()
    for row in joined.iter_rows(named=True):
        share = get_product(row["product_id"]).meta.risk_compensation_share
        assert share is not None and row["share_bp"] == int(share * 10_000)
        assert row["claimed_fen"] == row["outstanding_fen"] * row["share_bp"] // 10_000
        assert Decimal(row["claimed_fen"]) <= Decimal(row["outstanding_fen"]) * share


def test_fit_total_hits_the_total_inside_the_ranges() -> None:
    rng = np.random.default_rng(3)
    wan = rng.lognormal(5, 1, 200)
    lo, hi = np.full(200, 10), np.full(200, 500)
    out = fit_total(wan, lo, hi, 40_000)
    assert out.sum() == 40_000 and (out >= 10).all() and (out <= 500).all()
    with pytest.raises(ValueError, match="cannot place"):
        fit_total(wan, lo, hi, 200 * 500 + 1)
