"""Who is acting: the authenticated user with role and scope, passed into every service call."""

from __future__ import annotations

from dataclasses import dataclass

from innopoints.accounts.roles import ROLE_LABELS, Role


@dataclass(frozen=True)
class Principal:
    user_id: int
    username: str
    display_name: str
    role: Role
    district_code: str | None = None
    park_id: str | None = None
    enterprise_id: int | None = None
    bank_id: int | None = None
    institution_id: int | None = None
    broker_id: int | None = None
    pilot_base_id: int | None = None
    via_token: bool = False

    @property
    def role_label(self) -> str:
        return ROLE_LABELS[self.role]

    @property
    def is_admin(self) -> bool:
        return self.role is Role.ADMIN

    def is_firm(self, enterprise_id: int) -> bool:
        """True when this principal is the enterprise itself (its reads are not audited as third-party reads)."""
        return self.role is Role.ENTERPRISE and self.enterprise_id == enterprise_id
