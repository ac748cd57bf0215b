"""Metadata from OpenAPI documents: the real server's (built in process, and fetched from a live
server), a hand-written foreign one, and servers without one."""

from __future__ import annotations

from dataclasses import replace
from typing import Any

import httpx
import pytest

from sandbox._openapi import infer_data_type
from sandbox.client import ApiClient
from sandbox.metadata import (
    DATA_TYPES,
    Attribute,
    FieldFilter,
    Metadata,
    Relationship,
    ResourceType,
    Route,
)
from server.domain.resources import build_registry
from server.metadata.model import Registry
from server.openapi import build_openapi


@pytest.fixture(scope="module")
def registry() -> Registry:
    return build_registry()


@pytest.fixture(scope="module")
def metadata(registry: Registry) -> Metadata:
    return Metadata.from_openapi(build_openapi(registry))


ORDERED = ("eq", "neq", "lt", "lte", "gt", "gte", "exists", "neq_or_null")

# --- the real server's document --------------------------------------------------------------


@pytest.mark.parametrize(
    ("type_", "name", "operators"),
    [
        pytest.param("users", "username", ("eq", "neq", "exists", "neq_or_null"), id="string"),
        pytest.param(
            "users",
            "id",
            ("eq", "neq", "lt", "lte", "gt", "gte", "exists", "neq_or_null"),
            id="integer-id",
        ),
        pytest.param("accounts", "description", ("exists",), id="text"),
        pytest.param(
            "products",
            "name",
            ("eq", "neq", "exists", "neq_or_null", "contains", "starts_with", "ends_with"),
            id="extra-operators",
        ),
        pytest.param("users", "owner", ("eq", "neq", "exists", "neq_or_null"), id="to-one"),
        pytest.param(
            "users",
            "userRoles",
            ("eq", "neq", "exists", "neq_or_null", "contains", "not_contains"),
            id="to-many",
        ),
        pytest.param("contactsources", "id", ("eq", "neq", "exists", "neq_or_null"), id="str-id"),
    ],
)
def test_filter_operators(
    metadata: Metadata, type_: str, name: str, operators: tuple[str, ...]
) -> None:
    filters = metadata[type_].filters
    assert filters is not None
    assert filters[name].operators == operators


@pytest.mark.parametrize(
    ("type_", "name", "expected"),
    [
        pytest.param("users", "id", FieldFilter("id", ORDERED, "integer", True, True), id="id"),
        pytest.param(
            "users",
            "username",
            FieldFilter("username", ("eq", "neq", "exists", "neq_or_null"), "string", False, False),
            id="string",
        ),
        pytest.param(
            "users",
            "createdAt",
            FieldFilter("createdAt", ORDERED, "datetime", True, True),
            id="datetime",
        ),
        pytest.param(
            "products",
            "status",
            FieldFilter(
                "status",
                ("eq", "neq", "exists", "neq_or_null"),
                "enum",
                True,
                False,
                ("enabled", "disabled"),
            ),
            id="enum",
        ),
        pytest.param(
            "contacts",
            "source",
            FieldFilter("source", ("eq", "neq", "exists", "neq_or_null"), "string", True, False),
            id="to-one-string-ids",
        ),
        pytest.param(
            "users",
            "enabled",
            FieldFilter("enabled", ("eq", "neq", "exists", "neq_or_null"), "boolean", False, False),
            id="boolean",
        ),
    ],
)
def test_filters(metadata: Metadata, type_: str, name: str, expected: FieldFilter) -> None:
    filters = metadata[type_].filters
    assert filters is not None
    assert filters[name] == expected


def test_attribute_types(metadata: Metadata) -> None:
    assert metadata.attribute_types("orders") == {
        "identifier": "string",
        "poNumber": "string",
        "customerNotes": "string",
        "shipUntil": "date",
        "currency": "string",
        "subtotalValue": "money",
        "totalValue": "money",
        "discountPercent": "percent",
        "preferredDeliveryTime": "time",
        "handlingTime": "integer",
        "externalId": "string",
        "trackingData": "json",
        "createdAt": "datetime",
        "updatedAt": "datetime",
    }
    assert metadata.attribute_types("products") == {
        "sku": "string",
        "name": "string",
        "description": "string",
        "status": "enum",
        "featured": "boolean",
        "weight": "decimal",
        "gtin": "bigint",
        "tags": "json",
        "createdAt": "datetime",
        "updatedAt": "datetime",
    }
    assert metadata.attribute_types("orderlineitems")["quantity"] == "float"


