"""Build every evaluator's input object from a firm's records (pure functions, no database).

A firm is its enterprise attributes, its dated qualifications and negative records, and its annual panel
``{year: {field: Decimal}}`` (fields of ``registry/panel_fields.yaml``; money in 元, counts as whole
numbers). With filing year ``Y`` (default: the evaluation date's year) the windows are:

| evaluator | years | notes |
|---|---|---|
| tech-sme | Y−1 | 第八条 flags: 高企 certificate valid on the date; platforms in Y−1; standards/awards in Y−5…Y−1 |
| high-tech | Y−3, Y−2, Y−1 | 3-year series; income, staff and IP of Y−1; net_assets = total_assets − total_liabilities |
| eaglet / tech-leader / innovative-sme | Y−1 (innovative-sme revenue: Y−2, Y−1) | |
| gazelle | Y−4 … Y−1 | Y−4 is the base year; 科技活动投入 taken as 研发费用 (the panel has no such field) |
| unicorn | latest valuation up to Y | professional investment = any venture round or equity financing recorded |

Ⅰ类 = ip_invention_granted + ip_plant_variety + ip_ic_layout + ip_other_class1;
Ⅱ类 = ip_utility_model + ip_design + ip_software_copyright (an absent component counts 0 when another
is present, and the note says so). Every input records its source in ``sources``.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from dataclasses import field as _field
from decimal import Decimal
from typing import Any

from innopoints.eligibility.common import add_years
from innopoints.errors import UserError
from innopoints.registry.negative_kinds import INCIDENT_KINDS, LISTING_KINDS, MISCONDUCT_KINDS

CLASS1 = ("ip_invention_granted", "ip_plant_variety", "ip_ic_layout", "ip_other_class1")
CLASS2 = ("ip_utility_model", "ip_design", "ip_software_copyright")
INCIDENTS = INCIDENT_KINDS
MISCONDUCT = MISCONDUCT_KINDS
LISTINGS = LISTING_KINDS


@dataclass(frozen=True)
class EnterpriseAttributes:
    registration_date: dt.date
    district: str | None = None
    cluster: str | None = None
    high_tech_field_id: str | None = None
    listed: bool = False
    mainland_resident: bool = True


@dataclass(frozen=True)
class QualificationRecord:
    kind: str
    year: int
    granted_on: dt.date
    expires_on: dt.date | None = None  # last valid day; absent: 31 December of ``year``
    revoked_on: dt.date | None = None

    def valid_on(self, day: dt.date) -> bool:
        if self.granted_on > day or (self.revoked_on is not None and self.revoked_on <= day):
            return False
        return day <= (self.expires_on or dt.date(self.year, 12, 31))


@dataclass(frozen=True)
class NegativeEntry:
    kind: str
    occurred_on: dt.date
    cleared_on: dt.date | None = None


@dataclass(frozen=True)
class FirmData:
    attributes: EnterpriseAttributes
    panel: Mapping[int, Mapping[str, Decimal]] = _field(default_factory=dict)
    qualifications: Sequence[QualificationRecord] = ()
    negatives: Sequence[NegativeEntry] = ()


@dataclass
class PanelInputs:
    as_of: dt.date
    filing_year: int
    inputs: dict[str, dict[str, Any]]
    sources: dict[str, dict[str, str]]
    notes: list[str]

    def as_dict(self) -> dict[str, Any]:
        return {
            "as_of": self.as_of.isoformat(),
            "filing_year": self.filing_year,
            "inputs": self.inputs,
            "sources": self.sources,
            "notes": self.notes,
        }


class _Builder:
    def __init__(self, firm: FirmData, as_of: dt.date, year: int) -> None:
        self.firm, self.as_of, self.year = firm, as_of, year
        self.inputs: dict[str, dict[str, Any]] = {}
        self.sources: dict[str, dict[str, str]] = {}
        self.notes: list[str] = []

    def put(self, evaluator: str, name: str, value: Any, source: str) -> None:
        self.inputs.setdefault(evaluator, {})[name] = value
        self.sources.setdefault(evaluator, {})[name] = source

    def raw(self, field: str, year: int) -> Decimal | None:
        value = self.firm.panel.get(year, {}).get(field)
        return None if value is None else Decimal(value)

    def money(self, field: str, year: int) -> Decimal | None:
        return self.raw(field, year)

    def count(self, field: str, year: int) -> int | None:
        value = self.raw(field, year)
        if value is None:
            return None
        if value != value.to_integral_value():
            raise UserError(f"面板字段 {field}（{year}年）应为整数，实际为 {value} (expected a whole number)")
        return int(value)

    def ip(self, parts: Sequence[str], year: int, label: str) -> int | None:
        values = {p: self.count(p, year) for p in parts}
        known = [v for v in values.values() if v is not None]
        if not known:
            return None
        absent = [p for p, v in values.items() if v is None]
        if absent:
            self.notes.append(
                f"{label}（{year}年）：{', '.join(absent)} 无数据，按0计 (absent components count 0)"
            )
        return sum(known)

    def flag_over(self, field: str, years: Sequence[int]) -> bool | None:
        """True when any year has a positive count; False when every year is known and 0; else None."""
        values = [self.count(field, y) for y in years]
        if any(v is not None and v > 0 for v in values):
            return True
        return False if all(v is not None for v in values) else None

    def qualified(self, *kinds: str) -> bool:
        return any(q.kind in kinds and q.valid_on(self.as_of) for q in self.firm.qualifications)


def _window(year: int, n: int) -> list[int]:
    return list(range(year - n, year))


def build_inputs(firm: FirmData, as_of: dt.date, *, filing_year: int | None = None) -> PanelInputs:
    """Every evaluator's input object for ``firm`` evaluated on ``as_of`` (filing year default: as_of.year)."""
    year = filing_year or as_of.year
    b = _Builder(firm, as_of, year)
    _tech_sme(b, year - 1)
    _high_tech(b, _window(year, 3))
    _eaglet_leader_innovative(b, year - 1)
    _gazelle(b, _window(year, 4))
    _unicorn(b, year)
    return PanelInputs(as_of, year, b.inputs, b.sources, list(dict.fromkeys(b.notes)))


