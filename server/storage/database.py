"""Engines (SQLite in WAL mode, StaticPool when in memory; PostgreSQL through psycopg, or any
other SQLAlchemy URL), creating the tables, counting their rows."""

from __future__ import annotations

import logging
from collections.abc import Mapping
from pathlib import Path
from typing import Any

import sqlalchemy as sa
from sqlalchemy.pool import StaticPool

from server.storage.dialect import sync_sequences
from server.storage.search_index import create_index, drop_outdated_index
from server.storage.tables import Schema, unique_indexes

log = logging.getLogger(__name__)

# as many connections as Starlette's thread pool (40 threads) and the batch queue's consumer may
# ask for at once: a request waiting for the writer before it holds its connection, and a pool
# smaller than the threads answers 500 ("QueuePool limit … reached") under many writers
POOL: dict[str, Any] = {"pool_size": 10, "max_overflow": 40}


def create_engine(url: str) -> sa.Engine:
    parsed = sa.make_url(url)
    if parsed.get_backend_name() == "postgresql":
        # a sandbox's data sits in memory, so an index lookup costs about a sequential read (else
        # a page's to-many ids scan the whole link table), and no JIT for short queries
        return sa.create_engine(
            url,
            **POOL,
            connect_args={"options": "-c random_page_cost=1.1 -c jit=off"},
        )
    if parsed.get_backend_name() != "sqlite":
        return sa.create_engine(url)
    memory = parsed.database in (None, "", ":memory:")
    # writes begin IMMEDIATE and take turns: a writer waits up to 30 s for the one before it
    options: dict[str, Any] = {"connect_args": {"check_same_thread": False, "timeout": 30}}
    if memory:
        options["poolclass"] = StaticPool
    else:
        options.update(POOL)
        Path(parsed.database or "").parent.mkdir(parents=True, exist_ok=True)
    engine = sa.create_engine(url, **options)

    @sa.event.listens_for(engine, "connect")
    def _pragmas(dbapi_connection: Any, _record: Any) -> None:
        cursor = dbapi_connection.cursor()
        if not memory:
            cursor.execute("PRAGMA journal_mode=WAL")
        cursor.execute("PRAGMA synchronous=NORMAL")
        cursor.execute("PRAGMA foreign_keys=OFF")
        # contains/starts_with/ends_with match case as Oro's do (it lowers only filters that are
        # configured case_insensitive); SQLite's LIKE ignores ASCII case unless told
        cursor.execute("PRAGMA case_sensitive_like=ON")
        cursor.close()

    return engine


def create_tables(engine: sa.Engine, schema: Schema, *, reset: bool = False) -> None:
    """Create the schema's missing tables and unique indexes; with ``reset``, drop them all
    first."""
    if reset:
        schema.metadata.drop_all(engine)
    else:
        with engine.begin() as connection:  # an older version's index: made again
            if drop_outdated_index(connection, schema):
                log.warning("the search index was made by an older version: it is rebuilt")
    schema.metadata.create_all(engine)
    add_missing_columns(engine, schema.metadata)
    with engine.begin() as connection:
        create_index(connection, schema, reset=reset)
    for index in unique_indexes(schema):  # a database made before they existed gets them
        try:
            index.create(engine, checkfirst=True)
        except sa.exc.IntegrityError:  # duplicates stored already: the write checks remain
            log.warning("cannot create the unique index %s: duplicate values stored", index.name)
    with engine.begin() as connection:
        sync_sequences(connection, schema.metadata)


def add_missing_columns(engine: sa.Engine, metadata: sa.MetaData) -> list[str]:
    """Add the nullable columns (and their indexes) a database made by an older version lacks,
    say ``shopping_list.visitor_id``; the ``table.column`` names added."""
    existing = sa.inspect(engine)
    names = set(existing.get_table_names())
    added = []
    for table in metadata.sorted_tables:
        if table.name not in names:
            continue
        present = {column["name"] for column in existing.get_columns(table.name)}
        missing = [c for c in table.columns if c.name not in present and c.nullable]
        if not missing:
            continue
        with engine.begin() as connection:
            for column in missing:
                kind = column.type.compile(dialect=engine.dialect)
                name = engine.dialect.identifier_preparer.quote(column.name)
                table_name = engine.dialect.identifier_preparer.format_table(table)
                connection.execute(sa.text(f"ALTER TABLE {table_name} ADD COLUMN {name} {kind}"))
                added.append(f"{table.name}.{column.name}")
        for index in table.indexes:
            if any(column in missing for column in index.columns):
                index.create(engine, checkfirst=True)
    for name in added:
        log.warning("the database was made by an older version: column %s added", name)
    return added


def count_rows(connection: sa.Connection, schema: Schema) -> Mapping[str, int]:
    """Rows per resource type as stored now (for the CLI's report)."""
    return {
        type_: connection.execute(sa.select(sa.func.count()).select_from(table)).scalar_one()
        for type_, table in schema.tables.items()
    }
