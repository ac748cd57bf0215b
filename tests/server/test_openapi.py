"""The OpenAPI document: valid 3.1, and a faithful picture of the metadata it is generated from."""

from __future__ import annotations

import json
from typing import Any

import jsonschema_rs
import pytest
import yaml
from openapi_spec_validator import validate

from server.domain.resources import build_registry
from server.openapi import build_openapi, to_yaml

JSON_API = "application/vnd.api+json"
JSON = "application/json"
METHODS = ("get", "post", "patch", "delete")
REGISTRY = build_registry()
DOCUMENT = build_openapi(REGISTRY)


def operations(document: dict[str, Any]) -> dict[tuple[str, str], dict[str, Any]]:
    return {
        (method.upper(), path): operation
        for path, item in document["paths"].items()
        for method, operation in item.items()
        if method in METHODS
    }


def resolve(document: dict[str, Any], node: dict[str, Any]) -> dict[str, Any]:
    while "$ref" in node:
        *_, section, name = node["$ref"].split("/")
        node = document["components"][section][name]
    return node


def parameters(method: str, path: str, document: dict[str, Any] = DOCUMENT) -> dict[str, Any]:
    """The parameters of an operation, path-level ones included, by name."""
    item = document["paths"][path]
    found = item.get("parameters", []) + item[method.lower()].get("parameters", [])
    return {p["name"]: p for p in (resolve(document, p) for p in found)}


def schema_validator(name: str, document: dict[str, Any] = DOCUMENT) -> Any:
    schema = {"$ref": f"#/components/schemas/{name}", "components": document["components"]}
    return jsonschema_rs.validator_for(schema, validate_formats=True)


# --- the document as a whole -----------------------------------------------------------------


@pytest.mark.parametrize(
    "entities", [pytest.param(None, id="all"), pytest.param(["accounts"], id="accounts")]
)
def test_document_is_valid_openapi_3_1(entities: list[str] | None) -> None:
    document = build_openapi(REGISTRY, entities=entities)
    assert document["openapi"] == "3.1.0"
    validate(document)


def test_info_servers_and_tags() -> None:
    document = build_openapi(
        REGISTRY, title="My API", server_url="https://example.com/", version="9.9"
    )
    assert document["info"]["title"] == "My API"
    assert document["info"]["version"] == "9.9"
    assert "generated from the same resource metadata" in document["info"]["description"]
    assert document["servers"] == [{"url": "https://example.com"}]
    # the Batch API's operations follow the resources that take batches, then search
    assert [tag["name"] for tag in document["tags"]] == [r.type for r in REGISTRY] + [
        "asyncoperations",
        "search",
    ]
    assert "servers" not in DOCUMENT


def test_security_schemes_are_oauth2_and_wsse() -> None:
    schemes = DOCUMENT["components"]["securitySchemes"]
    assert sorted(schemes) == ["oauth2", "wsse"]
    flows = schemes["oauth2"]["flows"]
    assert sorted(flows) == ["authorizationCode", "clientCredentials", "password"]
    assert {flow["tokenUrl"] for flow in flows.values()} == {"/oauth2-token"}
    assert flows["authorizationCode"]["authorizationUrl"] == "/oauth2-token/authorize"
    assert schemes["wsse"] == schemes["wsse"] | {"type": "apiKey", "in": "header", "name": "X-WSSE"}
    assert DOCUMENT["security"] == [{"oauth2": []}, {"wsse": []}]  # either one


def test_yaml_round_trips() -> None:
    text = to_yaml(DOCUMENT)
    assert text.startswith("openapi: 3.1.0\ninfo:\n")  # document order, not sorted
    assert yaml.safe_load(text) == DOCUMENT


def test_operation_ids_are_unique() -> None:
    ids = [op["operationId"] for op in operations(DOCUMENT).values()]
    assert len(ids) == len(set(ids))


def test_request_bodies_are_json_api_and_responses_also_plain_json() -> None:
    """Writes take JSON:API only; reads and errors also answer plain REST requests
    (``application/json``), success documents and Oro's plain error array alike. Oro's legacy
    REST search answers plain JSON only."""
    for (method, path), operation in operations(DOCUMENT).items():
        if "/rest/" in path:
            assert list(operation["responses"]["200"]["content"]) == [JSON], path
            continue
        if "requestBody" in operation:
            assert list(operation["requestBody"]["content"]) == [JSON_API], (method, path)
        for status, response in operation["responses"].items():
            content = resolve(DOCUMENT, response).get("content")
            if content is None:
                continue
            # reads answer plain REST requests too, but for the Batch API's operations
            operations_read = path.startswith("/api/asyncoperations/") and status < "400"
            plain = (method == "GET" and not operations_read) or status >= "400"
            expected = [JSON_API, JSON] if plain else [JSON_API]
            assert list(content) == expected, (method, path, status)
    errors = DOCUMENT["components"]["responses"]["BadRequest"]["content"]
    assert errors[JSON]["schema"] == {"$ref": "#/components/schemas/PlainErrors"}


