"""server/storage/search_index.py: a database made by an older index version gets a new one;
records inserted together are indexed from the values in hand exactly as a rebuild indexes them;
deferred entries are queued with their write and drained into the entries a rebuild makes.

The index is derived from the records, so an index whose tables lack the columns this version
writes (say, the owner and organization its items now copy) is dropped when the tables are
created, made again, and filled again at the server's start (``prepare_database``).
"""

from __future__ import annotations

from pathlib import Path

import sqlalchemy as sa

from server.domain.resources import build_registry
from server.storage.database import create_engine, create_tables
from server.storage.search_index import (
    deferred,
    drain,
    drop_outdated_index,
    index_empty,
    reindex,
)
from server.storage.tables import Schema, build_schema
from server.storage.write import Writer


def test_an_older_index_is_dropped_made_again_and_refilled(tmp_path: Path) -> None:
    registry = build_registry()
    schema = build_schema(registry)
    engine = create_engine(f"sqlite:///{tmp_path / 'old.db'}")
    create_tables(engine, schema)
    accounts = schema.tables["accounts"]
    with engine.begin() as connection:
        connection.execute(
            accounts.insert(), {"id": 1, "name": "Older Inc", "owner_id": 1, "organization_id": 1}
        )
        reindex(connection, registry, schema)
        assert not drop_outdated_index(connection, schema)  # this version's index stays
        # the items as the previous version made them: no owner, no organization
        connection.exec_driver_sql("DROP TABLE search_item")
        connection.exec_driver_sql(
            "CREATE TABLE search_item (id INTEGER PRIMARY KEY AUTOINCREMENT,"
            " entity VARCHAR(64) NOT NULL, record_id BIGINT NOT NULL, title TEXT)"
        )
    create_tables(engine, schema)
    with engine.begin() as connection:
        columns = {c["name"] for c in sa.inspect(connection).get_columns("search_item")}
        assert {"owner_id", "organization_id"} <= columns
        assert index_empty(connection, schema)  # to be filled at the start, as a new one
        reindex(connection, registry, schema)
        item = schema.search.item
        row = connection.execute(sa.select(item.c.title, item.c.owner_id)).one()
    assert tuple(row) == ("Older Inc", 1)
    engine.dispose()


def index_content(connection: sa.Connection, schema: Schema) -> set[tuple[object, ...]]:
    """What the index holds, by record rather than by item id (ids differ between builds)."""
    item = schema.search.item
    records = {
        row.id: (row.entity, row.record_id)
        for row in connection.execute(sa.select(item.c.id, item.c.entity, item.c.record_id))
    }
    content: set[tuple[object, ...]] = {
        (*records[row.id], "item", row.title, row.owner_id, row.organization_id)
        for row in connection.execute(sa.select(item))
    }
    for type_, table in schema.search.values.items():
        content |= {
            (*records[row.item_id], type_, row.field, row.value, row.owner_id, row.organization_id)
            for row in connection.execute(sa.select(table))
        }
    texts = connection.exec_driver_sql("SELECT rowid, all_text FROM search_fts")
    content |= {(*records[rowid], "allText", text) for rowid, text in texts}
    fields = connection.exec_driver_sql("SELECT item_id, field, value FROM search_text_fts")
    content |= {(*records[int(item_id)], "fts", field, value) for item_id, field, value in fields}
    return content


