"""Who is calling: the authenticated user with what access control needs to know of them."""

from __future__ import annotations

from dataclasses import dataclass, field

import sqlalchemy as sa

from server.storage.tables import Schema


@dataclass(frozen=True)
class Principal:
    user_id: int
    organization_id: int
    business_unit_id: int  # the user's own business unit (owner of what they create)
    business_unit_ids: frozenset[int] = field(default_factory=frozenset)  # where they work
    role_ids: frozenset[int] = field(default_factory=frozenset)
    client_id: str | None = None  # the OAuth application, when authenticated by a token
    method: str = "none"  # "oauth" | "wsse" | "session" | "none" (authentication switched off)
    # the storefront: the caller is a customer user (``user_id``; ``business_unit_id`` and
    # ``business_unit_ids`` hold their customer, as the access rules judge it) or a visitor
    # (``user_id`` the visitor's id, no customer), on the organization's website
    api: str = "backoffice"
    visitor: bool = False

    def default_of(self, kind: str) -> int:
        """The default owner of a record: ``"user"``, ``"business_unit"`` or ``"organization"``."""
        return {
            "user": self.user_id,
            "business_unit": self.business_unit_id,
            "organization": self.organization_id,
        }[kind]


def load_principal(
    connection: sa.Connection,
    schema: Schema,
    user_id: int,
    *,
    client_id: str | None = None,
    method: str = "none",
) -> Principal | None:
    """The principal of an enabled user, or None when the user is missing or disabled."""
    users = schema.tables["users"]
    row = connection.execute(
        sa.select(users.c.organization_id, users.c.owner_id, users.c.enabled).where(
            users.c.id == user_id
        )
    ).first()
    if row is None or not row.enabled:
        return None
    units_table, units = schema.link("users", "businessUnits")
    roles_table, roles = schema.link("users", "userRoles")
    unit_ids = connection.scalars(
        sa.select(units_table.c[units.target_column]).where(
            units_table.c[units.owner_column] == user_id
        )
    )
    role_ids = connection.scalars(
        sa.select(roles_table.c[roles.target_column]).where(
            roles_table.c[roles.owner_column] == user_id
        )
    )
    return Principal(
        user_id,
        row.organization_id,
        row.owner_id,
        frozenset(unit_ids) | {row.owner_id},
        frozenset(role_ids),
        client_id,
        method,
    )
