"""Filter operators, one row each (as Datasette's ``filters.py``): the name in brackets, what it
means on a field and on a to-many association, the values it takes, the data types that enable it
by default, and its SQL. The query parser, the SQL compiler, the data types' defaults, the OpenAPI
document and ``/api/doc`` all read this table: an operator is one row here and nowhere else.

The SQL of a row is written against two small interfaces that storage implements: an
:class:`Operand` (what the column is compared with: one value, a list, a range, the periods of
partial dates, a flag or a LIKE pattern) and :class:`Members` (a to-many association's owners).
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass

import sqlalchemy as sa

__all__ = [
    "OPERATORS",
    "Members",
    "Operand",
    "Operator",
    "defaults",
]

Column = sa.ColumnElement[object]
Clause = sa.ColumnElement[bool]

# Families of default operators (reference §11.2): "comparable" — every data type that compares;
# "ordered" — numbers, dates and times; "to_many" — to-many associations.
COMPARABLE, ORDERED, TO_MANY = "comparable", "ordered", "to_many"


class Operand:
    """What a column is compared with, as storage binds it; each method is one SQL test.

    ``equal`` is ``=``, ``IN`` or within a range; ``outside`` its complement over the values that
    are not null; ``below``/``above`` lie under/over the value or the whole range."""

    flag: bool = False  # the value of a flag operator (``exists``, ``empty``)

    def equal(self, column: Column) -> Clause:
        raise TypeError(f"{type(self).__name__} is not compared for equality")

    def outside(self, column: Column) -> Clause:
        raise TypeError(f"{type(self).__name__} is not compared for equality")

    def below(self, column: Column) -> Clause:
        raise TypeError(f"{type(self).__name__} is not ordered")

    def above(self, column: Column) -> Clause:
        raise TypeError(f"{type(self).__name__} is not ordered")

    def at_most(self, column: Column) -> Clause:
        return sa.not_(self.above(column))

    def at_least(self, column: Column) -> Clause:
        return sa.not_(self.below(column))

    def like(self, column: Column) -> Clause:
        raise TypeError(f"{type(self).__name__} is not a pattern")


class Members:
    """A to-many association seen from its owners: which of them hold any related record, any of
    the values, or all of them."""

    @property
    def non_empty(self) -> Clause:
        raise NotImplementedError

    @property
    def any_of(self) -> Clause:
        raise NotImplementedError

    @property
    def all_of(self) -> Clause:
        raise NotImplementedError


@dataclass(frozen=True)
class Operator:
    name: str  # as in ``filter[field][name]``
    meaning: str  # on a field or a to-one association (OpenAPI, /api/doc)
    meaning_many: str  # on a to-many association; "" when the same as ``meaning`` or not served
    sql: Callable[[Column, Operand], Clause]  # a field, an id, or a to-one association's id
    sql_many: Callable[[Members, Operand], Clause] | None = None  # a to-many association
    flag: bool = False  # takes true/false, not a value of the field
    sets: bool = False  # lists (``a,b``: any of) and ranges (``a..b``) apply
    ranges_many: bool = True  # with ``sets``: ranges apply on a to-many association too
    pattern: str | None = None  # the LIKE pattern the text is bound into
    defaults: frozenset[str] = frozenset()  # families that enable it by default


def _blank(column: Column) -> Clause:
    return sa.or_(column.is_(None), column == "")


_ROWS = (
    Operator(
        "eq",
        "equal to the value",
        "contains any of the values",
        lambda c, v: v.equal(c),
        lambda m, v: m.any_of,
        sets=True,
        defaults=frozenset({COMPARABLE, ORDERED, TO_MANY}),
    ),
    Operator(
        "neq",
        "not equal to the value; records without a value are not returned",
        "contains none of the values; empty collections are not returned",
        lambda c, v: v.outside(c),
        lambda m, v: sa.and_(m.non_empty, sa.not_(m.any_of)),
        sets=True,
        defaults=frozenset({COMPARABLE, ORDERED, TO_MANY}),
    ),
    Operator(
        "lt",
        "less than the value",
        "",
        lambda c, v: v.below(c),
        defaults=frozenset({ORDERED}),
    ),
    Operator(
        "lte",
        "less than or equal to the value",
        "",
        lambda c, v: v.at_most(c),
        defaults=frozenset({ORDERED}),
    ),
    Operator(
        "gt",
        "greater than the value",
        "",
        lambda c, v: v.above(c),
        defaults=frozenset({ORDERED}),
    ),
    Operator(
        "gte",
        "greater than or equal to the value",
        "",
        lambda c, v: v.at_least(c),
        defaults=frozenset({ORDERED}),
    ),
    Operator(
        "exists",
        "`true`: has a value; `false`: has none",
        "`true`: not empty; `false`: empty",
        lambda c, v: c.is_not(None) if v.flag else c.is_(None),
        lambda m, v: m.non_empty if v.flag else sa.not_(m.non_empty),
        flag=True,
        defaults=frozenset({COMPARABLE, ORDERED, TO_MANY}),
    ),
    Operator(
        "neq_or_null",
        "not equal to the value, or without a value",
        "contains none of the values, or is empty",
        lambda c, v: sa.or_(v.outside(c), c.is_(None)),
        lambda m, v: sa.not_(m.any_of),
        sets=True,
        defaults=frozenset({COMPARABLE, ORDERED, TO_MANY}),
    ),
    Operator(
        "contains",
        "contains the text",
        "contains all of the values",
        lambda c, v: v.like(c),
        lambda m, v: m.all_of,
        sets=True,
        ranges_many=False,
        pattern="%{}%",
        defaults=frozenset({TO_MANY}),
    ),
    Operator(
        "not_contains",
        "does not contain the text",
        "does not contain all of the values",
        lambda c, v: sa.not_(v.like(c)),
        lambda m, v: sa.not_(m.all_of),
        sets=True,
        ranges_many=False,
        pattern="%{}%",
        defaults=frozenset({TO_MANY}),
    ),
    Operator(
        "starts_with",
        "starts with the text",
        "",
        lambda c, v: v.like(c),
        pattern="{}%",
    ),
    Operator(
        "not_starts_with",
        "does not start with the text",
        "",
        lambda c, v: sa.not_(v.like(c)),
        pattern="{}%",
    ),
    Operator(
        "ends_with",
        "ends with the text",
        "",
        lambda c, v: v.like(c),
        pattern="%{}",
    ),
    Operator(
        "not_ends_with",
        "does not end with the text",
        "",
        lambda c, v: sa.not_(v.like(c)),
        pattern="%{}",
    ),
    Operator(
        "empty",
        "`true`: empty or without a value; `false`: not empty",
        "",
        lambda c, v: _blank(c) if v.flag else sa.not_(_blank(c)),
        flag=True,
    ),
)
OPERATORS: Mapping[str, Operator] = {op.name: op for op in _ROWS}


def defaults(family: str) -> tuple[str, ...]:
    """The operators a family enables by default, in the table's order."""
    return tuple(op.name for op in _ROWS if family in op.defaults)
