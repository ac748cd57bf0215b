"""A parsed query → SQL: filters (nested association paths), sorting, paging and counts.

Statements are built with SQLAlchemy Core from named bind parameters, compiled once per *shape*
(which filters and operators; never the values, nor how many values a list holds: a list is one
JSON array parameter read with SQLite's ``json_each``) and then run on the driver's cursor with the
values of each request: the hot path does no statement building and no ORM-style row processing.
The compiled statements are kept in a bounded least-recently-used cache.

Association hops compose as ``IN`` sub-selects over fresh aliases, so ``filter[a.b.c]`` is the
same code at any depth (up to ``server.jsonapi.query.MAX_PATH``). What an operator tests is its
row in ``server.metadata.operators``, over values bound by ``server.storage.operands`` (to-many
leaves have Oro's set semantics: ``eq`` = contains any, ``neq`` = contains none and not empty,
``contains`` = contains all).

Access rules apply to every record a statement reaches, not only to the primary table: each
association hop of a filter or a sort, each to-many linkage and each to-one foreign key sees only
the related records the caller may view (a to-one key to a hidden record reads as null), so no
filter, sort, count or linkage tells anything about a hidden record.
"""

from __future__ import annotations

import threading
from collections import OrderedDict
from collections.abc import Callable, Hashable, Sequence
from dataclasses import dataclass
from typing import Any

import sqlalchemy as sa

from server.auth.acl import Level, Rule
from server.jsonapi.query import Filter, Query
from server.metadata.model import Registry, Relationship, Resource
from server.storage.operands import Test, bind, bind_filters, compare, listed, to_json, to_many
from server.storage.tables import Schema

Clause = sa.ColumnElement[bool]
MAX_ROWS = 2**62
MAX_STATEMENTS = 512  # compiled statements kept (least recently used ones go first)
Params = dict[str, Any]


@dataclass(frozen=True)
class Sql:
    """A compiled statement: its text and how to order the values for the driver."""

    text: str
    names: tuple[str, ...] | None  # positional drivers (SQLite): bind names in order

    def args(self, params: Params) -> Any:
        return [params[name] for name in self.names] if self.names is not None else params


@dataclass(frozen=True)
class Within:
    """Restrict a list to the records related to ``owner_id`` through ``relationship``."""

    resource: Resource
    relationship: Relationship
    owner_id: Any


def run(connection: sa.Connection, sql: Sql, params: Params) -> list[tuple[Any, ...]]:
    """Execute on the driver's own cursor, inside the connection's transaction."""
    cursor = connection.connection.driver_connection.cursor()  # type: ignore[union-attr]
    try:
        cursor.execute(sql.text, sql.args(params))
        rows: list[tuple[Any, ...]] = cursor.fetchall()
        return rows
    finally:
        cursor.close()


