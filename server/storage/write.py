"""Writes inside the caller's transaction: inserts, updates, links, reference checks, deletes.

A delete that references forbid raises :class:`server.storage.errors.StillReferenced`. Every
insert, update and delete also rewrites the search index entries of the records it touches, in
the same transaction (:class:`server.storage.search_index.Indexer`): whatever action writes
through a Writer keeps the index in step without code of its own.
"""

from __future__ import annotations

import functools
import operator
from collections.abc import Callable, Iterable, Mapping, Sequence
from typing import Any

import sqlalchemy as sa

from server.metadata.model import Registry, Relationship, Resource
from server.storage.dialect import reserve_many
from server.storage.errors import StillReferenced
from server.storage.load import chunks
from server.storage.search_index import Indexer
from server.storage.tables import Schema


class Writer:
    def __init__(self, connection: sa.Connection, registry: Registry, schema: Schema) -> None:
        self.connection = connection
        self.registry = registry
        self.schema = schema
        self.index = Indexer(connection, registry, schema)
        self._peers: list[Writer] = []

    def table(self, resource: Resource) -> sa.Table:
        return self.schema.tables[resource.type]

    def existing(self, resource: Resource, ids: Iterable[Any]) -> set[Any]:
        statement = _existing(self.table(resource))
        found: set[Any] = set()
        for part in chunks(list(dict.fromkeys(ids))):
            found.update(self.connection.scalars(statement, {"ids": part}))
        return found

    def taken(
        self,
        resource: Resource,
        name: str,
        value: Any,
        exclude_id: Any = None,
        scope: Mapping[str, Any] | None = None,
    ) -> bool:
        """Whether another record already has ``value`` in the unique attribute ``name``, among
        the records with the same ``scope`` (foreign key column → value)."""
        table = self.table(resource)
        column = table.c[resource.attribute[name].column]
        statement = sa.select(sa.literal(1)).where(column == value)
        for scope_column, scope_value in (scope or {}).items():
            statement = statement.where(table.c[scope_column] == scope_value)
        if exclude_id is not None:
            statement = statement.where(table.c.id != exclude_id)
        return self.connection.scalar(statement.limit(1)) is not None

    def stored(self, resource: Resource, id_: Any, columns: Sequence[str]) -> dict[str, Any]:
        """Some columns of one stored record."""
        table = self.table(resource)
        row = self.connection.execute(
            sa.select(*(table.c[name] for name in columns)).where(table.c.id == id_)
        ).first()
        return dict(zip(columns, row or (None,) * len(columns), strict=True))

    def matching(
        self,
        resource: Resource,
        criteria: Mapping[str, Any],
        scope: Mapping[str, Any],
        limit: int,
    ) -> list[Any]:
        """Ids of up to ``limit`` records whose fields (attribute or to-one relationship names)
        equal ``criteria`` (None: no value) among those with the ``scope`` columns' values."""
        table = self.table(resource)
        statement = sa.select(table.c.id)
        for name, value in criteria.items():
            field = resource.attribute.get(name)
            column = table.c[field.column if field else resource.relationship[name].column]
            statement = statement.where(column.is_(None) if value is None else column == value)
        for name, value in scope.items():
            statement = statement.where(table.c[name] == value)
        return list(self.connection.scalars(statement.order_by(table.c.id).limit(limit)))

    def insert(self, resource: Resource, values: Mapping[str, Any]) -> Any:
        result = self.connection.execute(self.table(resource).insert().values(**values))
        id_ = values.get(
            "id", result.inserted_primary_key[0] if result.inserted_primary_key else None
        )
        self.index.add(resource, [{**values, "id": id_}])
        return id_

    def insert_many(self, resource: Resource, rows: Sequence[Mapping[str, Any]]) -> list[Any]:
        """Insert records at once (see :meth:`insert_all`); their ids, in the order of ``rows``."""
        return self.insert_all([(resource, rows)])[0]

    def insert_all(
        self, groups: Sequence[tuple[Resource, Sequence[Mapping[str, Any]]]]
    ) -> list[list[Any]]:
        """Insert records of several types (one group per type) at once: rows of the same
        columns go in one statement, generated ids reserved first (every table's in one
        statement), and the index entries of all of them are written together. The ids of each
        group, in the order of its rows. Within the writers' turn
        (:func:`server.storage.dialect.begin_write`)."""
        if sum(len(rows) for _, rows in groups) == 1:  # one record: the database's own id
            return [[self.insert(resource, row) for row in rows] for resource, rows in groups]
        shapes = [_shapes(rows) for _, rows in groups]
        counts = [sum(len(m) for c, m in shape.items() if "id" not in c) for shape in shapes]
        reserved = reserve_many(
            self.connection,
            [
                (self.table(resource), count)
                for (resource, _), count in zip(groups, counts, strict=True)
            ],
        )
        found: list[list[Any]] = []
        for (resource, rows), shape, taken in zip(groups, shapes, reserved, strict=True):
            table = self.table(resource)
            fresh = iter(taken or ())
            ids: list[Any] = [None] * len(rows)
            for columns, members in shape.items():
                params = [rows[n] for n in members]
                if "id" not in columns and taken is not None:
                    params = [{**row, "id": next(fresh)} for row in params]
                if "id" in columns or taken is not None:
                    self._insert_rows(table, params)
                    got = [row["id"] for row in params]
                else:  # ids the database makes otherwise: returned (row by row, in order)
                    statement = table.insert().returning(table.c.id, sort_by_parameter_order=True)
                    got = list(self.connection.scalars(statement, params))
                for n, id_ in zip(members, got, strict=True):
                    ids[n] = id_
            found.append(ids)
        self.index.add_all(
            [
                (resource, [{**row, "id": id_} for row, id_ in zip(rows, ids, strict=True)])
                for (resource, rows), ids in zip(groups, found, strict=True)
            ]
        )
        return found

    def update(self, resource: Resource, id_: Any, values: Mapping[str, Any]) -> None:
        if values:
            table = self.table(resource)
            self.connection.execute(table.update().where(table.c.id == id_).values(**values))
            self.index.refresh(resource, [id_])

    def link(
        self, resource: Resource, rel: Relationship, owner_id: Any, ids: Sequence[Any], mode: str
    ) -> None:
        """Replace, add or remove members of a many-to-many association."""
        link_table, link = self.schema.link(resource.type, rel.name)
        owner = link_table.c[link.owner_column]
        target = link_table.c[link.target_column]
        if mode == "replace":
            self.connection.execute(link_table.delete().where(owner == owner_id))
        if mode == "remove":  # (adding a member twice, even at once, adds it once)
            for part in chunks(list(ids)):
                self.connection.execute(
                    link_table.delete().where(owner == owner_id, target.in_(part))
                )
            return
        present = set(self.connection.scalars(sa.select(target).where(owner == owner_id)))
        rows = [
            {link.owner_column: owner_id, link.target_column: i}
            for i in dict.fromkeys(ids)
            if i not in present
        ]
        if rows:  # writers take turns (server.storage.dialect.begin_write): none is there yet
            self.connection.execute(link_table.insert(), rows)

    def link_new(
        self, resource: Resource, rel: Relationship, members: Sequence[tuple[Any, Sequence[Any]]]
    ) -> None:
        """The members of a many-to-many association for records just inserted (none linked
        yet): ``(owner id, target ids)`` pairs, written in one statement."""
        link_table, link = self.schema.link(resource.type, rel.name)
        rows = [
            {link.owner_column: owner_id, link.target_column: i}
            for owner_id, ids in members
            for i in dict.fromkeys(ids)
        ]
        if rows:
            self._insert_rows(link_table, rows)

    def _insert_rows(self, table: sa.Table, rows: Sequence[Mapping[str, Any]]) -> None:
        """Rows of the same columns in one statement, handed to the driver as tuples: SQLAlchemy
        spends ~10 µs a row of a wide table making its parameters (its own way for a driver of
        named parameters, psycopg)."""
        found = _driver_insert(self.connection.dialect, table, tuple(rows[0]))
        if found is None:
            self.connection.execute(table.insert(), rows)
            return
        sql, order, processors = found
        if any(processors):
            params = [
                tuple(
                    row[name] if p is None else p(row[name])
                    for name, p in zip(order, processors, strict=True)
                )
                for row in rows
            ]
        elif len(order) == 1:
            params = [(row[order[0]],) for row in rows]
        else:
            get = operator.itemgetter(*order)
            params = [get(row) for row in rows]
        self.connection.exec_driver_sql(sql, params)

    def delete(self, resource: Resource, ids: Sequence[Any]) -> None:
        """Delete records, applying the ``on_delete`` rule of each to-one association that
        references their table — of every API over the schema's metadata (a storefront
        shopping-list item refers to the back-office's product) — and dropping their links."""
        if not ids:
            return
        table = self.table(resource)
        doomed = set(ids)
        seen: set[tuple[str, str]] = set()  # (table, column): a reference two APIs both name
        for writer in self._apis():
            for other in writer.registry:
                other_table = writer.table(other)
                for rel in other.relationships:
                    key = (other_table.name, rel.column) if not rel.many else None
                    if key is None or key in seen or writer.target(rel) is not table:
                        continue
                    seen.add(key)
                    writer._release(other, rel, ids, doomed if other_table is table else set())
        dropped: set[sa.Table] = set()
        for writer in self._apis():
            for (type_, name), (link_table, link) in writer.schema.links.items():
                if link_table in dropped:
                    continue
                if writer.table(writer.registry[type_]) is table:
                    column = link_table.c[link.owner_column]
                elif writer.target(writer.registry[type_].relationship[name]) is table:
                    column = link_table.c[link.target_column]
                else:
                    continue
                dropped.add(link_table)
                for part in chunks(list(ids)):
                    self.connection.execute(link_table.delete().where(column.in_(part)))
        for part in chunks(list(ids)):
            self.connection.execute(table.delete().where(table.c.id.in_(part)))
        for writer, same in self._sharing(table):
            writer.index.remove(same, ids)

    def target(self, rel: Relationship) -> sa.Table:
        return self.schema.tables[rel.target]

    def _apis(self) -> list[Writer]:
        """A writer per API over this schema's metadata (this one for its own), in this
        connection: each writes its API's search index entries."""
        if not self._peers:
            self._peers = [
                self if schema is self.schema else Writer(self.connection, registry, schema)
                for registry, schema in self.schema.apis
            ] or [self]
            for writer in self._peers:
                writer._peers = self._peers
        return self._peers

    def _sharing(self, table: sa.Table) -> list[tuple[Writer, Resource]]:
        """The resources of every API stored in ``table``, with their API's writer."""
        return [
            (writer, other)
            for writer in self._apis()
            for other in writer.registry
            if writer.table(other) is table
        ]

    def _release(
        self, other: Resource, rel: Relationship, ids: Sequence[Any], doomed: set[Any]
    ) -> None:
        table = self.table(other)
        column = table.c[rel.column]
        referencing: list[Any] = []
        for part in chunks(list(ids)):
            referencing += self.connection.scalars(sa.select(table.c.id).where(column.in_(part)))
        referencing = [i for i in referencing if i not in doomed]
        if not referencing:
            return
        if rel.on_delete == "cascade":
            self.delete(other, referencing)
        elif rel.on_delete == "set null":
            for part in chunks(referencing):
                self.connection.execute(
                    table.update().where(table.c.id.in_(part)).values({rel.column: None})
                )
            for writer, same in self._sharing(table):
                writer.index.refresh(same, referencing)
        else:
            raise StillReferenced(rel.name, other.type, len(referencing))


