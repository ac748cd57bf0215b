"""Resource metadata: each resource is declared once and everything else is derived from it.

Tables, routes, query validation, request validation, documents and the OpenAPI document all
read these frozen dataclasses; nothing else names a field or a relationship.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from enum import Enum
from functools import cached_property
from typing import Any, Protocol

import sqlalchemy as sa

from server.metadata import operators
from server.metadata import types as t
from server.metadata.rules import NotBlank, Rule, Unique
from server.metadata.search import Search


class Auto(Enum):
    """Values the server keeps itself; a value passed by a client is ignored."""

    CREATED = "created"
    UPDATED = "updated"


def snake(name: str) -> str:
    return re.sub(r"(?<!^)(?=[A-Z])", "_", name).lower()


class Computed(Protocol):
    """A value the server derives in SQL from other records (``tables``: the schema's tables by
    type; ``table``: the record's; the request's currency is the bind parameter ``cur``)."""

    def __call__(
        self, tables: Mapping[str, Any], priced: Mapping[Any, Any], table: Any
    ) -> sa.ColumnElement[Any]: ...


VISITOR_COLUMN = "visitor_id"  # the owner column of a visitor's record (Resource.visitor_owned)


@dataclass(frozen=True)
class Attribute:
    name: str
    type: t.DataType
    description: str = ""
    required: bool = False  # NotBlank on create and update
    read_only: bool = False  # output-only: a value in a request is an extra field (refused)
    auto: Auto | None = None  # server-managed timestamp, input ignored
    # Actions ("create", "update") whose passed value is ignored: Oro's `form_options: {mapped:
    # false}`, documented "The read-only field. A passed value will be ignored."
    ignored_on: tuple[str, ...] = ()
    filters: tuple[str, ...] | None = None  # operators; None = the type's defaults
    filterable: bool = True
    sortable: bool = False
    rules: tuple[Rule, ...] = ()
    extra_operators: tuple[str, ...] = ()
    column_name: str | None = None
    # a value per localization (Oro's localized fallback values): read in the caller's
    # localization, falling back to the column's own value (the default one)
    localized: bool = False
    # the storefront's prices: a value per currency (none stored on the record), read in the
    # request's currency; ``request_currency``: the value is that currency itself
    priced: bool = False
    request_currency: bool = False
    # derived in SQL from other records when read in the storefront (say, a shopping list's
    # total); never stored, filtered or sorted
    computed: Computed | None = None

    @cached_property
    def column(self) -> str:
        return self.column_name or snake(self.name)

    @property
    def stored(self) -> bool:
        """Whether the record's own table has a column for it."""
        return not (self.priced or self.request_currency or self.computed is not None)

    @property
    def operators(self) -> tuple[str, ...]:
        if not self.filterable:
            return ()
        base = self.type.operators if self.filters is None else self.filters
        return base + tuple(op for op in self.extra_operators if op not in base)

    @property
    def writable(self) -> bool:
        """A value passed on create or update is stored."""
        return self.writable_on("create") or self.writable_on("update")

    def writable_on(self, action: str) -> bool:
        """A value passed in this action (``"create"`` or ``"update"``) is stored."""
        return not self.read_only and not self.ignores(action)

    def ignores(self, action: str) -> bool:
        """A value passed in this action is accepted and dropped (200, the value unchanged)."""
        return self.auto is not None or action in self.ignored_on

    @property
    def always_ignored(self) -> bool:
        return self.ignores("create") and self.ignores("update")

    @cached_property  # (read per value of every write)
    def all_rules(self) -> tuple[Rule, ...]:
        return ((NotBlank(),) if self.required else ()) + self.rules

    @property
    def unique(self) -> bool:
        return self.unique_rule is not None

    @cached_property
    def unique_rule(self) -> Unique | None:
        return next((rule for rule in self.rules if isinstance(rule, Unique)), None)


