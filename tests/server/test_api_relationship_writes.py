"""Relationship writes: ``/api/{type}/{id}/relationships/{association}`` (reference §5.1, §10.3).

PATCH sets a to-one (``null`` where allowed) or replaces a to-many; POST adds to a to-many; DELETE
removes from it; each answers 204 with no body. One server for the module; every test works on
records it creates, or on seeded ones no other test here touches (accounts 3-4, users 29).
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import httpx
import pytest

from tests.live_server import LiveServer
from tests.postgres import NewDatabase
from tests.server.write_support import (
    JSON_API,
    api_client,
    assert_errors,
    create,
    error,
    get,
    live_server,
    one,
    send,
)

MISSING = error("form constraint", "The entity does not exist.", "/data")
NOT_FOUND = error(
    "not found http exception",
    "An entity with the requested identifier does not exist.",
    status=404,
)


@pytest.fixture(scope="module")
def server(new_database: NewDatabase) -> Iterator[LiveServer]:
    with live_server(new_database, "relationships") as live:
        yield live


@pytest.fixture(scope="module")
def http(server: LiveServer) -> Iterator[httpx.Client]:
    with api_client(server) as client:
        yield client


def contacts(*ids: str) -> dict[str, Any]:
    return {"data": [{"type": "contacts", "id": id_} for id_ in ids]}


def change(http: httpx.Client, method: str, url: str, doc: Any) -> httpx.Response:
    """A valid relationship write (the body is checked against the JSON:API schema)."""
    return send(http, method, url, doc, kind="update_relationship")


def assert_no_content(response: httpx.Response) -> None:
    assert response.status_code == 204, response.text
    assert response.content == b""
    assert "content-type" not in response.headers


def linkage(http: httpx.Client, url: str) -> Any:
    """``data`` of a relationship as its endpoint shows it, checked against the resource's."""
    owner_url, name = url.split("/relationships/")
    data = get(http, owner_url)["data"]["relationships"][name]["data"]
    query = "?page[size]=-1" if isinstance(data, list) else ""
    assert get(http, url + query)["data"] == data
    return data


def new_account(http: httpx.Client, *contact_ids: str) -> str:
    relationships = {"contacts": contacts(*contact_ids)} if contact_ids else None
    return create(http, "accounts", relationships=relationships)["id"]


# --- to-one -------------------------------------------------------------------------------------


def test_patch_to_one_sets_the_related_record(http: httpx.Client) -> None:
    url = "/accounts/3/relationships/referredBy"
    assert_no_content(change(http, "PATCH", url, one("accounts", "4")))
    assert linkage(http, url) == {"type": "accounts", "id": "4"}
    related = get(http, "/accounts/3/referredBy")["data"]
    assert (related["type"], related["id"]) == ("accounts", "4")


def test_patch_to_one_with_null_clears_an_optional_relationship(http: httpx.Client) -> None:
    id_ = create(http, "accounts", relationships={"referredBy": one("accounts", "1")})["id"]
    url = f"/accounts/{id_}/relationships/referredBy"
    assert_no_content(change(http, "PATCH", url, {"data": None}))
    assert linkage(http, url) is None
    assert get(http, f"/accounts/{id_}/referredBy")["data"] is None


def test_patch_to_one_with_null_is_refused_for_a_required_relationship(
    http: httpx.Client,
) -> None:
    id_ = create(http, "accounts", relationships={"owner": one("users", "4")})["id"]
    url = f"/accounts/{id_}/relationships/owner"
    response = send(http, "PATCH", url, {"data": None})
    assert_errors(
        response, 400, error("not blank constraint", "This value should not be blank.", "/data")
    )
    assert linkage(http, url) == {"type": "users", "id": "4"}


def test_patch_to_one_sets_an_enum_option(http: httpx.Client) -> None:
    url = f"/tasks/{create(http, 'tasks')['id']}/relationships/taskPriority"
    assert_no_content(change(http, "PATCH", url, one("taskpriorities", "high")))
    assert linkage(http, url) == {"type": "taskpriorities", "id": "high"}
    response = send(http, "PATCH", url, one("taskpriorities", "urgent"))
    assert_errors(response, 400, MISSING)
    assert linkage(http, url) == {"type": "taskpriorities", "id": "high"}


def test_patch_to_one_changes_updated_at(http: httpx.Client) -> None:
    before = get(http, "/accounts/4")["data"]["attributes"]
    assert_no_content(
        change(http, "PATCH", "/accounts/4/relationships/referredBy", one("accounts", "5"))
    )
    after = get(http, "/accounts/4")["data"]["attributes"]
    assert after["createdAt"] == before["createdAt"]
    assert after["updatedAt"] != before["updatedAt"]


# --- to-many ------------------------------------------------------------------------------------


