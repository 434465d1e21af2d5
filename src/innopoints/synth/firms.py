"""The firm population: registration and exit dates, location, cluster, identity and the latent
traits (size, R&D appetite, growth type) that drive the economics. Pure numpy."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import polars as pl

from innopoints.registry.uscc import _ORG_WEIGHTS, ALPHABET, WEIGHTS
from innopoints.synth.calibration import Calibration
from innopoints.synth.rng import row_choice, stream

LAST_YEAR = 2025
DAY = np.timedelta64(1, "D")


@dataclass
class Firms:
    """Column arrays, one entry per firm (index i has enterprise id i + 1)."""

    registration: np.ndarray  # datetime64[D]
    exit: np.ndarray  # datetime64[D], NaT when still active
    district: np.ndarray  # index into cal.district_codes
    park: np.ndarray  # index into cal.park_ids, -1 = none
    cluster: np.ndarray  # index into cal.cluster_ids
    field: np.ndarray  # index into cal.field_ids
    mainland: np.ndarray  # bool
    z_size: np.ndarray
    z_rd: np.ndarray
    z_ip: np.ndarray
    z_growth: np.ndarray
    fast: np.ndarray  # latent fast-growth type (bool)
    tail: np.ndarray  # Pareto-tail size (bool)
    contract_prone: np.ndarray  # sells technology contracts (bool)
    uscc: pl.Series
    name: pl.Series

    @property
    def n(self) -> int:
        return len(self.registration)

    @property
    def reg_year(self) -> np.ndarray:
        return self.registration.astype("datetime64[Y]").astype(np.int64) + 1970

    @property
    def last_year(self) -> np.ndarray:
        """Last panel year a firm reports: the year before its exit, or 2025."""
        exit_year = np.where(
            np.isnat(self.exit), LAST_YEAR + 1, self.exit.astype("datetime64[Y]").astype(np.int64) + 1970
        )
        return exit_year - 1

    def active_in(self, year: int) -> np.ndarray:
        return (self.reg_year <= year) & (self.last_year >= year)


def _registration_years(cal: Calibration, rng: np.random.Generator, n: int, last: int) -> np.ndarray:
    first = int(cal.assumption["first_registration_year"])
    years = np.arange(first, last + 1)
    weights = float(cal.assumption["registration_decay"]) ** (last - years)
    return years[rng.choice(len(years), size=n, p=weights / weights.sum())]


def year_start(years: np.ndarray) -> np.ndarray:
    return (np.asarray(years) - 1970).astype("datetime64[Y]").astype("datetime64[D]")


def _dates_in_year(rng: np.random.Generator, years: np.ndarray) -> np.ndarray:
    start = (years - 1970).astype("datetime64[Y]").astype("datetime64[D]")
    length = np.where((years % 4 == 0) & ((years % 100 != 0) | (years % 400 == 0)), 366, 365)
    return start + (rng.random(len(years)) * length).astype(np.int64) * DAY


def _population_dates(cal: Calibration, seed: int, n_active: int) -> tuple[np.ndarray, np.ndarray]:
    rng = stream(seed, "firms.dates")
    share_new = cal.published["tech_enterprises_new"] / cal.published["tech_enterprises_total"]
    n_new = round(n_active * share_new)
    n_old = n_active - n_new
    n_exit = round(n_active * float(cal.assumption["exited_share"]))
    reg_years = np.concatenate(
        [
            np.full(n_new, LAST_YEAR),
            _registration_years(cal, rng, n_old, LAST_YEAR - 1),
            _registration_years(cal, rng, n_exit, LAST_YEAR - 2),
        ]
    )
    registration = _dates_in_year(rng, reg_years)
    exit_years = np.maximum(rng.integers(2022, LAST_YEAR + 1, size=n_exit), reg_years[n_active:] + 2)
    exit_dates = _dates_in_year(rng, np.minimum(exit_years, LAST_YEAR))
    exits = np.concatenate([np.full(n_active, np.datetime64("NaT"), dtype="datetime64[D]"), exit_dates])
    order = np.lexsort((rng.random(len(registration)), registration))
    return registration[order], exits[order]


def _location(cal: Calibration, seed: int, n: int) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    rng = stream(seed, "firms.location")
    codes = cal.district_codes
    w = np.array([cal.district_weights[c] for c in codes])
    district = rng.choice(len(codes), size=n, p=w / w.sum())
    parks = cal.park_ids
    park_p = np.zeros((len(codes), len(parks) + 1))
    park_p[:, -1] = 1.0
    for d, dist in cal.park_given_district.items():
        row = codes.index(d)
        for pid, p in dist.items():
            park_p[row, parks.index(pid)] = p
        park_p[row, -1] = 1.0 - sum(dist.values())
    park = row_choice(rng, park_p[district])
    park = np.where(park == len(parks), -1, park)
    clusters = cal.cluster_ids
    base = np.array([cal.cluster_weights[c] for c in clusters])
    tilt = np.ones((len(codes), len(clusters)))
    for d, mult in cal.district_cluster_tilt.items():
        for cid, m in mult.items():
            tilt[codes.index(d), clusters.index(cid)] = m
    cluster_p = base[None, :] * tilt
    cluster = row_choice(rng, cluster_p[district])
    fields = cal.field_ids
    field_p = np.zeros((len(clusters), len(fields)))
    for cid, dist in cal.field_given_cluster.items():
        for fid, p in dist.items():
            field_p[clusters.index(cid), fields.index(fid)] = p
    field = row_choice(rng, field_p[cluster])
    return district, park, cluster, field


def _uscc(seed: int, district_codes: list[str], district: np.ndarray, registration: np.ndarray) -> pl.Series:
    """Valid GB 32100 codes: 91 + district + 主体标识码 (``MA…`` since late 2015, else a legacy
    GB 11714 organisation code with its own check character)."""
    rng = stream(seed, "firms.uscc")
    n = len(district)
    modern = registration >= np.datetime64("2015-10-01")
    body = np.zeros((n, 17), dtype=np.int64)
    body[:, 0], body[:, 1] = 9, 1
    body[:, 2:8] = np.array([[int(ch) for ch in code] for code in district_codes])[district]
    m_idx, l_idx = np.flatnonzero(modern), np.flatnonzero(~modern)
    serial = rng.choice(31**7, size=len(m_idx), replace=False)
    body[m_idx, 8], body[m_idx, 9] = ALPHABET.index("M"), ALPHABET.index("A")
    for pos in range(16, 9, -1):
        body[m_idx, pos] = serial % 31
        serial //= 31
    legacy = rng.choice(10**8, size=len(l_idx), replace=False)
    for pos in range(15, 7, -1):
        body[l_idx, pos] = legacy % 10
        legacy //= 10
    rest = 11 - (body[l_idx, 8:16] * np.array(_ORG_WEIGHTS)).sum(axis=1) % 11
    body[l_idx, 16] = np.where(rest == 10, ALPHABET.index("X"), np.where(rest == 11, 0, rest))
    check = (31 - (body * np.array(WEIGHTS)).sum(axis=1) % 31) % 31
    ascii_codes = np.frombuffer(ALPHABET.encode("ascii"), dtype=np.uint8)
    full = np.ascontiguousarray(np.concatenate([ascii_codes[body], ascii_codes[check][:, None]], axis=1))
    return pl.Series("uscc", full.view("S18").ravel()).cast(pl.String)


def _names(cal: Calibration, seed: int, cluster: np.ndarray) -> pl.Series:
    """Unique names: prefix + 字号 (two characters while they last, then three) + trade + form."""
    rng = stream(seed, "firms.names")
    voc = cal.vocabulary["company"]
    chars = list(dict.fromkeys(voc["zihao_chars"]))
    k, n = len(chars), len(cluster)
    n_two = min(n, (k * k) // 2)
    code = np.empty(n, dtype=np.int64)
    slots = rng.permutation(n)
    code[slots[:n_two]] = rng.choice(k * k, size=n_two, replace=False)
    code[slots[n_two:]] = k * k + rng.choice(k**3, size=n - n_two, replace=False)
    three = code >= k * k
    rest = np.where(three, code - k * k, code)
    c1 = np.where(three, rest // (k * k), rest // k)
    c2 = np.where(three, (rest // k) % k, rest % k)
    c3 = np.where(three, rest % k, k)  # index k is the empty string
    char_s = pl.Series([*chars, ""])
    words = [voc["industry_words"][c] for c in cal.cluster_ids]
    width = max(len(w) for w in words)
    counts = np.array([len(w) for w in words])
    word_idx = cluster * width + (rng.random(n) * counts[cluster]).astype(np.int64)
    word_s = pl.Series([w[i % len(w)] for w in words for i in range(width)])
    prefix_s, suffix_s = pl.Series(voc["prefixes"]), pl.Series(voc["suffixes"])
    parts = pl.DataFrame(
        {
            "p": prefix_s.gather(rng.integers(0, len(prefix_s), size=n)),
            "a": char_s.gather(c1),
            "b": char_s.gather(c2),
            "c": char_s.gather(c3),
            "t": word_s.gather(word_idx),
            "s": suffix_s.gather(rng.integers(0, len(suffix_s), size=n)),
        }
    )
    return parts.select(pl.concat_str(["p", "a", "b", "c", "t", "s"]).alias("name")).to_series()


def build_firms(cal: Calibration, seed: int, n_active: int) -> Firms:
    registration, exits = _population_dates(cal, seed, n_active)
    n = len(registration)
    district, park, cluster, field = _location(cal, seed, n)
    rng = stream(seed, "firms.latent")
    reg_year = registration.astype("datetime64[Y]").astype(np.int64) + 1970
    age = LAST_YEAR - reg_year
    clusters = cal.cluster_ids
    hot = np.isin(
        cluster,
        [clusters.index(c) for c in ("artificial_intelligence", "next_gen_it", "biomedicine", "new_energy")],
    )
    p_fast = (
        float(cal.assumption["fast_grower_share"]) * np.where(age <= 6, 1.6, 0.6) * np.where(hot, 1.3, 0.85)
    )
    return Firms(
        registration=registration,
        exit=exits,
        district=district,
        park=park,
        cluster=cluster,
        field=field,
        mainland=rng.random(n) >= float(cal.assumption["non_mainland_share"]),
        z_size=rng.standard_normal(n),
        z_rd=rng.standard_normal(n),
        z_ip=rng.standard_normal(n),
        z_growth=rng.standard_normal(n),
        fast=rng.random(n) < p_fast,
        tail=(rng.random(n) < 0.02) & (age >= 6),
        contract_prone=rng.random(n) < np.where(cluster == clusters.index("tech_services"), 0.45, 0.22),
        uscc=_uscc(seed, cal.district_codes, district, registration),
        name=_names(cal, seed, cluster),
    )