@dataclass(frozen=True)
class Relationship:
    """A to-one (FK column here) or to-many (link table, or FK on the target) association."""

    name: str
    target: str
    many: bool = False
    description: str = ""
    required: bool = False
    read_only: bool = False
    filterable: bool = True
    sortable: bool = False  # to-one only: sort by the related id
    link_table: str | None = None  # to-many through a link table
    inverse: str | None = None  # to-many backed by the target's to-one of this name
    on_delete: str = "restrict"  # to-one: what happens when the target is deleted
    default: str | None = None  # to-one: "user" | "business_unit" | "organization" of the caller
    column_name: str | None = None

    @cached_property
    def column(self) -> str:
        """FK column of a to-one association on this resource's table."""
        return self.column_name or f"{snake(self.name)}_id"

    @property
    def operators(self) -> tuple[str, ...]:
        """Oro's defaults: to-many filters also take ``contains``/``not_contains`` (all of)."""
        if not self.filterable:
            return ()
        return operators.defaults(operators.TO_MANY if self.many else operators.COMPARABLE)

    @property
    def writable(self) -> bool:
        """Inverse sides are written through the owning to-one, as in Doctrine."""
        return not self.read_only and self.inverse is None


@dataclass(frozen=True)
class SubResource:
    """A custom sub-resource of a record: a name below an item's URL that is no association
    (Oro's ``subresources`` served by processors of their own, such as ``/checkouts/1/payment``
    or ``/shoppinglists/1/checkout``). ``methods`` pairs each HTTP method it answers with the
    action that serves it (by name: ``server.endpoint.ACTIONS``); any other method is 405.
    ``returns`` names the resource type its answer holds (None: a ``meta``-only document, or
    items of the ``shape`` given, for the documentation); ``request`` says what a write takes:
    ``"meta"`` (a ``meta``-only body), ``"none"`` (no body)."""

    name: str
    methods: tuple[tuple[str, str], ...]
    description: str = ""
    returns: str | None = None
    many: bool = False  # a list of items (``returns`` or ``shape``), not one
    shape: Mapping[str, Any] | None = None  # the JSON Schema of its items, when not a resource
    request: str = "none"
    example: Mapping[str, Any] | None = None  # a request body, for the documentation

    def action(self, method: str) -> str | None:
        return dict(self.methods).get(method)


DEFAULT_ACTIONS = frozenset(
    {
        "get",
        "get_list",
        "create",
        "update",
        "delete",
        "delete_list",
        "get_subresource",
        "get_relationship",
        "update_relationship",
        "add_relationship",
        "delete_relationship",
    }
)


