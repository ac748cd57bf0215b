"""Relationship writes: update_relationship (to-one and to-many), add_ and delete_relationship."""

from __future__ import annotations

from server.actions.common import (
    ensure_reachable,
    fetch_one,
    list_query,
    loader_for,
    now,
    related_error,
    writing,
)
from server.actions.context import Context, Reply
from server.jsonapi.body import load_json
from server.jsonapi.errors import ConstraintViolation
from server.jsonapi.ids import parse_id
from server.jsonapi.request_doc import parse_relationship_document
from server.metadata.model import Auto, Relationship, Resource
from server.metadata.rules import NotBlank
from server.storage.write import Writer

MODES = {"PATCH": "replace", "POST": "add", "DELETE": "remove"}


def change_relationship(ctx: Context, resource: Resource, id_text: str, rel: Relationship) -> Reply:
    """PATCH replaces (to-one: sets), POST adds, DELETE removes members; 204 on success."""
    id_ = parse_id(resource, id_text)
    list_query(ctx, resource, frozenset())
    value = parse_relationship_document(load_json(ctx.body), resource, rel, ctx.backend.registry)
    registry = ctx.backend.registry
    with writing(ctx) as connection:
        writer = Writer(connection, registry, ctx.backend.schema)
        loader = loader_for(ctx, connection)
        fetch_one(loader, ctx, resource, id_, "EDIT")
        ids = value if rel.many else [] if value is None else [value]
        if ctx.method != "DELETE":
            error = related_error(ctx, loader, writer, registry[rel.target], ids, "/data")
            if error is not None:
                raise error
        if rel.required and not rel.many and value is None:
            raise ConstraintViolation.of(NotBlank.violation(), pointer="/data")
        stamp = {a.column: now() for a in resource.attributes if a.auto is Auto.UPDATED}
        if rel.many:
            writer.link(resource, rel, id_, ids, MODES[ctx.method])
            writer.update(resource, id_, stamp)
        else:
            writer.update(resource, id_, {rel.column: value, **stamp})
        ensure_reachable(ctx, loader, resource, id_, "EDIT")  # e.g. after giving away the owner
    return Reply(204)
