"""What several actions share: the parsed query, the caller's records, the write transaction,
timestamps.

Every lookup here applies the caller's access: a record the caller may not see is 404 (or 403
within their organization), as Oro answers.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Collection, Iterator, Sequence
from contextlib import contextmanager
from typing import Any

import sqlalchemy as sa

from server.actions.context import Context
from server.jsonapi.body import load_json
from server.jsonapi.errors import (
    AccessGrantedConstraint,
    ApiError,
    ConstraintViolation,
    FormConstraint,
    no_access_to_entity,
    no_access_to_type,
    not_found,
)
from server.jsonapi.query import (
    ITEM_FAMILIES,
    LIST_FAMILIES,
    Query,
    flatten_body_filters,
    parse_query,
)
from server.jsonapi.request_doc import ResourceInput
from server.metadata.access import Level, Rule
from server.metadata.model import Resource
from server.metadata.rules import Unique
from server.metadata.types import format_datetime
from server.storage.dialect import begin_write, unique_violation_columns
from server.storage.load import Loader
from server.storage.statements import run
from server.storage.write import Writer


def now() -> str:
    return format_datetime(dt.datetime.now(dt.UTC))


@contextmanager
def writing(ctx: Context, pointers: dict[str, str] | None = None) -> Iterator[sa.Connection]:
    """One write transaction; writers take turns (``BEGIN IMMEDIATE`` on SQLite, an advisory lock
    on PostgreSQL), so what a write checks (unique values, related records) still holds when it
    writes. A unique index's violation all the same (say, another process) is Oro's unique
    entity error."""
    try:
        with ctx.backend.engine.begin() as connection:
            begin_write(connection)
            yield connection
    except sa.exc.IntegrityError as error:
        columns = unique_violation_columns(error)
        if columns is None:
            raise
        raise _unique_error(columns, pointers or {}) from None


def _unique_error(columns: list[str], pointers: dict[str, str]) -> ConstraintViolation:
    """The unique index's last column's attribute pointer, as the write check would have
    answered (``product.organization_id, product.sku`` → sku's)."""
    pointer = pointers.get(columns[-1]) if columns else None
    return ConstraintViolation.of(Unique.violation(), pointer=pointer)


def column_pointers(resource: Resource, data: ResourceInput) -> dict[str, str]:
    """Where each sent attribute's column was sent, by column (for :func:`writing`'s
    unique-index error)."""
    return {
        resource.attribute[name].column: pointer
        for name, pointer in data.pointers.items()
        if name in resource.attribute
    }


def loader_for(ctx: Context, connection: sa.Connection) -> Loader:
    backend = ctx.backend
    return Loader(
        connection,
        backend.registry,
        backend.selector,
        backend.settings.max_related_entities,
        access=ctx.rule,
    )


MAX_QUERIES = 1024  # parsed query strings kept per application


def list_query(ctx: Context, resource: Resource, families: frozenset[str] = LIST_FAMILIES) -> Query:
    return parsed_query(ctx, ctx.params, resource, families)


def parsed_query(
    ctx: Context,
    pairs: list[tuple[str, str]],
    resource: Resource,
    families: frozenset[str] = LIST_FAMILIES,
) -> Query:
    """``parse_query``, once per query string: a Query is immutable and depends on nothing but
    the pairs, the resource and the families (a query string in error is parsed every time)."""
    backend = ctx.backend
    key = (tuple(pairs), resource.type, families)
    query = backend.queries.get(key)
    if query is None:
        query = parse_query(
            pairs,
            backend.registry,
            resource,
            families=families,
            default_page_size=backend.settings.default_page_size,
        )
        if len(backend.queries) >= MAX_QUERIES:
            backend.queries.clear()
        backend.queries[key] = query
    return query


def item_query(ctx: Context, resource: Resource) -> Query:
    return list_query(ctx, resource, ITEM_FAMILIES)


def query_pairs(ctx: Context) -> list[tuple[str, str]]:
    """The query string, plus filters sent in the body (a DELETE list, or a GET sent as POST
    with ``X-HTTP-Method-Override``); on the same key the query string wins."""
    pairs = dict(flatten_body_filters(load_json(ctx.body)) if ctx.body.strip() else [])
    pairs.update(ctx.params)
    return list(pairs.items())


def allowed_rule(ctx: Context, resource: Resource, permission: str = "VIEW") -> Rule | None:
    """The caller's rule for ``permission`` on ``resource``; 403 when it grants nothing (a type
    whose records are all shared by every organization is changed only at the system level)."""
    rule = ctx.rule(resource, permission)
    if rule is not None and (
        rule.level == Level.NONE or (resource.ownership is None and not rule.changes_shared)
    ):
        raise no_access_to_type()
    return rule


def fetch_one(
    loader: Loader, ctx: Context, resource: Resource, id_: Any, permission: str = "VIEW"
) -> Sequence[Any]:
    """The record ``id_`` if the caller has ``permission`` on it: else 403 when it exists (in
    any organization: Oro loads it again without access rules to tell), 404 when it does not."""
    rule = allowed_rule(ctx, resource, permission)
    rows = loader.rows(ctx.backend.selector.by_ids(resource, [id_], rule))
    if rows:
        return rows[0]
    if rule is not None and exists(loader, ctx, resource, id_):
        raise no_access_to_entity()
    raise not_found()


def id_by_key(ctx: Context, resource: Resource, id_: str) -> str:
    """The record id a URL names: ``id_`` itself, or, when the request sends the resource's key
    header (the storefront's ``X-Product-ID: sku``), the id of the record whose key attribute
    ``id_`` is, among those the caller may see; 404 when there is none."""
    key = resource.key_header
    if key is None or ctx.headers.get(key[0], "").strip().lower() != key[1]:
        return id_
    attr = resource.attribute[key[2]]
    sql, params = ctx.backend.selector.by_key(resource, attr, id_, ctx.rule(resource))
    with ctx.backend.reads.connect() as connection:
        rows = run(connection, sql, params)
    if not rows:
        raise not_found()
    return str(rows[0][0])


def exists(loader: Loader, ctx: Context, resource: Resource, id_: Any) -> bool:
    return bool(loader.rows(ctx.backend.selector.by_ids(resource, [id_])))


def ensure_reachable(
    ctx: Context, loader: Loader, resource: Resource, id_: Any, permission: str
) -> None:
    """After a write, the record must still be within the caller's reach (say, after an owner
    change); otherwise the write is refused and the transaction rolls back."""
    rule = ctx.rule(resource, permission)
    if rule is not None and not loader.rows(ctx.backend.selector.by_ids(resource, [id_], rule)):
        raise no_access_to_entity()


def related_error(
    ctx: Context,
    loader: Loader,
    writer: Writer,
    target: Resource,
    ids: list[Any],
    pointer: str | None,
) -> ApiError | None:
    """Related records must exist (400) and be visible to the caller (403), as in Oro."""
    if not ids:
        return None
    return related_problem(ids, *related_records(ctx, loader, writer, target, ids), pointer)


def related_records(
    ctx: Context, loader: Loader, writer: Writer, target: Resource, ids: Collection[Any]
) -> tuple[set[Any], set[Any] | None]:
    """Which of ``ids`` exist, and which of those the caller may view (None: all of them)."""
    existing = writer.existing(target, ids)
    rule = ctx.rule(target, "VIEW")
    if rule is None or not existing:
        return existing, None
    rows = loader.rows(ctx.backend.selector.by_ids(target, list(existing), rule))
    return existing, {row[0] for row in rows}


def related_problem(
    ids: Collection[Any], existing: set[Any], visible: set[Any] | None, pointer: str | None
) -> ApiError | None:
    """The error of a relationship naming ``ids``, given which records exist and are visible."""
    if not ids:
        return None
    if not existing.issuperset(ids):
        return FormConstraint("The entity does not exist.", pointer=pointer)
    if visible is not None and not visible.issuperset(ids):
        return AccessGrantedConstraint(
            'The "VIEW" permission is denied for the related resource.',
            pointer=pointer,
        )
    return None


def reachable(
    ctx: Context, loader: Loader, resource: Resource, ids: Collection[Any], permission: str
) -> set[Any] | None:
    """Which of ``ids`` are within the caller's reach for ``permission`` (None: all)."""
    rule = ctx.rule(resource, permission)
    if rule is None:
        return None
    return {row[0] for row in loader.rows(ctx.backend.selector.by_ids(resource, list(ids), rule))}
