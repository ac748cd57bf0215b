"""Delete actions: delete, delete_list — each in one transaction (create and update: ``save``).

A failed write raises before commit, so the data stays as it was.
"""

from __future__ import annotations

from typing import Any

import sqlalchemy as sa

from server.actions.common import (
    allowed_rule,
    fetch_one,
    list_query,
    loader_for,
    query_pairs,
    writing,
)
from server.actions.context import Context, Reply
from server.jsonapi.errors import AccessDenied, FilterConstraint
from server.jsonapi.ids import parse_id
from server.jsonapi.query import parse_query
from server.metadata.model import Resource
from server.storage.errors import StillReferenced
from server.storage.write import Writer

DELETE_LIST_FAMILIES = frozenset({"filter"})


def _writer(ctx: Context, connection: sa.Connection) -> Writer:
    return Writer(connection, ctx.backend.registry, ctx.backend.schema)


def _delete(writer: Writer, resource: Resource, ids: list[Any]) -> None:
    """Delete the records; a reference that forbids it is Oro's 403."""
    try:
        writer.delete(resource, ids)
    except StillReferenced as refused:
        raise AccessDenied(
            "The delete operation is forbidden. Reason: the record is referenced by"
            f' "{refused.relationship}" of {refused.count} "{refused.type}" record(s).'
        ) from None


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
