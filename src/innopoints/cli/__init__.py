"""The ``innopoints`` command line (Typer + Rich). Every command is a thin shell over a service."""

from __future__ import annotations

import sys

import typer
from rich.console import Console

from innopoints.cli import (
    accounts_cmd,
    db_cmd,
    demo_cmd,
    evaluate_cmd,
    exchange_cmd,
    export_cmd,
    finance_cmd,
    match_cmd,
    policy_cmd,
    pool_cmd,
    potential_cmd,
    score_cmd,
    serve_cmd,
    synth_cmd,
    targets_cmd,
    transfer_cmd,
    uscc_cmd,
)
from innopoints.errors import UserError

app = typer.Typer(
    name="innopoints",
    help="InnoPoints 科创积分平台命令行 (innovation points platform CLI).",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
)

for module in (
    db_cmd,
    uscc_cmd,
    synth_cmd,
    exchange_cmd,
    export_cmd,
    evaluate_cmd,
    match_cmd,
    serve_cmd,
    score_cmd,
    potential_cmd,
    pool_cmd,
    policy_cmd,
    targets_cmd,
    accounts_cmd,
    transfer_cmd,
    finance_cmd,
    demo_cmd,
):
    module.register(app)

_err = Console(stderr=True)


def main() -> None:
    """Entry point: user mistakes become one red line and a non-zero exit, never a traceback."""
    try:
        result = app(standalone_mode=False)
    except UserError as exc:
        _err.print(f"[red]错误 (error):[/red] {exc.message}", highlight=False, soft_wrap=True)
        sys.exit(exc.exit_code)
    except typer.Abort:
        _err.print("已取消 (aborted)")
        sys.exit(130)
    except KeyboardInterrupt:
        _err.print("已中断 (interrupted)")
        sys.exit(130)
    except typer.Exit as exc:
        sys.exit(exc.exit_code)
    except typer.TyperException as exc:  # usage errors: unknown option, missing argument, bad value
        show = getattr(exc, "show", None)
        if callable(show):
            show()
        else:
            _err.print(f"错误 (error): {exc}")
        sys.exit(getattr(exc, "exit_code", 2))
    sys.exit(result if isinstance(result, int) else 0)
