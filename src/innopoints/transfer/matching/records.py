"""Plain records the matching core works on (no DB sessions), and their indexable/query forms.

An achievement, demand, expert, pilot service or enterprise profile becomes a :class:`MatchDoc` when it is
indexed, and a demand or achievement becomes a :class:`MatchQuery` when it is matched. Docs carry three
text fields (``title`` > ``keywords`` > ``abstract`` in BM25F weight) and the structured signals.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from decimal import Decimal
from functools import lru_cache

from innopoints.transfer.matching.knowledge import Knowledge, _key


@dataclass(frozen=True)
class AchievementRecord:
    id: str
    title: str
    abstract: str = ""
    field: str = ""
    institution: str = ""
    trl: int | None = None
    transfer_mode: str = ""
    price_yuan: Decimal | None = None
    keywords: tuple[str, ...] = ()


@dataclass(frozen=True)
class DemandRecord:
    id: str
    title: str
    description: str = ""
    field: str = ""
    budget_yuan: Decimal | None = None
    district: str = ""
    enterprise: str = ""


@dataclass(frozen=True)
class ExpertRecord:
    id: str
    name: str
    title: str = ""
    field: str = ""
    keywords: tuple[str, ...] = ()
    institution: str = ""


@dataclass(frozen=True)
class PilotServiceRecord:
    id: str
    name: str
    subfield: str = ""
    field: str = ""
    base_name: str = ""
    price_yuan: Decimal | None = None
    district: str = ""


@dataclass(frozen=True)
class EnterpriseProfile:
    id: str
    name: str
    field: str = ""
    products: str = ""
    keywords: tuple[str, ...] = ()
    district: str = ""


@dataclass(frozen=True)
class MatchDoc:
    id: str
    title: str
    keywords: str
    abstract: str
    cluster: str | None = None
    trl: int | None = None
    price_yuan: float | None = None
    budget_yuan: float | None = None
    district: str | None = None
    in_city: bool | None = None
    prior: float = 0.0
    label: str = ""


@dataclass(frozen=True)
class MatchQuery:
    id: str
    title: str
    text: str
    cluster: str | None = None
    budget_yuan: float | None = None
    price_yuan: float | None = None
    district: str | None = None
    in_city: bool | None = None
    prefer_high_trl: bool = True
    extra: dict[str, str] = field(default_factory=dict)


@lru_cache(maxsize=1)
def _district_lookup() -> dict[str, str]:
    from innopoints.region import load_region

    lookup: dict[str, str] = {}
    for d in load_region().districts:
        lookup[d.id] = d.id
        lookup[_key(d.name_zh)] = d.id
        short = d.name_zh.rstrip("区县市")
        if len(short) >= 2:
            lookup[_key(short)] = d.id
        lookup[_key(d.name_en)] = d.id
    return lookup


def resolve_district(text: str | None) -> tuple[str | None, bool | None]:
    """(district code, in Shenyang?) for a code or a district name; (None, None) when empty."""
    if not text or not text.strip():
        return None, None
    key = _key(text).removeprefix("沈阳市").removeprefix("沈阳")
    code = _district_lookup().get(key)
    if code is not None:
        return code, True
    return None, "沈阳" in text


def locate_institution(name: str, knowledge: Knowledge) -> tuple[str | None, bool | None]:
    if not name.strip():
        return None, None
    key = _key(name)
    for inst, code in knowledge.institutions.items():
        if inst in key:
            return code, True
    return None, any(m in name for m in knowledge.local_markers)


def _num(value: Decimal | None) -> float | None:
    return None if value is None else float(value)


def achievement_doc(rec: AchievementRecord, knowledge: Knowledge, prior: float = 0.0) -> MatchDoc:
    district, in_city = locate_institution(rec.institution, knowledge)
    return MatchDoc(
        id=rec.id,
        title=rec.title,
        keywords=" ".join(rec.keywords),
        abstract=rec.abstract,
        cluster=knowledge.resolve_cluster(rec.field),
        trl=rec.trl,
        price_yuan=_num(rec.price_yuan),
        district=district,
        in_city=in_city,
        prior=prior,
        label=rec.title,
    )


def demand_query(rec: DemandRecord, knowledge: Knowledge) -> MatchQuery:
    district, in_city = resolve_district(rec.district)
    return MatchQuery(
        id=rec.id,
        title=rec.title,
        text=rec.description,
        cluster=knowledge.resolve_cluster(rec.field),
        budget_yuan=_num(rec.budget_yuan),
        district=district,
        in_city=in_city,
    )


def demand_doc(rec: DemandRecord, knowledge: Knowledge) -> MatchDoc:
    district, in_city = resolve_district(rec.district)
    return MatchDoc(
        id=rec.id,
        title=rec.title,
        keywords="",
        abstract=rec.description,
        cluster=knowledge.resolve_cluster(rec.field),
        budget_yuan=_num(rec.budget_yuan),
        district=district,
        in_city=in_city,
        label=rec.enterprise or rec.title,
    )


def achievement_query(rec: AchievementRecord, knowledge: Knowledge) -> MatchQuery:
    district, in_city = locate_institution(rec.institution, knowledge)
    return MatchQuery(
        id=rec.id,
        title=rec.title,
        text=" ".join([*rec.keywords, rec.abstract]),
        cluster=knowledge.resolve_cluster(rec.field),
        price_yuan=_num(rec.price_yuan),
        district=district,
        in_city=in_city,
        prefer_high_trl=False,
    )


def enterprise_doc(rec: EnterpriseProfile, knowledge: Knowledge) -> MatchDoc:
    district, in_city = resolve_district(rec.district)
    return MatchDoc(
        id=rec.id,
        title=rec.name,
        keywords=" ".join(rec.keywords),
        abstract=rec.products,
        cluster=knowledge.resolve_cluster(rec.field),
        district=district,
        in_city=in_city,
        label=rec.name,
    )


def expert_doc(rec: ExpertRecord, knowledge: Knowledge) -> MatchDoc:
    district, in_city = locate_institution(rec.institution, knowledge)
    return MatchDoc(
        id=rec.id,
        title=rec.title,
        keywords=" ".join(rec.keywords),
        abstract=rec.institution,
        cluster=knowledge.resolve_cluster(rec.field),
        district=district,
        in_city=in_city,
        label=rec.name,
    )


def pilot_service_doc(rec: PilotServiceRecord, knowledge: Knowledge) -> MatchDoc:
    district, in_city = resolve_district(rec.district)
    return MatchDoc(
        id=rec.id,
        title=rec.name,
        keywords=rec.subfield,
        abstract=rec.base_name,
        cluster=knowledge.resolve_cluster(rec.field),
        price_yuan=_num(rec.price_yuan),
        district=district,
        in_city=in_city,
        label=f"{rec.base_name} · {rec.name}" if rec.base_name else rec.name,
    )
