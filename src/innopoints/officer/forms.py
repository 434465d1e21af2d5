"""Validation of the officer pages' forms: each field error is one Chinese sentence naming the field,
what was received and what was expected. Nothing is written unless every field is valid."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

MAX_SUMMARY = 2000
MAX_NAME = 100
MAX_PERSON_ID = 40


@dataclass
class FormErrors:
    errors: dict[str, str] = field(default_factory=dict)

    def add(self, name: str, message: str) -> None:
        self.errors.setdefault(name, message)

    def __bool__(self) -> bool:
        return bool(self.errors)

    @property
    def summary(self) -> str:
        return "；".join(self.errors.values())


def text(
    form: dict[str, str], name: str, label: str, errors: FormErrors, *, max_len: int, required: bool = True
) -> str:
    value = (form.get(name) or "").strip()
    if required and not value:
        errors.add(name, f"{label}不能为空")
    elif len(value) > max_len:
        errors.add(name, f"{label}过长：最多 {max_len} 个字，收到 {len(value)} 个字")
    return value


def choice(form: dict[str, str], name: str, label: str, options: dict[str, str], errors: FormErrors) -> str:
    value = (form.get(name) or "").strip()
    if value not in options:
        allowed = "、".join(f"{v}（{k}）" for k, v in options.items())
        shown = f"“{value}”" if value else "空值"
        errors.add(name, f"{label}无效：收到{shown}，应为 {allowed} 之一")
    return value


def date(
    form: dict[str, str], name: str, label: str, errors: FormErrors, *, not_after: dt.date | None = None
) -> dt.date | None:
    raw = (form.get(name) or "").strip()
    if not raw:
        errors.add(name, f"{label}不能为空，格式为 YYYY-MM-DD，如 2026-03-15")
        return None
    try:
        value = dt.date.fromisoformat(raw)
    except ValueError:
        errors.add(name, f"{label}格式错误：收到“{raw[:40]}”，应为 YYYY-MM-DD，如 2026-03-15")
        return None
    if not_after is not None and value > not_after:
        errors.add(name, f"{label}不能晚于 {not_after.isoformat()}，收到 {value.isoformat()}")
    return value


def integer(
    form: dict[str, str], name: str, label: str, errors: FormErrors, *, low: int, high: int
) -> int | None:
    raw = (form.get(name) or "").strip()
    try:
        value = int(raw)
    except ValueError:
        errors.add(name, f"{label}应为整数，收到“{raw[:40]}”" if raw else f"{label}不能为空")
        return None
    if not low <= value <= high:
        errors.add(name, f"{label}应在 {low}–{high} 之间，收到 {value}")
        return None
    return value