# --- restricting to entities -----------------------------------------------------------------


def test_entities_restricts_paths_and_tags() -> None:
    document = build_openapi(REGISTRY, entities=["accounts"])
    # accounts take batches: the operations they start are described too
    assert {path.split("/")[2] for path in document["paths"]} == {"accounts", "asyncoperations"}
    assert [tag["name"] for tag in document["tags"]] == ["accounts", "asyncoperations"]
    # related resources are still described: they can appear in `included`
    assert {"Account", "Contact", "User", "Organization"} <= set(document["components"]["schemas"])
    assert "Order" not in document["components"]["schemas"]


def test_operation_ids_do_not_depend_on_entities() -> None:
    restricted = build_openapi(REGISTRY, entities=["orders"])
    full = operations(DOCUMENT)
    for key, operation in operations(restricted).items():
        assert operation["operationId"] == full[key]["operationId"]


def test_unknown_entity_is_named() -> None:
    with pytest.raises(ValueError, match=r"^Unknown entity type: nope\.$"):
        build_openapi(REGISTRY, entities=["accounts", "nope"])


# --- routes per resource, action and relationship --------------------------------------------


@pytest.mark.parametrize(
    ("method", "path", "operation_id"),
    [
        ("GET", "/api/accounts", "getAccounts"),
        ("POST", "/api/accounts", "createAccount"),
        ("DELETE", "/api/accounts", "deleteAccounts"),
        ("GET", "/api/accounts/{id}", "getAccount"),
        ("PATCH", "/api/accounts/{id}", "updateAccount"),
        ("DELETE", "/api/accounts/{id}", "deleteAccount"),
        ("GET", "/api/accounts/{id}/contacts", "getAccountContacts"),
        ("GET", "/api/accounts/{id}/relationships/contacts", "getAccountContactsRelationship"),
        ("PATCH", "/api/accounts/{id}/relationships/contacts", "updateAccountContactsRelationship"),
        ("POST", "/api/accounts/{id}/relationships/contacts", "addAccountContactsRelationship"),
        (
            "DELETE",
            "/api/accounts/{id}/relationships/contacts",
            "deleteAccountContactsRelationship",
        ),
        ("GET", "/api/accounts/{id}/owner", "getAccountOwner"),
        ("PATCH", "/api/accounts/{id}/relationships/owner", "updateAccountOwnerRelationship"),
        ("GET", "/api/businessunits", "getBusinessUnits"),
        ("GET", "/api/countries", "getCountries"),
        ("GET", "/api/countries/{id}", "getCountry"),
        ("GET", "/api/countries/{id}/regions", "getCountryRegions"),
        (
            "GET",
            "/api/organizations/{id}/relationships/businessUnits",
            "getOrganizationBusinessUnitsRelationship",
        ),
        # would clash with the list of orderlineitems and the item of contactsources
        ("GET", "/api/orders/{id}/lineItems", "getOrderLineItemsSubresource"),
        ("GET", "/api/contacts/{id}/source", "getContactSourceSubresource"),
    ],
)
def test_route_is_documented(method: str, path: str, operation_id: str) -> None:
    operation = operations(DOCUMENT)[method, path]
    assert operation["operationId"] == operation_id
    assert operation["tags"] == [path.split("/")[2]]


@pytest.mark.parametrize(
    ("method", "path"),
    [
        pytest.param("POST", "/api/countries", id="read-only resource: create"),
        pytest.param("DELETE", "/api/countries", id="read-only resource: delete list"),
        pytest.param("PATCH", "/api/countries/{id}", id="read-only resource: update"),
        pytest.param("DELETE", "/api/countries/{id}", id="read-only resource: delete"),
        pytest.param("POST", "/api/accounts/{id}/relationships/owner", id="to-one: add"),
        pytest.param("DELETE", "/api/accounts/{id}/relationships/owner", id="to-one: remove"),
        pytest.param(
            "PATCH",
            "/api/organizations/{id}/relationships/businessUnits",
            id="read-only relationship",
        ),
        pytest.param(
            "POST", "/api/customers/{id}/relationships/orders", id="read-only to-many: add"
        ),
        pytest.param("PATCH", "/api/accounts/{id}/contacts", id="no subresource writes"),
        pytest.param("PUT", "/api/accounts/{id}", id="no PUT"),
    ],
)
def test_route_is_not_documented(method: str, path: str) -> None:
    assert (method, path) not in operations(DOCUMENT)