@dataclass(frozen=True, eq=False)  # compared and hashed by identity: declared once
class Resource:
    type: str
    table: str
    description: str
    attributes: tuple[Attribute, ...]
    relationships: tuple[Relationship, ...] = ()
    id_type: t.DataType = t.INTEGER
    id_generated: bool = True
    actions: frozenset[str] = DEFAULT_ACTIONS  # plus "update_list": the Batch API
    title: str = "{id}"  # format template over attribute names, for meta=title
    # access control: who owns a record — "user" / "business_unit" (the ``owner`` association),
    # "organization" (``organization``), "organization_self" (an organization itself), "parent"
    # (the record of ``acl_parent`` decides), or None (visible to every authenticated user)
    ownership: str | None = None
    acl_parent: str | None = None
    # the storefront: a visitor may own a record too (a ``visitor_id`` column, no API field; a
    # visitor's record has no customer user nor customer), as Oro's guest shopping lists
    visitor_owned: bool = False
    max_page_size: int | None = None
    max_delete: int = 100
    default_sort: tuple[tuple[str, bool], ...] = (("id", False),)  # (field, descending)
    indexes: tuple[tuple[str, ...], ...] = ()  # extra composite indexes, by column
    # records the API's examples (OpenAPI, /api/doc) name: one they read, change and point at, and
    # one a DELETE example may remove (None: the same)
    example_id: str = "1"
    deletable_id: str | None = None
    # upsert (Oro's ``upsert`` config): on by default; by id when the id is not generated, by
    # the field sets below (None: each unique attribute alone, as Oro derives them)
    upsert_enabled: bool = True
    upsert_fields: tuple[tuple[str, ...], ...] | None = None
    validation: bool = False  # ``meta.validate`` allowed (Oro's ``enable_validation``)
    search: Search | None = None  # what the search index holds of it (None: not searchable)
    # (header, value, attribute): a request with this header value names its records by this
    # unique attribute in the URL instead of the id (the storefront's ``X-Product-ID: sku``)
    key_header: tuple[str, str, str] | None = None
    # custom sub-resources below a record's URL (see SubResource)
    subresources: tuple[SubResource, ...] = ()
    # columns the server keeps on the record that no API field shows (name, type), say a
    # checkout's payment state; written by the actions that own them
    internal_columns: tuple[tuple[str, t.DataType], ...] = ()

    @property
    def upsert_by_id(self) -> bool:
        return self.upsert_enabled and not self.id_generated

    @cached_property
    def upsert_field_sets(self) -> tuple[tuple[str, ...], ...]:
        """The field sets an upsert may find a record by, as declared (order kept)."""
        if not self.upsert_enabled:
            return ()
        if self.upsert_fields is not None:
            return self.upsert_fields
        return tuple((a.name,) for a in self.attributes if a.unique)

    def upsert_allows(self, fields: tuple[str, ...]) -> bool:
        return frozenset(fields) in {frozenset(s) for s in self.upsert_field_sets}

    @cached_property
    def attribute(self) -> Mapping[str, Attribute]:
        return {a.name: a for a in self.attributes}

    @cached_property
    def relationship(self) -> Mapping[str, Relationship]:
        return {r.name: r for r in self.relationships}

    @cached_property
    def subresource(self) -> Mapping[str, SubResource]:
        return {s.name: s for s in self.subresources}

    @cached_property
    def field_names(self) -> frozenset[str]:
        return frozenset(self.attribute) | frozenset(self.relationship)

    def allows(self, action: str) -> bool:
        return action in self.actions

    def sortable(self, name: str) -> bool:
        if name == "id":
            return True
        if name in self.attribute:
            return self.attribute[name].sortable
        return name in self.relationship and self.relationship[name].sortable


@dataclass(frozen=True)
class Link:
    """A many-to-many link table: ``(left_column, right_column)`` as seen from ``owner``."""

    table: str
    owner: str
    owner_column: str
    target: str
    target_column: str


@dataclass
class Registry:
    """All resources by type, checked for dangling references when built."""

    resources: dict[str, Resource] = field(default_factory=dict)

    @classmethod
    def of(cls, resources: Iterable[Resource]) -> Registry:
        registry = cls({r.type: r for r in resources})
        registry.check()
        return registry

    def __getitem__(self, type_: str) -> Resource:
        return self.resources[type_]

    def __contains__(self, type_: object) -> bool:
        return type_ in self.resources

    def __iter__(self) -> Any:
        return iter(self.resources.values())

    def link(self, resource: Resource, rel: Relationship) -> Link:
        """The link table of a many-to-many association, columns named after both sides."""
        assert rel.link_table is not None
        owner_col = f"{snake(resource.table)}_id"
        target_col = f"{snake(self[rel.target].table)}_id"
        if owner_col == target_col:
            target_col = f"{snake(rel.name)}_id"
        return Link(rel.link_table, resource.type, owner_col, rel.target, target_col)

    def check(self) -> None:
        for resource in self:
            for sub in resource.subresources:
                if sub.returns is not None and sub.returns not in self:
                    raise ValueError(f"{resource.type}/{sub.name}: unknown type {sub.returns}")
            for rel in resource.relationships:
                if rel.target not in self:
                    raise ValueError(f"{resource.type}.{rel.name}: unknown target {rel.target}")
                if rel.many and not (rel.link_table or rel.inverse):
                    raise ValueError(f"{resource.type}.{rel.name}: to-many needs a link or inverse")
                if rel.name in resource.subresource:
                    raise ValueError(f"{resource.type}.{rel.name}: a sub-resource of that name")
                if rel.inverse:
                    back = self[rel.target].relationship.get(rel.inverse)
                    if back is None or back.many or back.target != resource.type:
                        raise ValueError(f"{resource.type}.{rel.name}: bad inverse {rel.inverse}")
