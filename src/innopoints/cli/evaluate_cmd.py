"""``innopoints evaluate <evaluator> [FILE|-]``: explained eligibility evaluation of one firm.

Reads ONE JSON object (money in 元 as JSON numbers with at most two decimals), prints ONE JSON object.
Exit 0 whenever the firm was evaluated (qualified or not, or undecided), 2 for malformed input.
"""

from __future__ import annotations

import datetime as dt
import sys
from pathlib import Path

import typer

from innopoints.errors import UserError

_COMMON = (
    "\n\n输入 (input): 一个 JSON 对象；金额单位为元，数值最多两位小数；多年字段为数组，早年在前；"
    "null 或缺省表示未知（相关条件为 unknown）。可选 as_of (YYYY-MM-DD) 指定评价日期，--as-of 优先。"
    "\n\n输出 (output): JSON，含 conditions（每项 id、status met/not_met/unknown、reference、rule_status、"
    "observed/threshold/op）、failed、unknown、missing、regional_defaults_used、trace。"
)

HELP: dict[str, str] = {
    "tech-sme": (
        "科技型中小企业评价 (国科发政〔2017〕115号)。\n\n"
        "字段 (fields): employees, sci_tech_staff, sales_revenue, total_assets, rd_expense, cost_expense_total, "
        "ip_class1, ip_class2 (必填数值；缺失则相关条件 unknown); 布尔 mainland_resident (默认 true), "
        "restricted_industry, serious_violation, valid_hte_certificate, national_award_top3_5y, "
        "provincial_rd_institution, led_standard_5y (默认 false)。\n\n"
        "输出 qualified (true/false/null), route (direct 直接确认 优先 / score / none), score, "
        "scores {staff, rd, ip}, score_range。"
    ),
    "high-tech": (
        "高新技术企业认定自评 (国科发火〔2016〕32号、195号)。\n\n"
        "三年数组字段 (3-year arrays, oldest first): net_assets（或 total_assets + total_liabilities）, "
        "sales_revenue, rd_expense, rd_expense_domestic；conversions 为三年合计或三年数组。"
        "其他: high_tech_income, total_income (最近一年, 元), employees, sci_tech_staff, registration_date, "
        "application_date (默认评价日), ip_class1, ip_class2, ip_acquisition (own/transfer), standards, "
        "high_tech_field (electronic_information, biology_medicine, aerospace, new_materials, high_tech_services, "
        "new_energy_saving, resources_environment, advanced_manufacturing, none), serious_incident (默认 false)。"
        "专家打分（可选）: expert_ip_advancement, expert_ip_core_support, expert_ip_quantity, "
        "expert_ip_acquisition, expert_ip_standards, expert_conversion, expert_rd_system, expert_rd_institution, "
        "expert_rd_conversion_incentive, expert_rd_talent, expert_growth_net_assets, expert_growth_sales。\n\n"
        "输出 verdict (yes/no/depends/unknown), growth.*.rate（6位小数）与 points [min,max], rd.ratio, "
        "rd.required_ratio, score.min, score.max。"
    ),
    "innovative-sme": (
        "创新型中小企业评价 (工信部 2022 评价标准；未核实项为区域默认值)。\n\n"
        "字段: rd_expense, operating_revenue ([上上年, 上年] 两年数组), total_assets, total_liabilities, "
        "main_business_revenue, ip_class1, ip_class2, strategic_emerging_industry (布尔)。"
    ),
    "eaglet": (
        "辽宁省雏鹰企业 (辽科创办发〔2021〕2号；数值门槛为区域默认值)。\n\n"
        "字段: registration_date, operating_revenue, rd_expense, employees, sci_tech_staff, ip_class1, ip_class2, "
        "tech_sme_or_hte (已入库科技型中小企业或有效高企, 布尔)。"
    ),
    "gazelle": (
        "辽宁省瞪羚企业 (辽科创办发〔2021〕2号；路径 a/b/c 与 2.5% 门槛为区域默认值)。\n\n"
        "四年数组 (4 years, oldest first = base year): operating_revenue, employees, sci_activity_expense；"
        "registration_date, largest_venture_investment (元)。"
    ),
    "unicorn": (
        "种子独角兽 / 潜在独角兽 / 独角兽企业 (辽科创办发〔2021〕2号；种子/潜在门槛参照深圳，为区域默认值)。\n\n"
        "字段: registration_date, valuation (最近一轮投后估值, 元) 或 valuation_usd (美元), "
        "professional_investment (获专业投资机构股权投资, 布尔), listed (已上市, 布尔)。"
    ),
    "tech-leader": (
        "科技领军企业 (区域默认定义，非官方)。\n\n"
        "字段: valid_hte_certificate, operating_revenue, rd_expense, ip_invention_granted, rd_platforms_provincial。"
    ),
}


