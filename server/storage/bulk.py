"""Bulk inserts for seeding: rows keyed by API field names, written in batches."""

from __future__ import annotations

from typing import Any

import sqlalchemy as sa

from server.metadata.model import Registry
from server.storage.tables import Schema

BATCH = 5000
Row = dict[str, Any]


class BulkWriter:
    """Inserts rows keyed by API field names into the tables derived from the registry."""

    def __init__(self, connection: sa.Connection, registry: Registry, schema: Schema) -> None:
        self.connection = connection
        self.registry = registry
        self.schema = schema
        self.counts: dict[str, int] = {}

    def _columns(self, type_: str) -> list[tuple[str, str, bool]]:
        """(field, column, is_json) for every column of the resource's table."""
        resource = self.registry[type_]
        columns = [("id", "id", False)]
        columns += [
            (a.name, a.column, a.type.name in ("json", "array"))
            for a in resource.attributes
            if a.stored
        ]
        columns += [(r.name, r.column, False) for r in resource.relationships if not r.many]
        return columns

    def insert(self, type_: str, rows: list[Row]) -> None:
        if not rows:
            return
        columns = self._columns(type_)
        unknown = set(rows[0]) - {name for name, _, _ in columns}
        if unknown:
            raise KeyError(f"{type_}: unknown fields {sorted(unknown)}")
        null = sa.null()
        table = self.schema.tables[type_]
        for start in range(0, len(rows), BATCH):
            batch = [
                {
                    column: null if json and row.get(name) is None else row.get(name)
                    for name, column, json in columns
                }
                for row in rows[start : start + BATCH]
            ]
            self.connection.execute(table.insert(), batch)
        self.counts[type_] = self.counts.get(type_, 0) + len(rows)

    def link(self, type_: str, relationship: str, pairs: list[tuple[int, int]]) -> None:
        table, link = self.schema.link(type_, relationship)
        for start in range(0, len(pairs), BATCH):
            self.connection.execute(
                table.insert(),
                [
                    {link.owner_column: owner, link.target_column: target}
                    for owner, target in pairs[start : start + BATCH]
                ],
            )
