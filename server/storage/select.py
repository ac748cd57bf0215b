"""A parsed query → SQL: filters (nested association paths), sorting, paging and counts.

Association hops compose as ``IN`` sub-selects over fresh aliases, so ``filter[a.b.c]`` is the
same code at any depth; to-many leaves have Oro's set semantics (``eq`` = contains any, ``neq``
= contains none and not empty, ``contains`` = contains all).
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import sqlalchemy as sa

from server.jsonapi.query import Filter, Query, Range
from server.metadata.model import Registry, Relationship, Resource
from server.metadata.types import Period
from server.storage.tables import Schema

Clause = sa.ColumnElement[bool]


class Selector:
    """Builds SELECTs for one registry and schema."""

    def __init__(self, registry: Registry, schema: Schema) -> None:
        self.registry = registry
        self.schema = schema

    # --- filters -----------------------------------------------------------------------------

    def where(self, resource: Resource, table: sa.FromClause, filters: Sequence[Filter]) -> Clause:
        return sa.and_(sa.true(), *(
            self._predicate(resource, table, f.path, f.operator, f.value) for f in filters
        ))

    def _predicate(self, resource: Resource, table: sa.FromClause, path: Sequence[str],
                   operator: str, value: Any) -> Clause:
        head, rest = path[0], path[1:]
        if rest:
            rel = resource.relationship[head]
            target = self.registry[rel.target]
            inner_table = self.schema.tables[target.type].alias()
            inner = sa.select(inner_table.c.id).where(
                self._predicate(target, inner_table, rest, operator, value)
            )
            return self._related_in(resource, table, rel, inner)
        if head == "id":
            return _compare(table.c.id, operator, value)
        if head in resource.attribute:
            return _compare(table.c[resource.attribute[head].column], operator, value)
        rel = resource.relationship[head]
        if not rel.many:
            return _compare(table.c[rel.column], operator, value)
        return self._to_many(resource, table, rel, operator, value)

    def _owners_of(self, resource: Resource, rel: Relationship,
                   targets: sa.Select[Any] | None) -> sa.Select[Any]:
        """Ids of ``resource`` records related through to-many ``rel`` to ``targets`` (any if None)."""
        if rel.link_table:
            link_table, link = self.schema.link(resource.type, rel.name)
            link_alias = link_table.alias()
            owners = sa.select(link_alias.c[link.owner_column])
            target_col = link_alias.c[link.target_column]
        else:
            assert rel.inverse is not None
            inverse = self.registry[rel.target].relationship[rel.inverse]
            target_alias = self.schema.tables[rel.target].alias()
            owners = sa.select(target_alias.c[inverse.column])
            target_col = target_alias.c.id
            owners = owners.where(target_alias.c[inverse.column].is_not(None))
        return owners if targets is None else owners.where(target_col.in_(targets))

    def _related_in(self, resource: Resource, table: sa.FromClause, rel: Relationship,
                    targets: sa.Select[Any]) -> Clause:
        if rel.many:
            return table.c.id.in_(self._owners_of(resource, rel, targets))
        return table.c[rel.column].in_(targets)

    def _to_many(self, resource: Resource, table: sa.FromClause, rel: Relationship,
                 operator: str, value: Any) -> Clause:
        def holding(ids: list[Any]) -> sa.Select[Any]:
            return self._owners_of_ids(resource, rel, ids)

        non_empty = table.c.id.in_(self._owners_of(resource, rel, None))
        if operator == "exists":
            return non_empty if value else sa.not_(non_empty)
        ids = value if isinstance(value, list) else [value]
        if operator == "eq":
            return table.c.id.in_(holding(ids))
        if operator == "neq":
            return sa.and_(non_empty, table.c.id.not_in(holding(ids)))
        if operator == "neq_or_null":
            return table.c.id.not_in(holding(ids))
        if operator == "contains":
            return sa.and_(*(table.c.id.in_(holding([one])) for one in ids))
        if operator == "not_contains":
            return sa.not_(sa.and_(*(table.c.id.in_(holding([one])) for one in ids)))
        raise ValueError(operator)

    def _owners_of_ids(self, resource: Resource, rel: Relationship, ids: list[Any]) -> sa.Select[Any]:
        if rel.link_table:
            link_table, link = self.schema.link(resource.type, rel.name)
            return sa.select(link_table.c[link.owner_column]).where(
                link_table.c[link.target_column].in_(ids))
        assert rel.inverse is not None
        inverse = self.registry[rel.target].relationship[rel.inverse]
        target = self.schema.tables[rel.target]
        return sa.select(target.c[inverse.column]).where(target.c.id.in_(ids))

    # --- whole statements --------------------------------------------------------------------

    def columns(self, resource: Resource, table: sa.FromClause) -> list[sa.ColumnElement[Any]]:
        """id, every attribute, every to-one FK: the row layout documents are built from."""
        cols: list[sa.ColumnElement[Any]] = [table.c.id]
        cols += [table.c[a.column] for a in resource.attributes]
        cols += [table.c[r.column] for r in resource.relationships if not r.many]
        return cols

    def page(self, resource: Resource, query: Query, *, within: Clause | None = None,
             extra: int = 1) -> sa.Select[Any]:
        """The rows of one page (``extra`` more to learn whether there is a next page)."""
        table = self.schema.tables[resource.type]
        statement = sa.select(*self.columns(resource, table)).where(
            self.where(resource, table, query.filters))
        if within is not None:
            statement = statement.where(within)
        statement = self._order(resource, table, statement, query)
        if query.page_size >= 0:
            statement = statement.limit(query.page_size + extra).offset(
                (query.page_number - 1) * query.page_size)
        return statement

    def count(self, resource: Resource, query: Query, *, within: Clause | None = None
              ) -> sa.Select[Any]:
        table = self.schema.tables[resource.type]
        statement = sa.select(sa.func.count()).select_from(table).where(
            self.where(resource, table, query.filters))
        return statement if within is None else statement.where(within)

    def _order(self, resource: Resource, table: sa.FromClause, statement: sa.Select[Any],
               query: Query) -> sa.Select[Any]:
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
                    source = source.outerjoin(alias, alias.c.id == owner_table.c[rel.column])
                    joined[key] = (target, alias)
                owner, owner_table = joined[key]
            column = _sort_column(owner, owner_table, path[-1])
            order.append(column.desc() if descending else column.asc())
        if not any(path == ("id",) for path, _ in sort):
            order.append(table.c.id.asc())
        if source is not table:
            statement = statement.select_from(source)
        return statement.order_by(*order)

    def by_ids(self, resource: Resource, ids: Sequence[Any]) -> sa.Select[Any]:
        table = self.schema.tables[resource.type]
        return sa.select(*self.columns(resource, table)).where(table.c.id.in_(ids)).order_by(
            table.c.id)

    def related_ids(self, resource: Resource, rel: Relationship, ids: Sequence[Any]
                    ) -> sa.Select[Any]:
        """``(owner id, target id)`` pairs of a to-many association for some owners, ordered."""
        if rel.link_table:
            link_table, link = self.schema.link(resource.type, rel.name)
            owner, target = link_table.c[link.owner_column], link_table.c[link.target_column]
            return sa.select(owner, target).where(owner.in_(ids)).order_by(owner, target)
        assert rel.inverse is not None
        inverse = self.registry[rel.target].relationship[rel.inverse]
        table = self.schema.tables[rel.target]
        owner = table.c[inverse.column]
        return sa.select(owner, table.c.id).where(owner.in_(ids)).order_by(owner, table.c.id)

    def members(self, resource: Resource, rel: Relationship, owner_id: Any) -> Clause:
        """A condition on the target table: records related to ``owner_id`` through ``rel``."""
        target_table = self.schema.tables[rel.target]
        if not rel.many:
            source = self.schema.tables[resource.type].alias()
            return target_table.c.id.in_(
                sa.select(source.c[rel.column]).where(source.c.id == owner_id))
        if rel.link_table:
            link_table, link = self.schema.link(resource.type, rel.name)
            return target_table.c.id.in_(sa.select(link_table.c[link.target_column]).where(
                link_table.c[link.owner_column] == owner_id))
        assert rel.inverse is not None
        inverse = self.registry[rel.target].relationship[rel.inverse]
        return target_table.c[inverse.column] == owner_id


def _sort_column(resource: Resource, table: sa.FromClause, name: str) -> sa.ColumnElement[Any]:
    if name == "id":
        return table.c.id
    if name in resource.attribute:
        return table.c[resource.attribute[name].column]
    return table.c[resource.relationship[name].column]


def _compare(column: sa.ColumnElement[Any], operator: str, value: Any) -> Clause:
    if isinstance(value, Period):
        value = Range(value.start, value.end, high_open=True)
    if isinstance(value, Range):
        return _compare_range(column, operator, value)
    if isinstance(value, list):
        if operator == "eq":
            return column.in_(value)
        if operator == "neq":
            return column.not_in(value)
        if operator == "neq_or_null":
            return sa.or_(column.not_in(value), column.is_(None))
    match operator:
        case "eq":
            return column == value
        case "neq":
            return column != value
        case "neq_or_null":
            return sa.or_(column != value, column.is_(None))
        case "lt":
            return column < value
        case "lte":
            return column <= value
        case "gt":
            return column > value
        case "gte":
            return column >= value
        case "exists":
            return column.is_not(None) if value else column.is_(None)
        case "contains":
            return column.contains(value, autoescape=True)
        case "not_contains":
            return sa.not_(column.contains(value, autoescape=True))
        case "starts_with":
            return column.startswith(value, autoescape=True)
        case "not_starts_with":
            return sa.not_(column.startswith(value, autoescape=True))
        case "ends_with":
            return column.endswith(value, autoescape=True)
        case "not_ends_with":
            return sa.not_(column.endswith(value, autoescape=True))
        case "empty":
            blank = sa.or_(column.is_(None), column == "")
            return blank if value else sa.not_(blank)
    raise ValueError(operator)


def _compare_range(column: sa.ColumnElement[Any], operator: str, value: Range) -> Clause:
    below = column < value.low
    above = column >= value.high if value.high_open else column > value.high
    inside = sa.and_(sa.not_(below), sa.not_(above))
    match operator:
        case "eq":
            return inside
        case "neq":
            return sa.or_(below, above)
        case "neq_or_null":
            return sa.or_(below, above, column.is_(None))
        case "lt":
            return below
        case "lte":
            return sa.not_(above)
        case "gt":
            return above
        case "gte":
            return sa.not_(below)
    raise ValueError(operator)