@pytest.mark.parametrize(
    ("type_", "name", "expected"),
    [
        pytest.param(
            "products",
            "status",
            Attribute("status", "enum", "enum", ("enabled", "disabled")),
            id="enum",
        ),
        pytest.param(
            "users",
            "createdAt",
            Attribute("createdAt", "datetime", "datetime", format="date-time", read_only=True),
            id="datetime-read-only",
        ),
        pytest.param(
            "orders",
            "totalValue",
            Attribute("totalValue", "money", "money", format="money"),
            id="money",
        ),
        pytest.param(
            "orders",
            "handlingTime",
            Attribute("handlingTime", "duration", "integer", format="duration"),
            id="duration-in-seconds",
        ),
        pytest.param(
            "orders",
            "preferredDeliveryTime",
            Attribute("preferredDeliveryTime", "time", "time"),
            id="time-without-format",
        ),
    ],
)
def test_attribute(metadata: Metadata, type_: str, name: str, expected: Attribute) -> None:
    found = metadata[type_].attributes[name]
    assert replace(found, description="") == expected
    assert found.description  # the server's text, without the data type note
    assert "Data type" not in found.description


def test_relationships(metadata: Metadata) -> None:
    users = metadata["users"]
    assert users.relationships == {
        "owner": Relationship(
            "owner", "businessunits", False, "The business unit that owns the user."
        ),
        "organization": Relationship(
            "organization",
            "organizations",
            False,
            "The organization the record belongs to. Defaults to the current organization.",
        ),
        "businessUnits": Relationship(
            "businessUnits", "businessunits", True, "The business units the user belongs to."
        ),
        "userRoles": Relationship("userRoles", "userroles", True, "The roles granted to the user."),
    }
    assert users.relationships["owner"].to_one
    assert not users.relationships["userRoles"].to_one


def test_sorting_meta_ids_and_routes(metadata: Metadata) -> None:
    users = metadata["users"]
    assert users.sortable == (
        "id",
        "username",
        "email",
        "firstName",
        "lastName",
        "birthday",
        "lastLogin",
        "loginCount",
        "createdAt",
        "updatedAt",
    )
    assert metadata["orders"].sortable is not None
    assert "status" in metadata["orders"].sortable  # a to-one association
    assert users.meta_properties == ("title",)
    assert users.max_page_size is None
    assert (users.id_type, metadata["contactsources"].id_type) == ("integer", "string")
    assert users.routes[:4] == (
        Route("get_list", "GET", "/api/users", None, "getUsers"),
        Route("create", "POST", "/api/users", None, "createUser"),
        Route("update_list", "PATCH", "/api/users", None, "batchUsers"),
        Route("delete_list", "DELETE", "/api/users", None, "deleteUsers"),
    )
    assert (
        Route(
            "add_relationship",
            "POST",
            "/api/users/{id}/relationships/userRoles",
            "userRoles",
            "addUserUserRolesRelationship",
        )
        in users.routes
    )
    assert metadata["contactsources"].actions == {"get", "get_list"}
    assert metadata["contactsources"].allows("get_list")
    assert not metadata["contactsources"].allows("create")