def test_entries_of_inserted_records_are_those_a_rebuild_makes(tmp_path: Path) -> None:
    """Records inserted together get their entries from the values in hand (not read back):
    the same entries, field for field, as the ones ``reindex`` reads from the stored rows."""
    registry = build_registry()
    schema = build_schema(registry)
    engine = create_engine(f"sqlite:///{tmp_path / 'index.db'}")
    create_tables(engine, schema)
    accounts, contacts, orders = (registry[t] for t in ("accounts", "contacts", "orders"))
    stamp = "2026-12-07T10:00:00Z"
    with engine.begin() as connection:
        writer = Writer(connection, registry, schema)
        writer.insert_all(
            [
                (
                    accounts,
                    [
                        {"name": "Acme  Inc", "owner_id": 1, "organization_id": 1},
                        {"name": "", "description": "no name", "created_at": stamp},
                    ],
                ),
                (
                    contacts,
                    [
                        {
                            "first_name": "Ada",
                            "last_name": "Lovelace",
                            "name_prefix": "Ms",
                            "birthday": "1815-12-10",
                            "created_at": stamp,
                            "owner_id": 2,
                            "organization_id": 1,
                        },
                        {"id": 40, "last_name": "Only", "times_contacted": 0},
                    ],
                ),
                (  # money: stored as integer units, indexed as the number sent
                    orders,
                    [
                        {"identifier": "PO-1", "currency": "USD", "total_value": 123450000},
                        {"identifier": "PO-2", "subtotal_value": 5, "organization_id": 1},
                    ],
                ),
            ]
        )
        written = index_content(connection, schema)
        reindex(connection, registry, schema)
        rebuilt = index_content(connection, schema)
    engine.dispose()
    assert written == rebuilt
    assert ("contacts", 40, "item", "Only", None, None) in written
    assert ("accounts", 1, "item", "Acme Inc", 1, 1) in written
    assert ("orders", 1, "decimal", "totalValue", 12345.0, None, None) in written


def queued(connection: sa.Connection, schema: Schema) -> list[tuple[str, int]]:
    pending = schema.search.pending
    rows = connection.execute(sa.select(pending.c.entity, pending.c.record_id).order_by("id"))
    return [(entity, record_id) for entity, record_id in rows]


def test_deferred_entries_are_queued_with_their_write_and_drained_as_a_rebuild_makes_them(
    tmp_path: Path,
) -> None:
    """Within ``deferred`` inserts and updates queue their records in the same transaction (a
    rolled-back write queues nothing); ``drain`` writes the entries from the records as stored
    then (one deleted meanwhile gets none) and empties the queue."""
    registry = build_registry()
    schema = build_schema(registry)
    engine = create_engine(f"sqlite:///{tmp_path / 'deferred.db'}")
    create_tables(engine, schema)
    accounts = registry["accounts"]
    rows = [{"name": f"Later {n}", "owner_id": 1, "organization_id": 1} for n in range(3)]
    with engine.connect() as connection:
        writer = Writer(connection, registry, schema)
        with deferred(registry):
            ids = writer.insert_many(accounts, rows)
            writer.update(accounts, ids[0], {"name": "Renamed"})
        connection.commit()
        with deferred(registry):
            writer.insert_many(accounts, rows)
        connection.rollback()
        assert index_empty(connection, schema)
        assert queued(connection, schema) == [("accounts", id_) for id_ in (*ids, ids[0])]
        table = schema.tables["accounts"]
        connection.execute(table.delete().where(table.c.id == ids[2]))
        assert (drain(connection, registry, schema), drain(connection, registry, schema)) == (4, 0)
        assert queued(connection, schema) == []
        item = schema.search.item
        titles = set(connection.scalars(sa.select(item.c.title)))
        drained = index_content(connection, schema)
        reindex(connection, registry, schema)
        assert drained == index_content(connection, schema)
        connection.commit()
    engine.dispose()
    assert titles == {"Renamed", "Later 1"}


def test_another_registrys_writes_are_indexed_at_once_when_one_is_deferred(
    tmp_path: Path,
) -> None:
    registry = build_registry()
    schema = build_schema(registry)
    engine = create_engine(f"sqlite:///{tmp_path / 'other.db'}")
    create_tables(engine, schema)
    with engine.begin() as connection, deferred(build_registry()):
        Writer(connection, registry, schema).insert(registry["accounts"], {"name": "Now"})
        assert queued(connection, schema) == []
        assert not index_empty(connection, schema)
    engine.dispose()
