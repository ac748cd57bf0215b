"""What differs between SQLite and PostgreSQL, in one place, so that both answer alike.

- A list is bound as one JSON array parameter (the statement's shape never depends on its length):
  :func:`listed` reads its items with SQLite's ``json_each`` or PostgreSQL's
  ``json_array_elements_text``, cast there to the column's type.
- Writers take turns (:func:`begin_write`): SQLite's ``BEGIN IMMEDIATE``, a transaction-level
  advisory lock on PostgreSQL, so that what a write checks still holds when it writes.
- A unique index's violation names its columns (:func:`unique_violation_columns`).
- NULL sorts as the lowest value on both (SQLite's order): ``ASC NULLS FIRST``, ``DESC NULLS LAST``
  on PostgreSQL, whose indexes are declared so (:func:`sort_index`).
- Rows stream from a server-side cursor on PostgreSQL (:func:`stream`), as SQLite's cursor does;
  other reads run without a transaction of their own (:func:`read_engine`).
- Seeded rows carry their ids: PostgreSQL's sequences then move past them (:func:`sync_sequences`).
- A sequence is not transactional on PostgreSQL: a write that leaves nothing behind (validate
  only, or refused) puts the sequences it used back (:func:`sequence_values`,
  :func:`restore_sequences`), as SQLite's rolled-back counter is.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator, Sequence
from typing import Any

import sqlalchemy as sa
from sqlalchemy.ext.compiler import compiles
from sqlalchemy.sql.compiler import SQLCompiler
from sqlalchemy.sql.functions import FunctionElement
from sqlalchemy.sql.visitors import InternalTraversal

WRITE_LOCK = 0x0F0_5A4D  # the advisory lock PostgreSQL writers take turns on
_SQLITE_UNIQUE = re.compile(r"UNIQUE constraint failed:(.*)")
_PG_KEY = re.compile(r"Key \((.*?)\)=")


class json_items(FunctionElement[Any]):
    """The items of a JSON array: a table-valued function of one column, ``value``, of
    ``item_type`` (SQLite's ``json_each`` gives typed values already; PostgreSQL's text is cast in
    a derived table, so the statement reads alike on both)."""

    name = "json_items"
    inherit_cache = True
    _traverse_internals = [  # noqa: RUF012 (SQLAlchemy's declaration)
        *FunctionElement._traverse_internals,
        ("item_type", InternalTraversal.dp_type),
    ]

    def __init__(self, *args: Any, item_type: sa.types.TypeEngine[Any] | None = None) -> None:
        super().__init__(*args)
        self.item_type = item_type if item_type is not None else sa.Text()


@compiles(json_items, "sqlite")
def _json_items_sqlite(element: json_items, compiler: SQLCompiler, **kw: Any) -> str:
    return f"json_each({compiler.process(element.clauses, **kw)})"


@compiles(json_items, "postgresql")
def _json_items_pg(element: json_items, compiler: SQLCompiler, **kw: Any) -> str:
    array = compiler.process(element.clauses, **kw)
    item_type = element.item_type.dialect_impl(compiler.dialect)
    if isinstance(item_type, sa.String):  # compared under the column's own collation
        item_type = sa.Text()
    type_ = compiler.dialect.type_compiler_instance.process(item_type)
    return (
        f"(SELECT CAST(value AS {type_}) AS value"
        f" FROM json_array_elements_text(CAST({array} AS JSON)) AS value)"
    )


class json_item_at(sa.sql.expression.ColumnElement[Any]):
    """``value[index]`` of a JSON array item, as text (the periods of partial dates)."""

    inherit_cache = True
    type = sa.String()
    _traverse_internals = [  # noqa: RUF012
        ("value", InternalTraversal.dp_clauseelement),
        ("index", InternalTraversal.dp_plain_obj),
    ]

    def __init__(self, value: sa.ColumnElement[Any], index: int) -> None:
        self.value = value
        self.index = index

    @property
    def _from_objects(self) -> list[Any]:
        return self.value._from_objects


@compiles(json_item_at)
def _json_item_at(element: json_item_at, compiler: SQLCompiler, **kw: Any) -> str:
    return f"json_extract({compiler.process(element.value, **kw)}, '$[{int(element.index)}]')"


@compiles(json_item_at, "postgresql")
def _json_item_at_pg(element: json_item_at, compiler: SQLCompiler, **kw: Any) -> str:
    return f"(CAST({compiler.process(element.value, **kw)} AS JSON) ->> {int(element.index)})"


def listed(name: str, type_: sa.types.TypeEngine[Any] | None = None) -> sa.Select[Any]:
    """The items of the JSON array bound as ``name``: one parameter, whatever its length, each
    item of ``type_`` (the column it is compared with)."""
    return sa.select(items(name, type_).c.value)


def items(name: str, type_: sa.types.TypeEngine[Any] | None = None) -> Any:
    """The JSON array bound as ``name`` as a table of one column, ``value``."""
    return json_items(sa.bindparam(name), item_type=type_).table_valued("value")


class ordered(sa.sql.expression.ColumnElement[Any]):
    """``column`` in sort order (an ORDER BY term), NULL lowest on every database: SQLite's own
    order, said out loud on PostgreSQL (``ASC NULLS FIRST``, ``DESC NULLS LAST``)."""

    inherit_cache = True
    _traverse_internals = [  # noqa: RUF012
        ("column", InternalTraversal.dp_clauseelement),
        ("descending", InternalTraversal.dp_boolean),
    ]

    def __init__(self, column: sa.ColumnElement[Any], descending: bool) -> None:
        self.column = column
        self.descending = descending
        self.type = column.type

    @property
    def _from_objects(self) -> list[Any]:
        return self.column._from_objects


@compiles(ordered)
def _ordered(element: ordered, compiler: SQLCompiler, **kw: Any) -> str:
    term = element.column.desc() if element.descending else element.column.asc()
    return str(compiler.process(term, **kw))


@compiles(ordered, "postgresql")
def _ordered_pg(element: ordered, compiler: SQLCompiler, **kw: Any) -> str:
    column = element.column
    if getattr(column, "primary_key", False) or getattr(column, "nullable", True) is False:
        term = column.desc() if element.descending else column.asc()  # its index serves it
    else:
        term = column.desc().nulls_last() if element.descending else column.asc().nulls_first()
    return str(compiler.process(term, **kw))


def sort_index(name: str, column: sa.Column[Any]) -> list[sa.Index]:
    """An index on ``column`` that serves the sort order of :func:`ordered` in both directions."""
    return [
        sa.Index(name, column).ddl_if(dialect="sqlite"),
        sa.Index(name, column.asc().nulls_first()).ddl_if(dialect="postgresql"),
    ]


def read_engine(engine: sa.Engine) -> sa.Engine:
    """Connections for reads: on PostgreSQL in autocommit (a read needs no transaction of its own,
    and so costs no BEGIN and ROLLBACK round trips; each statement sees what is committed, as a
    SQLite read does); the engine itself elsewhere. The pool is the same."""
    if engine.dialect.name == "postgresql":
        return engine.execution_options(isolation_level="AUTOCOMMIT")
    return engine


def begin_write(connection: sa.Connection) -> None:
    """Start the write transaction: one writer at a time, the others wait their turn."""
    if connection.dialect.name == "sqlite":
        connection.exec_driver_sql("BEGIN IMMEDIATE")
    elif connection.dialect.name == "postgresql":
        connection.exec_driver_sql(f"SELECT pg_advisory_xact_lock({WRITE_LOCK})")


def unique_violation_columns(error: sa.exc.IntegrityError) -> list[str] | None:
    """The columns of the unique index ``error`` violates; None when it is no unique violation."""
    orig = error.orig
    if getattr(orig, "sqlstate", None) == "23505":  # PostgreSQL's unique_violation
        detail = getattr(getattr(orig, "diag", None), "message_detail", None) or ""
        found = _PG_KEY.search(detail)
        return [c.strip().strip('"') for c in found.group(1).split(",")] if found else []
    sqlite = _SQLITE_UNIQUE.search(str(orig))
    if sqlite is None:
        return None
    return re.findall(r"\.(\w+)", sqlite.group(1))


def stream(
    connection: sa.Connection, text: str, args: Any, size: int
) -> Iterator[Sequence[tuple[Any, ...]]]:
    """Rows of a statement ``size`` at a time, never all in memory: SQLite's cursor steps as it
    is read; PostgreSQL's would fetch everything first, so a server-side cursor is used."""
    driver = connection.connection.driver_connection
    assert driver is not None
    if connection.dialect.name == "postgresql":
        cursor = driver.cursor(name="oro_stream")
        cursor.itersize = size
    else:
        cursor = driver.cursor()
    try:
        cursor.execute(text, args)
        while rows := cursor.fetchmany(size):
            yield rows
    finally:
        cursor.close()


