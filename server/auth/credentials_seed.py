"""Demo user passwords: every demo user's password is their username (``admin``'s is ``admin``),
stored only as Argon2 hashes. Documented in the README and printed by ``oro-sandbox serve``."""

from __future__ import annotations

from dataclasses import dataclass

import sqlalchemy as sa

from server.auth.passwords import hash_password
from server.storage.tables import Schema

__all__ = ["ADMIN_PASSWORD", "DemoUser", "demo_password", "demo_users", "seed_credentials"]

ADMIN_ID = 1
ADMIN_PASSWORD = "admin"


@dataclass(frozen=True)
class DemoUser:
    id: int
    username: str
    full_name: str
    organization: str
    roles: tuple[str, ...]
    enabled: bool

    @property
    def password(self) -> str:
        return demo_password(self.id, self.username)


def demo_password(user_id: int, username: str) -> str:
    return ADMIN_PASSWORD if user_id == ADMIN_ID else username


def seed_credentials(connection: sa.Connection, schema: Schema) -> int:
    """Give every user without a password their demo password; returns how many were set."""
    users, credentials = schema.tables["users"], schema.auth.credential
    rows = connection.execute(
        sa.select(users.c.id, users.c.username)
        .where(~sa.exists().where(credentials.c.user_id == users.c.id))
        .order_by(users.c.id)
    ).all()
    if rows:
        connection.execute(
            sa.insert(credentials),
            [
                {"user_id": row.id, "password_hash": hash_password(demo_password(*row))}
                for row in rows
            ],
        )
    return len(rows)


def demo_users(connection: sa.Connection, schema: Schema) -> list[DemoUser]:
    """Every user with organization and role names, by id (for the printed summary)."""
    users, organizations = schema.tables["users"], schema.tables["organizations"]
    roles = schema.tables["userroles"]
    link, rel = schema.link("users", "userRoles")
    role_names: dict[int, list[str]] = {}
    for user_id, label in connection.execute(
        sa.select(link.c[rel.owner_column], roles.c.label)
        .join(roles, roles.c.id == link.c[rel.target_column])
        .order_by(link.c[rel.owner_column], roles.c.id)
    ):
        role_names.setdefault(user_id, []).append(label)
    rows = connection.execute(
        sa.select(
            users.c.id,
            users.c.username,
            users.c.first_name,
            users.c.last_name,
            users.c.enabled,
            organizations.c.name.label("organization"),
        )
        .join(organizations, organizations.c.id == users.c.organization_id)
        .order_by(users.c.id)
    )
    return [
        DemoUser(
            row.id,
            row.username,
            f"{row.first_name} {row.last_name}",
            row.organization,
            tuple(role_names.get(row.id, ())),
            bool(row.enabled),
        )
        for row in rows
    ]
