"""Qualifications decided after the panel: 科技型中小企业 (evaluated on the reference-year panel with the
official size limits and score), the 雏鹰/瞪羚/独角兽 ladder, 科技领军企业, listing, negative records."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from innopoints.synth.calibration import Calibration
from innopoints.synth.certificates import Certificates
from innopoints.synth.firms import DAY, LAST_YEAR, Firms, year_start
from innopoints.synth.innovation import Stars
from innopoints.synth.panel import PanelKeys
from innopoints.synth.rng import stream

# 《科技型中小企业评价办法》 国科发政〔2017〕115号 第六条 (size) and 第七条 (score).
SME_MAX_STAFF = 500
SME_MAX_SALES = 2e8
SME_MAX_ASSETS = 2e8
LADDER_TIERS = ("eaglet", "gazelle", "seed_unicorn", "potential_unicorn", "unicorn")


@dataclass
class Quals:
    """Long table of dated qualifications (one row per firm, kind and year)."""

    firm: np.ndarray
    kind: np.ndarray  # object
    year: np.ndarray
    granted_on: np.ndarray
    expires_on: np.ndarray
    reference_no: np.ndarray  # object


@dataclass
class Negatives:
    firm: np.ndarray
    kind: np.ndarray  # index into entities.negative_kinds
    occurred_on: np.ndarray
    cleared_on: np.ndarray


def _band(x: np.ndarray, edges: tuple[float, ...], points: tuple[int, ...]) -> np.ndarray:
    """Lower-inclusive bands: points[i] when x >= edges[i] (edges descending), else 0."""
    out = np.zeros(len(x))
    for edge, pts in reversed(list(zip(edges, points, strict=True))):
        out = np.where(x >= edge, pts, out)
    return out


def tech_sme_score(keys: PanelKeys, year: int) -> tuple[np.ndarray, np.ndarray]:
    """Score and the 科技人员 points for reference year ``year`` (NaN data scores as failing)."""
    emp, sci = keys.get("employees", year), keys.get("sci_tech_staff", year)
    sales, rd, cost = (
        keys.get("sales_revenue", year),
        keys.get("rd_expense", year),
        keys.get("cost_expense_total", year),
    )
    with np.errstate(divide="ignore", invalid="ignore"):
        staff_pts = _band(np.where(emp > 0, sci / emp, 0), (0.30, 0.25, 0.20, 0.15, 0.10), (20, 16, 12, 8, 4))
        by_sales = _band(
            np.where(sales > 0, rd / sales, 0), (0.06, 0.05, 0.04, 0.03, 0.02), (50, 40, 30, 20, 10)
        )
        by_cost = _band(
            np.where(cost > 0, rd / cost, 0), (0.30, 0.25, 0.20, 0.15, 0.10), (50, 40, 30, 20, 10)
        )
    class1 = sum(
        np.nan_to_num(keys.get(c, year))
        for c in ("ip_invention_granted", "ip_ic_layout", "ip_plant_variety", "ip_other_class1")
    )
    class2 = sum(
        np.nan_to_num(keys.get(c, year)) for c in ("ip_utility_model", "ip_design", "ip_software_copyright")
    )
    ip_pts = np.where(class1 >= 1, 30, _band(class2, (4, 3, 2, 1), (24, 18, 12, 6)))
    return staff_pts + np.maximum(by_sales, by_cost) + ip_pts, staff_pts


def sme_size_ok(keys: PanelKeys, year: int) -> np.ndarray:
    return (
        (keys.get("employees", year) <= SME_MAX_STAFF)
        & (keys.get("sales_revenue", year) <= SME_MAX_SALES)
        & (keys.get("total_assets", year) <= SME_MAX_ASSETS)
    )


def _blocked(neg: Negatives, n: int, year: int) -> np.ndarray:
    """Firms with a negative record live in ``year`` or the year before."""
    blocked = np.zeros(n, dtype=bool)
    start, end = np.datetime64(f"{year - 1}-01-01"), np.datetime64(f"{year}-12-31")
    live = (neg.occurred_on <= end) & (np.isnat(neg.cleared_on) | (neg.cleared_on >= start))
    blocked[neg.firm[live]] = True
    return blocked


def build_negatives(cal: Calibration, seed: int, firms: Firms) -> Negatives:
    rng = stream(seed, "negatives")
    kinds = cal.entities["negative_kinds"]
    k = round(firms.n * float(cal.assumption["negative_share"]))
    firm = np.sort(rng.choice(firms.n, size=k, replace=False))
    w = np.array([float(x["weight"]) for x in kinds])
    kind = rng.choice(len(kinds), size=k, p=w / w.sum())
    lo = np.maximum(firms.registration[firm], np.datetime64("2021-01-01"))
    hi = np.where(np.isnat(firms.exit[firm]), np.datetime64(f"{LAST_YEAR}-12-31"), firms.exit[firm])
    span = np.maximum((hi - lo).astype(np.int64), 1)
    occurred = lo + (rng.random(k) * span).astype(np.int64) * DAY
    clear_p = np.array([float(x["clear_prob"]) for x in kinds])[kind]
    cleared = occurred + rng.integers(60, 540, size=k) * DAY
    cleared = np.where(
        (rng.random(k) < clear_p) & (cleared <= np.datetime64(f"{LAST_YEAR}-12-31")),
        cleared,
        np.datetime64("NaT"),
    )
    return Negatives(firm=firm, kind=kind, occurred_on=occurred, cleared_on=cleared)


def build_qualifications(
    cal: Calibration,
    seed: int,
    firms: Firms,
    certs: Certificates,
    stars: Stars,
    keys: PanelKeys,
    neg: Negatives,
    scale: float,
) -> tuple[Quals, np.ndarray, np.ndarray]:
    """Return qualifications plus the ``listed`` flags and the ladder tier index per firm (-1 none)."""
    rng = stream(seed, "qualifications")
    n = firms.n
    parts: list[dict[str, np.ndarray]] = []
    district_codes = np.array(cal.district_codes)
    # 科技型中小企业: filed in year Y on the data of Y-1.
    for year in cal.years[1:]:
        score, staff_pts = tech_sme_score(keys, year - 1)
        ok = sme_size_ok(keys, year - 1) & firms.mainland & firms.active_in(year) & ~_blocked(neg, n, year)
        holder = certs.held_in(n, year - 1)
        eligible = ok & (((score >= 60) & (staff_pts > 0)) | holder)
        chosen = np.flatnonzero(eligible & (rng.random(n) < 0.82))
        granted = np.datetime64(f"{year}-03-01") + rng.integers(0, 240, size=len(chosen)) * DAY
        seq = rng.permutation(len(chosen)) + 1
        ref = np.char.add(
            np.char.add(str(year), district_codes[firms.district[chosen]]), np.char.zfill(seq.astype(str), 6)
        )
        parts.append(
            {
                "firm": chosen,
                "kind": np.full(len(chosen), "tech_sme", dtype=object),
                "year": np.full(len(chosen), year),
                "granted_on": granted,
                "expires_on": np.full(len(chosen), np.datetime64(f"{year}-12-31")),
                "reference_no": ref.astype(object),
            }
        )
    parts.append(
        {
            "firm": certs.firm,
            "kind": np.full(len(certs.firm), "high_tech_enterprise", dtype=object),
            "year": certs.year,
            "granted_on": certs.granted_on,
            "expires_on": certs.expires_on,
            "reference_no": np.array(certs.number, dtype=object),
        }
    )
    tier = _ladder(cal, firms, stars, keys, rng, scale)
    ladder_firms = np.flatnonzero(tier >= 0)
    lyear = np.maximum(
        LAST_YEAR - rng.choice(3, size=len(ladder_firms), p=[0.45, 0.3, 0.25]),
        np.minimum(firms.reg_year[ladder_firms] + 1, LAST_YEAR),
    )
    lgranted = year_start(lyear) + rng.integers(180, 330, size=len(lyear)) * DAY
    parts.append(
        {
            "firm": ladder_firms,
            "kind": np.array(LADDER_TIERS, dtype=object)[tier[ladder_firms]],
            "year": lyear,
            "granted_on": lgranted,
            "expires_on": year_start(lyear + 3) + (lgranted - year_start(lyear)) - DAY,
            "reference_no": np.full(len(lyear), None, dtype=object),
        }
    )
    leaders, listed = _leaders_and_listed(cal, firms, keys, rng, scale, tier)
    lg = np.datetime64(f"{LAST_YEAR}-06-30") + rng.integers(0, 120, size=len(leaders)) * DAY
    parts.append(
        {
            "firm": leaders,
            "kind": np.full(len(leaders), "tech_leader", dtype=object),
            "year": np.full(len(leaders), LAST_YEAR),
            "granted_on": lg,
            "expires_on": year_start(np.full(len(lg), LAST_YEAR + 3))
            + (lg - year_start(np.full(len(lg), LAST_YEAR)))
            - DAY,
            "reference_no": np.full(len(leaders), None, dtype=object),
        }
    )
    cols = {k: np.concatenate([p[k] for p in parts]) for k in parts[0]}
    return Quals(**cols), listed, tier


def _ladder(
    cal: Calibration, firms: Firms, stars: Stars, keys: PanelKeys, rng: np.random.Generator, scale: float
) -> np.ndarray:
    n = firms.n
    tier = np.full(n, -1)
    for name in ("seed_unicorn", "potential_unicorn", "unicorn"):
        tier[stars.firm[stars.tier == name]] = LADDER_TIERS.index(name)
    ladder = cal.assumption["ladder"]
    total = round(int(cal.published["eaglet_gazelle_unicorn_total"]) * scale)
    n_gazelle = round(int(ladder["gazelle"]) * scale)
    age = LAST_YEAR - firms.reg_year
    active = firms.active_in(LAST_YEAR)
    sales_base, sales_last = keys.get("sales_revenue", 2022), keys.get("sales_revenue", LAST_YEAR)
    emp_base, emp_last = keys.get("employees", 2022), keys.get("employees", LAST_YEAR)
    with np.errstate(divide="ignore", invalid="ignore"):
        cagr = np.nan_to_num((sales_last / sales_base) ** (1 / 3) - 1, nan=-1, posinf=-1)
        emp_cagr = np.nan_to_num((emp_last / emp_base) ** (1 / 3) - 1, nan=-1, posinf=-1)
        rd_ratio = np.nan_to_num(keys.get("rd_expense", LAST_YEAR) / sales_last, nan=0, posinf=1)
    big_round = np.nan_to_num(keys.get("largest_venture_investment", LAST_YEAR)) >= 1e7
    growth_ok = ((cagr >= 0.2) & (sales_base > 1e7)) | ((emp_cagr >= 0.3) & (emp_base > 100)) | big_round
    gazelle_pool = active & (tier < 0) & (age <= 20) & growth_ok & (rd_ratio >= 0.025)
    g_score = np.where(gazelle_pool, cagr + 0.3 * rng.standard_normal(n), -np.inf)
    gazelles = np.argsort(-g_score, kind="stable")[: min(n_gazelle, int(gazelle_pool.sum()))]
    tier[gazelles] = LADDER_TIERS.index("gazelle")
    inv = np.nan_to_num(keys.get("ip_invention_granted", LAST_YEAR))
    eaglet_pool = active & (tier < 0) & (age <= 10) & (age >= 1) & (rd_ratio >= 0.03)
    e_score = np.where(
        eaglet_pool,
        np.log1p(rd_ratio * 20)
        + 0.3 * np.log1p(inv)
        + 0.5 * np.clip(cagr, -1, 2)
        + 0.4 * rng.standard_normal(n),
        -np.inf,
    )
    n_eaglet = max(0, total - int((tier >= 0).sum()))
    eaglets = np.argsort(-e_score, kind="stable")[: min(n_eaglet, int(eaglet_pool.sum()))]
    tier[eaglets] = LADDER_TIERS.index("eaglet")
    return tier


def _leaders_and_listed(
    cal: Calibration, firms: Firms, keys: PanelKeys, rng: np.random.Generator, scale: float, tier: np.ndarray
) -> tuple[np.ndarray, np.ndarray]:
    active = firms.active_in(LAST_YEAR)
    sales = np.nan_to_num(keys.get("sales_revenue", LAST_YEAR))
    rd = np.nan_to_num(keys.get("rd_expense", LAST_YEAR))
    lead_score = np.where(
        active, np.log1p(sales) + 1.5 * np.log1p(rd) + rng.standard_normal(firms.n), -np.inf
    )
    n_lead = round(int(cal.assumption["tech_leaders"]) * scale)
    leaders = np.sort(np.argsort(-lead_score, kind="stable")[:n_lead])
    not_unicorn = tier != LADDER_TIERS.index("unicorn")
    list_score = np.where(
        active & not_unicorn & (LAST_YEAR - firms.reg_year >= 5),
        np.log(np.maximum(sales, 1)) + 1.2 * rng.standard_normal(firms.n),
        -np.inf,
    )
    n_list = round(int(cal.assumption["listed"]) * scale)
    listed = np.zeros(firms.n, dtype=bool)
    listed[np.argsort(-list_score, kind="stable")[:n_list]] = True
    return leaders, listed
