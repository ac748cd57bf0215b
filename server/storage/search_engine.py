"""The full-text part of the search index, behind one small interface so that another database's
own full-text search can implement it (PostgreSQL: ``tsvector`` columns and ``@@`` queries).

A query's words match the words of a text that start with them (Oro's ``~``: ``"acm"`` finds
"Acme"), every word of the query must match, case and accents ignored.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence
from typing import Any, Protocol

import sqlalchemy as sa

WORD = re.compile(r"\w+")


def words(text: str) -> list[str]:
    """The words of a query's text, lower-case (what the engine matches, each as a prefix)."""
    return [w.lower() for w in WORD.findall(text)]


def field_token(name: str) -> str:
    """A field name as one word of the engine (``firstName`` → ``firstname``)."""
    return re.sub(r"[\W_]", "", name.lower())


Bind = Callable[[Any], "sa.BindParameter[Any]"]  # a value → its bind parameter in the statement


class FullText(Protocol):
    def create(self, connection: sa.Connection) -> None: ...

    def drop(self, connection: sa.Connection) -> None: ...

    def put(
        self,
        connection: sa.Connection,
        items: Sequence[tuple[int, str]],
        texts: Sequence[tuple[int, int, str, str]],
    ) -> None:
        """Add ``(item id, allText)`` and ``(text row id, item id, field, value)`` rows."""

    def remove(self, connection: sa.Connection, item_ids: Sequence[int]) -> None:
        """Remove the items' rows."""

    def all_text(self, bind: Bind, query_words: Sequence[str]) -> sa.Select[Any]:
        """Ids of the items whose allText has every word (as a prefix); some words needed."""

    def field_text(self, bind: Bind, field: str, query_words: Sequence[str]) -> sa.Select[Any]:
        """Ids of the items whose text field ``field`` has every word (as a prefix)."""


class SqliteFts5:
    """SQLite's FTS5: one table of allText by item id, one of text fields by text row id (the
    field name a word of its own column)."""

    tokenizer = "tokenize = 'unicode61 remove_diacritics 2'"

    def create(self, connection: sa.Connection) -> None:
        connection.exec_driver_sql(
            f"CREATE VIRTUAL TABLE IF NOT EXISTS search_fts USING fts5(all_text, {self.tokenizer})"
        )
        connection.exec_driver_sql(
            "CREATE VIRTUAL TABLE IF NOT EXISTS search_text_fts"
            f" USING fts5(field, value, item_id UNINDEXED, {self.tokenizer})"
        )

    def drop(self, connection: sa.Connection) -> None:
        connection.exec_driver_sql("DROP TABLE IF EXISTS search_fts")
        connection.exec_driver_sql("DROP TABLE IF EXISTS search_text_fts")

    def put(
        self,
        connection: sa.Connection,
        items: Sequence[tuple[int, str]],
        texts: Sequence[tuple[int, int, str, str]],
    ) -> None:
        if items:
            connection.exec_driver_sql(
                "INSERT INTO search_fts (rowid, all_text) VALUES (?, ?)", list(items)
            )
        if texts:
            connection.exec_driver_sql(
                "INSERT INTO search_text_fts (rowid, item_id, field, value) VALUES (?, ?, ?, ?)",
                [(row, item, field_token(field), value) for row, item, field, value in texts],
            )

    def remove(self, connection: sa.Connection, item_ids: Sequence[int]) -> None:
        """(Before the items' text rows are deleted: they name the full-text rows.)"""
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

    def all_text(self, bind: Bind, query_words: Sequence[str]) -> sa.Select[Any]:
        match = sa.literal_column("search_fts").op("MATCH")(bind(self._match(query_words)))
        return (
            sa.select(sa.literal_column("rowid")).select_from(sa.table("search_fts")).where(match)
        )

    def field_text(self, bind: Bind, field: str, query_words: Sequence[str]) -> sa.Select[Any]:
        expression = f'field : "{field_token(field)}" AND value : ({self._match(query_words)})'
        match = sa.literal_column("search_text_fts").op("MATCH")(bind(expression))
        return (
            sa.select(sa.literal_column("item_id"))
            .select_from(sa.table("search_text_fts"))
            .where(match)
        )


class PostgresFullText:
    """PostgreSQL's ``tsvector`` (configuration ``simple``: no stemming, as FTS5) under GIN
    indexes; a query's words are prefixes (``word:*``)."""

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

    def drop(self, connection: sa.Connection) -> None:
        connection.exec_driver_sql("DROP TABLE IF EXISTS search_fts")
        connection.exec_driver_sql("DROP TABLE IF EXISTS search_text_fts")

    def put(
        self,
        connection: sa.Connection,
        items: Sequence[tuple[int, str]],
        texts: Sequence[tuple[int, int, str, str]],
    ) -> None:
        if items:
            connection.exec_driver_sql(
                "INSERT INTO search_fts (item_id, doc) VALUES (%s, to_tsvector('simple', %s))",
                list(items),
            )
        if texts:
            connection.exec_driver_sql(
                "INSERT INTO search_text_fts (id, item_id, field, doc)"
                " VALUES (%s, %s, %s, to_tsvector('simple', %s))",
                list(texts),
            )

    def remove(self, connection: sa.Connection, item_ids: Sequence[int]) -> None:
        if not item_ids:
            return
        ids = list(item_ids)
        connection.exec_driver_sql("DELETE FROM search_fts WHERE item_id = ANY(%s)", (ids,))
        connection.exec_driver_sql("DELETE FROM search_text_fts WHERE item_id = ANY(%s)", (ids,))

    @staticmethod
    def _query(query_words: Sequence[str]) -> str:
        return " & ".join(f"{w}:*" for w in query_words)  # words are \w+: no operators

    def all_text(self, bind: Bind, query_words: Sequence[str]) -> sa.Select[Any]:
        query = sa.func.to_tsquery(sa.literal_column("'simple'"), bind(self._query(query_words)))
        return (
            sa.select(sa.literal_column("item_id"))
            .select_from(sa.table("search_fts"))
            .where(sa.literal_column("doc").op("@@")(query))
        )

    def field_text(self, bind: Bind, field: str, query_words: Sequence[str]) -> sa.Select[Any]:
        query = sa.func.to_tsquery(sa.literal_column("'simple'"), bind(self._query(query_words)))
        return (
            sa.select(sa.literal_column("item_id"))
            .select_from(sa.table("search_text_fts"))
            .where(sa.literal_column("field") == bind(field))
            .where(sa.literal_column("doc").op("@@")(query))
        )


def full_text(dialect: str) -> FullText:
    """The engine of a database (SQLAlchemy's dialect name)."""
    return PostgresFullText() if dialect == "postgresql" else SqliteFts5()
