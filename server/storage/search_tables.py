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
    item: sa.Table  # id, entity (resource type), record_id, title
    values: dict[str, sa.Table]  # by field type: id, item_id, field, value


def define_search_tables(metadata: sa.MetaData) -> SearchTables:
    item = sa.Table(
        "search_item",
        metadata,
        sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
        sa.Column("entity", sa.String(64), nullable=False),
        sa.Column("record_id", sa.BigInteger, nullable=False),
        sa.Column("title", sa.Text),
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
            # a text may be longer than a PostgreSQL index row: texts are indexed by field only
            # (their words are the full-text engine's)
            sa.Index(
                f"ix_search_{type_}_field_value", "field", *(() if type_ == "text" else ("value",))
            ),
            sqlite_autoincrement=True,
        )
        for type_, sql in VALUE_TYPES.items()
    }
    return SearchTables(item, values)
