"""The finance rulebooks load, say what is official and what is an example, and a broken file fails with
its name, the key path and what was expected."""

from __future__ import annotations

import copy
import datetime as dt
import re
from decimal import Decimal
from importlib import resources
from pathlib import Path
from typing import Any

import pytest

from innopoints.finance.evaluation_book import load_evaluation_book, parse_evaluation_book
from innopoints.finance.products import get_product, load_products, parse_product, products_in_force
from innopoints.finance.schema import PRODUCT_TYPE_ZH
from innopoints.rules.loader import RulebookError
from innopoints.rules.yamlio import load_exact

FOLDER = Path(str(resources.files("innopoints.rulebook").joinpath("shenyang").joinpath("finance")))
ARTICLE_PRODUCTS = {"kechuang_fendai": "科创分贷", "shengkedai": "盛科贷", "liaokedai": "辽科贷"}


def _raw(name: str) -> dict[str, Any]:
    data: dict[str, Any] = load_exact((FOLDER / name).read_text("utf-8"))
    return data


def test_every_product_type_of_the_issue_is_covered() -> None:
    products = load_products()
    assert {p.meta.type for p in products} == set(PRODUCT_TYPE_ZH)
    assert {p.meta.name.zh for p in products} >= set(ARTICLE_PRODUCTS.values()) | {
        "知识产权质押融资",
        "人才贷",
        "研发贷",
        "拨投结合",
    }


def test_named_products_whose_terms_are_not_public_are_examples() -> None:
    for pid, name in ARTICLE_PRODUCTS.items():
        meta = get_product(pid).meta
        assert meta.name.zh == name and meta.points_based and meta.type == "points_credit"
        assert meta.terms_public is False and meta.status == "example"
        assert "辽宁日报2026-01-29" in meta.reference and "示例" in meta.reference
    for p in load_products():
        if not p.meta.terms_public:
            assert p.meta.status in ("example", "unverified")


def test_equity_products_have_no_credit_line_and_loans_have_full_terms() -> None:
    for p in load_products():
        if p.meta.type in ("equity", "grant_investment"):
            assert p.meta.credit_line is None and p.meta.rate is None
        else:
            assert p.meta.credit_line is not None and p.meta.rate is not None and p.meta.term is not None
            assert p.meta.max_amount is not None and p.meta.risk_compensation_share is not None
    fund = get_product("equity_direct").meta
    assert fund.max_amount is not None and fund.max_amount.fen == 400_000_000 * 100  # 成果转化投资基金 4亿元


def test_condition_texts_state_the_threshold_of_their_parameter() -> None:
    """A condition's text is shown to firms; it must say the number its parameter holds."""
    for p in load_products():
        book = p.book
        for cid, cond in book.book.conditions.items():
            if cond.param is None or book.book.parameters[cond.param].kind != "scalar":
                continue
            value = Decimal(book.resolve(cond.param, dt.date(2026, 1, 1)).value)
            shown = [Decimal(x) for x in re.findall(r"\d+(?:\.\d+)?", cond.text)]
            unit_value = value / 10_000 if "万元" in cond.text else value
            assert unit_value in shown, f"{p.id}.{cid}: {cond.text!r} does not state {value}"


def test_products_are_dated() -> None:
    assert products_in_force(dt.date(2024, 12, 31)) == ()
    assert len(products_in_force(dt.date(2026, 3, 2))) == len(load_products())


def test_bank_evaluation_has_the_five_shenyang_dimensions() -> None:
    eb = load_evaluation_book()
    assert [d.name.zh for d in eb.spec.dimensions] == [
        "科技创新力",
        "团队研发力",
        "融资竞争力",
        "履约能力",
        "偿债能力",
    ]
    assert "沈阳市科技局2025科技金融评价" in eb.book.book.parameters["w_dimensions"].reference
    for pid, param in eb.book.book.parameters.items():
        assert param.status in ("regional_default", "unverified"), pid  # no number here is official
    uplift = eb.book.resolve("uplift_by_list", dt.date(2026, 1, 1)).value
    assert max(uplift.values()) == 15  # 龙岩: "up to +15%"


def _product_error(mutate: Any) -> RulebookError:
    raw = copy.deepcopy(_raw("products/01_kechuang_fendai.yaml"))
    mutate(raw)
    with pytest.raises(RulebookError) as err:
        parse_product(
            raw, "products/01_kechuang_fendai.yaml", formulas=frozenset({"points_credit", "standard"})
        )
    return err.value


