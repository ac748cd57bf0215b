"""Request documents of write actions (``server.jsonapi.request_doc``), against the demo resources.

Each table row is a literal document and the exact error list (or input) Oro would produce; the
reference is Oro's ``TypedRequestDataValidator``, ``RelationshipRequestDataValidator`` and
``NormalizeRequestData`` and their tests, and §9 of the spec.
"""

from __future__ import annotations

from typing import Any

import pytest

from server.domain.resources import build_registry
from server.jsonapi.errors import ApiError, ApiErrors
from server.jsonapi.ids import parse_id
from server.jsonapi.request_doc import (
    ResourceInput,
    parse_relationship_document,
    parse_resource_document,
    pointer,
)
from server.metadata import types as t
from server.metadata.model import Attribute, Relationship, Resource
from server.metadata.types import InvalidValue
from tests.jsonapi_schema import assert_valid_request

REGISTRY = build_registry()
# The demo resources have no writable datetime; this one does.
EVENTS = Resource("events", "event", "A test resource.", (Attribute("happenedAt", t.DATETIME),))

TYPE_CONFLICT = "The 'type' property of the primary data object should match the requested resource"
ID_CONFLICT = (
    "The 'id' property of the primary data object should match 'id' parameter of the query string"
)
EMPTY = [
    {
        "status": "400",
        "title": "request data constraint",
        "detail": "The request data should not be empty.",
    }
]
BU1 = {"type": "businessunits", "id": "1"}
ORG1 = {"type": "organizations", "id": "1"}
USER = {
    "type": "users",
    "attributes": {
        "username": "jdoe",
        "email": "jdoe@example.com",
        "firstName": "John",
        "lastName": "Doe",
    },
    "relationships": {"owner": {"data": BU1}, "organization": {"data": ORG1}},
}


def error(status: int, title: str, detail: str, where: str | None = None) -> dict[str, Any]:
    """An expected error object, as ``ApiError.to_dict`` renders it."""
    rendered: dict[str, Any] = {"status": str(status), "title": title, "detail": detail}
    if where is not None:
        rendered["source"] = {"pointer": where}
    return rendered


def rd(detail: str, where: str) -> dict[str, Any]:
    return error(400, "request data constraint", detail, where)


def conflict(detail: str, where: str) -> dict[str, Any]:
    return error(409, "conflict constraint", detail, where)


def form(detail: str, where: str) -> dict[str, Any]:
    return error(400, "form constraint", detail, where)


def not_blank(where: str) -> dict[str, Any]:
    return error(400, "not blank constraint", "This value should not be blank.", where)


def extra(names: str) -> dict[str, Any]:
    return error(
        400, "extra fields constraint", f"This form should not contain extra fields: {names}."
    )


def outcome(call: Any) -> tuple[int, list[dict[str, Any]]]:
    """The status and error objects ``call()`` raises."""
    try:
        call()
    except ApiErrors as errors:
        return errors.status, [e.to_dict() for e in errors.errors]
    except ApiError as single:
        return single.status, [single.to_dict()]
    raise AssertionError("no error raised")


def parse(doc: Any, type_: str = "users", url_id: Any = None) -> ResourceInput:
    return parse_resource_document(doc, REGISTRY[type_], REGISTRY, url_id=url_id)


def update(type_: str, url_id: Any, *, attributes: Any = None, relationships: Any = None) -> Any:
    """An update document of ``type_`` with id ``url_id``."""
    data: dict[str, Any] = {"type": type_, "id": str(url_id)}
    if attributes is not None:
        data["attributes"] = attributes
    if relationships is not None:
        data["relationships"] = relationships
    return {"data": data}


# --- phase 1: document structure ---------------------------------------------------------------

