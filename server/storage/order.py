"""Sorting and paging: ORDER BY through to-one paths, LIMIT/OFFSET as bind parameters.

A sort path's hops are LEFT OUTER JOINs, one alias per distinct path prefix, each joining only the
related records the caller may see (``server.storage.access``): a hidden related record sorts as a
missing one, and a hidden to-one key as null. The id breaks ties unless the sort names it, so
pages never overlap. Without a sort, the resource's default sort applies. A page is one row more
than asked (``extra``), so the caller learns whether a next page exists without a count.
"""

from __future__ import annotations

from typing import Any

import sqlalchemy as sa

from server.jsonapi.query import Query
from server.metadata.access import Rule
from server.metadata.model import Registry, Resource
from server.storage.access import AccessFilter
from server.storage.dialect import ordered
from server.storage.operands import bind
from server.storage.tables import Schema

MAX_ROWS = 2**62  # SQLite integers are 64-bit, page numbers are not


def paging(query: Query, extra: int = 1) -> dict[str, Any] | None:
    """``limit`` and ``offset`` of a page (clamped), or None when the query is unpaged."""
    if query.page_size < 0:
        return None
    return {
        "limit": min(query.page_size + extra, MAX_ROWS),
        "offset": min((query.page_number - 1) * query.page_size, MAX_ROWS),
    }


def paged(statement: sa.Select[Any]) -> sa.Select[Any]:
    """``statement`` limited to the bound ``limit`` rows from ``offset``."""
    return statement.limit(bind("limit")).offset(bind("offset"))


class Sorter:
    """ORDER BY clauses for the resources of one registry."""

    def __init__(self, registry: Registry, schema: Schema, access: AccessFilter) -> None:
        self.registry = registry
        self.schema = schema
        self.access = access

    def order(
        self,
        resource: Resource,
        table: sa.FromClause,
        statement: sa.Select[Any],
        query: Query,
        access: Rule | None = None,
    ) -> sa.Select[Any]:
        """``statement`` ordered by the query's sort (joining what its paths need)."""
        sort = query.sort or tuple(((name,), desc) for name, desc in resource.default_sort)
        joined: dict[tuple[str, ...], tuple[Resource, sa.FromClause]] = {(): (resource, table)}
        source: sa.FromClause = table
        order: list[sa.ColumnElement[Any]] = []
        for path, descending in sort:
            owner, owner_table = resource, table
            for depth, name in enumerate(path[:-1], start=1):
                key = path[:depth]
                if key not in joined:
                    rel = owner.relationship[name]
                    target = self.registry[rel.target]
                    alias = self.schema.tables[target.type].alias()
                    on = alias.c.id == owner_table.c[rel.column]
                    if access is not None:  # a hidden related record sorts as a missing one
                        seen = self.access.visible(target, alias, access.seeing(target.type))
                        on = sa.and_(on, seen)
                    source = source.outerjoin(alias, on)
                    joined[key] = (target, alias)
                owner, owner_table = joined[key]
            column = self._column(owner, owner_table, path[-1], access)
            order.append(ordered(column, descending))
        if not any(path == ("id",) for path, _ in sort):
            order.append(table.c.id.asc())
        if source is not table:
            statement = statement.select_from(source)
        return statement.order_by(*order)

    def _column(
        self, resource: Resource, table: sa.FromClause, name: str, access: Rule | None
    ) -> sa.ColumnElement[Any]:
        if name == "id":
            return table.c.id
        if name in resource.attribute:
            return table.c[resource.attribute[name].column]
        return self.access.to_one(table, resource.relationship[name], access)
