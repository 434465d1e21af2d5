"""``innopoints transfer contract register|decide|pending``: 技术合同认定登记 from the command line."""

from __future__ import annotations

from typing import Annotated

import typer

from innopoints.cli.transfer_cmd import TodayOpt, day, print_table, say, session_scope
from innopoints.errors import UserError


def _register(
    *,
    contract_type: str,
    title: str,
    amount: str,
    non_technical: str,
    signed_on: str,
    buyer: str,
    buyer_enterprise: int | None,
    buyer_district: str | None,
    buyer_outside: bool,
    field: str,
    seller_enterprise: int | None,
    seller_institution: int | None,
    achievement: int | None,
    contract_no: str | None,
    not_written: bool,
    today: str | None,
) -> None:
    from innopoints.transfer.access import SYSTEM
    from innopoints.transfer.contracts import (
        ContractInput,
        decision_deadline,
        register_contract,
        technical_amount,
    )
    from innopoints.transfer.money import fmt_money, parse_fen

    if buyer_outside and (buyer_enterprise is not None or buyer_district is not None):
        raise UserError("--buyer-outside 不能与 --buyer-enterprise / --buyer-district 同时使用")
    data = ContractInput(
        contract_type=contract_type,
        title=title,
        amount_fen=parse_fen(amount, "合同成交额"),
        non_technical_fen=parse_fen(non_technical, "非技术性款项"),
        signed_on=day(signed_on, "签订日期"),
        buyer_name=buyer,
        cluster_id=field,
        written=not not_written,
        contract_no=contract_no,
        buyer_enterprise_id=buyer_enterprise,
        buyer_district_code=buyer_district,
        buyer_in_city=False if buyer_outside else (True if buyer_district else None),
        achievement_id=achievement,
    )
    with session_scope() as session:
        row = register_contract(session, SYSTEM, data, day(today), seller_enterprise, seller_institution)
        deadline = decision_deadline(row)
        say(
            f"已提交登记：合同 #{row.id}（编号 {row.contract_no}），状态 待登记；合同成交额 {fmt_money(row.amount_fen)}，"
            f"技术交易额 {fmt_money(technical_amount(row))}；登记机构应于 {deadline.isoformat()} 前作出决定"
        )


def _decide(
    contract: int, register: bool, refuse: bool, reason_id: str | None, reason: str | None, on: str | None
) -> None:
    from innopoints.transfer.access import SYSTEM
    from innopoints.transfer.contracts import decide_contract

    if register == refuse:
        raise UserError("请选择 --register（予以登记）或 --refuse（未予登记）之一")
    with session_scope() as session:
        d = decide_contract(
            session,
            SYSTEM,
            contract,
            "register" if register else "refuse",
            day(on, "决定日期"),
            reason_id,
            reason,
        )
        c = d.contract
        text = "已登记" if c.status == "registered" else f"未予登记（{c.refusal_reason}）"
        say(
            f"合同 #{c.id}（编号 {c.contract_no}）：{text}；决定日期 {c.decided_on}，办理时限 {d.deadline.isoformat()}"
        )
        if d.warning:
            say(f"[yellow]注意：{d.warning}[/yellow]")


def _pending(overdue: bool, today: str | None) -> None:
    from innopoints.region import load_region
    from innopoints.transfer.access import SYSTEM
    from innopoints.transfer.contracts import pending_contracts
    from innopoints.transfer.money import fmt_money

    region = load_region()
    with session_scope() as session:
        items = pending_contracts(session, SYSTEM, day(today), overdue)
        rows = [
            [
                str(c.id),
                c.contract_no,
                c.title or "—",
                region.district_name(c.district_code),
                fmt_money(c.amount_fen),
                c.submitted_on.isoformat(),
                deadline.isoformat(),
                f"超期 {-left} 天" if left < 0 else f"剩 {left} 天",
            ]
            for c, deadline, left in items
        ]
    print_table(
        "超期未决定的技术合同" if overdue else "待登记技术合同",
        ["ID", "合同编号", "名称", "卖方区县", "成交额", "提交日期", "办理时限", "剩余"],
        rows[:200],
        f"共 {len(rows):,} 份" + ("（仅显示前 200 份）" if len(rows) > 200 else ""),
    )