STRUCTURE = [
    # top level
    pytest.param({}, None, EMPTY, id="empty-object"),
    pytest.param([], None, EMPTY, id="empty-array"),
    pytest.param(None, None, EMPTY, id="null"),
    pytest.param("data", None, EMPTY, id="string"),
    pytest.param(0, None, EMPTY, id="number"),
    pytest.param(
        [{"type": "users"}],
        None,
        [rd("The primary data object should exist", "/data")],
        id="array-of-resources",
    ),
    pytest.param(
        {"meta": {"a": 1}},
        None,
        [rd("The primary data object should exist", "/data")],
        id="no-data",
    ),
    pytest.param(
        {"included": [], "links": None},
        None,
        [
            rd("The 'links' property should be an array", "/links"),
            rd("The primary data object should exist", "/data"),
        ],
        id="no-data-included-not-checked",
    ),
    *[
        pytest.param(
            {"data": value},
            None,
            [rd("The primary data object should not be empty", "/data")],
            id=f"data-empty-{name}",
        )
        for name, value in [
            ("null", None),
            ("object", {}),
            ("array", []),
            ("string", ""),
            ("zero-string", "0"),
            ("zero", 0),
            ("false", False),
        ]
    ],
    *[
        pytest.param(
            {"data": value},
            None,
            [rd("The primary resource object should be an object", "/data")],
            id=f"data-not-object-{name}",
        )
        for name, value in [
            ("array", [{"type": "users"}]),
            ("string", "users"),
            ("number", 1),
            ("true", True),
        ]
    ],
    *[
        pytest.param(
            {"data": {"type": "users"}, member: value},
            None,
            [rd(detail, f"/{member}")],
            id=f"root-{member}-{name}",
        )
        for member in ("jsonapi", "meta", "links")
        for name, value, detail in [
            ("null", None, f"The '{member}' property should be an array"),
            ("string", "1.0", f"The '{member}' property should be an array"),
            ("list", ["1.0"], f"The '{member}' property should be an associative array"),
        ]
    ],
    pytest.param(
        {"data": {"type": "users"}, "included": [{"type": "businessunits", "id": "x"}]},
        None,
        [rd("The 'included' section should not exist", "/included")],
        id="included",
    ),
    pytest.param(
        {"data": {"type": "users"}, "jsonapi": None, "meta": "x", "links": [1], "included": []},
        None,
        [
            rd("The 'jsonapi' property should be an array", "/jsonapi"),
            rd("The 'meta' property should be an array", "/meta"),
            rd("The 'links' property should be an associative array", "/links"),
            rd("The 'included' section should not exist", "/included"),
        ],
        id="root-problems-in-oro-order",
    ),
    # resource object members
    pytest.param(
        {"data": {"type": "users", "foo": 1, "included": []}},
        None,
        [
            rd("The 'foo' property is not allowed for a resource object", "/data"),
            rd("The 'included' property is not allowed for a resource object", "/data"),
        ],
        id="members-not-allowed",
    ),
    pytest.param(
        {"data": {"type": "users", "meta": None, "links": ["x"]}},
        None,
        [
            rd("The 'meta' property should be an array", "/data/meta"),
            rd("The 'links' property should be an associative array", "/data/links"),
        ],
        id="resource-meta-and-links",
    ),
    # type
    pytest.param(
        {"data": {"attributes": {"firstName": "J"}}},
        None,
        [rd("The 'type' property is required", "/data/type")],
        id="type-missing",
    ),
    pytest.param(
        {"data": {"type": None}},
        None,
        [rd("The 'type' property should not be null", "/data/type")],
        id="type-null",
    ),
    pytest.param(
        {"data": {"type": 1}},
        None,
        [rd("The 'type' property should be a string", "/data/type")],
        id="type-number",
    ),
    pytest.param(
        {"data": {"type": ["users"]}},
        None,
        [rd("The 'type' property should be a string", "/data/type")],
        id="type-array",
    ),
    pytest.param(
        {"data": {"type": ""}},
        None,
        [rd("The 'type' property should not be blank", "/data/type")],
        id="type-empty",
    ),
    pytest.param(
        {"data": {"type": " \t"}},
        None,
        [rd("The 'type' property should not be blank", "/data/type")],
        id="type-blank",
    ),
    pytest.param(
        {"data": {"type": "accounts"}},
        None,
        [conflict(TYPE_CONFLICT, "/data/type")],
        id="type-other-resource",
    ),
    pytest.param(
        {"data": {"type": "unknown"}},
        None,
        [conflict(TYPE_CONFLICT, "/data/type")],
        id="type-unknown",
    ),
    # id on create
    pytest.param(
        {"data": {"type": "users", "id": None}},
        None,
        [rd("The 'id' property should not be null", "/data/id")],
        id="create-id-null",
    ),
    pytest.param(
        {"data": {"type": "users", "id": 1}},
        None,
        [rd("The 'id' property should be a string", "/data/id")],
        id="create-id-number",
    ),
    pytest.param(
        {"data": {"type": "users", "id": " "}},
        None,
        [rd("The 'id' property should not be blank", "/data/id")],
        id="create-id-blank",
    ),
    pytest.param(
        {"data": {"type": None, "id": 5}},
        None,
        [
            rd("The 'type' property should not be null", "/data/type"),
            rd("The 'id' property should be a string", "/data/id"),
        ],
        id="create-type-and-id",
    ),
    # id on update
    pytest.param(
        {"data": {"type": "users"}},
        1,
        [rd("The 'id' property is required", "/data/id")],
        id="update-id-missing",
    ),
    pytest.param(
        {"data": {"attributes": {"title": "Dr"}}},
        1,
        [
            rd("The 'type' property is required", "/data/type"),
            rd("The 'id' property is required", "/data/id"),
        ],
        id="update-type-and-id-missing",
    ),
    pytest.param(
        {"data": {"type": "accounts"}},
        1,
        [rd("The 'id' property is required", "/data/id")],
        id="update-no-conflict-check-without-id",
    ),
    pytest.param(
        {"data": {"type": "users", "id": 1}},
        1,
        [rd("The 'id' property should be a string", "/data/id")],
        id="update-id-number",
    ),
    pytest.param(
        {"data": {"type": "accounts", "id": "1"}},
        1,
        [conflict(TYPE_CONFLICT, "/data/type")],
        id="update-type-conflict",
    ),
    pytest.param(
        {"data": {"type": "users", "id": "2"}},
        1,
        [conflict(ID_CONFLICT, "/data/id")],
        id="update-id-conflict",
    ),
    pytest.param(
        {"data": {"type": "users", "id": "abc"}},
        1,
        [conflict(ID_CONFLICT, "/data/id")],
        id="update-id-malformed-is-a-conflict",
    ),
    pytest.param(
        {"data": {"type": "accounts", "id": "2"}},
        1,
        [conflict(TYPE_CONFLICT, "/data/type"), conflict(ID_CONFLICT, "/data/id")],
        id="update-both-conflicts",
    ),
    # attributes and relationships sections
    *[
        pytest.param(
            {"data": {"type": "users", section: value}},
            None,
            [rd(detail, f"/data/{section}")],
            id=f"{section}-{name}",
        )
        for section in ("attributes", "relationships")
        for name, value, detail in [
            ("null", None, f"The '{section}' property should be an array"),
            ("string", "x", f"The '{section}' property should be an array"),
            ("empty-object", {}, f"The '{section}' property should not be empty"),
            ("empty-array", [], f"The '{section}' property should not be empty"),
            ("list", [1, 2], f"The '{section}' property should be an associative array"),
        ]
    ],
    # one relationship
    *[
        pytest.param(
            {"data": {"type": "users", "relationships": {"owner": value}}},
            None,
            [rd("The relationship should have 'data' property", "/data/relationships/owner")],
            id=f"relationship-without-data-{name}",
        )
        for name, value in [
            ("null", None),
            ("array", []),
            ("object", {}),
            ("string", "1"),
            ("links-only", {"links": {"self": "x"}}),
        ]
    ],
    *[
        pytest.param(
            {"data": {"type": "users", "relationships": {"owner": {"data": value}}}},
            None,
            [rd("The 'data' property should be an array", "/data/relationships/owner/data")],
            id=f"relationship-data-{name}",
        )
        for name, value in [("string", "1"), ("number", 1), ("true", True)]
    ],
    pytest.param(
        {"data": {"type": "users", "relationships": {"owner": {"data": {"id": "1"}}}}},
        None,
        [rd("The 'type' property is required", "/data/relationships/owner/data/type")],
        id="related-type-missing",
    ),
    pytest.param(
        {
            "data": {
                "type": "users",
                "relationships": {"owner": {"data": {"type": "businessunits"}}},
            }
        },
        None,
        [rd("The 'id' property is required", "/data/relationships/owner/data/id")],
        id="related-id-missing",
    ),
    pytest.param(
        {"data": {"type": "users", "relationships": {"owner": {"data": {"type": None, "id": 1}}}}},
        None,
        [
            rd("The 'type' property should not be null", "/data/relationships/owner/data/type"),
            rd("The 'id' property should be a string", "/data/relationships/owner/data/id"),
        ],
        id="related-type-and-id",
    ),
    pytest.param(
        {
            "data": {
                "type": "users",
                "relationships": {
                    "userRoles": {
                        "data": [
                            {"id": "1"},
                            {"type": "userroles", "id": ""},
                            {"type": "userroles", "id": "2"},
                        ]
                    }
                },
            }
        },
        None,
        [
            rd("The 'type' property is required", "/data/relationships/userRoles/data/0/type"),
            rd("The 'id' property should not be blank", "/data/relationships/userRoles/data/1/id"),
        ],
        id="related-items",
    ),
    pytest.param(
        {"data": {"type": "users", "relationships": {"userRoles": {"data": ["1", None]}}}},
        None,
        [
            rd("The related resource should be an object", "/data/relationships/userRoles/data/0"),
            rd("The related resource should be an object", "/data/relationships/userRoles/data/1"),
        ],
        id="related-items-not-objects",
    ),
    pytest.param(
        {"data": {"type": "users", "relationships": {"foo": {"data": {"id": "1"}}}}},
        None,
        [rd("The 'type' property is required", "/data/relationships/foo/data/type")],
        id="unknown-relationship-structure-is-checked",
    ),
    pytest.param(
        {"data": {"type": "users", "relationships": {"a/b~c": None}}},
        None,
        [rd("The relationship should have 'data' property", "/data/relationships/a~1b~0c")],
        id="pointer-escaping",
    ),
    # several problems: the multi-error status rule
    pytest.param(
        {"data": {"type": "accounts", "attributes": None}},
        None,
        [
            conflict(TYPE_CONFLICT, "/data/type"),
            rd("The 'attributes' property should be an array", "/data/attributes"),
        ],
        id="conflict-and-bad-request",
    ),
    pytest.param(
        {"data": {"type": "accounts", "id": "2", "foo": 1}},
        1,
        [
            rd("The 'foo' property is not allowed for a resource object", "/data"),
            conflict(TYPE_CONFLICT, "/data/type"),
            conflict(ID_CONFLICT, "/data/id"),
        ],
        id="bad-request-and-conflicts",
    ),
]


