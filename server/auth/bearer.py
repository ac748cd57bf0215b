"""OAuth 2.0 bearer tokens on API requests (RFC 6750): ``Authorization: Bearer <token>``, or an
``access_token`` member in a JSON:API request body (§2.2, as Oro documents it).

A token counts when its signature, issuer, audience (``backoffice``) and expiry check out, its
application is still active, and its user is enabled. Otherwise: a bare 401, with neither a body
nor a ``WWW-Authenticate`` header, as Oro's ``OAuth2Authenticator::onAuthenticationFailure``
answers (oroinc/oauth2-server); the reason is only logged.
"""

from __future__ import annotations

import time
from collections.abc import Callable

import orjson
import sqlalchemy as sa

from server.auth.authenticate import Credentials, Unauthorized
from server.auth.keys import Keys, load_or_create_keys
from server.auth.oauth.clients import find_application
from server.auth.principal import Principal, load_principal
from server.auth.tokens import BACKOFFICE, AccessClaims, InvalidToken, verify_access_token
from server.settings import Settings
from server.storage.tables import Schema

__all__ = [
    "BearerAuthenticator",
    "bearer_token",
    "check_client",
    "invalid_token",
    "token_claims",
]


def invalid_token(description: str) -> Unauthorized:
    """A refused token: 401 without ``WWW-Authenticate``; ``description`` goes to the log."""
    return Unauthorized(None, description)


def token_claims(
    credentials: Credentials, keys: Keys, audience: str, now: float
) -> AccessClaims | None:
    """The verified claims of the request's bearer token; None when it carries none (another
    authenticator's turn); a missing, expired or foreign token is refused."""
    token = bearer_token(credentials)
    if token is None:
        return None
    if not token:
        raise invalid_token("The access token is missing.")
    try:
        return verify_access_token(keys, token, audience=audience, now=now)
    except InvalidToken as exc:
        raise invalid_token(str(exc)) from exc


def check_client(connection: sa.Connection, schema: Schema, client_id: str) -> None:
    """Refuse a token whose application is gone or no longer active."""
    application = find_application(connection, schema, client_id)
    if application is None or not application.active:
        raise invalid_token("The client of this access token has been revoked.")


def bearer_token(credentials: Credentials) -> str | None:
    """The access token the request carries, or None. The header wins over the body."""
    header = credentials.headers.get("authorization", "")
    scheme, _, token = header.strip().partition(" ")
    if scheme.lower() == "bearer":
        return token.strip()
    if not credentials.json_api_body or b'"access_token"' not in credentials.body:
        return None
    try:
        document = orjson.loads(credentials.body)
    except orjson.JSONDecodeError:
        return None  # the endpoint reports the malformed body
    if not isinstance(document, dict) or "access_token" not in document:
        return None
    token = document["access_token"]
    return token if isinstance(token, str) else ""


class BearerAuthenticator:
    """Principal method ``"oauth"`` with ``client_id`` set."""

    def __init__(
        self,
        engine: sa.Engine,
        schema: Schema,
        settings: Settings,
        keys: Keys | None = None,
        *,
        audience: str = BACKOFFICE,
        clock: Callable[[], float] = time.time,
    ) -> None:
        del settings  # the same signature as the other authenticators
        self.engine = engine
        self.schema = schema
        self.keys = keys or load_or_create_keys(engine, schema)
        self.audience = audience
        self.clock = clock

    def authenticate(self, credentials: Credentials) -> Principal | None:
        claims = token_claims(credentials, self.keys, self.audience, self.clock())
        if claims is None:
            return None
        with self.engine.connect() as connection:
            check_client(connection, self.schema, claims.client_id)
            principal = load_principal(
                connection, self.schema, claims.user_id, client_id=claims.client_id, method="oauth"
            )
        if principal is None or principal.organization_id != claims.organization_id:
            raise invalid_token("The user of this access token is disabled.")
        return principal
