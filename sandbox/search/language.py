"""The search query language as Python objects: what a query says, and how it is written.

Every node is a frozen dataclass whose ``str()`` is the query text (the formatter): a
:class:`Condition` (``firstName ~ john``), a :class:`Group` (conditions joined by ``and``/``or``
from left to right, as Oro reads them), an :class:`Aggregate`, an :class:`OrderBy`, a
:class:`Selected` field and a whole :class:`AdvancedQuery` of the legacy advanced search.
Positions (where the parser found a node) never take part in equality, so
``parse(str(node)) == node``.

:class:`F` builds them: ``F("firstName").contains("john") & (F("createdAt") > date(2024, 1, 1))``.
Values convert themselves: numbers as written, ``True``/``False`` as ``1``/``0``, a date as
``2024-01-01``, a datetime as ``"2024-01-01 00:00:00"`` (an aware one in UTC); a value that is not
a single word is quoted.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterable
from dataclasses import dataclass, replace
from dataclasses import field as _field_of
from decimal import Decimal
from typing import Any, Union

from sandbox.exceptions import QueryError

__all__ = [
    "FLAG_OPERATORS",
    "FUNCTIONS",
    "JSONAPI_OPERATORS",
    "KEYWORDS",
    "LEGACY_OPERATORS",
    "LIST_OPERATORS",
    "OPERATORS",
    "TEXT_OPERATORS",
    "TYPES",
    "AdvancedQuery",
    "Aggregate",
    "Condition",
    "Expression",
    "F",
    "Field",
    "Group",
    "OrderBy",
    "Selected",
    "conditions",
    "format_aggregations",
    "search_value",
]

# the index's types; the legacy language also writes decimal as float or double
TYPES = ("text", "integer", "decimal", "datetime")
TYPE_WORDS = {t: t for t in TYPES} | {"float": "decimal", "double": "decimal"}
TEXT_OPERATORS = ("~", "!~", "like", "notlike", "starts_with")  # text fields only
VALUE_OPERATORS = (*TEXT_OPERATORS, "=", "!=", ">", "<", ">=", "<=")
LIST_OPERATORS = ("in", "!in")
FLAG_OPERATORS = ("exists", "notexists")
OPERATORS = VALUE_OPERATORS + LIST_OPERATORS + FLAG_OPERATORS
JSONAPI_OPERATORS = OPERATORS  # filter[searchQuery]
LEGACY_OPERATORS = tuple(o for o in OPERATORS if o not in ("starts_with", *FLAG_OPERATORS))
FUNCTIONS = ("count", "sum", "avg", "min", "max")
KEYWORDS = ("select", "from", "where", "aggregate", "order_by", "offset", "max_results")
RESERVED = frozenset((*KEYWORDS, "and", "or"))

WORD = re.compile(r"""[^\s(),"'=<>~!]+""")


def _word(text: str) -> bool:
    return WORD.fullmatch(text) is not None and text.lower() not in RESERVED


def _quoted(text: str) -> str:
    """A value as the parser reads it back: bare when it is one word, else double-quoted."""
    if _word(text):
        return text
    return '"' + text.replace("\\", "\\\\").replace('"', '\\"') + '"'


def search_value(value: Any) -> str:
    """A Python value as the query language writes it (unquoted)."""
    if isinstance(value, bool):
        return "1" if value else "0"
    if isinstance(value, int | float | Decimal):
        return str(value)
    if isinstance(value, dt.datetime):
        if value.tzinfo is not None:
            value = value.astimezone(dt.UTC).replace(tzinfo=None)
        return str(value.strftime("%Y-%m-%d %H:%M:%S"))
    if isinstance(value, dt.date):
        return value.isoformat()
    if isinstance(value, str):
        return value
    raise QueryError(f"{value!r} is no search value: give a string, a number, a bool or a date")


@dataclass(frozen=True)
class Field:
    """A search field; ``type`` as written in the legacy language (``integer count``), None when
    the index's declaration applies."""

    name: str
    type: str | None = None
    position: int = _field_of(default=0, compare=False)

    def __str__(self) -> str:
        return f"{self.type} {self.name}" if self.type else self.name


@dataclass(frozen=True)
class Condition:
    """``field operator value``: the value as text; a tuple for ``in``/``!in``; None for
    ``exists``/``notexists``."""

    field: Field
    operator: str
    value: str | tuple[str, ...] | None
    position: int = _field_of(default=0, compare=False)

    def __str__(self) -> str:
        if self.value is None:
            return f"{self.field} {self.operator}"
        if isinstance(self.value, tuple):
            return f"{self.field} {self.operator} ({', '.join(map(_quoted, self.value))})"
        return f"{self.field} {self.operator} {_quoted(self.value)}"

    def __and__(self, other: Expression) -> Group:
        return _join(self, "and", other)

    def __or__(self, other: Expression) -> Group:
        return _join(self, "or", other)