def expected_routes() -> set[tuple[str, str]]:
    """The routes the metadata enables, worked out independently of the generator."""
    routes = set()
    for r in REGISTRY:
        base = f"/api/{r.type}"
        for action, method, path in [
            ("get_list", "GET", base),
            ("create", "POST", base),
            ("delete_list", "DELETE", base),
            ("update_list", "PATCH", base),
            ("get", "GET", base + "/{id}"),
            ("update", "PATCH", base + "/{id}"),
            ("delete", "DELETE", base + "/{id}"),
        ]:
            if r.allows(action):
                routes.add((method, path))
        for rel in r.relationships:
            related, linkage = (
                f"{base}/{{id}}/{rel.name}",
                f"{base}/{{id}}/relationships/{rel.name}",
            )
            if r.allows("get_subresource"):
                routes.add(("GET", related))
            if r.allows("get_relationship"):
                routes.add(("GET", linkage))
            writes = [("update_relationship", "PATCH")]
            writes += [("add_relationship", "POST"), ("delete_relationship", "DELETE")] * rel.many
            routes |= {(m, linkage) for a, m in writes if r.allows(a) and rel.writable}
    if any(r.allows("update_list") for r in REGISTRY):  # the Batch API's operations
        routes |= {
            ("GET", "/api/asyncoperations/{id}"),
            ("GET", "/api/asyncoperations/{id}/errors"),
        }
    routes |= {  # the search resources (no table of their own) and Oro's legacy search
        ("GET", "/api/search"),
        ("GET", "/api/searchentities"),
        ("GET", "/api/searchentities/{id}"),
        ("GET", "/api/rest/latest/search"),
        ("GET", "/api/rest/latest/search/advanced"),
    }
    return routes


def test_routes_match_metadata_exactly() -> None:
    assert set(operations(DOCUMENT)) == expected_routes()


# --- parameters ------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("path", "name", "present"),
    [
        ("/api/users", "filter[id]", True),
        ("/api/users", "filter[id][gt]", True),
        ("/api/users", "filter[id][neq_or_null]", True),
        ("/api/users", "filter[username]", True),
        ("/api/users", "filter[username][neq]", True),
        ("/api/users", "filter[username][gt]", False),
        ("/api/users", "filter[birthday][lte]", True),
        ("/api/users", "filter[owner]", True),
        ("/api/users", "filter[userRoles][exists]", True),
        ("/api/users", "filter[owner][gt]", False),
        ("/api/accounts", "filter[description][exists]", True),
        ("/api/accounts", "filter[description]", False),
        ("/api/accounts", "filter[description][neq]", False),
        ("/api/products", "filter[sku][starts_with]", True),
        ("/api/products", "filter[name][ends_with]", True),
        ("/api/products", "filter[sku][ends_with]", False),
        ("/api/products", "filter[tags]", False),
        ("/api/products", "filter[tags][exists]", False),
        ("/api/countries", "filter[id][gt]", False),  # string ids
        ("/api/users", "fields[users]", True),
        ("/api/users", "fields[businessunits]", True),
        ("/api/users", "fields[userroles]", True),
        ("/api/users", "fields[accounts]", False),
        ("/api/users", "include", True),
        ("/api/users", "page[number]", True),
        ("/api/users", "page[size]", True),
        ("/api/users", "sort", True),
        ("/api/users", "meta", True),
        ("/api/users", "X-Include", True),
        ("/api/weightunits", "include", False),  # no relationships
    ],
)
def test_list_parameters(path: str, name: str, present: bool) -> None:
    assert (name in parameters("GET", path)) is present


def test_text_fields_only_filter_by_existence() -> None:
    names = parameters("GET", "/api/contacts")
    assert [n for n in names if n.startswith("filter[description]")] == [
        "filter[description][exists]"
    ]
    assert names["filter[description][exists]"]["schema"] == {"type": "boolean"}


