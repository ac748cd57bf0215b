"""Keeping the search index: a record's index entry from its stored row (pure), written in the
caller's transaction — so it follows every write, and a rolled-back write leaves no trace.

:class:`Indexer` refreshes and removes the entries of some records (``server.storage.write``
calls it on every insert, update and delete); :func:`reindex` rebuilds the whole index (seeding,
``oro-sandbox reindex``).
"""

from __future__ import annotations

import functools
import itertools
import operator
import re
import string
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

import sqlalchemy as sa

from server.metadata.model import Registry, Resource
from server.metadata.search import Search
from server.storage.dialect import reserve_ids
from server.storage.load import chunks
from server.storage.search_engine import FullText, full_text
from server.storage.tables import Schema

BATCH = 5000
OWNERSHIP = ("owner", "organization")  # to-one relationships copied onto the item
_DATETIME = re.compile(r"^(\d{4}-\d{2}-\d{2})(?:[T ](\d{2}:\d{2}(?::\d{2})?))?")


@dataclass(frozen=True)
class Entry:
    """What the index holds of one record."""

    record_id: int
    title: str
    all_text: str
    values: tuple[tuple[str, str, Any], ...]  # (field type, field, value)
    owner_id: int | None = None  # the record's owner and organization (access is judged on them)
    organization_id: int | None = None


def index_datetime(text: str) -> str | None:
    """``2024-01-02T03:04:05Z``, ``2024-01-02`` or ``2024-01-02 03:04`` → ``2024-01-02
    03:04:05`` (the index's form, ordered as text); None when it is no date."""
    match = _DATETIME.match(text.strip())
    if match is None:
        return None
    time = match.group(2) or "00:00:00"
    return f"{match.group(1)} {time if len(time) == 8 else time + ':00'}"


_COLUMNS: dict[int, tuple[Resource, dict[str, tuple[str, Any]]]] = {}


def _columns(resource: Resource) -> dict[str, tuple[str, Any]]:
    """Source name → (column, reader of the stored value), for the names the search fields and
    the title read (worked out once per resource: every write asks)."""
    known = _COLUMNS.get(id(resource))
    if known is None or known[0] is not resource:
        known = _COLUMNS[id(resource)] = (resource, _find_columns(resource))
    return known[1]


def _find_columns(resource: Resource) -> dict[str, tuple[str, Any]]:
    search = resource.search
    assert search is not None
    needed = {name for f in search.fields for name in f.source}
    needed |= {name for _, name, _, _ in string.Formatter().parse(search.title) if name}
    needed |= set(OWNERSHIP)
    found: dict[str, tuple[str, Any]] = {}
    for attr in resource.attributes:
        if attr.name in needed:
            found[attr.name] = (attr.column, attr.type.reader)
    for rel in resource.relationships:
        if not rel.many and rel.name in needed:
            found[rel.name] = (rel.column, None)
    return found


def _value(type_: str, raw: Sequence[Any]) -> Any:
    present = [v for v in raw if v is not None and v != ""]
    if not present:
        return None
    if type_ == "text":
        return " ".join(str(v) for v in present)
    return _one(type_, present[0])


def _one(type_: str, value: Any) -> Any:
    """A field's value from one present source value."""
    if type_ == "text":
        return str(value)
    try:
        if type_ == "integer":
            return int(value)
        if type_ == "decimal":
            return float(value)
    except (TypeError, ValueError):
        return None
    return index_datetime(str(value))


def entry(resource: Resource, search: Search, row: Mapping[str, Any]) -> Entry:
    """The index entry of a record, from its wire values by source name (``id`` included)."""
    values: list[tuple[str, str, Any]] = []
    texts: list[str] = []
    for field in search.fields:
        source = field.source
        if len(source) == 1:  # (most fields: no list to join)
            raw = row.get(source[0])
            value = None if raw is None or raw == "" else _one(field.type, raw)
        else:
            value = _value(field.type, [row.get(name) for name in source])
        if value is None:
            continue
        values.append((field.type, field.name, value))
        if field.type == "text":
            texts.append(value)
    names = {name: "" if v is None else v for name, v in row.items()}
    title = " ".join(search.title.format_map(names).split()) or str(row["id"])
    owner, organization = (row.get(name) for name in OWNERSHIP)
    return Entry(int(row["id"]), title, " ".join(texts), tuple(values), owner, organization)