def test_patch_to_many_replaces_every_member(http: httpx.Client) -> None:
    url = f"/accounts/{new_account(http, '11', '12')}/relationships/contacts"
    assert_no_content(change(http, "PATCH", url, contacts("13", "14")))
    assert linkage(http, url) == contacts("13", "14")["data"]


def test_patch_to_many_with_an_empty_list_clears_it(http: httpx.Client) -> None:
    url = f"/accounts/{new_account(http, '11', '12')}/relationships/contacts"
    assert_no_content(change(http, "PATCH", url, {"data": []}))
    assert linkage(http, url) == []


def test_post_to_many_adds_members_and_keeps_the_others(http: httpx.Client) -> None:
    url = f"/accounts/{new_account(http, '11', '12')}/relationships/contacts"
    assert_no_content(change(http, "POST", url, contacts("12", "15")))
    assert linkage(http, url) == contacts("11", "12", "15")["data"]


def test_delete_to_many_removes_only_the_members_sent(http: httpx.Client) -> None:
    url = f"/accounts/{new_account(http, '11', '12', '13')}/relationships/contacts"
    assert_no_content(change(http, "DELETE", url, contacts("11", "13")))
    assert linkage(http, url) == contacts("12")["data"]


def test_a_many_to_many_write_shows_on_both_sides(http: httpx.Client) -> None:
    url = "/users/29/relationships/businessUnits"
    assert_no_content(change(http, "PATCH", url, {"data": [{"type": "businessunits", "id": "4"}]}))
    assert linkage(http, url) == [{"type": "businessunits", "id": "4"}]
    members = get(http, "/businessunits/4/relationships/users?page[size]=-1")["data"]
    assert {"type": "users", "id": "29"} in members
    assert_no_content(change(http, "DELETE", url, {"data": [{"type": "businessunits", "id": "4"}]}))
    members = get(http, "/businessunits/4/relationships/users?page[size]=-1")["data"]
    assert {"type": "users", "id": "29"} not in members


# --- errors -------------------------------------------------------------------------------------

INCLUDED = "The 'included' section should not exist"  # relationship requests: identifiers only
ERRORS = [
    pytest.param(
        "PATCH", "referredBy", one("accounts", "999999"), 400, [MISSING], id="to-one-missing-record"
    ),
    pytest.param(
        "PATCH",
        "contacts",
        contacts("11", "999999"),
        400,
        [MISSING],
        id="to-many-patch-missing-record",
    ),
    pytest.param(
        "POST", "contacts", contacts("999999"), 400, [MISSING], id="to-many-post-missing-record"
    ),
    pytest.param(
        "PATCH",
        "referredBy",
        one("contacts", "1"),
        400,
        [error("entity type constraint", "Not acceptable entity type.", "/data/type")],
        id="to-one-wrong-type",
    ),
    pytest.param(
        "POST",
        "contacts",
        {"data": [{"type": "accounts", "id": "1"}]},
        400,
        [error("entity type constraint", "Not acceptable entity type.", "/data/0/type")],
        id="to-many-wrong-type",
    ),
    pytest.param(
        "PATCH",
        "referredBy",
        one("nope", "1"),
        400,
        [error("entity type constraint", "Unknown entity type: nope.", "/data/type")],
        id="unknown-type",
    ),
    pytest.param(
        "PATCH",
        "referredBy",
        one("accounts", "abc"),
        400,
        [error("entity identifier constraint", 'Expected integer value. Given "abc".', "/data/id")],
        id="malformed-related-id",
    ),
    pytest.param(
        "PATCH",
        "referredBy",
        {"meta": {}},
        400,
        [error("request data constraint", 'The "data" top-level section should exist', "/data")],
        id="no-data",
    ),
    pytest.param(
        "PATCH",
        "referredBy",
        {"data": [{"type": "accounts", "id": "1"}]},
        400,
        [
            error(
                "request data constraint",
                "The resource identifier object should be an object",
                "/data",
            )
        ],
        id="to-one-given-a-list",
    ),
    pytest.param(
        "PATCH",
        "referredBy",
        {"data": {}},
        400,
        [
            error(
                "request data constraint",
                "The resource identifier object should be not empty object",
                "/data",
            )
        ],
        id="to-one-given-an-empty-object",
    ),
    pytest.param(
        "PATCH",
        "referredBy",
        {"data": "1"},
        400,
        [
            error(
                "request data constraint",
                "The resource identifier object should be NULL or an object",
                "/data",
            )
        ],
        id="to-one-given-a-scalar",
    ),
    pytest.param(
        "PATCH",
        "referredBy",
        {"data": {"type": "accounts"}},
        400,
        [error("request data constraint", "The 'id' property is required", "/data/id")],
        id="to-one-without-id",
    ),
    pytest.param(
        "POST",
        "contacts",
        one("contacts", "1"),
        400,
        [
            error(
                "request data constraint",
                "The list of resource identifier objects should be an array",
                "/data",
            )
        ],
        id="to-many-given-an-object",
    ),
    pytest.param(
        "PATCH",
        "contacts",
        {"data": None},
        400,
        [
            error(
                "request data constraint",
                "The list of resource identifier objects should be an array",
                "/data",
            )
        ],
        id="to-many-given-null",
    ),
    pytest.param(
        "DELETE",
        "contacts",
        {"data": [{"id": "1"}]},
        400,
        [error("request data constraint", "The 'type' property is required", "/data/0/type")],
        id="to-many-item-without-type",
    ),
    *(
        pytest.param(
            method,
            name,
            {"data": data, "included": [{"type": "contacts", "id": "16"}]},
            400,
            [error("request data constraint", INCLUDED, "/included")],
            id=f"{method.lower()}-{name}-with-included",
        )
        for method, name, data in [
            ("POST", "contacts", [{"type": "contacts", "id": "18"}]),
            ("PATCH", "contacts", [{"type": "contacts", "id": "18"}]),
            ("DELETE", "contacts", [{"type": "contacts", "id": "16"}]),
            ("PATCH", "referredBy", {"type": "accounts", "id": "3"}),
        ]
    ),
]


