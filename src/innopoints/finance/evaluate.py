"""One firm's bank-side evaluation in one scoring round: five dimensions, every product's eligibility and
suggested credit line, with the rulebooks (file, version, digest) that produced them."""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from innopoints.finance.credit_line import CreditLine, compute_line
from innopoints.finance.dimensions import DimensionResult, evaluate_dimensions
from innopoints.finance.eligibility import CHOICE_LABELS, ProductEligibility, check_product
from innopoints.finance.evaluation_book import load_evaluation_book
from innopoints.finance.facts import RoundInfo, fact_value
from innopoints.finance.products import Product, products_in_force
from innopoints.finance.schema import COLLATERAL_ZH, PRODUCT_STATUS_ZH, PRODUCT_TYPE_ZH
from innopoints.rules.results import Status, plain


def product_terms(p: Product) -> dict[str, Any]:
    m = p.meta
    return {
        "id": m.id,
        "name": m.name.zh,
        "type": m.type,
        "type_zh": PRODUCT_TYPE_ZH[m.type],
        "status": m.status,
        "status_zh": PRODUCT_STATUS_ZH[m.status],
        "terms_public": m.terms_public,
        "lender": m.lender,
        "banks": list(m.banks),
        "min_amount": m.min_amount.text() if m.min_amount else None,
        "max_amount": m.max_amount.text() if m.max_amount else None,
        "rate": m.rate.text() if m.rate else None,
        "term": m.term.text() if m.term else None,
        "collateral": COLLATERAL_ZH[m.collateral] + (f"（{m.collateral_note}）" if m.collateral_note else ""),
        "risk_compensation_share": None
        if m.risk_compensation_share is None
        else f"{m.risk_compensation_share * 100:.0f}%",
        "points_based": m.points_based,
        "effective_from": m.effective_from.isoformat(),
        "effective_until": m.effective_until.isoformat() if m.effective_until else None,
        "reference": m.reference,
    }


@dataclass
class ProductResult:
    product: Product
    eligibility: ProductEligibility
    line: CreditLine

    def as_dict(self) -> dict[str, Any]:
        return {
            **product_terms(self.product),
            "eligibility": self.eligibility.as_dict(),
            "credit_line": self.line.as_dict(),
        }


@dataclass
class FirmEvaluation:
    enterprise_id: int
    uscc: str
    name: str
    round: RoundInfo
    as_of: dt.date
    profile: dict[str, Any]
    dims: DimensionResult
    products: list[ProductResult]
    rulebook: dict[str, str]
    warnings: list[str] = field(default_factory=list)

    def matched(self) -> list[ProductResult]:
        return [p for p in self.products if p.eligibility.status is Status.MET]

    def as_dict(self, *, trace: bool = False) -> dict[str, Any]:
        out: dict[str, Any] = {
            "uscc": self.uscc,
            "name": self.name,
            "round": {
                "id": self.round.id,
                "year": self.round.year,
                "frozen_at": self.round.created_at.isoformat(),
            },
            "as_of": self.as_of.isoformat(),
            "profile": plain(self.profile),
            "dimensions": plain([d.as_dict() for d in self.dims.dimensions]),
            "composite_score": plain(self.dims.composite),
            "products": plain([p.as_dict() for p in self.products]),
            "rulebook": self.rulebook,
            "warnings": self.warnings,
        }
        if trace:
            out["trace"] = plain(self.dims.evaluation.trace)
        return out


PROFILE_FACTS = (
    "points",
    "percentile",
    "stage",
    "ladder_stage",
    "top5",
    "top10",
    "top20",
    "peer_rank",
    "age_years",
)


def profile_of(row: Mapping[str, Any]) -> dict[str, Any]:
    out: dict[str, Any] = {}
    for name in PROFILE_FACTS:
        value = fact_value(name, row.get(name))
        out[name] = CHOICE_LABELS.get(value, value) if isinstance(value, str) else value
    out["district"] = row.get("district")
    out["cluster"] = row.get("cluster")
    return out


def evaluate_row(
    row: Mapping[str, Any], rnd: RoundInfo, as_of: dt.date, region: str = "shenyang"
) -> FirmEvaluation:
    eb = load_evaluation_book(region)
    dims = evaluate_dimensions(eb, row, as_of)
    extra = dims.facts()
    results = []
    for product in products_in_force(as_of, region):
        elig = check_product(product, row, extra, as_of)
        results.append(ProductResult(product, elig, compute_line(eb, dims, product, elig)))
    order = {Status.MET: 0, Status.UNKNOWN: 1, Status.NOT_MET: 2}
    results.sort(key=lambda r: (order[r.eligibility.status], -(r.line.amount_fen or 0)))
    return FirmEvaluation(
        enterprise_id=int(row["enterprise_id"]),
        uscc=str(row["uscc"]),
        name=str(row["name"]),
        round=rnd,
        as_of=as_of,
        profile=profile_of(row),
        dims=dims,
        products=results,
        rulebook=eb.citation(),
    )
