"""Filter values as bind parameters, and the SQL of an operator over them.

``bind_filters`` turns parsed filters into a *shape* (the cache key of a compiled statement: which
paths and operators, and what kind of value each takes; never the values, nor how many values a
list holds: a list is one JSON array parameter, see ``server.storage.dialect``) and the values by
bind name ``p<i>…``. ``compare`` and ``to_many`` build an operator's clause from its row in
:mod:`server.metadata.operators`, given an :class:`~server.metadata.operators.Operand` of the
right kind: one value, a list, a range, the periods of partial dates, a flag or a LIKE pattern.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Hashable, Sequence
from dataclasses import dataclass
from typing import Any

import orjson
import sqlalchemy as sa

from server.jsonapi.query import Filter, Range
from server.metadata.operators import OPERATORS, Column, Members, Operand
from server.metadata.types import Period
from server.storage.dialect import items as json_items
from server.storage.dialect import json_item_at, listed

Clause = sa.ColumnElement[bool]
Params = dict[str, Any]
Shape = tuple[tuple[Any, ...], ...]
Test = Callable[[Column], Clause]  # a condition on a related record's id


def bind(name: str) -> sa.BindParameter[Any]:
    return sa.bindparam(name)


def to_json(values: list[Any]) -> str:
    """A list as the one JSON array parameter :func:`listed` reads."""
    return json.dumps(values, separators=(",", ":"), allow_nan=False)


def ids_json(ids: Sequence[Any]) -> str:
    """Stored ids (integers or strings) as the one JSON array parameter :func:`listed` reads."""
    return orjson.dumps(list(ids)).decode()


def _escape_like(text: str) -> str:
    return text.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")


def bind_filters(filters: Sequence[Filter]) -> tuple[Shape, Params]:
    """The shape of the filters (a cache key) and their values by bind name ``p<i>…``."""
    shape: list[tuple[Any, ...]] = []
    params: Params = {}
    for i, f in enumerate(filters):
        name, value, row = f"p{i}", f.value, OPERATORS[f.operator]
        if isinstance(value, Period):
            value = Range(value.start, value.end, high_open=True)
        if isinstance(value, bool) and row.flag:
            kind: Hashable = ("bool", value)
        elif isinstance(value, Range):
            kind = ("range", value.high_open)
            params[f"{name}_lo"], params[f"{name}_hi"] = value.low, value.high
        elif isinstance(value, list) and value and isinstance(value[0], Period):
            kind = ("periods",)  # a list of partial dates: the union of the periods
            params[name] = to_json([[period.start, period.end] for period in value])
        elif isinstance(value, list):
            kind = ("list",)
            params[name] = to_json(value)
        elif row.pattern is not None:
            kind = ("like",)
            params[name] = row.pattern.format(_escape_like(str(value)))
        else:
            kind = ("value",)
            params[name] = value
        shape.append((f.path, f.operator, kind))
    return tuple(shape), params


# --- operands: one class per kind of bound value ----------------------------------------------


@dataclass(frozen=True)
class _Value(Operand):
    name: str

    def equal(self, column: Column) -> Clause:
        return column == bind(self.name)

    def outside(self, column: Column) -> Clause:
        return column != bind(self.name)

    def below(self, column: Column) -> Clause:
        return column < bind(self.name)

    def above(self, column: Column) -> Clause:
        return column > bind(self.name)

    def at_most(self, column: Column) -> Clause:
        return column <= bind(self.name)

    def at_least(self, column: Column) -> Clause:
        return column >= bind(self.name)

    def like(self, column: Column) -> Clause:
        return column.like(bind(self.name), escape="\\")


@dataclass(frozen=True)
class _List(Operand):
    """Any of the items of one JSON array parameter."""

    name: str

    def equal(self, column: Column) -> Clause:
        return column.in_(listed(self.name, column.type))

    def outside(self, column: Column) -> Clause:
        return column.not_in(listed(self.name, column.type))

    def distinct(self) -> sa.ScalarSelect[Any]:
        """How many different items the list holds."""
        items = json_items(self.name)
        return sa.select(sa.func.count(sa.distinct(items.c.value))).scalar_subquery()


@dataclass(frozen=True)
class _Range(Operand):
    """``low..high`` inclusive, or ``[low, high)`` when ``high_open`` (a period)."""

    name: str
    high_open: bool

    def below(self, column: Column) -> Clause:
        return column < bind(f"{self.name}_lo")

    def above(self, column: Column) -> Clause:
        high = bind(f"{self.name}_hi")
        return column >= high if self.high_open else column > high

    def equal(self, column: Column) -> Clause:
        return sa.and_(sa.not_(self.below(column)), sa.not_(self.above(column)))

    def outside(self, column: Column) -> Clause:
        return sa.or_(self.below(column), self.above(column))


@dataclass(frozen=True)
class _Periods(Operand):
    """Several partial dates, ``[[start, end), …]`` as one JSON array: their union."""

    name: str

    def equal(self, column: Column) -> Clause:
        periods = json_items(self.name)
        start = json_item_at(periods.c.value, 0)
        end = json_item_at(periods.c.value, 1)
        return sa.exists().where(column >= start, column < end).select_from(periods)

    def outside(self, column: Column) -> Clause:
        return sa.and_(column.is_not(None), sa.not_(self.equal(column)))


@dataclass(frozen=True)
class _Flag(Operand):
    flag: bool


def operand(name: str, kind: tuple[Any, ...]) -> Operand:
    """The operand of a filter's shape entry (see :func:`bind_filters`)."""
    match kind[0]:
        case "bool":
            return _Flag(kind[1])
        case "range":
            return _Range(name, kind[1])
        case "periods":
            return _Periods(name)
        case "list":
            return _List(name)
    return _Value(name)  # "value" and "like"


def compare(column: Column, operator: str, name: str, kind: tuple[Any, ...]) -> Clause:
    """``column`` filtered by ``operator`` (a field, an id, a to-one association's id)."""
    return OPERATORS[operator].sql(column, operand(name, kind))


@dataclass(frozen=True)
class _Members(Members):
    """The owners (``owner_id``) of a to-many association, compared with ``values``."""

    owner_id: Column
    owners: Callable[[Test | None], sa.Select[Any]]
    held: Callable[[Test], sa.ScalarSelect[Any]]
    values: Operand

    @property
    def non_empty(self) -> Clause:
        return self.owner_id.in_(self.owners(None))

    @property
    def any_of(self) -> Clause:
        return self.owner_id.in_(self.owners(self.values.equal))

    @property
    def all_of(self) -> Clause:
        if not isinstance(self.values, _List):
            raise TypeError(f"{type(self.values).__name__} is not a list of values")
        return self.held(self.values.equal) == self.values.distinct()


def to_many(
    owner_id: Column,
    owners: Callable[[Test | None], sa.Select[Any]],
    held: Callable[[Test], sa.ScalarSelect[Any]],
    operator: str,
    name: str,
    kind: tuple[Any, ...],
) -> Clause:
    """Owners filtered by a to-many association. ``owners(test)`` selects the ids of the owners
    related to a record whose id passes ``test`` (to any record when None); ``held(test)`` counts
    the different related records of the outer owner whose id passes it."""
    row = OPERATORS[operator]
    if row.sql_many is None:
        raise ValueError(f"{operator} does not apply to a to-many association")
    values = operand(name, kind)
    return row.sql_many(_Members(owner_id, owners, held, values), values)
