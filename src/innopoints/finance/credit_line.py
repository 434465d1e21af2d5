"""The suggested credit line (建议授信额度) of one product for one firm: a formula of the bank-evaluation
rulebook, computed exactly (Decimal 元, result in integer fen), with every input, parameter (value, band,
reference, status) and step recorded so the bank and the firm see how the amount was reached."""

from __future__ import annotations

from dataclasses import dataclass, field
from decimal import ROUND_FLOOR, Decimal
from typing import Any

from innopoints.finance.dimensions import DimensionResult
from innopoints.finance.eligibility import CHOICE_LABELS, ProductEligibility
from innopoints.finance.evaluation_book import EvaluationBook
from innopoints.finance.money import wan_text, yuan_to_fen
from innopoints.finance.products import Product
from innopoints.rules.compiled import ResolvedParameter
from innopoints.rules.evaluation import Evaluation
from innopoints.rules.results import Status

LIST_NAMES = {"top5": "同类前5%榜单", "top10": "同类前10%榜单", "top20": "同类前20%榜单"}


@dataclass
class CreditLine:
    product_id: str
    formula: str
    formula_text: str
    status: str  # suggested / zero / not_eligible / unknown / not_applicable
    amount_fen: int | None
    formula_amount_fen: int | None
    inputs: list[dict[str, Any]] = field(default_factory=list)
    steps: list[dict[str, Any]] = field(default_factory=list)
    reasons: list[str] = field(default_factory=list)
    rulebook: dict[str, str] = field(default_factory=dict)
    product_rulebook: dict[str, str] = field(default_factory=dict)

    @property
    def amount_text(self) -> str:
        return "—" if self.amount_fen is None else wan_text(self.amount_fen)

    def as_dict(self) -> dict[str, Any]:
        return {
            "product": self.product_id,
            "formula": self.formula,
            "formula_text": self.formula_text,
            "status": self.status,
            "amount_fen": self.amount_fen,
            "amount": self.amount_text,
            "formula_amount_fen": self.formula_amount_fen,
            "inputs": self.inputs,
            "steps": self.steps,
            "reasons": self.reasons,
            "rulebook": self.rulebook,
            "product_rulebook": self.product_rulebook,
        }


def _n(value: Decimal) -> Decimal:
    """Trailing zeros dropped, never an exponent: 3150000.0000 → 3150000."""
    return Decimal(format(value.normalize(), "f"))


def _cite(res: ResolvedParameter) -> dict[str, Any]:
    c = res.citation()
    return {
        "parameter": res.id,
        "reference": c["reference"],
        "rule_status": c["status"],
        "effective_from": c["effective"]["from"],
    }


def _input(ev: Evaluation, name: str) -> dict[str, Any]:
    decl = ev.book.book.inputs[name]
    value = ev.fact(name).value
    shown: Any = value
    if isinstance(value, str):
        shown = CHOICE_LABELS.get(value, value)
    return {
        "id": name,
        "name": decl.name.zh,
        "value": shown,
        "unit": decl.unit or "",
        "source": "积分评价批次/指标面板",
    }


def not_applicable(product: Product) -> CreditLine:
    return CreditLine(
        product.id,
        "",
        "股权类支持按项目评审，不计算授信额度 (equity: decided per project)",
        "not_applicable",
        None,
        None,
        product_rulebook=product.citation(),
    )


