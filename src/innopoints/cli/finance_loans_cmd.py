"""``innopoints finance loans …`` and ``innopoints finance claims …``: the loan pipeline from the command line
(as the platform administrator, e.g. to record a bank's paper decision or to inspect a loan's history)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from decimal import Decimal, InvalidOperation
from typing import TYPE_CHECKING, Annotated, TypeVar

import typer

from innopoints.errors import UserError

if TYPE_CHECKING:
    from sqlalchemy.orm import Session

    from innopoints.accounts.context import Actor
    from innopoints.finance.pipeline import LoanView

T = TypeVar("T")


def _date(text: str | None) -> dt.date:
    if text is None:
        return dt.date.today()
    try:
        return dt.date.fromisoformat(text)
    except ValueError:
        raise UserError(f"--on：日期格式应为 YYYY-MM-DD，收到“{text}” (invalid date)") from None


def rate_bp(text: str | None) -> int | None:
    """``"3.45"`` or ``"3.45%"`` → 345 basis points (exact; at most two decimals)."""
    if text is None:
        return None
    try:
        pct = Decimal(text.strip().removesuffix("%"))
    except InvalidOperation:
        raise UserError(f"--rate：年利率应为百分数，如 3.45，收到“{text}”") from None
    bp = pct * 100
    if not pct.is_finite() or bp != bp.to_integral_value() or not 0 <= bp <= 3600:
        raise UserError(f"--rate：年利率最多两位小数且在 0–36% 之间，收到“{text}”")
    return int(bp)


def _amount(text: str | None, what: str) -> int | None:
    from innopoints.finance.money import parse_amount

    return None if text is None else parse_amount(text, what=what)


def _run(command: str, work: Callable[[Session, Actor, dt.datetime], T]) -> T:
    from innopoints.accounts.clock import utcnow
    from innopoints.adapters.db.engine import unit_of_work
    from innopoints.bootstrap import default_container
    from innopoints.finance.access import cli_actor

    container = default_container()
    with unit_of_work(container.sessions) as session:
        return work(session, cli_actor(command), utcnow())


def _print_loan(view: LoanView) -> None:
    from rich.console import Console

    from innopoints.cli.finance_render import print_json

    print_json(Console(), view.as_dict())


def register_loans(fin: typer.Typer) -> None:
    loans = typer.Typer(help="贷款申请与贷后管理 (loan pipeline).", no_args_is_help=True)
    fin.add_typer(loans, name="loans")
    claims = typer.Typer(help="风险补偿申请 (risk-compensation claims).", no_args_is_help=True)
    fin.add_typer(claims, name="claims")

    @loans.command("list")
    def list_cmd(
        status: Annotated[
            str | None, typer.Option("--status", help="状态，如 applied、reviewing、defaulted")
        ] = None,
        product: Annotated[str | None, typer.Option("--product", help="产品编号")] = None,
        limit: Annotated[int, typer.Option("--limit", min=1, max=1000, help="条数")] = 20,
    ) -> None:
        """列出贷款（最新申请在前）(list loans)."""
        from rich.console import Console
        from rich.table import Table

        from innopoints.finance.lifecycle import state_zh
        from innopoints.finance.pipeline import list_loans

        total, views = _run(
            "innopoints finance loans list",
            lambda s, a, now: list_loans(s, a, now=now, status=status, product_id=product, limit=limit),
        )
        table = Table(title=f"贷款（共 {total:,} 笔，显示 {len(views)} 笔）")
        for header in ("编号", "企业", "银行", "产品", "金额", "状态", "申请日", "决定日", "放款日"):
            table.add_column(header)
        for v in views:
            d = v.dates
            table.add_row(
                str(v.id),
                v.firm,
                v.bank,
                v.product,
                v.as_dict()["amount"],
                state_zh(v.status),
                *(str(d[k] or "—") for k in ("applied_on", "decided_on", "disbursed_on")),
            )
        Console().print(table)

    @loans.command("show")
    def show_cmd(loan_id: Annotated[int, typer.Argument(help="贷款编号")]) -> None:
        """一笔贷款及其状态历史（JSON）(one loan with its history)."""
        from innopoints.finance.pipeline import loan_detail

        _print_loan(
            _run(
                f"innopoints finance loans show {loan_id}",
                lambda s, a, now: loan_detail(s, a, loan_id, now=now),
            )
        )

    @loans.command("apply")
    def apply_cmd(
        uscc: Annotated[str, typer.Option("--uscc", help="企业统一社会信用代码")],
        bank: Annotated[int, typer.Option("--bank", help="银行编号")],
        product: Annotated[str, typer.Option("--product", help="产品编号（见 finance products）")],
        amount: Annotated[str, typer.Option("--amount", help="申请金额，如 300万、3000000.00")],
        term: Annotated[int | None, typer.Option("--term", help="期限（月）")] = None,
        on: Annotated[str | None, typer.Option("--on", help="申请日期 YYYY-MM-DD（默认今天）")] = None,
    ) -> None:
        """登记一笔贷款申请（企业须已向该银行授权）(register an application)."""
        from innopoints.finance.loans import apply_for_loan
        from innopoints.finance.pipeline import loan_detail

        fen = _amount(amount, "--amount")
        assert fen is not None

        def work(s: Session, a: Actor, now: dt.datetime) -> LoanView:
            loan = apply_for_loan(
                s,
                a,
                bank_id=bank,
                uscc=uscc,
                product_id=product,
                amount_fen=fen,
                term_months=term,
                on=_date(on),
                now=now,
            )
            return loan_detail(s, a, loan.id, now=now)

        _print_loan(_run("innopoints finance loans apply", work))

    @loans.command("act")
    def act_cmd(
        loan_id: Annotated[int, typer.Argument(help="贷款编号")],
        action: Annotated[
            str, typer.Argument(help="review|approve|reject|withdraw|disburse|repay|overdue|default")
        ],
        reason: Annotated[str, typer.Option("--reason", help="原因（拒绝、违约必填）")] = "",
        amount: Annotated[str | None, typer.Option("--amount", help="批准金额（默认申请金额）")] = None,
        rate: Annotated[str | None, typer.Option("--rate", help="年利率 %，批准时必填，如 3.45")] = None,
        term: Annotated[int | None, typer.Option("--term", help="期限（月）")] = None,
        version: Annotated[
            int | None, typer.Option("--version", help="页面所见版本号（防止并发覆盖）")
        ] = None,
        on: Annotated[str | None, typer.Option("--on", help="业务日期 YYYY-MM-DD（默认今天）")] = None,
    ) -> None:
        """推进贷款状态：受理、批准、拒绝、放款、结清、逾期、违约 (one lifecycle action)."""
        from innopoints.finance.loans import act_on_loan
        from innopoints.finance.pipeline import loan_detail

        def work(s: Session, a: Actor, now: dt.datetime) -> LoanView:
            act_on_loan(
                s,
                a,
                loan_id,
                action,
                on=_date(on),
                now=now,
                expected_version=version,
                reason=reason,
                amount_fen=_amount(amount, "--amount"),
                rate_bp=rate_bp(rate),
                term_months=term,
            )
            return loan_detail(s, a, loan_id, now=now)

        _print_loan(_run(f"innopoints finance loans act {loan_id} {action}", work))

    @claims.command("submit")
    def claim_cmd(
        loan_id: Annotated[int, typer.Argument(help="违约贷款编号")],
        outstanding: Annotated[str, typer.Option("--outstanding", help="未偿本金，如 120万")],
        on: Annotated[str | None, typer.Option("--on", help="申请日期 YYYY-MM-DD（默认今天）")] = None,
    ) -> None:
        """为违约贷款申请风险补偿（按产品补偿比例，向下取整到分）(submit a claim)."""
        from rich.console import Console

        from innopoints.finance.claims import submit_claim
        from innopoints.finance.money import yuan_text

        fen = _amount(outstanding, "--outstanding")
        assert fen is not None
        claim = _run(
            "innopoints finance claims submit",
            lambda s, a, now: submit_claim(s, a, loan_id, outstanding_fen=fen, on=_date(on), now=now),
        )
        Console().print(
            f"风险补偿申请 #{claim.id}：未偿本金 {yuan_text(claim.outstanding_fen)} × {claim.share_bp / 100:.2f}% = "
            f"{yuan_text(claim.claimed_fen)}（已提交）",
            highlight=False,
        )

    @claims.command("decide")
    def decide_cmd(
        claim_id: Annotated[int, typer.Argument(help="风险补偿申请编号")],
        decision: Annotated[str, typer.Argument(help="approve（核准）|reject（驳回）|pay（拨付）")],
        reason: Annotated[str, typer.Option("--reason", help="驳回原因")] = "",
        on: Annotated[str | None, typer.Option("--on", help="日期 YYYY-MM-DD（默认今天）")] = None,
    ) -> None:
        """审核或拨付风险补偿 (decide or pay a claim)."""
        from rich.console import Console

        from innopoints.finance.claims import CLAIM_STATES, decide_claim

        claim = _run(
            "innopoints finance claims decide",
            lambda s, a, now: decide_claim(s, a, claim_id, decision, on=_date(on), now=now, reason=reason),
        )
        Console().print(f"风险补偿申请 #{claim.id}：{CLAIM_STATES[claim.status]}", highlight=False)
