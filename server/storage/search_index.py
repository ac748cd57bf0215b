"""Keeping the search index: a record's index entry from its stored row (pure), written in the
caller's transaction — so it follows every write, and a rolled-back write leaves no trace.

:class:`Indexer` refreshes and removes the entries of some records (``server.storage.write``
calls it on every insert, update and delete); :func:`reindex` rebuilds the whole index (seeding,
``oro-sandbox reindex``).

Within :func:`deferred` (an asynchronous batch operation's chunks) the entries of new and updated
records are not written: their ids are queued in ``search_pending``, still in the caller's
transaction, and :func:`drain` writes them afterwards — as Oro's message queue reindexes what a
batch wrote, after it is saved. A queued id is never lost (it commits with its record) and
writing an entry twice is harmless (it is made from the stored record each time).
"""

from __future__ import annotations

import functools
import itertools
import operator
import re
import string
from collections.abc import Callable, Iterator, Mapping, Sequence
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass
from typing import Any

import sqlalchemy as sa

from server.metadata.model import Registry, Resource
from server.metadata.search import Search
from server.storage.dialect import reserve_many
from server.storage.load import chunks
from server.storage.search_engine import FullText, full_text
from server.storage.tables import Schema

BATCH = 5000
DRAIN = 1000  # queued records indexed per transaction (the writers' turn is held that long)
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
    get = row.get
    for type_, name, source in search.fields_read:
        if len(source) == 1:  # (most fields: no list to join)
            raw = get(source[0])
            if raw is None or raw == "":
                continue
            value = str(raw) if type_ == "text" else _one(type_, raw)
        else:
            value = _value(type_, [get(name) for name in source])
        if value is None:
            continue
        values.append((type_, name, value))
        if type_ == "text":
            texts.append(value)
    title = " ".join(_title(search, row).split()) or str(row["id"])
    owner, organization = (get(name) for name in OWNERSHIP)
    return Entry(int(row["id"]), title, " ".join(texts), tuple(values), owner, organization)


def _title(search: Search, row: Mapping[str, Any]) -> str:
    """The title template filled with the row's values (no value: empty)."""
    parts = search.title_parts
    if parts is None:  # (a template with more than names: as ``format`` does it)
        return search.title.format_map({k: "" if v is None else v for k, v in row.items()})
    text = ""
    for literal, name in parts:
        value = row.get(name) if name else None
        text += literal if value is None else literal + format(value)
    return text


def _among(column: sa.ColumnElement[Any], values: Sequence[Any]) -> sa.ColumnElement[bool]:
    """``column = value`` for one value (a write's usual case: a statement compiled once), else
    ``IN``."""
    return column == values[0] if len(values) == 1 else column.in_(values)


_DEFERRED: ContextVar[Registry | None] = ContextVar("search_index_deferred", default=None)


@contextmanager
def deferred(registry: Registry) -> Iterator[None]:
    """Within: the entries of ``registry``'s new and updated records are queued, not written
    (another API's writes, and removals, stay immediate)."""
    token = _DEFERRED.set(registry)
    try:
        yield
    finally:
        _DEFERRED.reset(token)


