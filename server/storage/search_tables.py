"""The search index's tables, as Oro's ORM search engine keeps them: one item per indexed record
(its entity, id and title) and one table of values per field type.

The full-text part (allText and text fields, word by word) belongs to the engine
(:mod:`server.storage.search_engine`), which keys its rows by these ids.
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
    values: dict[str, sa.Table]  # by field type: id, item_id, field, value


def _value_indexes(type_: str) -> list[sa.Index]:
    name = f"ix_search_{type_}_field_value"
    if type_ != "text":
        return [sa.Index(name, "field", "value", "item_id")]
    full = sa.Index(name, "field", "value", "item_id").ddl_if(dialect="sqlite")
    by_field = sa.Index(f"ix_search_{type_}_field", "field", "item_id").ddl_if(dialect="postgresql")
    return [full, by_field]


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
            # values in order by field, with their items: an aggregation reads them from the
            # index alone, already grouped. A text may be longer than a PostgreSQL index row:
            # there texts are indexed by field only (their words are the full-text engine's).
            *_value_indexes(type_),
            sqlite_autoincrement=True,
        )
        for type_, sql in VALUE_TYPES.items()
    }
    return SearchTables(item, values)
