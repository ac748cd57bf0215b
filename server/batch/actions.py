"""The Batch API's actions: ``PATCH /api/{type}`` with a list of items (asynchronous, or with
``X-Mode: sync``), ``GET /api/asyncoperations/{id}`` and ``GET …/{id}/errors``."""

from __future__ import annotations

import time
from typing import Any

from server.actions.common import fetch_one, item_query, list_query, loader_for
from server.actions.context import Context, Reply
from server.actions.render import render
from server.batch import operations
from server.batch.plan import plan
from server.jsonapi.body import empty_request, load_json
from server.jsonapi.document import page_links
from server.jsonapi.errors import (
    AccessDenied,
    NotFound,
    TitledError,
    no_access_to_type,
    raise_all,
    request_data_error,
)
from server.jsonapi.ids import parse_id
from server.jsonapi.query import parse_query
from server.metadata.access import Level
from server.metadata.batch import ASYNC_OPERATION, ASYNC_OPERATION_ERROR, OPERATIONS
from server.metadata.model import Resource

MODES = ("async", "sync")
NO_OPERATION = "The asynchronous operation does not exist."
NO_ACCESS = "No access to the asynchronous operation."
SYNC_POLL = 0.005  # seconds between looks at a synchronous operation's status


def _mode(ctx: Context) -> str:
    mode = ctx.headers.get("x-mode", "async").strip().lower() or "async"
    if mode not in MODES:
        raise TitledError(
            400,
            "invalid header value exception",
            'The accepted values for the "X-Mode" are "sync" or "async".',
        )
    return mode


def _check_body(body: Any) -> dict[str, Any]:
    """The structure a batch request must have before it is stored (reference §15.1); the
    items themselves are checked when they are processed, each on its own."""
    if not isinstance(body, dict) or not body:
        raise empty_request()
    errors = []
    if "data" not in body:
        errors.append(
            request_data_error("The primary data object collection should exist", "/data")
        )
    elif body["data"] in (None, [], {}):
        errors.append(
            request_data_error("The primary data object collection should not be empty", "/data")
        )
    elif not isinstance(body["data"], list):
        errors.append(
            request_data_error("The primary data object collection should be an array", "/data")
        )
    if "included" in body and not isinstance(body["included"], list | type(None)):
        errors.append(request_data_error("The 'included' property should be an array", "/included"))
    raise_all(errors)
    return body


def _sync_limits(ctx: Context, body: dict[str, Any]) -> None:
    settings = ctx.backend.settings
    if len(body["data"]) > settings.sync_limit:
        raise request_data_error(
            "The data limit for the synchronous operation exceeded. The maximum number of"
            f" records that can be processed by the synchronous operation is {settings.sync_limit}."
        )
    if len(body.get("included") or []) > settings.sync_included_limit:
        raise request_data_error(
            'The data limit for the synchronous operation exceeded for the section "included".'
            " The maximum number of included records that can be processed by the synchronous"
            f" operation is {settings.sync_included_limit}."
        )


def _may(ctx: Context, permission: str, level: Level = Level.USER) -> bool:
    if ctx.access is None:
        return True
    return ctx.access.acl.level(ctx.access.principal, OPERATIONS, permission) >= level


def update_list(ctx: Context, resource: Resource) -> Reply:
    mode = _mode(ctx)
    body = _check_body(load_json(ctx.body))
    list_query(ctx, resource, frozenset())  # no query parameters apply
    if not (_may(ctx, "CREATE") and _may(ctx, "VIEW")):
        raise no_access_to_type()  # Oro's type-level denial, for the asyncoperations type
    if mode == "sync":
        _sync_limits(ctx, body)
    backend, settings = ctx.backend, ctx.backend.settings
    tables = backend.schema.batch
    the_plan = plan(body, settings.batch_chunk_size, settings.batch_included_chunk_size)
    assert ctx.principal is not None and backend.queue is not None
    with backend.engine.begin() as connection:
        operation_id = operations.create(
            connection,
            tables,
            entity_type=resource.type,
            mode=mode,
            api_url=ctx.api_url,
            principal=ctx.principal,
            request=ctx.body,
            chunk_size=settings.batch_chunk_size,
            included_chunk_size=settings.batch_included_chunk_size,
            chunk_count=len(the_plan.chunks),
        )
    backend.queue.submit(operation_id)
    if mode == "sync":
        row = _wait(ctx, operation_id, settings.sync_wait_timeout)
        if row.status in ("success", "failed"):
            return _sync_reply(ctx, resource, row)
    else:
        with backend.engine.connect() as connection:
            row = operations.load(connection, tables, operation_id)
    location = operations.url(ctx.api_url, operation_id)
    document = {"data": operations.resource_object(row, ctx.api_url, links=_links(ctx))}
    return Reply(202, document, {"Content-Location": location})