def _read(source: str) -> object:
    import json
    from decimal import Decimal

    if source == "-":
        text = sys.stdin.read()
    else:
        path = Path(source)
        try:
            text = path.read_text(encoding="utf-8")
        except OSError as exc:
            raise UserError(f"无法读取输入文件 {source} (cannot read input: {exc.strerror})") from None
        except UnicodeDecodeError:
            raise UserError(f"输入文件 {source} 不是 UTF-8 文本 (input is not UTF-8)") from None

    def _no_constant(name: str) -> object:
        raise UserError(f"输入含非法数值 {name} (NaN/Infinity are not allowed)")

    try:
        return json.loads(text, parse_float=Decimal, parse_constant=_no_constant)
    except json.JSONDecodeError as exc:
        raise UserError(
            f"输入不是有效的 JSON (invalid JSON): {exc.msg}, line {exc.lineno} column {exc.colno}"
        ) from None


def _run(name: str, source: str, as_of: str | None, compact: bool) -> None:
    from innopoints.eligibility.registry import run
    from innopoints.rules.jsonout import dumps

    when = None
    if as_of is not None:
        try:
            when = dt.date.fromisoformat(as_of)
        except ValueError:
            raise UserError(f"--as-of 须为日期 YYYY-MM-DD (expected a date), got {as_of!r}") from None
    verdict = run(name, _read(source), when)
    sys.stdout.write(dumps(verdict.as_dict(), indent=None if compact else 2) + "\n")
    sys.stdout.flush()


def _make(name: str) -> object:
    def command(
        source: str = typer.Argument("-", metavar="[FILE|-]", help="JSON 输入文件，- 表示标准输入 (stdin)"),
        as_of: str = typer.Option(None, "--as-of", help="评价日期 YYYY-MM-DD，默认今天 (evaluation date)"),
        compact: bool = typer.Option(False, "--compact", help="单行输出 (one-line JSON)"),
    ) -> None:
        _run(name, source, as_of, compact)

    command.__doc__ = HELP[name] + _COMMON
    return command


def _date_option(as_of: str | None) -> dt.date | None:
    if as_of is None:
        return None
    try:
        return dt.date.fromisoformat(as_of)
    except ValueError:
        raise UserError(f"--as-of 须为日期 YYYY-MM-DD (expected a date), got {as_of!r}") from None


def _print(document: object, compact: bool) -> None:
    from innopoints.rules.jsonout import dumps

    sys.stdout.write(dumps(document, indent=None if compact else 2) + "\n")
    sys.stdout.flush()


GAP_HELP = (
    "距下一梯度的差距 (gap to the next rung)：对目标梯度每个未满足或未知的条件，给出使其满足的最小数据变化"
    "（金额精确到分，人数/项数取整），并说明能否由企业达成。\n\n"
    "--target 给出时，输入为该梯度评价的 JSON（如 high-tech 的输入）；目标可为 tech-sme, high-tech, eaglet, "
    "gazelle, seed-unicorn, potential-unicorn, unicorn, tech-leader。不给 --target 时，输入为按评价命令名分组的对象 "
    '{"tech-sme": {...}, "high-tech": {...}, ...}，输出当前梯度、下一梯度及差距。--verify 对每项变化重新评价核验。'
)


