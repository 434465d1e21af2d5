"""``innopoints uscc CODE ...``: validate 统一社会信用代码 (GB 32100-2015)."""

from __future__ import annotations

import sys

import typer

from innopoints.errors import UserError
from innopoints.registry.uscc import validate


def register(app: typer.Typer) -> None:
    @app.command("uscc")
    def uscc(
        codes: list[str] = typer.Argument(None, help="一个或多个统一社会信用代码 (one or more codes)"),
    ) -> None:
        """校验统一社会信用代码 (validate unified social credit codes).

        Prints CODE<TAB>valid or CODE<TAB>invalid<TAB>reason per code; exit 0 when all are valid,
        1 when any is invalid, 2 on usage errors.
        """
        if not codes:
            raise UserError("请至少提供一个统一社会信用代码 (give at least one code)", exit_code=2)
        any_invalid = False
        for code in codes:
            result = validate(code)
            if result.valid:
                sys.stdout.write(f"{code}\tvalid\n")
            else:
                any_invalid = True
                sys.stdout.write(f"{code}\tinvalid\t{result.reason}\n")
        sys.stdout.flush()
        if any_invalid:
            raise typer.Exit(1)
