"""Innovation outputs driven by the R&D stock: patents and other IP, conversions, awards, standards,
platforms, government projects, and venture financing (concentrated in young fast growers)."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from innopoints.synth.calibration import Calibration
from innopoints.synth.firms import LAST_YEAR, Firms

HOT = ("artificial_intelligence", "next_gen_it", "biomedicine", "new_energy", "robotics", "aerospace")
YI = 1e8


@dataclass
class Stars:
    """Young venture-backed firms whose valuations reach seed/potential/unicorn levels by 2025."""

    firm: np.ndarray
    tier: np.ndarray  # "unicorn" / "potential_unicorn" / "seed_unicorn"
    valuation_2025: np.ndarray  # 元


def pick_stars(cal: Calibration, firms: Firms, rng: np.random.Generator, scale: float) -> Stars:
    ladder = cal.assumption["ladder"]
    hot = np.isin(firms.cluster, [cal.cluster_ids.index(c) for c in HOT])
    age = LAST_YEAR - firms.reg_year
    base = np.isnat(firms.exit) & hot & firms.mainland
    taken = np.zeros(firms.n, dtype=bool)
    picks, tiers, vals = [], [], []
    for tier, max_age, lo, hi in (
        ("unicorn", 9, 75, 180),
        ("potential_unicorn", 8, 36, 65),
        ("seed_unicorn", 4, 3.2, 6.5),
    ):
        k = (
            min(5, round(int(ladder[tier]) * scale))
            if tier == "unicorn"
            else round(int(ladder[tier]) * scale)
        )
        pool = np.flatnonzero(base & ~taken & (age >= 2) & (age <= max_age))
        chosen = rng.choice(pool, size=min(k, len(pool)), replace=False)
        taken[chosen] = True
        picks.append(chosen)
        tiers += [tier] * len(chosen)
        vals.append(rng.uniform(lo, hi, len(chosen)) * YI)
    firm = np.concatenate(picks)
    firms.fast[firm] = True
    firms.z_size[firm] = np.maximum(firms.z_size[firm], 1.0)
    firms.z_rd[firm] = np.maximum(firms.z_rd[firm], 1.0)
    return Stars(firm=firm, tier=np.array(tiers, dtype=object), valuation_2025=np.concatenate(vals))


class Innovation:
    def __init__(self, cal: Calibration, firms: Firms, stars: Stars, rng: np.random.Generator) -> None:
        self.f, self.rng, self.stars = firms, rng, stars
        n = firms.n
        econ = [cal.cluster_economics[c] for c in cal.cluster_ids]
        self.inv_c = np.array([e["invention"] for e in econ])[firms.cluster]
        self.soft_c = np.array([e["software"] for e in econ])[firms.cluster]
        self.design_c = np.array([e["design"] for e in econ])[firms.cluster]
        ids = cal.cluster_ids
        it = np.isin(firms.cluster, [ids.index("next_gen_it"), ids.index("artificial_intelligence")])
        self.ic_prone = it & (rng.random(n) < 0.15)
        self.plant_prone = (firms.cluster == ids.index("modern_agriculture")) & (rng.random(n) < 0.25)
        bio_ag = np.isin(firms.cluster, [ids.index("biomedicine"), ids.index("modern_agriculture")])
        self.class1_prone = bio_ag & (rng.random(n) < 0.06)
        self.hot = np.isin(firms.cluster, [ids.index(c) for c in HOT])
        self.stock = np.zeros(n)
        self.invention = np.zeros(n)
        self.utility = np.zeros(n)
        self.design = np.zeros(n)
        self.software = np.zeros(n)
        self.ic = np.zeros(n)
        self.plant = np.zeros(n)
        self.class1 = np.zeros(n)
        self.platforms = np.zeros(n)
        self.applied_prev = np.zeros(n)
        self.rounds = np.zeros(n)
        self.largest = np.zeros(n)
        self.valuation = np.zeros(n)
        self.started = np.zeros(n, dtype=bool)

    def _init(self, year: int, new: np.ndarray, rd: np.ndarray) -> None:
        rng, f = self.rng, self.f
        years = np.minimum(np.maximum(year - f.reg_year[new], 0), 8).astype(np.float64)
        k_stock = rd[new] * np.maximum(years, 0.5) * 0.7
        self.stock[new] = k_stock
        m = (k_stock / 1e6) ** 0.75 * np.exp(0.5 * f.z_ip[new])
        self.invention[new] = rng.poisson(0.3 * self.inv_c[new] * m * years)
        self.utility[new] = rng.poisson(0.6 * m * years)
        self.design[new] = rng.poisson(0.2 * self.design_c[new] * m * years)
        self.software[new] = rng.poisson(0.5 * self.soft_c[new] * m * years)
        self.ic[new] = np.where(self.ic_prone[new], rng.poisson(0.15 * m * years), 0)
        self.plant[new] = np.where(self.plant_prone[new], rng.poisson(0.3 * years), 0)
        self.class1[new] = np.where(self.class1_prone[new], rng.poisson(0.1 * years), 0)
        self.platforms[new] = rng.poisson(0.04 * (k_stock / 1e6) ** 0.5)
        self.started[new] = True

    def step(
        self, year: int, active: np.ndarray, rd: np.ndarray, run_rate: np.ndarray, fast: np.ndarray
    ) -> dict[str, np.ndarray]:
        rng, f, n = self.rng, self.f, self.f.n
        new = np.flatnonzero(active & ~self.started)
        self.stock = 0.85 * self.stock + rd
        self._init(year, new, rd)
        m = (self.stock / 1e6) ** 0.75 * np.exp(0.5 * f.z_ip)
        r = (rd / 1e6) ** 0.7 * np.exp(0.4 * f.z_ip)
        applied = rng.poisson(0.8 * self.inv_c * m).astype(np.float64)
        self.invention += rng.binomial(self.applied_prev.astype(np.int64), 0.45) - rng.binomial(
            self.invention.astype(np.int64), 0.04
        )
        self.applied_prev = applied
        self.utility += rng.poisson(0.9 * r) - rng.binomial(self.utility.astype(np.int64), 0.1)
        self.design += rng.poisson(0.3 * self.design_c * r) - rng.binomial(self.design.astype(np.int64), 0.08)
        self.software += rng.poisson(0.7 * self.soft_c * r) - rng.binomial(
            self.software.astype(np.int64), 0.03
        )
        self.ic += np.where(self.ic_prone, rng.poisson(0.1 * r), 0)
        self.plant += np.where(self.plant_prone, rng.poisson(0.25, n), 0)
        self.class1 += np.where(self.class1_prone, rng.poisson(0.06, n), 0)
        s = (self.stock / 1e6) ** 0.5
        self.platforms += rng.random(n) < 0.01 * s
        provincial = rng.binomial(self.platforms.astype(np.int64), 0.35)
        equity = self._venture(year, run_rate, fast)
        ip_total = self.invention + 0.3 * (self.utility + self.software)
        return {
            "ip_invention_granted": self.invention.copy(),
            "ip_invention_applied": applied,
            "ip_utility_model": self.utility.copy(),
            "ip_design": self.design.copy(),
            "ip_software_copyright": self.software.copy(),
            "ip_pct": rng.poisson(0.02 * (self.stock / 1e6) ** 0.8 * np.exp(f.z_ip)).astype(np.float64),
            "ip_ic_layout": self.ic.copy(),
            "ip_plant_variety": self.plant.copy(),
            "ip_other_class1": self.class1.copy(),
            "conversions": rng.poisson(0.25 * np.log1p(ip_total) * np.exp(0.3 * f.z_ip)).astype(np.float64),
            "awards_national": rng.poisson(1.5e-4 * s).astype(np.float64),
            "awards_provincial": rng.poisson(2.5e-3 * s).astype(np.float64),
            "standards_led": rng.poisson(4e-3 * (np.maximum(run_rate, 1) / 1e7) ** 0.5).astype(np.float64),
            "rd_platforms": self.platforms.copy(),
            "rd_platforms_provincial": provincial.astype(np.float64),
            "tech_projects": rng.poisson(0.03 * s).astype(np.float64),
            "equity_financing": equity,
            "venture_rounds": self.rounds.copy(),
            "largest_venture_investment": self.largest.copy(),
            "valuation": self.valuation.copy(),
        }

    def _venture(self, year: int, run_rate: np.ndarray, fast: np.ndarray) -> np.ndarray:
        rng, f, n = self.rng, self.f, self.f.n
        age = year - f.reg_year
        young = (age >= 0) & (age <= 8)
        p = 0.003 + young * (0.08 * fast + 0.015 * self.hot)
        happen = (rng.random(n) < p) & (age >= 0)
        amount = np.exp(np.log(1.2e7) + 0.9 * rng.standard_normal(n)) * 1.5**self.rounds
        post = np.maximum(amount * rng.uniform(4, 9, n), run_rate * rng.uniform(1, 4, n))
        # Stars follow their valuation path to the 2025 target.
        st = self.stars.firm
        star_val = self.stars.valuation_2025 * np.exp(-0.55 * (LAST_YEAR - year))
        star_round = (rng.random(len(st)) < 0.7) | (year == LAST_YEAR)
        star_round &= age[st] >= 0
        happen[st] = star_round
        post[st] = star_val
        amount[st] = star_val * rng.uniform(0.08, 0.2, len(st))
        equity = np.where(happen, amount, 0.0)
        self.rounds += happen
        self.largest = np.where(happen, np.maximum(self.largest, amount), self.largest)
        self.valuation = np.where(happen, post, self.valuation)
        return equity
