"""成果转化 entities: institutions, achievements with inventors, enterprise demands, experts, brokers.
Each builder returns a polars DataFrame whose columns are the database columns (ids included)."""

from __future__ import annotations

from datetime import date, timedelta

import numpy as np
import polars as pl

from innopoints.synth.calibration import Calibration
from innopoints.synth.firms import LAST_YEAR, Firms
from innopoints.synth.rng import stream
from innopoints.synth.text import TextMaker

TRANSFER_MODES = ("transfer", "license", "equity", "joint_development")
SHARE_UNITS = 10_000  # inventor shares are exact multiples of 0.0001


def scaled_count(cal: Calibration, key: str, scale: float, floor: int) -> int:
    return max(floor, round(int(cal.assumption[key]) * scale))


def institutions(cal: Calibration) -> pl.DataFrame:
    rows = cal.entities["institutions"]
    return pl.DataFrame(
        {
            "id": list(range(1, len(rows) + 1)),
            "name": [r["name"] for r in rows],
            "kind": [r["kind"] for r in rows],
            "district_code": [r["district"] for r in rows],
            "inventor_share_min": [r["share"][0] for r in rows],
            "inventor_share_max": [r["share"][1] for r in rows],
            "is_synthetic": [True] * len(rows),
        }
    )


def split_shares(rng: np.random.Generator, k: int) -> list[str]:
    """``k`` positive shares as exact 4-decimal strings summing to exactly 1."""
    raw = rng.dirichlet(np.full(k, 1.5)) * SHARE_UNITS
    units = np.maximum(np.floor(raw).astype(np.int64), 1)
    units[int(np.argmax(units))] += SHARE_UNITS - int(units.sum())
    return [f"{u // SHARE_UNITS}.{u % SHARE_UNITS:04d}" for u in units.tolist()]


def _random_day(rng: np.random.Generator, first: date, last: date) -> date:
    return first + timedelta(days=int(rng.integers(0, (last - first).days + 1)))


def achievements(cal: Calibration, seed: int, scale: float) -> tuple[pl.DataFrame, pl.DataFrame]:
    rng = stream(seed, "achievements")
    text = TextMaker(cal, rng)
    inst = cal.entities["institutions"]
    modes_zh = cal.vocabulary["transfer_modes"]
    weights = np.array([float(i["weight"]) for i in inst])
    n = scaled_count(cal, "achievements", scale, 40)
    rows: dict[str, list[object]] = {
        k: []
        for k in (
            "id",
            "institution_id",
            "title",
            "abstract",
            "cluster_id",
            "subfield",
            "keywords",
            "trl",
            "ip_summary",
            "transfer_mode",
            "price_fen",
            "pay_after_use",
            "published_on",
            "status",
            "is_synthetic",
        )
    }
    inventors: dict[str, list[object]] = {"id": [], "achievement_id": [], "name": [], "share": []}
    for a_id in range(1, n + 1):
        i = int(rng.choice(len(inst), p=weights / weights.sum()))
        cluster = text.pick(inst[i]["clusters"])
        subfield = text.pick(cal.subfields[cluster])
        trl = int(rng.choice(np.arange(3, 10), p=[0.08, 0.16, 0.22, 0.22, 0.16, 0.10, 0.06]))
        mode = TRANSFER_MODES[int(rng.choice(4, p=[0.35, 0.3, 0.12, 0.23]))]
        n_inv, n_soft = int(rng.poisson(2.0)) + 1, int(rng.poisson(0.6))
        ip = f"授权发明专利{n_inv}项" + (f"、软件著作权{n_soft}项" if n_soft else "")
        title, abstract, keywords = text.achievement(cluster, subfield, trl, ip, modes_zh[mode])
        price = (
            int(np.exp(np.log(1.5e6) + 0.25 * (trl - 5) + 0.9 * rng.standard_normal()) / 1000) * 1000 * 100
        )
        published = _random_day(rng, date(2021, 1, 1), date(LAST_YEAR, 12, 31))
        status = rng.choice(["published", "negotiating", "transferred"], p=[0.6, 0.15, 0.25])
        for key, value in (
            ("id", a_id),
            ("institution_id", i + 1),
            ("title", title),
            ("abstract", abstract),
            ("cluster_id", cluster),
            ("subfield", subfield),
            ("keywords", keywords),
            ("trl", trl),
            ("ip_summary", ip),
            ("transfer_mode", mode),
            ("price_fen", price),
            ("pay_after_use", bool(mode in ("transfer", "license") and rng.random() < 0.3)),
            ("published_on", published),
            ("status", str(status)),
            ("is_synthetic", True),
        ):
            rows[key].append(value)
        k = int(rng.integers(1, 7))
        for name, share in zip([text.person() for _ in range(k)], split_shares(rng, k), strict=True):
            inventors["id"].append(len(inventors["id"]) + 1)
            inventors["achievement_id"].append(a_id)
            inventors["name"].append(name)
            inventors["share"].append(share)
    return pl.DataFrame(rows), pl.DataFrame(inventors)