def _status(errors: list[dict[str, Any]]) -> int:
    codes = {int(e["status"]) for e in errors}
    return 409 if 409 in codes else codes.pop()


@pytest.mark.parametrize(("doc", "url_id", "errors"), STRUCTURE)
def test_document_structure(doc: Any, url_id: Any, errors: list[dict[str, Any]]) -> None:
    assert outcome(lambda: parse(doc, "users", url_id)) == (_status(errors), errors)


def test_structure_errors_stop_before_the_form() -> None:
    doc = {"data": {"type": "users", "id": 1, "attributes": {"unknown": 1}}}
    assert outcome(lambda: parse(doc)) == (
        400,
        [rd("The 'id' property should be a string", "/data/id")],
    )


# --- phase 2: identifiers ----------------------------------------------------------------------


def _owner(data: Any) -> Any:
    return {"data": {"type": "users", "relationships": {"owner": {"data": data}}}}


IDENTIFIERS = [
    pytest.param(
        {"data": {"type": "contactsources", "attributes": {"name": "TV"}}},
        "contactsources",
        [error(400, "entity identifier constraint", "The identifier is mandatory", "/data/id")],
        id="client-id-mandatory",
    ),
    pytest.param(
        _owner({"type": "nope", "id": "1"}),
        "users",
        [
            error(
                400,
                "entity type constraint",
                "Unknown entity type: nope.",
                "/data/relationships/owner/data/type",
            )
        ],
        id="related-type-unknown",
    ),
    pytest.param(
        _owner({"type": "users", "id": "1"}),
        "users",
        [
            error(
                400,
                "entity type constraint",
                "Not acceptable entity type.",
                "/data/relationships/owner/data/type",
            )
        ],
        id="related-type-not-acceptable",
    ),
    pytest.param(
        _owner({"type": "businessunits", "id": "x"}),
        "users",
        [
            error(
                400,
                "entity identifier constraint",
                'Expected integer value. Given "x".',
                "/data/relationships/owner/data/id",
            )
        ],
        id="related-id-malformed",
    ),
    pytest.param(
        {
            "data": {
                "type": "users",
                "relationships": {
                    "userRoles": {
                        "data": [
                            {"type": "userroles", "id": "1"},
                            {"type": "userroles", "id": "1.0"},
                            {"type": "users", "id": "1"},
                        ]
                    }
                },
            }
        },
        "users",
        [
            error(
                400,
                "entity identifier constraint",
                'Expected integer value. Given "1.0".',
                "/data/relationships/userRoles/data/1/id",
            ),
            error(
                400,
                "entity type constraint",
                "Not acceptable entity type.",
                "/data/relationships/userRoles/data/2/type",
            ),
        ],
        id="related-items",
    ),
    pytest.param(
        {"data": {"type": "users", "relationships": {"foo": {"data": {"type": "x", "id": "1"}}}}},
        "users",
        [
            error(
                400,
                "entity type constraint",
                "Unknown entity type: x.",
                "/data/relationships/foo/data/type",
            )
        ],
        id="unknown-relationship-unknown-type",
    ),
    pytest.param(
        {
            "data": {
                "type": "users",
                "attributes": {"description": "x"},
                "relationships": {"owner": {"data": {"type": "businessunits", "id": "x"}}},
            }
        },
        "users",
        [
            error(
                400,
                "entity identifier constraint",
                'Expected integer value. Given "x".',
                "/data/relationships/owner/data/id",
            )
        ],
        id="identifier-errors-stop-before-the-form",
    ),
]


