"""Banks, loans, loan events and risk-compensation claims of the 创新积分制 credit products.

Products (ids, types, amount ranges, rates, terms, risk-compensation shares) come from the finance rulebook
(``rulebook/shenyang/finance/products``); ``entities.yaml`` gives each product's share of loans and the
lifecycle assumptions (``loan_lifecycle``). Disbursed points-credit loans sum exactly to the calibrated
25亿元 (scaled with the city size), in whole 万元 per loan within each product's range. Loans reach every
state of the lifecycle at the snapshot date (2025-12-31) with approval times in working days.
"""

from __future__ import annotations

import datetime as dt
import math
from typing import Any

import numpy as np
import polars as pl

from innopoints.synth.calibration import Calibration
from innopoints.synth.firms import Firms
from innopoints.synth.rng import stream

DISBURSED = ("disbursed", "repaid", "overdue", "defaulted")
WAN_FEN = 1_000_000  # fen per 万元
TERMS = (6, 12, 24, 36)
ACTOR = "合成数据（synth）"


def banks(cal: Calibration) -> pl.DataFrame:
    names = cal.entities["banks"]
    return pl.DataFrame(
        {"id": list(range(1, len(names) + 1)), "name": names, "is_synthetic": [True] * len(names)}
    )


def _products(cal: Calibration) -> list[dict[str, Any]]:
    from innopoints.finance.products import get_product

    out = []
    for entry in cal.entities["loan_products"]:
        meta = get_product(entry["id"]).meta
        if not meta.is_loan or meta.type != entry["type"]:
            raise ValueError(f"synth/data: loan product {entry['id']} does not match the finance rulebook")
        assert meta.rate is not None and meta.term is not None
        out.append(
            {
                "id": meta.id,
                "type": meta.type,
                "points": meta.points_based,
                "weight": float(entry["weight"]),
                "min_wan": meta.min_amount.fen // WAN_FEN if meta.min_amount else 10,
                "max_wan": meta.max_amount.fen // WAN_FEN if meta.max_amount else 1000,
                "rate": (meta.rate.min_bp, meta.rate.max_bp),
                "terms": [t for t in TERMS if meta.term.min_months <= t <= meta.term.max_months]
                or [meta.term.min_months],
                "share_bp": int((meta.risk_compensation_share or 0) * 10_000),
            }
        )
    return out