@pytest.mark.parametrize(
    ("name", "lists", "ranges"),
    [
        ("filter[id]", True, True),
        ("filter[username]", False, False),
        ("filter[birthday]", True, True),
        ("filter[enabled]", False, False),
        ("filter[owner]", True, True),  # the id of the related business unit
    ],
)
def test_filter_descriptions_say_lists_and_ranges(name: str, lists: bool, ranges: bool) -> None:
    description = parameters("GET", "/api/users")[name]["description"]
    assert ("Lists `a,b`" in description) is lists
    assert ("Ranges `from..to`" in description) is ranges


def test_sort_include_page_and_meta_are_described() -> None:
    params = parameters("GET", "/api/users")
    sort = params["sort"]
    assert (sort["style"], sort["explode"]) == ("form", False)
    assert "`username`" in sort["description"]
    assert "`phone`" not in sort["description"]  # not sortable
    assert "Default: `id`" in sort["description"]
    assert "`userRoles`" in params["include"]["description"]
    assert "`-1`" in params["page[size]"]["description"]
    assert params["page[size]"]["schema"] == {"type": "integer", "minimum": -1}
    assert params["meta"]["schema"] == {"type": "string", "enum": ["title"]}
    assert "totalCount" in params["X-Include"]["description"]
    assert params["X-Include"]["in"] == "header"


@pytest.mark.parametrize(
    ("path", "schema"),
    [
        ("/api/accounts/{id}", {"type": "integer", "minimum": 1}),
        ("/api/countries/{id}", {"type": "string"}),
        ("/api/accounts/{id}/relationships/contacts", {"type": "integer", "minimum": 1}),
    ],
)
def test_path_id_follows_the_id_type(path: str, schema: dict[str, Any]) -> None:
    param = parameters("GET", path)["id"]
    assert (param["in"], param["required"], param["schema"]) == ("path", True, schema)


def test_item_operations_shape_the_response() -> None:
    for method in ("GET", "PATCH"):
        names = set(parameters(method, "/api/accounts/{id}"))
        assert {"fields[accounts]", "include", "meta"} <= names
        assert not any(name.startswith(("filter[", "page[")) for name in names)


def test_delete_list_takes_filters_only() -> None:
    names = set(parameters("DELETE", "/api/accounts"))
    assert "filter[name]" in names
    assert "X-Include" in names
    assert not names & {"include", "sort", "page[size]", "fields[accounts]"}


def test_to_many_related_lists_take_the_target_filters() -> None:
    names = set(parameters("GET", "/api/accounts/{id}/contacts"))
    assert {"filter[lastName]", "sort", "page[size]", "fields[contacts]"} <= names
    names = set(parameters("GET", "/api/accounts/{id}/relationships/contacts"))
    assert {"filter[lastName]", "sort", "page[size]"} <= names
    assert "include" not in names


# --- responses -------------------------------------------------------------------------------

READ = {"400", "401", "403", "404", "405", "406", "500"}
WRITE = READ | {"409", "415"}


@pytest.mark.parametrize(
    ("method", "path", "codes"),
    [
        ("GET", "/api/accounts", READ | {"200"}),
        ("POST", "/api/accounts", WRITE | {"201"}),
        ("DELETE", "/api/accounts", WRITE | {"204"}),
        ("GET", "/api/accounts/{id}", READ | {"200"}),
        ("PATCH", "/api/accounts/{id}", WRITE | {"200"}),
        ("DELETE", "/api/accounts/{id}", WRITE | {"204"}),
        ("GET", "/api/accounts/{id}/owner", READ | {"200"}),
        ("PATCH", "/api/accounts/{id}/relationships/owner", WRITE | {"204"}),
        ("POST", "/api/accounts/{id}/relationships/contacts", WRITE | {"204"}),
    ],
)
def test_status_codes(method: str, path: str, codes: set[str]) -> None:
    assert set(operations(DOCUMENT)[method, path]["responses"]) == codes


def response(method: str, path: str, status: str) -> dict[str, Any]:
    return resolve(DOCUMENT, operations(DOCUMENT)[method, path]["responses"][status])


def test_success_headers() -> None:
    assert "Location" in response("POST", "/api/accounts", "201")["headers"]
    assert "X-Include-Total-Count" in response("GET", "/api/accounts", "200")["headers"]
    assert (
        "X-Include-Total-Count" in response("GET", "/api/accounts/{id}/contacts", "200")["headers"]
    )
    deleted = response("DELETE", "/api/accounts", "204")
    assert "X-Include-Deleted-Count" in deleted["headers"]
    assert "content" not in deleted


