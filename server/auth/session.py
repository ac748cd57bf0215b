"""Login sessions (the cookie of the login page) and the session authenticator of the API.

A session id travels in the HttpOnly ``BAPID`` cookie (Oro's back-office session cookie name) and
is stored only as a SHA-256 hash, next to the session's CSRF token; the readable ``_csrf`` cookie
carries that token to JavaScript, which sends it back in ``X-CSRF-Header``. A customer user's
storefront session (its login page, for the storefront's authorize flow) travels in ``OROSFID``
(Oro's storefront session cookie) and is stored with ``api = "storefront"``: each API finds only
its own sessions.

As in Oro (reference §4.4), the API accepts a session only for CSRF-protected requests: the session
cookie is present and ``X-CSRF-Header`` is too; for anything but GET its value must be the
session's CSRF token. Without the header the cookie is ignored.
"""

from __future__ import annotations

import hmac
import secrets
import time
from collections.abc import Callable
from dataclasses import dataclass

import sqlalchemy as sa
from starlette.requests import cookie_parser

from server.auth.authenticate import DEFAULT_CHALLENGE, Credentials, Unauthorized
from server.auth.keys import Keys
from server.auth.principal import Principal, load_principal
from server.auth.tokens import BACKOFFICE, STOREFRONT, hash_secret, new_secret
from server.settings import Settings
from server.storage.tables import Schema

__all__ = [
    "CSRF_COOKIE",
    "CSRF_HEADER",
    "SESSION_COOKIE",
    "SESSION_LIFETIME",
    "STOREFRONT_SESSION_COOKIE",
    "LoginSession",
    "SessionAuthenticator",
    "end_session",
    "find_session",
    "start_session",
]

SESSION_COOKIE = "BAPID"
STOREFRONT_SESSION_COOKIE = "OROSFID"
CSRF_COOKIE = "_csrf"
CSRF_HEADER = "x-csrf-header"
SESSION_LIFETIME = 8 * 3600  # seconds


@dataclass(frozen=True)
class LoginSession:
    user_id: int
    csrf_token: str
    expires_at: int

    def csrf_matches(self, token: str | None) -> bool:
        return bool(token) and hmac.compare_digest(self.csrf_token, token or "")


def _of_api(table: sa.Table, api: str) -> sa.ColumnElement[bool]:
    return table.c.api.is_(None) if api == BACKOFFICE else table.c.api == api


def start_session(
    connection: sa.Connection, schema: Schema, user_id: int, *, now: int, api: str = BACKOFFICE
) -> tuple[str, LoginSession]:
    """A new session of ``user_id`` (a user, or a customer user for ``api="storefront"``): its id
    (for the cookie) and its record. Expired sessions of everyone are cleared on the way."""
    table = schema.auth.session
    connection.execute(sa.delete(table).where(table.c.expires_at <= now))
    session_id, session = (
        new_secret(),
        LoginSession(user_id, secrets.token_urlsafe(24), now + SESSION_LIFETIME),
    )
    connection.execute(
        sa.insert(table).values(
            session_hash=hash_secret(session_id),
            user_id=user_id,
            csrf_token=session.csrf_token,
            expires_at=session.expires_at,
            api=STOREFRONT if api == STOREFRONT else None,
        )
    )
    return session_id, session


def find_session(
    connection: sa.Connection, schema: Schema, session_id: str, *, now: int, api: str = BACKOFFICE
) -> LoginSession | None:
    """The live session ``session_id`` of ``api`` (another API's session is none)."""
    table = schema.auth.session
    row = connection.execute(
        sa.select(table.c.user_id, table.c.csrf_token, table.c.expires_at).where(
            table.c.session_hash == hash_secret(session_id),
            table.c.expires_at > now,
            _of_api(table, api),
        )
    ).first()
    return None if row is None else LoginSession(row.user_id, row.csrf_token, row.expires_at)


def end_session(connection: sa.Connection, schema: Schema, session_id: str) -> None:
    table = schema.auth.session
    connection.execute(sa.delete(table).where(table.c.session_hash == hash_secret(session_id)))


class SessionAuthenticator:
    """The session cookie plus ``X-CSRF-Header``; principal method ``"session"``."""

    def __init__(
        self,
        engine: sa.Engine,
        schema: Schema,
        settings: Settings,
        keys: Keys | None = None,
        *,
        clock: Callable[[], float] = time.time,
    ) -> None:
        del settings, keys  # the same signature as the other authenticators
        self.engine = engine
        self.schema = schema
        self.clock = clock

    def authenticate(self, credentials: Credentials) -> Principal | None:
        session_id = cookie_parser(credentials.headers.get("cookie", "")).get(SESSION_COOKIE)
        csrf = credentials.headers.get(CSRF_HEADER)
        if not session_id or csrf is None:
            return None  # not a CSRF-protected request: the cookie does not count
        with self.engine.connect() as connection:
            session = find_session(connection, self.schema, session_id, now=int(self.clock()))
            if session is None:
                raise Unauthorized(DEFAULT_CHALLENGE, "The session has expired or ended.")
            if credentials.method != "GET" and not session.csrf_matches(csrf):
                raise Unauthorized(DEFAULT_CHALLENGE, "The X-CSRF-Header token is not valid.")
            principal = load_principal(connection, self.schema, session.user_id, method="session")
        if principal is None:
            raise Unauthorized(DEFAULT_CHALLENGE, "The session's user is disabled.")
        return principal