def fit_total(wan: np.ndarray, lo: np.ndarray, hi: np.ndarray, total: int) -> np.ndarray:
    """Whole 万元 amounts within [lo, hi] summing exactly to ``total`` (proportional, then unit steps)."""
    if not lo.sum() <= total <= hi.sum():
        raise ValueError(f"cannot place {total} 万元 in {len(wan)} loans within their product ranges")
    out = np.clip(np.floor(wan * (total / wan.sum())).astype(np.int64), lo, hi)
    for _ in range(1000):
        diff = total - int(out.sum())
        if diff == 0:
            return out
        room = np.flatnonzero(out < hi) if diff > 0 else np.flatnonzero(out > lo)
        step = np.zeros(len(out), dtype=np.int64)
        take = room[: abs(diff)] if abs(diff) < len(room) else room
        each = max(1, abs(diff) // max(1, len(take)))
        step[take] = each if diff > 0 else -each
        out = np.clip(out + step, lo, hi)
    raise AssertionError("fit_total did not converge")  # pragma: no cover


def _bday(day: np.datetime64, n: int) -> np.datetime64:
    return np.busday_offset(day, int(n), roll="forward")


def _months(day: dt.date, months: int) -> dt.date:
    m = day.month - 1 + months
    year, month = day.year + m // 12, m % 12 + 1
    for d in (day.day, 30, 29, 28):
        try:
            return dt.date(year, month, d)
        except ValueError:
            continue
    raise AssertionError(day)  # pragma: no cover


def _date(x: np.datetime64) -> dt.date:
    return dt.date.fromisoformat(str(x.astype("datetime64[D]")))


def _pick(rng: np.random.Generator, probs: dict[str, float], size: int) -> np.ndarray:
    keys = list(probs)
    p = np.array([float(probs[k]) for k in keys])
    return np.array(keys, dtype=object)[rng.choice(len(keys), size=size, p=p / p.sum())]


def loan_tables(
    cal: Calibration, seed: int, firms: Firms, qualified: np.ndarray, scale: float
) -> dict[str, pl.DataFrame]:
    """``qualified``: firms holding tech_sme or high-tech status in 2025 (the usual borrowers)."""
    rng = stream(seed, "loans")
    life = cal.entities["loan_lifecycle"]
    snapshot = np.datetime64(life["snapshot"])
    products = _products(cal)
    points = [i for i, p in enumerate(products) if p["points"]]
    others = [i for i, p in enumerate(products) if not p["points"]]
    total_wan = round(int(cal.published["points_credit_financing_yuan"]) * scale / 10_000)
    mean_cap = float(np.mean([products[i]["max_wan"] for i in points]))
    n_points = max(
        5,
        round(int(cal.assumption["loans_points_credit_count"]) * scale),
        math.ceil(total_wan / (0.5 * mean_cap)),
    )
    n_other = max(2, round(n_points * 0.35))
    n_fin = n_points + n_other
    n_nf = max(5, round(n_fin * float(life["not_financed_share"])))
    total = n_fin + n_nf
    w = np.array([p["weight"] for p in products])

    def draw(pool: list[int], size: int) -> np.ndarray:
        ww = w[pool]
        return np.array(pool)[rng.choice(len(pool), size=size, p=ww / ww.sum())]

    product = np.concatenate([draw(points, n_points), draw(others, n_other), draw(points + others, n_nf)])
    pool = np.flatnonzero(firms.active_in(2025) & qualified)
    if len(pool) == 0:
        pool = np.flatnonzero(firms.active_in(2025))
    weights = np.exp(0.5 * firms.z_size[pool])
    borrower = pool[rng.choice(len(pool), size=total, p=weights / weights.sum())]
    lo = np.array([products[i]["min_wan"] for i in product], dtype=np.int64)
    hi = np.array([products[i]["max_wan"] for i in product], dtype=np.int64)
    wan = np.clip(np.round(np.exp(np.log(200.0) + 0.7 * rng.standard_normal(total))).astype(np.int64), lo, hi)
    wan[:n_points] = fit_total(wan[:n_points].astype(np.float64), lo[:n_points], hi[:n_points], total_wan)
    states = np.empty(total, dtype=object)
    states[n_fin:] = _pick(rng, life["not_financed_states"], n_nf)
    first = np.datetime64("2023-03-01")
    span = int((snapshot - first) // np.timedelta64(1, "D"))
    applied = first + rng.integers(0, span - 60, size=total).astype("timedelta64[D]")
    is_open = np.isin(states, ["applied", "reviewing", "approved"])
    recent = np.asarray(
        snapshot - rng.integers(1, int(life["open_within_days"]), size=total).astype("timedelta64[D]")
    )
    applied = np.where(is_open, recent, np.asarray(applied))
    applied = np.busday_offset(applied, 0, roll="forward")
    rows: list[dict[str, Any]] = []
    events: list[dict[str, Any]] = []
    claims: list[dict[str, Any]] = []
    reasons = list(life["reject_reasons"])
    wd_points, wd_other = (
        life["approval_working_days"]["points_credit"],
        life["approval_working_days"]["other"],
    )
    bank_ids = rng.integers(1, len(cal.entities["banks"]) + 1, size=total)
    for i in range(total):
        p = products[int(product[i])]
        lo_wd, mean_wd = wd_points if p["type"] == "points_credit" else wd_other
        wd = int(lo_wd) + int(rng.poisson(float(mean_wd)))
        review_wd = int(rng.integers(0, 2))
        a = applied[i]
        day: dict[str, Any] = {"applied_on": a}
        state = states[i]
        amount = int(wan[i]) * WAN_FEN
        requested = amount if rng.random() > 0.12 else math.ceil(wan[i] * 1.25) * WAN_FEN
        rate = term = None
        reason = None
        if i < n_fin or state in ("reviewing", "approved", "rejected"):
            day["reviewed_on"] = min(_bday(a, review_wd), max(a, snapshot))
        if i < n_fin or state in ("approved", "rejected"):
            decided = _bday(a, max(wd, review_wd))
            if state == "approved" and decided > snapshot:
                decided = max(day["reviewed_on"], snapshot)
            day["decided_on"] = decided
        if i < n_fin or state == "approved":
            rate = int(rng.integers(p["rate"][0] // 5, p["rate"][1] // 5 + 1)) * 5
            term = int(rng.choice(p["terms"]))
        if state == "rejected":
            reason = reasons[int(rng.integers(0, len(reasons)))]
            requested = amount
        if state == "withdrawn":
            day["withdrawn_on"] = _bday(a, int(rng.integers(1, 8)))
        if i < n_fin:
            state = _financed_state(rng, life, day, term or 12, snapshot)
        states[i] = state
        loan_id = i + 1
        rows.append(
            {
                "id": loan_id,
                "bank_id": int(bank_ids[i]),
                "enterprise_id": int(borrower[i]) + 1,
                "product_id": p["id"],
                "product_type": p["type"],
                "amount_fen": amount,
                "requested_fen": max(requested, amount),
                "status": state,
                "rate_bp": rate,
                "term_months": term,
                "decision_reason": reason,
                "origin": "bank" if rng.random() < float(life["bank_started_share"]) else "firm",
                **{k: _date(v) for k, v in day.items()},
            }
        )
        events.extend(_events(loan_id, day, state, amount, reason))
        if state == "defaulted":
            claim = _claim(rng, life, loan_id, int(bank_ids[i]), amount, p["share_bp"], day, snapshot)
            if claim is not None:
                claims.append(claim)
    return {
        "loan": _loan_frame(rows),
        "loan_event": _event_frame(events),
        "risk_compensation_claim": _claim_frame(claims),
    }


def _financed_state(
    rng: np.random.Generator, life: dict[str, Any], day: dict[str, Any], term: int, snapshot: np.datetime64
) -> str:
    lo, hi = life["disburse_working_days"]
    disbursed = _bday(day["decided_on"], int(rng.integers(int(lo), int(hi) + 1)))
    day["disbursed_on"] = disbursed
    due = np.datetime64(_months(_date(disbursed), term))
    day["due_on"] = due
    if due <= snapshot:
        state = str(_pick(rng, life["matured"], 1)[0])
        if state == "repaid":
            early = int(rng.integers(0, 60)) if rng.random() < 0.3 else 0
            day["repaid_on"] = max(disbursed + np.timedelta64(1, "D"), due - np.timedelta64(early, "D"))
            return "repaid"
        overdue = min(due + np.timedelta64(int(rng.integers(1, 20)), "D"), snapshot)
        day["overdue_on"] = overdue
        defaulted = overdue + np.timedelta64(90, "D")
        if state == "defaulted" and defaulted <= snapshot:
            day["defaulted_on"] = defaulted
            return "defaulted"
        return "overdue"
    if rng.random() < float(life["current"]["overdue"]) and disbursed + np.timedelta64(31, "D") < snapshot:
        gap = int((snapshot - disbursed).astype(np.int64))
        day["overdue_on"] = disbursed + np.timedelta64(int(rng.integers(30, gap)), "D")
        return "overdue"
    return "disbursed"


_ORDER = (
    ("applied_on", "applied"),
    ("reviewed_on", "reviewing"),
    ("decided_on", None),
    ("withdrawn_on", "withdrawn"),
    ("disbursed_on", "disbursed"),
    ("overdue_on", "overdue"),
    ("repaid_on", "repaid"),
    ("defaulted_on", "defaulted"),
)


def _events(
    loan_id: int, day: dict[str, Any], final: str, amount: int, reason: str | None
) -> list[dict[str, Any]]:
    out: list[dict[str, Any]] = []
    before: str | None = None
    for column, target in _ORDER:
        if column not in day:
            continue
        to = target or ("rejected" if final == "rejected" else "approved")
        when = _date(day[column])
        text = reason if to == "rejected" and reason else ""
        out.append(
            {
                "loan_id": loan_id,
                "from_status": before,
                "to_status": to,
                "happened_on": when,
                "at": dt.datetime(when.year, when.month, when.day, 2, 0, tzinfo=dt.UTC),
                "actor": ACTOR,
                "amount_fen": amount,
                "reason": text,
            }
        )
        before = to
    return out


def _claim(
    rng: np.random.Generator,
    life: dict[str, Any],
    loan_id: int,
    bank_id: int,
    amount: int,
    share_bp: int,
    day: dict[str, Any],
    snapshot: np.datetime64,
) -> dict[str, Any] | None:
    if share_bp == 0:
        return None
    submitted = day["defaulted_on"] + np.timedelta64(int(rng.integers(5, 30)), "D")
    if submitted > snapshot:
        return None
    outstanding = int(amount * float(rng.uniform(0.4, 0.95))) // 100 * 100
    status = str(_pick(rng, life["claim_states"], 1)[0])
    decided = submitted + np.timedelta64(int(rng.integers(10, 40)), "D")
    if decided > snapshot:
        status, decided = "submitted", None
    paid = None
    if status == "paid":
        paid = decided + np.timedelta64(int(rng.integers(5, 20)), "D") if decided is not None else None
        if paid is None or paid > snapshot:
            status, paid = "approved", None
    return {
        "loan_id": loan_id,
        "bank_id": bank_id,
        "outstanding_fen": outstanding,
        "share_bp": share_bp,
        "claimed_fen": outstanding * share_bp // 10_000,
        "status": status,
        "submitted_on": _date(submitted),
        "decided_on": None if status == "submitted" or decided is None else _date(decided),
        "paid_on": None if paid is None else _date(paid),
        "decision_reason": "代偿资料不全" if status == "rejected" else None,
    }


_DATES = (
    "applied_on",
    "reviewed_on",
    "decided_on",
    "withdrawn_on",
    "disbursed_on",
    "due_on",
    "overdue_on",
    "repaid_on",
    "defaulted_on",
)


def _loan_frame(rows: list[dict[str, Any]]) -> pl.DataFrame:
    schema = {
        "id": pl.Int64,
        "bank_id": pl.Int64,
        "enterprise_id": pl.Int64,
        "product_id": pl.Utf8,
        "product_type": pl.Utf8,
        "amount_fen": pl.Int64,
        "requested_fen": pl.Int64,
        "status": pl.Utf8,
        "rate_bp": pl.Int64,
        "term_months": pl.Int64,
        "decision_reason": pl.Utf8,
        "origin": pl.Utf8,
        **dict.fromkeys(_DATES, pl.Date),
    }
    frame = pl.DataFrame([{k: r.get(k) for k in schema} for r in rows], schema=schema, orient="row")
    return frame.with_columns(pl.lit(1, dtype=pl.Int64).alias("version"), pl.lit(True).alias("is_synthetic"))


def _event_frame(rows: list[dict[str, Any]]) -> pl.DataFrame:
    schema: dict[str, Any] = {
        "loan_id": pl.Int64,
        "from_status": pl.Utf8,
        "to_status": pl.Utf8,
        "happened_on": pl.Date,
        "at": pl.Datetime("us", "UTC"),
        "actor": pl.Utf8,
        "amount_fen": pl.Int64,
        "reason": pl.Utf8,
    }
    frame = pl.DataFrame(rows, schema=schema, orient="row")
    return frame.with_columns(
        pl.Series("id", np.arange(1, frame.height + 1), dtype=pl.Int64), pl.lit(True).alias("is_synthetic")
    ).select("id", *schema, "is_synthetic")


def _claim_frame(rows: list[dict[str, Any]]) -> pl.DataFrame:
    schema = {
        "loan_id": pl.Int64,
        "bank_id": pl.Int64,
        "outstanding_fen": pl.Int64,
        "share_bp": pl.Int64,
        "claimed_fen": pl.Int64,
        "status": pl.Utf8,
        "submitted_on": pl.Date,
        "decided_on": pl.Date,
        "paid_on": pl.Date,
        "decision_reason": pl.Utf8,
    }
    frame = pl.DataFrame(rows, schema=schema, orient="row")
    return frame.with_columns(
        pl.Series("id", np.arange(1, frame.height + 1), dtype=pl.Int64),
        pl.lit(1, dtype=pl.Int64).alias("version"),
        pl.lit(True).alias("is_synthetic"),
    ).select("id", *schema, "version", "is_synthetic")
