"""One firm's scoring input (``scoring.firm.FirmInput``) for any panel year, from its records.

The rules are those of the batch input builder (``adapters/analytics/inputs.build_firm_frame``): panel
values of the year and the year before in integer hundredths, qualifications held at some time in the
year, negative records that occurred within the rulebook's look-back window and were not cleared before
1 January. Used for the points trend of years without a stored round, and as a fallback when a round's
input snapshot is gone.
"""

from __future__ import annotations

import weakref
from dataclasses import dataclass
from datetime import date

from innopoints.eligibility.panel_inputs import FirmData
from innopoints.registry.panel_fields import to_scaled
from innopoints.scoring.firm import FirmInput
from innopoints.scoring.rulebook import PointsRulebook


def active_in(data: FirmData, year: int, exit_date: date | None) -> bool:
    """Registered by, and not exited before, the end of ``year`` (the batch rounds' population)."""
    end = date(year, 12, 31)
    return data.attributes.registration_date <= end and (exit_date is None or exit_date > end)


def _held(data: FirmData, year: int) -> frozenset[str]:
    start, end = date(year, 1, 1), date(year, 12, 31)
    return frozenset(
        q.kind
        for q in data.qualifications
        if q.granted_on <= end
        and (q.expires_on is None or q.expires_on >= start)
        and (q.revoked_on is None or q.revoked_on > end)
    )


def _negatives(data: FirmData, year: int, rb: PointsRulebook) -> dict[str, int]:
    listed = {p.kind for p in rb.adjustments.penalties}
    first = year - rb.adjustments.lookback_years + 1
    start = date(year, 1, 1)
    out: dict[str, int] = {}
    for rec in data.negatives:
        if first <= rec.occurred_on.year <= year and (rec.cleared_on is None or rec.cleared_on >= start):
            kind = rec.kind if rec.kind in listed else "unlisted"
            out[kind] = out.get(kind, 0) + 1
    return out


@dataclass(frozen=True)
class _Reads:
    """What a rulebook reads from a firm's records (the same for every firm and year)."""

    fields: list[str]
    kinds: frozenset[str]
    growth: list[str]


_READS: dict[int, tuple[weakref.ref[PointsRulebook], _Reads]] = {}


def _reads(rb: PointsRulebook) -> _Reads:
    """``rb``'s reads, worked out once per rulebook object (checked by identity, not by a reused id)."""
    found = _READS.get(id(rb))
    if found is not None and found[0]() is rb:
        return found[1]
    reads = _Reads(
        fields=rb.panel_fields_used(),
        kinds=frozenset(rb.qualification_kinds()),
        growth=sorted({f for ind in rb.indicator_list if ind.kind == "growth" for f in ind.fields}),
    )
    if len(_READS) >= 64:
        _READS.clear()
    _READS[id(rb)] = (weakref.ref(rb), reads)
    return reads


def firm_input(uscc: str, cluster_id: str, data: FirmData, year: int, rb: PointsRulebook) -> FirmInput:
    reads = _reads(rb)
    fields, kinds, growth = reads.fields, reads.kinds, reads.growth
    this, last = data.panel.get(year, {}), data.panel.get(year - 1, {})
    return FirmInput(
        uscc=uscc,
        registration_year=data.attributes.registration_date.year,
        cluster_id=cluster_id,
        mainland_resident=data.attributes.mainland_resident,
        current={f: None if (v := this.get(f)) is None else to_scaled(v) for f in fields},
        previous={f: None if (v := last.get(f)) is None else to_scaled(v) for f in growth},
        qualifications=_held(data, year) & kinds,
        negatives=_negatives(data, year, rb),
    )
