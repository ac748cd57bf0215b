"""What a server says about its resources, read from its OpenAPI document.

:meth:`Metadata.from_openapi` is pure: it takes the document as a dict and returns frozen
dataclasses (the reader is :mod:`sandbox._openapi`), one :class:`ResourceType` per JSON:API type,
with

- ``attributes`` — :class:`Attribute`: Oro's data type (``money``, ``datetime``, ``enum``…), the
  DataFrame column ``kind`` it maps to, enum values, read-only;
- ``relationships`` — :class:`Relationship`: target type, to-one or to-many;
- ``filters`` — :class:`FieldFilter` per filterable field: allowed operators, whether lists
  (``a,b``) and ranges (``a..b``) apply, the data type of the values;
- ``sortable`` fields, ``meta_properties``, ``max_page_size``;
- ``routes`` — :class:`Route`: the enabled Oro actions with their method and path.

Everything is derived from the document: resource objects are found through the responses of the
operations (and ``components/schemas``), filters and sorters from the query parameters of the
operations that return a collection of the type. Where the document says nothing (a foreign
OpenAPI document, an operation that is not there), the field is ``None`` and checks are skipped.

:meth:`Metadata.fetch` gets the document from a running server (``<api root>/doc/openapi.json``)
and answers ``None`` when there is none — a real Oro instance or another JSON:API server — so
callers work without metadata. Transport failures raise :class:`sandbox.client.ConnectionFailed`.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from sandbox.client import ApiClient

__all__ = [
    "DATA_TYPES",
    "Attribute",
    "DataType",
    "FieldFilter",
    "Metadata",
    "Relationship",
    "ResourceType",
    "Route",
    "WriteOptions",
]


@dataclass(frozen=True)
class DataType:
    """One of Oro's data types: the DataFrame column ``kind`` it becomes, and whether its
    filters take lists (``a,b``) and ranges (``a..b``) — reference §10.2 and §11.1."""

    name: str
    kind: str
    lists: bool = True
    ranges: bool = True


# Oro data type → kind of column. Durations are integer seconds on the wire, GUIDs and
# currency codes are strings, arrays are JSON.
DATA_TYPES: Mapping[str, DataType] = {
    row.name: row
    for row in (
        DataType("string", "string", lists=False, ranges=False),
        DataType("text", "string", lists=False, ranges=False),
        DataType("integer", "integer"),
        DataType("smallint", "integer"),
        DataType("bigint", "bigint"),
        DataType("boolean", "boolean", lists=False, ranges=False),
        DataType("decimal", "decimal"),
        DataType("float", "float"),
        DataType("percent", "percent"),
        DataType("percent_100", "percent"),
        DataType("money", "money"),
        DataType("money_value", "money"),
        DataType("currency", "string", ranges=False),
        DataType("duration", "integer"),
        DataType("datetime", "datetime"),
        DataType("date", "date"),
        DataType("time", "time"),
        DataType("guid", "string", ranges=False),
        DataType("enum", "enum", ranges=False),
        DataType("json", "json", lists=False, ranges=False),
        DataType("array", "json", lists=False, ranges=False),
        DataType("simple_array", "json", lists=False, ranges=False),
    )
}


@dataclass(frozen=True)
class Attribute:
    """An attribute of a resource type."""

    name: str
    data_type: str  # Oro's: "string", "money", "datetime", "enum", … ("json" when unknown)
    kind: str  # the DataFrame column kind: "datetime", "money", "integer", "string", …
    enum: tuple[str, ...] = ()  # the allowed values of an enum
    format: str | None = None  # the OpenAPI format, as documented
    read_only: bool = False
    description: str = ""


@dataclass(frozen=True)
class Relationship:
    """An association: its target type (``None`` when the document does not say) and arity."""

    name: str
    target: str | None
    many: bool
    description: str = ""

    @property
    def to_one(self) -> bool:
        return not self.many


@dataclass(frozen=True)
class FieldFilter:
    """``filter[field]`` of a resource type: its operators and the values they take."""

    field: str
    operators: tuple[str, ...]
    data_type: str  # of the values; for ``id`` and associations, the type of the ids
    lists: bool  # ``a,b`` means "any of" (with eq, neq…); otherwise the comma is literal
    ranges: bool  # ``a..b`` means "between, inclusive"
    enum: tuple[str, ...] = ()


@dataclass(frozen=True)
class Route:
    """One enabled operation: Oro's action name, the HTTP method and the path template."""

    action: str  # "get_list", "create", "get_subresource", …
    method: str  # "GET", …
    path: str  # "/api/users/{id}/owner"
    relationship: str | None = None
    operation_id: str | None = None
    # the request body the document shows (a sub-resource's own write, say a coupon's meta)
    example: Any = field(default=None, compare=False)