@pytest.mark.parametrize(
    ("mutate", "key", "expected"),
    [
        (
            lambda r: r["rulebook"]["inputs"].update(
                revenue_rank={"name": {"zh": "x", "en": "x"}, "kind": "count"}
            ),
            "rulebook.inputs.revenue_rank",
            "平台不提供此事实",
        ),
        (
            lambda r: r["rulebook"]["inputs"]["points"].update(kind="count"),
            "rulebook.inputs.points.kind",
            "应为 points",
        ),
        (
            lambda r: r["product"]["credit_line"].update(formula="magic"),
            "product.credit_line.formula",
            "未知的额度公式",
        ),
        (lambda r: r["product"].update(eligibility="nobody"), "product.eligibility", "未声明的条件"),
        (lambda r: r["product"].update(reference="某银行"), "product.reference", "未引用"),
        (lambda r: r["product"].update(colour="red"), "product.colour", "未知的键"),
        (lambda r: r["product"].update(status="official"), "product", "terms_public"),
        (lambda r: r["product"].update(type="equity"), "product", "equity products carry no credit_line"),
        (
            lambda r: r["product"]["rate"].update(min_pct=Decimal(5)),
            "product.rate",
            "min_pct must not exceed",
        ),
    ],
)
def test_a_broken_product_names_file_key_and_expectation(mutate: Any, key: str, expected: str) -> None:
    err = _product_error(mutate)
    assert "01_kechuang_fendai.yaml" in err.message
    assert any(k.startswith(key) and expected in m for k, m in err.problems), err.problems


def _evaluation_error(mutate: Any) -> RulebookError:
    raw = copy.deepcopy(_raw("bank_evaluation.yaml"))
    mutate(raw)
    with pytest.raises(RulebookError) as err:
        parse_evaluation_book(raw, "bank_evaluation.yaml")
    return err.value


def _weights(raw: dict[str, Any], pid: str) -> dict[str, Any]:
    weights: dict[str, Any] = raw["rulebook"]["parameters"][pid]["values"][0]
    return weights


@pytest.mark.parametrize(
    ("mutate", "key", "expected"),
    [
        (
            lambda r: _weights(r, "w_team")["weights"].pop("rd_platforms"),
            "rulebook.parameters.w_team.values[0].weights",
            "权重之和",
        ),
        (
            lambda r: _weights(r, "w_team").update(weights={"rd_staff_share": 50, "luck": 50}),
            "rulebook.parameters.w_team.values[0].weights",
            "权重的键须与维度 team",
        ),
        (
            lambda r: r["evaluation"]["indicators"]["tax_paid"].update(bands="b_missing"),
            "evaluation.indicators.tax_paid.bands",
            "未声明的参数",
        ),
        (
            lambda r: r["evaluation"]["indicators"]["tax_paid"].update(bands="w_team"),
            "evaluation.indicators.tax_paid.bands",
            "kind=bands",
        ),
        (
            lambda r: r["evaluation"]["indicators"]["tax_paid"].update(fact="cash"),
            "evaluation.indicators.tax_paid",
            "平台不提供事实",
        ),
        (lambda r: r["rulebook"]["derived"].pop("debt_ratio"), "evaluation.indicators.debt_ratio", "derived"),
        (
            lambda r: r["evaluation"]["dimensions"][0]["indicators"].append("tax_paid"),
            "evaluation.dimensions[3].indicators[2]",
            "已属于维度",
        ),
        (
            lambda r: r["evaluation"]["dimensions"][1].update(id="luck"),
            "evaluation.dimensions[1].id",
            "未知维度",
        ),
        (
            lambda r: r["evaluation"]["credit_line"].update(cap="base_growth"),
            "evaluation.credit_line.cap",
            "kind=scalar",
        ),
        (
            lambda r: r["evaluation"]["indicators"]["tax_paid"].update(table="t_ladder_tier"),
            "evaluation.indicators.tax_paid",
            "exactly one of bands, table",
        ),
    ],
)
def test_a_broken_bank_evaluation_names_key_and_expectation(mutate: Any, key: str, expected: str) -> None:
    err = _evaluation_error(mutate)
    assert "bank_evaluation.yaml" in err.message
    assert any(k.startswith(key) and expected in m for k, m in err.problems), err.problems


def test_band_gaps_are_caught_by_the_generic_checks() -> None:
    def gap(raw: dict[str, Any]) -> None:
        bands = raw["rulebook"]["parameters"]["b_debt_ratio"]["values"][0]["bands"]
        bands[1]["lower"] = Decimal(41)

    err = _evaluation_error(gap)
    assert any("b_debt_ratio" in k and "空隙" in m for k, m in err.problems), err.problems
