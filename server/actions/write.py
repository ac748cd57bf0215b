"""Write actions: create, update, delete, delete_list — each in one transaction.

A failed write raises before commit, so the data stays as it was.
"""

from __future__ import annotations

from typing import Any

import sqlalchemy as sa

from server.actions.common import (
    allowed_rule,
    ensure_reachable,
    fetch_one,
    item_query,
    list_query,
    loader_for,
    now,
    query_pairs,
    related_error,
    writing,
)
from server.actions.context import Context, Reply
from server.actions.render import single_document
from server.jsonapi.body import load_json
from server.jsonapi.errors import (
    AccessDenied,
    ConflictConstraint,
    ConstraintViolation,
    FilterConstraint,
    raise_all,
)
from server.jsonapi.ids import parse_id
from server.jsonapi.query import parse_query
from server.jsonapi.request_doc import ResourceInput, parse_resource_document
from server.metadata.model import Auto, Resource
from server.metadata.rules import Unique
from server.storage.errors import StillReferenced
from server.storage.load import Loader
from server.storage.write import Writer

DELETE_LIST_FAMILIES = frozenset({"filter"})


def _column_pointers(resource: Resource, data: ResourceInput) -> dict[str, str]:
    return {
        resource.attribute[name].column: pointer
        for name, pointer in data.pointers.items()
        if name in resource.attribute
    }


def _writer(ctx: Context, connection: sa.Connection) -> Writer:
    return Writer(connection, ctx.backend.registry, ctx.backend.schema)


def _defaults(ctx: Context, resource: Resource) -> dict[str, Any]:
    """Ownership the caller gets by default: their user, business unit and organization."""
    principal = ctx.principal
    return {
        rel.name: principal.default_of(rel.default)
        for rel in resource.relationships
        if rel.default and principal is not None
    }


def _check_storage(
    ctx: Context,
    loader: Loader,
    writer: Writer,
    resource: Resource,
    data: ResourceInput,
    exclude_id: Any = None,
) -> None:
    """What only the database can tell: missing or hidden related records, taken unique values."""
    errors = []
    registry = ctx.backend.registry
    for name, value in data.relationships.items():
        rel = resource.relationship[name]
        ids = value if rel.many else [] if value is None else [value]
        error = related_error(
            ctx, loader, writer, registry[rel.target], ids, data.pointers.get(name)
        )
        if error is not None:
            errors.append(error)
    for name, value in data.attributes.items():
        attr = resource.attribute[name]
        rule = attr.unique_rule
        if rule is None or value is None:
            continue
        scope = _scope(writer, resource, data, rule.scope, exclude_id)
        if None not in scope.values() and writer.taken(resource, name, value, exclude_id, scope):
            pointer = data.pointers.get(name)
            errors.append(ConstraintViolation.of(Unique.violation(), pointer=pointer))
    raise_all(errors)


def _columns(resource: Resource, data: ResourceInput, *, creating: bool) -> dict[str, Any]:
    values = {resource.attribute[name].column: value for name, value in data.attributes.items()}
    for name, value in data.relationships.items():
        rel = resource.relationship[name]
        if not rel.many:
            values[rel.column] = value
    stamp = now()
    for attr in resource.attributes:
        if attr.auto is Auto.UPDATED or (attr.auto is Auto.CREATED and creating):
            values[attr.column] = stamp
    return values


def _delete(writer: Writer, resource: Resource, ids: list[Any]) -> None:
    """Delete the records; a reference that forbids it is Oro's 403."""
    try:
        writer.delete(resource, ids)
    except StillReferenced as refused:
        raise AccessDenied(
            "The delete operation is forbidden. Reason: the record is referenced by"
            f' "{refused.relationship}" of {refused.count} "{refused.type}" record(s).'
        ) from None


def _write_links(writer: Writer, resource: Resource, id_: Any, data: ResourceInput) -> None:
    for name, value in data.relationships.items():
        rel = resource.relationship[name]
        if rel.many:
            writer.link(resource, rel, id_, value, "replace")


