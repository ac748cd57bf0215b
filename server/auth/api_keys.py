"""Users' API keys, the secret behind WSSE authentication.

As in Oro, a key is generated per user per organization (the user's profile page has a "Generate
Key" button; here it is ``oro-sandbox apikey USER``): 40 hexadecimal characters such as
``dd1c18d06773cc377c9df6166c54c6e5fefa50fa``. Generating a new key replaces the user's previous
key in that organization.

Keys are stored in clear, deliberately: Oro stores them so and shows them on the user's profile
page, and WSSE needs the key itself (the digest is computed from it), so a hash would not do.
The demo users' keys are derived from a fixed seed string, the same on every machine.
"""

from __future__ import annotations

import hashlib
import secrets
from typing import NamedTuple

import sqlalchemy as sa

from server.storage.tables import Schema

__all__ = [
    "ApiKeyOwner",
    "UserRef",
    "api_key_of",
    "create_api_key",
    "demo_api_key",
    "find_api_key_user",
    "find_user",
    "generate_api_key",
    "seed_api_keys",
]

DEMO_KEY_SEED = "oro-api-sandbox:api-key"


class UserRef(NamedTuple):
    id: int
    username: str
    organization_id: int
    enabled: bool


class ApiKeyOwner(NamedTuple):
    user_id: int
    organization_id: int


def generate_api_key() -> str:
    """A new random key: 40 hexadecimal characters, as Oro's."""
    return secrets.token_hex(20)


def demo_api_key(user_id: int) -> str:
    """The seeded key of demo user ``user_id``: the same on every machine, every run."""
    return hashlib.sha1(f"{DEMO_KEY_SEED}:{user_id}".encode()).hexdigest()


def find_user(
    connection: sa.Connection, schema: Schema, user: str | int, *, by_id: bool = True
) -> UserRef | None:
    """A user by id (an int, or a string of digits; unless ``by_id`` is false), username, or else
    email (any case)."""
    users = schema.tables["users"]
    columns = (users.c.id, users.c.username, users.c.organization_id, users.c.enabled)
    conditions = []
    if isinstance(user, int) or (by_id and user.isdigit()):
        conditions.append(users.c.id == int(user))
    if isinstance(user, str):
        conditions.append(users.c.username == user)
        if "@" in user:
            conditions.append(sa.func.lower(users.c.email) == user.lower())
    for condition in conditions:  # in order of precedence
        row = connection.execute(sa.select(*columns).where(condition).limit(1)).first()
        if row is not None:
            return UserRef(row.id, row.username, row.organization_id, bool(row.enabled))
    return None


def api_key_of(
    connection: sa.Connection, schema: Schema, user_id: int, organization_id: int
) -> str | None:
    """The user's key in that organization, or None when none was generated."""
    keys = schema.auth.api_key
    return connection.execute(
        sa.select(keys.c.api_key).where(
            keys.c.user_id == user_id, keys.c.organization_id == organization_id
        )
    ).scalar()


def find_api_key_user(
    connection: sa.Connection, schema: Schema, api_key: str
) -> ApiKeyOwner | None:
    """Whose key this is, and for which organization."""
    keys = schema.auth.api_key
    row = connection.execute(
        sa.select(keys.c.user_id, keys.c.organization_id).where(keys.c.api_key == api_key)
    ).first()
    return None if row is None else ApiKeyOwner(row.user_id, row.organization_id)


def create_api_key(
    connection: sa.Connection,
    schema: Schema,
    user_id: int,
    organization_id: int | None = None,
) -> str:
    """Generate a key for the user in the organization (default: the user's own), replacing the
    previous one; return it. Runs in the caller's transaction.

    Raises ``LookupError`` for an unknown user and ``ValueError`` for an organization the user
    does not belong to (a user here belongs to one organization).
    """
    users = schema.tables["users"]
    own = connection.execute(
        sa.select(users.c.organization_id).where(users.c.id == user_id)
    ).scalar()
    if own is None:
        raise LookupError(f"There is no user with id {user_id}.")
    if organization_id is None:
        organization_id = own
    elif organization_id != own:
        raise ValueError(
            f"User {user_id} does not belong to organization {organization_id}"
            f" (their organization is {own})."
        )
    keys = schema.auth.api_key
    connection.execute(
        sa.delete(keys).where(keys.c.user_id == user_id, keys.c.organization_id == organization_id)
    )
    api_key = generate_api_key()
    connection.execute(
        sa.insert(keys).values(user_id=user_id, organization_id=organization_id, api_key=api_key)
    )
    return api_key


def seed_api_keys(connection: sa.Connection, schema: Schema) -> int:
    """Give every user without a key in their organization the demo key :func:`demo_api_key`;
    return how many keys were added. Idempotent: keys that exist (seeded or generated) stay."""
    users, keys = schema.tables["users"], schema.auth.api_key
    has_key = (
        sa.select(keys.c.id)
        .where(keys.c.user_id == users.c.id, keys.c.organization_id == users.c.organization_id)
        .exists()
    )
    rows = connection.execute(
        sa.select(users.c.id, users.c.organization_id).where(~has_key).order_by(users.c.id)
    ).all()
    wanted = {demo_api_key(r.id): r for r in rows}
    taken = set(connection.scalars(sa.select(keys.c.api_key).where(keys.c.api_key.in_(wanted))))
    values = [
        {"user_id": r.id, "organization_id": r.organization_id, "api_key": key}
        for key, r in wanted.items()
        if key not in taken  # a user moved to another organization keeps the old key there
    ]
    if values:
        connection.execute(sa.insert(keys), values)
    return len(values)
