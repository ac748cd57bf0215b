"""What the request pipeline needs of security, built once at start-up from the settings."""

from __future__ import annotations

import sqlalchemy as sa

from server.auth.acl import Acl
from server.auth.authenticate import Authenticator, OpenAccess
from server.auth.bearer import BearerAuthenticator
from server.auth.keys import load_or_create_keys
from server.auth.principal import load_principal
from server.auth.session import SessionAuthenticator
from server.auth.wsse import WsseAuthenticator
from server.settings import Settings
from server.storage.dialect import read_engine
from server.storage.tables import Schema

ADMIN_USER_ID = 1


def build_security(
    engine: sa.Engine, schema: Schema, settings: Settings
) -> tuple[Acl | None, tuple[Authenticator, ...]]:
    """The ACL and the authenticator chain; with authentication off (``--no-auth``) no ACL and
    every request acts as the demo administrator."""
    with engine.connect() as connection:
        if not settings.auth:
            admin = load_principal(connection, schema, ADMIN_USER_ID)
            assert admin is not None, "the demo administrator is missing"
            return None, (OpenAccess(admin),)
        acl = Acl.load(connection, schema)
    keys = load_or_create_keys(engine, schema)
    return acl, (
        BearerAuthenticator(read_engine(engine), schema, settings, keys),  # reads only
        WsseAuthenticator(engine, schema, settings),
        SessionAuthenticator(engine, schema, settings, keys),  # last: it needs X-CSRF-Header
    )