def test_the_whole_registry_is_recovered(metadata: Metadata, registry: Registry) -> None:
    """Every resource the server declares, as the document describes it, comes back."""
    # then the Batch API's operations and their errors (not resources of the registry)
    assert metadata.types == (
        *(r.type for r in registry),
        "asyncoperations",
        "asyncoperationerrors",
    )
    for resource in registry:
        found = metadata[resource.type]
        assert found.description == resource.description
        assert {a.name: a.data_type for a in found.attributes.values()} == {
            a.name: a.type.name for a in resource.attributes
        }
        assert {r.name: (r.target, r.many) for r in found.relationships.values()} == {
            r.name: (r.target, r.many) for r in resource.relationships
        }
        assert found.filters is not None
        expected = (
            {"id": resource.id_type.operators}
            | {a.name: a.operators for a in resource.attributes if a.operators}
            | {r.name: r.operators for r in resource.relationships if r.operators}
        )
        assert {name: f.operators for name, f in found.filters.items()} == expected
        assert found.sortable is not None
        assert set(found.sortable) == {
            name for name in ("id", *resource.field_names) if resource.sortable(name)
        }
        if "create" in found.actions:  # what a create must give, without the defaulted
            assert set(found.required) == {
                a.name for a in resource.attributes if a.writable and a.required
            } | {
                r.name
                for r in resource.relationships
                if r.writable and r.required and not r.default
            }
        # routes only exist for what the resource enables (association routes need one)
        assert found.actions <= resource.actions
        assert {"get", "get_list"} <= found.actions


def test_lookup_and_repr(metadata: Metadata) -> None:
    assert "users" in metadata and "usrs" not in metadata
    assert len(metadata) == len(list(metadata)) == 22  # 20 resources, the Batch API's 2
    with pytest.raises(KeyError, match="unknown resource type 'usrs'; types: organizations, "):
        metadata["usrs"]
    assert metadata.reachable("users") == ("users", "businessunits", "organizations", "userroles")
    assert metadata.reachable("weightunits") == ("weightunits",)
    assert repr(metadata).startswith("<Metadata 'Oro API Sandbox': 22 types: organizations, ")
    assert repr(metadata["contactsources"]) == (
        "<ResourceType contactsources: 3 attributes, 0 relationships, actions get, get_list>"
    )
    assert metadata["users"].fields[:2] == ("username", "email")
    assert metadata["users"].fields[-1] == "userRoles"


# --- data types from schemas that do not name them -------------------------------------------


@pytest.mark.parametrize(
    ("schema", "data_type"),
    [
        pytest.param({"type": "string"}, "string", id="string"),
        pytest.param({"type": ["string", "null"], "format": "date-time"}, "datetime", id="dt"),
        pytest.param({"type": "string", "format": "date"}, "date", id="date"),
        pytest.param({"type": "string", "format": "time"}, "time", id="time"),
        pytest.param({"type": "string", "format": "money"}, "money", id="money"),
        pytest.param({"type": "string", "format": "decimal"}, "decimal", id="decimal"),
        pytest.param({"type": "string", "format": "bigint"}, "bigint", id="bigint"),
        pytest.param({"type": "string", "format": "currency"}, "currency", id="currency"),
        pytest.param({"type": "string", "format": "uuid"}, "guid", id="uuid"),
        pytest.param({"type": "string", "format": "email"}, "string", id="other-format"),
        pytest.param({"type": ["string", "null"], "enum": ["a", None]}, "enum", id="enum"),
        pytest.param({"type": "integer"}, "integer", id="integer"),
        pytest.param({"type": "integer", "format": "duration"}, "duration", id="duration"),
        pytest.param({"type": "number"}, "float", id="number"),
        pytest.param({"type": "number", "format": "percent"}, "percent", id="percent"),
        pytest.param({"type": "boolean"}, "boolean", id="boolean"),
        pytest.param({"type": "array", "items": {}}, "array", id="array"),
        pytest.param({"type": "object"}, "json", id="object"),
        pytest.param({}, "json", id="anything"),
    ],
)
def test_infer_data_type(schema: dict[str, Any], data_type: str) -> None:
    assert infer_data_type(schema) == data_type
    assert data_type in DATA_TYPES


def test_kinds_are_the_frame_kinds() -> None:
    assert {row.kind for row in DATA_TYPES.values()} == {
        "string",
        "integer",
        "bigint",
        "boolean",
        "decimal",
        "float",
        "percent",
        "money",
        "datetime",
        "date",
        "time",
        "enum",
        "json",
    }


# --- a foreign document ----------------------------------------------------------------------

