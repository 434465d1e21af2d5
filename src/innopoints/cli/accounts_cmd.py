"""``innopoints accounts …``: demo accounts, users, API tokens."""

from __future__ import annotations

from typing import Annotated

import typer

from innopoints.errors import UserError

accounts_app = typer.Typer(help="用户与令牌 (users, roles, API tokens).", no_args_is_help=True)


def register(app: typer.Typer) -> None:
    app.add_typer(accounts_app, name="accounts")


@accounts_app.command("demo")
def demo() -> None:
    """创建演示账户（每个角色一个；已存在则跳过）。"""
    from rich.console import Console

    from innopoints.accounts.demo import DEMO_PASSWORD, ensure_demo_accounts
    from innopoints.bootstrap import default_container

    container = default_container()
    with container.sessions.begin() as session:
        created = ensure_demo_accounts(session)
    console = Console()
    for account in created:
        console.print(f"已创建演示账户 {account.username}（{account.display_name}，{account.role}）")
    console.print(f"演示账户密码：{DEMO_PASSWORD}（仅用于演示数据）" if created else "演示账户已存在")


@accounts_app.command("create")
def create(
    username: Annotated[str, typer.Argument(help="用户名")],
    role: Annotated[str, typer.Option(help="admin|officer|enterprise|bank|institution|broker|pilot_base")],
    display_name: Annotated[str | None, typer.Option(help="显示名称")] = None,
    district: Annotated[str | None, typer.Option(help="区县代码（officer）")] = None,
    park: Annotated[str | None, typer.Option(help="园区标识（officer）")] = None,
    uscc: Annotated[str | None, typer.Option(help="企业统一社会信用代码（enterprise）")] = None,
    bank_id: Annotated[int | None, typer.Option(help="银行编号（bank）")] = None,
    institution_id: Annotated[int | None, typer.Option(help="机构编号（institution）")] = None,
    broker_id: Annotated[int | None, typer.Option(help="经纪人编号（broker）")] = None,
    pilot_base_id: Annotated[int | None, typer.Option(help="中试基地编号（pilot_base）")] = None,
) -> None:
    """创建用户；密码从标准输入或交互提示读取（不出现在命令行历史中）。"""
    from innopoints.accounts.errors import AccountError
    from innopoints.accounts.users import create_user
    from innopoints.adapters.db import enterprise_repo
    from innopoints.bootstrap import default_container

    password = typer.prompt("密码", hide_input=True, confirmation_prompt=True)
    container = default_container()
    with container.sessions.begin() as session:
        enterprise_id = None
        if uscc:
            enterprise_id = enterprise_repo.find_id(session, uscc.upper())
            if enterprise_id is None:
                raise UserError(f"未找到统一社会信用代码为“{uscc}”的企业")
        try:
            user = create_user(
                session,
                username=username,
                password=password,
                role=role,
                display_name=display_name,
                district_code=district,
                park_id=park,
                enterprise_id=enterprise_id,
                bank_id=bank_id,
                institution_id=institution_id,
                broker_id=broker_id,
                pilot_base_id=pilot_base_id,
            )
        except AccountError as exc:
            raise UserError(exc.message) from None
        typer.echo(f"已创建用户 {user.username}（{user.role}）")


@accounts_app.command("token")
def token(
    username: Annotated[str, typer.Argument(help="用户名")],
    name: Annotated[str, typer.Option(help="令牌名称")] = "cli",
) -> None:
    """为用户签发 API 令牌（只显示一次）。"""
    from innopoints.accounts.errors import AccountError
    from innopoints.accounts.tokens import issue_token
    from innopoints.accounts.users import get_user
    from innopoints.bootstrap import default_container

    container = default_container()
    with container.sessions.begin() as session:
        user = get_user(session, username)
        if user is None:
            raise UserError(f"用户“{username}”不存在")
        try:
            issued = issue_token(session, user, name)
        except AccountError as exc:
            raise UserError(exc.message) from None
        typer.echo(issued.secret)