def register(transfer_app: typer.Typer) -> None:
    contract_app = typer.Typer(
        help="技术合同认定登记（卖方登记、30日内决定、未予登记）。", no_args_is_help=True
    )
    transfer_app.add_typer(contract_app, name="contract")

    @contract_app.command("register")
    def register_cmd(
        contract_type: Annotated[
            str,
            typer.Option(
                "--type",
                help="development/transfer/license/consulting/service（training、intermediary 参照服务）",
            ),
        ],
        title: Annotated[str, typer.Option("--title", help="合同名称")],
        amount: Annotated[str, typer.Option("--amount", help="合同成交额，如 1400万 或 14000000")],
        signed_on: Annotated[str, typer.Option("--signed-on", help="签订日期 YYYY-MM-DD")],
        buyer: Annotated[str, typer.Option("--buyer", help="买方名称")],
        field: Annotated[str, typer.Option("--field", help="技术领域（产业集群编号或中文名）")],
        seller_enterprise: Annotated[
            int | None, typer.Option("--seller-enterprise", help="卖方企业 ID")
        ] = None,
        seller_institution: Annotated[
            int | None, typer.Option("--seller-institution", help="卖方高校/院所 ID")
        ] = None,
        non_technical: Annotated[
            str, typer.Option("--non-technical", help="非技术性款项（设备、仪器、零部件、原材料）")
        ] = "0",
        buyer_enterprise: Annotated[
            int | None, typer.Option("--buyer-enterprise", help="买方为平台内企业时的 ID")
        ] = None,
        buyer_district: Annotated[
            str | None, typer.Option("--buyer-district", help="买方所在区县代码（本市）")
        ] = None,
        buyer_outside: Annotated[bool, typer.Option("--buyer-outside", help="买方在本市以外")] = False,
        achievement: Annotated[int | None, typer.Option("--achievement", help="关联科技成果 ID")] = None,
        contract_no: Annotated[
            str | None, typer.Option("--contract-no", help="合同编号（默认自动编号）")
        ] = None,
        not_written: Annotated[bool, typer.Option("--not-written", help="非书面合同（将被拒绝）")] = False,
        today: TodayOpt = None,
    ) -> None:
        """卖方提交技术合同登记 (submit a contract for registration, seller side)."""
        _register(
            contract_type=contract_type,
            title=title,
            amount=amount,
            non_technical=non_technical,
            signed_on=signed_on,
            buyer=buyer,
            buyer_enterprise=buyer_enterprise,
            buyer_district=buyer_district,
            buyer_outside=buyer_outside,
            field=field,
            seller_enterprise=seller_enterprise,
            seller_institution=seller_institution,
            achievement=achievement,
            contract_no=contract_no,
            not_written=not_written,
            today=today,
        )

    @contract_app.command("decide")
    def decide_cmd(
        contract: Annotated[int, typer.Option("--contract", help="技术合同 ID")],
        register: Annotated[bool, typer.Option("--register", help="予以登记")] = False,
        refuse: Annotated[bool, typer.Option("--refuse", help="未予登记")] = False,
        reason_id: Annotated[
            str | None,
            typer.Option(
                "--reason-id",
                help="未予登记理由：non_technical/not_written/duplicate/not_seller_side/outside_region/other",
            ),
        ] = None,
        reason: Annotated[
            str | None, typer.Option("--reason", help="具体理由（理由为 other 时必填）")
        ] = None,
        on: Annotated[str | None, typer.Option("--on", help="决定日期 YYYY-MM-DD（默认今天）")] = None,
    ) -> None:
        """登记机构作出登记决定（30 日内）(decide a registration)."""
        _decide(contract, register, refuse, reason_id, reason, on)

    @contract_app.command("pending")
    def pending_cmd(
        overdue: Annotated[bool, typer.Option("--overdue", help="只看超过 30 日办理时限的")] = False,
        today: TodayOpt = None,
    ) -> None:
        """待登记合同与办理时限 (contracts awaiting a decision)."""
        _pending(overdue, today)