FOREIGN: dict[str, Any] = {
    "openapi": "3.0.3",
    "info": {"title": "Blog", "version": "2"},
    "paths": {
        "/v1/articles": {
            "parameters": [{"$ref": "#/components/parameters/sort"}],
            "get": {
                "parameters": [
                    {"name": "filter[title]", "in": "query", "schema": {"type": "string"}},
                    {"name": "filter[words][gt]", "in": "query", "schema": {"type": "string"}},
                    {"name": "filter[words]", "in": "query", "schema": {"type": "string"}},
                    {"name": "filter[author]", "in": "query", "schema": {"type": "string"}},
                    {"name": "page[size]", "in": "query", "schema": {"maximum": 50}},
                    {"name": "X-Trace", "in": "header", "schema": {"type": "string"}},
                ],
                "responses": {
                    "200": {
                        "description": "ok",
                        "content": {
                            "application/vnd.api+json": {
                                "schema": {
                                    "type": "object",
                                    "properties": {
                                        "data": {
                                            "type": "array",
                                            "items": {"$ref": "#/components/schemas/Article"},
                                        }
                                    },
                                }
                            }
                        },
                    },
                    "400": {"description": "bad"},
                },
            },
            "post": {"responses": {"201": {"description": "created"}}},
        },
        "/v1/articles/{articleId}": {
            "get": {
                "responses": {
                    "200": {
                        "$ref": "#/components/responses/OneArticle",
                    }
                }
            },
            "delete": {"responses": {"204": {"description": "gone"}}},
        },
        "/v1/articles/{articleId}/author": {"get": {"responses": {"200": {"description": "x"}}}},
        "/v1/articles/{articleId}/relationships/tags": {
            "post": {"responses": {"204": {"description": "x"}}}
        },
        "/v1/health": {"get": {"responses": {"200": {"description": "up"}}}},
    },
    "components": {
        "parameters": {
            "sort": {
                "name": "sort",
                "in": "query",
                "schema": {"type": "array", "items": {"enum": ["title", "-title", "words"]}},
            }
        },
        "responses": {
            "OneArticle": {
                "description": "one",
                "content": {
                    "application/json": {
                        "schema": {
                            "properties": {
                                "data": {
                                    "oneOf": [
                                        {"$ref": "#/components/schemas/Article"},
                                        {"type": "null"},
                                    ]
                                }
                            }
                        }
                    }
                },
            }
        },
        "schemas": {
            "Article": {
                "type": "object",
                "properties": {
                    "type": {"type": "string", "enum": ["articles"]},
                    "id": {"type": "string", "format": "uuid"},
                    "attributes": {
                        "type": "object",
                        "properties": {
                            "title": {"type": "string", "description": "The title."},
                            "words": {"type": "integer", "readOnly": True},
                            "published": {"type": "string", "format": "date-time"},
                            "rating": {"type": "number", "nullable": True},
                            "state": {"type": "string", "enum": ["draft", "live"]},
                            "extra": {"type": "object"},
                        },
                    },
                    "relationships": {
                        "type": "object",
                        "properties": {
                            "author": {
                                "properties": {
                                    "data": {
                                        "anyOf": [
                                            {"$ref": "#/components/schemas/PersonId"},
                                            {"type": "null"},
                                        ]
                                    }
                                }
                            },
                            "tags": {
                                "properties": {
                                    "data": {"type": "array", "items": {"properties": {}}}
                                }
                            },
                        },
                    },
                },
            },
            "PersonId": {
                "type": "object",
                "properties": {"type": {"enum": ["people"]}, "id": {"type": "integer"}},
            },
            "Person": {
                "type": "object",
                "properties": {
                    "type": {"enum": ["people"]},
                    "id": {"type": "integer"},
                    "attributes": {"properties": {"name": {"type": "string"}}},
                },
            },
        },
    },
}