def demands(cal: Calibration, seed: int, firms: Firms, scale: float) -> pl.DataFrame:
    rng = stream(seed, "demands")
    text = TextMaker(cal, rng)
    modes_zh = cal.vocabulary["transfer_modes"]
    active = np.flatnonzero(firms.active_in(LAST_YEAR))
    w = np.exp(0.6 * firms.z_size[active] + 0.6 * firms.z_rd[active])
    n = scaled_count(cal, "demands", scale, 20)
    poster = np.sort(active[rng.choice(len(active), size=n, p=w / w.sum())])
    rows: dict[str, list[object]] = {
        k: []
        for k in (
            "id",
            "enterprise_id",
            "title",
            "description",
            "cluster_id",
            "budget_fen",
            "deadline",
            "district_code",
            "status",
            "posted_on",
            "is_synthetic",
        )
    }
    for d_id, f in enumerate(poster.tolist(), start=1):
        cluster = cal.cluster_ids[int(firms.cluster[f])]
        budget_wan = max(5, int(np.exp(np.log(60) + 0.9 * rng.standard_normal())))
        title, desc = text.demand(
            cluster,
            text.pick(cal.subfields[cluster]),
            budget_wan,
            modes_zh[TRANSFER_MODES[int(rng.integers(0, 4))]],
        )
        posted = _random_day(rng, date(2023, 1, 1), date(LAST_YEAR, 12, 31))
        deadline = posted + timedelta(days=int(rng.integers(90, 366)))
        status = (
            "open"
            if deadline > date(LAST_YEAR, 12, 31)
            else str(rng.choice(["matched", "closed"], p=[0.45, 0.55]))
        )
        for key, value in (
            ("id", d_id),
            ("enterprise_id", f + 1),
            ("title", title),
            ("description", desc),
            ("cluster_id", cluster),
            ("budget_fen", budget_wan * 10_000 * 100),
            ("deadline", deadline),
            ("district_code", cal.district_codes[int(firms.district[f])]),
            ("status", status),
            ("posted_on", posted),
            ("is_synthetic", True),
        ):
            rows[key].append(value)
    return pl.DataFrame(rows)


def experts(cal: Calibration, seed: int, scale: float) -> pl.DataFrame:
    rng = stream(seed, "experts")
    text = TextMaker(cal, rng)
    inst = cal.entities["institutions"]
    n = scaled_count(cal, "experts", scale, 30)
    rows: dict[str, list[object]] = {
        k: []
        for k in (
            "id",
            "name",
            "institution_id",
            "title",
            "cluster_id",
            "keywords",
            "is_tech_commissioner",
            "is_synthetic",
        )
    }
    for e_id in range(1, n + 1):
        from_inst = rng.random() < 0.8
        i = int(rng.integers(0, len(inst)))
        cluster = text.pick(inst[i]["clusters"]) if from_inst else text.pick(cal.cluster_ids)
        subs = rng.choice(cal.subfields[cluster], size=3, replace=False)
        for key, value in (
            ("id", e_id),
            ("name", text.person()),
            ("institution_id", i + 1 if from_inst else None),
            ("title", text.pick(cal.vocabulary["people"]["expert_titles"])),
            ("cluster_id", cluster),
            ("keywords", "、".join(str(s) for s in subs)),
            ("is_tech_commissioner", bool(rng.random() < 0.3)),
            ("is_synthetic", True),
        ):
            rows[key].append(value)
    return pl.DataFrame(rows, schema_overrides={"institution_id": pl.Int64})


def brokers(cal: Calibration, seed: int, scale: float) -> pl.DataFrame:
    rng = stream(seed, "brokers")
    text = TextMaker(cal, rng)
    n = scaled_count(cal, "brokers", scale, 20)
    years = rng.choice(np.arange(2019, LAST_YEAR + 1), size=n, p=np.array([5, 8, 11, 14, 17, 20, 25]) / 100)
    years.sort()
    dw = np.array([cal.district_weights[c] for c in cal.district_codes])
    return pl.DataFrame(
        {
            "id": list(range(1, n + 1)),
            "name": [text.person() for _ in range(n)],
            "certificate_no": [f"JSJJR{y}2101{i:05d}" for i, y in enumerate(years.tolist(), start=1)],
            "certified_on": [_random_day(rng, date(y, 1, 1), date(y, 12, 31)) for y in years.tolist()],
            "cluster_id": [cal.cluster_ids[int(c)] for c in rng.integers(0, len(cal.cluster_ids), size=n)],
            "district_code": [
                cal.district_codes[int(d)] for d in rng.choice(len(dw), size=n, p=dw / dw.sum())
            ],
            "rating": [f"{r:.1f}" for r in np.clip(rng.normal(3.8, 0.6, n), 1, 5)],
            "is_synthetic": [True] * n,
        }
    )
