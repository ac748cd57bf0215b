"""Parsed filters → a WHERE clause, through association paths at any depth.

Each association hop composes as an ``IN`` sub-select over a fresh alias, so ``filter[a.b.c]`` is
the same code at any depth (up to ``server.jsonapi.query.MAX_PATH``), and passes only through the
related records the caller may see (``server.storage.access``). What an operator tests at the end
of the path is its row in ``server.metadata.operators``, over the values bound by
``server.storage.operands`` (filter ``i`` binds ``p<i>…``); to-many leaves have Oro's set
semantics: ``eq`` = contains any, ``neq`` = contains none and not empty, ``contains`` = all.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import sqlalchemy as sa

from server.jsonapi.query import Filter
from server.metadata.access import Rule
from server.metadata.model import Registry, Relationship, Resource
from server.storage import plans
from server.storage.access import AccessFilter
from server.storage.associations import Associations
from server.storage.operands import Test, bind_filters, compare, to_many
from server.storage.tables import Schema

Clause = sa.ColumnElement[bool]


def _same(column: sa.ColumnElement[Any]) -> sa.ColumnElement[Any]:
    return column


class FilterCompiler:
    """WHERE clauses for the resources of one registry."""

    def __init__(
        self,
        registry: Registry,
        schema: Schema,
        access: AccessFilter,
        associations: Associations,
    ) -> None:
        self.registry = registry
        self.schema = schema
        self.access = access
        self.associations = associations

    def where(
        self,
        resource: Resource,
        table: sa.FromClause,
        filters: Sequence[Filter],
        access: Rule | None = None,
        unindexed_filters: frozenset[int] = frozenset(),
    ) -> Clause:
        """Every filter holds (``1 = 1`` for none). The filters numbered in ``unindexed_filters``
        (on the table's own columns) do not use their column's index (``server.storage.plans``)."""
        shape, _ = bind_filters(filters)
        return sa.and_(
            sa.true(),
            *(
                self._predicate(
                    resource,
                    table,
                    f.path,
                    f.operator,
                    f"p{i}",
                    shape[i][2],
                    access,
                    unindexed=i in unindexed_filters,
                )
                for i, f in enumerate(filters)
            ),
        )

    def _predicate(
        self,
        resource: Resource,
        table: sa.FromClause,
        path: Sequence[str],
        operator: str,
        name: str,
        kind: Any,
        access: Rule | None = None,
        *,
        unindexed: bool = False,
    ) -> Clause:
        head, rest = path[0], path[1:]
        if rest:  # a hop: only through the related records the caller may see
            rel = resource.relationship[head]
            target = self.registry[rel.target]
            inner_table = self.schema.tables[target.type].alias()
            condition = self._predicate(target, inner_table, rest, operator, name, kind, access)
            if access is not None:
                seen = self.access.visible(target, inner_table, access.seeing(target.type))
                condition = sa.and_(condition, seen)
            # one sub-select per hop (SQLite's parser stack bounds how deep they may nest)
            if not rel.many:
                return table.c[rel.column].in_(sa.select(inner_table.c.id).where(condition))
            if rel.link_table:
                link_table, link = self.schema.link(resource.type, rel.name)
                links = link_table.alias()
                joined = links.join(inner_table, inner_table.c.id == links.c[link.target_column])
                owners = sa.select(links.c[link.owner_column]).select_from(joined)
            else:
                assert rel.inverse is not None
                inverse = target.relationship[rel.inverse]
                owners = sa.select(inner_table.c[inverse.column])
            return table.c.id.in_(owners.where(condition))
        wrap = plans.unindexed if unindexed else _same
        if head == "id":
            return compare(wrap(table.c.id), operator, name, kind)
        if head in resource.attribute:
            return compare(wrap(table.c[resource.attribute[head].column]), operator, name, kind)
        rel = resource.relationship[head]
        if not rel.many:
            column = self.access.to_one(table, rel, access)
            return compare(wrap(column), operator, name, kind)
        return self._to_many(resource, table, rel, operator, name, kind, access)

    def _to_many(
        self,
        resource: Resource,
        table: sa.FromClause,
        rel: Relationship,
        operator: str,
        name: str,
        kind: Any,
        access: Rule | None = None,
    ) -> Clause:
        seen = self.access.seen(rel.target, access)
        links = self.associations

        def owners(test: Test | None) -> sa.Select[Any]:
            return links.owners(resource, rel, test, seen)

        def held(test: Test) -> sa.ScalarSelect[Any]:
            return links.held(resource, rel, table.c.id, test, seen)

        return to_many(table.c.id, owners, held, operator, name, kind)
