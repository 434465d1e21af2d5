"""Chinese explanations of a match: matched words / n-grams / synonym concepts, field, TRL, budget, scores."""

from __future__ import annotations

from dataclasses import dataclass

from innopoints.transfer.matching.index import MatchIndex, QueryTerms
from innopoints.transfer.matching.ranker import Match
from innopoints.transfer.matching.records import MatchQuery

COMPONENT_NAMES = {
    "word": "词语匹配",
    "ngram": "字串匹配",
    "concept": "同义概念",
    "field": "领域契合",
    "trl": "成熟度",
    "budget": "预算",
    "locality": "本地",
    "prior": "历史合作",
}


@dataclass(frozen=True)
class Explanation:
    doc_id: str
    label: str
    score: float
    matched_words: tuple[str, ...]
    matched_ngrams: tuple[str, ...]
    matched_concepts: tuple[str, ...]
    field_text: str
    trl_text: str
    budget_text: str
    locality_text: str
    contributions: dict[str, float]

    def to_text(self) -> str:
        parts = [
            f"{self.doc_id}「{self.label}」 综合得分 {self.score:.3f}",
            f"  匹配词语: {'、'.join(self.matched_words) or '无'}",
            f"  匹配字串: {'、'.join(self.matched_ngrams) or '无'}",
            f"  同义概念: {'、'.join(self.matched_concepts) or '无'}",
            f"  领域: {self.field_text}",
            f"  技术成熟度: {self.trl_text}",
            f"  预算与价格: {self.budget_text}",
            f"  地域: {self.locality_text}",
            "  得分构成: "
            + "，".join(f"{COMPONENT_NAMES[k]} {v:+.3f}" for k, v in self.contributions.items() if v),
        ]
        return "\n".join(parts)


def _yuan(value: float) -> str:
    return f"{value / 10_000:,.1f} 万元" if value >= 10_000 else f"{value:,.0f} 元"


def _matched(index: MatchIndex, channel: str, terms: QueryTerms | None, doc: int, limit: int) -> list[str]:
    if terms is None or channel not in index.channels:
        return []
    matrix = index.channels[channel]
    found = [(matrix.entry(doc, int(t)) * w, int(t)) for t, w in zip(terms.terms, terms.weights, strict=True)]
    found = sorted((f for f in found if f[0] > 0), reverse=True)
    return [index.term_label(channel, t) for _, t in found[:limit]]


def explain(index: MatchIndex, query: MatchQuery, match: Match, terms: dict[str, QueryTerms]) -> Explanation:
    doc = index.docs[match.position]
    knowledge = index.knowledge
    words = _matched(index, "word", terms.get("word"), match.position, 12)
    ngrams = [
        g
        for g in _matched(index, "ngram", terms.get("ngram"), match.position, 20)
        if not any(g in w for w in words)
    ]
    concepts = _matched(index, "concept", terms.get("concept"), match.position, 8)
    q_name = knowledge.cluster_names.get(query.cluster or "", "未知")
    d_name = knowledge.cluster_names.get(doc.cluster or "", "未知")
    affinity = knowledge.cluster_affinity(query.cluster, doc.cluster)
    if affinity is None:
        field_text = f"需求领域 {q_name} / 对象领域 {d_name}：无法判断，按中性处理"
    elif affinity == 1.0:
        field_text = f"同领域（{d_name}）"
    elif affinity > 0:
        field_text = f"跨领域 {q_name} ↔ {d_name}，亲和度 {affinity:.1f}"
    else:
        field_text = f"领域不同 {q_name} ↔ {d_name}"
    trl_text = f"TRL {doc.trl}" if doc.trl is not None else "未提供"
    if query.prefer_high_trl and doc.trl is not None:
        trl_text += (
            "（接近产业化，适合企业承接）"
            if doc.trl >= 7
            else "（尚需中试熟化）"
            if doc.trl >= 4
            else "（早期研究）"
        )
    budget_text = "未提供预算或价格，按中性处理"
    price = doc.price_yuan if query.budget_yuan else query.price_yuan
    budget = query.budget_yuan if query.budget_yuan else doc.budget_yuan
    if price is not None and budget:
        ratio = price / budget
        verdict = "在预算内" if ratio <= 1 else f"超出预算 {100 * (ratio - 1):.0f}%"
        budget_text = f"价格 {_yuan(price)}，预算 {_yuan(budget)}，{verdict}"
    if match.components.get("locality", 0.0) >= 1.0:
        locality_text = "同一区县"
    elif match.components.get("locality", 0.0) > 0:
        locality_text = "同在沈阳市"
    else:
        locality_text = "非本地或未知"
    return Explanation(
        doc_id=match.doc_id,
        label=doc.label or doc.title,
        score=match.score,
        matched_words=tuple(words),
        matched_ngrams=tuple(ngrams[:10]),
        matched_concepts=tuple(concepts),
        field_text=field_text,
        trl_text=trl_text,
        budget_text=budget_text,
        locality_text=locality_text,
        contributions={k: round(v, 4) for k, v in match.contributions.items()},
    )
