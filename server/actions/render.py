"""Rows → documents: primary data with ``included``, or plain JSON objects when not JSON:API."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any

from server.actions.context import Context
from server.jsonapi.document import Row, ToMany, plain_object, shape_of
from server.jsonapi.memo import RenderedObjects
from server.jsonapi.query import Query
from server.metadata.model import Resource
from server.storage.load import Loader, fielded_tree, include_tree


def render(
    ctx: Context,
    loader: Loader,
    resource: Resource,
    rows: Sequence[Sequence[Any]],
    query: Query,
    *,
    memo: RenderedObjects | None = None,
) -> tuple[list[Any], list[Any]]:
    """Primary data and ``included`` for ``rows``, or plain objects when not JSON:API. With
    ``memo`` (reads), resource objects come serialized, from the memo when met before."""
    ids = [row[0] for row in rows]
    if not ctx.json_api:
        many = [r.name for r in resource.relationships if r.many]
        to_many = loader.to_many(resource, many, ids)
        return [plain_object(resource, row, to_many) for row in rows], []
    view = ctx.view(title="title" in query.meta)
    fields = query.fields
    shape = shape_of(resource, fields.get(resource.type))
    tree = fielded_tree(ctx.backend.registry, resource, include_tree(query.include), fields)
    names = dict.fromkeys(
        [name for name, _ in shape.to_many]
        + [name for name in tree if resource.relationship[name].many]
    )
    to_many = loader.to_many(resource, names, ids)
    render_one = shape.renderer(view) if memo is None else memo.renderer(shape, view)
    data = [render_one(row, to_many) for row in rows]
    included = []
    if tree:

        def rendered_to_many(target: Resource) -> list[str]:
            return [name for name, _ in shape_of(target, fields.get(target.type)).to_many]

        renderers: dict[str, Callable[[Row, ToMany], Any]] = {}
        for item in loader.included(resource, rows, to_many, tree, rendered_to_many):
            type_ = item.resource.type
            render_item = renderers.get(type_)
            if render_item is None:
                item_shape = shape_of(item.resource, fields.get(type_))
                render_item = renderers[type_] = (
                    item_shape.renderer(view) if memo is None else memo.renderer(item_shape, view)
                )
            included.append(render_item(item.row, item.to_many))
    return data, included


def single_document(
    ctx: Context,
    loader: Loader,
    resource: Resource,
    row: Sequence[Any] | None,
    query: Query,
    self_url: str,
) -> Any:
    """A read's document of one resource object (or none)."""
    if row is None:
        return {"data": None} if ctx.json_api else None
    data, included = render(ctx, loader, resource, [row], query, memo=ctx.backend.rendered)
    if not ctx.json_api:
        return data[0]
    document: dict[str, Any] = {"data": data[0]}
    if included:
        document["included"] = included
    if "noHateoas" not in ctx.x_include:
        document["links"] = {"self": self_url}
    return document
