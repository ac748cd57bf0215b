"""Which index a page of a filtered, sorted list walks.

A page of 30 orders with ``filter[totalValue]`` over a fifth of the table and ``sort=createdAt``
can be found two ways: walk the ``total_value`` index over the fifth, then sort it (20,000 rows
read and sorted), or walk the ``created_at`` index in order, keeping the rows the filter accepts,
until the page is full (about 150 rows read). Which one wins depends on how many rows the filters
match, which SQLite (built without STAT4) cannot estimate for a range: it guesses, and on a wide
range guesses wrong. PostgreSQL keeps histograms and chooses well by itself.

So on SQLite the server keeps what the database holds of each filtered column as a sorted sample
(:class:`Samples`, read from the table and refreshed now and then; a stale sample can only make a
slower plan, never a wrong answer), estimates the share of rows a request's filters match
(:func:`selectivity`) and, when walking the sort order reads fewer rows (:func:`walk_sort_order`),
tells SQLite not to use the filters' own indexes for that statement (``+column``).
"""

from __future__ import annotations

import bisect
import threading
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any

import sqlalchemy as sa
from sqlalchemy.ext.compiler import compiles
from sqlalchemy.sql.compiler import SQLCompiler
from sqlalchemy.sql.visitors import InternalTraversal

from server.jsonapi.query import Filter, Query, Range
from server.metadata.model import Resource
from server.metadata.types import Period

ESTIMATED = ("eq", "neq", "lt", "lte", "gt", "gte")  # operators a sample can estimate
SAMPLE_SIZE = 1024  # values kept per column
REFRESH_SECONDS = 300.0  # a sample older than this is read again


@dataclass(frozen=True)
class Sample:
    """Sorted non-null values of one column, the share of nulls, and the table's row count."""

    values: tuple[Any, ...]
    null_share: float
    rows: int

    def share(self, operator: str, value: Any) -> float | None:
        """The share of rows ``column <operator> value`` holds for; None when unknown."""
        values, n = self.values, len(self.values)
        if not n:
            return 0.0
        present = 1.0 - self.null_share
        try:
            left, right = bisect.bisect_left(values, value), bisect.bisect_right(values, value)
        except TypeError:  # a value of another type than the stored ones
            return None
        match operator:
            case "eq":
                return present * max(right - left, 0.5) / n
            case "neq":
                return present * (n - (right - left)) / n
            case "lt":
                return present * left / n
            case "lte":
                return present * right / n
            case "gt":
                return present * (n - right) / n
            case "gte":
                return present * (n - left) / n
        return None

    def between(self, low: Any, high: Any, high_open: bool) -> float | None:
        values, n = self.values, len(self.values)
        if not n:
            return 0.0
        try:
            start = bisect.bisect_left(values, low)
            end = (bisect.bisect_left if high_open else bisect.bisect_right)(values, high)
        except TypeError:
            return None
        return (1.0 - self.null_share) * max(end - start, 0.5) / n


Reader = Callable[[sa.Table, str], Sample]


class Samples:
    """Samples by (table, column), read on first use and again after ``REFRESH_SECONDS``."""

    def __init__(self, read: Reader, clock: Callable[[], float] = time.monotonic) -> None:
        self.read = read
        self.clock = clock
        self._kept: dict[tuple[str, str], tuple[Sample, float]] = {}
        self._lock = threading.Lock()

    def get(self, table: sa.Table, column: str) -> Sample:
        key = (table.name, column)
        kept = self._kept.get(key)
        if kept is not None and kept[1] > self.clock():
            return kept[0]
        with self._lock:  # one reader at a time; the others wait for its sample
            kept = self._kept.get(key)
            if kept is not None and kept[1] > self.clock():
                return kept[0]
            sample = self.read(table, column)
            self._kept[key] = (sample, self.clock() + REFRESH_SECONDS)
            return sample