def _links(ctx: Context) -> bool:
    return "noHateoas" not in ctx.x_include


def _wait(ctx: Context, operation_id: int, timeout: float) -> Any:
    """The operation once finished, or as it is when ``timeout`` seconds have passed."""
    deadline = time.monotonic() + timeout
    tables = ctx.backend.schema.batch
    while True:
        with ctx.backend.engine.connect() as connection:
            row = operations.load(connection, tables, operation_id)
        assert row is not None
        if row.status not in operations.ACTIVE or time.monotonic() >= deadline:
            return row
        time.sleep(SYNC_POLL)


def _sync_reply(ctx: Context, resource: Resource, row: Any) -> Reply:
    """200 with what was written, or the error document; the operation is deleted then, as
    Oro does once a synchronous operation answered."""
    backend = ctx.backend
    tables = backend.schema.batch
    try:
        if row.status == "failed":
            with backend.engine.connect() as connection:
                errors, _ = operations.errors_page(connection, tables, row.id, 1, -1)
            raise_all([_sync_error(error) for error in errors])
        return Reply(200, _written_document(ctx, resource, row.result or []))
    finally:
        with backend.engine.begin() as connection:
            operations.delete(connection, tables, [row.id])


def _sync_error(row: Any) -> TitledError:
    title = "operation exception" if row.title == "async operation exception" else row.title
    return TitledError(row.status, title, row.detail, pointer=row.pointer)


def _written_document(ctx: Context, resource: Resource, written: list[dict[str, Any]]) -> Any:
    query = item_query(ctx, resource)
    plain = parse_query([], ctx.backend.registry, resource, families=frozenset())
    data: list[Any] = []
    included: list[Any] = []
    with ctx.backend.engine.connect() as connection:
        loader = loader_for(ctx, connection)
        for obj in sorted(written, key=lambda o: (o["section"] != "data", o["index"])):
            target = ctx.backend.registry[obj["type"]]
            id_ = parse_id(target, obj["id"])
            row = fetch_one(loader, ctx, target, id_)
            (item,), _ = render(
                ctx, loader, target, [row], query if obj["section"] == "data" else plain
            )
            if obj["sentId"] is not None:
                key = "dataId" if obj["section"] == "data" else "includeId"
                item.setdefault("meta", {})[key] = obj["sentId"]
            (data if obj["section"] == "data" else included).append(item)
    document: dict[str, Any] = {"data": data}
    if included:
        document["included"] = included
    return document


def _operation(ctx: Context, id_text: str) -> Any:
    """The operation ``id_text`` if the caller may see it (its owner, or a role that sees the
    operations of the organization): 404 or 403 with Oro's messages otherwise."""
    try:
        id_ = int(parse_id(ASYNC_OPERATION, id_text))
    except Exception:
        raise NotFound(NO_OPERATION) from None
    with ctx.backend.engine.connect() as connection:
        row = operations.load(connection, ctx.backend.schema.batch, id_)
    if row is None:
        raise NotFound(NO_OPERATION)
    principal = ctx.principal
    if ctx.access is not None and principal is not None:
        mine = row.owner_id == principal.user_id and _may(ctx, "VIEW")
        organization = row.organization_id == principal.organization_id and _may(
            ctx, "VIEW", Level.ORGANIZATION
        )
        if not (mine or organization):
            raise AccessDenied(NO_ACCESS)
    return row


def get_operation(ctx: Context, id_text: str) -> Reply:
    parse_query(ctx.params, ctx.backend.registry, ASYNC_OPERATION, families=frozenset())
    row = _operation(ctx, id_text)
    return Reply(200, {"data": operations.resource_object(row, ctx.api_url, links=_links(ctx))})


def get_operation_errors(ctx: Context, id_text: str) -> Reply:
    query = parse_query(
        ctx.params,
        ctx.backend.registry,
        ASYNC_OPERATION_ERROR,
        families=frozenset({"page"}),
        default_page_size=ctx.backend.settings.default_page_size,
    )
    row = _operation(ctx, id_text)
    tables = ctx.backend.schema.batch
    headers = {}
    with ctx.backend.engine.connect() as connection:
        rows, more = operations.errors_page(
            connection, tables, row.id, query.page_number, query.page_size
        )
        if "totalCount" in ctx.x_include:
            headers["X-Include-Total-Count"] = str(
                operations.error_count(connection, tables, row.id)
            )
    document: dict[str, Any] = {"data": [operations.error_object(error) for error in rows]}
    if _links(ctx):
        links = page_links(ctx.url, ctx.params, query.page_number, more)
        if links:
            document["links"] = links
    return Reply(200, document, headers)