class Indexer:
    """The index entries of one registry's records, in one connection's transaction."""

    def __init__(self, connection: sa.Connection, registry: Registry, schema: Schema) -> None:
        self.connection = connection
        self.registry = registry
        self.tables = schema.search
        self.schema = schema
        self.engine: FullText = full_text(connection.dialect.name)

    @property
    def deferring(self) -> bool:
        """Whether new and updated entries are queued (within :func:`deferred`)."""
        return _DEFERRED.get() is self.registry

    def rows(
        self, resource: Resource, ids: Sequence[Any] | None = None
    ) -> Iterator[dict[str, Any]]:
        """Stored records (all of them without ``ids``) as wire values by source name."""
        table = self.schema.tables[resource.type]
        columns = _columns(resource)
        wire = _wire(columns)
        parts: Any = [None] if ids is None else chunks(list(ids))
        for part in parts:
            statement = _rows_statement(table, tuple(c for c, _ in columns.values()), part is None)
            result = self.connection.execute(statement, {} if part is None else {"ids": part})
            while batch := result.fetchmany(BATCH):
                for raw in batch:
                    yield wire(raw[0], raw[1:])

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

    def refresh(self, resource: Resource, ids: Sequence[Any]) -> None:
        """Rewrite the entries of these records (a record no longer stored loses its entry); an
        entry rewritten keeps its item id, so a record keeps its place in the results."""
        search = resource.search
        if search is None or not ids:
            return
        if self.deferring:
            self._queue([(resource.type, id_) for id_ in ids])
            return
        kept = self._items(resource, ids)
        self._delete(list(kept.values()))
        entries = (entry(resource, search, row) for row in self.rows(resource, ids))
        self.write(resource, entries, kept)

    def add(self, resource: Resource, records: Sequence[Mapping[str, Any]]) -> None:
        """The entries of records just inserted (see :meth:`add_all`)."""
        self.add_all([(resource, records)])

    def add_all(self, groups: Sequence[tuple[Resource, Sequence[Mapping[str, Any]]]]) -> None:
        """The entries of records just inserted, of one type per group, written together, from
        the values they were inserted with (column → stored value, ``id`` included: a column
        left out is NULL, as no column has a default), without reading them back."""
        if self.deferring:
            self._queue(
                [
                    (resource.type, record["id"])
                    for resource, records in groups
                    if resource.search is not None
                    for record in records
                ]
            )
            return
        typed: list[tuple[str, Entry]] = []
        for resource, records in groups:
            search = resource.search
            if search is None or not records:
                continue
            columns = _columns(resource)
            wire = _wire(columns)
            names = [column for column, _ in columns.values()]
            typed += [
                (
                    resource.type,
                    entry(
                        resource, search, wire(record["id"], [record.get(name) for name in names])
                    ),
                )
                for record in sorted(records, key=lambda record: record["id"])  # as read back
            ]
        for start in range(0, len(typed), BATCH):
            self._write_batch(typed[start : start + BATCH], {})

    def _queue(self, records: list[tuple[str, Any]]) -> None:
        """Records (type, id) whose entries :func:`drain` writes later."""
        self._insert(self.tables.pending, ("entity", "record_id"), records)

    def write(
        self, resource: Resource, entries: Iterator[Entry], kept: Mapping[int, int] | None = None
    ) -> int:
        """Insert entries; their item ids are ``kept``'s (by record id) or new ones."""
        written = 0
        while batch := list(itertools.islice(entries, BATCH)):
            self._write_batch([(resource.type, e) for e in batch], kept or {})
            written += len(batch)
        return written

    def _write_batch(self, batch: list[tuple[str, Entry]], kept: Mapping[int, int]) -> None:
        """Entries of some types (``kept`` by record id: of one type); each table's rows in one
        statement, the new item and text ids reserved first (in one statement)."""
        item_table, text_table = self.tables.item, self.tables.values["text"]
        new_items = sum(e.record_id not in kept for _, e in batch)
        new_texts = sum(field_type == "text" for _, e in batch for field_type, _, _ in e.values)
        reserved = reserve_many(self.connection, [(item_table, new_items), (text_table, new_texts)])
        fresh_items, fresh_texts = (iter(ids or ()) for ids in reserved)
        item_ids = [
            kept[e.record_id] if e.record_id in kept else next(fresh_items) for _, e in batch
        ]
        self._insert(
            item_table,
            ITEM_COLUMNS,
            [
                (i, type_, e.record_id, e.title, e.owner_id, e.organization_id)
                for (type_, e), i in zip(batch, item_ids, strict=True)
            ],
        )
        values: dict[str, list[tuple[Any, ...]]] = {t: [] for t in self.tables.values}
        for (type_, e), item_id in zip(batch, item_ids, strict=True):
            owner, organization = e.owner_id, e.organization_id
            for field_type, field, value in e.values:
                row: tuple[Any, ...] = (item_id, field, value, type_, owner, organization)
                if field_type == "text":
                    row = (next(fresh_texts), *row)
                values[field_type].append(row)
        texts = values.pop("text")
        for field_type, rows in values.items():
            self._insert(self.tables.values[field_type], VALUE_COLUMNS, rows)
        self._insert(text_table, ("id", *VALUE_COLUMNS), texts)
        self.engine.put(
            self.connection,
            [(i, e.all_text) for (_, e), i in zip(batch, item_ids, strict=True)],
            [(row[0], row[1], row[2], row[3]) for row in texts],
        )

    def _insert(
        self, table: sa.Table, columns: tuple[str, ...], rows: list[tuple[Any, ...]]
    ) -> None:
        """Many rows at once through the driver (what a bulk build spends its time on), each
        a tuple of ``columns``' values; the statement is compiled once per table and dialect."""
        if not rows:
            return
        sql, order = _insert_sql(self.connection.dialect, table, columns)
        if order is None:  # a driver of named parameters (psycopg)
            named = [dict(zip(columns, row, strict=True)) for row in rows]
            self.connection.exec_driver_sql(sql, named)
        elif order == columns:
            self.connection.exec_driver_sql(sql, rows)
        else:
            values = operator.itemgetter(*(columns.index(name) for name in order))
            self.connection.exec_driver_sql(sql, [values(row) for row in rows])