@pytest.mark.parametrize(("doc", "type_", "errors"), IDENTIFIERS)
def test_identifiers(doc: Any, type_: str, errors: list[dict[str, Any]]) -> None:
    assert outcome(lambda: parse(doc, type_)) == (400, errors)


# --- phase 3: the form -------------------------------------------------------------------------

FORM = [
    # extra fields
    pytest.param(
        update("users", 1, attributes={"description": "x"}),
        "users",
        [extra('"description"')],
        id="unknown-attribute",
    ),
    pytest.param(
        update("userroles", 1, attributes={"role": "ROLE_X"}),
        "userroles",
        [extra('"role"')],
        id="output-only-attribute",
    ),
    pytest.param(
        update(
            "users",
            1,
            attributes={"loginCount": 5, "foo": 1, "createdAt": "x", "nickname": 1},
            relationships={"bar": {"data": None}},
        ),
        "users",
        [extra('"foo", "nickname", "bar"')],
        id="several-in-request-order-ignored-ones-left-out",
    ),
    pytest.param(
        update("orders", 1, relationships={"lineItems": {"data": []}}),
        "orders",
        [extra('"lineItems"')],
        id="read-only-relationship",
    ),
    pytest.param(
        update("users", 1, attributes={"owner": 1}, relationships={"email": {"data": None}}),
        "users",
        [extra('"owner", "email"')],
        id="field-in-the-wrong-section",
    ),
    pytest.param(
        update("users", 1, attributes={"description": "x", "email": "bad"}),
        "users",
        [
            extra('"description"'),
            error(
                400,
                "email constraint",
                "This value is not a valid email address.",
                "/data/attributes/email",
            ),
        ],
        id="extra-fields-and-values",
    ),
    # required fields
    pytest.param(
        update("users", 1, attributes={"firstName": None}),
        "users",
        [not_blank("/data/attributes/firstName")],
        id="required-null",
    ),
    pytest.param(
        update("users", 1, attributes={"lastName": "  ", "firstName": ""}),
        "users",
        [not_blank("/data/attributes/firstName"), not_blank("/data/attributes/lastName")],
        id="required-blank",
    ),
    pytest.param(
        update("users", 1, relationships={"owner": {"data": None}}),
        "users",
        [not_blank("/data/relationships/owner/data")],
        id="required-to-one-null",
    ),
    pytest.param(
        update("users", 1, relationships={"owner": {"data": {}}}),
        "users",
        [not_blank("/data/relationships/owner/data")],
        id="required-to-one-empty-object",
    ),
    # rules
    pytest.param(
        update("users", 1, attributes={"firstName": "x" * 256}),
        "users",
        [
            error(
                400,
                "length constraint",
                "This value is too long. It should have 255 characters or less.",
                "/data/attributes/firstName",
            )
        ],
        id="length-max",
    ),
    pytest.param(
        update("userroles", 1, attributes={"label": "ab"}),
        "userroles",
        [
            error(
                400,
                "length constraint",
                "This value is too short. It should have 3 characters or more.",
                "/data/attributes/label",
            )
        ],
        id="length-min",
    ),
    pytest.param(
        update("users", 1, attributes={"email": ""}),
        "users",
        [not_blank("/data/attributes/email")],
        id="email-empty-is-only-blank",
    ),
    pytest.param(
        update("orders", 1, attributes={"discountPercent": 1.5}),
        "orders",
        [
            error(
                400,
                "range constraint",
                "This value should be between 0 and 1.",
                "/data/attributes/discountPercent",
            )
        ],
        id="range-percent",
    ),
    pytest.param(
        update("orders", 1, attributes={"subtotalValue": "-0.01"}),
        "orders",
        [
            error(
                400,
                "range constraint",
                "This value should be 0 or more.",
                "/data/attributes/subtotalValue",
            )
        ],
        id="range-money",
    ),
    pytest.param(
        update("orders", 1, attributes={"totalValue": "-0.00001"}),
        "orders",
        [
            error(
                400,
                "range constraint",
                "This value should be 0 or more.",
                "/data/attributes/totalValue",
            )
        ],
        id="range-money-checks-the-sent-number-not-the-rounded-units",
    ),
    pytest.param(
        update("products", 1, attributes={"weight": -1}),
        "products",
        [
            error(
                400,
                "range constraint",
                "This value should be 0 or more.",
                "/data/attributes/weight",
            )
        ],
        id="range-decimal",
    ),
    # conversions with the catalogue's messages
    pytest.param(
        update("orders", 1, attributes={"preferredDeliveryTime": "24:20:30"}),
        "orders",
        [form('The "24:20:30" is not valid time.', "/data/attributes/preferredDeliveryTime")],
        id="time",
    ),
    pytest.param(
        update("orders", 1, attributes={"shipUntil": "2017-02-30"}),
        "orders",
        [form('The "2017-02-30" is not valid date.', "/data/attributes/shipUntil")],
        id="date",
    ),
    pytest.param(
        update("orders", 1, attributes={"handlingTime": "abc"}),
        "orders",
        [form("Value is not in a valid duration format", "/data/attributes/handlingTime")],
        id="duration",
    ),
    pytest.param(
        update("contactsources", "tv", attributes={"priority": "x"}),
        "contactsources",
        [form("Please enter an integer.", "/data/attributes/priority")],
        id="integer",
    ),
    pytest.param(
        update("orders", 1, attributes={"shipUntil": "x", "subtotalValue": "-1"}),
        "orders",
        [
            form('The "x" is not valid date.', "/data/attributes/shipUntil"),
            error(
                400,
                "range constraint",
                "This value should be 0 or more.",
                "/data/attributes/subtotalValue",
            ),
        ],
        id="several-fields-in-declaration-order",
    ),
    # relationship shapes
    pytest.param(
        update("users", 1, relationships={"owner": {"data": [BU1]}}),
        "users",
        [form("This value is not valid.", "/data/relationships/owner/data")],
        id="array-for-to-one",
    ),
    pytest.param(
        update("users", 1, relationships={"userRoles": {"data": {"type": "userroles", "id": "1"}}}),
        "users",
        [form("This value is not valid.", "/data/relationships/userRoles/data")],
        id="object-for-to-many",
    ),
]