def sync_sequences(connection: sa.Connection, metadata: sa.MetaData) -> None:
    """On PostgreSQL, move every generated id's sequence past the ids stored (seeded rows carry
    theirs); nothing to do on SQLite."""
    if connection.dialect.name != "postgresql":
        return
    for table in metadata.sorted_tables:
        pk = list(table.primary_key.columns)
        if len(pk) != 1 or pk[0].autoincrement is False:
            continue
        if not isinstance(pk[0].type, sa.Integer):
            continue
        name = connection.exec_driver_sql(
            "SELECT pg_get_serial_sequence(%(table)s, %(column)s)",
            {"table": table.name, "column": pk[0].name},
        ).scalar()
        if name is None:
            continue
        connection.exec_driver_sql(
            f'SELECT setval(%(seq)s, COALESCE((SELECT MAX("{pk[0].name}") FROM "{table.name}"), 0)'
            " + 1, false)",
            {"seq": name},
        )


def sequence_values(connection: sa.Connection, tables: Iterable[sa.Table]) -> list[Any]:
    """On PostgreSQL, where the generated-id sequences of ``tables`` stand, for
    :func:`restore_sequences` (a sequence is not transactional: an insert rolled back keeps the
    value it took; SQLite's counter rolls back with the transaction, so nothing there). Call
    within the writers' turn (:func:`begin_write`), so that no other writer moves them."""
    if connection.dialect.name != "postgresql":
        return []
    values = []
    for table in dict.fromkeys(tables):
        pk = list(table.primary_key.columns)
        if len(pk) != 1 or pk[0].autoincrement is False or not isinstance(pk[0].type, sa.Integer):
            continue
        name = connection.exec_driver_sql(
            "SELECT pg_get_serial_sequence(%(table)s, %(column)s)",
            {"table": table.name, "column": pk[0].name},
        ).scalar()
        if name is not None:
            last, called = connection.exec_driver_sql(
                f"SELECT last_value, is_called FROM {name}"  # a name PostgreSQL gave
            ).one()
            values.append((name, last, called))
    return values