@pytest.mark.parametrize(("status", "header"), [("401", "WWW-Authenticate"), ("405", "Allow")])
def test_401_and_405_have_no_body(status: str, header: str) -> None:
    error = response("GET", "/api/accounts", status)
    assert "content" not in error
    assert header in error["headers"]


def test_errors_share_one_schema() -> None:
    error = response("PATCH", "/api/accounts/{id}", "409")
    assert error["content"][JSON_API]["schema"] == {"$ref": "#/components/schemas/Errors"}


@pytest.mark.parametrize(
    ("method", "path", "schema"),
    [
        ("GET", "/api/accounts", "AccountCollection"),
        ("POST", "/api/accounts", "AccountDocument"),
        ("GET", "/api/accounts/{id}", "AccountDocument"),
        ("GET", "/api/accounts/{id}/owner", "UserOptionalDocument"),
        ("GET", "/api/accounts/{id}/contacts", "ContactCollection"),
        ("GET", "/api/accounts/{id}/relationships/owner", "UserIdentifierDocument"),
        ("GET", "/api/accounts/{id}/relationships/contacts", "ContactIdentifierCollection"),
    ],
)
def test_response_documents(method: str, path: str, schema: str) -> None:
    status = "201" if method == "POST" else "200"
    content = response(method, path, status)["content"][JSON_API]
    assert content["schema"] == {"$ref": f"#/components/schemas/{schema}"}


# --- schemas ---------------------------------------------------------------------------------

SCHEMAS = DOCUMENT["components"]["schemas"]


def test_resource_object() -> None:
    account = SCHEMAS["Account"]
    assert account["required"] == ["type", "id"]
    assert account["properties"]["type"] == {"type": "string", "enum": ["accounts"]}
    attributes = account["properties"]["attributes"]["properties"]
    assert attributes["name"]["type"] == ["string", "null"]
    assert attributes["createdAt"]["readOnly"] is True
    relationships = account["properties"]["relationships"]["properties"]
    assert relationships["owner"]["properties"]["data"] == {
        "anyOf": [{"$ref": "#/components/schemas/UserIdentifier"}, {"type": "null"}]
    }
    assert relationships["contacts"]["properties"]["data"] == {
        "type": "array",
        "items": {"$ref": "#/components/schemas/ContactIdentifier"},
    }


def test_enum_attributes_allow_null() -> None:
    gender = SCHEMAS["Contact"]["properties"]["attributes"]["properties"]["gender"]
    assert gender["type"] == ["string", "null"]
    assert gender["enum"] == ["male", "female", None]


def test_create_request_has_writable_fields_only() -> None:
    data = SCHEMAS["UserCreateRequest"]["properties"]["data"]
    attributes = data["properties"]["attributes"]
    assert attributes["properties"]["lastLogin"]["readOnly"] is True  # accepted and ignored
    assert attributes["properties"]["lastLogin"]["description"] == (
        "When the user last logged in. The read-only field. A passed value will be ignored."
    )
    assert "createdAt" not in attributes["properties"]  # set by the server
    assert set(attributes["required"]) == {"username", "email", "firstName", "lastName"}
    assert attributes["properties"]["username"]["type"] == "string"  # required: not null
    assert attributes["properties"]["title"]["type"] == ["string", "null"]
    assert attributes["additionalProperties"] is False
    assert data["required"] == ["type", "attributes"]
    assert "required" not in data["properties"]["relationships"]  # owner defaults to the caller


def test_fields_oro_ignores_on_update_only_are_writable_on_create() -> None:
    """OroCRM's contacting-activity fields: mapped on create, unmapped on update."""
    create = SCHEMAS["ContactCreateRequest"]["properties"]["data"]["properties"]["attributes"]
    update = SCHEMAS["ContactUpdateRequest"]["properties"]["data"]["properties"]["attributes"]
    assert "readOnly" not in create["properties"]["timesContacted"]
    assert update["properties"]["timesContacted"]["readOnly"] is True
    output = SCHEMAS["Contact"]["properties"]["attributes"]["properties"]["timesContacted"]
    assert output["readOnly"] is True
    assert output["description"] == (
        "How many times the contact was contacted. The read-only field. A passed value will be"
        " ignored on update. Data type: `integer`."
    )
    role = SCHEMAS["UserRole"]["properties"]["attributes"]["properties"]["role"]
    assert role["description"] == (
        "The role code, e.g. ROLE_ADMINISTRATOR. Read-only: a value in a request is rejected as"
        " an extra field. Data type: `string`."
    )


