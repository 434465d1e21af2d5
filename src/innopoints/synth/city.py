"""The pure generator: ``generate_city`` builds the whole synthetic city in memory (numpy inside,
polars/Arrow tables out). Writers (db_writer, parquet_writer) are separate."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field

import numpy as np
import polars as pl
import pyarrow as pa

from innopoints.synth import contracts_table, finance, pilots, transfer, transfer_flow
from innopoints.synth.calibration import DEFAULT_SEED, Calibration, load_calibration
from innopoints.synth.certificates import build_certificates
from innopoints.synth.contracts import Contracts, build_contracts
from innopoints.synth.enterprise_table import enterprise_frame, negatives_frame, qualifications_frame
from innopoints.synth.firms import Firms, build_firms
from innopoints.synth.innovation import pick_stars
from innopoints.synth.panel import PanelKeys, simulate_panel
from innopoints.synth.qualifications import Quals, build_negatives, build_qualifications
from innopoints.synth.rng import stream

MAX_ENTERPRISES = 5_000_000
Progress = Callable[[str], None]


@dataclass(frozen=True)
class SynthConfig:
    seed: int = DEFAULT_SEED
    enterprises: int | None = None  # active technology enterprises in 2025; None = published 30,083
    with_transfer: bool = True  # institutions, achievements, demands, contracts table, loans, …

    def size(self, cal: Calibration) -> int:
        n = cal.default_enterprises if self.enterprises is None else self.enterprises
        if not 1 <= n <= MAX_ENTERPRISES:
            raise ValueError(f"enterprises must be between 1 and {MAX_ENTERPRISES:,}, got {n}")
        return n


@dataclass
class City:
    seed: int
    enterprises_active_2025: int
    scale: float
    enterprises: pl.DataFrame
    qualifications: pl.DataFrame
    negative_records: pl.DataFrame
    panel_years: list[pa.Table] = field(default_factory=list)  # empty when streamed to a sink
    tables: dict[str, pl.DataFrame] = field(default_factory=dict)  # other DB tables by table name

    def panel_wide(self) -> pl.DataFrame:
        return pl.from_arrow(pa.concat_tables(self.panel_years))  # type: ignore[return-value]


def generate_city(
    config: SynthConfig = SynthConfig(),
    *,
    panel_sink: Callable[[pa.Table], None] | None = None,
    progress: Progress | None = None,
) -> City:
    """Build the city. With ``panel_sink`` each wide panel year is handed over and not retained."""
    cal = load_calibration()
    say = progress or (lambda _msg: None)
    n_active, seed = config.size(cal), config.seed
    scale = n_active / cal.default_enterprises
    say("企业主体 (firms)")
    firms = build_firms(cal, seed, n_active)
    stars = pick_stars(cal, firms, stream(seed, "stars"), scale)
    certs = build_certificates(cal, seed, firms, scale)
    contracts = build_contracts(cal, seed, firms, scale)
    keys = PanelKeys()
    kept: list[pa.Table] = []
    for table in simulate_panel(cal, seed, firms, certs, stars, contracts, keys):
        say(f"指标面板 (panel) {table['year'][0]}")
        (panel_sink or kept.append)(table)
    say("资质与负面记录 (qualifications)")
    negatives = build_negatives(cal, seed, firms)
    quals, listed, tier = build_qualifications(cal, seed, firms, certs, stars, keys, negatives, scale)
    city = City(
        seed=seed,
        enterprises_active_2025=n_active,
        scale=scale,
        enterprises=enterprise_frame(cal, firms, quals, negatives, listed, tier),
        qualifications=qualifications_frame(quals),
        negative_records=negatives_frame(cal, negatives),
        panel_years=kept,
    )
    if config.with_transfer:
        say("成果转化与金融 (transfer, finance)")
        city.tables = _other_tables(cal, seed, firms, contracts, quals, scale)
        city.tables.update(transfer_flow.extend(cal, seed, firms, city.tables, scale))
    return city


def _other_tables(
    cal: Calibration, seed: int, firms: Firms, contracts: Contracts, quals: Quals, scale: float
) -> dict[str, pl.DataFrame]:
    achievements, inventors = transfer.achievements(cal, seed, scale)
    bases, services = pilots.pilot_bases(cal, seed)
    sme_2025 = (quals.kind == "tech_sme") & (quals.year == 2025)
    high_tech_valid = (quals.kind == "high_tech_enterprise") & (
        quals.expires_on >= np.datetime64("2025-12-31")
    )
    in_2025 = sme_2025 | high_tech_valid
    qualified = np.zeros(firms.n, dtype=bool)
    qualified[quals.firm[in_2025]] = True
    return {
        "institution": transfer.institutions(cal),
        "achievement": achievements,
        "achievement_inventor": inventors,
        "demand": transfer.demands(cal, seed, firms, scale),
        "expert": transfer.experts(cal, seed, scale),
        "broker": transfer.brokers(cal, seed, scale),
        "pilot_base": bases,
        "pilot_service": services,
        "tech_contract": contracts_table.frame(cal, seed, contracts),
        "bank": finance.banks(cal),
        **finance.loan_tables(cal, seed, firms, qualified, scale),
    }
