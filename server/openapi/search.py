"""The search APIs in the OpenAPI document: JSON:API ``/search`` and ``/searchentities``, and
Oro's legacy REST ``/rest/latest/search`` and ``/rest/latest/search/advanced`` (plain JSON).

The query language is described once (:data:`QUERY_LANGUAGE`) and quoted by both.
"""

from __future__ import annotations

from typing import Any

from server.metadata.model import Registry

TAG = "Search across record types: simple search, a query language and aggregations."
JSONAPI = "application/vnd.api+json"
JSON = "application/json"

QUERY_LANGUAGE = """\
A condition is `field operator value`; `and` and `or` join conditions from left to right (as \
Oro's parser does: `a or b and c` is `(a or b) and c`), brackets group them; within one pair of \
brackets the conditions are joined all by `and` or all by `or` (else a 400). Values with spaces \
go in double quotes; datetimes as `"YYYY-MM-DD hh:mm:ss"`.

Operators:
- `~`, `!~`: contains (not) the words, each as the start of a word (full-text);
- `like`, `notlike`: contains (not) the text anywhere;
- `starts_with`: starts with the text (JSON:API only);
- `=`, `!=`, `>`, `>=`, `<`, `<=`: compares;
- `in (a, b)`, `!in (a, b)`: one of (none of) the values;
- `exists`, `notexists`: the field has (no) value (JSON:API only).

`allText` (or `all_text`) searches every text field of a record. A malformed query is a 400 \
naming the position (0-based) and what was expected there."""

LEGACY_LANGUAGE = """\
`[select field | select (field [as name], ...)] [from alias | from (alias, ...)] [where \
condition] [aggregate field function [as] name]... [order_by field [asc|desc]] [offset N] \
[max_results N]`. A field may carry its type first: `text`, `integer`, `decimal` (or `float`, \
`double`), `datetime` — `integer count > 10`, `text.name`. Each `aggregate` (count, sum, avg, \
min, max) is answered in `aggregated_data` under its name. """

_ERRORS = {
    "400": {"$ref": "#/components/responses/BadRequest"},
    "401": {"$ref": "#/components/responses/Unauthorized"},
    "405": {"$ref": "#/components/responses/MethodNotAllowed"},
    "500": {"$ref": "#/components/responses/ServerError"},
}


def _query(name: str, description: str, schema: dict[str, Any], **extra: Any) -> dict[str, Any]:
    return {"name": name, "in": "query", "description": description, "schema": schema, **extra}


_TEXT = {"type": "string"}
_PAGE = [
    _query(
        "page[number]", "The page number, from 1.", {"type": "integer", "minimum": 1}, example=1
    ),
    _query(
        "page[size]",
        "Items per page (default 10; -1: all).",
        {"type": "integer", "minimum": -1},
        example=10,
    ),
]

SEARCH_ITEM = {
    "type": "object",
    "required": ["type", "id", "attributes", "relationships"],
    "properties": {
        "type": {"const": "search"},
        "id": {"type": "string", "description": "`<entity type>-<id>`, e.g. `users-1`."},
        "links": {
            "type": "object",
            "properties": {"entityUrl": {"type": "string", "description": "The record's page."}},
        },
        "attributes": {
            "type": "object",
            "properties": {"entityName": {"type": "string", "description": "The record's title."}},
        },
        "relationships": {
            "type": "object",
            "properties": {
                "entity": {
                    "type": "object",
                    "properties": {
                        "data": {
                            "type": "object",
                            "required": ["type", "id"],
                            "properties": {"type": _TEXT, "id": _TEXT},
                        }
                    },
                }
            },
        },
    },
}

SEARCH_ENTITY = {
    "type": "object",
    "required": ["type", "id", "attributes"],
    "properties": {
        "type": {"const": "searchentities"},
        "id": _TEXT,
        "links": {"type": "object"},
        "attributes": {
            "type": "object",
            "properties": {
                "entityType": _TEXT,
                "entityName": _TEXT,
                "searchable": {"type": "boolean"},
                "fields": {
                    "type": "array",
                    "items": {
                        "type": "object",
                        "properties": {
                            "name": _TEXT,
                            "type": {"enum": ["text", "integer", "decimal", "datetime"]},
                            "entityFields": {"type": "array", "items": _TEXT},
                        },
                    },
                },
            },
        },
    },
}

LEGACY_RESULT = {
    "type": "object",
    "required": ["records_count", "data", "count", "aggregated_data"],
    "properties": {
        "records_count": {"type": "integer", "description": "Every record found."},
        "count": {"type": "integer", "description": "The records in this response."},
        "data": {
            "type": "array",
            "items": {
                "type": "object",
                "required": ["entity_name", "record_id", "record_string"],
                "properties": {
                    "entity_name": {"type": "string", "description": "The class name."},
                    "record_id": {"type": "integer"},
                    "record_string": {"type": "string", "description": "The record's title."},
                    "record_url": {"type": "string", "description": "Advanced search only."},
                    "selected_data": {"type": "object", "description": "The selected fields."},
                },
            },
        },
        "aggregated_data": {
            "description": "By aggregate name (advanced search): a `count` as an object of value"
            " → records (left out when nothing was counted), `sum`, `avg`, `min`, `max` as a"
            " number; an empty array when no aggregate was asked.",
            "oneOf": [{"type": "object"}, {"type": "array", "maxItems": 0}],
        },
    },
}