def test_foreign_document() -> None:
    metadata = Metadata.from_openapi(FOREIGN)
    assert (metadata.title, metadata.version, metadata.types) == (
        "Blog",
        "2",
        ("articles", "people"),
    )
    articles = metadata["articles"]
    assert articles.id_type == "string"
    assert {a.name: (a.data_type, a.kind) for a in articles.attributes.values()} == {
        "title": ("string", "string"),
        "words": ("integer", "integer"),
        "published": ("datetime", "datetime"),
        "rating": ("float", "float"),
        "state": ("enum", "enum"),
        "extra": ("json", "json"),
    }
    assert articles.attributes["words"].read_only
    assert articles.attributes["state"].enum == ("draft", "live")
    assert articles.relationships == {
        "author": Relationship("author", "people", False),
        "tags": Relationship("tags", None, True),
    }
    assert articles.filters == {
        "title": FieldFilter("title", ("eq",), "string", False, False),
        "words": FieldFilter("words", ("gt", "eq"), "integer", True, True),
        "author": FieldFilter("author", ("eq",), "integer", True, True),
    }
    assert articles.sortable == ("title", "words")
    assert articles.meta_properties is None
    assert articles.max_page_size == 50
    assert articles.routes == (
        Route("get_list", "GET", "/v1/articles"),
        Route("create", "POST", "/v1/articles"),
        Route("get", "GET", "/v1/articles/{articleId}"),
        Route("delete", "DELETE", "/v1/articles/{articleId}"),
        Route("get_subresource", "GET", "/v1/articles/{articleId}/author", "author"),
        Route("add_relationship", "POST", "/v1/articles/{articleId}/relationships/tags", "tags"),
    )
    people = metadata["people"]  # only in components/schemas: nothing known about its lists
    assert (people.id_type, people.filters, people.sortable, people.routes) == (
        "integer",
        None,
        None,
        (),
    )
    assert metadata.attribute_types("people") == {"name": "string"}


def test_empty_and_odd_documents() -> None:
    assert len(Metadata.from_openapi({"openapi": "3.1.0", "paths": {}})) == 0
    odd = {
        "openapi": "3.1.0",
        "paths": {"/x": {"get": {"responses": {"200": {"$ref": "https://elsewhere/r"}}}}},
        "components": {"schemas": {"Loop": {"$ref": "#/components/schemas/Loop"}}},
    }
    assert len(Metadata.from_openapi(odd)) == 0


def test_resource_type_defaults() -> None:
    bare = ResourceType("things")
    assert (bare.fields, bare.actions, bare.attribute_types()) == ((), frozenset(), {})
    assert repr(bare) == "<ResourceType things: 0 attributes, 0 relationships, actions unknown>"


# --- fetching --------------------------------------------------------------------------------


def test_fetch_from_live_server(api_url: str, metadata: Metadata) -> None:
    seen: list[Any] = []
    with ApiClient(api_url, on_exchange=seen.append) as client:
        fetched = Metadata.fetch(client)
    assert fetched == metadata
    assert seen[0].request.url == f"{api_url}/doc/openapi.json"
    assert seen[0].request.headers["Accept"] == "application/json"


def mock_client(status: int, body: bytes, content_type: str = "application/json") -> ApiClient:
    def answer(request: httpx.Request) -> httpx.Response:
        return httpx.Response(status, content=body, headers={"Content-Type": content_type})

    return ApiClient(
        "http://oro.test/admin/api", http=httpx.Client(transport=httpx.MockTransport(answer))
    )


@pytest.mark.parametrize(
    ("status", "body"),
    [
        pytest.param(404, b'{"errors": [{"status": "404", "title": "not found"}]}', id="404"),
        pytest.param(200, b"<html>sandbox</html>", id="html"),
        pytest.param(200, b'{"data": []}', id="not-openapi"),
        pytest.param(200, b'{"swagger": "2.0", "paths": {}}', id="swagger-2"),
        pytest.param(401, b"", id="401"),
    ],
)
def test_fetch_without_a_document(status: int, body: bytes) -> None:
    with mock_client(status, body) as client:
        assert Metadata.fetch(client) is None


def test_fetch_elsewhere() -> None:
    import orjson

    with mock_client(200, orjson.dumps(FOREIGN)) as client:
        fetched = Metadata.fetch(client, "https://docs.test/openapi.json")
    assert fetched is not None and fetched.types == ("articles", "people")