@functools.cache
def _existing(table: sa.Table) -> sa.Select[Any]:
    """Which of some ids a table holds (built once per table: every write asks)."""
    return sa.select(table.c.id).where(table.c.id.in_(sa.bindparam("ids", expanding=True)))


def _shapes(rows: Sequence[Mapping[str, Any]]) -> dict[tuple[str, ...], list[int]]:
    """The rows' positions by their columns (rows of the same columns go in one statement)."""
    shapes: dict[tuple[str, ...], list[int]] = {}
    for n, row in enumerate(rows):
        shapes.setdefault(tuple(row), []).append(n)
    return shapes


@functools.cache
def _driver_insert(
    dialect: sa.Dialect, table: sa.Table, columns: tuple[str, ...]
) -> tuple[str, tuple[str, ...], tuple[Callable[[Any], Any] | None, ...]] | None:
    """An INSERT of ``columns`` as the driver takes it — its text, the columns in the order of
    its positional parameters, each one's conversion of a value (the column type's bind
    processor, None when it has none) — or None for a driver of named parameters."""
    compiled = table.insert().compile(dialect=dialect, column_keys=list(columns))
    if not compiled.positional or compiled.positiontup is None:
        return None
    order = tuple(compiled.positiontup)
    if sorted(order) != sorted(columns):  # (a bind named otherwise than its column)
        return None
    processors = tuple(
        table.c[name].type.dialect_impl(dialect).bind_processor(dialect) for name in order
    )
    return compiled.string, order, processors
