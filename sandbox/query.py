"""A builder for Oro's query language (reference §11): filters, fields, include, page, sort, meta,
and the ``X-Include`` header (§7.1). Pure: no I/O.

>>> q = Query().filter("id", "gt", 5).page(number=1, size=2).fields("users", "username", "email")
>>> str(q)
'filter[id][gt]=5&page[number]=1&page[size]=2&fields[users]=username,email'

A :class:`Query` is immutable: every method returns a new one. It has ``params()`` (the
``(key, value)`` pairs) and ``headers()``, so ``client.get("users", params=q)`` sends it, and
``query_string()`` / ``str(q)`` write it as the reference does: brackets and commas literal,
anything else percent-encoded where needed (``+`` as ``%2B``, a space as ``%20``). Parameters come
out grouped by kind, the kinds in the order they were first added; two queries are equal when they
send the same parameters and headers, whatever the order. :meth:`Query.parse` reads a query string
back.

Values convert themselves (:mod:`sandbox._values`): ``True`` → ``true``, dates and times in Oro's
formats (an aware datetime → UTC ``…Z``), a list → ``a,b`` ("any of"), a :class:`Range` →
``a..b`` (inclusive).

Given :class:`~sandbox.metadata.Metadata` (``q.check(metadata, "users")``, or bound once with
``Query(metadata=m, type="users")`` so that each step is checked), unknown fields, operators a
field does not allow, sort fields, ``fields[...]`` types and names are rejected with a
:class:`QueryError` that names them and lists what would do. An unknown include path is no error
(Oro ignores it: nothing comes back for it), so it is a :class:`QueryWarning` instead, saying why
nothing will be included; :meth:`Query.warnings` lists them without warning. Without metadata
only the grammar is checked (operator names, ``None``, page numbers, ``X-Include`` keys).

Exceptions: :class:`QueryError` (a :class:`sandbox.SandboxError` and a ``ValueError``);
warnings: :class:`QueryWarning` (a ``UserWarning``). The metadata checks are in
:mod:`sandbox._checks`.
"""

from __future__ import annotations

import numbers
import re
import warnings
from collections.abc import Iterable
from dataclasses import dataclass, field, replace
from typing import Any
from urllib.parse import unquote_plus

from sandbox._checks import check_query
from sandbox._operators import OPERATORS, Operator
from sandbox._values import Range, Shape, filter_value, format_value, quote_query, range_
from sandbox.exceptions import QueryError
from sandbox.metadata import Metadata

__all__ = [
    "OPERATORS",
    "X_INCLUDE_KEYS",
    "Filter",
    "Operator",
    "Query",
    "QueryError",
    "QueryWarning",
    "Range",
    "range_",
]


class QueryWarning(UserWarning):
    """A query the server accepts but that will not do what it seems to (an include path the
    metadata does not know: the server ignores it)."""


X_INCLUDE_KEYS = ("totalCount", "noHateoas", "deletedCount")  # §7.1
KINDS = ("filter", "fields", "include", "page", "sort", "meta", "param")
PAGE_ORDER = ("number", "size")

_KEY = re.compile(r"^([^\[\]]+)((?:\[[^\[\]]*\])*)$")
_MISSING: Any = object()


@dataclass(frozen=True)
class Filter:
    """One ``filter[path][operator]=value``; ``value`` is the text sent."""

    path: str
    operator: str
    value: str
    shape: Shape = field(default="value", compare=False)  # how it was given

    @property
    def key(self) -> str:
        """``filter[path]`` for ``eq`` (as the reference writes it), else ``filter[path][op]``."""
        if self.operator == "eq":
            return f"filter[{self.path}]"
        return f"filter[{self.path}][{self.operator}]"


