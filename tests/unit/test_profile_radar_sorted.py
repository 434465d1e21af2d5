"""The profile's per-round shortcuts give exactly what the direct computation gives: the radar from sorted
peer columns (bisection) equals the radar over the raw peer list, for members and non-members of the group."""

from __future__ import annotations

import statistics
from decimal import Decimal

from hypothesis import given, settings
from hypothesis import strategies as st

from innopoints.profile.points import radar, radar_sorted
from innopoints.scoring.rulebook import load_points

RB = load_points("shenyang")
GROUPS = [g.id for g in RB.indicators.groups]
STAGE = next(iter(RB.weights.stages))

scores = st.fixed_dictionaries({g: st.integers(min_value=0, max_value=4000) for g in GROUPS})


def _columns(peers: list[dict[str, int]]) -> tuple[dict[str, list[int]], dict[str, Decimal]]:
    columns = {g: sorted(p.get(g, 0) for p in peers) for g in GROUPS}
    medians = {g: Decimal(str(statistics.median(v))) if v else Decimal(0) for g, v in columns.items()}
    return columns, medians


@settings(max_examples=150, deadline=None)
@given(peers=st.lists(scores, max_size=25), own=scores, member=st.booleans(), position=st.integers(0, 25))
def test_radar_from_sorted_columns_equals_radar_over_the_peer_list(
    peers: list[dict[str, int]], own: dict[str, int], member: bool, position: int
) -> None:
    if member:  # the firm is one of the stored results of its group
        peers = [*peers[:position], own, *peers[position:]]
    own_index = next((i for i, s in enumerate(peers) if s == own), None)
    columns, medians = _columns(peers)
    expected = radar(RB, STAGE, own, peers, own_index)
    got = radar_sorted(RB, STAGE, own, columns, medians, len(peers), own_index is not None)
    assert got == expected


def test_radar_of_a_group_of_one_gives_100_percent() -> None:
    own = dict.fromkeys(GROUPS, 1200)
    columns, medians = _columns([own])
    axes = radar_sorted(RB, STAGE, own, columns, medians, 1, True)
    assert [a["percentile"] for a in axes] == [Decimal(100)] * len(GROUPS)
    assert [a["peer_median"] for a in axes] == [Decimal("12.00")] * len(GROUPS)
    assert [a["peer_count"] for a in axes] == [1] * len(GROUPS)


def test_ties_are_not_below() -> None:
    own = dict.fromkeys(GROUPS, 500)
    peers = [own, dict.fromkeys(GROUPS, 500), dict.fromkeys(GROUPS, 100), dict.fromkeys(GROUPS, 900)]
    columns, medians = _columns(peers)
    axes = radar_sorted(RB, STAGE, own, columns, medians, len(peers), True)
    assert {a["percentile"] for a in axes} == {Decimal("33.3")}  # 1 of the 3 others is strictly lower
