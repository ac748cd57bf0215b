"""OAuth applications (clients): lookup, client authentication and redirect-URI matching.

A client without a secret is public (a browser or native app): it authenticates with PKCE instead.
Redirect URIs match exactly, except that a registered loopback URI (``http://127.0.0.1/...``,
``http://[::1]/...``, ``http://localhost/...``) accepts any port, as RFC 8252 §7.3 asks for
native apps that listen on an ephemeral port.
"""

from __future__ import annotations

from dataclasses import dataclass
from urllib.parse import urlsplit

import sqlalchemy as sa

from server.auth.oauth.errors import invalid_client
from server.auth.passwords import verify_password
from server.storage.tables import Schema

__all__ = ["Application", "authenticate_client", "find_application", "resolve_redirect_uri"]

LOOPBACK_HOSTS = frozenset({"127.0.0.1", "::1", "localhost"})
REFRESHABLE = frozenset({"password", "authorization_code"})


@dataclass(frozen=True)
class Application:
    id: int
    name: str
    client_id: str
    secret_hash: str | None
    grants: frozenset[str]
    redirect_uris: tuple[str, ...]
    skip_consent: bool
    user_id: int | None  # whom client_credentials act as
    organization_id: int
    active: bool
    api: str

    @property
    def public(self) -> bool:
        return self.secret_hash is None

    def allows(self, grant: str) -> bool:
        """Whether the application may use ``grant``; refresh tokens come with the grants that
        issue them (password, authorization code), as in Oro."""
        if grant == "refresh_token":
            return bool(self.grants & REFRESHABLE)
        return grant in self.grants


def find_application(
    connection: sa.Connection, schema: Schema, client_id: str
) -> Application | None:
    table = schema.auth.application
    row = connection.execute(sa.select(table).where(table.c.client_id == client_id)).first()
    if row is None:
        return None
    return Application(
        id=row.id,
        name=row.name,
        client_id=row.client_id,
        secret_hash=row.secret_hash,
        grants=frozenset(row.grants or ()),
        redirect_uris=tuple(row.redirect_uris or ()),
        skip_consent=bool(row.skip_consent),
        user_id=row.user_id,
        organization_id=row.organization_id,
        active=bool(row.active),
        api=row.api,
    )


def authenticate_client(
    connection: sa.Connection, schema: Schema, client_id: str, secret: str | None
) -> Application:
    """The active application ``client_id`` whose secret is ``secret`` (a public client sends
    none: any sent is ignored, as in thephpleague/oauth2-server); else ``invalid_client``."""
    application = find_application(connection, schema, client_id)
    if application is None:
        raise invalid_client(f'Unknown client "{client_id}".')
    if application.secret_hash is not None:
        if not secret:
            raise invalid_client("The client secret is missing: this client is confidential.")
        if not verify_password(application.secret_hash, secret):
            raise invalid_client("The client secret is wrong.")
    if not application.active:
        raise invalid_client("The client has been revoked.")
    return application


def _loopback_match(registered: str, requested: str) -> bool:
    reg, req = urlsplit(registered), urlsplit(requested)
    return (
        reg.scheme == req.scheme == "http"
        and reg.hostname in LOOPBACK_HOSTS
        and reg.hostname == req.hostname
        and reg.path == req.path
        and reg.query == req.query
        and not req.fragment
        and not req.username
        and not req.password
    )


def resolve_redirect_uri(application: Application, requested: str | None) -> str | None:
    """The redirect URI to use: the requested one if registered (loopback: any port), the first
    registered one when none is requested; None when it does not match."""
    if not requested:
        return application.redirect_uris[0] if application.redirect_uris else None
    for registered in application.redirect_uris:
        if requested == registered or _loopback_match(registered, requested):
            return requested
    return None