def gap(
    source: str = typer.Argument("-", metavar="[FILE|-]", help="JSON 输入文件，- 表示标准输入 (stdin)"),
    target: str = typer.Option(None, "--target", help="目标梯度 (target rung), e.g. high-tech"),
    as_of: str = typer.Option(None, "--as-of", help="评价日期 YYYY-MM-DD，默认今天 (evaluation date)"),
    verify: bool = typer.Option(
        False, "--verify", help="逐项重新评价核验最小变化 (re-evaluate every change)"
    ),
    compact: bool = typer.Option(False, "--compact", help="单行输出 (one-line JSON)"),
) -> None:
    from collections.abc import Mapping

    from innopoints.eligibility.gap import gap_for, gap_to
    from innopoints.rules.inputs import parse_as_of

    raw = _read(source)
    when = _date_option(as_of)
    if target is not None:
        _print(gap_to(target, raw, when, verify=verify).as_dict(), compact)
        return
    if not isinstance(raw, Mapping):
        raise UserError("输入须为一个 JSON 对象 (expected one JSON object)")
    firm = {k: v for k, v in raw.items() if k != "as_of"}
    _print(gap_for(firm, when or parse_as_of(raw) or dt.date.today(), verify=verify).as_dict(), compact)


def _override(text: str) -> tuple[str, object]:
    import json
    from decimal import Decimal

    key, sep, value = text.partition("=")
    if not sep or not key.strip():
        raise UserError(f"--set 须为 字段=值 (expected field=value), got {text!r}")
    try:
        parsed: object = json.loads(value, parse_float=Decimal)
    except json.JSONDecodeError:
        parsed = value  # bare text, e.g. a date or a choice id
    return key.strip(), parsed


def what_if_command(
    evaluator: str = typer.Argument(..., help="评价命令名 (evaluator), e.g. tech-sme"),
    source: str = typer.Argument("-", metavar="[FILE|-]", help="JSON 输入文件，- 表示标准输入 (stdin)"),
    sets: list[str] = typer.Option(
        [], "--set", help="字段=值，可重复；多年字段可用 field[-1]=值 (repeatable)"
    ),
    as_of: str = typer.Option(None, "--as-of", help="评价日期 YYYY-MM-DD，默认今天 (evaluation date)"),
    compact: bool = typer.Option(False, "--compact", help="单行输出 (one-line JSON)"),
) -> None:
    from innopoints.eligibility.whatif import what_if

    overrides = dict(_override(s) for s in sets)
    if not overrides:
        raise UserError("至少需要一个 --set 字段=值 (expected at least one --set)")
    _print(what_if(evaluator, _read(source), overrides, _date_option(as_of)).as_dict(), compact)  # type: ignore[arg-type]


def register(app: typer.Typer) -> None:
    evaluate_app = typer.Typer(
        help="资格评价：科技型中小企业、高新技术企业、创新型中小企业、雏鹰、瞪羚、独角兽、科技领军 "
        "(eligibility evaluators: tech-sme, high-tech, innovative-sme, eaglet, gazelle, unicorn, tech-leader).",
        no_args_is_help=True,
    )
    for name, text in HELP.items():
        evaluate_app.command(name, help=text + _COMMON)(_make(name))  # type: ignore[arg-type]
    evaluate_app.command("gap", help=GAP_HELP)(gap)
    evaluate_app.command(
        "what-if",
        help="假设分析 (what-if)：在输入上覆盖若干字段后重新评价，输出前后结论与变化的条件。"
        "例：innopoints evaluate what-if tech-sme --set rd_expense=2000000 firm.json",
    )(what_if_command)
    app.add_typer(evaluate_app, name="evaluate")
