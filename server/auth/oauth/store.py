"""Authorization codes and refresh tokens: issued as random strings, stored as SHA-256 hashes.

Both are single-use: redeeming marks a code used (even if the exchange then fails, so a stolen code
cannot be retried) and revokes a refresh token (rotation: each refresh returns a new one).
"""

from __future__ import annotations

from dataclasses import dataclass

import sqlalchemy as sa

from server.auth.tokens import hash_secret, new_secret
from server.storage.tables import Schema

__all__ = [
    "IssuedCode",
    "RefreshGrant",
    "issue_code",
    "issue_refresh_token",
    "redeem_code",
    "redeem_refresh_token",
]


@dataclass(frozen=True)
class IssuedCode:
    application_id: int
    user_id: int
    redirect_uri: str
    code_challenge: str | None
    code_challenge_method: str | None
    expires_at: int
    visitor: bool = False  # a storefront visitor's code (``user_id``: the visitor's id)


@dataclass(frozen=True)
class RefreshGrant:
    application_id: int
    user_id: int
    family: str | None = None  # the line of tokens it belongs to (None: it starts one)


def issue_code(connection: sa.Connection, schema: Schema, code: IssuedCode) -> str:
    secret = new_secret()
    connection.execute(
        sa.insert(schema.auth.auth_code).values(
            code_hash=hash_secret(secret),
            application_id=code.application_id,
            user_id=code.user_id,
            redirect_uri=code.redirect_uri,
            code_challenge=code.code_challenge,
            code_challenge_method=code.code_challenge_method,
            expires_at=code.expires_at,
            used=False,
            visitor=code.visitor or None,
        )
    )
    return secret


def redeem_code(connection: sa.Connection, schema: Schema, code: str) -> IssuedCode | None:
    """The code's record, now marked used; None for an unknown or already used code. The caller
    checks expiry, client, redirect URI and PKCE (and commits the mark first)."""
    table = schema.auth.auth_code
    row = connection.execute(
        sa.update(table)
        .where(table.c.code_hash == hash_secret(code), table.c.used.is_(False))
        .values(used=True)
        .returning(table)
    ).first()
    if row is None:
        return None
    return IssuedCode(
        row.application_id,
        row.user_id,
        row.redirect_uri,
        row.code_challenge,
        row.code_challenge_method,
        row.expires_at,
        bool(row.visitor),
    )


def issue_refresh_token(
    connection: sa.Connection, schema: Schema, grant: RefreshGrant, expires_at: int
) -> str:
    secret = new_secret()
    token_hash = hash_secret(secret)
    connection.execute(
        sa.insert(schema.auth.refresh_family).values(
            token_hash=token_hash, family=grant.family or token_hash
        )
    )
    connection.execute(
        sa.insert(schema.auth.refresh_token).values(
            token_hash=token_hash,
            application_id=grant.application_id,
            user_id=grant.user_id,
            expires_at=expires_at,
            revoked=False,
        )
    )
    return secret


def redeem_refresh_token(
    connection: sa.Connection, schema: Schema, token: str, *, application_id: int, now: int
) -> RefreshGrant | None:
    """Revoke a valid refresh token of ``application_id`` and return what it granted; None when
    it is unknown, revoked, expired or another client's. A token rotated out already that comes
    back was stolen, or its thief has the newer one: every token of its line is revoked
    (OAuth 2.1, refresh token reuse)."""
    table, families = schema.auth.refresh_token, schema.auth.refresh_family
    token_hash = hash_secret(token)
    family = connection.execute(
        sa.select(families.c.family).where(families.c.token_hash == token_hash)
    ).scalar()
    revoked = connection.execute(
        sa.update(table)
        .where(
            table.c.token_hash == hash_secret(token),
            table.c.revoked.is_(False),
            table.c.expires_at > now,
            table.c.application_id == application_id,
        )
        .values(revoked=True)
        .returning(table.c.user_id)
    ).first()
    if revoked is not None:
        return RefreshGrant(application_id, revoked.user_id, family)
    reused = connection.execute(
        sa.select(table.c.token_hash).where(
            table.c.token_hash == token_hash,
            table.c.revoked.is_(True),
            table.c.application_id == application_id,
        )
    ).first()
    if reused is not None and family is not None:
        line = sa.select(families.c.token_hash).where(families.c.family == family)
        connection.execute(
            sa.update(table).where(table.c.token_hash.in_(line)).values(revoked=True)
        )
    return None