def _common(b: _Builder, evaluator: str, y: int, money: Sequence[str], counts: Sequence[str]) -> None:
    for name in money:
        b.put(evaluator, name, b.money(name, y), f"面板 {y}年 {name}")
    for name in counts:
        b.put(evaluator, name, b.count(name, y), f"面板 {y}年 {name}")


def _ip(b: _Builder, evaluator: str, y: int) -> None:
    b.put(evaluator, "ip_class1", b.ip(CLASS1, y, "Ⅰ类知识产权"), f"面板 {y}年 {' + '.join(CLASS1)}")
    b.put(evaluator, "ip_class2", b.ip(CLASS2, y, "Ⅱ类知识产权"), f"面板 {y}年 {' + '.join(CLASS2)}")


def _violation(b: _Builder) -> bool:
    """科技型中小企业 第六条（四）: incidents/misconduct in the filing year or the year before, or a listing
    in force on the evaluation date."""
    start = dt.date(b.year - 1, 1, 1)
    for rec in b.firm.negatives:
        if rec.kind in INCIDENTS | MISCONDUCT and start <= rec.occurred_on <= b.as_of:
            return True
        listed = rec.occurred_on <= b.as_of and (rec.cleared_on is None or rec.cleared_on > b.as_of)
        if rec.kind in LISTINGS and listed:
            return True
    return False


def _tech_sme(b: _Builder, y: int) -> None:
    e = "tech-sme"
    money = ("sales_revenue", "total_assets", "rd_expense", "cost_expense_total")
    _common(b, e, y, money, ("employees", "sci_tech_staff"))
    _ip(b, e, y)
    b.put(e, "mainland_resident", b.firm.attributes.mainland_resident, "企业属性 mainland_resident")
    b.put(e, "serious_violation", _violation(b), "负面记录（填报上一年及当年；名录以评价日是否在列）")
    b.put(e, "valid_hte_certificate", b.qualified("high_tech_enterprise"), "资质：评价日有效的高企证书")
    five = _window(b.year, 5)
    awards = b.flag_over("awards_national", five)
    b.put(
        e,
        "national_award_top3_5y",
        None if awards else awards,
        f"面板 {five[0]}–{five[-1]}年 awards_national",
    )
    if awards:
        b.notes.append("近五年有国家级科技奖励，但面板未记录获奖排名，第八条第（二）项按未知处理")
    platforms = b.count("rd_platforms_provincial", y)
    b.put(
        e,
        "provincial_rd_institution",
        None if platforms is None else platforms > 0,
        f"面板 {y}年 rd_platforms_provincial > 0",
    )
    b.put(
        e, "led_standard_5y", b.flag_over("standards_led", five), f"面板 {five[0]}–{five[-1]}年 standards_led"
    )


def _series(b: _Builder, field: str, years: Sequence[int], count: bool = False) -> list[Any] | None:
    values = [b.count(field, y) if count else b.money(field, y) for y in years]
    return None if all(v is None for v in values) else values