@pytest.mark.parametrize(("doc", "type_", "errors"), FORM)
def test_form_on_update(doc: Any, type_: str, errors: list[dict[str, Any]]) -> None:
    url_id = parse_id(REGISTRY[type_], doc["data"]["id"])
    assert outcome(lambda: parse(doc, type_, url_id)) == (400, errors)


def test_create_requires_fields_in_declaration_order() -> None:
    doc = {"data": {"type": "users", "id": "5"}}
    attributes = ("username", "email", "firstName", "lastName")
    assert outcome(lambda: parse(doc)) == (
        400,
        [not_blank(f"/data/attributes/{name}") for name in attributes]
        + [not_blank(f"/data/relationships/{name}/data") for name in ("owner", "organization")],
    )


def test_datetime_conversion_error() -> None:
    doc = update("events", 1, attributes={"happenedAt": "2017-07-21T10:20:30"})
    call = lambda: parse_resource_document(doc, EVENTS, REGISTRY, url_id=1)  # noqa: E731
    assert outcome(call) == (
        400,
        [form('The "2017-07-21T10:20:30" is not valid datetime.', "/data/attributes/happenedAt")],
    )


def _message(data_type: t.DataType, value: Any) -> str:
    with pytest.raises(InvalidValue) as caught:
        data_type.load(value)
    return caught.value.message


@pytest.mark.parametrize(
    ("type_", "name", "value"),
    [
        pytest.param("orders", "subtotalValue", "abc", id="money"),
        pytest.param("orders", "discountPercent", "x", id="percent"),
        pytest.param("orders", "externalId", "not-a-guid", id="guid"),
        pytest.param("orders", "currency", "usd", id="currency"),
        pytest.param("products", "weight", [1], id="decimal"),
        pytest.param("products", "gtin", "abc", id="bigint"),
        pytest.param("products", "tags", "a,b", id="array"),
        pytest.param("products", "status", "gone", id="enum"),
        pytest.param("users", "enabled", "maybe", id="boolean"),
        pytest.param("users", "firstName", {"a": 1}, id="string"),
    ],
)
def test_conversion_errors_are_form_constraints(type_: str, name: str, value: Any) -> None:
    """Each type's own message (``DataType.load``), as a form constraint at the attribute."""
    resource = REGISTRY[type_]
    detail = _message(resource.attribute[name].type, value)
    doc = update(type_, 1, attributes={name: value})
    assert outcome(lambda: parse(doc, type_, 1)) == (
        400,
        [form(detail, f"/data/attributes/{name}")],
    )


