"""A parsed query → whole SELECT statements: a page of rows, a count, rows by id, and a to-many
association's pairs; each compiled once per shape and returned with its values.

The pieces each have a module of their own: the compiled-statement cache
(``server.storage.statements``), the access filter applied on every hop
(``server.storage.access``), filters → WHERE (``server.storage.filters``, over the operator table
through ``server.storage.operands``), where associations are stored
(``server.storage.associations``) and sorting and paging (``server.storage.order``). A
:class:`Selector` puts them together for one registry; its statements return the rows documents
are built from (:meth:`Selector.columns`).
"""

from __future__ import annotations

from collections.abc import Callable, Hashable, Sequence
from typing import Any

import sqlalchemy as sa

from server.jsonapi.query import Query
from server.metadata.access import Rule
from server.metadata.model import Attribute, Registry, Relationship, Resource
from server.storage.access import AccessFilter, access_key, access_params
from server.storage.associations import Associations, Within, within_key
from server.storage.dialect import listed
from server.storage.filters import FilterCompiler
from server.storage.operands import bind, bind_filters, ids_json
from server.storage.order import Sorter, paged, paging
from server.storage.plans import Samples, unindexed_filters
from server.storage.statements import MAX_STATEMENTS, Params, Sql, Statements, run
from server.storage.tables import Schema

__all__ = ["Params", "Selector", "Sql", "Within", "run"]