def test_create_request_requires_relationships_without_default() -> None:
    data = SCHEMAS["OrderCreateRequest"]["properties"]["data"]
    assert data["properties"]["relationships"]["required"] == ["customer"]
    assert "lineItems" not in data["properties"]["relationships"]["properties"]  # read-only


def test_update_request_requires_the_id_only() -> None:
    data = SCHEMAS["UserUpdateRequest"]["properties"]["data"]
    assert data["required"] == ["type", "id"]
    assert "required" not in data["properties"]["attributes"]


def test_relationship_request_bodies() -> None:
    def body(method: str, path: str) -> dict[str, Any]:
        operation = operations(DOCUMENT)[method, path]
        return operation["requestBody"]["content"][JSON_API]["schema"]

    assert body("PATCH", "/api/accounts/{id}/relationships/owner") == {
        "$ref": "#/components/schemas/UserRequiredLinkage"
    }
    assert body("PATCH", "/api/accounts/{id}/relationships/defaultContact") == {
        "$ref": "#/components/schemas/ContactLinkage"
    }
    assert body("POST", "/api/accounts/{id}/relationships/contacts") == {
        "$ref": "#/components/schemas/ContactLinkages"
    }


# Documents from the reference (§1, §9.1, §11.2) checked against the generated schemas.
VALID = [
    (
        "UserDocument",
        {
            "data": {
                "type": "users",
                "id": "1",
                "attributes": {
                    "title": None,
                    "email": "admin@local.com",
                    "firstName": "John",
                    "enabled": True,
                    "lastLogin": "2016-09-19T11:01:31Z",
                },
                "relationships": {
                    "owner": {"data": {"type": "businessunits", "id": "1"}},
                    "businessUnits": {"data": [{"type": "businessunits", "id": "1"}]},
                },
            }
        },
    ),
    (
        "UserCollection",
        {
            "data": [
                {"type": "users", "id": "6", "attributes": {"username": "jimmy", "email": "j@x"}},
                {"type": "users", "id": "7", "meta": {"title": "Gene Cardenas"}},
            ],
            "links": {
                "self": "http://host/api/users",
                "next": "http://host/api/users?page%5Bnumber%5D=2",
            },
        },
    ),
    (
        "Errors",
        {
            "errors": [
                {
                    "status": "400",
                    "title": "filter constraint",
                    "detail": 'Expected integer value. Given "aaa".',
                    "source": {"parameter": "filter[id]"},
                }
            ]
        },
    ),
]
INVALID = [
    ("UserDocument", {"data": {"type": "accounts", "id": "1"}}),
    ("UserDocument", {"data": {"type": "users", "id": 1}}),
    ("UserDocument", {"data": {"type": "users", "id": "1", "attributes": {"nope": 1}}}),
    ("UserDocument", {"data": {"type": "users", "id": "1", "attributes": {"enabled": "yes"}}}),
    ("Errors", {"errors": [{"status": 400, "title": "filter constraint"}]}),
    ("Errors", {"errors": [{"status": "400", "title": "x", "id": "1"}]}),
    ("Errors", {"errors": []}),
]


@pytest.mark.parametrize(("name", "instance"), VALID)
def test_reference_documents_match(name: str, instance: dict[str, Any]) -> None:
    schema_validator(name).validate(instance)


@pytest.mark.parametrize(("name", "instance"), INVALID)
def test_wrong_documents_do_not_match(name: str, instance: dict[str, Any]) -> None:
    assert not schema_validator(name).is_valid(instance)


# --- what requests the server refuses, and examples ------------------------------------------


def validator(schema: dict[str, Any]) -> Any:
    """A validator of ``schema``; the document's components only where it refers to them."""
    if "$ref" in json.dumps(schema):
        schema = {**schema, "components": DOCUMENT["components"]}
    return jsonschema_rs.validator_for(schema, validate_formats=True)


@pytest.mark.parametrize(
    ("schema", "body", "valid"),
    [
        pytest.param("AccountUpdateRequest", {"data": {"type": "accounts", "id": "1"}}, True,
                     id="no-attributes"),
        pytest.param("AccountUpdateRequest",
                     {"data": {"type": "accounts", "id": "1", "attributes": {}}}, False,
                     id="empty-attributes"),
        pytest.param("AccountUpdateRequest",
                     {"data": {"type": "accounts", "id": "1", "relationships": {}}}, False,
                     id="empty-relationships"),
        pytest.param("AccountCreateRequest",
                     {"data": {"type": "accounts", "id": " ", "attributes": {"name": "A"}}}, False,
                     id="blank-create-id"),
        pytest.param("AccountCreateRequest",
                     {"data": {"type": "accounts", "id": "x", "attributes": {"name": "A"}}}, True,
                     id="ignored-create-id"),
    ],
)  # fmt: skip
def test_request_schemas_declare_what_the_server_enforces(
    schema: str, body: dict[str, Any], valid: bool
) -> None:
    assert schema_validator(schema).is_valid(body) is valid


