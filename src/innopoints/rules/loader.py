"""Load and validate a rulebook file. Every error names the file, the key path and what was expected."""

from __future__ import annotations

import hashlib
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import yaml
from pydantic import ValidationError

from innopoints.errors import UserError
from innopoints.rules.checks import check_rulebook
from innopoints.rules.compiled import CompiledRulebook
from innopoints.rules.schema import Rulebook
from innopoints.rules.yamlio import load_exact

_MESSAGES = {
    "extra_forbidden": "未知的键 (unknown key; check the spelling against the rulebook schema)",
    "missing": "缺少必填键 (missing required key)",
    "date_from_datetime_parsing": "不是有效日期 (expected a valid date YYYY-MM-DD)",
    "date_parsing": "不是有效日期 (expected a valid date YYYY-MM-DD)",
    "date_from_datetime_inexact": "不是有效日期 (expected a valid date YYYY-MM-DD)",
    "date_type": "不是有效日期 (expected a valid date YYYY-MM-DD)",
    "decimal_parsing": "不是数字 (expected a number)",
    "string_too_short": "不能为空 (expected a non-empty text)",
    "too_short": "不能为空 (expected at least one entry)",
}


class RulebookError(UserError):
    """A rulebook that must not be used. ``problems`` lists (key path, message)."""

    def __init__(self, path: Path | str, problems: Sequence[tuple[str, str]]) -> None:
        self.path = str(path)
        self.problems = list(problems)
        lines = [f"{self.path}: {key or '<root>'}: {msg}" for key, msg in self.problems]
        super().__init__("规则库无法加载 (rulebook failed to load):\n" + "\n".join(lines), exit_code=2)


def _key_path(loc: Sequence[int | str]) -> str:
    out = ""
    for part in loc:
        if isinstance(part, int):
            out += f"[{part}]"
        elif str(part).startswith(("function-", "tagged-union", "union[")) or part in (
            "int",
            "decimal",
            "bool",
            "str",
            "tuple[int, int]",
            "date",
        ):
            continue  # pydantic's union-member markers are not keys of the file
        else:
            out += f".{part}" if out else str(part)
    return out


def _pydantic_problems(exc: ValidationError) -> list[tuple[str, str]]:
    seen: dict[str, str] = {}
    for err in exc.errors():
        path = _key_path(err["loc"])
        msg = _MESSAGES.get(err["type"], f"{err['msg']} (expected: {err['type']})")
        if err["type"] in ("extra_forbidden", "date_from_datetime_parsing", "date_parsing"):
            msg = f"{msg}: {err.get('input')!r}"
        seen.setdefault(path, msg)
    return list(seen.items())


def parse_rulebook(raw: Any, source: Path | str, digest: str = "") -> CompiledRulebook:
    if not isinstance(raw, dict):
        raise RulebookError(source, [("", "文件内容须为映射 (expected a YAML mapping at the top level)")])
    try:
        book = Rulebook.model_validate(raw)
    except ValidationError as exc:
        raise RulebookError(source, _pydantic_problems(exc)) from None
    problems = check_rulebook(book)
    if problems:
        raise RulebookError(source, problems)
    return CompiledRulebook(book, source=str(source), digest=digest)


def load_rulebook(path: Path | str) -> CompiledRulebook:
    """Read, validate and compile one rulebook YAML file."""
    path = Path(path)
    try:
        data = path.read_bytes()
    except OSError as exc:
        raise RulebookError(path, [("", f"无法读取文件 (cannot read: {exc.strerror})")]) from None
    try:
        raw = load_exact(data.decode("utf-8"))
    except UnicodeDecodeError:
        raise RulebookError(path, [("", "文件须为 UTF-8 编码 (expected UTF-8 text)")]) from None
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        where = f"line {mark.line + 1}, column {mark.column + 1}" if mark is not None else ""
        problem = getattr(exc, "problem", None) or str(exc)
        raise RulebookError(path, [(where, f"YAML 语法错误 (invalid YAML: {problem})")]) from None
    return parse_rulebook(raw, path, hashlib.sha256(data).hexdigest())