class Selector:
    """Builds, compiles (once per shape) and parameterizes SELECTs for one registry."""

    def __init__(
        self,
        registry: Registry,
        schema: Schema,
        dialect: sa.Dialect,
        max_statements: int = MAX_STATEMENTS,
        samples: Samples | None = None,
    ) -> None:
        """``samples``: what the filtered columns hold, to choose which index a page walks
        (SQLite; None: the database chooses alone, as PostgreSQL does well)."""
        self.registry = registry
        self.samples = samples
        self.schema = schema
        self.dialect = dialect
        self.statements = Statements(dialect, max_statements)
        self.access = AccessFilter(registry, schema)
        self.associations = Associations(registry, schema)
        self.filters = FilterCompiler(registry, schema, self.access, self.associations)
        self.sorter = Sorter(registry, schema, self.access)

    @property
    def max_statements(self) -> int:
        return self.statements.max_statements

    @max_statements.setter
    def max_statements(self, value: int) -> None:
        self.statements.max_statements = value

    def compiled(self, key: Hashable, build: Callable[[], sa.Select[Any]]) -> Sql:
        return self.statements.compiled(key, build)

    def cached(self) -> int:
        """How many compiled statements are kept."""
        return self.statements.cached()

    def page(
        self,
        resource: Resource,
        query: Query,
        within: Within | None = None,
        *,
        extra: int = 1,
        ids_only: bool = False,
        access: Rule | None = None,
    ) -> tuple[Sql, Params]:
        """One page of rows (``extra`` more, to learn whether a next page exists)."""
        shape, params = bind_filters(query.filters)
        params.update(access_params(access))
        limits = paging(query, extra)
        if limits is not None:
            params.update(limits)
        if within is not None:
            params["owner"] = within.owner_id
        unindexed: frozenset[int] = frozenset()
        if self.samples is not None and limits is not None and within is None:
            table = self.schema.tables[resource.type]
            wanted = limits["offset"] + limits["limit"]
            unindexed = unindexed_filters(resource, table, query, wanted, self.samples)
        key = (
            "page",
            resource.type,
            shape,
            query.sort,
            limits is not None,
            within_key(within),
            ids_only,
            access_key(access),
            unindexed,
        )

        def build() -> sa.Select[Any]:
            table = self.schema.tables[resource.type]
            columns = [table.c.id] if ids_only else self.columns(resource, table, access)
            statement = sa.select(*columns).where(
                self.filters.where(resource, table, query.filters, access, unindexed)
            )
            statement = statement.where(self.access.visible(resource, table, access))
            if within is not None:
                statement = statement.where(self.associations.members(within))
            statement = self.sorter.order(resource, table, statement, query, access)
            return statement if limits is None else paged(statement)

        return self.compiled(key, build), params

    def count(
        self,
        resource: Resource,
        query: Query,
        within: Within | None = None,
        access: Rule | None = None,
    ) -> tuple[Sql, Params]:
        shape, params = bind_filters(query.filters)
        params.update(access_params(access))
        if within is not None:
            params["owner"] = within.owner_id

        def build() -> sa.Select[Any]:
            table = self.schema.tables[resource.type]
            statement = (
                sa.select(sa.func.count())
                .select_from(table)
                .where(self.filters.where(resource, table, query.filters, access))
                .where(self.access.visible(resource, table, access))
            )
            if within is None:
                return statement
            return statement.where(self.associations.members(within))

        key = ("count", resource.type, shape, within_key(within), access_key(access))
        return self.compiled(key, build), params

    def by_ids(
        self, resource: Resource, ids: Sequence[Any], access: Rule | None = None
    ) -> tuple[Sql, Params]:
        def build() -> sa.Select[Any]:
            table = self.schema.tables[resource.type]
            return (
                sa.select(*self.columns(resource, table, access))
                .where(table.c.id.in_(listed("ids", table.c.id.type)))
                .where(self.access.visible(resource, table, access))
                .order_by(table.c.id)
            )

        sql = self.compiled(("by_ids", resource.type, access_key(access)), build)
        params = {"ids": ids_json(ids), **access_params(access)}
        return sql, params

    def by_key(
        self, resource: Resource, attr: Attribute, value: str, access: Rule | None = None
    ) -> tuple[Sql, Params]:
        """The ids of the records whose ``attr`` is ``value`` (bind ``key``), that ``access``
        reaches."""

        def build() -> sa.Select[Any]:
            table = self.schema.tables[resource.type]
            return (
                sa.select(table.c.id)
                .where(table.c[attr.column] == bind("key"))
                .where(self.access.visible(resource, table, access))
                .order_by(table.c.id)
            )

        sql = self.compiled(("by_key", resource.type, attr.name, access_key(access)), build)
        return sql, {"key": value, **access_params(access)}

    def related_ids(
        self, resource: Resource, rel: Relationship, ids: Sequence[Any], access: Rule | None = None
    ) -> tuple[Sql, Params]:
        """``(owner id, target id)`` pairs of a to-many association for some owners, ordered;
        only the targets ``access`` may see."""

        def build() -> sa.Select[Any]:
            owner, target = self.associations.pair(resource, rel)
            statement = sa.select(owner, target).where(owner.in_(listed("ids", owner.type)))
            seen = self.access.seen(rel.target, access)
            if seen is not None:
                statement = statement.where(target.in_(seen))
            return statement.order_by(owner, target)

        key = ("related", resource.type, rel.name, access_key(access))
        params = {"ids": ids_json(ids), **access_params(access)}
        return self.compiled(key, build), params

    def value(
        self, resource: Resource, table: sa.FromClause, attr: Attribute, access: Rule | None
    ) -> sa.ColumnElement[Any]:
        """An attribute's column; a localized one in the rule's localization (bind ``loc``),
        else its default value; a priced one in the rule's currency (bind ``cur``)."""
        storefront = access is not None and access.localization_id is not None
        if attr.request_currency:
            currency = bind("cur") if storefront else sa.null()
            return sa.cast(currency, sa.String(3)).label(attr.column)
        if attr.computed is not None:
            if not storefront:
                return sa.cast(sa.null(), attr.type.sql()).label(attr.column)
            return attr.computed(self.schema.tables, self.schema.priced, table).label(attr.column)
        if attr.priced:
            if not storefront:
                return sa.cast(sa.null(), attr.type.sql()).label(attr.column)
            prices = self.schema.priced[(resource.type, attr.name)]
            return (
                sa.select(prices.c.value)
                .where(prices.c.owner_id == table.c.id, prices.c.currency == bind("cur"))
                .scalar_subquery()
                .label(attr.column)
            )
        column = table.c[attr.column]
        if not attr.localized or not storefront:
            return column
        values = self.schema.localized[(resource.type, attr.name)]
        own = (
            sa.select(values.c.value)
            .where(values.c.owner_id == table.c.id, values.c.localization_id == bind("loc"))
            .scalar_subquery()
        )
        return sa.func.coalesce(own, column).label(attr.column)

    def columns(
        self, resource: Resource, table: sa.FromClause, access: Rule | None = None
    ) -> list[sa.ColumnElement[Any]]:
        """id, every attribute, every to-one FK: the row layout documents are built from."""
        cols: list[sa.ColumnElement[Any]] = [table.c.id]
        cols += [self.value(resource, table, a, access) for a in resource.attributes]
        cols += [self.access.to_one(table, r, access) for r in resource.relationships if not r.many]
        return cols
