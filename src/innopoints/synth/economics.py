"""Firm economics, one year at a time: revenue (lognormal body, Pareto tail, latent growth type),
staff, R&D, costs, profit, tax, assets. Amounts are float 元 here; the panel module rounds."""

from __future__ import annotations

import numpy as np

from innopoints.synth.calibration import Calibration
from innopoints.synth.firms import Firms

# 高企 R&D thresholds by latest-year sales (国科发火〔2016〕32号 第十一条(五)), used only to make
# certificate holders' synthetic ratios plausible.
HT_BANDS = ((5e7, 0.05), (2e8, 0.04), (np.inf, 0.03))


def ht_threshold(sales: np.ndarray) -> np.ndarray:
    return np.where(
        sales <= HT_BANDS[0][0],
        HT_BANDS[0][1],
        np.where(sales <= HT_BANDS[1][0], HT_BANDS[1][1], HT_BANDS[2][1]),
    )


class Economy:
    """Carries each firm's state from one panel year to the next."""

    def __init__(self, cal: Calibration, firms: Firms, rng: np.random.Generator) -> None:
        self.cal, self.f, self.rng = cal, firms, rng
        n = firms.n
        econ = [cal.cluster_economics[c] for c in cal.cluster_ids]
        self.rd_base = np.array([e["rd_intensity"] for e in econ])[firms.cluster]
        self.shift = np.array([e["revenue_shift"] for e in econ])[firms.cluster]
        self.z_emp = rng.standard_normal(n)
        self.z_assets = rng.standard_normal(n)
        self.z_margin = rng.standard_normal(n)
        self.z_sci = rng.standard_normal(n)
        self.run_rate = np.zeros(n)  # annualised revenue
        self.fast = firms.fast.copy()
        self.started = np.zeros(n, dtype=bool)
        self.equity_stock = np.zeros(n)

    def _start(self, year: int, new: np.ndarray) -> None:
        f, rng = self.f, self.rng
        age = np.maximum(year - f.reg_year[new], 0)
        k = len(new)
        log_rev = np.log(3.0e6) + 0.5 * np.log1p(age) + self.shift[new] + 1.2 * f.z_size[new]
        rev = np.exp(log_rev)
        tail = f.tail[new]
        pareto = 1.5e8 * (1.0 + rng.pareto(1.1, size=k))
        rev = np.where(tail, np.maximum(rev, pareto), rev)
        rev = np.minimum(rev, 6.0e10)
        born = age == 0
        starter = np.exp(np.log(1.8e6) + 0.5 * self.shift[new] + 0.9 * f.z_size[new])
        rev = np.where(born, starter, rev)
        rev = np.where(born & (rng.random(k) < 0.3), 0.0, rev)
        self.run_rate[new] = rev
        self.started[new] = True

    def step(self, year: int, active: np.ndarray, ht_holder: np.ndarray) -> dict[str, np.ndarray]:
        f, rng, n = self.f, self.rng, self.f.n
        new = np.flatnonzero(active & ~self.started)
        old = active & self.started
        age = np.maximum(year - f.reg_year, 0).astype(np.float64)
        # Growth of established firms: macro shock + age + latent type (persistent with noise).
        switch = rng.random(n)
        self.fast = np.where(self.fast, switch > 0.08, switch < 0.006)
        g = (
            self.cal.year_shock.get(year, 0.0)
            + 0.03
            + 0.30 * np.exp(-age / 3.0)
            + np.where(self.fast, 0.38, 0.0)
            + 0.05 * f.z_growth
            - 0.03 * (self.run_rate > 1e9)
            + rng.normal(0.0, 0.24, n)
        )
        revive = (self.run_rate == 0) & (rng.random(n) < 0.55)
        restart = np.exp(np.log(1.2e6) + 0.8 * rng.standard_normal(n))
        grown = np.where(revive, restart, self.run_rate * np.exp(g))
        self.run_rate = np.where(old, np.minimum(grown, 1.2e11), self.run_rate)
        self._start(year, new)
        # Share of the year a firm existed (registration year only).
        year_start = np.datetime64(f"{year}-01-01")
        days = (np.datetime64(f"{year + 1}-01-01") - np.maximum(f.registration, year_start)).astype(np.int64)
        frac = np.clip(days / 365.0, 0.02, 1.0)
        rr = self.run_rate
        sales = rr * frac
        emp = np.maximum(
            2.0,
            np.round(
                30.0
                * (np.maximum(rr, 2e5) / 1e7) ** 0.62
                * np.exp(0.35 * self.z_emp + rng.normal(0, 0.08, n))
            ),
        )
        intensity = (
            self.rd_base
            * np.exp(0.5 * f.z_rd + rng.normal(0, 0.15, n))
            * (np.maximum(rr, 1e5) / 1e7) ** -0.15
        )
        intensity *= np.where(self.fast, 1.25, 1.0)
        lift = ht_holder & (rng.random(n) < 0.93)
        intensity = np.where(
            lift, np.maximum(intensity, ht_threshold(sales) * rng.uniform(1.03, 1.8, n)), intensity
        )
        intensity = np.clip(intensity, 0.002, 0.9)
        rd = np.where(
            sales > 0, intensity * sales, frac * np.exp(np.log(8e5) + 0.6 * f.z_rd + rng.normal(0, 0.3, n))
        )
        rd = np.where(~ht_holder & (rng.random(n) < 0.04), 0.0, rd)
        cost_ratio = np.exp(np.log(0.9) - 0.06 * self.z_margin + rng.normal(0, 0.08, n))
        non_rd = sales * np.clip(cost_ratio - intensity, 0.2, 3.0) + emp * 1.5e4 * frac
        cost = rd + non_rd
        other = np.where(rng.random(n) < 0.4, rng.uniform(0, 0.05, n), 0.0)
        operating = sales * (1.0 + other)
        grants = np.where(rng.random(n) < np.where(ht_holder, 0.5, 0.15), rng.uniform(2e4, 6e5, n), 0.0)
        total_income = operating * (1.0 + rng.uniform(0, 0.02, n)) + grants
        pre_tax = total_income - cost
        net = np.where(pre_tax > 0, pre_tax * 0.85, pre_tax)
        tax = (
            sales * 0.022 * np.exp(rng.normal(0, 0.35, n))
            + np.maximum(pre_tax, 0) * 0.15
            + rng.uniform(0, 3e3, n)
        )
        ht_share = np.where(
            ht_holder,
            np.where(rng.random(n) < 0.95, np.clip(rng.beta(14, 3, n), 0.6, 0.99), rng.beta(6, 4, n)),
            rng.beta(2, 3, n),
        )
        self.equity_stock *= 0.97
        assets = (
            np.where(
                sales > 0,
                rr * np.exp(0.3 * self.z_assets + rng.normal(0, 0.2, n)),
                rd * 4.0 + 1e6 * np.exp(0.5 * self.z_assets),
            )
            + self.equity_stock
        )
        leverage = np.clip(rng.beta(2.5, 3.2, n) + 0.05 * self.z_margin, 0.02, 1.4)
        sci_share = np.clip(0.1 + 1.5 * intensity + 0.08 * self.z_sci + rng.normal(0, 0.03, n), 0.03, 0.95)
        sci_share = np.where(
            ht_holder & (rng.random(n) < 0.96), np.maximum(sci_share, rng.uniform(0.1, 0.22, n)), sci_share
        )
        sci = np.floor(emp * sci_share)
        rd_staff = np.floor(sci * rng.beta(6, 3, n))
        domestic = np.where(rng.random(n) < 0.85, 1.0, rng.uniform(0.6, 0.99, n))
        return {
            "employees": emp,
            "sci_tech_staff": sci,
            "rd_staff": rd_staff,
            "high_level_talents": rng.poisson(0.025 * sci * np.exp(0.4 * f.z_rd)).astype(np.float64),
            "sales_revenue": sales,
            "operating_revenue": operating,
            "total_income": total_income,
            "high_tech_income": total_income * ht_share,
            "total_assets": assets,
            "total_liabilities": assets * leverage,
            "cost_expense_total": cost,
            "rd_expense": rd,
            "rd_expense_domestic": rd * domestic,
            "net_profit": net,
            "tax_paid": tax,
        }