def _names(what: str, values: Iterable[str]) -> tuple[str, ...]:
    """Names given as arguments, each possibly ``"a,b"``; none may be empty."""
    names: list[str] = []
    for value in values:
        if not isinstance(value, str):
            raise QueryError(f"{what}: names are strings, not {value!r}")
        for name in value.split(","):
            if not name.strip():
                raise QueryError(f"{what}: an empty name in {value!r}")
            names.append(name.strip())
    return tuple(names)


# --- the query -------------------------------------------------------------------------------


@dataclass(frozen=True, eq=False, kw_only=True)
class Query:
    """Oro's query parameters and ``X-Include``, built step by step; see the module docstring.

    ``Query(metadata=m, type="users")`` checks every step against the server's metadata.
    """

    filters: tuple[Filter, ...] = ()
    fieldsets: tuple[tuple[str, tuple[str, ...]], ...] = ()
    includes: tuple[str, ...] = ()
    sorting: tuple[str, ...] = ()
    paging: tuple[tuple[str, str], ...] = ()  # ("number", "2"), ("size", "30")
    meta_properties: tuple[str, ...] = ()
    x_includes: tuple[str, ...] = ()
    extra: tuple[tuple[str, str], ...] = ()  # other parameters, sent as given
    metadata: Metadata | None = field(default=None, repr=False)
    type: str | None = None
    kinds: tuple[str, ...] = field(default=(), repr=False)  # the order parameters come out in

    def __post_init__(self) -> None:
        if self.metadata is not None and self.type is not None:
            self.warnings()  # errors raise; :meth:`include` warns about its own paths

    # --- building ----------------------------------------------------------------------------

    def _with(self, kind: str, **changes: Any) -> Query:
        kinds = self.kinds if kind in self.kinds else (*self.kinds, kind)
        return replace(self, kinds=kinds, **changes)

    def filter(self, path: str, operator: Any, value: Any = _MISSING) -> Query:
        """``filter[path][operator]=value``; with two arguments the operator is ``eq``:
        ``.filter("name", "Acme")``. ``path`` may cross associations: ``"owner.name"``.
        The same path and operator again replaces the earlier value."""
        if value is _MISSING:
            operator, value = "eq", operator
        if not isinstance(path, str) or not path or any(not p for p in path.split(".")):
            raise QueryError(f"a filter path is a field name or a dotted path, not {path!r}")
        if re.search(r"[\[\]\s]", path):
            raise QueryError(f"a filter path has no brackets or spaces: {path!r}")
        if operator not in OPERATORS:
            raise QueryError(
                f"unknown operator {operator!r} in filter {path!r}; operators:"
                f" {', '.join(OPERATORS)}"
            )
        text, shape = filter_value(path, OPERATORS[operator], value)
        new = Filter(path, operator, text, shape)
        same = [(f.path, f.operator) == (path, operator) for f in self.filters]
        if any(same):  # in the place of the one it replaces
            filters = tuple(new if hit else f for f, hit in zip(self.filters, same, strict=True))
        else:
            filters = (*self.filters, new)
        return self._with("filter", filters=filters)

    def without_filter(self, path: str, operator: str | None = None) -> Query:
        """This query minus the filters on ``path`` (only ``operator``'s, when given)."""
        keep = tuple(
            f for f in self.filters if f.path != path or operator not in (None, f.operator)
        )
        return replace(self, filters=keep)

    def fields(self, type_: str, *names: str) -> Query:
        """``fields[type]=a,b``: only these attributes and relationships of ``type_`` come back
        (replacing an earlier fieldset of the type). No names: only ids."""
        if not isinstance(type_, str) or not type_ or re.search(r"[\[\],\s]", type_):
            raise QueryError(f"fields[...] needs a resource type name, not {type_!r}")
        chosen = _names(f"fields[{type_}]", names)
        sets = dict(self.fieldsets)
        sets[type_] = chosen
        return self._with("fields", fieldsets=tuple(sets.items()))

    def include(self, *paths: str) -> Query:
        """``include=owner,owner.organization``: related resources in ``included``. A bound
        query warns (:class:`QueryWarning`) about a path its metadata does not know."""
        new = _names("include", paths)
        query = self._with("include", includes=tuple(dict.fromkeys((*self.includes, *new))))
        if query.metadata is not None and query.type is not None:
            for note in Query(includes=new).warnings(query.metadata, query.type):
                warnings.warn(QueryWarning(note), stacklevel=2)
        return query

    def sort(self, *names: str) -> Query:
        """``sort=-createdAt,id``: ascending, or descending with ``-`` (replaces the order)."""
        order = _names("sort", names)
        for name in order:
            if any(not part for part in name.removeprefix("-").split(".")):
                raise QueryError(f"sort: {name!r} is not a field or a dotted path")
        return self._with("sort", sorting=order)

    def page(self, number: int | None = None, size: int | None = None, **other: Any) -> Query:
        """``page[number]`` (from 1) and ``page[size]`` (``-1``: all records); other keywords
        become ``page[<name>]`` as given, for servers that page otherwise (``offset=…``)."""
        paging = dict(self.paging)
        for name, value, low in (("number", number, 1), ("size", size, -1)):
            if value is None:
                continue
            if isinstance(value, bool) or not isinstance(value, numbers.Integral):
                raise QueryError(f"page[{name}] is an integer, not {value!r}")
            if value < low:
                allowed = "from 1" if name == "number" else "-1 (all) or more"
                raise QueryError(f"page[{name}] is {allowed}, not {value}")
            paging[name] = str(int(value))
        for name, value in other.items():
            paging[name] = format_value(value)
        ordered = {n: paging[n] for n in PAGE_ORDER if n in paging} | paging
        return self._with("page", paging=tuple(ordered.items()))

    def meta(self, *names: str) -> Query:
        """``meta=title``: extra meta properties of each resource object."""
        new = _names("meta", names)
        return self._with(
            "meta", meta_properties=tuple(dict.fromkeys((*self.meta_properties, *new)))
        )

    def x_include(self, *keys: str) -> Query:
        """``X-Include: totalCount;noHateoas`` (keys: totalCount, noHateoas, deletedCount)."""
        new = tuple(k.strip() for key in keys for k in str(key).split(";") if k.strip())
        for key in new:
            if key not in X_INCLUDE_KEYS:
                raise QueryError(
                    f"unknown X-Include key {key!r}; keys: {', '.join(X_INCLUDE_KEYS)}"
                )
        return replace(self, x_includes=tuple(dict.fromkeys((*self.x_includes, *new))))

    def param(self, key: str, value: Any) -> Query:
        """Any other query parameter, sent as given (replacing one of the same key)."""
        extra = dict(self.extra)
        extra[key] = format_value(value)
        return self._with("param", extra=tuple(extra.items()))

    def bind(self, metadata: Metadata | None, type_: str | None) -> Query:
        """This query, checked from now on against ``metadata`` for requests on ``type_``."""
        return replace(self, metadata=metadata, type=type_)

    # --- output ------------------------------------------------------------------------------

    def params(self) -> list[tuple[str, str]]:
        """The query parameters, as ``(key, value)`` pairs in a stable order."""
        groups: dict[str, list[tuple[str, str]]] = {
            "filter": [(f.key, f.value) for f in self.filters],
            "fields": [(f"fields[{t}]", ",".join(names)) for t, names in self.fieldsets],
            "include": [("include", ",".join(self.includes))] if self.includes else [],
            "page": [(f"page[{name}]", value) for name, value in self.paging],
            "sort": [("sort", ",".join(self.sorting))] if self.sorting else [],
            "meta": [("meta", ",".join(self.meta_properties))] if self.meta_properties else [],
            "param": list(self.extra),
        }
        order = [*self.kinds, *(kind for kind in KINDS if kind not in self.kinds)]
        return [pair for kind in order for pair in groups[kind]]

    def headers(self) -> dict[str, str]:
        return {"X-Include": ";".join(self.x_includes)} if self.x_includes else {}

    def query_string(self) -> str:
        """The query string as the reference writes it: ``filter[id]=5,7&sort=-name``."""
        return quote_query(self.params())

    def __str__(self) -> str:
        return self.query_string()

    def __repr__(self) -> str:
        scope = f"{self.type}: " if self.type else ""
        text = self.query_string() or "(no parameters)"
        header = f" | X-Include: {self.headers()['X-Include']}" if self.x_includes else ""
        return f"<Query {scope}{text}{header}>"

    def __eq__(self, other: object) -> bool:
        if not isinstance(other, Query):
            return NotImplemented
        return sorted(self.params()) == sorted(other.params()) and (
            self.headers() == other.headers()
        )

    def __hash__(self) -> int:
        return hash((tuple(sorted(self.params())), tuple(self.headers().items())))

    # --- reading -----------------------------------------------------------------------------

    @classmethod
    def parse(
        cls,
        text: str,
        *,
        x_include: str | Iterable[str] = (),
        metadata: Metadata | None = None,
        type: str | None = None,
    ) -> Query:
        """A query from a query string (or a URL with one): ``filter[id][gt]=5&sort=-id``.

        Keys may be percent-encoded, ``+`` is a space (as the server reads it), a repeated key
        keeps its last value (as the server does), and unknown parameters are kept as they are.
        """
        query = cls(metadata=metadata, type=type)
        text = text.split("#", 1)[0]
        if "?" in text:
            text = text.split("?", 1)[1]
        pairs: dict[str, str] = {}
        for part in text.split("&"):
            if part:
                key, _, value = part.partition("=")
                pairs[unquote_plus(key)] = unquote_plus(value)
        for key, value in pairs.items():
            query = query._read(key, value)
        keys = [x_include] if isinstance(x_include, str) else list(x_include)
        return query.x_include(*keys) if keys else query

    def _read(self, key: str, value: str) -> Query:
        match = _KEY.match(key)
        if match is None:
            return self.param(key, value)
        family = match.group(1)
        segments = re.findall(r"\[([^\[\]]*)\]", match.group(2))
        if family == "filter" and segments and all(segments):
            operator = "eq"
            if len(segments) > 1 and segments[-1] in OPERATORS:
                operator = segments.pop()
            return self.filter(".".join(segments), operator, value)
        if family == "fields" and len(segments) == 1:
            names = [] if value == "" else [value]
            return self.fields(segments[0], *names)
        if family == "page" and len(segments) == 1 and segments[0] in PAGE_ORDER:
            if not re.fullmatch(r"-?\d+", value):
                raise QueryError(f"page[{segments[0]}] is an integer, not {value!r}")
            return self.page(**{segments[0]: int(value)})
        if family in ("include", "sort", "meta") and not segments:
            method = {"include": self.include, "sort": self.sort, "meta": self.meta}[family]
            return method(value)
        return self.param(key, value)

    # --- checking against metadata -----------------------------------------------------------

    def check(self, metadata: Metadata | None = None, type_: str | None = None) -> Query:
        """Raise :class:`QueryError` naming the first problem the metadata shows, else return
        this query, after a :class:`QueryWarning` for each of :meth:`warnings`. Without
        metadata (given or bound) there is nothing to check."""
        for note in self.warnings(metadata, type_):
            warnings.warn(QueryWarning(note), stacklevel=2)
        return self

    def warnings(self, metadata: Metadata | None = None, type_: str | None = None) -> list[str]:
        """What the server accepts but ignores (unknown include paths), each with the reason;
        raises :class:`QueryError` as :meth:`check` does."""
        metadata = metadata if metadata is not None else self.metadata
        type_ = type_ if type_ is not None else self.type
        if metadata is None or type_ is None:
            return []
        return check_query(metadata, type_, self)
