"""The users who log in: by username or email with a password, or by id; and whether the API
feature of their organization lets them have tokens."""

from __future__ import annotations

import functools
import importlib
from dataclasses import dataclass

import sqlalchemy as sa

from server.auth.passwords import hash_password, verify_password
from server.storage.tables import Schema

__all__ = ["LoginUser", "api_enabled", "find_user", "verify_login"]


@dataclass(frozen=True)
class LoginUser:
    id: int
    username: str
    full_name: str
    organization_id: int


def _select(schema: Schema) -> sa.Select[tuple[int, str, str, str, int, str | None]]:
    users, credentials = schema.tables["users"], schema.auth.credential
    return (
        sa.select(
            users.c.id,
            users.c.username,
            users.c.first_name,
            users.c.last_name,
            users.c.organization_id,
            credentials.c.password_hash,
        )
        .outerjoin(credentials, credentials.c.user_id == users.c.id)
        .where(users.c.enabled.is_(True))
    )


def _user(row: sa.Row[tuple[int, str, str, str, int, str | None]]) -> LoginUser:
    name = " ".join(part for part in (row.first_name, row.last_name) if part)
    return LoginUser(row.id, row.username, name or row.username, row.organization_id)


def find_user(connection: sa.Connection, schema: Schema, user_id: int) -> LoginUser | None:
    """The enabled user ``user_id``."""
    row = connection.execute(_select(schema).where(schema.tables["users"].c.id == user_id)).first()
    return None if row is None else _user(row)


@functools.cache
def _decoy_hash() -> str:
    return hash_password("not a password of anyone")


def verify_login(
    connection: sa.Connection, schema: Schema, login: str, password: str
) -> LoginUser | None:
    """The enabled user whose username (or email, in any case) is ``login`` and whose password is
    ``password``. An unknown login costs the same hash check, so timing does not tell them apart."""
    users = schema.tables["users"]
    by_login = sa.or_(users.c.username == login, sa.func.lower(users.c.email) == login.lower())
    row = connection.execute(_select(schema).where(by_login).order_by(users.c.id)).first()
    password_hash = row.password_hash if row is not None else None
    valid = verify_password(password_hash or _decoy_hash(), password)
    return _user(row) if row is not None and password_hash and valid else None


def api_enabled(connection: sa.Connection, schema: Schema, organization_id: int) -> bool:
    """The organization's API feature switch (``server.auth.feature``); on while that module is
    not there yet."""
    try:
        feature = importlib.import_module("server.auth.feature")
    except ModuleNotFoundError as exc:
        if exc.name != "server.auth.feature":
            raise
        return True
    return bool(feature.api_enabled(connection, schema, organization_id))