@pytest.mark.parametrize(
    ("name", "value", "valid"),
    [
        pytest.param("filter[id]", "5", True, id="id"),
        pytest.param("filter[id]", "5,7", True, id="id-list"),
        pytest.param("filter[id]", "5..7", True, id="id-range"),
        pytest.param("filter[id]", "abc", False, id="id-not-a-number"),
        pytest.param("filter[id]", "", False, id="id-empty"),
        pytest.param("filter[id][gt]", "5,7", False, id="gt-takes-one"),
        pytest.param("filter[contacts][contains]", "601,602", True, id="to-many-contains-list"),
        pytest.param("filter[contacts][contains]", "1..2", False, id="to-many-contains-no-range"),
        pytest.param("filter[owner]", "1,2", True, id="to-one-list"),
        pytest.param("filter[name]", "a,b", True, id="string-free-text"),
        pytest.param("include", ["owner"], True, id="include"),
        pytest.param("include", [], False, id="include-empty"),
        pytest.param("include", [" "], False, id="include-blank-name"),
        pytest.param("include", ["a,b"], False, id="include-comma-in-a-name"),
        pytest.param("sort", ["-id"], True, id="sort"),
        pytest.param("sort", [], False, id="sort-empty"),
        pytest.param("fields[accounts]", [], True, id="fields-empty-means-ids-only"),
        pytest.param("fields[accounts]", [""], False, id="fields-empty-name"),
        pytest.param("fields[accounts]", [" name"], True, id="fields-name-not-trimmed"),
    ],
)
def test_query_parameter_schemas(name: str, value: Any, valid: bool) -> None:
    schema = parameters("GET", "/api/accounts")[name]["schema"]
    assert validator(schema).is_valid(value) is valid


def test_every_parameter_has_an_example_its_schema_accepts() -> None:
    for method, path in operations(DOCUMENT):
        for name, parameter in parameters(method, path).items():
            assert "example" in parameter, (method, path, name)
            assert validator(parameter["schema"]).is_valid(parameter["example"]), (path, name)


def test_every_write_has_an_example_body_its_schema_accepts() -> None:
    writes = 0
    for (method, path), operation in operations(DOCUMENT).items():
        if method in ("POST", "PATCH") or "requestBody" in operation:
            media = operation["requestBody"]["content"][JSON_API]
            assert validator(media["schema"]).is_valid(media["example"]), (method, path)
            writes += 1
    assert writes > 50


def test_example_bodies_name_seeded_records() -> None:
    """No invented ids: Postman's "Create account" once failed with "The entity does not exist"."""
    create = operations(DOCUMENT)["POST", "/api/accounts"]["requestBody"]["content"][JSON_API]
    assert create["example"] == {
        "data": {
            "type": "accounts",
            "attributes": {"name": "Example name"},
            "relationships": {
                "owner": {"data": {"type": "users", "id": "2"}},
                "organization": {"data": {"type": "organizations", "id": "1"}},
            },
        }
    }
    delete = parameters("DELETE", "/api/accounts/{id}")["id"]
    assert (delete["example"], parameters("GET", "/api/accounts/{id}")["id"]["example"]) == (299, 1)


@pytest.mark.parametrize(
    ("name", "instance", "valid"),
    [
        pytest.param("AccountPlain", {"id": 1}, False, id="every-field-is-there"),
        pytest.param("PlainErrors", [{"title": "filter constraint", "source": "filter[id]"}],
                     True, id="plain-errors"),
        pytest.param("PlainErrors", {"errors": [{"title": "t"}]}, False, id="not-a-document"),
        pytest.param("PlainErrors", [{"title": "t", "source": {"parameter": "p"}}], False,
                     id="source-is-a-string"),
    ],
)  # fmt: skip
def test_plain_schemas(name: str, instance: Any, valid: bool) -> None:
    assert schema_validator(name).is_valid(instance) is valid


# --- upsert, validate and included (reference §12-§14) -----------------------------------------


