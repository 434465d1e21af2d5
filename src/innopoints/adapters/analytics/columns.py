"""Column names of the normalised firm frame shared by both batch engines and the input builders.

One row per firm for the scoring year: ``uscc``, ``registration_year``, ``cluster_id``,
``mainland_resident``, ``f_<field>`` (this year's value, Int64 hundredths), ``p_<field>`` (last year's),
``q_<kind>`` (qualification held in the year, Boolean) and ``neg_<kind>`` / ``neg_unlisted`` (number of
active negative records, Int64).
"""

from __future__ import annotations

from innopoints.scoring.rulebook import PointsRulebook

BASE_COLUMNS = ("uscc", "registration_year", "cluster_id", "mainland_resident")
UNLISTED = "neg_unlisted"


def cur(code: str) -> str:
    return f"f_{code}"


def prev(code: str) -> str:
    return f"p_{code}"


def qual(kind: str) -> str:
    return f"q_{kind}"


def neg(kind: str) -> str:
    return f"neg_{kind}"


def value_col(indicator_id: str) -> str:
    return f"v_{indicator_id}"


def micro_col(indicator_id: str) -> str:
    return f"m_{indicator_id}"


def group_col(group_id: str) -> str:
    return f"g_{group_id}_centi"


def growth_fields(rb: PointsRulebook) -> list[str]:
    return sorted({f for ind in rb.indicator_list if ind.kind == "growth" for f in ind.fields})


def input_columns(rb: PointsRulebook) -> list[str]:
    """Every column the plans read (the builders must provide them; missing ones are null/false/0)."""
    cols = list(BASE_COLUMNS)
    cols += [cur(f) for f in rb.panel_fields_used()]
    cols += [prev(f) for f in growth_fields(rb)]
    cols += [qual(k) for k in rb.qualification_kinds()]
    cols += [neg(p.kind) for p in rb.adjustments.penalties] + [UNLISTED]
    return cols
