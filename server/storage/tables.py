"""SQLAlchemy tables derived from resource metadata.

One table per resource (``id``, a column per attribute, an FK column per to-one association), one
table per many-to-many link. Every filterable scalar column is indexed, as Oro enables filters on
indexed fields; a unique attribute has a unique index over its scope's columns and itself.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import sqlalchemy as sa

from server.metadata.model import VISITOR_COLUMN, Attribute, Link, Registry, Resource
from server.storage.auth_tables import AuthTables, define_auth_tables
from server.storage.batch_tables import BatchTables, define_batch_tables
from server.storage.dialect import sort_index
from server.storage.search_tables import SearchTables, define_search_tables

UNINDEXED = {"text", "json", "array"}


@dataclass(frozen=True)
class Schema:
    """The tables of a registry: ``tables[type]`` and ``links[(type, relationship)]``."""

    metadata: sa.MetaData
    tables: dict[str, sa.Table]
    links: dict[tuple[str, str], tuple[sa.Table, Link]]
    auth: AuthTables
    batch: BatchTables
    search: SearchTables
    # values per localization of localized attributes, by (type, attribute): ``owner_id``,
    # ``localization_id``, ``value``
    localized: dict[tuple[str, str], sa.Table] = field(default_factory=dict)
    # values per currency of priced attributes, by (type, attribute): ``owner_id``,
    # ``currency``, ``value``
    priced: dict[tuple[str, str], sa.Table] = field(default_factory=dict)
    # every API over this metadata, this one included: (registry, schema), in the order built —
    # one list shared by them all, so a delete from a shared table applies every API's rules
    apis: list[tuple[Registry, Schema]] = field(default_factory=list, compare=False, repr=False)

    def link(self, type_: str, rel: str) -> tuple[sa.Table, Link]:
        return self.links[(type_, rel)]


def _table(metadata: sa.MetaData, registry: Registry, resource: Resource) -> sa.Table:
    columns: list[sa.schema.SchemaItem] = [
        sa.Column(
            "id", resource.id_type.sql(), primary_key=True, autoincrement=resource.id_generated
        )
    ]
    for attr in (a for a in resource.attributes if a.stored):
        indexed = attr.filterable and attr.type.name not in UNINDEXED
        column = sa.Column(attr.column, attr.type.sql())
        columns.append(column)
        if indexed or attr.sortable:  # NULL lowest in both directions, as the SELECTs sort
            columns += sort_index(f"ix_{resource.table}_{attr.column}", column)
    for rel in resource.relationships:
        if not rel.many:
            target = registry[rel.target]
            columns.append(sa.Column(rel.column, target.id_type.sql(), index=True))
    for name, type_ in resource.internal_columns:  # (no API field: see the resource)
        columns.append(sa.Column(name, type_.sql()))
    if resource.visitor_owned:  # (its owner when a visitor: see Resource.visitor_owned)
        columns.append(sa.Column(VISITOR_COLUMN, sa.Integer, index=True))
    for i, cols in enumerate(resource.indexes):
        columns.append(sa.Index(f"ix_{resource.table}_c{i}", *cols))
    for attr in resource.attributes:
        if (rule := attr.unique_rule) is not None:
            scope = [resource.relationship[name].column for name in rule.scope]
            name = f"ux_{resource.table}_{attr.column}"
            columns.append(sa.Index(name, *scope, attr.column, unique=True))
    # AUTOINCREMENT: a deleted record's id is never handed out again (Oro's sequences neither)
    autoincrement = resource.id_generated and resource.id_type.name in ("integer", "smallint")
    return sa.Table(resource.table, metadata, *columns, sqlite_autoincrement=autoincrement)


def unique_indexes(schema: Schema) -> list[sa.Index]:
    return [i for t in schema.tables.values() for i in t.indexes if i.unique]


def localized_table_name(resource: Resource, attr: Attribute) -> str:
    return f"{resource.table}_{attr.column}_localized"


def _localized_table(
    metadata: sa.MetaData, registry: Registry, resource: Resource, attr: Attribute
) -> sa.Table:
    name = localized_table_name(resource, attr)
    return sa.Table(
        name,
        metadata,
        sa.Column("owner_id", resource.id_type.sql(), primary_key=True),
        sa.Column("localization_id", sa.Integer, primary_key=True),
        sa.Column("value", attr.type.sql()),
    )


def _priced_table(metadata: sa.MetaData, resource: Resource, attr: Attribute) -> sa.Table:
    return sa.Table(
        f"{resource.table}_{attr.column}_by_currency",
        metadata,
        sa.Column("owner_id", resource.id_type.sql(), primary_key=True),
        sa.Column("currency", sa.String(3), primary_key=True),
        sa.Column("value", attr.type.sql()),
    )


def _shared_table(metadata: sa.MetaData, registry: Registry, resource: Resource) -> sa.Table:
    """The table of a resource of a second API: another API's table of the same name when
    there is one (every column the resource names must be on it), else a table of its own."""
    table = metadata.tables.get(resource.table)
    if table is None:
        return _table(metadata, registry, resource)
    named = [a.column for a in resource.attributes if a.stored] + [
        r.column for r in resource.relationships if not r.many
    ]
    missing = [column for column in named if column not in table.c]
    if missing:
        raise ValueError(f"{resource.type}: {resource.table} has no column {', '.join(missing)}")
    return table


def build_schema(registry: Registry, base: Schema | None = None) -> Schema:
    """The tables of ``registry``; with ``base`` (another API's schema) in the same metadata,
    sharing the tables both name (the storefront reads the back-office's products)."""
    if base is not None:
        metadata = base.metadata
        tables = {r.type: _shared_table(metadata, registry, r) for r in registry}
    else:
        metadata = sa.MetaData()
        tables = {r.type: _table(metadata, registry, r) for r in registry}
    links: dict[tuple[str, str], tuple[sa.Table, Link]] = {}
    for resource in registry:
        for rel in resource.relationships:
            if rel.link_table is None:
                continue
            link = registry.link(resource, rel)
            table = metadata.tables.get(link.table)
            if table is None:
                owner_type = registry[resource.type].id_type
                target_type = registry[rel.target].id_type
                table = sa.Table(
                    link.table,
                    metadata,
                    sa.Column(link.owner_column, owner_type.sql(), primary_key=True),
                    sa.Column(link.target_column, target_type.sql(), primary_key=True, index=True),
                )
            links[(resource.type, rel.name)] = (table, link)
    localized = {
        (resource.type, attr.name): _localized_table(metadata, registry, resource, attr)
        for resource in registry
        for attr in resource.attributes
        if attr.localized
    }
    priced = {
        (resource.type, attr.name): _priced_table(metadata, resource, attr)
        for resource in registry
        for attr in resource.attributes
        if attr.priced
    }
    if base is not None:
        schema = Schema(
            metadata,
            tables,
            links,
            base.auth,
            base.batch,
            base.search,
            localized,
            priced,
            base.apis,
        )
    else:
        schema = Schema(
            metadata,
            tables,
            links,
            define_auth_tables(metadata),
            define_batch_tables(metadata),
            define_search_tables(metadata),
            localized,
            priced,
        )
    _check_delete_rules([*schema.apis, (registry, schema)])
    schema.apis.append((registry, schema))
    return schema


def _check_delete_rules(apis: list[tuple[Registry, Schema]]) -> None:
    """Two APIs naming the same foreign key column (a to-one relationship of a shared table)
    must agree on its ``on_delete`` rule: it is one reference, whichever API deletes."""
    rules: dict[tuple[str, str], tuple[str, str]] = {}
    for registry, _ in apis:
        for resource in registry:
            for rel in resource.relationships:
                if rel.many:
                    continue
                key = (resource.table, rel.column)
                known = rules.setdefault(key, (rel.on_delete, resource.type))
                if known[0] != rel.on_delete:
                    raise ValueError(
                        f"{resource.type}.{rel.name}: on_delete {rel.on_delete!r}, but"
                        f" {known[1]} has {known[0]!r} on {resource.table}.{rel.column}"
                    )
