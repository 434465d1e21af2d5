"""高新技术企业 certificate chains (3-year validity), decided from latent traits before the panel is
simulated so that holders' panel ratios can be made consistent with the certificate."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from innopoints.synth.calibration import Calibration
from innopoints.synth.firms import DAY, LAST_YEAR, Firms
from innopoints.synth.rng import stream

VALID_YEARS = 3


@dataclass
class Certificates:
    firm: np.ndarray  # firm index
    granted_on: np.ndarray  # datetime64[D]
    expires_on: np.ndarray  # datetime64[D]
    number: list[str]

    @property
    def year(self) -> np.ndarray:
        return self.granted_on.astype("datetime64[Y]").astype(np.int64) + 1970

    def held_in(self, n: int, year: int) -> np.ndarray:
        """Firms holding a certificate valid on some day of ``year``."""
        mask = np.zeros(n, dtype=bool)
        start = np.datetime64(f"{year}-01-01")
        end = np.datetime64(f"{year}-12-31")
        live = (self.granted_on <= end) & (self.expires_on >= start)
        mask[self.firm[live]] = True
        return mask

    def valid_on(self, n: int, day: np.datetime64) -> np.ndarray:
        mask = np.zeros(n, dtype=bool)
        live = (self.granted_on <= day) & (self.expires_on >= day)
        mask[self.firm[live]] = True
        return mask


def _grant_dates(rng: np.random.Generator, years: np.ndarray) -> np.ndarray:
    """High-tech batches are announced in the fourth quarter."""
    october = (np.asarray(years) - 1970).astype("datetime64[Y]").astype("datetime64[M]") + np.timedelta64(
        9, "M"
    )
    return october.astype("datetime64[D]") + (14 + rng.integers(0, 77, size=len(years))) * DAY


def _expiry(granted: np.ndarray) -> np.ndarray:
    years = granted.astype("datetime64[Y]").astype(np.int64) + 1970 + VALID_YEARS
    month_day = granted - granted.astype("datetime64[Y]").astype("datetime64[D]")
    return (years - 1970).astype("datetime64[Y]").astype("datetime64[D]") + month_day - DAY


def build_certificates(cal: Calibration, seed: int, firms: Firms, scale: float) -> Certificates:
    rng = stream(seed, "certificates")
    reg_year = firms.reg_year
    hot = np.isin(
        firms.cluster,
        [
            cal.cluster_ids.index(c)
            for c in ("artificial_intelligence", "next_gen_it", "biomedicine", "aerospace", "new_materials")
        ],
    )
    score = 0.9 * firms.z_rd + 0.5 * firms.z_size + 0.35 * hot + 0.8 * rng.standard_normal(firms.n)
    active = np.isnat(firms.exit) & (reg_year <= LAST_YEAR - 1)
    target = min(int(active.sum()), round(float(cal.assumption["high_tech_target_2025"]) * scale))
    holders = np.flatnonzero(active)[np.argsort(-score[active], kind="stable")[:target]]
    latest = np.array([2023, 2024, 2025])[rng.choice(3, size=len(holders), p=[0.30, 0.33, 0.37])]
    latest = np.maximum(latest, reg_year[holders] + 1)
    firm_parts, year_parts = [holders], [latest]
    prev_firms, prev_years = holders, latest
    for p_renew in (0.65, 0.5):
        earlier = prev_years - VALID_YEARS
        keep = (
            (earlier >= reg_year[prev_firms] + 1)
            & (earlier >= 2013)
            & (rng.random(len(prev_firms)) < p_renew)
        )
        prev_firms, prev_years = prev_firms[keep], earlier[keep]
        firm_parts.append(prev_firms)
        year_parts.append(prev_years)
    # Lapsed holders: certified in 2020-2022 and not renewed (some of them have since exited).
    others = np.setdiff1d(np.flatnonzero(reg_year <= 2020), holders)
    n_lapsed = min(len(others), round(0.22 * target))
    lapsed = others[np.argsort(-score[others], kind="stable")[:n_lapsed]]
    lapsed_year = np.maximum(rng.integers(2020, 2023, size=n_lapsed), reg_year[lapsed] + 1)
    ok = lapsed_year <= np.minimum(firms.last_year[lapsed], 2022)
    firm_parts.append(lapsed[ok])
    year_parts.append(lapsed_year[ok])
    firm = np.concatenate(firm_parts)
    years = np.concatenate(year_parts)
    order = np.lexsort((firm, years))
    firm, years = firm[order], years[order]
    granted = _grant_dates(rng, years)
    serial = rng.choice(10**5, size=len(firm), replace=False) if len(firm) <= 10**5 else np.arange(len(firm))
    number = [f"GR{y}21{s:06d}" for y, s in zip(years.tolist(), serial.tolist(), strict=True)]
    return Certificates(firm=firm, granted_on=granted, expires_on=_expiry(granted), number=number)