@pytest.mark.parametrize(
    ("schema", "options"),
    [
        pytest.param("ProductCreateRequest", {"upsert", "validate"}, id="product-create"),
        pytest.param("ProductUpdateRequest", {"validate"}, id="product-update-no-upsert-by-id"),
        pytest.param("WeightUnitUpdateRequest", {"upsert", "validate"}, id="weight-unit-update"),
        pytest.param("TaskCreateRequest", set(), id="task-neither"),
        pytest.param("BusinessUnitCreateRequest", set(), id="business-unit-upsert-disabled"),
    ],
)
def test_request_meta_names_the_options_the_resource_supports(
    schema: str, options: set[str]
) -> None:
    data = SCHEMAS[schema]["properties"]["data"]["properties"]
    assert set(data.get("meta", {}).get("properties", {})) == options


@pytest.mark.parametrize(
    ("schema", "by_id", "field_sets"),
    [
        pytest.param("UserCreateRequest", False, [["username"], ["email"]], id="users-by-fields"),
        pytest.param("ProductCreateRequest", False, [["sku"]], id="products-by-sku"),
        pytest.param("WeightUnitCreateRequest", True, [], id="weight-units-by-id"),
        pytest.param("WeightUnitUpdateRequest", True, [], id="weight-units-patch-by-id"),
        pytest.param("TaxJurisdictionCreateRequest", False, [["code"]], id="tax-by-code"),
    ],
)
def test_upsert_option_lists_its_ways_for_clients(
    schema: str, by_id: bool, field_sets: list[list[str]]
) -> None:
    upsert = SCHEMAS[schema]["properties"]["data"]["properties"]["meta"]["properties"]["upsert"]
    assert (upsert["x-upsert-by-id"], upsert["x-upsert-field-sets"]) == (by_id, field_sets)


@pytest.mark.parametrize(
    ("method", "path", "upsert", "validate"),
    [
        pytest.param(
            "POST",
            "/api/users",
            'Upsert (`meta.upsert`): supported by `username` (`["username"]`) or by `email`'
            ' (`["email"]`).',
            "Validate (`meta.validate`): supported; nothing is saved.",
            id="users-create",
        ),
        pytest.param(
            "PATCH",
            "/api/weightunits/{id}",
            "Upsert (`meta.upsert`): supported by id (`true`).",
            "Validate (`meta.validate`): supported; nothing is saved.",
            id="weight-units-update",
        ),
        pytest.param(
            "POST",
            "/api/tasks",
            "Upsert (`meta.upsert`): not supported.",
            "Validate (`meta.validate`): not supported.",
            id="tasks-create",
        ),
    ],
)
def test_write_operations_say_how_they_upsert_and_validate(
    method: str, path: str, upsert: str, validate: str
) -> None:
    paragraphs = operations(DOCUMENT)[(method, path)]["description"].split("\n\n")
    assert upsert in paragraphs and validate in paragraphs


def test_a_create_request_with_included_items_validates_against_its_schema() -> None:
    validator = schema_validator("AccountCreateRequest")
    body = {
        "data": {
            "type": "accounts",
            "meta": {"validate": True},
            "attributes": {"name": "Cloth World"},
            "relationships": {"contacts": {"data": [{"type": "contacts", "id": "john_doe"}]}},
        },
        "included": [
            {
                "type": "contacts",
                "id": "john_doe",
                "meta": {"upsert": ["primaryEmail"]},
                "attributes": {"lastName": "Doe"},
            }
        ],
    }
    assert validator.is_valid(body)
    body["included"][0]["meta"] = {"validate": True}  # not an option of included items
    assert not validator.is_valid(body)


def test_the_search_apis_and_their_language_are_documented() -> None:
    paths = DOCUMENT["paths"]
    search = paths["/api/search"]["get"]
    assert [p["name"] for p in search["parameters"]] == [
        "filter[searchText]",
        "filter[searchQuery]",
        "filter[aggregations]",
        "filter[entities]",
        "include",
        "page[number]",
        "page[size]",
    ]
    assert "- `starts_with`: starts with the text (JSON:API only);" in search["description"]
    advanced = paths["/api/rest/latest/search/advanced"]["get"]
    assert "order_by" in advanced["description"]
    assert set(advanced["responses"]["200"]["content"]) == {"application/json"}
    assert {"/api/searchentities", "/api/searchentities/{id}", "/api/rest/latest/search"} <= set(
        paths
    )
    assert "/api/search" not in build_openapi(REGISTRY, entities=["accounts"])["paths"]
