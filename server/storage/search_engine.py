"""The full-text part of the search index, behind one small interface so that another database's
own full-text search can implement it (PostgreSQL: ``tsvector`` columns and ``@@`` queries).

A query's words match the words of a text that start with them (Oro's ``~``: ``"acm"`` finds
"Acme"), every word of the query must match, case and accents ignored.

Two full-text tables: ``search_fts`` holds each item's allText under the item's id, and
``search_text_fts`` each text field's value under its ``search_text`` row id. An engine says how
to create them, write and delete rows, and match words; :class:`FullText` holds what they share.
"""

from __future__ import annotations

import functools
import re
from abc import ABC, abstractmethod
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any

import sqlalchemy as sa

WORD = re.compile(r"\w+")
TABLES = ("search_fts", "search_text_fts")


def words(text: str) -> list[str]:
    """The words of a query's text, lower-case (what the engine matches, each as a prefix)."""
    return [w.lower() for w in WORD.findall(text)]


@functools.cache  # (field names are few; every text value written asks)
def field_token(name: str) -> str:
    """A field name as one word of the engine (``firstName`` → ``firstname``)."""
    return re.sub(r"[\W_]", "", name.lower())


Bind = Callable[[Any], "sa.BindParameter[Any]"]  # a value → its bind parameter in the statement


@dataclass(frozen=True)
class Match:
    """The allText rows having some words: join ``table`` on ``key`` = the item's id, where
    ``condition``; ``key`` is also the order in which the engine reads them fastest."""

    table: sa.TableClause
    key: sa.ColumnElement[Any]
    condition: sa.ColumnElement[bool]


class FullText(ABC):
    items_insert: str  # (item id, allText)
    texts_insert: str  # (text row id, item id, field, value)

    @abstractmethod
    def create(self, connection: sa.Connection) -> None: ...

    def drop(self, connection: sa.Connection) -> None:
        for table in TABLES:
            connection.exec_driver_sql(f"DROP TABLE IF EXISTS {table}")

    def put(
        self,
        connection: sa.Connection,
        items: Sequence[tuple[int, str]],
        texts: Sequence[tuple[int, int, str, str]],
    ) -> None:
        """Add ``(item id, allText)`` and ``(text row id, item id, field, value)`` rows."""
        if items:
            connection.exec_driver_sql(self.items_insert, list(items))
        if texts:
            connection.exec_driver_sql(
                self.texts_insert,
                [(row, item, field_token(field), value) for row, item, field, value in texts],
            )

    @abstractmethod
    def remove(self, connection: sa.Connection, item_ids: Sequence[int]) -> None:
        """Remove the items' rows (before their ``search_text`` rows are deleted)."""

    @abstractmethod
    def all_text(self, bind: Bind, query_words: Sequence[str]) -> Match:
        """The items whose allText has every word (as a prefix); some words needed."""

    @abstractmethod
    def field_text(self, bind: Bind, field: str, query_words: Sequence[str]) -> sa.Select[Any]:
        """Ids of the items whose text field ``field`` has every word (as a prefix)."""


