"""技术合同 (technology contracts) of the five types, registered on the seller side. Registered turnover
per year is scaled to the calibrated totals (2025: the published 830.6亿元)."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from innopoints.synth.calibration import Calibration
from innopoints.synth.firms import DAY, Firms
from innopoints.synth.rng import scale_to_total, stream

CONTRACT_TYPES = ("development", "transfer", "license", "consulting", "service")
TYPE_AMOUNT = np.array([1.3, 1.6, 1.0, 0.3, 0.8])


@dataclass
class Contracts:
    year: np.ndarray
    kind: np.ndarray  # index into CONTRACT_TYPES
    seller_firm: np.ndarray  # firm index or -1
    seller_institution: np.ndarray  # institution index or -1
    amount_fen: np.ndarray
    non_technical_fen: np.ndarray
    status: np.ndarray  # object: registered / refused / pending
    signed_on: np.ndarray
    submitted_on: np.ndarray
    decided_on: np.ndarray  # NaT while pending
    buyer_in_city: np.ndarray
    cluster: np.ndarray
    district: np.ndarray

    def turnover_by_firm(self, n_firms: int, year: int) -> np.ndarray:
        """Registered turnover in fen per firm for a year (the panel's tech_contract_turnover)."""
        sel = (self.year == year) & (self.status == "registered") & (self.seller_firm >= 0)
        return np.bincount(self.seller_firm[sel], weights=self.amount_fen[sel], minlength=n_firms)


def _year_block(
    cal: Calibration,
    rng: np.random.Generator,
    firms: Firms,
    year: int,
    n_reg: int,
    target_fen: int,
    pending: bool,
) -> dict[str, np.ndarray]:
    inst = cal.entities["institutions"]
    n_refused = max(1, round(n_reg * 0.03))
    n_pending = max(1, round(n_reg * 0.02)) if pending else 0
    total = n_reg + n_refused + n_pending
    status = np.array(
        ["registered"] * n_reg + ["refused"] * n_refused + ["pending"] * n_pending, dtype=object
    )
    share = cal.assumption["contract_type_share"]
    p_type = np.array([share[t] for t in CONTRACT_TYPES]) / TYPE_AMOUNT
    kind = rng.choice(len(CONTRACT_TYPES), size=total, p=p_type / p_type.sum())
    by_inst = rng.random(total) < float(cal.assumption["contract_institution_share"])
    active = np.flatnonzero(firms.active_in(year) & firms.contract_prone)
    w = np.exp(0.8 * firms.z_size[active] + 0.4 * firms.z_rd[active]) * np.where(firms.tail[active], 8.0, 1.0)
    seller_firm = np.where(by_inst, -1, active[rng.choice(len(active), size=total, p=w / w.sum())])
    inst_w = np.array([float(i["weight"]) for i in inst])
    seller_inst = np.where(by_inst, rng.choice(len(inst), size=total, p=inst_w / inst_w.sum()), -1)
    raw = np.exp(np.log(1.2e6) + 1.5 * rng.standard_normal(total)) * TYPE_AMOUNT[kind] * 100
    amount = np.maximum(raw, 1e6).astype(np.int64)
    amount[:n_reg] = scale_to_total(amount[:n_reg], target_fen)
    clusters = cal.cluster_ids
    inst_cluster = np.array([clusters.index(rng.choice(i["clusters"])) for i in inst])
    inst_district = np.array([cal.district_codes.index(i["district"]) for i in inst])
    cluster = np.where(
        by_inst, inst_cluster[np.maximum(seller_inst, 0)], firms.cluster[np.maximum(seller_firm, 0)]
    )
    district = np.where(
        by_inst, inst_district[np.maximum(seller_inst, 0)], firms.district[np.maximum(seller_firm, 0)]
    )
    start = np.datetime64(f"{year}-01-01")
    decided = start + rng.integers(0, 365, size=total) * DAY
    submitted = decided - rng.integers(1, 31, size=total) * DAY
    if n_pending:
        submitted[-n_pending:] = np.datetime64(f"{year}-12-01") + rng.integers(0, 31, size=n_pending) * DAY
        decided[-n_pending:] = np.datetime64("NaT")
    signed = submitted - rng.integers(0, 46, size=total) * DAY
    tech_heavy = np.isin(kind, [0, 4])
    non_tech = np.where(
        tech_heavy & (rng.random(total) < 0.4), amount * rng.uniform(0, 0.2, total), 0
    ).astype(np.int64)
    return {
        "year": np.full(total, year),
        "kind": kind,
        "seller_firm": seller_firm,
        "seller_institution": seller_inst,
        "amount_fen": amount,
        "non_technical_fen": non_tech,
        "status": status,
        "signed_on": signed,
        "submitted_on": submitted,
        "decided_on": decided,
        "buyer_in_city": rng.random(total) < 0.55,
        "cluster": cluster,
        "district": district,
    }


def build_contracts(cal: Calibration, seed: int, firms: Firms, scale: float) -> Contracts:
    rng = stream(seed, "contracts")
    years = cal.years
    growth = float(cal.assumption["contract_count_growth"])
    turnover = cal.assumption["contract_turnover_yuan"]
    blocks = []
    for year in years:
        n_reg = max(
            5, round(int(cal.assumption["contracts_2025"]) * scale * (1 + growth) ** (year - years[-1]))
        )
        target = round(int(turnover[year]) * 100 * scale)
        blocks.append(_year_block(cal, rng, firms, year, n_reg, target, pending=year == years[-1]))
    return Contracts(**{k: np.concatenate([b[k] for b in blocks]) for k in blocks[0]})
