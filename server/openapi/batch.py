"""The Batch API in the OpenAPI document: ``PATCH /api/{type}`` on every resource that enables
it, ``GET /api/asyncoperations/{id}`` and ``GET /api/asyncoperations/{id}/errors``, and the
schemas of the two types (reference §15, §16)."""

from __future__ import annotations

from typing import Any

from server.metadata.batch import ASYNC_OPERATION, ASYNC_OPERATION_ERROR, STATUSES, SUMMARY_KEYS
from server.metadata.model import Resource
from server.openapi import examples, names
from server.openapi import parameters as p
from server.openapi.schemas import Components, Schema, nullable, obj

JSONAPI = "application/vnd.api+json"
URL: Schema = {"type": "string", "format": "uri"}

X_MODE: p.Keyed = (
    "x-mode",
    {
        "name": "X-Mode",
        "in": "header",
        "description": "`async` (the default): answer 202 at once and process in the"
        " background; `sync`: process in request order, atomically, and answer 200 with the"
        " written records (at most 100 primary and 50 included items; past the wait timeout,"
        " 25 s, the answer is the asynchronous one).",
        "schema": {"type": "string", "enum": ["async", "sync"]},
        "example": "async",
    },
)
CONTENT_LOCATION = {
    "description": "The URL of the asynchronous operation.",
    "schema": {"type": "string"},
}

DESCRIPTION = """The Batch API: create or update many {many} in one request. `data` is a list of
resource objects; an item is created unless its `meta` says `"update": true` (with its `id`),
`"upsert"` or `"validate": true`; `included` holds related records, each related to at least one
primary item. The request is stored and processed in chunks of 100 primary items, each with
the included items it brings; the answer is 202 with the new asynchronous operation
(`Content-Location`: its URL). Follow it with `GET /api/asyncoperations/{{id}}`: an item
with errors is skipped and the others are saved; the errors, pointing at the items' places in
this request, are at
`GET /api/asyncoperations/{{id}}/errors`. With `X-Mode: sync` the whole request is processed
at once, atomically: 200 with the records (`meta.dataId`, `meta.includeId`), or the errors and
nothing saved."""


def operation_object() -> Schema:
    summary = obj(
        {key: {"type": "integer", "minimum": 0} for key in SUMMARY_KEYS},
        SUMMARY_KEYS,
        description="Set when the operation is finished: aggregateTime in milliseconds,"
        " then counts of items read and written, errors, records created and updated.",
    )
    attributes = obj(
        {
            "status": {"type": "string", "enum": list(STATUSES)},
            "progress": nullable({"type": "number", "minimum": 0, "maximum": 1}),
            "createdAt": {"type": "string", "format": "date-time"},
            "updatedAt": {"type": "string", "format": "date-time"},
            "elapsedTime": {"type": "integer", "minimum": 0},
            "entityType": {"type": "string"},
            "summary": nullable(summary),
        },
        ["status", "progress", "createdAt", "updatedAt", "elapsedTime", "entityType", "summary"],
    )

    def to_one(type_: str) -> Schema:
        identifier = obj(
            {"type": {"type": "string", "enum": [type_]}, "id": {"type": "string"}}, ["type", "id"]
        )
        return obj({"data": identifier}, ["data"])

    return obj(
        {
            "type": {"type": "string", "enum": [ASYNC_OPERATION.type]},
            "id": {"type": "string"},
            "links": obj({"self": URL}),
            "attributes": attributes,
            "relationships": obj(
                {"owner": to_one("users"), "organization": to_one("organizations")},
                ["owner", "organization"],
            ),
        },
        ["type", "id", "attributes"],
        description=ASYNC_OPERATION.description,
    )


def error_object() -> Schema:
    source = obj(
        {
            "pointer": {"type": "string", "description": "Into the request as it was sent."},
            "propertyPath": {"type": "string"},
        }
    )
    return obj(
        {
            "type": {"type": "string", "enum": [ASYNC_OPERATION_ERROR.type]},
            "id": {
                "type": "string",
                "description": "`{operation}-{chunk}-{error}`, e.g. `3-1-1`.",
            },
            "attributes": obj(
                {
                    "status": {"type": "integer"},
                    "title": {"type": "string"},
                    "detail": {"type": "string"},
                    "source": source,
                },
                ["status", "title"],
            ),
        },
        ["type", "id", "attributes"],
        description=ASYNC_OPERATION_ERROR.description,
    )


