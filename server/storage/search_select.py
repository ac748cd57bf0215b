"""A parsed search query → SELECTs over the search index, each type's items joined to its own
table and restricted by the caller's access filter: a caller finds, counts and aggregates only the
records they may view.

Field values are checked here against the field's type (:class:`BadValue` names the condition);
text conditions go to the full-text engine, the others to the typed value tables.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import Any

import sqlalchemy as sa

from server.jsonapi.search_query import Aggregate, Condition, Expression, Field, Group
from server.metadata.access import Rule
from server.metadata.model import Resource
from server.metadata.search import ALL_TEXT
from server.storage.access import OWNED, AccessFilter, access_params
from server.storage.search_engine import FullText, Match, full_text, words
from server.storage.search_index import index_datetime
from server.storage.tables import Schema

ALL_TEXT_NAMES = {ALL_TEXT.lower(), "all_text"}


class BadValue(ValueError):
    def __init__(self, message: str, position: int) -> None:
        super().__init__(message)
        self.position = position


@dataclass
class Plan:
    """The statement being built: its bind values, numbered as they are added."""

    params: dict[str, Any] = field(default_factory=dict)

    def bind(self, value: Any) -> sa.BindParameter[Any]:
        name = f"s{len(self.params)}"
        self.params[name] = value
        return sa.bindparam(name)


@dataclass(frozen=True)
class Found:
    """The items a search finds, as parts of a statement: ``where`` over ``source`` (the items,
    perhaps joined to the full-text table), ``order`` the key read fastest. ``match`` alone
    (no condition on the items: no access rule, every type) is what the full-text table counts
    by itself."""

    source: sa.FromClause
    where: sa.ColumnElement[bool]
    order: sa.ColumnElement[Any]
    match: Match | None = None
    by_row: sa.ColumnElement[bool] | None = None  # ``where`` for items looked up by id
    # when only the types and the access rule choose the items: that choice on a values table
    by_values: Callable[[sa.Table], sa.ColumnElement[bool] | None] | None = None


@dataclass(frozen=True)
class Hit:
    item_id: int
    entity: str  # resource type
    record_id: int
    title: str


class SearchSelector:
    def __init__(self, schema: Schema, access: AccessFilter, dialect: str) -> None:
        self.schema = schema
        self.tables = schema.search
        self.access = access
        self.engine: FullText = full_text(dialect)
        self.indexed = {r.type for r in access.registry if r.search is not None}

    # field types

    @staticmethod
    def field_type(types: Sequence[Resource], f: Field) -> str:
        """A field's type: as written, else as the first of the types declares it (text)."""
        if f.type is not None:
            return f.type
        for resource in types:
            declared = resource.search.field(f.name) if resource.search else None
            if declared is not None:
                return declared.type
        return "text"

    @staticmethod
    def _typed(type_: str, text: str, position: int) -> Any:
        try:
            if type_ == "integer":
                return int(text)
            if type_ == "decimal":
                return float(text)
        except ValueError:
            raise BadValue(f'Expected {type_} value. Given "{text}".', position) from None
        if type_ == "datetime":
            value = index_datetime(text)
            if value is None:
                raise BadValue(f'Expected datetime value. Given "{text}".', position)
            return value
        return text

    # conditions

    def _values(self, type_: str, name: str) -> tuple[sa.Table, sa.ColumnElement[bool]]:
        table = self.tables.values[type_]
        return table, table.c.field == name

    def condition(
        self, plan: Plan, types: Sequence[Resource], c: Condition, item: sa.ColumnElement[Any]
    ) -> sa.ColumnElement[bool]:
        name = c.field.name
        op = c.operator
        if name.lower() in ALL_TEXT_NAMES:
            if op not in ("~", "!~"):
                raise BadValue(f'The operator "{op}" does not apply to {ALL_TEXT}.', c.position)
            found = self._all_text(plan, str(c.value), item)
            return found if op == "~" else sa.not_(found)
        type_ = self.field_type(types, c.field)
        table, in_field = self._values(type_, name)
        if op in ("exists", "notexists"):
            present = item.in_(sa.select(table.c.item_id).where(in_field))
            return present if op == "exists" else sa.not_(present)
        if op in ("~", "!~"):
            if type_ != "text":
                raise BadValue(f'The operator "{op}" applies to text fields only.', c.position)
            query_words = words(str(c.value))
            has = (
                item.in_(self.engine.field_text(plan.bind, name, query_words))
                if query_words
                else sa.false()
            )
            return has if op == "~" else sa.not_(has)
        column: sa.ColumnElement[Any] = table.c.value
        if op in ("like", "notlike", "starts_with"):
            if type_ != "text":
                raise BadValue(f'The operator "{op}" applies to text fields only.', c.position)
            text = str(c.value).lower().replace("%", r"\%").replace("_", r"\_")
            pattern = f"{text}%" if op == "starts_with" else f"%{text}%"
            matches = sa.func.lower(column).like(plan.bind(pattern), escape="\\")
            where = sa.not_(matches) if op == "notlike" else matches
        elif op in ("in", "!in"):
            assert isinstance(c.value, tuple)
            values = [self._typed(type_, v, c.position) for v in c.value]
            if type_ == "text":
                column, values = sa.func.lower(column), [str(v).lower() for v in values]
            where = column.in_([plan.bind(v) for v in values])
            if op == "!in":
                where = sa.not_(where)
        else:
            value = self._typed(type_, str(c.value), c.position)
            if type_ == "text":
                column, value = sa.func.lower(column), str(value).lower()
            where = column.op(op if op != "!=" else "!=")(plan.bind(value))
        return item.in_(sa.select(table.c.item_id).where(in_field, where))

    def _all_text(
        self, plan: Plan, text: str, item: sa.ColumnElement[Any]
    ) -> sa.ColumnElement[bool]:
        """Items whose allText has every word of ``text`` (none when it has no word)."""
        query_words = words(text)
        if not query_words:
            return sa.false()
        match = self.engine.all_text(plan.bind, query_words)
        return item.in_(sa.select(match.key).select_from(match.table).where(match.condition))

    def expression(
        self, plan: Plan, types: Sequence[Resource], e: Expression, item: sa.ColumnElement[Any]
    ) -> sa.ColumnElement[bool]:
        if isinstance(e, Condition):
            return self.condition(plan, types, e, item)
        assert isinstance(e, Group)
        result = self.expression(plan, types, e.items[0], item)
        for join, part in zip(e.joins, e.items[1:], strict=True):
            other = self.expression(plan, types, part, item)
            result = sa.and_(result, other) if join == "and" else sa.or_(result, other)
        return result

    # whole statements

    def _visible(
        self, resource: Resource, rule: Rule | None, on: sa.FromClause
    ) -> sa.ColumnElement[bool] | None:
        """The items of ``resource`` a rule reaches (None: all), judged on the copy of the
        record's owner and organization ``on`` holds (the items, or a table of their values);
        for another kind of ownership, on the record itself."""
        if rule is None:
            return None
        if resource.ownership in OWNED:
            owner = on.c.owner_id if resource.ownership != "organization" else None
            return self.access.owned(resource, on.c.organization_id, owner, rule)
        table = self.schema.tables[resource.type]
        seen = sa.select(table.c.id).where(self.access.visible(resource, table, rule))
        item = self.tables.item
        if on is item:
            return item.c.record_id.in_(seen)
        return on.c.item_id.in_(sa.select(item.c.id).where(item.c.record_id.in_(seen)))

    def _among_types(
        self,
        plan: Plan,
        types: Sequence[Resource],
        rule_of: Callable[[Resource], Rule | None],
        on: sa.FromClause,
        entity: sa.ColumnElement[Any] | None = None,
    ) -> sa.ColumnElement[bool] | None:
        """Items of ``types`` the caller may view (None: every item), judged on ``on``'s
        columns, the type read from ``entity`` (default ``on.c.entity``). Types whose rule
        reads alike share one condition; the type is not even read when one condition covers
        every type of the index."""
        entity = on.c.entity if entity is None else entity
        groups: dict[str, tuple[sa.ColumnElement[bool] | None, list[str]]] = {}
        for resource in types:
            rule = rule_of(resource)
            for name, value in access_params(rule).items():
                if plan.params.get(name, value) != value:
                    raise ValueError("one caller's rules share their values")
                plan.params[name] = value
            if rule is None:
                key = ""
            elif resource.ownership in OWNED:
                key = self.access.owned_shape(resource, rule)
            else:
                key = resource.type
            if key not in groups:
                groups[key] = (self._visible(resource, rule, on), [])
            groups[key][1].append(resource.type)
        if not groups:
            return sa.false()
        every = {r.type for r in types} == self.indexed
        ordered = sorted(groups.values(), key=lambda group: -len(group[1]))
        parts = []
        for n, (clause, names) in enumerate(ordered):
            of_type: sa.ColumnElement[bool] | None
            if n == 0 and every:  # the largest group: the index's other types left out
                rest = [name for _, others in ordered[1:] for name in others]
                of_type = entity.not_in([plan.bind(r) for r in rest]) if rest else None
            elif len(names) == 1:
                of_type = entity == plan.bind(names[0])
            else:
                of_type = entity.in_([plan.bind(name) for name in names])
            both = [c for c in (of_type, clause) if c is not None]
            if not both:
                return None
            parts.append(sa.and_(*both))
        return parts[0] if len(parts) == 1 else sa.or_(*parts)

    def matched(
        self,
        plan: Plan,
        types: Sequence[Resource],
        rule_of: Callable[[Resource], Rule | None],
        where: Expression | None = None,
        text: str | None = None,
    ) -> Found:
        """The items found among ``types``, each type's restricted by its rule (``rule_of``:
        the caller's VIEW rule): one statement over the items, joined to the full-text table
        when ``text`` is searched (which then reads its matches in item order)."""
        item = self.tables.item
        source: sa.FromClause = item
        order: sa.ColumnElement[Any] = item.c.id
        match = None
        on_items: list[sa.ColumnElement[bool]] = []
        if text is not None:
            query_words = words(text)
            if query_words:
                match = self.engine.all_text(plan.bind, query_words)
                source = item.join(match.table, match.key == item.c.id)
                order = match.key
            else:
                on_items.append(sa.false())
        found_by = [match.condition] if match else []
        if where is not None:
            on_items.append(self.expression(plan, types, where, item.c.id))
        among = self._among_types(plan, types, rule_of, item)
        # an aggregation finds each item by its id from a value: the type read there from the
        # row (an expression, which no index serves) rather than through the type's index
        among_by_row = self._among_types(plan, types, rule_of, item, item.c.entity.concat(""))

        def by_values(table: sa.Table) -> sa.ColumnElement[bool] | None:
            return self._among_types(plan, types, rule_of, table)

        only_types = match is None and not on_items
        return Found(
            source,
            sa.and_(sa.true(), *found_by, *on_items, *([among] if among is not None else [])),
            order,
            match if match is not None and not on_items and among is None else None,
            sa.and_(
                sa.true(),
                *found_by,
                *on_items,
                *([among_by_row] if among_by_row is not None else []),
            ),
            by_values if only_types else None,
        )

    def page(
        self,
        plan: Plan,
        found: Found,
        types: Sequence[Resource],
        order_by: tuple[Field, bool] | None,
        offset: int,
        limit: int | None,
    ) -> sa.Select[Any]:
        """One page of the items found (id, entity, record_id, title): by ``order_by``, else as
        Oro's index orders them, the latest item first."""
        item = self.tables.item
        statement = (
            sa.select(item.c.id, item.c.entity, item.c.record_id, item.c.title)
            .select_from(found.source)
            .where(found.where)
        )
        if order_by is not None:
            f, descending = order_by
            table, in_field = self._values(self.field_type(types, f), f.name)
            key = (
                sa.select(table.c.value)
                .where(table.c.item_id == item.c.id, in_field)
                .limit(1)
                .scalar_subquery()
            )
            statement = statement.order_by(key.desc() if descending else key.asc())
        statement = statement.order_by(found.order.desc())
        if limit is not None:
            statement = statement.limit(plan.bind(limit))
        if offset:
            statement = statement.offset(plan.bind(offset))
        return statement

    @staticmethod
    def count(found: Found) -> sa.Select[Any]:
        if found.match is not None:  # the full-text table counts its matches by itself
            return (
                sa.select(sa.func.count())
                .select_from(found.match.table)
                .where(found.match.condition)
            )
        return sa.select(sa.func.count()).select_from(found.source).where(found.where)

    def aggregate(
        self, plan: Plan, found: Found, types: Sequence[Resource], a: Aggregate
    ) -> sa.Select[Any]:
        """``count``: (value, count) rows, most frequent first; else one number. Read from the
        values table's index (field, value, item) joined to the items found."""
        type_ = self.field_type(types, a.field)
        ordered = type_ == "datetime" and a.function in ("min", "max")
        if a.function != "count" and type_ not in ("integer", "decimal") and not ordered:
            raise BadValue(
                f'The function "{a.function}" does not apply to the {type_} field'
                f' "{a.field.name}".',
                a.field.position,
            )
        table, in_field = self._values(type_, a.field.name)
        if found.by_values is not None:  # the values alone, as their index holds them
            source: sa.FromClause = table
            among = found.by_values(table)
            within = in_field if among is None else sa.and_(in_field, among)
        else:
            item = self.tables.item
            source = found.source.join(table, table.c.item_id == item.c.id)
            within = sa.and_(in_field, found.by_row if found.by_row is not None else found.where)
        if a.function == "count":
            counted = sa.func.count().label("count")
            return (
                sa.select(table.c.value, counted)
                .select_from(source)
                .where(within)
                .group_by(table.c.value)
                .order_by(counted.desc(), table.c.value)
            )
        function = getattr(sa.func, a.function)
        return sa.select(function(table.c.value)).select_from(source).where(within)

    def values(
        self, item_ids: Sequence[int], names: Sequence[tuple[str, str]]
    ) -> list[sa.Select[Any]]:
        """``(item_id, field, value)`` of some fields (by type and name) of some items: one
        statement per value table (their values' types differ)."""
        statements = []
        for type_ in dict.fromkeys(t for t, _ in names):
            table = self.tables.values[type_]
            fields = [n for t, n in names if t == type_]
            statements.append(
                sa.select(table.c.item_id, table.c.field, table.c.value).where(
                    table.c.item_id.in_(list(item_ids)), table.c.field.in_(fields)
                )
            )
        return statements