@pytest.mark.parametrize(("method", "name", "doc", "status", "errors"), ERRORS)
def test_relationship_write_errors_leave_the_relationship_unchanged(
    http: httpx.Client, method: str, name: str, doc: Any, status: int, errors: list[Any]
) -> None:
    id_ = create(
        http,
        "accounts",
        relationships={"referredBy": one("accounts", "2"), "contacts": contacts("16", "17")},
    )["id"]
    url = f"/accounts/{id_}/relationships/{name}"
    before = get(http, f"/accounts/{id_}")
    assert_errors(send(http, method, url, doc), status, *errors)
    assert get(http, f"/accounts/{id_}") == before


@pytest.mark.parametrize(
    "raw",
    [pytest.param("", id="no-body"), pytest.param("{}", id="empty-object")],
)
def test_relationship_write_needs_a_body(http: httpx.Client, raw: str) -> None:
    response = send(http, "PATCH", "/accounts/3/relationships/contacts", raw=raw)
    assert_errors(
        response, 400, error("request data constraint", "The request data should not be empty.")
    )


def test_relationship_write_with_malformed_json(http: httpx.Client) -> None:
    response = send(http, "POST", "/accounts/3/relationships/contacts", raw='{"data": [')
    assert response.status_code == 400
    errors = response.json()["errors"]
    assert [(e["status"], e["title"]) for e in errors] == [("400", "bad request http exception")]
    assert errors[0]["detail"].startswith("Invalid json message received.")


@pytest.mark.parametrize(
    ("url", "status", "expected"),
    [
        pytest.param("/accounts/999999/relationships/contacts", 404, NOT_FOUND, id="missing-owner"),
        pytest.param(
            "/accounts/abc/relationships/contacts",
            400,
            error("entity identifier constraint", 'Expected integer value. Given "abc".'),
            id="malformed-owner-id",
        ),
        pytest.param(
            "/accounts/3/relationships/friends",
            404,
            error("relationship constraint", "Unsupported subresource.", status=404),
            id="unknown-relationship",
        ),
        pytest.param(
            "/nope/3/relationships/contacts",
            404,
            error("entity type constraint", "Unknown parent entity type: nope.", status=404),
            id="unknown-parent-type",
        ),
    ],
)
def test_relationship_write_on_a_missing_owner_or_association(
    http: httpx.Client, url: str, status: int, expected: Any
) -> None:
    assert_errors(change(http, "POST", url, contacts("1")), status, expected)


READ_ONLY = [
    pytest.param(method, url, allow, id=f"{label}-{method}")
    for label, url, allow in [
        ("inverse-to-many", "/orders/1/relationships/lineItems", "OPTIONS, GET"),
        ("inverse-of-organization", "/organizations/1/relationships/businessUnits", "OPTIONS, GET"),
        ("read-only-link", "/userroles/1/relationships/users", "OPTIONS, GET"),
        ("read-only-resource", "/countries/CA/relationships/regions", "OPTIONS, GET"),
        ("read-only-resource-to-one", "/regions/CA-BC/relationships/country", "OPTIONS, GET"),
    ]
    for method in ("PATCH", "POST", "DELETE")
] + [
    pytest.param(
        method, "/accounts/3/relationships/owner", "OPTIONS, GET, PATCH", id=f"to-one-{method}"
    )
    for method in ("POST", "DELETE")
]


@pytest.mark.parametrize(("method", "url", "allow"), READ_ONLY)
def test_a_write_the_relationship_does_not_support_is_405_with_allow(
    http: httpx.Client, method: str, url: str, allow: str
) -> None:
    before = get(http, url)
    response = http.request(method, url, content='{"data": []}', headers={"Content-Type": JSON_API})
    assert response.status_code == 405
    assert response.headers["allow"] == allow
    assert response.content == b""
    assert get(http, url) == before