# --- valid documents ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("type_", "name", "value", "stored"),
    [
        pytest.param("orders", "subtotalValue", "123.456789", 1234568, id="money-rounded"),
        pytest.param("orders", "subtotalValue", 1.5, 15000, id="money-number"),
        pytest.param("orders", "totalValue", "0", 0, id="money-zero"),
        pytest.param("orders", "discountPercent", 0.1, 0.1, id="percent"),
        pytest.param("orders", "preferredDeliveryTime", "10:11:12", "10:11:12", id="time"),
        pytest.param("orders", "preferredDeliveryTime", "10:11", "10:11:00", id="time-no-seconds"),
        pytest.param("orders", "handlingTime", "1h 2m 3s", 3723, id="duration-units"),
        pytest.param("orders", "handlingTime", "1:2:3", 3723, id="duration-clock"),
        pytest.param("orders", "handlingTime", 11, 11, id="duration-seconds"),
        pytest.param(
            "orders",
            "externalId",
            "3F2504E0-4F89-11D3-9A0C-0305E82C3301",
            "3f2504e0-4f89-11d3-9a0c-0305e82c3301",
            id="guid",
        ),
        pytest.param(
            "orders",
            "trackingData",
            {"carrier": "UPS", "events": [1, 2]},
            {"carrier": "UPS", "events": [1, 2]},
            id="json",
        ),
        pytest.param("orders", "currency", "EUR", "EUR", id="currency"),
        pytest.param("orders", "shipUntil", "2017", "2017-01-01", id="date-year"),
        pytest.param("orders", "shipUntil", "2017-07-21", "2017-07-21", id="date"),
        pytest.param("orders", "customerNotes", None, None, id="null"),
        pytest.param("products", "weight", "1.5", 1500, id="decimal"),
        pytest.param("products", "weight", 2, 2000, id="decimal-number"),
        pytest.param("products", "gtin", "123456789012345", 123456789012345, id="bigint"),
        pytest.param("products", "tags", ["a", "b"], ["a", "b"], id="array"),
        pytest.param("products", "status", "disabled", "disabled", id="enum"),
        pytest.param("products", "featured", "yes", True, id="boolean-yes"),
        pytest.param("products", "featured", 0, False, id="boolean-zero"),
        pytest.param("users", "enabled", "true", True, id="boolean-text"),
        pytest.param("users", "enabled", False, False, id="boolean"),
        pytest.param("users", "birthday", "2000-02-29", "2000-02-29", id="leap-day"),
        pytest.param("users", "title", 12, "12", id="string-from-number"),
    ],
)
def test_conversions(type_: str, name: str, value: Any, stored: Any) -> None:
    result = parse(update(type_, 1, attributes={name: value}), type_, 1)
    assert result == ResourceInput(1, {name: stored}, {}, {name: f"/data/attributes/{name}"})


@pytest.mark.parametrize(
    ("value", "stored"),
    [
        pytest.param("2017-07-21T10:20:30+05:00", "2017-07-21T05:20:30Z", id="offset"),
        pytest.param("2017", "2017-01-01T00:00:00Z", id="year"),
        pytest.param("2017-07-21T10:20Z", "2017-07-21T10:20:00Z", id="no-seconds"),
    ],
)
def test_datetime_conversion(value: str, stored: str) -> None:
    doc = update("events", 1, attributes={"happenedAt": value})
    result = parse_resource_document(doc, EVENTS, REGISTRY, url_id=1)
    assert result.attributes == {"happenedAt": stored}


CREATE_USER = {
    "data": {
        **USER,
        "id": "999",
        "attributes": {**USER["attributes"], "createdAt": "garbage", "enabled": "1"},
        "relationships": {
            **USER["relationships"],
            "userRoles": {
                "data": [
                    {"type": "userroles", "id": "2"},
                    {"type": "userroles", "id": "1"},
                    {"type": "userroles", "id": "2"},
                ]
            },
            "businessUnits": {"data": []},
        },
    },
    "meta": {"note": "kept for later"},
    "jsonapi": {"version": "1.0"},
}
UPDATE_CONTACT = {
    "data": {
        "type": "contacts",
        "id": "07",
        "attributes": {"updatedAt": "2020-01-01T00:00:00Z", "jobTitle": "CTO"},
        "relationships": {
            "source": {"data": {"type": "contactsources", "id": "tv"}},
            "assignedTo": {"data": None},
            "accounts": {"data": [{"type": "accounts", "id": "3"}]},
        },
        "meta": {},
    }
}
CREATE_SOURCE = {"data": {"type": "contactsources", "id": "tv", "attributes": {"name": "TV"}}}
LENIENT = {  # accepted by Oro, though not by the JSON:API request schema
    "data": {
        "type": "contacts",
        "id": "1",
        "attributes": {"jobTitle": "CTO"},
        "relationships": {"reportsTo": {"data": {}}},  # PHP's empty array: no related record
        "links": {},
    },
    "links": {"self": "x"},
    "access_token": "token",
    "anything": [1],
}

VALID = [
    pytest.param(
        CREATE_USER,
        "users",
        None,
        ResourceInput(
            None,
            {
                "username": "jdoe",
                "email": "jdoe@example.com",
                "firstName": "John",
                "lastName": "Doe",
                "enabled": True,
            },
            {"owner": 1, "organization": 1, "userRoles": [2, 1], "businessUnits": []},
            {
                **{
                    name: f"/data/attributes/{name}"
                    for name in ("username", "email", "firstName", "lastName", "enabled")
                },
                **{
                    name: f"/data/relationships/{name}/data"
                    for name in ("owner", "organization", "userRoles", "businessUnits")
                },
            },
        ),
        "create_resource",
        id="create-generated-id-ignored",
    ),
    pytest.param(
        CREATE_SOURCE,
        "contactsources",
        None,
        ResourceInput(
            "tv", {"name": "TV"}, {}, {"id": "/data/id", "name": "/data/attributes/name"}
        ),
        "create_resource",
        id="create-client-id",
    ),
    pytest.param(
        UPDATE_CONTACT,
        "contacts",
        7,
        ResourceInput(
            7,
            {"jobTitle": "CTO"},
            {"source": "tv", "assignedTo": None, "accounts": [3]},
            {
                "jobTitle": "/data/attributes/jobTitle",
                **{
                    name: f"/data/relationships/{name}/data"
                    for name in ("source", "assignedTo", "accounts")
                },
            },
        ),
        "update_resource",
        id="update-only-what-is-sent",
    ),
]