def _among(column: sa.ColumnElement[Any], values: Sequence[Any]) -> sa.ColumnElement[bool]:
    """``column = value`` for one value (a write's usual case: a statement compiled once), else
    ``IN``."""
    return column == values[0] if len(values) == 1 else column.in_(values)


class Indexer:
    """The index entries of one registry's records, in one connection's transaction."""

    def __init__(self, connection: sa.Connection, registry: Registry, schema: Schema) -> None:
        self.connection = connection
        self.registry = registry
        self.tables = schema.search
        self.schema = schema
        self.engine: FullText = full_text(connection.dialect.name)

    def rows(
        self, resource: Resource, ids: Sequence[Any] | None = None
    ) -> Iterator[dict[str, Any]]:
        """Stored records (all of them without ``ids``) as wire values by source name."""
        table = self.schema.tables[resource.type]
        columns = _columns(resource)
        readers = [reader for _, reader in columns.values()]
        names = ["id", *columns]
        parts: Any = [None] if ids is None else chunks(list(ids))
        for part in parts:
            statement = _rows_statement(table, tuple(c for c, _ in columns.values()), part is None)
            result = self.connection.execute(statement, {} if part is None else {"ids": part})
            while batch := result.fetchmany(BATCH):
                for raw in batch:
                    values = [raw[0]] + [
                        v if r is None or v is None else r(v)
                        for v, r in zip(raw[1:], readers, strict=True)
                    ]
                    yield dict(zip(names, values, strict=True))

    def _items(self, resource: Resource, record_ids: Sequence[Any]) -> dict[int, int]:
        """Item id by record id, for the records that have one."""
        item = self.tables.item
        found: dict[int, int] = {}
        for part in chunks(list(record_ids)):
            statement = sa.select(item.c.record_id, item.c.id).where(
                item.c.entity == resource.type, _among(item.c.record_id, part)
            )
            found.update(
                (record, item_id) for record, item_id in self.connection.execute(statement)
            )
        return found

    def remove(self, resource: Resource, ids: Sequence[Any]) -> None:
        if resource.search is None or not ids:
            return
        self._delete(list(self._items(resource, ids).values()))

    def _delete(self, item_ids: list[int]) -> None:
        if not item_ids:
            return
        self.engine.remove(self.connection, item_ids)
        for part in chunks(item_ids):
            for table in self.tables.values.values():
                self.connection.execute(table.delete().where(_among(table.c.item_id, part)))
            item = self.tables.item
            self.connection.execute(item.delete().where(_among(item.c.id, part)))

    def refresh(self, resource: Resource, ids: Sequence[Any], *, new: bool = False) -> None:
        """Rewrite the entries of these records (a record no longer stored loses its entry); an
        entry rewritten keeps its item id, so a record keeps its place in the results. ``new``:
        records just inserted, which have no entry yet."""
        search = resource.search
        if search is None or not ids:
            return
        kept = {} if new else self._items(resource, ids)
        self._delete(list(kept.values()))
        entries = (entry(resource, search, row) for row in self.rows(resource, ids))
        self.write(resource, entries, kept)

    def write(
        self, resource: Resource, entries: Iterator[Entry], kept: Mapping[int, int] | None = None
    ) -> int:
        """Insert entries; their item ids are ``kept``'s (by record id) or the database's."""
        written = 0
        while batch := list(itertools.islice(entries, BATCH)):
            item_ids = self._insert_items(resource, batch, kept or {})
            values: dict[str, list[dict[str, Any]]] = {t: [] for t in self.tables.values}
            for e, item_id in zip(batch, item_ids, strict=True):
                owned = {
                    "entity": resource.type,
                    "owner_id": e.owner_id,
                    "organization_id": e.organization_id,
                }
                for type_, field, value in e.values:
                    row = {"item_id": item_id, "field": field, "value": value, **owned}
                    values[type_].append(row)
            texts = values.pop("text")
            for type_, rows in values.items():
                self._insert(self.tables.values[type_], rows)
            text_ids = self._insert_returning(self.tables.values["text"], texts)
            self.engine.put(
                self.connection,
                [(i, e.all_text) for e, i in zip(batch, item_ids, strict=True)],
                [
                    (row_id, row["item_id"], row["field"], row["value"])
                    for row_id, row in zip(text_ids, texts, strict=True)
                ],
            )
            written += len(batch)
        return written

    def _insert_items(
        self, resource: Resource, batch: list[Entry], kept: Mapping[int, int]
    ) -> list[int]:
        """The batch's items inserted, their ids in the batch's order."""
        rows: list[dict[str, Any]] = [
            {
                "entity": resource.type,
                "record_id": e.record_id,
                "title": e.title,
                "owner_id": e.owner_id,
                "organization_id": e.organization_id,
            }
            for e in batch
        ]
        again = [{"id": kept[row["record_id"]], **row} for row in rows if row["record_id"] in kept]
        self._insert(self.tables.item, again)
        fresh = [row for row in rows if row["record_id"] not in kept]
        new = iter(self._insert_returning(self.tables.item, fresh))
        return [kept[e.record_id] if e.record_id in kept else next(new) for e in batch]

    def _insert_returning(self, table: sa.Table, rows: list[dict[str, Any]]) -> list[int]:
        """Rows inserted, their ids (the database's own) in the rows' order: reserved first,
        then inserted in one statement (returned in order, SQLAlchemy inserts row by row)."""
        if not rows:
            return []
        ids = reserve_ids(self.connection, table, len(rows))
        if ids is None:
            statement = table.insert().returning(table.c.id, sort_by_parameter_order=True)
            return list(self.connection.scalars(statement, rows))
        self._insert(table, [{**row, "id": id_} for row, id_ in zip(rows, ids, strict=True)])
        return ids

    def _insert(self, table: sa.Table, rows: list[dict[str, Any]]) -> None:
        """Many rows at once through the driver (what a bulk build spends its time on); the
        statement is compiled once per table and dialect."""
        if not rows:
            return
        sql, order = _insert_sql(self.connection.dialect, table, tuple(rows[0]))
        if order is not None:
            values = operator.itemgetter(*order)  # (a tuple: an insert has several columns)
            self.connection.exec_driver_sql(sql, [values(row) for row in rows])
        else:
            self.connection.exec_driver_sql(sql, rows)


