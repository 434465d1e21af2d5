"""Errors that reach a user as one clear line (CLI) or a structured body (API), never a traceback."""

from __future__ import annotations


class UserError(Exception):
    """A mistake in what the user gave us (file, argument, value). ``exit_code`` is used by the CLI."""

    exit_code = 2

    def __init__(self, message: str, *, exit_code: int | None = None) -> None:
        super().__init__(message)
        self.message = message
        if exit_code is not None:
            self.exit_code = exit_code


class NotFound(UserError):
    exit_code = 3