def read_sample(engine: sa.Engine) -> Reader:
    """A :data:`Reader` over ``engine``: every k-th row by id, k chosen from the row count."""

    def read(table: sa.Table, column: str) -> Sample:
        col = table.c[column]
        with engine.connect() as connection:
            rows = connection.execute(sa.select(sa.func.count()).select_from(table)).scalar_one()
            if not rows:
                return Sample((), 0.0, 0)
            step = max(rows // SAMPLE_SIZE, 1)
            picked = sa.select(col).where(table.c.id % step == 0) if step > 1 else sa.select(col)
            found = [value for (value,) in connection.execute(picked)]
        values = sorted(v for v in found if v is not None)
        nulls = len(found) - len(values)
        return Sample(tuple(values), nulls / len(found) if found else 0.0, rows)

    return read


def samples_for(engine: sa.Engine) -> Samples | None:
    """Samples over ``engine`` where the database needs them to choose (a SQLite file), else
    None (PostgreSQL chooses well alone; an in-memory database has one connection, which a sample
    must not share with the request reading it)."""
    if engine.dialect.name != "sqlite" or isinstance(engine.pool, sa.pool.StaticPool):
        return None
    return Samples(read_sample(engine))


def analyze(engine: sa.Engine) -> None:
    """Give the database's own planner its statistics when it has none yet (a database just
    seeded or made before): SQLite's ``ANALYZE`` (approximate, bounded work per index) fills
    ``sqlite_stat1``, which tells an index on a few values from a selective one; PostgreSQL's
    fills its histograms. Later, ``PRAGMA optimize`` or autovacuum keep them current."""
    if engine.dialect.name == "postgresql":
        with engine.connect().execution_options(isolation_level="AUTOCOMMIT") as connection:
            analyzed = connection.exec_driver_sql(  # statistics stored (copied with a template)
                "SELECT count(*) FROM pg_stats WHERE schemaname = current_schema()"
            ).scalar()
            if not analyzed:  # and the visibility map, so index-only scans skip the heap
                connection.exec_driver_sql("VACUUM ANALYZE")
        return
    with engine.begin() as connection:
        if connection.dialect.name == "sqlite":
            known = connection.exec_driver_sql(
                "SELECT 1 FROM sqlite_master WHERE name = 'sqlite_stat1'"
            ).first()
            if known is None:
                connection.exec_driver_sql("PRAGMA analysis_limit = 1000")
                connection.exec_driver_sql("ANALYZE")


def selectivity(shares: Sequence[float | None]) -> float | None:
    """The share of rows all filters match, taking them as independent; None when any is
    unknown (the database then chooses, as it would)."""
    share = 1.0
    for part in shares:
        if part is None:
            return None
        share *= part
    return share


def walk_sort_order(share: float, rows: int, wanted: int) -> bool:
    """Whether walking the sort order reads fewer rows than the filters' index would: about
    ``wanted / share`` rows against ``share × rows`` read, then sorted (counted twice)."""
    if share <= 0.0:
        return False
    return wanted / share < 2.0 * share * rows


def _column_of(resource: Resource, name: str) -> str | None:
    """The primary table's own column a one-segment path names (id, attribute, to-one key)."""
    if name == "id":
        return "id"
    if name in resource.attribute:
        return resource.attribute[name].column
    rel = resource.relationship.get(name)
    return rel.column if rel is not None and not rel.many else None


def _share(sample: Sample, f: Filter) -> float | None:
    value = f.value
    if isinstance(value, Period):
        value = Range(value.start, value.end, high_open=True)
    if f.operator not in ESTIMATED or isinstance(value, bool):
        return None
    if isinstance(value, Range):
        inside = sample.between(value.low, value.high, value.high_open)
        if inside is None or f.operator not in ("eq", "neq"):
            return None
        return inside if f.operator == "eq" else max(1.0 - sample.null_share - inside, 0.0)
    if isinstance(value, list):
        if f.operator != "eq" or (value and isinstance(value[0], Period)):
            return None
        shares = [sample.share("eq", item) for item in value]
        return None if None in shares else min(sum(s for s in shares if s is not None), 1.0)
    return sample.share(f.operator, value)


def unindexed_filters(
    resource: Resource, table: sa.Table, query: Query, wanted: int, samples: Samples
) -> frozenset[int]:
    """The filters to keep off their indexes so that a page of ``wanted`` rows walks the sort
    order (empty: let the database choose). Only when every filter is on the table's own
    column, with an operator a sample estimates, and the sort starts with such a column."""
    sort = query.sort or tuple(((name,), desc) for name, desc in resource.default_sort)
    if not query.filters or not sort or len(sort[0][0]) != 1:
        return frozenset()
    if _column_of(resource, sort[0][0][0]) is None:
        return frozenset()
    shares, rows = [], 0
    for f in query.filters:
        column = _column_of(resource, f.path[0]) if len(f.path) == 1 else None
        if column is None:
            return frozenset()
        sample = samples.get(table, column)
        shares.append(_share(sample, f))
        rows = max(rows, sample.rows)
    share = selectivity(shares)
    if share is None or not walk_sort_order(share, rows, wanted):
        return frozenset()
    return frozenset(range(len(query.filters)))


class unindexed(sa.sql.expression.ColumnElement[Any]):
    """A column SQLite may not look up through its index (``+column``): the statement then walks
    the sort order. Elsewhere the column itself (PostgreSQL plans by its own statistics)."""

    inherit_cache = True
    _traverse_internals = [("column", InternalTraversal.dp_clauseelement)]  # noqa: RUF012

    def __init__(self, column: sa.ColumnElement[Any]) -> None:
        self.column = column
        self.type = column.type

    @property
    def _from_objects(self) -> list[Any]:
        return self.column._from_objects


@compiles(unindexed)
def _unindexed(element: unindexed, compiler: SQLCompiler, **kw: Any) -> str:
    return str(compiler.process(element.column, **kw))


@compiles(unindexed, "sqlite")
def _unindexed_sqlite(element: unindexed, compiler: SQLCompiler, **kw: Any) -> str:
    return f"+{compiler.process(element.column, **kw)}"