class SqliteFts5(FullText):
    """SQLite's FTS5, keyed by rowid; the field name of a text row is a word of its own column.
    Prefix indexes of 2 to 4 characters let a short word's matches be read in rowid order
    (a first page stops early) instead of merged from every word it begins."""

    options = "prefix = '2 3 4', tokenize = 'unicode61 remove_diacritics 2'"
    items_insert = "INSERT INTO search_fts (rowid, all_text) VALUES (?, ?)"
    texts_insert = "INSERT INTO search_text_fts (rowid, item_id, field, value) VALUES (?, ?, ?, ?)"

    def create(self, connection: sa.Connection) -> None:
        connection.exec_driver_sql(
            f"CREATE VIRTUAL TABLE IF NOT EXISTS search_fts USING fts5(all_text, {self.options})"
        )
        connection.exec_driver_sql(
            "CREATE VIRTUAL TABLE IF NOT EXISTS search_text_fts"
            f" USING fts5(field, value, item_id UNINDEXED, {self.options})"
        )

    def remove(self, connection: sa.Connection, item_ids: Sequence[int]) -> None:
        if not item_ids:
            return
        marks = ", ".join("?" * len(item_ids))  # (FTS5 finds rowid = ? fastest)
        connection.exec_driver_sql(
            f"DELETE FROM search_fts WHERE rowid IN ({marks})", tuple(item_ids)
        )
        connection.exec_driver_sql(
            "DELETE FROM search_text_fts WHERE rowid IN"
            f" (SELECT id FROM search_text WHERE item_id IN ({marks}))",
            tuple(item_ids),
        )

    @staticmethod
    def _match(query_words: Sequence[str]) -> str:
        return " ".join(f'"{w}"*' for w in query_words)

    def all_text(self, bind: Bind, query_words: Sequence[str]) -> Match:
        table = sa.table("search_fts", sa.column("rowid"))
        match = sa.literal_column("search_fts").op("MATCH")(bind(self._match(query_words)))
        return Match(table, table.c.rowid, match)

    def field_text(self, bind: Bind, field: str, query_words: Sequence[str]) -> sa.Select[Any]:
        expression = f'field : "{field_token(field)}" AND value : ({self._match(query_words)})'
        match = sa.literal_column("search_text_fts").op("MATCH")(bind(expression))
        return (
            sa.select(sa.literal_column("item_id"))
            .select_from(sa.table("search_text_fts"))
            .where(match)
        )


class PostgresFullText(FullText):
    """PostgreSQL's ``tsvector`` (configuration ``simple``: no stemming, as FTS5) under GIN
    indexes; a query's words are prefixes (``word:*``)."""

    items_insert = "INSERT INTO search_fts (item_id, doc) VALUES (%s, to_tsvector('simple', %s))"
    texts_insert = (
        "INSERT INTO search_text_fts (id, item_id, field, doc)"
        " VALUES (%s, %s, %s, to_tsvector('simple', %s))"
    )

    def create(self, connection: sa.Connection) -> None:
        for statement in (
            "CREATE TABLE IF NOT EXISTS search_fts"
            " (item_id INTEGER PRIMARY KEY, doc TSVECTOR NOT NULL)",
            "CREATE INDEX IF NOT EXISTS ix_search_fts_doc ON search_fts USING GIN (doc)",
            "CREATE TABLE IF NOT EXISTS search_text_fts (id INTEGER PRIMARY KEY,"
            " item_id INTEGER NOT NULL, field TEXT NOT NULL, doc TSVECTOR NOT NULL)",
            "CREATE INDEX IF NOT EXISTS ix_search_text_fts_doc ON search_text_fts USING GIN (doc)",
            "CREATE INDEX IF NOT EXISTS ix_search_text_fts_item ON search_text_fts (item_id)",
        ):
            connection.exec_driver_sql(statement)

    def remove(self, connection: sa.Connection, item_ids: Sequence[int]) -> None:
        if not item_ids:
            return
        ids = list(item_ids)
        for table in TABLES:
            connection.exec_driver_sql(f"DELETE FROM {table} WHERE item_id = ANY(%s)", (ids,))

    @staticmethod
    def _query(bind: Bind, query_words: Sequence[str]) -> sa.ColumnElement[Any]:
        text = " & ".join(f"{w}:*" for w in query_words)  # words are \w+: no operators
        return sa.func.to_tsquery(sa.literal_column("'simple'"), bind(text))

    def all_text(self, bind: Bind, query_words: Sequence[str]) -> Match:
        table = sa.table("search_fts", sa.column("item_id"), sa.column("doc"))
        return Match(table, table.c.item_id, table.c.doc.op("@@")(self._query(bind, query_words)))

    def field_text(self, bind: Bind, field: str, query_words: Sequence[str]) -> sa.Select[Any]:
        table = sa.table("search_text_fts", sa.column("item_id"), sa.column("field"))
        return (
            sa.select(table.c.item_id)
            .where(table.c.field == bind(field_token(field)))
            .where(sa.literal_column("doc").op("@@")(self._query(bind, query_words)))
        )


def full_text(dialect: str) -> FullText:
    """The engine of a database (SQLAlchemy's dialect name)."""
    return PostgresFullText() if dialect == "postgresql" else SqliteFts5()