def schemas(components: Components) -> tuple[Schema, Schema]:
    """(operation document, error collection) in ``components/schemas``."""
    operation = components.ref("AsyncOperation", operation_object)
    error = components.ref("AsyncOperationError", error_object)
    document = components.ref("AsyncOperationDocument", lambda: obj({"data": operation}, ["data"]))
    collection = components.ref(
        "AsyncOperationErrorCollection",
        lambda: obj(
            {"data": {"type": "array", "items": error}, "links": components.links()}, ["data"]
        ),
    )
    return document, collection


def batch_request(components: Components, resource: Resource) -> Schema:
    components.create_request(resource)  # built first: the batch item is its ``data``
    single = components.schemas[names.singular(resource) + "CreateRequest"]["properties"]
    data = single["data"]
    item = {**data, "properties": {**data["properties"], "meta": _item_meta(data)}}
    return components.ref(
        f"{names.singular(resource)}BatchRequest",
        lambda: {
            "type": "object",
            "description": f"Many {names.many(resource)} at once; each item as in a create"
            " request, or an update with `meta.update` and its `id`.",
            "properties": {
                "data": {"type": "array", "minItems": 1, "items": item},
                "included": single["included"],
            },
            "required": ["data"],
        },
    )


def _item_meta(data: Schema) -> Schema:
    options = dict(data["properties"].get("meta", {}).get("properties", {}))
    options["update"] = {
        "type": "boolean",
        "description": "Update the record named by `id` instead of creating one.",
    }
    return obj(options)


def batch_example(components: Components, resource: Resource) -> dict[str, Any]:
    return {"data": [examples.create_body(components.registry, resource)["data"]]}


def accepted(components: Components) -> dict[str, Any]:
    document, _ = schemas(components)
    return {
        "description": "Accepted: the asynchronous operation, to follow at `Content-Location`.",
        "headers": {"Content-Location": CONTENT_LOCATION},
        "content": {JSONAPI: {"schema": document}},
    }


def sync_ok(components: Components, resource: Resource) -> dict[str, Any]:
    return {
        "description": "`X-Mode: sync`: the records written, in request order.",
        "content": {JSONAPI: {"schema": components.collection(resource)}},
    }


def operation_paths(
    prefix: str, components: Components, refs: Any, read_errors: dict[str, Any]
) -> dict[str, Any]:
    document, collection = schemas(components)
    id_parameter = {
        "name": "id",
        "in": "path",
        "required": True,
        "description": "The identifier of the asynchronous operation.",
        "schema": {"type": "integer", "minimum": 1},
        "example": 1,
    }
    base = f"{prefix}/{ASYNC_OPERATION.type}/{{id}}"
    tag = [ASYNC_OPERATION.type]
    return {
        base: {
            "parameters": [id_parameter],
            "get": {
                "tags": tag,
                "summary": "Get an asynchronous operation",
                "description": "Its status, progress and, once finished, its summary. Only its"
                " owner (or a role that sees the organization's operations) may read it.\n\n"
                "Oro action: `get`.",
                "operationId": "getAsyncOperation",
                "responses": {
                    "200": {
                        "description": "The operation.",
                        "content": {JSONAPI: {"schema": document}},
                    },
                    **read_errors,
                },
            },
        },
        f"{base}/errors": {
            "parameters": [id_parameter],
            "get": {
                "tags": tag,
                "summary": "List the errors of an asynchronous operation",
                "description": "The errors of the items that were skipped, or why the operation"
                " failed; each `source.pointer` names the place in the request as it was sent."
                " Sorting, `fields` and `include` are not supported.\n\n"
                "Oro action: `get_subresource`.",
                "operationId": "getAsyncOperationErrors",
                "parameters": refs([*p.page(ASYNC_OPERATION_ERROR), p.x_include("list")]),
                "responses": {
                    "200": {
                        "description": "A page of errors.",
                        "headers": {
                            "X-Include-Total-Count": {
                                "$ref": "#/components/headers/X-Include-Total-Count"
                            }
                        },
                        "content": {JSONAPI: {"schema": collection}},
                    },
                    **read_errors,
                },
            },
        },
    }