def _scope(
    writer: Writer,
    resource: Resource,
    data: ResourceInput,
    names: tuple[str, ...],
    id_: Any,
) -> dict[str, Any]:
    """The foreign keys a unique value is scoped by, as the record will have them."""
    columns = {resource.relationship[name].column: name for name in names}
    scope = {column: data.relationships.get(name) for column, name in columns.items()}
    missing = [column for column, name in columns.items() if name not in data.relationships]
    if missing and id_ is not None:
        scope.update(writer.stored(resource, id_, missing))
    return scope


def create(ctx: Context, resource: Resource) -> Reply:
    document = load_json(ctx.body)
    data = parse_resource_document(
        document, resource, ctx.backend.registry, defaults=_defaults(ctx, resource)
    )
    query = item_query(ctx, resource)
    allowed_rule(ctx, resource, "CREATE")
    with writing(ctx, _column_pointers(resource, data)) as connection:
        writer = _writer(ctx, connection)
        loader = loader_for(ctx, connection)
        if data.id is not None and writer.existing(resource, [data.id]):
            raise ConflictConstraint("The entity already exists.", pointer="/data/id")
        _check_storage(ctx, loader, writer, resource, data)
        values = _columns(resource, data, creating=True)
        if data.id is not None:
            values["id"] = data.id
        id_ = writer.insert(resource, values)
        _write_links(writer, resource, id_, data)
        ensure_reachable(ctx, loader, resource, id_, "CREATE")
        row = fetch_one(loader, ctx, resource, id_)
        body = single_document(ctx, loader, resource, row, query, f"{ctx.api_url}/{resource.type}")
    location = f"{ctx.api_url}/{resource.type}/{id_}"
    return Reply(201, body, {"Location": location})


def update(ctx: Context, resource: Resource, id_text: str) -> Reply:
    id_ = parse_id(resource, id_text)
    document = load_json(ctx.body)
    data = parse_resource_document(document, resource, ctx.backend.registry, url_id=id_)
    query = item_query(ctx, resource)
    with writing(ctx, _column_pointers(resource, data)) as connection:
        writer = _writer(ctx, connection)
        loader = loader_for(ctx, connection)
        fetch_one(loader, ctx, resource, id_, "EDIT")
        _check_storage(ctx, loader, writer, resource, data, exclude_id=id_)
        writer.update(resource, id_, _columns(resource, data, creating=False))
        _write_links(writer, resource, id_, data)
        ensure_reachable(ctx, loader, resource, id_, "EDIT")
        row = fetch_one(loader, ctx, resource, id_)
        body = single_document(ctx, loader, resource, row, query, f"{ctx.api_url}/{resource.type}")
    return Reply(200, body)


def delete(ctx: Context, resource: Resource, id_text: str) -> Reply:
    id_ = parse_id(resource, id_text)
    list_query(ctx, resource, frozenset())  # no query parameters apply
    with writing(ctx) as connection:
        fetch_one(loader_for(ctx, connection), ctx, resource, id_, "DELETE")
        _delete(_writer(ctx, connection), resource, [id_])
    return Reply(204)


def delete_list(ctx: Context, resource: Resource) -> Reply:
    """Delete what the filters match, at most ``max_delete`` records; body filters allowed."""
    query = parse_query(
        query_pairs(ctx),
        ctx.backend.registry,
        resource,
        families=DELETE_LIST_FAMILIES,
        default_page_size=resource.max_delete,
    )
    if not query.filters:
        raise FilterConstraint("At least one filter must be provided.")
    selector = ctx.backend.selector
    rule = allowed_rule(ctx, resource, "DELETE")  # only what the caller may delete is deleted
    headers = {}
    with writing(ctx) as connection:
        loader = loader_for(ctx, connection)
        if "totalCount" in ctx.x_include:
            total = loader.scalar(selector.count(resource, query, access=rule))
            headers["X-Include-Total-Count"] = str(total)
        page = selector.page(resource, query, extra=0, ids_only=True, access=rule)
        ids = [row[0] for row in loader.rows(page)]
        _delete(_writer(ctx, connection), resource, ids)
    if "deletedCount" in ctx.x_include:
        headers["X-Include-Deleted-Count"] = str(len(ids))
    return Reply(204, None, headers)
