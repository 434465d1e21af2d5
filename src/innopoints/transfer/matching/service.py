"""Matching services: demand → achievements, achievement → candidate firms, demand → experts / pilot services.

All take plain records and return ranked matches; one index machinery (:class:`HybridRanker`) serves
every direction. Build a :class:`DocMatcher` once and query it many times.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping, Sequence

from innopoints.transfer.matching.explain import Explanation, explain
from innopoints.transfer.matching.knowledge import RankerConfig, load_knowledge, load_ranker_config
from innopoints.transfer.matching.ranker import HybridRanker, Match
from innopoints.transfer.matching.records import (
    AchievementRecord,
    DemandRecord,
    EnterpriseProfile,
    ExpertRecord,
    MatchDoc,
    MatchQuery,
    PilotServiceRecord,
    achievement_doc,
    achievement_query,
    demand_doc,
    demand_query,
    enterprise_doc,
    expert_doc,
    pilot_service_doc,
)
from innopoints.transfer.matching.text import default_analyzer


class DocMatcher:
    """A hybrid ranker over any indexable documents."""

    def __init__(self, docs: Sequence[MatchDoc], config: RankerConfig | None = None) -> None:
        self.knowledge = load_knowledge()
        self.config = config or load_ranker_config()
        self.ranker = HybridRanker.build(docs, default_analyzer(), self.knowledge, self.config)

    def rank(self, query: MatchQuery, top: int = 10) -> list[Match]:
        return self.ranker.rank(query, top)

    def explain(self, query: MatchQuery, top: int = 10) -> list[Explanation]:
        terms = self.ranker.index.query_terms(query)
        return [explain(self.ranker.index, query, m, terms) for m in self.ranker.rank(query, top)]


class AchievementMatcher(DocMatcher):
    """Demand → achievements. ``priors``: optional past-interaction prior in [0, 1] per achievement id."""

    def __init__(
        self,
        achievements: Sequence[AchievementRecord],
        config: RankerConfig | None = None,
        priors: Mapping[str, float] | None = None,
    ) -> None:
        knowledge = load_knowledge()
        priors = priors or {}
        super().__init__([achievement_doc(a, knowledge, priors.get(a.id, 0.0)) for a in achievements], config)

    def rank_demand(self, demand: DemandRecord, top: int = 10) -> list[Match]:
        return self.rank(demand_query(demand, self.knowledge), top)

    def explain_demand(self, demand: DemandRecord, top: int = 10) -> list[Explanation]:
        return self.explain(demand_query(demand, self.knowledge), top)


def rank_demands(
    achievements: Sequence[AchievementRecord],
    demands: Sequence[DemandRecord],
    top: int = 10,
    config: RankerConfig | None = None,
) -> Iterator[tuple[str, list[str]]]:
    """(demand id, achievement ids best first) for every demand, in input order."""
    matcher = AchievementMatcher(achievements, config)
    for demand in demands:
        yield demand.id, [m.doc_id for m in matcher.rank_demand(demand, top)]


def candidate_firms(
    achievement: AchievementRecord,
    demands: Sequence[DemandRecord] = (),
    enterprises: Sequence[EnterpriseProfile] = (),
    top: int = 10,
) -> list[Match]:
    """Achievement → enterprise demands and/or enterprise profiles that could take it up."""
    knowledge = load_knowledge()
    docs = [demand_doc(d, knowledge) for d in demands] + [enterprise_doc(e, knowledge) for e in enterprises]
    if not docs:
        return []
    return DocMatcher(docs).rank(achievement_query(achievement, knowledge), top)


def experts_for_demand(demand: DemandRecord, experts: Sequence[ExpertRecord], top: int = 10) -> list[Match]:
    """Demand → experts (text over expert titles and keywords, plus field agreement)."""
    knowledge = load_knowledge()
    if not experts:
        return []
    return DocMatcher([expert_doc(e, knowledge) for e in experts]).rank(demand_query(demand, knowledge), top)


def pilot_services_for_demand(
    demand: DemandRecord, services: Sequence[PilotServiceRecord], top: int = 10
) -> list[Match]:
    """Demand → pilot-base services (text over the service menu, field, budget vs service price)."""
    knowledge = load_knowledge()
    if not services:
        return []
    docs = [pilot_service_doc(s, knowledge) for s in services]
    return DocMatcher(docs).rank(demand_query(demand, knowledge), top)