class Selector:
    """Builds, compiles (once per shape) and parameterizes SELECTs for one registry."""

    def __init__(
        self,
        registry: Registry,
        schema: Schema,
        dialect: sa.Dialect,
        max_statements: int = MAX_STATEMENTS,
    ) -> None:
        self.registry = registry
        self.schema = schema
        self.dialect = dialect
        self.max_statements = max_statements
        self._compiled: OrderedDict[Hashable, Sql] = OrderedDict()
        self._lock = threading.Lock()

    def compiled(self, key: Hashable, build: Callable[[], sa.Select[Any]]) -> Sql:
        with self._lock:
            sql = self._compiled.get(key)
            if sql is not None:
                self._compiled.move_to_end(key)
                return sql
        compiled = build().compile(dialect=self.dialect)
        names = tuple(compiled.positiontup) if compiled.positional else None  # type: ignore[arg-type]
        sql = Sql(compiled.string, names)
        with self._lock:
            self._compiled[key] = sql
            while len(self._compiled) > self.max_statements:
                self._compiled.popitem(last=False)
        return sql

    def cached(self) -> int:
        """How many compiled statements are kept."""
        return len(self._compiled)

    # --- whole statements --------------------------------------------------------------------

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
        params.update(_access_params(access))
        paged = query.page_size >= 0
        if paged:  # clamped: SQLite integers are 64-bit, page numbers are not
            params["limit"] = min(query.page_size + extra, MAX_ROWS)
            params["offset"] = min((query.page_number - 1) * query.page_size, MAX_ROWS)
        if within is not None:
            params["owner"] = within.owner_id
        key = (
            "page",
            resource.type,
            shape,
            query.sort,
            paged,
            _within_key(within),
            ids_only,
            _access_key(access),
        )

        def build() -> sa.Select[Any]:
            table = self.schema.tables[resource.type]
            columns = [table.c.id] if ids_only else self.columns(resource, table, access)
            statement = sa.select(*columns).where(
                self._where(resource, table, query.filters, access)
            )
            statement = statement.where(self.visible(resource, table, access))
            if within is not None:
                statement = statement.where(self._members(within))
            statement = self._order(resource, table, statement, query, access)
            if paged:
                statement = statement.limit(bind("limit")).offset(bind("offset"))
            return statement

        return self.compiled(key, build), params

    def count(
        self,
        resource: Resource,
        query: Query,
        within: Within | None = None,
        access: Rule | None = None,
    ) -> tuple[Sql, Params]:
        shape, params = bind_filters(query.filters)
        params.update(_access_params(access))
        if within is not None:
            params["owner"] = within.owner_id

        def build() -> sa.Select[Any]:
            table = self.schema.tables[resource.type]
            statement = (
                sa.select(sa.func.count())
                .select_from(table)
                .where(self._where(resource, table, query.filters, access))
                .where(self.visible(resource, table, access))
            )
            return statement if within is None else statement.where(self._members(within))

        key = ("count", resource.type, shape, _within_key(within), _access_key(access))
        return self.compiled(key, build), params

    def by_ids(
        self, resource: Resource, ids: Sequence[Any], access: Rule | None = None
    ) -> tuple[Sql, Params]:
        def build() -> sa.Select[Any]:
            table = self.schema.tables[resource.type]
            return (
                sa.select(*self.columns(resource, table, access))
                .where(table.c.id.in_(listed("ids")))
                .where(self.visible(resource, table, access))
                .order_by(table.c.id)
            )

        sql = self.compiled(("by_ids", resource.type, _access_key(access)), build)
        params = {"ids": to_json(list(ids)), **_access_params(access)}
        return sql, params

    # --- access control ----------------------------------------------------------------------

    def visible(self, resource: Resource, table: sa.FromClause, access: Rule | None) -> Clause:
        """The records ``access`` reaches (bind parameters ``acl_*``; see server.auth.acl)."""
        if access is None:
            return sa.true()
        level = access.level
        ownership = resource.ownership
        if level == Level.NONE:
            return sa.false()
        if ownership is None:  # shared by every organization
            return sa.true() if access.changes_shared else sa.false()
        organization = bind("acl_org")
        if ownership == "organization_self":
            return table.c.id == organization
        if ownership == "parent":
            assert resource.acl_parent is not None
            rel = resource.relationship[resource.acl_parent]
            parent = self.registry[rel.target]
            parent_table = self.schema.tables[parent.type].alias()
            return table.c[rel.column].in_(
                sa.select(parent_table.c.id).where(self.visible(parent, parent_table, access))
            )
        org_column = table.c[resource.relationship["organization"].column]
        if ownership == "organization":
            if not access.changes_shared:
                return org_column == organization
            return sa.or_(org_column == organization, org_column.is_(None))  # None: shared
        in_organization = org_column == organization
        if level == Level.ORGANIZATION:
            return in_organization
        owner = table.c[resource.relationship["owner"].column]
        units = listed("acl_bu")
        if ownership == "business_unit":
            return sa.and_(in_organization, owner.in_(units))
        if level == Level.USER:
            return sa.and_(in_organization, owner == bind("acl_user"))
        link_table, link = self.schema.link("users", "businessUnits")
        colleagues = sa.select(link_table.c[link.owner_column]).where(
            link_table.c[link.target_column].in_(units)
        )
        return sa.and_(in_organization, owner.in_(colleagues))

    def seen(self, type_: str, access: Rule | None) -> sa.Select[Any] | None:
        """Ids of the ``type_`` records a related path may reach; None when every one may be."""
        related = None if access is None else access.seeing(type_)
        target = self.registry[type_]
        if related is None or (related.level != Level.NONE and target.ownership is None):
            return None
        table = self.schema.tables[type_].alias()
        return sa.select(table.c.id).where(self.visible(target, table, related))

    def to_one(
        self, resource: Resource, table: sa.FromClause, rel: Relationship, access: Rule | None
    ) -> sa.ColumnElement[Any]:
        """A to-one foreign key as the caller may see it: null when it points at a hidden record."""
        column = table.c[rel.column]
        seen = self.seen(rel.target, access)
        return column if seen is None else sa.case((column.in_(seen), column), else_=sa.null())

    def related_ids(
        self, resource: Resource, rel: Relationship, ids: Sequence[Any], access: Rule | None = None
    ) -> tuple[Sql, Params]:
        """``(owner id, target id)`` pairs of a to-many association for some owners, ordered;
        only the targets ``access`` may see."""

        def build() -> sa.Select[Any]:
            owner, target = self._pair(resource, rel)
            statement = sa.select(owner, target).where(owner.in_(listed("ids")))
            seen = self.seen(rel.target, access)
            if seen is not None:
                statement = statement.where(target.in_(seen))
            return statement.order_by(owner, target)

        key = ("related", resource.type, rel.name, _access_key(access))
        params = {"ids": to_json(list(ids)), **_access_params(access)}
        return self.compiled(key, build), params

    def columns(
        self, resource: Resource, table: sa.FromClause, access: Rule | None = None
    ) -> list[sa.ColumnElement[Any]]:
        """id, every attribute, every to-one FK: the row layout documents are built from."""
        cols: list[sa.ColumnElement[Any]] = [table.c.id]
        cols += [table.c[a.column] for a in resource.attributes]
        cols += [
            self.to_one(resource, table, r, access) for r in resource.relationships if not r.many
        ]
        return cols

    # --- filters -----------------------------------------------------------------------------

    def _where(
        self,
        resource: Resource,
        table: sa.FromClause,
        filters: Sequence[Filter],
        access: Rule | None = None,
    ) -> Clause:
        shape, _ = bind_filters(filters)
        return sa.and_(
            sa.true(),
            *(
                self._predicate(resource, table, f.path, f.operator, f"p{i}", shape[i][2], access)
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
    ) -> Clause:
        head, rest = path[0], path[1:]
        if rest:  # a hop: only through the related records the caller may see
            rel = resource.relationship[head]
            target = self.registry[rel.target]
            inner_table = self.schema.tables[target.type].alias()
            condition = self._predicate(target, inner_table, rest, operator, name, kind, access)
            if access is not None:
                seen = self.visible(target, inner_table, access.seeing(target.type))
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
        if head == "id":
            return compare(table.c.id, operator, name, kind)
        if head in resource.attribute:
            return compare(table.c[resource.attribute[head].column], operator, name, kind)
        rel = resource.relationship[head]
        if not rel.many:
            return compare(self.to_one(resource, table, rel, access), operator, name, kind)
        return self._to_many(resource, table, rel, operator, name, kind, access)

    def _pair(
        self, resource: Resource, rel: Relationship, *, alias: bool = False
    ) -> tuple[sa.ColumnElement[Any], sa.ColumnElement[Any]]:
        """(owner id, target id) columns of a to-many association's storage."""
        if rel.link_table:
            link_table, link = self.schema.link(resource.type, rel.name)
            source = link_table.alias() if alias else link_table
            return source.c[link.owner_column], source.c[link.target_column]
        assert rel.inverse is not None
        inverse = self.registry[rel.target].relationship[rel.inverse]
        target = self.schema.tables[rel.target]
        source = target.alias() if alias else target
        return source.c[inverse.column], source.c.id

    def _owners(
        self,
        resource: Resource,
        rel: Relationship,
        test: Test | None,
        seen: sa.Select[Any] | None = None,
    ) -> sa.Select[Any]:
        """Owner ids related through to-many ``rel`` to a target whose id passes ``test`` (any
        target when None), counting only the targets in ``seen`` (all when None)."""
        owner, target = self._pair(resource, rel, alias=True)
        statement = sa.select(owner).where(owner.is_not(None))
        if seen is not None:
            statement = statement.where(target.in_(seen))
        return statement if test is None else statement.where(test(target))

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
        seen = self.seen(rel.target, access)

        def owners(test: Test | None) -> sa.Select[Any]:
            return self._owners(resource, rel, test, seen)

        def held(test: Test) -> sa.ScalarSelect[Any]:
            """How many different targets passing ``test`` the outer owner holds."""
            owner, target = self._pair(resource, rel, alias=True)
            count = sa.select(sa.func.count(sa.distinct(target)))
            count = count.where(owner == table.c.id, test(target))
            return (count if seen is None else count.where(target.in_(seen))).scalar_subquery()

        return to_many(table.c.id, owners, held, operator, name, kind)

    def _sort_column(
        self, resource: Resource, table: sa.FromClause, name: str, access: Rule | None
    ) -> sa.ColumnElement[Any]:
        if name == "id":
            return table.c.id
        if name in resource.attribute:
            return table.c[resource.attribute[name].column]
        return self.to_one(resource, table, resource.relationship[name], access)

    def _members(self, within: Within) -> Clause:
        """Records of the target table related to the bound ``owner``."""
        resource, rel = within.resource, within.relationship
        target_table = self.schema.tables[rel.target]
        owner = bind("owner")
        if rel.many:
            owner_col, target_col = self._pair(resource, rel, alias=True)
            return target_table.c.id.in_(sa.select(target_col).where(owner_col == owner))
        source = self.schema.tables[resource.type].alias()
        return target_table.c.id.in_(sa.select(source.c[rel.column]).where(source.c.id == owner))

    # --- sorting -----------------------------------------------------------------------------

    def _order(
        self,
        resource: Resource,
        table: sa.FromClause,
        statement: sa.Select[Any],
        query: Query,
        access: Rule | None = None,
    ) -> sa.Select[Any]:
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
                        on = sa.and_(on, self.visible(target, alias, access.seeing(target.type)))
                    source = source.outerjoin(alias, on)
                    joined[key] = (target, alias)
                owner, owner_table = joined[key]
            column = self._sort_column(owner, owner_table, path[-1], access)
            order.append(column.desc() if descending else column.asc())
        if not any(path == ("id",) for path, _ in sort):
            order.append(table.c.id.asc())
        if source is not table:
            statement = statement.select_from(source)
        return statement.order_by(*order)


def _access_key(access: Rule | None) -> Hashable:
    if access is None:
        return None
    return (access.level, access.changes_shared, access.sight)


def _access_params(access: Rule | None) -> Params:
    if access is None:
        return {}
    return {
        "acl_user": access.user_id,
        "acl_org": access.organization_id,
        "acl_bu": to_json(list(access.business_unit_ids)),
    }


def _within_key(within: Within | None) -> Hashable:
    return None if within is None else (within.resource.type, within.relationship.name)
