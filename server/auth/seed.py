"""The demo organisation's security data: role permissions, passwords, API keys, OAuth apps."""

from __future__ import annotations

import sqlalchemy as sa

from server.auth.acl import seed_permissions
from server.auth.api_keys import seed_api_keys
from server.auth.credentials_seed import seed_credentials
from server.auth.oauth.seed import seed_applications
from server.metadata.model import Registry
from server.storage.tables import Schema


def seed_auth(connection: sa.Connection, schema: Schema, registry: Registry) -> None:
    seed_permissions(connection, schema, registry)
    seed_api_keys(connection, schema)
    seed_credentials(connection, schema)
    seed_applications(connection, schema)