def compute_line(
    eb: EvaluationBook, dims: DimensionResult, product: Product, eligibility: ProductEligibility
) -> CreditLine:
    spec = product.meta.credit_line
    if spec is None:
        return not_applicable(product)
    cl = eb.spec.credit_line
    formula = cl.formulas[spec.formula]
    ev = dims.evaluation
    line = CreditLine(
        product.id,
        spec.formula,
        formula.text,
        "unknown",
        None,
        None,
        rulebook=eb.citation(),
        product_rulebook=product.citation(),
    )
    names = ["stage", cl.base_field] + (["points"] if formula.points_multiplier else [])
    names += list(LIST_NAMES) if formula.top_uplift else []
    line.inputs = [_input(ev, n) for n in names]
    line.inputs.append(
        {
            "id": "composite_score",
            "name": "综合评价得分",
            "value": dims.composite,
            "unit": "分",
            "source": "银行端五维度评价",
        }
    )
    line.inputs.append(
        {
            "id": "product_share",
            "name": "产品系数",
            "value": spec.share,
            "unit": "倍",
            "source": product.meta.reference,
        }
    )
    cap_fen = None if product.meta.max_amount is None else product.meta.max_amount.fen
    if cap_fen is not None:
        line.inputs.append(
            {
                "id": "product_max",
                "name": "产品最高额度",
                "value": product.meta.max_amount.text() if product.meta.max_amount else None,
                "unit": "",
                "source": product.meta.reference,
            }
        )
    missing = list(ev.missing_of(*[n for n in names if n not in LIST_NAMES]))
    stage = ev.fact("stage").value
    base_pid = cl.base_by_stage.get(str(stage)) if stage is not None else None
    if missing or base_pid is None:
        gone = missing or ["stage"]
        line.reasons.append(
            "缺少 " + "、".join(ev.book.book.inputs[m].name.zh for m in gone) + "，无法计算额度"
        )
        return line
    amount = _steps(ev, eb, dims, base_pid, formula.points_multiplier, formula.top_uplift, spec.share, line)
    cap_res = ev.param(cl.cap)
    formula_cap = Decimal(cap_res.value)
    line.steps.append(
        {"id": "formula_cap", "name": "公式上限", "value": _n(formula_cap), "unit": "元", **_cite(cap_res)}
    )
    capped = min(amount, formula_cap)
    if cap_fen is not None:
        product_cap = Decimal(cap_fen) / 100
        line.steps.append(
            {
                "id": "product_cap",
                "name": "产品最高额度",
                "value": _n(product_cap),
                "unit": "元",
                "reference": product.meta.reference,
            }
        )
        capped = min(capped, product_cap)
    fen = yuan_to_fen(capped, what="建议额度")
    if product.meta.min_amount is not None and 0 < fen < product.meta.min_amount.fen:
        line.reasons.append(f"公式额度低于产品最低额度 {product.meta.min_amount.text()}，不建议授信")
        fen = 0
    line.steps.append(
        {"id": "credit_line", "name": "建议授信额度", "value": _n(Decimal(fen) / 100), "unit": "元"}
    )
    line.formula_amount_fen = fen
    if eligibility.status is Status.NOT_MET:
        line.status = "not_eligible"
        line.reasons.append("不符合产品准入条件：" + "；".join(eligibility.reasons))
    elif eligibility.status is Status.UNKNOWN:
        line.status = "unknown"
        line.reasons.append("准入条件待核实：" + "；".join(eligibility.reasons))
    else:
        line.amount_fen = fen
        line.status = "suggested" if fen > 0 else "zero"
        if fen == 0 and not line.reasons:
            line.reasons.append("积分或综合评价系数为 0，不建议授信")
    return line


def _steps(
    ev: Evaluation,
    eb: EvaluationBook,
    dims: DimensionResult,
    base_pid: str,
    use_points: bool,
    use_uplift: bool,
    share: Decimal,
    line: CreditLine,
) -> Decimal:
    """base × points factor × score factor × (1 + uplift) × share, floored to the rounding unit (元)."""
    cl = eb.spec.credit_line
    revenue = ev.fact(cl.base_field).value
    base_res = ev.param(base_pid)
    band = base_res.band_for(revenue)
    assert band.value is not None
    amount = band.value
    line.steps.append(
        {
            "id": "credit_base",
            "name": "基础额度",
            "value": _n(band.value),
            "unit": "元",
            "band": band.describe(),
            **_cite(base_res),
        }
    )
    if use_points:
        res = ev.param(cl.points_multiplier)
        pb = res.band_for(ev.fact("points").value)
        assert pb.value is not None
        amount *= pb.value
        line.steps.append(
            {
                "id": "credit_points_factor",
                "name": "积分系数",
                "value": _n(pb.value),
                "unit": "倍",
                "band": pb.describe(),
                **_cite(res),
            }
        )
    res = ev.param(cl.score_multiplier)
    sb = res.band_for(dims.composite)
    assert sb.value is not None
    amount *= sb.value
    line.steps.append(
        {
            "id": "credit_score_factor",
            "name": "综合评价系数",
            "value": _n(sb.value),
            "unit": "倍",
            "band": sb.describe(),
            **_cite(res),
        }
    )
    if use_uplift:
        res = ev.param(cl.uplift_by_list)
        rows: dict[str, Any] = res.value
        on = [(int(pct), lid) for lid, pct in rows.items() if ev.fact(lid).value is True]
        pct, lid = max(on) if on else (0, None)
        amount *= 1 + Decimal(pct) / 100
        shown = f"{LIST_NAMES.get(lid, lid)} 上浮 {pct}%" if lid else "未进入榜单，不上浮"
        line.steps.append(
            {
                "id": "credit_uplift",
                "name": "榜单上浮",
                "value": Decimal(pct),
                "unit": "%",
                "band": shown,
                **_cite(res),
            }
        )
    amount *= share
    line.steps.append({"id": "product_share", "name": "产品系数", "value": share, "unit": "倍"})
    line.steps.append({"id": "credit_raw", "name": "公式额度（取整前）", "value": _n(amount), "unit": "元"})
    unit_res = ev.param(cl.rounding_unit)
    unit = Decimal(unit_res.value)
    floored = (amount / unit).to_integral_value(rounding=ROUND_FLOOR) * unit
    line.steps.append(
        {
            "id": "credit_rounded",
            "name": f"向下取整至 {unit.normalize():f} 元",
            "value": _n(floored),
            "unit": "元",
            **_cite(unit_res),
        }
    )
    return floored
