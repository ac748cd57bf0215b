"""What can be searched, from ``GET /api/searchentities``: the searchable entity types with their
typed search fields, and the checks of a query against them before it is sent.

:meth:`SearchCatalog.fetch` asks the server (as the client's user: a type they may not view is not
listed); :meth:`SearchCatalog.from_document` reads a document already fetched. The checks return
:class:`SearchProblem`\\ s (a position in the query text when the query was parsed, and a message
naming the field, alias or value and what would do); an empty list means nothing to object to.
They catch what the server would not call an error but would answer with nothing: an unknown
field finds nothing, so does a typed field of the wrong type.

The legacy advanced search names types by their search alias (``oro_contact``), which
``searchentities`` does not list: :data:`ORO_ALIASES` holds Oro's aliases of the types the
sandbox serves; give ``aliases=`` to add others of a real Oro.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from sandbox.exceptions import QueryError
from sandbox.search.language import (
    LEGACY_OPERATORS,
    TEXT_OPERATORS,
    AdvancedQuery,
    Aggregate,
    Condition,
    Expression,
    Field,
    conditions,
)

if TYPE_CHECKING:
    from sandbox.client import ApiClient

__all__ = [
    "ALL_TEXT",
    "ORO_ALIASES",
    "SearchCatalog",
    "SearchCheckError",
    "SearchEntity",
    "SearchField",
    "SearchProblem",
]

ALL_TEXT = "allText"  # every text field of a record; the legacy language also says all_text
_ALL_TEXT_NAMES = {"alltext", "all_text"}
ORO_ALIASES = {
    "oro_user": "users",
    "oro_business_unit": "businessunits",
    "oro_account": "accounts",
    "oro_contact": "contacts",
    "oro_product": "products",
    "oro_customer": "customers",
    "oro_task": "tasks",
    "oro_order": "orders",
}
_DATETIME = re.compile(
    r"\d{4}-\d{2}-\d{2}(?:[ T]\d{2}:\d{2}(?::\d{2})?(?:\.\d+)?)?(?:Z|[+-]\d{2}:?\d{2})?"
)
_INTEGER = re.compile(r"[+-]?\d+")
_DECIMAL = re.compile(r"[+-]?(?:\d+\.?\d*|\.\d+)(?:[eE][+-]?\d+)?")


@dataclass(frozen=True)
class SearchField:
    name: str
    type: str  # text | integer | decimal | datetime
    entity_fields: tuple[str, ...] = ()  # the record's fields it reads


@dataclass(frozen=True)
class SearchEntity:
    type: str  # the JSON:API type, e.g. "contacts"
    name: str  # e.g. "Contact"
    searchable: bool
    fields: tuple[SearchField, ...] = ()

    def field(self, name: str) -> SearchField | None:
        return next((f for f in self.fields if f.name == name), None)


@dataclass(frozen=True)
class SearchProblem:
    position: int  # in the query text (0 for a query built in Python)
    message: str

    def __str__(self) -> str:
        return self.message


class SearchCheckError(QueryError):
    """A query the catalog objects to: ``problems`` says where and why."""

    def __init__(self, problems: list[SearchProblem]) -> None:
        super().__init__("; ".join(map(str, problems)))
        self.problems = problems


def _check_value(type_: str, text: str) -> bool:
    if type_ == "integer":
        return _INTEGER.fullmatch(text) is not None
    if type_ == "decimal":
        return _DECIMAL.fullmatch(text) is not None
    if type_ == "datetime":
        return _DATETIME.fullmatch(text.strip()) is not None
    return True


class SearchCatalog:
    """The searchable types a user may view, with their search fields."""

    def __init__(
        self, entities: Iterable[SearchEntity], *, aliases: Mapping[str, str] | None = None
    ) -> None:
        self.entities = {e.type: e for e in entities if e.searchable}
        self.aliases = {**ORO_ALIASES, **(aliases or {})}  # alias → JSON:API type

    @classmethod
    def from_document(cls, document: Any, **kwargs: Any) -> SearchCatalog:
        """From a ``searchentities`` list document."""
        if not isinstance(document, dict) or not isinstance(document.get("data"), list):
            raise QueryError("not a searchentities list document (no data list)")
        entities = []
        for item in document["data"]:
            attributes = item.get("attributes") or {}
            fields = tuple(
                SearchField(f["name"], f["type"], tuple(f.get("entityFields") or ()))
                for f in attributes.get("fields") or ()
            )
            entities.append(
                SearchEntity(
                    attributes.get("entityType") or item["id"],
                    attributes.get("entityName") or item["id"],
                    bool(attributes.get("searchable", True)),
                    fields,
                )
            )
        return cls(entities, **kwargs)

    @classmethod
    def fetch(cls, client: ApiClient, **kwargs: Any) -> SearchCatalog:
        """``GET searchentities?filter[searchable]=true`` as the client's user."""
        exchange = client.get("searchentities", params={"filter[searchable]": "true"})
        return cls.from_document(exchange.raise_for_errors().document, **kwargs)

    def __repr__(self) -> str:
        return f"<SearchCatalog {', '.join(self.entities)}>"

    # what there is

    def types(self, entities: Iterable[str] | None = None) -> list[SearchEntity]:
        """The catalog's entities among ``entities`` (JSON:API types), all when None."""
        if entities is None:
            return list(self.entities.values())
        return [self.entities[t] for t in entities if t in self.entities]

    def fields(self, entities: Iterable[str] | None = None) -> dict[str, str]:
        """Field name → type over ``entities`` (all when None), ``allText`` first; a name two
        types declare differently keeps the first type's, as the server reads it."""
        found = {ALL_TEXT: "text"}
        for entity in self.types(entities):
            for f in entity.fields:
                found.setdefault(f.name, f.type)
        return found

    def alias_types(self, aliases: Iterable[str]) -> list[str]:
        """The JSON:API types of legacy aliases that the catalog knows."""
        return [self.aliases[a] for a in aliases if a in self.aliases]

    # checks

    def check_condition(
        self, where: Expression, entities: Iterable[str] | None = None, *, legacy: bool = False
    ) -> list[SearchProblem]:
        """A ``filter[searchQuery]`` condition (``legacy``: an advanced search ``where``) over
        ``entities`` (JSON:API types; all searchable ones when None)."""
        chosen = list(entities) if entities is not None else None
        problems = self._check_entities(chosen) if chosen is not None else []
        if chosen is not None:
            chosen = [t for t in chosen if t in self.entities]
            if not chosen:  # no type to read fields from: the server finds nothing
                return problems
        known = self.fields(chosen)
        for condition in conditions(where):
            problems += self._check_condition(condition, known, chosen, legacy=legacy)
        return problems

    def check_aggregations(
        self, aggregates: Iterable[Aggregate], entities: Iterable[str] | None = None
    ) -> list[SearchProblem]:
        chosen = None if entities is None else [t for t in entities if t in self.entities]
        if chosen == []:  # no type to read fields from (check_condition names unknown types)
            return []
        known = self.fields(chosen)
        problems = []
        for a in aggregates:
            type_ = a.field.type or known.get(a.field.name)
            ordered = a.function in ("min", "max")  # they also take a datetime
            problem = self._check_field(a.field, known, chosen)
            if problem is not None:
                problems.append(problem)
                continue
            numeric = type_ in ("integer", "decimal") or (ordered and type_ == "datetime")
            if a.function != "count" and not numeric:
                takes = "an integer, decimal or datetime" if ordered else "an integer or decimal"
                problems.append(
                    SearchProblem(
                        a.field.position,
                        f'The function "{a.function}" does not apply to the {type_} field'
                        f' "{a.field.name}": it takes {takes} field',
                    )
                )
        return problems

    def check_query(self, query: AdvancedQuery) -> list[SearchProblem]:
        """A legacy advanced search query: its aliases, then every field it names."""
        problems = []
        at = query.alias_positions
        if len(at) != len(query.from_):  # built in Python, or changed since parsed
            at = (0,) * len(query.from_)
        for alias, position in zip(query.from_, at, strict=True):
            if alias not in self.aliases:
                problems.append(
                    SearchProblem(
                        position,
                        f'The search alias "{alias}" is unknown; known aliases: '
                        + ", ".join(sorted(self.aliases)),
                    )
                )
        chosen = None
        if query.from_:
            chosen = [t for t in self.alias_types(query.from_) if t in self.entities]
            if not chosen:  # unknown aliases, or types the user may not view: nothing to read
                return problems
        known = self.fields(chosen)
        if query.where is not None:
            problems += [
                p
                for c in conditions(query.where)
                for p in self._check_condition(c, known, chosen, legacy=True)
            ]
        named = [s.field for s in query.select]
        if query.order_by is not None:
            named.append(query.order_by.field)
        for f in named:
            problem = self._check_field(f, known, chosen)
            if problem is not None:
                problems.append(problem)
        problems += self.check_aggregations(query.aggregates, chosen)
        return problems

    def require(self, problems: list[SearchProblem]) -> None:
        """Raise :class:`SearchCheckError` when there are problems."""
        if problems:
            raise SearchCheckError(problems)

    # one by one

    def _check_entities(self, entities: list[str]) -> list[SearchProblem]:
        return [
            SearchProblem(
                0,
                f'The "{t}" is not a searchable entity type; searchable: '
                + ", ".join(sorted(self.entities)),
            )
            for t in entities
            if t not in self.entities
        ]

    def _where(self, entities: list[str] | None) -> str:
        return f" of {', '.join(entities)}" if entities else ""

    def _check_field(
        self, f: Field, known: dict[str, str], entities: list[str] | None
    ) -> SearchProblem | None:
        if f.name.lower() in _ALL_TEXT_NAMES:
            return None
        declared = known.get(f.name)
        if declared is None:
            near = [n for n in known if n.lower() == f.name.lower()]
            hint = f' (did you mean "{near[0]}"?)' if near else ""
            return SearchProblem(
                f.position,
                f'"{f.name}" is no search field{self._where(entities)}{hint}; known: '
                + ", ".join(sorted(known)),
            )
        if f.type is not None and f.type != declared:
            return SearchProblem(
                f.position,
                f'"{f.name}" is a {declared} field, not {f.type}: write "{declared} {f.name}"'
                " (a field of another type finds nothing)",
            )
        return None

    def _check_condition(
        self, c: Condition, known: dict[str, str], entities: list[str] | None, *, legacy: bool
    ) -> list[SearchProblem]:
        at = c.position
        if legacy and c.operator not in LEGACY_OPERATORS:
            return [SearchProblem(at, f'"{c.operator}" is not an operator of the advanced search')]
        if not legacy and c.field.type is not None:
            return [
                SearchProblem(
                    at,
                    f'"{c.field}": filter[searchQuery] names fields without a type (write'
                    f' "{c.field.name}")',
                )
            ]
        if c.field.name.lower() in _ALL_TEXT_NAMES:
            if c.operator not in ("~", "!~"):
                return [
                    SearchProblem(
                        at, f'The operator "{c.operator}" does not apply to allText: use ~ or !~'
                    )
                ]
            return []
        problem = self._check_field(c.field, known, entities)
        if problem is not None:
            return [problem]
        type_ = c.field.type or known[c.field.name]
        if c.operator in TEXT_OPERATORS and type_ != "text":
            return [
                SearchProblem(
                    at,
                    f'The operator "{c.operator}" applies to text fields only; "{c.field.name}"'
                    f" is {type_}: use = != > >= < <= in !in",
                )
            ]
        values = c.value if isinstance(c.value, tuple) else () if c.value is None else (c.value,)
        return [
            SearchProblem(
                at, f'"{c.field.name}" is {type_}: "{v}" is no {type_} value' + _EXAMPLE[type_]
            )
            for v in values
            if not _check_value(type_, v)
        ]


_EXAMPLE = {
    "integer": " (e.g. 42)",
    "decimal": " (e.g. 12.5)",
    "datetime": ' (e.g. "2024-01-31 00:00:00")',
    "text": "",
}