def _ok(description: str, schema: dict[str, Any], media: str, *headers: str) -> dict[str, Any]:
    """A success response; a JSON:API one also answers a plain JSON request (the same body)."""
    content = {media: {"schema": schema}}
    if media == JSONAPI:
        content[JSON] = {"schema": schema}
    response: dict[str, Any] = {"description": description, "content": content}
    if headers:
        response["headers"] = {h: {"$ref": f"#/components/headers/{h}"} for h in headers}
    return response


def search_paths(prefix: str, registry: Registry) -> dict[str, Any]:
    """The four search paths below ``prefix``."""
    entity_types = [r.type for r in registry if r.search is not None]
    aliases = [r.search.alias for r in registry if r.search is not None]
    listing = {"type": "object", "required": ["data"], "properties": {"data": {"type": "array"}}}
    search_list = dict(listing, properties={"data": {"type": "array", "items": SEARCH_ITEM}})
    entity_list = dict(listing, properties={"data": {"type": "array", "items": SEARCH_ENTITY}})
    return {
        f"{prefix}/search": {
            "get": {
                "tags": ["search"],
                "operationId": "search-get_list",
                "summary": "Search records of every searchable type",
                "description": "Finds the records the caller may view; counts and aggregations"
                " count only those.\n\n" + QUERY_LANGUAGE,
                "parameters": [
                    _query(
                        "filter[searchText]", "Words to find in `allText`.", _TEXT, example="john"
                    ),
                    _query(
                        "filter[searchQuery]",
                        "A condition (see above).",
                        _TEXT,
                        example='firstName ~ "john" and createdAt > "2024-01-01 00:00:00"',
                    ),
                    _query(
                        "filter[aggregations]",
                        "Comma-separated `field function [name]` (count, sum, avg, min, max);"
                        " into `meta.aggregatedData`, named field + Function by default.",
                        _TEXT,
                        example="owner count",
                    ),
                    _query(
                        "filter[entities]",
                        "Comma-separated entity types (default: all searchable).",
                        _TEXT,
                        example=",".join(entity_types[:2]),
                    ),
                    _query(
                        "include",
                        "`entity`: the found records in `included`.",
                        {"enum": ["entity"]},
                        example="entity",
                    ),
                    *_PAGE,
                ],
                "responses": {
                    "200": _ok("Search items.", search_list, JSONAPI, "X-Include-Total-Count"),
                    **_ERRORS,
                },
            }
        },
        f"{prefix}/searchentities": {
            "get": {
                "tags": ["search"],
                "operationId": "searchentities-get_list",
                "summary": "List entity types and their search fields",
                "parameters": [
                    _query(
                        "filter[entityType]",
                        "Comma-separated entity types.",
                        _TEXT,
                        example=",".join(entity_types[:2]),
                    ),
                    _query(
                        "filter[searchable]",
                        "Only (non-)searchable types.",
                        {"type": "boolean"},
                        example=True,
                    ),
                ],
                "responses": {"200": _ok("Entity types.", entity_list, JSONAPI), **_ERRORS},
            }
        },
        f"{prefix}/searchentities/{{id}}": {
            "get": {
                "tags": ["search"],
                "operationId": "searchentities-get",
                "summary": "Get an entity type and its search fields",
                "parameters": [
                    {
                        "name": "id",
                        "in": "path",
                        "required": True,
                        "schema": _TEXT,
                        "example": entity_types[0] if entity_types else "users",
                    }
                ],
                "responses": {
                    "200": _ok(
                        "An entity type.",
                        {"type": "object", "properties": {"data": SEARCH_ENTITY}},
                        JSONAPI,
                    ),
                    "404": {"$ref": "#/components/responses/NotFound"},
                    **_ERRORS,
                },
            }
        },
        f"{prefix}/rest/latest/search": {
            "get": {
                "tags": ["search"],
                "operationId": "legacy-search",
                "summary": "Simple search (Oro's legacy REST API, plain JSON)",
                "parameters": [
                    _query("search", "The words to find.", _TEXT, example="john"),
                    _query(
                        "offset", "Records to skip.", {"type": "integer", "minimum": 0}, example=0
                    ),
                    _query(
                        "max_results",
                        "Records to return (default 10).",
                        {"type": "integer", "minimum": 0},
                        example=10,
                    ),
                    _query(
                        "from",
                        "Search aliases, comma-separated.",
                        _TEXT,
                        example=aliases[0] if aliases else "oro_user",
                    ),
                ],
                "responses": {"200": _ok("Records found.", LEGACY_RESULT, JSON), **_ERRORS},
            }
        },
        f"{prefix}/rest/latest/search/advanced": {
            "get": {
                "tags": ["search"],
                "operationId": "legacy-search-advanced",
                "summary": "Advanced search (Oro's legacy REST API, plain JSON)",
                "description": LEGACY_LANGUAGE + "\n\n" + QUERY_LANGUAGE,
                "parameters": [
                    _query(
                        "query",
                        "The query.",
                        _TEXT,
                        required=True,
                        example="from oro_contact where firstName ~ john max_results 5",
                    )
                ],
                "responses": {"200": _ok("Records found.", LEGACY_RESULT, JSON), **_ERRORS},
            }
        },
    }
