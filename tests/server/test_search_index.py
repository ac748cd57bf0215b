"""server/storage/search_index.py: a database made by an older index version gets a new one.

The index is derived from the records, so an index whose tables lack the columns this version
writes (say, the owner and organization its items now copy) is dropped when the tables are
created, made again, and filled again at the server's start (``prepare_database``).
"""

from __future__ import annotations

from pathlib import Path

import sqlalchemy as sa

from server.domain.resources import build_registry
from server.storage.database import create_engine, create_tables
from server.storage.search_index import drop_outdated_index, index_empty, reindex
from server.storage.tables import build_schema


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