@dataclass(frozen=True)
class Group:
    """Conditions joined from left to right: ``items[0] joins[0] items[1] …`` (so ``a or b and
    c`` means ``(a or b) and c``, as Oro reads it). A group inside a group is bracketed."""

    items: tuple[Expression, ...]
    joins: tuple[str, ...]  # "and" | "or", one fewer than items

    def __post_init__(self) -> None:
        if len(self.items) != len(self.joins) + 1 or len(self.items) < 2:
            raise QueryError("a group joins two conditions or more, one join between each two")
        if any(j not in ("and", "or") for j in self.joins):
            raise QueryError(f"conditions join with and or or, not {self.joins}")

    def __str__(self) -> str:
        parts = [_bracketed(self.items[0])]
        for join, item in zip(self.joins, self.items[1:], strict=True):
            parts += [join, _bracketed(item)]
        return " ".join(parts)

    def __and__(self, other: Expression) -> Group:
        return _join(self, "and", other)

    def __or__(self, other: Expression) -> Group:
        return _join(self, "or", other)


Expression = Union[Condition, Group]  # noqa: UP007 (a runtime alias, read by isinstance)


def _bracketed(item: Expression) -> str:
    return f"({item})" if isinstance(item, Group) else str(item)


def _join(left: Expression, join: str, right: Expression) -> Group:
    if not isinstance(right, Condition | Group):
        raise QueryError(
            f"{right!r} is no condition: build one with F(name), e.g. F('name') == 'x'"
        )
    # a & b & c stays one group; a mixed chain keeps its brackets, so the text reads as it means
    if isinstance(left, Group) and set(left.joins) == {join}:
        return Group((*left.items, right), (*left.joins, join))
    return Group((left, right), (join,))


@dataclass(frozen=True)
class Aggregate:
    """``field function name``: ``count`` gives value/count pairs, the others one number."""

    field: Field
    function: str
    name: str

    def __str__(self) -> str:
        return f"{self.field} {self.function} {self.name}"


def conditions(expression: Expression | None) -> list[Condition]:
    """Every condition of an expression, in the order written."""
    if expression is None:
        return []
    if isinstance(expression, Condition):
        return [expression]
    return [c for item in expression.items for c in conditions(item)]


def format_aggregations(aggregates: Iterable[Aggregate]) -> str:
    """``filter[aggregations]``'s text: ``status count, totalValue sum total``."""
    return ", ".join(map(str, aggregates))


@dataclass(frozen=True)
class OrderBy:
    field: Field
    descending: bool = False

    def __str__(self) -> str:
        return f"{self.field} desc" if self.descending else str(self.field)


@dataclass(frozen=True)
class Selected:
    """A field of ``select``, under another name with ``as``."""

    field: Field
    alias: str | None = None

    def __str__(self) -> str:
        return f"{self.field} as {self.alias}" if self.alias else str(self.field)


@dataclass(frozen=True)
class AdvancedQuery:
    """A query of the legacy advanced search (``/api/rest/latest/search/advanced?query=``).

    Build one with keywords — ``AdvancedQuery(from_=("oro_contact",), where=F("firstName") ==
    "john", max_results=5)`` — or step by step (each step returns a new query):
    ``AdvancedQuery().from_aliases("oro_contact").filter(F("firstName") == "john").limit(5)``.
    """

    select: tuple[Selected, ...] = ()
    from_: tuple[str, ...] = ()  # aliases; none: every searchable type
    where: Expression | None = None
    aggregates: tuple[Aggregate, ...] = ()
    order_by: OrderBy | None = None
    offset: int | None = None
    max_results: int | None = None
    # where the parser found each alias of from_ (for messages); not part of the query
    alias_positions: tuple[int, ...] = _field_of(default=(), compare=False, repr=False)

    def __post_init__(self) -> None:
        for name, number in (("offset", self.offset), ("max_results", self.max_results)):
            if number is not None and (isinstance(number, bool) or number < 0):
                raise QueryError(f"{name} is a whole number (0 or more), not {number!r}")
        for alias in self.from_:
            if not _word(alias):
                raise QueryError(f"{alias!r} is no entity alias (e.g. oro_contact)")

    def __str__(self) -> str:
        parts = []
        if self.select:
            chosen = ", ".join(map(str, self.select))
            one = len(self.select) == 1 and self.select[0].alias is None
            parts.append(f"select {chosen}" if one else f"select ({chosen})")
        if self.from_:
            names = ", ".join(self.from_)
            parts.append(f"from {names}" if len(self.from_) == 1 else f"from ({names})")
        if self.where is not None:
            parts.append(f"where {self.where}")
        if self.aggregates:
            parts.append("aggregate " + format_aggregations(self.aggregates))
        if self.order_by is not None:
            parts.append(f"order_by {self.order_by}")
        if self.offset is not None:
            parts.append(f"offset {self.offset}")
        if self.max_results is not None:
            parts.append(f"max_results {self.max_results}")
        return " ".join(parts)

    # steps, each a new query

    def selecting(self, *fields: str | F | Field | Selected) -> AdvancedQuery:
        return replace(self, select=self.select + tuple(map(_selected, fields)))

    def from_aliases(self, *aliases: str) -> AdvancedQuery:
        return replace(self, from_=self.from_ + aliases, alias_positions=())

    def filter(self, condition: Expression) -> AdvancedQuery:
        """``where``; a second call joins its condition with ``and``."""
        where = condition if self.where is None else _join(self.where, "and", condition)
        return replace(self, where=where)

    def aggregate(self, *aggregates: Aggregate) -> AdvancedQuery:
        return replace(self, aggregates=self.aggregates + aggregates)

    def sorted_by(self, field: str | F | Field, *, descending: bool = False) -> AdvancedQuery:
        return replace(self, order_by=OrderBy(_field(field), descending))

    def page(self, offset: int | None = None, max_results: int | None = None) -> AdvancedQuery:
        return replace(self, offset=offset, max_results=max_results)

    def limit(self, max_results: int) -> AdvancedQuery:
        return replace(self, max_results=max_results)


