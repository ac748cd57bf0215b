"""A database ready to serve: the tables, and on first use the demo organisation and its security.

Apart from the demo data itself (``server.domain.seed``) and from the schema (``server.storage``).
"""

from __future__ import annotations

import sqlalchemy as sa

from server.auth.oauth.seed import seed_applications
from server.auth.seed import seed_auth
from server.domain.seed import seed
from server.domain.storefront_seed import seed_storefront, storefront_seeded
from server.metadata.model import Registry
from server.storage.database import create_tables
from server.storage.dialect import sync_sequences
from server.storage.search_index import index_empty, reindex
from server.storage.tables import Schema


def prepare_database(
    engine: sa.Engine,
    registry: Registry,
    schema: Schema,
    *,
    scale: int = 1,
    reset: bool = False,
    storefront: tuple[Registry, Schema] | None = None,
) -> bool:
    """Create the tables (dropping them first with ``reset``) and seed them when empty; with
    ``storefront`` (its registry and schema, in the same metadata) its demo data too, also in
    a database made before the storefront existed.

    Returns whether it seeded. Emptiness is judged by the ``organization`` table (the
    storefront's by the ``website`` table), so a database a user has changed is never seeded
    over.
    """
    create_tables(engine, schema, reset=reset)
    organizations = schema.tables["organizations"]
    with engine.begin() as connection:
        if connection.execute(sa.select(organizations.c.id).limit(1)).first() is not None:
            if index_empty(connection, schema):  # a database made before the search index
                reindex(connection, registry, schema)
            seeded = False
        else:
            seed(connection, registry, schema, scale)
            seed_auth(connection, schema, registry)
            reindex(connection, registry, schema)
            seeded = True
        if storefront is not None and not storefront_seeded(connection, schema):
            seed_storefront(connection, *storefront)
            seeded = True
        added = seed_applications(connection, schema)  # demo applications of a newer version
        if seeded or added:
            sync_sequences(connection, schema.metadata)  # seeded rows carry their ids
    return seeded
