"""The acting principal plus where the request came from, handed to every scoped service call."""

from __future__ import annotations

from dataclasses import dataclass

from innopoints.accounts.principal import Principal


@dataclass(frozen=True)
class Actor:
    principal: Principal
    channel: str  # "web" (HTML pages), "api" (JSON) or "cli"
    path: str

    @property
    def role(self) -> str:
        return self.principal.role.value
