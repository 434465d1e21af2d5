"""Firm-level output tables: enterprises (database columns plus qualification summary columns that
the Parquet export carries), qualifications and negative records."""

from __future__ import annotations

import numpy as np
import polars as pl

from innopoints.synth.calibration import Calibration
from innopoints.synth.firms import LAST_YEAR, Firms
from innopoints.synth.qualifications import LADDER_TIERS, Negatives, Quals

SOURCE = "synthetic"
# Columns of the enterprise table in the database; the others are the Parquet summary columns.
DB_COLUMNS = (
    "id",
    "uscc",
    "name",
    "registration_date",
    "exit_date",
    "district_code",
    "park_id",
    "cluster_id",
    "high_tech_field_id",
    "listed",
    "mainland_resident",
    "is_synthetic",
    "source",
)


def _strings(values: np.ndarray) -> pl.Series:
    return pl.Series(values.tolist(), dtype=pl.String)


def _latest(quals: Quals, kind: str, n: int) -> tuple[np.ndarray, np.ndarray]:
    """Index of each firm's latest qualification row of ``kind`` (-1 none) and a has-flag."""
    sel = np.flatnonzero(quals.kind == kind)
    order = sel[np.lexsort((quals.granted_on[sel], quals.firm[sel]))]
    latest = np.full(n, -1)
    latest[quals.firm[order]] = order  # later rows overwrite earlier ones
    return latest, latest >= 0


def _pick(values: np.ndarray, idx: np.ndarray, has: np.ndarray, fill: object) -> np.ndarray:
    out = values[np.maximum(idx, 0)].copy()
    out[~has] = fill
    return out


def enterprise_frame(
    cal: Calibration, firms: Firms, quals: Quals, neg: Negatives, listed: np.ndarray, tier: np.ndarray
) -> pl.DataFrame:
    n = firms.n
    sme, has_sme = _latest(quals, "tech_sme", n)
    ht, has_ht = _latest(quals, "high_tech_enterprise", n)
    lad = np.full(n, -1)
    lad_rows = np.flatnonzero(np.isin(quals.kind, LADDER_TIERS))
    lad[quals.firm[lad_rows]] = lad_rows
    has_lad = lad >= 0
    leader = np.zeros(n, dtype=bool)
    leader[quals.firm[quals.kind == "tech_leader"]] = True
    neg_count = np.bincount(neg.firm, minlength=n)
    end = np.datetime64(f"{LAST_YEAR}-12-31")
    live = (neg.occurred_on <= end) & np.isnat(neg.cleared_on)
    neg_live = np.zeros(n, dtype=bool)
    neg_live[neg.firm[live]] = True
    parks = np.array([*cal.park_ids, None], dtype=object)
    none_date = np.datetime64("NaT")
    return pl.DataFrame(
        {
            "id": np.arange(1, n + 1, dtype=np.int64),
            "uscc": firms.uscc,
            "name": firms.name,
            "registration_date": firms.registration,
            "exit_date": firms.exit,
            "district_code": np.array(cal.district_codes)[firms.district],
            "park_id": _strings(parks[firms.park]),
            "cluster_id": np.array(cal.cluster_ids)[firms.cluster],
            "high_tech_field_id": np.array(cal.field_ids)[firms.field],
            "listed": listed,
            "mainland_resident": firms.mainland,
            "is_synthetic": np.ones(n, dtype=bool),
            "source": np.full(n, SOURCE),
            "tech_sme_year": pl.Series(
                np.where(has_sme, quals.year[np.maximum(sme, 0)], 0), dtype=pl.Int16
            ).set(pl.Series(~has_sme), None),
            "tech_sme_no": _strings(_pick(quals.reference_no, sme, has_sme, None)),
            "high_tech_cert_no": _strings(_pick(quals.reference_no, ht, has_ht, None)),
            "high_tech_cert_granted_on": _pick(quals.granted_on, ht, has_ht, none_date),
            "high_tech_cert_expires_on": _pick(quals.expires_on, ht, has_ht, none_date),
            "ladder_tier": _strings(_pick(quals.kind, lad, has_lad, None)),
            "ladder_year": pl.Series(
                np.where(has_lad, quals.year[np.maximum(lad, 0)], 0), dtype=pl.Int16
            ).set(pl.Series(~has_lad), None),
            "tech_leader": leader,
            "negative_records": neg_count.astype(np.int16),
            "negative_in_force": neg_live,
        }
    )


def qualifications_frame(quals: Quals) -> pl.DataFrame:
    order = np.lexsort((quals.year, quals.firm))
    return pl.DataFrame(
        {
            "id": np.arange(1, len(order) + 1, dtype=np.int64),
            "enterprise_id": quals.firm[order] + 1,
            "kind": _strings(quals.kind[order]),
            "reference_no": _strings(quals.reference_no[order]),
            "year": quals.year[order].astype(np.int16),
            "granted_on": quals.granted_on[order],
            "expires_on": quals.expires_on[order],
            "revoked_on": pl.Series([None] * len(order), dtype=pl.Date),
            "source": SOURCE,
            "is_synthetic": True,
        }
    )


def negatives_frame(cal: Calibration, neg: Negatives) -> pl.DataFrame:
    kinds = cal.entities["negative_kinds"]
    return pl.DataFrame(
        {
            "id": np.arange(1, len(neg.firm) + 1, dtype=np.int64),
            "enterprise_id": neg.firm + 1,
            "kind": np.array([k["id"] for k in kinds])[neg.kind],
            "occurred_on": neg.occurred_on,
            "cleared_on": neg.cleared_on,
            "description": np.array([k["name_zh"] for k in kinds])[neg.kind],
            "source": SOURCE,
            "is_synthetic": True,
        }
    )
