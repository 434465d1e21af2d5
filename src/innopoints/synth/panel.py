"""The annual indicator panel, simulated year by year and emitted as one WIDE Arrow table per year
(uscc, year, one Int64 column per panel field in hundredths, null where absent)."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field

import numpy as np
import pyarrow as pa

from innopoints.registry.panel_fields import SCALE, panel_fields
from innopoints.synth.calibration import Calibration
from innopoints.synth.certificates import Certificates
from innopoints.synth.contracts import Contracts
from innopoints.synth.economics import Economy
from innopoints.synth.firms import Firms
from innopoints.synth.innovation import Innovation, Stars
from innopoints.synth.rng import stream

# Fields every reporting firm has (zero allowed), with the share of cells missing in the source
# systems. Every other field is present only when non-zero ("no record" otherwise).
ALWAYS_REPORTED: dict[str, float] = {
    "employees": 0.004,
    "sci_tech_staff": 0.006,
    "rd_staff": 0.01,
    "high_level_talents": 0.06,
    "sales_revenue": 0.003,
    "operating_revenue": 0.004,
    "total_income": 0.004,
    "high_tech_income": 0.03,
    "total_assets": 0.003,
    "total_liabilities": 0.004,
    "cost_expense_total": 0.005,
    "rd_expense": 0.004,
    "rd_expense_domestic": 0.02,
    "net_profit": 0.004,
    "tax_paid": 0.003,
    "ip_invention_granted": 0.002,
    "ip_invention_applied": 0.002,
    "ip_utility_model": 0.002,
    "ip_design": 0.002,
    "ip_software_copyright": 0.002,
    "conversions": 0.03,
}
# Values kept (hundredths as float, NaN when absent) for the qualification rules after the panel.
KEPT = (
    "employees",
    "sci_tech_staff",
    "sales_revenue",
    "total_assets",
    "rd_expense",
    "cost_expense_total",
    "ip_invention_granted",
    "ip_ic_layout",
    "ip_plant_variety",
    "ip_other_class1",
    "ip_utility_model",
    "ip_design",
    "ip_software_copyright",
    "largest_venture_investment",
    "valuation",
)


def field_codes() -> list[str]:
    return list(panel_fields())


def wide_schema() -> pa.Schema:
    return pa.schema([("uscc", pa.string()), ("year", pa.int16())] + [(c, pa.int64()) for c in field_codes()])


@dataclass
class PanelKeys:
    """Selected panel values of every firm by year, for rules evaluated after the simulation."""

    values: dict[str, dict[int, np.ndarray]] = field(default_factory=dict)
    reported: dict[int, np.ndarray] = field(default_factory=dict)

    def get(self, code: str, year: int) -> np.ndarray:
        """Value in natural units (元 or count), NaN when absent."""
        return self.values[code][year].astype(np.float64) / SCALE


def _scaled(code: str, raw: np.ndarray) -> np.ndarray:
    if panel_fields()[code].kind == "money":
        return np.round(raw * SCALE)
    return np.round(raw) * SCALE


def simulate_panel(
    cal: Calibration,
    seed: int,
    firms: Firms,
    certs: Certificates,
    stars: Stars,
    contracts: Contracts,
    keys: PanelKeys,
) -> Iterator[pa.Table]:
    """Yield one wide table per panel year; fill ``keys`` as a side record for later rules."""
    miss_rng = stream(seed, "panel.missing")
    economy = Economy(cal, firms, stream(seed, "panel.economy"))
    innovation = Innovation(cal, firms, stars, stream(seed, "panel.innovation"))
    codes = field_codes()
    for code in KEPT:
        keys.values[code] = {}
    for year in cal.years:
        active = firms.active_in(year)
        holder = certs.held_in(firms.n, year)
        raw = economy.step(year, active, holder)
        raw.update(innovation.step(year, active, raw["rd_expense"], economy.run_rate, economy.fast))
        economy.equity_stock += raw["equity_financing"]
        raw["tech_contract_turnover"] = contracts.turnover_by_firm(firms.n, year) / SCALE
        rows = np.flatnonzero(active)
        columns: dict[str, pa.Array] = {
            "uscc": firms.uscc.to_arrow().take(pa.array(rows)),
            "year": pa.array(np.full(len(rows), year, dtype=np.int16)),
        }
        for code in codes:
            values = _scaled(code, raw[code][rows])
            if code in ALWAYS_REPORTED:
                present = miss_rng.random(len(rows)) >= ALWAYS_REPORTED[code]
            else:
                present = values != 0
            if code in KEPT:
                # Counts are exact in float32 (< 2**24 hundredths); money needs float64.
                kept = np.full(
                    firms.n, np.nan, dtype=np.float64 if panel_fields()[code].kind == "money" else np.float32
                )
                kept[rows[present]] = values[present]
                keys.values[code][year] = kept
            columns[code] = pa.array(values.astype(np.int64), mask=~present)
        keys.reported[year] = active
        yield pa.table(columns, schema=wide_schema())