@pytest.mark.parametrize(("doc", "type_", "url_id", "expected", "schema"), VALID)
def test_valid_documents(
    doc: Any, type_: str, url_id: Any, expected: ResourceInput, schema: str
) -> None:
    assert parse(doc, type_, url_id) == expected


@pytest.mark.parametrize(("doc", "type_", "url_id", "expected", "schema"), VALID)
def test_valid_documents_are_json_api(
    doc: Any, type_: str, url_id: Any, expected: ResourceInput, schema: Any
) -> None:
    assert_valid_request(doc, schema)


def test_oro_leniencies() -> None:
    """Unknown top-level members, ``links``, ``access_token`` and ``{}`` linkage are accepted."""
    assert parse(LENIENT, "contacts", 1) == ResourceInput(
        1,
        {"jobTitle": "CTO"},
        {"reportsTo": None},
        {
            "jobTitle": "/data/attributes/jobTitle",
            "reportsTo": "/data/relationships/reportsTo/data",
        },
    )


def test_pointer_escapes_reference_tokens() -> None:
    assert pointer("/data/relationships", "a/b", "~c", 0) == "/data/relationships/a~1b/~0c/0"


# --- relationship documents --------------------------------------------------------------------


def relate(type_: str, name: str, doc: Any) -> Any:
    resource = REGISTRY[type_]
    return parse_relationship_document(doc, resource, resource.relationship[name], REGISTRY)


RELATIONSHIP_VALID = [
    pytest.param("users", "owner", {"data": BU1}, 1, id="to-one"),
    pytest.param("contacts", "assignedTo", {"data": None}, None, id="to-one-null"),
    pytest.param(
        "contacts",
        "source",
        {"data": {"type": "contactsources", "id": "tv"}},
        "tv",
        id="to-one-string-id",
    ),
    pytest.param("users", "userRoles", {"data": []}, [], id="to-many-empty"),
    pytest.param(
        "users",
        "userRoles",
        {
            "data": [
                {"type": "userroles", "id": "3"},
                {"type": "userroles", "id": "1"},
                {"type": "userroles", "id": "3"},
            ]
        },
        [3, 1],
        id="to-many-order-kept-duplicates-removed",
    ),
]


@pytest.mark.parametrize(("type_", "name", "doc", "expected"), RELATIONSHIP_VALID)
def test_relationship_documents(type_: str, name: str, doc: Any, expected: Any) -> None:
    assert relate(type_, name, doc) == expected


@pytest.mark.parametrize(("type_", "name", "doc", "expected"), RELATIONSHIP_VALID)
def test_relationship_documents_are_json_api(
    type_: str, name: str, doc: Any, expected: Any
) -> None:
    assert_valid_request(doc, "update_relationship")


@pytest.mark.parametrize(
    ("type_", "name", "doc", "expected"),
    [
        pytest.param(
            "users", "userRoles", {"data": {}}, [], id="to-many-empty-object-is-php-empty"
        ),
        pytest.param(
            "contacts",
            "assignedTo",
            {"data": None, "meta": {}, "jsonapi": {}},
            None,
            id="to-one-root-members",
        ),
    ],
)
def test_relationship_documents_oro_leniencies(
    type_: str, name: str, doc: Any, expected: Any
) -> None:
    assert relate(type_, name, doc) == expected


DATA_SECTION = 'The "data" top-level section should exist'
NOT_OBJECT = "The resource identifier object should be an object"
NOT_EMPTY_OBJECT = "The resource identifier object should be not empty object"
NOT_LIST = "The list of resource identifier objects should be an array"