@dataclass(frozen=True)
class WriteOptions:
    """What a create or update request of a type may ask for (reference §12-§14): upsert by id
    or by one of ``upsert_fields`` (field sets), validate only, and an example body that
    creates a related record in ``included``."""

    upsert_by_id: bool = False
    upsert_fields: tuple[tuple[str, ...], ...] = ()
    validate: bool = False
    included_example: Mapping[str, Any] | None = None

    @property
    def upsert(self) -> bool:
        return self.upsert_by_id or bool(self.upsert_fields)


@dataclass(frozen=True)
class ResourceType:
    """Everything the document says about one JSON:API resource type.

    ``filters``, ``sortable`` and ``meta_properties`` are ``None`` when the document says nothing
    about them (no operation lists the type): checks are skipped then.
    """

    type: str
    description: str = ""
    id_type: str = "string"  # "integer" when ids are strings of digits
    attributes: Mapping[str, Attribute] = field(default_factory=dict)
    relationships: Mapping[str, Relationship] = field(default_factory=dict)
    filters: Mapping[str, FieldFilter] | None = None
    sortable: tuple[str, ...] | None = None
    meta_properties: tuple[str, ...] | None = None
    max_page_size: int | None = None
    routes: tuple[Route, ...] = ()
    required: tuple[str, ...] = ()  # attributes and relationships a create must give
    client_id: bool = False  # a create gives the new record's id (it is not generated)
    writes: Mapping[str, WriteOptions] = field(default_factory=dict)  # "create"/"update" → …

    def write_options(self, action: str) -> WriteOptions:
        """The options of the ``create`` or ``update`` request (none for other actions)."""
        return self.writes.get(action, WriteOptions())

    @property
    def fields(self) -> tuple[str, ...]:
        """Attribute and relationship names, as ``fields[type]`` takes them."""
        return (*self.attributes, *self.relationships)

    @property
    def actions(self) -> frozenset[str]:
        return frozenset(route.action for route in self.routes)

    def allows(self, action: str) -> bool:
        return action in self.actions

    def attribute_types(self) -> dict[str, str]:
        """``{attribute: kind}`` (the ``id`` is not an attribute)."""
        return {name: attribute.kind for name, attribute in self.attributes.items()}

    def __repr__(self) -> str:
        return (
            f"<ResourceType {self.type}: {len(self.attributes)} attributes,"
            f" {len(self.relationships)} relationships,"
            f" actions {', '.join(sorted(self.actions)) or 'unknown'}>"
        )


@dataclass(frozen=True)
class Metadata:
    """The resource types of one server, by type name."""

    resources: Mapping[str, ResourceType]
    title: str = ""
    version: str = ""

    @property
    def types(self) -> tuple[str, ...]:
        return tuple(self.resources)

    def __getitem__(self, type_: str) -> ResourceType:
        try:
            return self.resources[type_]
        except KeyError:
            raise KeyError(
                f"unknown resource type {type_!r}; types: {', '.join(self.resources)}"
            ) from None

    def __contains__(self, type_: object) -> bool:
        return type_ in self.resources

    def __iter__(self) -> Iterator[ResourceType]:
        return iter(self.resources.values())

    def __len__(self) -> int:
        return len(self.resources)

    def attribute_types(self, type_: str) -> dict[str, str]:
        """``{attribute: kind}`` of ``type_``, kinds as in :data:`DATA_TYPES` (``"datetime"``,
        ``"money"``, ``"decimal"``, ``"integer"``, ``"bigint"``, ``"float"``, ``"percent"``,
        ``"boolean"``, ``"enum"``, ``"date"``, ``"time"``, ``"string"``, ``"json"``)."""
        return self[type_].attribute_types()

    def reachable(self, type_: str) -> tuple[str, ...]:
        """``type_`` and every type its relationships lead to, at any depth (what
        ``fields[...]`` and ``include`` can reach from a request on ``type_``)."""
        seen = [type_]
        for current in seen:
            resource = self.resources.get(current)
            if resource is None:
                continue
            for rel in resource.relationships.values():
                if rel.target is not None and rel.target not in seen:
                    seen.append(rel.target)
        return tuple(seen)

    def __repr__(self) -> str:
        title = f" {self.title!r}" if self.title else ""
        return f"<Metadata{title}: {len(self)} types: {', '.join(self.resources)}>"

    @classmethod
    def from_openapi(cls, document: Mapping[str, Any]) -> Metadata:
        """The metadata described by an OpenAPI 3 document (a dict, as parsed from JSON)."""
        from sandbox._openapi import read_openapi  # the reader builds this module's classes

        return read_openapi(document)

    @classmethod
    def fetch(cls, client: ApiClient, path: str = "doc/openapi.json") -> Metadata | None:
        """Get the server's OpenAPI document (``<api root>/doc/openapi.json``) and read it;
        ``None`` when the server has none (a non-2xx answer or not an OpenAPI document)."""
        exchange = client.get(path, headers={"Accept": "application/json"})
        document = exchange.document
        if not exchange.ok or not isinstance(document, dict) or "paths" not in document:
            return None
        if not str(document.get("openapi", "")).startswith("3"):
            return None
        return cls.from_openapi(document)
