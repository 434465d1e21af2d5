"""Matching knowledge as data: clusters and affinity, synonyms, stop words, domain terms, weights.

Files live in ``transfer/matching/data/`` (package data); see the comments at the top of each file.
"""

from __future__ import annotations

import unicodedata
from dataclasses import dataclass, field, replace
from functools import lru_cache
from importlib import resources
from pathlib import Path
from typing import Any

import yaml

_DATA = "innopoints.transfer.matching"


def _read_yaml(name: str) -> dict[str, Any]:
    text = resources.files(_DATA).joinpath("data").joinpath(name).read_text("utf-8")
    data: dict[str, Any] = yaml.safe_load(text)
    return data


def _key(text: str) -> str:
    return "".join(unicodedata.normalize("NFKC", text).lower().split())


@dataclass(frozen=True)
class BM25Config:
    k1: float = 1.2
    b: float = 0.75
    field_weights: dict[str, float] = field(
        default_factory=lambda: {"title": 3.0, "keywords": 2.0, "abstract": 1.0}
    )
    title_boost: float = 0.0  # extra query weight of a term that also occurs in the query's title


@dataclass(frozen=True)
class RankerConfig:
    """Weights and parameters of the hybrid ranker (``data/weights.yaml``)."""

    bm25: BM25Config
    candidates: int
    weights: dict[str, float]
    params: dict[str, float]

    def with_weights(self, **changes: float) -> RankerConfig:
        return replace(self, weights={**self.weights, **changes})

    def to_yaml_dict(self) -> dict[str, Any]:
        return {
            "bm25": {
                "k1": self.bm25.k1,
                "b": self.bm25.b,
                "field_weights": dict(self.bm25.field_weights),
                "title_boost": self.bm25.title_boost,
            },
            "candidates": self.candidates,
            "weights": {k: round(v, 4) for k, v in self.weights.items()},
            "params": dict(self.params),
        }


COMPONENTS = ("word", "ngram", "concept", "field", "trl", "budget", "locality", "prior")


def parse_ranker_config(data: dict[str, Any]) -> RankerConfig:
    bm = data.get("bm25", {})
    weights = {name: float(data["weights"].get(name, 0.0)) for name in COMPONENTS}
    unknown = set(data["weights"]) - set(COMPONENTS)
    if unknown:
        raise ValueError(f"未知的权重项 (unknown weight names): {sorted(unknown)}")
    return RankerConfig(
        bm25=BM25Config(
            k1=float(bm.get("k1", 1.2)),
            b=float(bm.get("b", 0.75)),
            field_weights={
                k: float(v) for k, v in bm.get("field_weights", BM25Config().field_weights).items()
            },
            title_boost=float(bm.get("title_boost", 0.0)),
        ),
        candidates=int(data.get("candidates", 1000)),
        weights=weights,
        params={k: float(v) for k, v in data.get("params", {}).items()},
    )


def load_ranker_config(path: Path | None = None) -> RankerConfig:
    """The packaged weights, or a YAML file written by ``innopoints match tune``."""
    if path is None:
        return parse_ranker_config(_read_yaml("weights.yaml"))
    return parse_ranker_config(yaml.safe_load(path.read_text("utf-8")))


@dataclass(frozen=True)
class Knowledge:
    cluster_names: dict[str, str]
    cluster_aliases: dict[str, str]
    affinity: dict[tuple[str, str], float]
    institutions: dict[str, str]
    local_markers: tuple[str, ...]
    stopwords: frozenset[str]
    concept_of: dict[str, int]
    concept_members: tuple[tuple[str, ...], ...]
    dictionary_terms: tuple[str, ...]

    def resolve_cluster(self, text: str | None) -> str | None:
        """Cluster id for an id, Chinese name or alias; None when empty or unknown."""
        if not text:
            return None
        return self.cluster_aliases.get(_key(text))

    def cluster_affinity(self, a: str | None, b: str | None) -> float | None:
        """1.0 for the same cluster, the table value across clusters, None when either is unknown."""
        if a is None or b is None:
            return None
        if a == b:
            return 1.0
        return self.affinity.get((a, b), 0.0)

    def concept_label(self, concept: int) -> str:
        return "≈".join(self.concept_members[concept][:3])


@lru_cache(maxsize=1)
def load_knowledge() -> Knowledge:
    fields = _read_yaml("fields.yaml")
    lexicon = _read_yaml("lexicon.yaml")
    synonyms = _read_yaml("synonyms.yaml")
    names: dict[str, str] = {}
    aliases: dict[str, str] = {}
    for cid, spec in fields["clusters"].items():
        names[cid] = spec["name_zh"]
        for alias in [cid, spec["name_zh"], *spec.get("aliases", [])]:
            aliases.setdefault(_key(str(alias)), cid)
    affinity: dict[tuple[str, str], float] = {}
    for a, b, value in fields["affinity"]:
        affinity[(a, b)] = affinity[(b, a)] = float(value)
    concept_of: dict[str, int] = {}
    members: list[tuple[str, ...]] = []
    for groups in synonyms["groups"].values():
        for group in groups:
            terms = tuple(_key(str(t)) for t in group)
            for term in terms:
                concept_of.setdefault(term, len(members))
            members.append(terms)
    terms_all = dict.fromkeys([*(_key(str(t)) for t in lexicon["domain_terms"]), *concept_of])
    return Knowledge(
        cluster_names=names,
        cluster_aliases=aliases,
        affinity=affinity,
        institutions={_key(k): str(v) for k, v in fields.get("institutions", {}).items()},
        local_markers=tuple(fields.get("local_markers", [])),
        stopwords=frozenset(str(w) for w in lexicon["stopwords"]),
        concept_of=concept_of,
        concept_members=tuple(members),
        dictionary_terms=tuple(terms_all),
    )