ITEM_COLUMNS = ("id", "entity", "record_id", "title", "owner_id", "organization_id")
VALUE_COLUMNS = ("item_id", "field", "value", "entity", "owner_id", "organization_id")


def _wire(
    columns: Mapping[str, tuple[str, Any]],
) -> Callable[[Any, Sequence[Any]], dict[str, Any]]:
    """Stored values (in ``columns``' order) → wire values by source name, ``id`` first."""
    names = ["id", *columns]
    readers = [reader for _, reader in columns.values()]

    def wire(id_: Any, stored: Sequence[Any]) -> dict[str, Any]:
        values = [id_] + [
            v if r is None or v is None else r(v) for v, r in zip(stored, readers, strict=True)
        ]
        return dict(zip(names, values, strict=True))

    return wire


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
    for table in (*schema.search.values.values(), schema.search.item, schema.search.pending):
        connection.execute(table.delete())
    counts = {}
    for resource in registry:
        search = resource.search
        if search is not None:
            entries = (entry(resource, search, row) for row in indexer.rows(resource))
            counts[resource.type] = indexer.write(resource, entries)
    return counts


def drain(connection: sa.Connection, registry: Registry, schema: Schema) -> int:
    """Write the entries of the first :data:`DRAIN` queued records (from the records as stored
    now: one deleted since loses its entry) and take them off the queue, in the caller's write
    transaction; how many were taken (0: the queue is empty)."""
    pending = schema.search.pending
    rows = connection.execute(
        sa.select(pending.c.id, pending.c.entity, pending.c.record_id)
        .order_by(pending.c.id)
        .limit(DRAIN)
    ).all()
    if not rows:
        return 0
    by_type: dict[str, dict[Any, None]] = {}
    for _, type_, record_id in rows:
        by_type.setdefault(type_, {})[record_id] = None
    indexer = Indexer(connection, registry, schema)
    for type_, ids in by_type.items():
        if type_ in registry:
            indexer.refresh(registry[type_], list(ids))
    # the writers take turns: no id below the last one read can still be on its way
    connection.execute(pending.delete().where(pending.c.id <= rows[-1][0]))
    return len(rows)


def index_empty(connection: sa.Connection, schema: Schema) -> bool:
    item = schema.search.item
    return connection.execute(sa.select(item.c.id).limit(1)).first() is None
