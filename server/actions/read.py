"""Read actions: get_list, get, get_subresource, get_relationship.

Each reads as: parse → storage → document → reply. Collections, to-many sub-resources and to-many
relationships share :func:`collection`; a list of everything (``page[size]=-1``) streams.
"""

from __future__ import annotations

import functools
from collections.abc import Iterator
from typing import Any

import orjson

from server.actions.common import (
    allowed_rule,
    fetch_one,
    item_query,
    list_query,
    loader_for,
    parsed_query,
    query_pairs,
)
from server.actions.context import Context, Reply
from server.actions.render import render, single_document
from server.jsonapi.document import identifier, page_links
from server.jsonapi.errors import no_access_to_entity
from server.jsonapi.ids import parse_id
from server.jsonapi.query import Query
from server.metadata.access import Rule
from server.metadata.model import Relationship, Resource
from server.storage.dialect import stream
from server.storage.select import Within

STREAM_CHUNK = 1000
_page_links = functools.lru_cache(maxsize=1024)(
    page_links
)  # pure, and the same page is asked again
RELATIONSHIP_FAMILIES = frozenset({"filter", "page", "sort"})


def get_list(ctx: Context, resource: Resource) -> Reply:
    query = parsed_query(ctx, query_pairs(ctx), resource)
    return collection(ctx, resource, query, None, ctx.url)


def get(ctx: Context, resource: Resource, id_text: str) -> Reply:
    id_ = parse_id(resource, id_text)
    query = item_query(ctx, resource)
    with ctx.backend.reads.connect() as connection:
        loader = loader_for(ctx, connection)
        row = fetch_one(loader, ctx, resource, id_)
        document = single_document(
            ctx, loader, resource, row, query, f"{ctx.api_url}/{resource.type}"
        )
    return Reply(200, document)


def get_subresource(ctx: Context, resource: Resource, id_text: str, rel: Relationship) -> Reply:
    id_ = parse_id(resource, id_text)
    target = ctx.backend.registry[rel.target]
    selector = ctx.backend.selector
    if rel.many:
        query = list_query(ctx, target)
        with ctx.backend.reads.connect() as connection:
            fetch_one(loader_for(ctx, connection), ctx, resource, id_)
        return collection(ctx, target, query, Within(resource, rel, id_), ctx.url)
    query = item_query(ctx, target)
    with ctx.backend.reads.connect() as connection:
        loader = loader_for(ctx, connection)
        owner_row = fetch_one(loader, ctx, resource, id_)
        allowed_rule(ctx, target)
        related = owner_row[_to_one_position(resource, rel)]  # null when hidden
        if related is None and ctx.access is not None:
            raw = loader.rows(selector.by_ids(resource, [id_]))[0][_to_one_position(resource, rel)]
            if raw is not None:  # the related record exists, but not for the caller
                raise no_access_to_entity()
        rows = [] if related is None else [fetch_one(loader, ctx, target, related)]
        document = single_document(ctx, loader, target, rows[0] if rows else None, query, ctx.url)
    return Reply(200, document)


def get_relationship(ctx: Context, resource: Resource, id_text: str, rel: Relationship) -> Reply:
    id_ = parse_id(resource, id_text)
    target = ctx.backend.registry[rel.target]
    related_url = f"{ctx.api_url}/{resource.type}/{id_text}/{rel.name}"
    if rel.many:
        query = list_query(ctx, target, RELATIONSHIP_FAMILIES)
        with ctx.backend.reads.connect() as connection:
            fetch_one(loader_for(ctx, connection), ctx, resource, id_)
        return collection(
            ctx,
            target,
            query,
            Within(resource, rel, id_),
            ctx.url,
            identifiers=True,
            related_url=related_url,
        )
    list_query(ctx, target, frozenset())
    with ctx.backend.reads.connect() as connection:
        owner_row = fetch_one(loader_for(ctx, connection), ctx, resource, id_)
    related = owner_row[_to_one_position(resource, rel)]
    if not ctx.json_api:
        return Reply(200, related)
    document: dict[str, Any] = {
        "data": None if related is None else identifier(target.type, related)
    }
    if "noHateoas" not in ctx.x_include:
        document["links"] = {"self": ctx.url, "related": related_url}
    return Reply(200, document)


def _to_one_position(resource: Resource, rel: Relationship) -> int:
    to_one = [r.name for r in resource.relationships if not r.many]
    return len(resource.attributes) + 1 + to_one.index(rel.name)


# --- collections -----------------------------------------------------------------------------


def collection(
    ctx: Context,
    resource: Resource,
    query: Query,
    within: Within | None,
    self_url: str,
    *,
    identifiers: bool = False,
    related_url: str | None = None,
) -> Reply:
    backend = ctx.backend
    access = allowed_rule(ctx, resource)
    headers: dict[str, str] = {}
    links = "noHateoas" not in ctx.x_include
    top_links: dict[str, str] = {"self": self_url}
    if related_url:
        top_links["related"] = related_url
    with backend.reads.connect() as connection:
        loader = loader_for(ctx, connection)
        if "totalCount" in ctx.x_include:
            total = loader.scalar(backend.selector.count(resource, query, within, access))
            headers["X-Include-Total-Count"] = str(total)
        if query.page_size < 0 and not query.include and not identifiers:
            stream = _stream(ctx, resource, query, within, access, top_links if links else None)
            return Reply(200, None, headers, stream=stream)
        rows = loader.rows(
            backend.selector.page(resource, query, within, ids_only=identifiers, access=access)
        )
        has_next = 0 <= query.page_size < len(rows)
        rows = rows[: query.page_size] if has_next else rows
        if identifiers:
            data: list[Any] = [
                identifier(resource.type, row[0]) if ctx.json_api else row[0] for row in rows
            ]
            included: list[Any] = []
        else:
            data, included = render(ctx, loader, resource, rows, query, memo=backend.rendered)
    if not ctx.json_api:
        return Reply(200, data, headers)
    document: dict[str, Any] = {"data": data}
    if included:
        document["included"] = included
    if links:
        top_links.update(_page_links(self_url, query.params, query.page_number, has_next))
        document["links"] = top_links
    return Reply(200, document, headers)


def _stream(
    ctx: Context,
    resource: Resource,
    query: Query,
    within: Within | None,
    access: Rule | None,
    links: dict[str, str] | None,
) -> Iterator[bytes]:
    """The whole collection, rendered and serialized a chunk of rows at a time."""
    json_api = ctx.json_api
    sql, params = ctx.backend.selector.page(resource, query, within, access=access)
    with ctx.backend.engine.connect() as connection:
        loader = loader_for(ctx, connection)
        yield b'{"data":[' if json_api else b"["
        separator = b""
        for rows in stream(connection, sql.text, sql.args(params), STREAM_CHUNK):
            data, _ = render(ctx, loader, resource, rows, query)
            if data:
                yield separator + orjson.dumps(data)[1:-1]
                separator = b","
        yield b"]"
        if json_api:
            if links is not None:
                yield b',"links":' + orjson.dumps(links)
            yield b"}"
