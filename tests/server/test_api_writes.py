"""Create over real HTTP (reference §5.4, §8, §9, §10; checklist "Errors", "Data types").

One server for the module; every test creates its own records, so the order of the tests does not
matter. Seeded records serve only as relationship targets and unique values. The helpers
shared with the other ``test_api_*`` modules are in ``tests/server/write_support.py``.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import httpx
import pytest

from tests.live_server import LiveServer
from tests.postgres import NewDatabase
from tests.server.write_support import (
    EMPTY,
    TYPE_MISMATCH,
    api_client,
    assert_errors,
    assert_recent,
    attr,
    blank,
    create,
    document,
    error,
    extra,
    form,
    get,
    live_server,
    new_doc,
    one,
    rel,
    request_data,
    send,
)


@pytest.fixture(scope="module")
def server(new_database: NewDatabase) -> Iterator[LiveServer]:
    with live_server(new_database, "creates") as live:
        yield live


@pytest.fixture(scope="module")
def http(server: LiveServer) -> Iterator[httpx.Client]:
    with api_client(server) as client:
        yield client


# --- create -------------------------------------------------------------------------------------


def test_create_answers_201_with_location_and_the_resource_as_get_shows_it(
    http: httpx.Client, server: LiveServer
) -> None:
    doc = {
        "data": {
            "type": "accounts",
            "attributes": {"name": "Created Co.", "description": "made by a test"},
            "relationships": {
                "referredBy": one("accounts", "1"),
                "contacts": {"data": [{"type": "contacts", "id": "3"}]},
            },
        }
    }
    response = send(http, "POST", "/accounts", doc, kind="create_resource")
    created = document(response, 201)
    data = created["data"]
    id_ = data["id"]
    base = f"{server.origin}/api"
    assert id_.isdigit()
    assert response.headers["location"] == f"{base}/accounts/{id_}"
    assert data["attributes"]["name"] == "Created Co."
    assert data["attributes"]["description"] == "made by a test"
    assert data["relationships"]["referredBy"]["data"] == {"type": "accounts", "id": "1"}
    assert data["relationships"]["contacts"]["data"] == [{"type": "contacts", "id": "3"}]
    assert data["relationships"]["defaultContact"]["data"] is None
    assert data["links"] == {"self": f"{base}/accounts/{id_}"}
    assert created["links"] == {"self": f"{base}/accounts"}
    assert get(http, response.headers["location"]) == created


def test_create_ignores_a_client_id_when_the_server_generates_ids(http: httpx.Client) -> None:
    doc = new_doc("accounts")
    doc["data"]["id"] = "987654"
    data = document(send(http, "POST", "/accounts", doc, kind="create_resource"), 201)["data"]
    assert data["id"] != "987654"
    assert http.get("/accounts/987654").status_code == 404


def test_create_ignores_created_at_and_updated_at(http: httpx.Client) -> None:
    data = create(
        http,
        "accounts",
        {"createdAt": "2000-01-01T00:00:00Z", "updatedAt": "2001-01-01T00:00:00Z"},
    )
    stamps = data["attributes"]
    assert stamps["createdAt"] == stamps["updatedAt"]
    assert_recent(stamps["createdAt"])


@pytest.mark.parametrize(
    ("type_", "owner"),
    [
        pytest.param("accounts", {"type": "users", "id": "1"}, id="user-owned"),
        pytest.param("orders", {"type": "users", "id": "1"}, id="user-owned-order"),
        pytest.param("tasks", {"type": "users", "id": "1"}, id="user-owned-task"),
        pytest.param("users", {"type": "businessunits", "id": "1"}, id="unit-owned-user"),
        pytest.param("products", {"type": "businessunits", "id": "1"}, id="unit-owned-product"),
    ],
)
def test_create_defaults_owner_and_organization_to_the_caller(
    http: httpx.Client, type_: str, owner: dict[str, str]
) -> None:
    relationships = create(http, type_)["relationships"]
    assert relationships["owner"]["data"] == owner
    assert relationships["organization"]["data"] == {"type": "organizations", "id": "1"}


def test_create_keeps_the_owner_and_organization_it_was_given(http: httpx.Client) -> None:
    data = create(
        http,
        "accounts",
        relationships={"owner": one("users", "17"), "organization": one("organizations", "2")},
    )
    assert data["relationships"]["owner"]["data"] == {"type": "users", "id": "17"}
    assert data["relationships"]["organization"]["data"] == {"type": "organizations", "id": "2"}


def test_create_honours_fields_include_and_meta(http: httpx.Client, server: LiveServer) -> None:
    doc = new_doc("accounts", {"name": "Shaped Inc"}, {"owner": one("users", "6")})
    query = "?fields[accounts]=name,owner&include=owner&fields[users]=username&meta=title"
    response = send(http, "POST", "/accounts" + query, doc, kind="create_resource")
    created = document(response, 201)
    base = f"{server.origin}/api"
    id_ = created["data"]["id"]
    assert response.headers["location"] == f"{base}/accounts/{id_}"
    assert created == {
        "data": {
            "type": "accounts",
            "id": id_,
            "links": {"self": f"{base}/accounts/{id_}"},
            "meta": {"title": "Shaped Inc"},
            "attributes": {"name": "Shaped Inc"},
            "relationships": {
                "owner": {
                    "data": {"type": "users", "id": "6"},
                    "links": {
                        "self": f"{base}/accounts/{id_}/relationships/owner",
                        "related": f"{base}/accounts/{id_}/owner",
                    },
                }
            },
        },
        "included": [
            {
                "type": "users",
                "id": "6",
                "links": {"self": f"{base}/users/6"},
                "meta": {"title": "Jimmy Henderson"},
                "attributes": {"username": "jimmy.henderson_c4261"},
            }
        ],
        "links": {"self": f"{base}/accounts"},
    }


WIRE_FORMATS = [
    # money: a string with 4 decimals, rounded half-up on input
    pytest.param("orders", "subtotalValue", "123.456789", "123.4568", id="money-rounded"),
    pytest.param("orders", "subtotalValue", "0.00005", "0.0001", id="money-half-up"),
    pytest.param("orders", "totalValue", "10", "10.0000", id="money-integer-string"),
    pytest.param("orders", "totalValue", 10.5, "10.5000", id="money-number"),
    # decimal: a string, trailing zeros trimmed
    pytest.param("products", "weight", "1.500", "1.5", id="decimal-trimmed"),
    pytest.param("products", "weight", "12", "12", id="decimal-integer"),
    pytest.param("products", "weight", "0.125", "0.125", id="decimal-fraction"),
    # bigint: a string
    pytest.param("products", "gtin", "123456789012345", "123456789012345", id="bigint-string"),
    pytest.param("products", "gtin", "9223372036854775807", "9223372036854775807", id="bigint-max"),
    # booleans
    pytest.param("products", "featured", True, True, id="boolean-true"),
    pytest.param("products", "featured", False, False, id="boolean-false"),
    pytest.param("products", "featured", 1, True, id="boolean-1"),
    pytest.param("products", "featured", 0, False, id="boolean-0"),
    pytest.param("products", "featured", "1", True, id="boolean-string-1"),
    pytest.param("products", "featured", "0", False, id="boolean-string-0"),
    pytest.param("products", "featured", "true", True, id="boolean-string-true"),
    pytest.param("products", "featured", "false", False, id="boolean-string-false"),
    pytest.param("users", "enabled", "yes", True, id="boolean-yes"),
    pytest.param("users", "enabled", "no", False, id="boolean-no"),
    # durations: seconds
    pytest.param("orders", "handlingTime", "1h 2m 3s", 3723, id="duration-units"),
    pytest.param("orders", "handlingTime", "1h", 3600, id="duration-hours"),
    pytest.param("orders", "handlingTime", "1m 2s", 62, id="duration-minutes-seconds"),
    pytest.param("orders", "handlingTime", "1:2:3", 3723, id="duration-clock"),
    pytest.param("orders", "handlingTime", "1:2", 62, id="duration-clock-minutes"),
    pytest.param("orders", "handlingTime", 11, 11, id="duration-seconds"),
    # percent: a fraction
    pytest.param("orders", "discountPercent", 0.1, 0.1, id="percent"),
    # dates: partial input is the first day of the period
    pytest.param("orders", "shipUntil", "2017", "2017-01-01", id="date-year"),
    pytest.param("orders", "shipUntil", "2017-07", "2017-07-01", id="date-month"),
    pytest.param("users", "birthday", "2017-07-21", "2017-07-21", id="date-day"),
    # datetimes: partial values allowed, a time needs a zone, output in UTC
    pytest.param("tasks", "dueDate", "2017", "2017-01-01T00:00:00Z", id="datetime-year"),
    pytest.param("tasks", "dueDate", "2017-07", "2017-07-01T00:00:00Z", id="datetime-month"),
    pytest.param("tasks", "dueDate", "2017-07-21", "2017-07-21T00:00:00Z", id="datetime-day"),
    pytest.param(
        "tasks", "dueDate", "2017-07-21T10:20:30Z", "2017-07-21T10:20:30Z", id="datetime-utc"
    ),
    pytest.param(
        "tasks",
        "dueDate",
        "2017-07-21T10:20:30+05:00",
        "2017-07-21T05:20:30Z",
        id="datetime-positive-offset",
    ),
    pytest.param(
        "tasks",
        "dueDate",
        "2017-07-21T10:20:30-03:30",
        "2017-07-21T13:50:30Z",
        id="datetime-negative-offset",
    ),
    pytest.param(
        "tasks",
        "dueDate",
        "2017-07-21T01:00:00+05:00",
        "2017-07-20T20:00:00Z",
        id="datetime-offset-crosses-midnight",
    ),
    pytest.param(
        "tasks", "dueDate", "2017-07-21T10:20Z", "2017-07-21T10:20:00Z", id="datetime-no-seconds"
    ),
    pytest.param(
        "tasks",
        "dueDate",
        "2017-07-21T10:20:30.123Z",
        "2017-07-21T10:20:30Z",
        id="datetime-milliseconds-dropped",
    ),
    pytest.param(
        "tasks", "dueDate", "2017T10:20:30Z", "2017-01-01T10:20:30Z", id="datetime-year-and-time"
    ),
    pytest.param(
        "tasks",
        "dueDate",
        "2017-07T10:20:30Z",
        "2017-07-01T10:20:30Z",
        id="datetime-month-and-time",
    ),
    # times: seconds optional
    pytest.param("orders", "preferredDeliveryTime", "10:20", "10:20:00", id="time-minutes"),
    pytest.param("orders", "preferredDeliveryTime", "10:20:30", "10:20:30", id="time-seconds"),
    # the others
    pytest.param("orders", "currency", "EUR", "EUR", id="currency"),
    pytest.param(
        "orders",
        "externalId",
        "6f9619ff-8b86-d011-b42d-00cf4fc964ff",
        "6f9619ff-8b86-d011-b42d-00cf4fc964ff",
        id="guid",
    ),
    pytest.param(
        "orders",
        "trackingData",
        {"carrier": "UPS", "parcels": [1, 2]},
        {"carrier": "UPS", "parcels": [1, 2]},
        id="json",
    ),
    pytest.param("products", "tags", ["new", "sale"], ["new", "sale"], id="array"),
    pytest.param("products", "status", "disabled", "disabled", id="enum"),
    pytest.param("orderlineitems", "quantity", 2.5, 2.5, id="float"),
    pytest.param("accounts", "name", "Zoë 日本 😀", "Zoë 日本 😀", id="string-unicode"),
    pytest.param("accounts", "description", "line 1\nline 2", "line 1\nline 2", id="text"),
]


@pytest.mark.parametrize(("type_", "name", "sent", "returned"), WIRE_FORMATS)
def test_create_reads_every_input_wire_format(
    http: httpx.Client, type_: str, name: str, sent: Any, returned: Any
) -> None:
    doc = new_doc(type_, {name: sent})
    response = send(http, "POST", f"/{type_}?fields[{type_}]={name}", doc, kind="create_resource")
    data = document(response, 201)["data"]
    assert data["attributes"] == {name: returned}
    stored = get(http, f"/{type_}/{data['id']}?fields[{type_}]={name}")["data"]
    assert stored["attributes"] == {name: returned}


INPUT_ERRORS = [
    pytest.param("orders", "subtotalValue", "abc", "This value is not valid.", id="money-text"),
    pytest.param("orders", "totalValue", "1e30", "This value is not valid.", id="money-too-big"),
    pytest.param("products", "weight", "1,5", "This value is not valid.", id="decimal-comma"),
    pytest.param("products", "gtin", "12a", "This value is not valid.", id="bigint-text"),
    pytest.param(
        "products", "gtin", "9223372036854775808", "This value is not valid.", id="bigint-overflow"
    ),
    pytest.param("products", "featured", "maybe", "This value is not valid.", id="boolean-word"),
    pytest.param("products", "featured", 2, "This value is not valid.", id="boolean-2"),
    pytest.param(
        "orders",
        "handlingTime",
        "abc",
        "Value is not in a valid duration format",
        id="duration-text",
    ),
    pytest.param(
        "orders",
        "handlingTime",
        "1x",
        "Value is not in a valid duration format",
        id="duration-unit",
    ),
    pytest.param("orders", "discountPercent", "x", "Please enter a number.", id="percent-text"),
    pytest.param("orderlineitems", "quantity", "many", "Please enter a number.", id="float-text"),
    pytest.param(
        "orders",
        "shipUntil",
        "2017-02-30",
        'The "2017-02-30" is not valid date.',
        id="date-out-of-range",
    ),
    pytest.param(
        "orders", "shipUntil", "tomorrow", 'The "tomorrow" is not valid date.', id="date-text"
    ),
    pytest.param("orders", "shipUntil", 2017, 'The "2017" is not valid date.', id="date-number"),
    pytest.param(
        "tasks",
        "dueDate",
        "2017-07-21T10:20:30",
        'The "2017-07-21T10:20:30" is not valid datetime.',
        id="datetime-without-zone",
    ),
    pytest.param(
        "tasks",
        "dueDate",
        "2017-07-21T10Z",
        'The "2017-07-21T10Z" is not valid datetime.',
        id="datetime-without-minutes",
    ),
    pytest.param(
        "tasks",
        "dueDate",
        "2017-07-21 10:20:30Z",
        'The "2017-07-21 10:20:30Z" is not valid datetime.',
        id="datetime-space-separator",
    ),
    pytest.param(
        "tasks",
        "dueDate",
        "2017-7-21",
        'The "2017-7-21" is not valid datetime.',
        id="datetime-without-leading-zero",
    ),
    pytest.param(
        "tasks",
        "dueDate",
        "2017-02-30T10:20:30Z",
        'The "2017-02-30" is not valid date.',
        id="datetime-day-out-of-range",
    ),
    pytest.param(
        "tasks",
        "dueDate",
        "2017-07-21T24:20:30Z",
        'The "24:20:30" is not valid time.',
        id="datetime-hour-out-of-range",
    ),
    pytest.param(
        "tasks", "dueDate", "soon", 'The "soon" is not valid datetime.', id="datetime-text"
    ),
    pytest.param(
        "orders",
        "preferredDeliveryTime",
        "24:20:30",
        'The "24:20:30" is not valid time.',
        id="time-out-of-range",
    ),
    pytest.param(
        "orders", "preferredDeliveryTime", "noon", 'The "noon" is not valid time.', id="time-text"
    ),
    pytest.param("orders", "externalId", "not-a-guid", "This value is not valid.", id="guid"),
    pytest.param("products", "tags", "new", "This value is not valid.", id="array-scalar"),
    pytest.param("accounts", "name", ["a"], "This value is not valid.", id="string-array"),
    pytest.param("accounts", "description", {"a": 1}, "This value is not valid.", id="text-object"),
    pytest.param(
        "products", "status", "gone", "The value you selected is not a valid choice.", id="enum"
    ),
    pytest.param("orders", "currency", "usd", "This value is not a valid currency.", id="currency"),
]


@pytest.mark.parametrize(("type_", "name", "sent", "detail"), INPUT_ERRORS)
def test_create_rejects_a_value_that_does_not_fit_its_type(
    http: httpx.Client, type_: str, name: str, sent: Any, detail: str
) -> None:
    response = send(http, "POST", f"/{type_}", new_doc(type_, {name: sent}))
    assert_errors(response, 400, form(name, detail))


RULES = [
    pytest.param("accounts", {"name": ""}, blank(attr("name")), id="not-blank-empty"),
    pytest.param("accounts", {"name": "   "}, blank(attr("name")), id="not-blank-spaces"),
    pytest.param("accounts", {"name": None}, blank(attr("name")), id="not-blank-null"),
    pytest.param(
        "accounts",
        {"name": "x" * 256},
        error(
            "length constraint",
            "This value is too long. It should have 255 characters or less.",
            attr("name"),
        ),
        id="length-max",
    ),
    pytest.param(
        "userroles",
        {"label": "ab"},
        error(
            "length constraint",
            "This value is too short. It should have 3 characters or more.",
            attr("label"),
        ),
        id="length-min",
    ),
    pytest.param(
        "products",
        {"weight": "-1"},
        error("range constraint", "This value should be 0 or more.", attr("weight")),
        id="range-min",
    ),
    pytest.param(
        "orders",
        {"discountPercent": 1.5},
        error("range constraint", "This value should be between 0 and 1.", attr("discountPercent")),
        id="range-between",
    ),
    pytest.param(
        "businessunits",
        {"email": "not-an-email"},
        error("email constraint", "This value is not a valid email address.", attr("email")),
        id="email",
    ),
    pytest.param(
        "users",
        {"username": "admin"},
        error("unique entity constraint", "This value is already used.", attr("username")),
        id="unique-username",
    ),
    pytest.param(
        "organizations",
        {"name": "Oro Demo Inc"},
        error("unique entity constraint", "This value is already used.", attr("name")),
        id="unique-organization-name",
    ),
    pytest.param(
        "products",
        {"sku": "4HH33"},
        error("unique entity constraint", "This value is already used.", attr("sku")),
        id="unique-sku",
    ),
]


@pytest.mark.parametrize(("type_", "attributes", "expected"), RULES)
def test_create_applies_validation_rules(
    http: httpx.Client, type_: str, attributes: dict[str, Any], expected: dict[str, Any]
) -> None:
    response = send(http, "POST", f"/{type_}", new_doc(type_, attributes))
    assert_errors(response, 400, expected)


def test_create_reports_every_form_error_in_one_response(http: httpx.Client) -> None:
    doc = new_doc(
        "orders",
        {"currency": "us", "subtotalValue": "-1", "totalValue": "x", "discountPercent": 2},
    )
    assert_errors(
        send(http, "POST", "/orders", doc),
        400,
        form("currency", "This value is not a valid currency."),
        error("range constraint", "This value should be 0 or more.", attr("subtotalValue")),
        form("totalValue"),
        error("range constraint", "This value should be between 0 and 1.", attr("discountPercent")),
    )


def test_create_reports_extra_fields_together_with_rule_violations(http: httpx.Client) -> None:
    doc = new_doc("users", {"email": "nope", "firstName": "", "loginCount": 5, "nickname": "x"})
    assert_errors(
        send(http, "POST", "/users", doc),
        400,
        extra("nickname"),
        error("email constraint", "This value is not a valid email address.", attr("email")),
        blank(attr("firstName")),
    )


def test_create_reports_every_missing_related_record(http: httpx.Client) -> None:
    doc = new_doc(
        "accounts",
        relationships={
            "owner": one("users", "99999"),
            "contacts": {
                "data": [{"type": "contacts", "id": "1"}, {"type": "contacts", "id": "99998"}]
            },
            "referredBy": one("accounts", "99999"),
        },
    )
    missing = "The entity does not exist."
    assert_errors(
        send(http, "POST", "/accounts", doc),
        400,
        error("form constraint", missing, rel("owner")),
        error("form constraint", missing, rel("contacts")),
        error("form constraint", missing, rel("referredBy")),
    )


READ_ONLY_OR_UNKNOWN = [
    pytest.param(
        "userroles", {"attributes": {"role": "ROLE_X"}}, extra("role"), id="output-only-string"
    ),
    pytest.param(
        "accounts", {"attributes": {"nickname": "x"}}, extra("nickname"), id="unknown-attribute"
    ),
    pytest.param(
        "orders",
        {"relationships": {"lineItems": {"data": []}}},
        extra("lineItems"),
        id="read-only-relationship",
    ),
    pytest.param(
        "accounts",
        {"relationships": {"friends": {"data": []}}},
        extra("friends"),
        id="unknown-relationship",
    ),
]


@pytest.mark.parametrize(("type_", "members", "expected"), READ_ONLY_OR_UNKNOWN)
def test_create_rejects_read_only_and_unknown_fields_as_extra_fields(
    http: httpx.Client, type_: str, members: dict[str, Any], expected: dict[str, Any]
) -> None:
    doc = new_doc(type_, members.get("attributes"), members.get("relationships"))
    assert_errors(send(http, "POST", f"/{type_}", doc), 400, expected)


def test_create_ignores_a_users_login_count_and_sets_a_contacts_times_contacted(
    http: httpx.Client,
) -> None:
    """Oro: users' loginCount/lastLogin are unmapped on every write (UserBundle api.yml); the
    contacting-activity fields of OroCRM only on update, so a create stores them."""
    user = create(http, "users", {"loginCount": 7, "lastLogin": "2017-07-21T10:20:30Z"})
    assert (user["attributes"]["loginCount"], user["attributes"]["lastLogin"]) == (None, None)
    contact = create(http, "contacts", {"timesContacted": 7})
    assert contact["attributes"]["timesContacted"] == 7


RELATIONSHIP_ERRORS = [
    pytest.param(
        {"owner": one("users", "99999")},
        error("form constraint", "The entity does not exist.", rel("owner")),
        id="missing-record",
    ),
    pytest.param(
        {"contacts": {"data": [{"type": "contacts", "id": "99999"}]}},
        error("form constraint", "The entity does not exist.", rel("contacts")),
        id="missing-record-to-many",
    ),
    pytest.param({"owner": {"data": None}}, blank(rel("owner")), id="required-null"),
    pytest.param(
        {"owner": one("accounts", "1")},
        error("entity type constraint", "Not acceptable entity type.", rel("owner") + "/type"),
        id="wrong-type",
    ),
    pytest.param(
        {"owner": one("nope", "1")},
        error("entity type constraint", "Unknown entity type: nope.", rel("owner") + "/type"),
        id="unknown-type",
    ),
    pytest.param(
        {"owner": one("users", "abc")},
        error(
            "entity identifier constraint",
            'Expected integer value. Given "abc".',
            rel("owner") + "/id",
        ),
        id="malformed-id",
    ),
    pytest.param(
        {"contacts": {"data": [{"type": "contacts", "id": "1"}, {"type": "contacts"}]}},
        request_data("The 'id' property is required", rel("contacts") + "/1/id"),
        id="identifier-without-id",
    ),
    pytest.param(
        {"owner": {"type": "users", "id": "1"}},
        request_data("The relationship should have 'data' property", "/data/relationships/owner"),
        id="no-data-member",
    ),
    pytest.param(
        {"owner": {"data": [{"type": "users", "id": "1"}]}},
        error("form constraint", "This value is not valid.", rel("owner")),
        id="array-for-to-one",
    ),
    pytest.param(
        {"contacts": one("contacts", "1")},
        error("form constraint", "This value is not valid.", rel("contacts")),
        id="object-for-to-many",
    ),
]


@pytest.mark.parametrize(("relationships", "expected"), RELATIONSHIP_ERRORS)
def test_create_rejects_bad_relationships(
    http: httpx.Client, relationships: dict[str, Any], expected: dict[str, Any]
) -> None:
    doc = new_doc("accounts", relationships=relationships)
    assert_errors(send(http, "POST", "/accounts", doc), 400, expected)


@pytest.mark.parametrize(
    ("type_", "name", "option"),
    [
        pytest.param("contacts", "source", {"type": "contactsources", "id": "call"}, id="contact"),
        pytest.param("tasks", "taskPriority", {"type": "taskpriorities", "id": "high"}, id="task"),
        pytest.param("orders", "status", {"type": "orderstatuses", "id": "open"}, id="order"),
    ],
)
def test_create_takes_enum_options_as_relationships(
    http: httpx.Client, type_: str, name: str, option: dict[str, str]
) -> None:
    data = create(http, type_, relationships={name: {"data": option}})
    assert data["relationships"][name]["data"] == option
    missing = new_doc(type_, relationships={name: {"data": {**option, "id": "nope"}}})
    assert_errors(
        send(http, "POST", f"/{type_}", missing),
        400,
        error("form constraint", "The entity does not exist.", rel(name)),
    )


def test_create_requires_required_relationships(http: httpx.Client) -> None:
    doc = {"data": {"type": "orders", "attributes": {"currency": "USD"}}}
    assert_errors(send(http, "POST", "/orders", doc), 400, blank(rel("customer")))


REQUEST_DATA = [
    pytest.param(
        {"meta": {}}, request_data("The primary data object should exist", "/data"), id="no-data"
    ),
    pytest.param(
        {"data": None},
        request_data("The primary data object should not be empty", "/data"),
        id="data-null",
    ),
    pytest.param(
        {"data": {}},
        request_data("The primary data object should not be empty", "/data"),
        id="data-empty",
    ),
    pytest.param(
        {"data": 5},
        request_data("The primary resource object should be an object", "/data"),
        id="data-scalar",
    ),
    pytest.param(
        {"data": [{"type": "accounts"}]},
        request_data("The primary resource object should be an object", "/data"),
        id="data-array",
    ),
    pytest.param(
        {"data": {"attributes": {"name": "a"}}},
        request_data("The 'type' property is required", "/data/type"),
        id="type-missing",
    ),
    pytest.param(
        {"data": {"type": None, "attributes": {"name": "a"}}},
        request_data("The 'type' property should not be null", "/data/type"),
        id="type-null",
    ),
    pytest.param(
        {"data": {"type": 5, "attributes": {"name": "a"}}},
        request_data("The 'type' property should be a string", "/data/type"),
        id="type-number",
    ),
    pytest.param(
        {"data": {"type": "", "attributes": {"name": "a"}}},
        request_data("The 'type' property should not be blank", "/data/type"),
        id="type-blank",
    ),
    pytest.param(
        {"data": {"type": "accounts", "id": 5, "attributes": {"name": "a"}}},
        request_data("The 'id' property should be a string", "/data/id"),
        id="id-number",
    ),
    pytest.param(
        {"data": {"type": "accounts", "name": "a"}},
        request_data("The 'name' property is not allowed for a resource object", "/data"),
        id="unknown-member",
    ),
    pytest.param(
        {"data": {"type": "accounts", "attributes": "name"}},
        request_data("The 'attributes' property should be an array", "/data/attributes"),
        id="attributes-scalar",
    ),
    pytest.param(
        {"data": {"type": "accounts", "attributes": ["name"]}},
        request_data(
            "The 'attributes' property should be an associative array", "/data/attributes"
        ),
        id="attributes-list",
    ),
    pytest.param(
        {"data": {"type": "accounts", "attributes": {}}},
        request_data("The 'attributes' property should not be empty", "/data/attributes"),
        id="attributes-empty",
    ),
    pytest.param(
        {"data": {"type": "accounts", "attributes": {"name": "a"}, "relationships": {}}},
        request_data("The 'relationships' property should not be empty", "/data/relationships"),
        id="relationships-empty",
    ),
]


@pytest.mark.parametrize(("doc", "expected"), REQUEST_DATA)
def test_create_checks_the_request_document(
    http: httpx.Client, doc: Any, expected: dict[str, Any]
) -> None:
    assert_errors(send(http, "POST", "/accounts", doc), 400, expected)


@pytest.mark.parametrize(
    "type_", [pytest.param("users", id="other"), pytest.param("nope", id="unknown")]
)
def test_create_with_another_type_is_a_conflict(http: httpx.Client, type_: str) -> None:
    doc = {"data": {"type": type_, "attributes": {"name": "a"}}}
    assert_errors(send(http, "POST", "/accounts", doc), 409, TYPE_MISMATCH)


def test_a_conflict_among_bad_request_errors_makes_the_status_409(http: httpx.Client) -> None:
    doc = {"data": {"type": "users", "bogus": 1}}
    assert_errors(
        send(http, "POST", "/accounts", doc),
        409,
        request_data("The 'bogus' property is not allowed for a resource object", "/data"),
        TYPE_MISMATCH,
    )


@pytest.mark.parametrize(
    "raw",
    [
        pytest.param("", id="nothing"),
        pytest.param(" \n\t", id="whitespace"),
        pytest.param("{}", id="empty-object"),
        pytest.param("[]", id="empty-array"),
        pytest.param("null", id="null"),
    ],
)
@pytest.mark.parametrize("method, url", [("POST", "/accounts"), ("PATCH", "/accounts/14")])
def test_an_empty_body_is_a_request_data_error(
    http: httpx.Client, method: str, url: str, raw: str
) -> None:
    assert_errors(send(http, method, url, raw=raw), 400, EMPTY)


@pytest.mark.parametrize(
    "raw",
    [
        pytest.param("{bad", id="bare-word"),
        pytest.param('{"data": {"type": "accounts",}}', id="trailing-comma"),
        pytest.param('{"data": ', id="truncated"),
        pytest.param("{'data': 1}", id="single-quotes"),
    ],
)
@pytest.mark.parametrize("method, url", [("POST", "/accounts"), ("PATCH", "/accounts/14")])
def test_malformed_json_is_a_bad_request(
    http: httpx.Client, method: str, url: str, raw: str
) -> None:
    response = send(http, method, url, raw=raw)
    errors = document(response, 400)["errors"]
    assert len(errors) == 1
    assert errors[0]["detail"].startswith("Invalid json message received.")
    assert errors[0] == {
        "status": "400",
        "title": "bad request http exception",
        "detail": errors[0]["detail"],
    }


def test_the_jsonapi_member_is_accepted_on_input(http: httpx.Client) -> None:
    doc = {"jsonapi": {"version": "1.0"}, **new_doc("accounts")}
    created = document(send(http, "POST", "/accounts", doc, kind="create_resource"), 201)
    id_ = created["data"]["id"]
    update = {
        "jsonapi": {"version": "1.0"},
        "data": {"type": "accounts", "id": id_, "attributes": {"description": "j"}},
    }
    updated = document(send(http, "PATCH", f"/accounts/{id_}", update, kind="update_resource"), 200)
    assert updated["data"]["attributes"]["description"] == "j"
