"""Which input a firm would change to satisfy each leaf condition of the ladder rulebooks.

``LEVERS[(rulebook id, condition field)]`` gives a lever; its ``remedy`` returns the exact minimal change
(:class:`Remedy`). Assumptions about how the change propagates are stated with every result:
- 新增研发费用视为境内发生（高企：研发费用与境内研发费用同增）；科技型中小企业中研发费用计入成本费用支出总额，
  二者同增 (R&D increases are domestic and are part of the cost total).
- 新增科技人员为新招聘人员，职工总数同增 (new S&T staff are new hires, so total employees rise too).
- 新增高新技术产品(服务)收入计入总收入 (new high-tech income is part of total income).
- 对多年数据只调整最近一年（历史年度无法改变）(series: only the latest year moves).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass
from fractions import Fraction

from innopoints.eligibility.common import add_years
from innopoints.eligibility.gap_moves import Context, Remedy, Sel, Step, numeric_steps, phrase, solve
from innopoints.eligibility.gap_text import percent, wan
from innopoints.rules.numbers import exact
from innopoints.rules.results import ConditionResult

RD_DOMESTIC = "新增研发费用视为在境内发生，研发费用总额与境内研发费用同步增加 (added R&D is domestic)"
RD_IN_COST = "研发费用计入成本费用支出总额，二者同步增加 (R&D is part of the cost total)"
HIRES = "新增科技人员为新招聘人员，职工总数同步增加 (new S&T staff are new hires)"
HT_INCOME = "新增高新技术产品(服务)收入计入总收入 (new high-tech income is part of total income)"
LATEST = "多年数据只调整最近一年，历史年度不变 (only the latest year can still change)"


class Lever:
    def remedy(self, ctx: Context, cond: ConditionResult) -> Remedy | None:  # pragma: no cover - abstract
        raise NotImplementedError


def _unreachable(ctx: Context, cond: ConditionResult, how: str) -> Remedy:
    return Remedy(
        [],
        f"无法仅通过{how}满足“{cond.name.zh}” (cannot be met by this change alone)",
        False,
        reason="该数值不会随此项调整而接近门槛（如分母为0）(the quantity does not move towards the threshold)",
    )


@dataclass(frozen=True)
class RatioLever(Lever):
    """``num ÷ den op threshold``; ``moves`` gain ``k`` (the first is the main edit)."""

    num: Sel
    den: Sel
    moves: tuple[Sel, ...]
    num_moves: bool = True
    den_moves: bool = False
    assumptions: tuple[str, ...] = ()
    side_effects: tuple[str, ...] = ()
    target: Callable[[Context, ConditionResult], tuple[str, Fraction]] | None = None
    quantity: str | None = None  # the ratio's name when the condition's field is not the ratio itself

    def remedy(self, ctx: Context, cond: ConditionResult) -> Remedy | None:
        n, d = ctx.value(self.num), ctx.value(self.den)
        if n is None or d is None:
            return None
        op, t = self.target(ctx, cond) if self.target else (str(cond.op), exact(cond.threshold))
        main = self.moves[0][0]
        coeffs = (n, Fraction(int(self.num_moves)), d, Fraction(int(self.den_moves)))
        k = solve(coeffs, op, t, ctx.step(main))
        if k is None:
            return _unreachable(ctx, cond, f"增加{ctx.name(main)}")
        steps = numeric_steps(ctx, self.moves, k, +1)
        less = numeric_steps(ctx, self.moves, k - ctx.step(main), +1) if k > 0 else None
        quantity = self.quantity or ctx.name(cond.field or "")
        text = f"{quantity}需达到 {percent(t)}（{phrase(ctx, steps[0])}）"
        return Remedy(
            steps,
            text,
            True,
            less=less,
            assumptions=list(self.assumptions),
            side_effects=list(self.side_effects),
        )


def _rate_scale(ctx: Context) -> Fraction:
    return exact(ctx.book.resolve("usd_cny_rate", ctx.as_of).value)


@dataclass(frozen=True)
class DirectLever(Lever):
    """The compared quantity moves one-for-one (times ``scale``) with ``move``; ``sign`` −1 lowers it."""

    move: Sel
    sign: int = 1
    scale: Callable[[Context], Fraction] | None = None
    not_achievable: str | None = None
    template: str | None = None
    assumptions: tuple[str, ...] = ()
    side_effects: tuple[str, ...] = ()

    def remedy(self, ctx: Context, cond: ConditionResult) -> Remedy | None:
        if cond.observed is None or cond.threshold is None or ctx.value(self.move) is None:
            return None
        factor = self.scale(ctx) if self.scale else Fraction(1)
        coeffs = (exact(cond.observed), self.sign * factor, Fraction(1), Fraction(0))
        name = self.move[0]
        k = solve(coeffs, str(cond.op), cond.threshold, ctx.step(name))
        if k is None:
            return _unreachable(ctx, cond, f"调整{ctx.name(name)}")
        steps = numeric_steps(ctx, (self.move,), k, self.sign)
        less = numeric_steps(ctx, (self.move,), k - ctx.step(name), self.sign) if k > 0 else None
        text = phrase(ctx, steps[0])
        if self.template:
            text = self.template.format(text=text, after=wan(steps[0].after, ctx.unit(name) or "元"))
        return Remedy(
            steps,
            text,
            self.not_achievable is None,
            less=less,
            reason=self.not_achievable,
            assumptions=list(self.assumptions),
            side_effects=list(self.side_effects),
        )


@dataclass(frozen=True)
class ObtainLever(Lever):
    """A yes/no qualification the firm can acquire (a certificate, an investment, a platform …)."""

    input: str

    def remedy(self, ctx: Context, cond: ConditionResult) -> Remedy | None:
        before = ctx.inputs.get(self.input)
        step = Step(self.input, None, before, True, None, ctx.name(self.input))
        return Remedy([step], f"需取得/具备：{cond.name.zh}", True)


@dataclass(frozen=True)
class FixedLever(Lever):
    """A condition no change of figures can satisfy (residence, listing, business scope, records)."""

    reason: str

    def remedy(self, ctx: Context, cond: ConditionResult) -> Remedy | None:
        return Remedy([], f"不满足“{cond.name.zh}”，无法通过调整经营数据满足", False, reason=self.reason)


@dataclass(frozen=True)
class AgeLimitLever(Lever):
    """``age_years <= N``: once exceeded it never comes back."""

    def remedy(self, ctx: Context, cond: ConditionResult) -> Remedy | None:
        reg = ctx.inputs.get("registration_date")
        limit = exact(cond.threshold)
        if not isinstance(reg, dt.date) or limit.denominator != 1:
            return None
        passed = add_years(reg, int(limit))
        reason = (
            f"成立年限上限为 {int(limit)} 年，已于 {passed.isoformat()} 超过，不可逆 "
            "(the age limit has passed and cannot be met again)"
        )
        return Remedy([], f"成立时间已超过 {int(limit)} 年", False, reason=reason)


@dataclass(frozen=True)
class WaitDaysLever(Lever):
    """``registered_days >= N``: met on the date the firm has been registered N days."""

    def remedy(self, ctx: Context, cond: ConditionResult) -> Remedy | None:
        reg = ctx.inputs.get("registration_date")
        if not isinstance(reg, dt.date) or cond.threshold is None:
            return None
        met_on = reg + dt.timedelta(days=int(exact(cond.threshold)))
        before = ctx.inputs.get("application_date") or ctx.as_of
        step = Step("application_date", None, before, met_on, None, ctx.name("application_date"))
        less = [Step("application_date", None, before, met_on - dt.timedelta(days=1), None, step.name)]
        text = f"注册满 {int(exact(cond.threshold))} 天后即可满足：{met_on.isoformat()} 起可申请"
        return Remedy([step], text, True, less=less, achievable_on=met_on)


def _first_scoring_band(ctx: Context, cond: ConditionResult) -> tuple[str, Fraction]:
    """科技人员得分不为0 ⇔ staff ratio reaches the lowest band that scores."""
    bands = ctx.book.resolve("staff_ratio_points", ctx.as_of).bands or ()
    scoring = [b for b in bands if b.points and b.points[0] > 0 and b.lower is not None]
    lowest = min(scoring, key=lambda b: b.lower or 0)
    assert lowest.lower is not None
    return (">=" if lowest.lower_inclusive else ">"), lowest.lower


def _valuation(field: str) -> Lever:
    """Unicorn valuations: move the currency the firm gave (converted at the dated regional rate)."""

    class _Valuation(Lever):
        def remedy(self, ctx: Context, cond: ConditionResult) -> Remedy | None:
            cny_given = ctx.inputs.get("valuation") is not None
            usd_given = ctx.inputs.get("valuation_usd") is not None
            if field == "valuation_cny":
                lever = DirectLever(("valuation", None)) if cny_given else None
                if lever is None and usd_given:
                    lever = DirectLever(("valuation_usd", None), scale=_rate_scale)
            else:
                lever = DirectLever(("valuation_usd", None)) if usd_given else None
                if lever is None and cny_given:
                    lever = DirectLever(("valuation", None), scale=lambda c: 1 / _rate_scale(c))
            return lever.remedy(ctx, cond) if lever else None

    return _Valuation()


IP_ANY = "Ⅰ类或Ⅱ类知识产权均计入 (either class counts)"
HISTORY = "基期为历史年度数据，本次评价无法改变；以后年度申报时基期后移 (the base year is history)"
CEILING = "规模上限条件：企业规模已超过上限，通常不宜通过缩减规模满足 (size ceiling exceeded)"

REV_DILUTES = (
    "营业收入增加会降低科技活动投入强度（4年平均比例的分母增大）(more revenue dilutes the S&T intensity)"
)
REV_RD = "营业收入增加会降低研发费用占营业收入比例 (more revenue lowers the R&D ratio)"
HT_STAFF = "职工总数同步增加 (total employees rise too)"
SME_STAFF = "职工总数同步增加，注意不超过500人的规模上限 (mind the 500-employee ceiling)"


def _hires(*side: str) -> RatioLever:
    staff, employees = ("sci_tech_staff", None), ("employees", None)
    return RatioLever(
        staff, employees, (staff, employees), den_moves=True, assumptions=(HIRES,), side_effects=side
    )


def _rd_over(revenue: str) -> RatioLever:
    return RatioLever(("rd_expense", None), (revenue, None), (("rd_expense", None),))


LEVERS: dict[tuple[str, str], Lever] = {
    # 科技型中小企业 (scores: see gap_scores)
    ("tech_sme", "mainland_resident"): FixedLever(
        "须为在中国境内（不含港、澳、台地区）注册的居民企业 (a mainland resident enterprise is required)"
    ),
    ("tech_sme", "employees"): DirectLever(("employees", None), sign=-1, not_achievable=CEILING),
    ("tech_sme", "sales_revenue"): DirectLever(("sales_revenue", None), sign=-1, not_achievable=CEILING),
    ("tech_sme", "total_assets"): DirectLever(("total_assets", None), sign=-1, not_achievable=CEILING),
    ("tech_sme", "restricted_industry"): FixedLever(
        "产品和服务属于国家禁止、限制和淘汰类，须调整主营业务 (the business itself must change)"
    ),
    ("tech_sme", "serious_violation"): FixedLever(
        "须待负面记录移出名录或超出考察期（填报上一年及当年）后方可满足 (wait until the record leaves the window)"
    ),
    ("tech_sme", "staff_points"): RatioLever(
        ("sci_tech_staff", None),
        ("employees", None),
        (("sci_tech_staff", None), ("employees", None)),
        den_moves=True,
        assumptions=(HIRES,),
        side_effects=(SME_STAFF,),
        target=_first_scoring_band,
        quantity="科技人员占职工总数比例",
    ),
    ("tech_sme", "valid_hte_certificate"): ObtainLever("valid_hte_certificate"),
    ("tech_sme", "national_award_top3_5y"): ObtainLever("national_award_top3_5y"),
    ("tech_sme", "provincial_rd_institution"): ObtainLever("provincial_rd_institution"),
    ("tech_sme", "led_standard_5y"): ObtainLever("led_standard_5y"),
    # 高新技术企业 (capability score: see gap_scores)
    ("high_tech", "registered_days"): WaitDaysLever(),
    ("high_tech", "ip_total"): DirectLever(("ip_class2", None), assumptions=(IP_ANY,)),
    ("high_tech", "high_tech_field"): FixedLever(
        "核心技术须属于《国家重点支持的高新技术领域》，无法通过调整经营数据满足 (field of the core technology)"
    ),
    ("high_tech", "staff_ratio"): _hires(HT_STAFF),
    ("high_tech", "rd_ratio"): RatioLever(
        ("rd_expense", None),
        ("sales_revenue", None),
        (("rd_expense", -1), ("rd_expense_domestic", -1)),
        assumptions=(RD_DOMESTIC, LATEST),
    ),
    ("high_tech", "domestic_rd_share"): RatioLever(
        ("rd_expense_domestic", None),
        ("rd_expense", None),
        (("rd_expense_domestic", -1), ("rd_expense", -1)),
        den_moves=True,
        assumptions=(LATEST,),
        side_effects=("研发费用总额同步增加，研发费用占销售收入比例随之提高 (the R&D ratio rises too)",),
    ),
    ("high_tech", "high_tech_income_share"): RatioLever(
        ("high_tech_income", None),
        ("total_income", None),
        (("high_tech_income", None), ("total_income", None)),
        den_moves=True,
        assumptions=(HT_INCOME,),
    ),
    ("high_tech", "serious_incident"): FixedLever(
        "申请前一年内发生重大安全、重大质量事故或严重环境违法行为：须待满一年后申请 (wait one year)"
    ),
    # 雏鹰
    ("eaglet", "age_years"): AgeLimitLever(),
    ("eaglet", "tech_sme_or_hte"): ObtainLever("tech_sme_or_hte"),
    ("eaglet", "rd_ratio"): _rd_over("operating_revenue"),
    ("eaglet", "staff_ratio"): _hires(HT_STAFF),
    ("eaglet", "ip_total"): DirectLever(("ip_class2", None), assumptions=(IP_ANY,)),
    # 瞪羚
    ("gazelle", "age_years"): AgeLimitLever(),
    ("gazelle", "revenue_latest"): DirectLever(("operating_revenue", -1), side_effects=(REV_DILUTES,)),
    ("gazelle", "revenue_multiple"): RatioLever(
        ("operating_revenue", -1),
        ("operating_revenue", 0),
        (("operating_revenue", -1),),
        side_effects=(REV_DILUTES,),
    ),
    ("gazelle", "revenue_base"): DirectLever(("operating_revenue", 0), not_achievable=HISTORY),
    ("gazelle", "revenue_last_change"): DirectLever(("operating_revenue", -1), side_effects=(REV_DILUTES,)),
    ("gazelle", "employees_multiple"): RatioLever(("employees", -1), ("employees", 0), (("employees", -1),)),
    ("gazelle", "employees_base"): DirectLever(("employees", 0), not_achievable=HISTORY),
    ("gazelle", "employees_last_change"): DirectLever(("employees", -1)),
    ("gazelle", "largest_venture_investment"): DirectLever(
        ("largest_venture_investment", None), template="需获得单笔不低于 {after} 的创业投资（{text}）"
    ),
    ("gazelle", "sci_activity_ratio"): RatioLever(
        ("sci_activity_expense", None),
        ("operating_revenue", None),
        (("sci_activity_expense", -1),),
        assumptions=(LATEST,),
    ),
    # 种子/潜在/独角兽
    ("unicorn", "age_years"): AgeLimitLever(),
    ("unicorn", "professional_investment"): ObtainLever("professional_investment"),
    ("unicorn", "listed"): FixedLever("已上市企业不属于独角兽梯度 (listed firms are out of scope)"),
    ("unicorn", "valuation_cny"): _valuation("valuation_cny"),
    ("unicorn", "valuation_usd_value"): _valuation("valuation_usd_value"),
    # 科技领军企业（区域默认）
    ("tech_leader", "valid_hte_certificate"): ObtainLever("valid_hte_certificate"),
    ("tech_leader", "operating_revenue"): DirectLever(("operating_revenue", None), side_effects=(REV_RD,)),
    ("tech_leader", "rd_ratio"): _rd_over("operating_revenue"),
    ("tech_leader", "ip_invention_granted"): DirectLever(("ip_invention_granted", None)),
    ("tech_leader", "rd_platforms_provincial"): DirectLever(("rd_platforms_provincial", None)),
}