def _high_tech(b: _Builder, years: list[int]) -> None:
    e, y = "high-tech", years[-1]
    span = f"{years[0]}–{years[-1]}年"
    for name in ("sales_revenue", "rd_expense", "rd_expense_domestic"):
        b.put(e, name, _series(b, name, years), f"面板 {span} {name}")
    net = [
        None if a is None or d is None else a - d
        for a, d in ((b.money("total_assets", yr), b.money("total_liabilities", yr)) for yr in years)
    ]
    b.put(
        e,
        "net_assets",
        None if all(v is None for v in net) else net,
        f"面板 {span} total_assets − total_liabilities",
    )
    _common(b, e, y, ("high_tech_income", "total_income"), ("employees", "sci_tech_staff"))
    _ip(b, e, y)
    b.put(e, "conversions", _series(b, "conversions", years, count=True), f"面板 {span} conversions")
    led = b.count("standards_led", y)
    b.put(e, "standards", led if led else None, f"面板 {y}年 standards_led（>0 时作为参与标准数下限）")
    b.put(e, "registration_date", b.firm.attributes.registration_date, "企业属性 registration_date")
    b.put(e, "high_tech_field", b.firm.attributes.high_tech_field_id, "企业属性 high_tech_field_id")
    incident = any(
        rec.kind in INCIDENTS and add_years(b.as_of, -1) <= rec.occurred_on <= b.as_of
        for rec in b.firm.negatives
    )
    b.put(e, "serious_incident", incident, "负面记录：申请前一年内重大安全/质量事故或严重环境违法")
    b.notes.append("高企 ip_acquisition（获得方式）与参与标准数不在面板中，评分按区间计 (not in the panel)")


def _eaglet_leader_innovative(b: _Builder, y: int) -> None:
    _common(b, "eaglet", y, ("operating_revenue", "rd_expense"), ("employees", "sci_tech_staff"))
    _ip(b, "eaglet", y)
    b.put("eaglet", "registration_date", b.firm.attributes.registration_date, "企业属性 registration_date")
    b.put(
        "eaglet",
        "tech_sme_or_hte",
        b.qualified("tech_sme", "high_tech_enterprise"),
        "资质：评价日有效的科技型中小企业入库或高企证书",
    )
    _common(
        b,
        "tech-leader",
        y,
        ("operating_revenue", "rd_expense"),
        ("ip_invention_granted", "rd_platforms_provincial"),
    )
    b.put(
        "tech-leader",
        "valid_hte_certificate",
        b.qualified("high_tech_enterprise"),
        "资质：评价日有效的高企证书",
    )
    e = "innovative-sme"
    _common(b, e, y, ("rd_expense", "total_assets", "total_liabilities"), ())
    b.put(
        e,
        "operating_revenue",
        _series(b, "operating_revenue", [y - 1, y]),
        f"面板 {y - 1}–{y}年 operating_revenue",
    )
    _ip(b, e, y)
    b.put(e, "main_business_revenue", None, "面板无主营业务收入字段（未知）")
    b.put(e, "strategic_emerging_industry", None, "面板无战略性新兴产业标识（未知）")


def _gazelle(b: _Builder, years: list[int]) -> None:
    e, span = "gazelle", f"{years[0]}–{years[-1]}年"
    b.put(e, "operating_revenue", _series(b, "operating_revenue", years), f"面板 {span} operating_revenue")
    b.put(e, "employees", _series(b, "employees", years, count=True), f"面板 {span} employees")
    b.put(
        e,
        "sci_activity_expense",
        _series(b, "rd_expense", years),
        f"面板 {span} rd_expense（科技活动投入以研发费用计）",
    )
    b.notes.append(
        "瞪羚 科技活动投入以研发费用计（面板无科技活动投入字段），为下限估计 (R&D as a lower bound)"
    )
    recorded = [
        v
        for yr in b.firm.panel
        if yr <= years[-1]
        for v in [b.money("largest_venture_investment", yr)]
        if v is not None
    ]
    b.put(
        e,
        "largest_venture_investment",
        max(recorded) if recorded else None,
        f"面板 截至{years[-1]}年 largest_venture_investment 最大值",
    )
    b.put(e, "registration_date", b.firm.attributes.registration_date, "企业属性 registration_date")


def _unicorn(b: _Builder, year: int) -> None:
    e = "unicorn"
    years = sorted(y for y in b.firm.panel if y <= year)
    valued = [y for y in years if b.money("valuation", y) is not None]
    b.put(
        e,
        "valuation",
        b.money("valuation", valued[-1]) if valued else None,
        f"面板 {valued[-1]}年 valuation" if valued else "面板无估值",
    )
    rounds = [b.count("venture_rounds", y) for y in years] + [
        None if (v := b.money("equity_financing", y)) is None else int(v > 0) for y in years
    ]
    invested: bool | None = any(r is not None and r > 0 for r in rounds)
    if not invested and not any(r is not None for r in rounds):
        invested = None
    b.put(e, "professional_investment", invested, "面板 venture_rounds / equity_financing 任一年 > 0")
    b.put(e, "listed", b.firm.attributes.listed, "企业属性 listed")
    b.put(e, "registration_date", b.firm.attributes.registration_date, "企业属性 registration_date")
