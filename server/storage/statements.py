"""Compiled statements: each built and compiled once per *shape*, kept in a bounded cache, run on
the driver's own cursor.

A statement's cache key is its shape: the resource, which filters and operators, the sort, the
access rule's kind; never the values, nor how many values a list holds (a list is one JSON array
parameter; see ``server.storage.dialect``). Each request only
binds its values, so the hot path does no statement building and no ORM-style row processing.
The cache keeps the ``max_statements`` most recently used statements; it is safe across threads
(two threads may compile one shape at once: the later copy replaces the earlier, both are right).
"""

from __future__ import annotations

import threading
from collections import OrderedDict
from collections.abc import Callable, Hashable
from dataclasses import dataclass
from typing import Any

import sqlalchemy as sa

MAX_STATEMENTS = 512  # compiled statements kept (least recently used ones go first)
Params = dict[str, Any]


@dataclass(frozen=True)
class Sql:
    """A compiled statement: its text and how to order the values for the driver."""

    text: str
    names: tuple[str, ...] | None  # positional drivers (SQLite): bind names in order

    def args(self, params: Params) -> Any:
        return [params[name] for name in self.names] if self.names is not None else params


def run(connection: sa.Connection, sql: Sql, params: Params) -> list[tuple[Any, ...]]:
    """Execute on the driver's own cursor, inside the connection's transaction."""
    cursor = connection.connection.driver_connection.cursor()  # type: ignore[union-attr]
    try:
        cursor.execute(sql.text, sql.args(params))
        rows: list[tuple[Any, ...]] = cursor.fetchall()
        return rows
    finally:
        cursor.close()


class Statements:
    """Compiled statements by shape, least recently used first out."""

    def __init__(self, dialect: sa.Dialect, max_statements: int = MAX_STATEMENTS) -> None:
        self.dialect = dialect
        self.max_statements = max_statements
        self._compiled: OrderedDict[Hashable, Sql] = OrderedDict()
        self._lock = threading.Lock()

    def compiled(self, key: Hashable, build: Callable[[], sa.Select[Any]]) -> Sql:
        """The statement of shape ``key``; ``build`` makes it when it is not kept."""
        with self._lock:
            sql = self._compiled.get(key)
            if sql is not None:
                self._compiled.move_to_end(key)
                return sql
        compiled = build().compile(dialect=self.dialect)
        names = tuple(compiled.positiontup) if compiled.positional else None  # type: ignore[arg-type]
        sql = Sql(compiled.string, names)
        with self._lock:
            self._compiled[key] = sql
            while len(self._compiled) > self.max_statements:
                self._compiled.popitem(last=False)
        return sql

    def cached(self) -> int:
        """How many compiled statements are kept."""
        return len(self._compiled)
