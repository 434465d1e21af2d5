"""Per-round aggregates kept in memory for the profile: the same values as reading the round directly, and
a round recreated under the same id (a reset database) is read afresh, never served from the cache."""

from __future__ import annotations

import numpy as np
import pytest
import sqlalchemy as sa
from sqlalchemy.orm import Session

from innopoints.adapters.db import profile_repo
from innopoints.adapters.db.scoring_tables import ScoringRound
from innopoints.bootstrap import Container
from innopoints.profile import round_cache
from innopoints.scoring import service as scoring
from innopoints.scoring.rulebook import load_points
from innopoints.synth.city import SynthConfig, generate_city
from innopoints.synth.db_writer import load_city


def _round(container: Container) -> int:
    rb = load_points(container.settings.region)
    outcome = scoring.run_db_round(container.sessions, container.settings.data_dir, "shenyang", 2025, rb)
    assert outcome.round_id is not None
    return outcome.round_id


def test_cached_reference_groups_and_columns_equal_the_stored_round(container: Container) -> None:
    load_city(container.engine, generate_city(SynthConfig(seed=31, enterprises=120, with_transfer=False)))
    round_id = _round(container)
    round_cache.clear()
    with container.sessions() as session:
        rnd = session.get(ScoringRound, round_id)
        assert rnd is not None
        names = profile_repo.peer_group_names(session, round_id)
        assert round_cache.group_names(session, rnd) == names
        wanted = sorted(names)[:3]
        direct = profile_repo.reference_for(session, rnd, wanted)
        cached = round_cache.reference(session, rnd, wanted)
        assert cached.k_points == direct.k_points and cached.levels == direct.levels
        assert cached.group_sizes == direct.group_sizes and cached.value_counts == direct.value_counts
        assert set(cached.quantiles) == set(direct.quantiles) == set(wanted)
        for group, by_indicator in direct.quantiles.items():
            for indicator, q in by_indicator.items():
                other = cached.quantiles[group][indicator]
                assert (q is None and other is None) or np.array_equal(q, other)
        group = sorted(names)[0]
        stored = profile_repo.peer_scores(session, rnd, group).group_scores
        columns = round_cache.peer_columns(session, rnd, group, ["technology_innovation"])
        assert columns.size == len(stored)
        assert columns.sorted_scores["technology_innovation"] == sorted(
            s.get("technology_innovation", 0) for s in stored
        )
        assert all(columns.contains(s) for s in stored)


def test_a_round_recreated_under_the_same_id_is_not_served_from_the_cache(
    container: Container, monkeypatch: pytest.MonkeyPatch
) -> None:
    reads: list[int] = []
    direct = profile_repo.peer_group_names

    def counting(session: Session, round_id: int) -> set[str]:
        reads.append(round_id)
        return direct(session, round_id)

    monkeypatch.setattr(profile_repo, "peer_group_names", counting)
    load_city(container.engine, generate_city(SynthConfig(seed=31, enterprises=120, with_transfer=False)))
    round_id = _round(container)
    round_cache.clear()
    with container.sessions() as session:
        rnd = session.get(ScoringRound, round_id)
        assert rnd is not None
        before = round_cache.group_names(session, rnd)
        assert round_cache.group_names(session, rnd) == before
        assert reads == [round_id]  # the second call came from memory
        key_before = round_cache.round_key(session, rnd)
    with container.sessions.begin() as session:  # the "same" round id, another round: other time, inputs
        session.execute(
            sa.update(ScoringRound)
            .where(ScoringRound.id == round_id)
            .values(input_sha256="0" * 64, created_at=sa.func.current_timestamp())
        )
    with container.sessions() as session:
        rnd = session.get(ScoringRound, round_id)
        assert rnd is not None
        assert round_cache.round_key(session, rnd) != key_before
        assert round_cache.group_names(session, rnd) == before
        assert reads == [round_id, round_id]  # read again from the database