def _field(value: str | F | Field) -> Field:
    if isinstance(value, Field):
        return value
    if isinstance(value, F):
        return value.field
    return F(value).field


def _selected(value: str | F | Field | Selected) -> Selected:
    return value if isinstance(value, Selected) else Selected(_field(value))


class F:
    """A field, to build conditions, aggregates, sorting and selections from.

    ``F("name").contains("inc")`` (``name ~ inc``), ``F("total", "decimal") >= 100``,
    ``F("status").in_("open", "closed")``, ``F("owner").exists()``; join them with ``&`` and
    ``|``. ``F("status").count()`` aggregates, ``F("name").desc()`` sorts, ``F("name").as_("n")``
    selects under another name. ``type`` (text, integer, decimal, datetime) is the legacy
    language's typed field; ``filter[searchQuery]`` names fields only.
    """

    __hash__ = None  # type: ignore[assignment]  # == builds a condition

    def __init__(self, name: str, type: str | None = None) -> None:
        if not _word(name) or "." in name:
            raise QueryError(f"{name!r} is no search field name (one word, e.g. firstName)")
        if type is not None and type not in TYPE_WORDS:
            raise QueryError(f"{type!r} is no search field type: {', '.join(TYPES)}")
        self.field = Field(name, TYPE_WORDS[type] if type else None)

    def __repr__(self) -> str:
        return f"F({self.field.name!r}{f', {self.field.type!r}' if self.field.type else ''})"

    def _condition(self, operator: str, value: Any) -> Condition:
        return Condition(self.field, operator, search_value(value))

    # text
    def contains(self, value: Any) -> Condition:
        return self._condition("~", value)

    def not_contains(self, value: Any) -> Condition:
        return self._condition("!~", value)

    def like(self, value: Any) -> Condition:
        return self._condition("like", value)

    def not_like(self, value: Any) -> Condition:
        return self._condition("notlike", value)

    def starts_with(self, value: Any) -> Condition:
        return self._condition("starts_with", value)

    # any type
    def __eq__(self, value: Any) -> Condition:  # type: ignore[override]
        return self._condition("=", value)

    def __ne__(self, value: Any) -> Condition:  # type: ignore[override]
        return self._condition("!=", value)

    def __gt__(self, value: Any) -> Condition:
        return self._condition(">", value)

    def __ge__(self, value: Any) -> Condition:
        return self._condition(">=", value)

    def __lt__(self, value: Any) -> Condition:
        return self._condition("<", value)

    def __le__(self, value: Any) -> Condition:
        return self._condition("<=", value)

    def in_(self, *values: Any) -> Condition:
        if not values:
            raise QueryError("in needs one value or more")
        return Condition(self.field, "in", tuple(map(search_value, values)))

    def not_in(self, *values: Any) -> Condition:
        if not values:
            raise QueryError("!in needs one value or more")
        return Condition(self.field, "!in", tuple(map(search_value, values)))

    def exists(self) -> Condition:
        return Condition(self.field, "exists", None)

    def not_exists(self) -> Condition:
        return Condition(self.field, "notexists", None)

    # aggregates: the name defaults to the field and the capitalized function (statusCount)
    def _aggregate(self, function: str, name: str | None) -> Aggregate:
        name = name or self.field.name + function.capitalize()
        if not _word(name):
            raise QueryError(f"{name!r} is no aggregate name (one word)")
        return Aggregate(self.field, function, name)

    def count(self, name: str | None = None) -> Aggregate:
        return self._aggregate("count", name)

    def sum(self, name: str | None = None) -> Aggregate:
        return self._aggregate("sum", name)

    def avg(self, name: str | None = None) -> Aggregate:
        return self._aggregate("avg", name)

    def min(self, name: str | None = None) -> Aggregate:
        return self._aggregate("min", name)

    def max(self, name: str | None = None) -> Aggregate:
        return self._aggregate("max", name)

    # sorting and selecting
    def asc(self) -> OrderBy:
        return OrderBy(self.field)

    def desc(self) -> OrderBy:
        return OrderBy(self.field, descending=True)

    def as_(self, alias: str) -> Selected:
        if not _word(alias):
            raise QueryError(f"{alias!r} is no name for a selected field (one word)")
        return Selected(self.field, alias)