@functools.cache
def _rows_statement(table: sa.Table, columns: tuple[str, ...], every: bool) -> sa.Select[Any]:
    """The select of :meth:`Indexer.rows`, built once (``ids`` an expanding parameter)."""
    statement = sa.select(table.c.id, *(table.c[c] for c in columns)).order_by(table.c.id)
    if every:
        return statement
    return statement.where(table.c.id.in_(sa.bindparam("ids", expanding=True)))


@functools.cache
def _insert_sql(
    dialect: sa.Dialect, table: sa.Table, columns: tuple[str, ...]
) -> tuple[str, tuple[str, ...] | None]:
    """An INSERT's text for the driver, and the order of its positional values (None: named)."""
    compiled = table.insert().values({k: sa.bindparam(k) for k in columns}).compile(dialect=dialect)
    if compiled.positional and compiled.positiontup is not None:
        return compiled.string, tuple(compiled.positiontup)
    return compiled.string, None


def drop_outdated_index(connection: sa.Connection, schema: Schema) -> bool:
    """Drop the index of a database made by an older version whose index tables lack columns
    this one has (the index is derived from the records: it is made again, and filled again
    when the server starts). Whether it was dropped."""
    inspector = sa.inspect(connection)
    tables = [*schema.search.values.values(), schema.search.item]
    for table in tables:
        if inspector.has_table(table.name):
            stored = {column["name"] for column in inspector.get_columns(table.name)}
            if not {column.name for column in table.columns} <= stored:
                break
    else:
        return False
    for table in tables:
        table.drop(connection, checkfirst=True)
    full_text(connection.dialect.name).drop(connection)
    return True


def create_index(connection: sa.Connection, schema: Schema, *, reset: bool = False) -> None:
    """The engine's full-text tables (the others are the schema's)."""
    engine = full_text(connection.dialect.name)
    if reset:
        engine.drop(connection)
    engine.create(connection)


def reindex(connection: sa.Connection, registry: Registry, schema: Schema) -> dict[str, int]:
    """Rebuild the whole index from the stored records; entries per type."""
    indexer = Indexer(connection, registry, schema)
    indexer.engine.drop(connection)
    indexer.engine.create(connection)
    for table in (*schema.search.values.values(), schema.search.item):
        connection.execute(table.delete())
    counts = {}
    for resource in registry:
        search = resource.search
        if search is not None:
            entries = (entry(resource, search, row) for row in indexer.rows(resource))
            counts[resource.type] = indexer.write(resource, entries)
    return counts


def index_empty(connection: sa.Connection, schema: Schema) -> bool:
    item = schema.search.item
    return connection.execute(sa.select(item.c.id).limit(1)).first() is None
