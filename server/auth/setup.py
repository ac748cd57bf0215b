"""What the request pipeline needs of security, built once at start-up from the settings."""

from __future__ import annotations

import time

import sqlalchemy as sa

from server.auth.acl import Acl
from server.auth.authenticate import Authenticator, OpenAccess
from server.auth.bearer import BearerAuthenticator
from server.auth.keys import load_or_create_keys
from server.auth.principal import load_principal
from server.auth.session import SessionAuthenticator
from server.auth.storefront import (
    StorefrontBearer,
    customer_principal,
    find_customer_user,
    storefront_acl,
)
from server.auth.wsse import WsseAuthenticator
from server.metadata.model import Registry
from server.settings import Settings
from server.storage.dialect import read_engine
from server.storage.tables import Schema

ADMIN_USER_ID = 1
CUSTOMER_ADMIN_ID = 1  # the administrator of customer 1: whom --no-auth acts as on the storefront


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


def build_storefront_security(
    engine: sa.Engine, schema: Schema, registry: Registry, settings: Settings
) -> tuple[Acl | None, tuple[Authenticator, ...]]:
    """The storefront's roles and its one authenticator (its bearer tokens); with
    authentication off, every request acts as the administrator of customer 1, whose role
    still applies (a storefront caller is always somebody's)."""
    acl = storefront_acl(
        registry,
        settings.storefront_guest_resources,
        settings.storefront_guest_shopping_lists,
        settings.storefront_guest_checkout,
    )
    if not settings.auth:
        with engine.connect() as connection:
            login = find_customer_user(connection, schema, CUSTOMER_ADMIN_ID)
        assert login is not None, "the demo customer administrator is missing"
        return acl, (OpenAccess(customer_principal(login)),)
    keys = load_or_create_keys(engine, schema)
    return acl, (StorefrontBearer(read_engine(engine), schema, keys, time.time),)
