"""The search index's tables, as Oro's ORM search engine keeps them: one item per indexed record
(its entity, id and title) and one table of values per field type.

The full-text part (allText and text fields, word by word) belongs to the engine
(:mod:`server.storage.search_engine`), which keys its rows by these ids. ``search_pending``
holds the records whose entries are to follow later (an asynchronous operation's, as Oro's
message queue reindexes them: :mod:`server.storage.search_index`).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import sqlalchemy as sa

VALUE_TYPES: dict[str, type[sa.types.TypeEngine[Any]]] = {
    "text": sa.Text,
    "integer": sa.BigInteger,
    "decimal": sa.Float,
    "datetime": sa.String,  # "YYYY-MM-DD hh:mm:ss", ordered as text
}


@dataclass(frozen=True)
class SearchTables:
    item: sa.Table  # id, entity (resource type), record_id, title, owner_id, organization_id
    # by field type: id, item_id, field, value, and the item's entity, owner_id, organization_id
    values: dict[str, sa.Table]
    pending: sa.Table  # id, entity (resource type), record_id: entries still to write


OWNED_BY = ("entity", "organization_id", "owner_id")  # what an item's access is judged on


def _value_indexes(type_: str) -> list[sa.Index]:
    """Values in order by field, with what access is judged on and their items: an aggregation
    over a type reads them from the index alone, already grouped. A text may be longer than a
    PostgreSQL index row: there texts are indexed without their value."""
    name = f"ix_search_{type_}_field_value"
    full = sa.Index(name, "field", "value", *OWNED_BY, "item_id")
    if type_ != "text":
        return [full]
    by_field = sa.Index(f"ix_search_{type_}_field", "field", *OWNED_BY, "item_id")
    return [full.ddl_if(dialect="sqlite"), by_field.ddl_if(dialect="postgresql")]


def define_search_tables(metadata: sa.MetaData) -> SearchTables:
    item = sa.Table(
        "search_item",
        metadata,
        sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
        sa.Column("entity", sa.String(64), nullable=False),
        sa.Column("record_id", sa.BigInteger, nullable=False),
        sa.Column("title", sa.Text),
        # the record's owner and organization, copied as Oro's index does: the caller's access
        # rule is judged on the item alone, without reading the record
        sa.Column("owner_id", sa.BigInteger),
        sa.Column("organization_id", sa.BigInteger),
        sa.Index("ux_search_item_record", "entity", "record_id", unique=True),
        sa.Index("ix_search_item_entity", "entity", "id"),  # one type's items, latest first
        sqlite_autoincrement=True,
    )
    values = {
        type_: sa.Table(
            f"search_{type_}",
            metadata,
            sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
            sa.Column("item_id", sa.Integer, nullable=False, index=True),
            sa.Column("field", sa.String(64), nullable=False),
            sa.Column("value", sql(), nullable=False),
            # the item's, copied: an aggregation over one type judges access on the value alone
            sa.Column("entity", sa.String(64), nullable=False),
            sa.Column("owner_id", sa.BigInteger),
            sa.Column("organization_id", sa.BigInteger),
            *_value_indexes(type_),
            sqlite_autoincrement=True,
        )
        for type_, sql in VALUE_TYPES.items()
    }
    pending = sa.Table(
        "search_pending",
        metadata,
        sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
        sa.Column("entity", sa.String(64), nullable=False),
        sa.Column("record_id", sa.BigInteger, nullable=False),
    )
    return SearchTables(item, values, pending)
