"""Structured matching signals, vectorised over candidate documents; every signal lies in [0, 1].

- field: cluster affinity of query and document (same 1.0, cross-cluster table, unknown → neutral);
- trl: enterprise demands prefer near-market results: 0 at/below ``trl_floor``, 1 at/above ``trl_full``;
- budget: price within budget 1.0; above it 1 / (1 + (ln r / ln h)²) with r = price / budget and
  h = ``budget_halving`` (so r = h gives 0.5, smooth and never a cliff);
- locality: same district 1.0, both in the city ``locality_city``, otherwise 0 (a weak bonus by weight);
- prior: the document's past-interaction prior (e.g. registered contracts of its institution).
A missing number gives the neutral value so that absence is neither rewarded nor punished.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
import numpy.typing as npt

from innopoints.transfer.matching.knowledge import Knowledge
from innopoints.transfer.matching.records import MatchDoc, MatchQuery

F64 = npt.NDArray[np.float64]
I64 = npt.NDArray[np.int64]


def budget_fit(ratio: F64, halving: float) -> F64:
    """Fit of price / budget ratios: 1.0 within budget, smooth decay above (nan stays nan)."""
    over = np.log(np.maximum(ratio, 1.0)) / np.log(halving)
    return np.where(ratio <= 1.0, 1.0, 1.0 / (1.0 + over**2))


@dataclass
class DocSignals:
    """Per-document structured attributes as arrays (built once with the index)."""

    cluster: I64
    trl: F64
    price: F64
    budget: F64
    district: I64
    in_city: F64
    prior: F64
    clusters: tuple[str, ...]
    districts: tuple[str, ...]
    affinity: F64

    @classmethod
    def build(cls, docs: Sequence[MatchDoc], knowledge: Knowledge) -> DocSignals:
        clusters = tuple(knowledge.cluster_names)
        cpos = {c: i for i, c in enumerate(clusters)}
        districts = tuple(sorted({d.district for d in docs if d.district}))
        dpos = {d: i for i, d in enumerate(districts)}
        aff = np.zeros((len(clusters), len(clusters)))
        for i, a in enumerate(clusters):
            for j, b in enumerate(clusters):
                aff[i, j] = knowledge.cluster_affinity(a, b) or 0.0

        def arr(values: list[float | None]) -> F64:
            return np.array([np.nan if v is None else float(v) for v in values], dtype=np.float64)

        return cls(
            cluster=np.array([cpos.get(d.cluster, -1) if d.cluster else -1 for d in docs], dtype=np.int64),
            trl=arr([d.trl for d in docs]),
            price=arr([d.price_yuan for d in docs]),
            budget=arr([d.budget_yuan if d.budget_yuan else None for d in docs]),
            district=np.array([dpos.get(d.district, -1) if d.district else -1 for d in docs], dtype=np.int64),
            in_city=arr([None if d.in_city is None else float(d.in_city) for d in docs]),
            prior=np.clip(np.array([d.prior for d in docs], dtype=np.float64), 0.0, 1.0),
            clusters=clusters,
            districts=districts,
            affinity=aff,
        )

    def compute(self, query: MatchQuery, cand: I64, params: dict[str, float]) -> dict[str, F64]:
        neutral = params.get("neutral", 0.5)
        n = len(cand)
        # field agreement
        field = np.full(n, params.get("field_unknown", 0.5))
        if query.cluster in self.clusters:
            qc = self.clusters.index(query.cluster)
            dc = self.cluster[cand]
            known = dc >= 0
            field[known] = self.affinity[qc, dc[known]]
        # TRL suitability
        trl = np.full(n, neutral)
        if query.prefer_high_trl:
            floor, full = params.get("trl_floor", 3.0), params.get("trl_full", 7.0)
            values = self.trl[cand]
            fit = np.clip((values - floor) / max(full - floor, 1e-9), 0.0, 1.0)
            trl = np.where(np.isnan(values), neutral, fit)
        # budget vs price
        halving = params.get("budget_halving", 2.0)
        if query.budget_yuan and query.budget_yuan > 0:
            ratio = self.price[cand] / query.budget_yuan
        elif query.price_yuan is not None:
            doc_budget = self.budget[cand]
            ratio = query.price_yuan / np.where(doc_budget > 0, doc_budget, np.nan)
        else:
            ratio = np.full(n, np.nan)
        with np.errstate(invalid="ignore"):
            budget = np.where(np.isnan(ratio), neutral, budget_fit(ratio, halving))
        # locality
        locality = np.zeros(n)
        if query.in_city:
            in_city = self.in_city[cand]
            locality = np.where(in_city == 1.0, params.get("locality_city", 0.5), 0.0)
            if query.district in self.districts:
                locality[self.district[cand] == self.districts.index(query.district)] = 1.0
        return {"field": field, "trl": trl, "budget": budget, "locality": locality, "prior": self.prior[cand]}