def restore_sequences(connection: sa.Connection, values: list[Any]) -> None:
    """Put the sequences back where :func:`sequence_values` found them."""
    for name, last, called in values:
        connection.exec_driver_sql(
            "SELECT setval(%(seq)s, %(value)s, %(called)s)",
            {"seq": name, "value": last, "called": called},
        )


def reserve_ids(connection: sa.Connection, table: sa.Table, count: int) -> list[int] | None:
    """``count`` new generated ids of ``table``, taken as inserts would take them, for inserting
    many rows in one statement with their ids known (None: its ids are not generated integers).
    Call within the writers' turn (:func:`begin_write`), so that no other writer takes them:
    SQLite's next ids follow the largest one ever given (``AUTOINCREMENT``'s counter, which the
    insert then moves), PostgreSQL's come from the table's sequence."""
    return reserve_many(connection, [(table, count)])[0]


def reserve_many(
    connection: sa.Connection, wanted: Sequence[tuple[sa.Table, int]]
) -> list[list[int] | None]:
    """:func:`reserve_ids` for several tables (distinct ones) at once: on SQLite, one statement."""
    found: list[list[int] | None] = [None] * len(wanted)
    asked = []
    for n, (table, count) in enumerate(wanted):
        column = _generated_id(table)
        if column is not None:
            found[n] = []
            if count:
                asked.append((n, table, count, column))
    if connection.dialect.name == "postgresql":
        for n, table, count, column in asked:
            found[n] = _next_values(connection, table, column, count)
        return found
    if asked:
        largest = connection.exec_driver_sql(
            "SELECT "
            + ", ".join(
                f'max(coalesce((SELECT max("{column}") FROM "{table.name}"), 0),'
                " coalesce((SELECT seq FROM sqlite_sequence WHERE name = ?), 0))"
                for _, table, _, column in asked
            ),
            tuple(table.name for _, table, _, _ in asked),
        ).one()
        for (n, _, count, _), value in zip(asked, largest, strict=True):
            start = int(value or 0) + 1
            found[n] = list(range(start, start + count))
    return found


def _generated_id(table: sa.Table) -> str | None:
    """The column of a table's generated integer ids (None: its ids are not generated)."""
    pk = list(table.primary_key.columns)
    if len(pk) != 1 or pk[0].autoincrement is False or not isinstance(pk[0].type, sa.Integer):
        return None
    return pk[0].name


def _next_values(
    connection: sa.Connection, table: sa.Table, column: str, count: int
) -> list[int] | None:
    name = connection.exec_driver_sql(
        "SELECT pg_get_serial_sequence(%(table)s, %(column)s)",
        {"table": table.name, "column": column},
    ).scalar()
    if name is None:
        return None
    taken = connection.exec_driver_sql(
        "SELECT nextval(%(seq)s) FROM generate_series(1, %(count)s)",
        {"seq": name, "count": count},
    ).scalars()
    return sorted(int(value) for value in taken)