RELATIONSHIP_ERRORS = [
    pytest.param("users", "owner", {}, EMPTY, id="empty-object"),
    pytest.param("users", "owner", "x", EMPTY, id="scalar"),
    pytest.param("users", "owner", [123], [rd(DATA_SECTION, "/data")], id="array"),
    pytest.param("users", "owner", {"meta": {}}, [rd(DATA_SECTION, "/data")], id="no-data"),
    pytest.param(
        "users",
        "owner",
        {"data": BU1, "included": [{"type": "businessunits", "id": "1"}]},
        [rd("The 'included' section should not exist", "/included")],
        id="included",
    ),
    pytest.param(
        "users",
        "userRoles",
        {"data": [], "included": []},
        [rd("The 'included' section should not exist", "/included")],
        id="included-empty-to-many",
    ),
    pytest.param(
        "users",
        "owner",
        {"data": BU1, "meta": "x", "links": ["x"]},
        [
            rd("The 'meta' property should be an array", "/meta"),
            rd("The 'links' property should be an associative array", "/links"),
        ],
        id="root-members",
    ),
    pytest.param(
        "users",
        "owner",
        {"data": "1"},
        [rd("The resource identifier object should be NULL or an object", "/data")],
        id="to-one-scalar",
    ),
    pytest.param(
        "users", "owner", {"data": {}}, [rd(NOT_EMPTY_OBJECT, "/data")], id="to-one-empty-object"
    ),
    pytest.param(
        "users", "owner", {"data": []}, [rd(NOT_EMPTY_OBJECT, "/data")], id="to-one-empty-array"
    ),
    pytest.param("users", "owner", {"data": [BU1]}, [rd(NOT_OBJECT, "/data")], id="to-one-array"),
    pytest.param(
        "users",
        "owner",
        {"data": {"id": 1}},
        [
            rd("The 'type' property is required", "/data/type"),
            rd("The 'id' property should be a string", "/data/id"),
        ],
        id="to-one-identifier",
    ),
    pytest.param(
        "users",
        "owner",
        {"data": None},
        [not_blank("/data")],
        id="to-one-required-null",
    ),
    pytest.param(
        "users",
        "owner",
        {"data": {"type": "nope", "id": "1"}},
        [error(400, "entity type constraint", "Unknown entity type: nope.", "/data/type")],
        id="to-one-unknown-type",
    ),
    pytest.param(
        "users",
        "owner",
        {"data": {"type": "users", "id": "1"}},
        [error(400, "entity type constraint", "Not acceptable entity type.", "/data/type")],
        id="to-one-not-acceptable-type",
    ),
    pytest.param(
        "users",
        "owner",
        {"data": {"type": "businessunits", "id": "one"}},
        [
            error(
                400,
                "entity identifier constraint",
                'Expected integer value. Given "one".',
                "/data/id",
            )
        ],
        id="to-one-malformed-id",
    ),
    *[
        pytest.param(
            "users", "userRoles", {"data": value}, [rd(NOT_LIST, "/data")], id=f"to-many-{name}"
        )
        for name, value in [("null", None), ("number", 123), ("object", {"type": "userroles"})]
    ],
    pytest.param(
        "users",
        "userRoles",
        {"data": [123, None, {}, [1], {"type": "userroles"}]},
        [
            rd(NOT_OBJECT, "/data/0"),
            rd(NOT_OBJECT, "/data/1"),
            rd(NOT_EMPTY_OBJECT, "/data/2"),
            rd(NOT_OBJECT, "/data/3"),
            rd("The 'id' property is required", "/data/4/id"),
        ],
        id="to-many-items",
    ),
    pytest.param(
        "users",
        "userRoles",
        {"data": [{"type": "userroles", "id": "x"}, {"type": "users", "id": "1"}]},
        [
            error(
                400,
                "entity identifier constraint",
                'Expected integer value. Given "x".',
                "/data/0/id",
            ),
            error(400, "entity type constraint", "Not acceptable entity type.", "/data/1/type"),
        ],
        id="to-many-identifiers",
    ),
]


@pytest.mark.parametrize(("type_", "name", "doc", "errors"), RELATIONSHIP_ERRORS)
def test_relationship_document_errors(
    type_: str, name: str, doc: Any, errors: list[dict[str, Any]]
) -> None:
    assert outcome(lambda: relate(type_, name, doc)) == (400, errors)


@pytest.mark.parametrize(
    ("doc", "url_id", "status"),
    [
        pytest.param({"data": {"type": "accounts", "attributes": []}}, None, 409, id="400+409"),
        pytest.param({"data": {"type": "users", "id": "2"}}, 1, 409, id="409"),
        pytest.param({"data": {"type": "users", "id": 2, "foo": 1}}, 1, 400, id="400+400"),
    ],
)
def test_multi_error_status(doc: Any, url_id: Any, status: int) -> None:
    with pytest.raises((ApiError, ApiErrors)) as caught:
        parse(doc, "users", url_id)
    assert caught.value.status == status


# --- defaults and field direction --------------------------------------------------------------

CALLER = {"owner": 7, "organization": 3}


@pytest.mark.parametrize(
    ("relationships", "expected", "pointers"),
    [
        pytest.param(None, {"owner": 7, "organization": 3}, {}, id="left-out-takes-default"),
        pytest.param(
            {"owner": {"data": {"type": "businessunits", "id": "2"}}},
            {"owner": 2, "organization": 3},
            {"owner": "/data/relationships/owner/data"},
            id="sent-wins",
        ),
        pytest.param(
            {"userRoles": {"data": []}},
            {"owner": 7, "organization": 3, "userRoles": []},
            {"userRoles": "/data/relationships/userRoles/data"},
            id="only-to-one-defaults",
        ),
    ],
)
def test_create_defaults(relationships: Any, expected: Any, pointers: dict[str, str]) -> None:
    data: dict[str, Any] = {"type": "users", "attributes": USER["attributes"]}
    if relationships is not None:
        data["relationships"] = relationships
    users = REGISTRY["users"]
    result = parse_resource_document({"data": data}, users, REGISTRY, defaults=CALLER)
    assert result.relationships == expected
    assert {k: v for k, v in result.pointers.items() if "/relationships/" in v} == pointers


def test_create_default_not_used_for_null() -> None:
    doc = {"data": {**USER, "relationships": {"owner": {"data": None}}}}
    call = lambda: parse_resource_document(  # noqa: E731
        doc, REGISTRY["users"], REGISTRY, defaults=CALLER
    )
    assert outcome(call) == (400, [not_blank("/data/relationships/owner/data")])


def test_update_ignores_defaults() -> None:
    doc = update("users", 1, attributes={"title": "Dr"})
    result = parse_resource_document(doc, REGISTRY["users"], REGISTRY, url_id=1, defaults=CALLER)
    assert result == ResourceInput(1, {"title": "Dr"}, {}, {"title": "/data/attributes/title"})


def test_inverse_side_is_an_extra_field() -> None:
    """An inverse to-many is written through the owning to-one (``Relationship.writable``)."""
    lands = Resource(
        "lands",
        "land",
        "A test resource.",
        (),
        (Relationship("regions", "regions", many=True, inverse="country"),),
    )
    doc = update("lands", 1, relationships={"regions": {"data": []}})
    call = lambda: parse_resource_document(doc, lands, REGISTRY, url_id=1)  # noqa: E731
    assert outcome(call) == (400, [extra('"regions"')])
