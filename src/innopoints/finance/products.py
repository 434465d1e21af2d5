"""The credit-product library: every ``rulebook/<region>/finance/products/*.yaml``, validated as a whole."""

from __future__ import annotations

import datetime as dt
import hashlib
from dataclasses import dataclass
from functools import lru_cache
from importlib import resources
from pathlib import Path
from typing import Any

from pydantic import ValidationError

from innopoints.errors import NotFound, UserError
from innopoints.finance.evaluation_book import load_evaluation_book, parse_inner
from innopoints.finance.facts import FACTS
from innopoints.finance.schema import ProductMeta
from innopoints.rules.compiled import CompiledRulebook
from innopoints.rules.loader import RulebookError, _pydantic_problems
from innopoints.rules.yamlio import load_exact


@dataclass(frozen=True)
class Product:
    meta: ProductMeta
    book: CompiledRulebook
    source: str

    @property
    def id(self) -> str:
        return self.meta.id

    def citation(self) -> dict[str, str]:
        return {
            "id": self.book.id,
            "version": self.book.book.version,
            "file": Path(self.source).name,
            "sha256": self.book.digest,
        }

    def offered_by(self, bank_name: str) -> bool:
        return not self.meta.banks or bank_name in self.meta.banks


def parse_product(raw: Any, source: str, digest: str = "", formulas: frozenset[str] | None = None) -> Product:
    if not isinstance(raw, dict) or set(raw) != {"product", "rulebook"}:
        raise RulebookError(
            source, [("", "产品文件须只含 product 与 rulebook 两个键 (expected keys: product, rulebook)")]
        )
    try:
        meta = ProductMeta.model_validate(raw["product"])
    except ValidationError as exc:
        raise RulebookError(source, [(f"product.{k}", m) for k, m in _pydantic_problems(exc)]) from None
    book = parse_inner(raw["rulebook"], source, digest)
    problems: list[tuple[str, str]] = []
    if meta.eligibility not in book.book.conditions:
        problems.append(
            ("product.eligibility", f"未声明的条件 {meta.eligibility!r} (expected a condition id)")
        )
    if not any(d.number in meta.reference for d in book.book.documents.values()):
        problems.append(
            ("product.reference", "出处未引用 rulebook.documents 中的文号 (expected a declared document)")
        )
    for name, decl in book.book.inputs.items():
        fact = FACTS.get(name)
        if fact is None:
            problems.append(
                (f"rulebook.inputs.{name}", f"平台不提供此事实 (expected one of: {', '.join(FACTS)})")
            )
        elif fact.kind != decl.kind:
            problems.append((f"rulebook.inputs.{name}.kind", f"应为 {fact.kind} (expected kind {fact.kind})"))
    if formulas is not None and meta.credit_line is not None and meta.credit_line.formula not in formulas:
        problems.append(
            (
                "product.credit_line.formula",
                f"未知的额度公式 (expected one of: {', '.join(sorted(formulas))})",
            )
        )
    if problems:
        raise RulebookError(source, problems)
    return Product(meta, book, source)


def load_product_file(path: Path, formulas: frozenset[str] | None = None) -> Product:
    data = path.read_bytes()
    try:
        raw = load_exact(data.decode("utf-8"))
    except UnicodeDecodeError:
        raise RulebookError(path, [("", "文件须为 UTF-8 编码 (expected UTF-8 text)")]) from None
    return parse_product(raw, str(path), hashlib.sha256(data).hexdigest(), formulas)


@lru_cache(maxsize=4)
def load_products(region: str = "shenyang") -> tuple[Product, ...]:
    folder = resources.files("innopoints.rulebook").joinpath(region).joinpath("finance").joinpath("products")
    formulas = frozenset(load_evaluation_book(region).spec.credit_line.formulas)
    files = sorted((f for f in folder.iterdir() if f.name.endswith(".yaml")), key=lambda f: f.name)
    products = tuple(load_product_file(Path(str(f)), formulas) for f in files)
    seen: set[str] = set()
    for p in products:
        if p.id in seen:
            raise UserError(f"产品编号重复 (duplicate product id): {p.id}")
        seen.add(p.id)
    return products


def products_in_force(day: dt.date, region: str = "shenyang") -> tuple[Product, ...]:
    return tuple(p for p in load_products(region) if p.meta.in_force(day))


def get_product(product_id: str, region: str = "shenyang") -> Product:
    for p in load_products(region):
        if p.id == product_id:
            return p
    known = ", ".join(p.id for p in load_products(region))
    raise NotFound(f"未找到金融产品 {product_id} (unknown product; known: {known})")
