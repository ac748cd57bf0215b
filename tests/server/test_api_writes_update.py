"""Update over real HTTP (reference §5.1-5.2, §8, §9, §10.1) and "a failed write changes nothing".

One server for the module. Seeded ids used: accounts 11-14 (14 only by failing writes), users 1-2
(only by failing or no-op writes).
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import httpx
import pytest
import sqlalchemy as sa

from tests.live_server import LiveServer
from tests.postgres import NewDatabase
from tests.server.write_support import (
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
    get,
    live_server,
    one,
    rel,
    request_data,
    send,
)


@pytest.fixture(scope="module")
def server(new_database: NewDatabase) -> Iterator[LiveServer]:
    with live_server(new_database, "updates") as live:
        yield live


@pytest.fixture(scope="module")
def http(server: LiveServer) -> Iterator[httpx.Client]:
    with api_client(server) as client:
        yield client


# --- update -------------------------------------------------------------------------------------


def test_update_answers_200_with_the_resource_and_keeps_what_was_not_sent(
    http: httpx.Client, server: LiveServer
) -> None:
    before = create(
        http,
        "accounts",
        {"name": "Before", "description": "kept"},
        {
            "referredBy": one("accounts", "2"),
            "contacts": {"data": [{"type": "contacts", "id": "4"}]},
        },
    )
    id_ = before["id"]
    doc = {"data": {"type": "accounts", "id": id_, "attributes": {"name": "After"}}}
    response = send(http, "PATCH", f"/accounts/{id_}", doc, kind="update_resource")
    updated = document(response, 200)
    assert "location" not in response.headers
    assert updated["links"] == {"self": f"{server.origin}/api/accounts"}
    after = updated["data"]
    assert after["attributes"]["name"] == "After"
    assert after["attributes"]["description"] == "kept"
    assert after["attributes"]["createdAt"] == before["attributes"]["createdAt"]
    assert after["relationships"] == before["relationships"]
    assert get(http, f"/accounts/{id_}") == updated


def test_update_changes_updated_at_and_not_created_at(http: httpx.Client) -> None:
    before = get(http, "/accounts/11")["data"]["attributes"]
    doc = {"data": {"type": "accounts", "id": "11", "attributes": {"description": "touched"}}}
    after = document(send(http, "PATCH", "/accounts/11", doc, kind="update_resource"), 200)
    stamps = after["data"]["attributes"]
    assert stamps["createdAt"] == before["createdAt"]
    assert stamps["updatedAt"] != before["updatedAt"]
    assert_recent(stamps["updatedAt"])


def test_update_ignores_sent_timestamps(http: httpx.Client) -> None:
    before = get(http, "/accounts/13")["data"]["attributes"]
    doc = {
        "data": {
            "type": "accounts",
            "id": "13",
            "attributes": {
                "createdAt": "2000-01-01T00:00:00Z",
                "updatedAt": "2000-01-01T00:00:00Z",
            },
        }
    }
    stamps = document(send(http, "PATCH", "/accounts/13", doc, kind="update_resource"), 200)[
        "data"
    ]["attributes"]
    assert stamps["createdAt"] == before["createdAt"]
    assert_recent(stamps["updatedAt"])


IGNORED_ON_UPDATE = [
    # OroCRM's ActivityContactBundle (UpdateActivityContactFields: mapped: false on update)
    pytest.param("/contacts/5", "contacts", {"timesContacted": 99}, id="contact-timesContacted"),
    pytest.param(
        "/contacts/5",
        "contacts",
        {"lastContactedDate": "2001-02-03T04:05:06Z"},
        id="contact-lastContactedDate",
    ),
    # OroPlatform's UserBundle api.yml (loginCount, lastLogin: mapped: false)
    pytest.param("/users/2", "users", {"loginCount": 99}, id="user-loginCount"),
    pytest.param("/users/2", "users", {"lastLogin": "2001-02-03T04:05:06Z"}, id="user-lastLogin"),
]


@pytest.mark.parametrize(("url", "type_", "attributes"), IGNORED_ON_UPDATE)
def test_update_ignores_the_fields_oro_documents_as_ignored(
    http: httpx.Client, url: str, type_: str, attributes: dict[str, Any]
) -> None:
    """Oro's "The read-only field. A passed value will be ignored.": 200, the value unchanged."""
    [(name, _)] = attributes.items()
    before = get(http, url)["data"]["attributes"][name]
    id_ = url.rsplit("/", 1)[1]
    doc = {"data": {"type": type_, "id": id_, "attributes": attributes}}
    updated = document(send(http, "PATCH", url, doc, kind="update_resource"), 200)
    assert updated["data"]["attributes"][name] == before
    assert get(http, url)["data"]["attributes"][name] == before


def test_update_replaces_relationships_sent_in_the_body(http: httpx.Client) -> None:
    id_ = create(
        http, "accounts", relationships={"contacts": {"data": [{"type": "contacts", "id": "5"}]}}
    )["id"]
    doc = {
        "data": {
            "type": "accounts",
            "id": id_,
            "relationships": {
                "contacts": {
                    "data": [{"type": "contacts", "id": "6"}, {"type": "contacts", "id": "7"}]
                },
                "defaultContact": one("contacts", "6"),
            },
        }
    }
    relationships = document(
        send(http, "PATCH", f"/accounts/{id_}", doc, kind="update_resource"), 200
    )["data"]["relationships"]
    assert relationships["contacts"]["data"] == [
        {"type": "contacts", "id": "6"},
        {"type": "contacts", "id": "7"},
    ]
    assert relationships["defaultContact"]["data"] == {"type": "contacts", "id": "6"}


def test_update_honours_fields_include_and_meta(http: httpx.Client, server: LiveServer) -> None:
    id_ = create(http, "accounts", {"name": "Fielded"}, {"owner": one("users", "7")})["id"]
    doc = {"data": {"type": "accounts", "id": id_, "attributes": {"description": "x"}}}
    query = "?fields[accounts]=description,owner&include=owner&fields[users]=firstName&meta=title"
    updated = document(send(http, "PATCH", f"/accounts/{id_}{query}", doc), 200)
    base = f"{server.origin}/api"
    assert updated == {
        "data": {
            "type": "accounts",
            "id": id_,
            "links": {"self": f"{base}/accounts/{id_}"},
            "meta": {"title": "Fielded"},
            "attributes": {"description": "x"},
            "relationships": {
                "owner": {
                    "data": {"type": "users", "id": "7"},
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
                "id": "7",
                "links": {"self": f"{base}/users/7"},
                "meta": {"title": "Gene Cardenas"},
                "attributes": {"firstName": "Gene"},
            }
        ],
        "links": {"self": f"{base}/accounts"},
    }


def test_update_allows_a_unique_value_to_stay_the_same(http: httpx.Client) -> None:
    doc = {"data": {"type": "users", "id": "1", "attributes": {"username": "admin"}}}
    updated = document(send(http, "PATCH", "/users/1", doc, kind="update_resource"), 200)
    assert updated["data"]["attributes"]["username"] == "admin"


ID_MISMATCH = error(
    "conflict constraint",
    "The 'id' property of the primary data object should match 'id' parameter of the query string",
    "/data/id",
    status=409,
)
NOT_FOUND = error(
    "not found http exception",
    "An entity with the requested identifier does not exist.",
    status=404,
)

UPDATE_ERRORS = [
    pytest.param(
        "/accounts/14",
        {"data": {"type": "accounts", "id": "15", "attributes": {"name": "a"}}},
        409,
        [ID_MISMATCH],
        id="id-mismatch",
    ),
    pytest.param(
        "/accounts/14",
        {"data": {"type": "contacts", "id": "15", "attributes": {"name": "a"}}},
        409,
        [TYPE_MISMATCH, ID_MISMATCH],
        id="type-and-id-mismatch",
    ),
    pytest.param(
        "/accounts/14",
        {"data": {"type": "accounts", "attributes": {"name": "a"}}},
        400,
        [request_data("The 'id' property is required", "/data/id")],
        id="id-missing",
    ),
    pytest.param(
        "/accounts/14",
        {"data": {"type": "accounts", "id": 14, "attributes": {"name": "a"}}},
        400,
        [request_data("The 'id' property should be a string", "/data/id")],
        id="id-number",
    ),
    pytest.param(
        "/accounts/14",
        {"data": {"id": "14", "attributes": {"name": "a"}}},
        400,
        [request_data("The 'type' property is required", "/data/type")],
        id="type-missing",
    ),
    pytest.param(
        "/accounts/999999",
        {"data": {"type": "accounts", "id": "999999", "attributes": {"name": "a"}}},
        404,
        [NOT_FOUND],
        id="missing-record",
    ),
    pytest.param(
        "/accounts/abc",
        {"data": {"type": "accounts", "id": "abc", "attributes": {"name": "a"}}},
        400,
        [error("entity identifier constraint", 'Expected integer value. Given "abc".')],
        id="malformed-id",
    ),
    pytest.param(
        "/accounts/14",
        {"data": {"type": "accounts", "id": "14", "attributes": {"name": None}}},
        400,
        [blank(attr("name"))],
        id="not-blank",
    ),
    pytest.param(
        "/accounts/14",
        {"data": {"type": "accounts", "id": "14", "relationships": {"owner": {"data": None}}}},
        400,
        [blank(rel("owner"))],
        id="required-relationship-null",
    ),
    pytest.param(
        "/users/2",
        {"data": {"type": "users", "id": "2", "attributes": {"username": "admin"}}},
        400,
        [error("unique entity constraint", "This value is already used.", attr("username"))],
        id="unique",
    ),
    pytest.param(
        "/userroles/2",
        {"data": {"type": "userroles", "id": "2", "attributes": {"role": "ROLE_X"}}},
        400,
        [extra("role")],
        id="output-only-attribute",
    ),
    pytest.param(
        "/accounts/14",
        {
            "data": {
                "type": "accounts",
                "id": "14",
                "relationships": {"referredBy": one("accounts", "999999")},
            }
        },
        400,
        [error("form constraint", "The entity does not exist.", rel("referredBy"))],
        id="missing-related-record",
    ),
]


@pytest.mark.parametrize(("url", "doc", "status", "errors"), UPDATE_ERRORS)
def test_update_errors(
    http: httpx.Client, url: str, doc: Any, status: int, errors: list[dict[str, Any]]
) -> None:
    assert_errors(send(http, "PATCH", url, doc), status, *errors)


# --- a failed write changes nothing --------------------------------------------------------------

FAILED_WRITES = [
    pytest.param(
        "PATCH",
        "/accounts/12",
        {
            "data": {
                "type": "accounts",
                "id": "12",
                "attributes": {"name": "Changed", "description": ["x"]},
            }
        },
        ["/accounts/12"],
        id="valid-and-invalid-attribute",
    ),
    pytest.param(
        "PATCH",
        "/accounts/12",
        {
            "data": {
                "type": "accounts",
                "id": "12",
                "attributes": {"name": "Changed"},
                "relationships": {
                    "contacts": {"data": [{"type": "contacts", "id": "1"}]},
                    "referredBy": one("accounts", "999999"),
                },
            }
        },
        ["/accounts/12", "/accounts/12/relationships/contacts"],
        id="missing-related-record",
    ),
    pytest.param(
        "PATCH",
        "/users/2",
        {
            "data": {
                "type": "users",
                "id": "2",
                "attributes": {"firstName": "Changed", "username": "admin"},
            }
        },
        ["/users/2"],
        id="unique-violation",
    ),
    pytest.param(
        "POST",
        "/accounts",
        {
            "data": {
                "type": "accounts",
                "attributes": {"name": "Never"},
                "relationships": {"owner": one("users", "999999")},
            }
        },
        ["/accounts?sort=-id&page[size]=1&filter[name]=Never"],
        id="create-with-missing-owner",
    ),
    pytest.param(
        "POST",
        "/users",
        {
            "data": {
                "type": "users",
                "attributes": {
                    "username": "admin",
                    "email": "again@example.com",
                    "firstName": "A",
                    "lastName": "B",
                },
            }
        },
        ["/users?filter[email]=again@example.com"],
        id="create-with-taken-username",
    ),
]


@pytest.mark.parametrize(("method", "url", "doc", "watched"), FAILED_WRITES)
def test_a_failed_write_leaves_the_data_unchanged(
    http: httpx.Client, method: str, url: str, doc: Any, watched: list[str]
) -> None:
    before = [get(http, path) for path in watched]
    response = send(http, method, url, doc)
    assert response.status_code == 400
    assert [get(http, path) for path in watched] == before


# --- reads after writes -------------------------------------------------------------------------


def test_a_read_after_a_write_shows_the_write(http: httpx.Client, server: LiveServer) -> None:
    """Reads keep their connection and find rendered objects again by their content
    (server/storage/reads.py, server/jsonapi/memo.py): neither may hide a committed write, the
    API's or another connection's (another worker, another process)."""
    contact = create(http, "contacts", {"firstName": "Ann", "lastName": "Read"})
    account = create(
        http, "accounts", {"name": "Read me"}, {"contacts": {"data": [identifier(contact)]}}
    )
    item = f"/accounts/{account['id']}?include=contacts"
    page = f"/accounts?filter[id][gte]={account['id']}&page[size]=1"

    def seen() -> tuple[str, str, list[str]]:
        doc = get(http, item)
        (listed,) = get(http, page)["data"]
        return (
            doc["data"]["attributes"]["name"],
            listed["attributes"]["name"],
            [c["attributes"]["lastName"] for c in doc["included"]],
        )

    assert seen() == ("Read me", "Read me", ["Read"])
    doc = {"data": {"type": "accounts", "id": account["id"], "attributes": {"name": "Renamed"}}}
    document(send(http, "PATCH", f"/accounts/{account['id']}", doc, kind="update_resource"), 200)
    assert seen() == ("Renamed", "Renamed", ["Read"])
    engine = sa.create_engine(server.settings.database_url)  # as another process writes
    try:
        with engine.begin() as connection:
            connection.execute(
                sa.text("UPDATE contact SET last_name = 'Elsewhere' WHERE id = :id"),
                {"id": int(contact["id"])},
            )
            connection.execute(
                sa.text("UPDATE account SET name = 'Moved' WHERE id = :id"),
                {"id": int(account["id"])},
            )
    finally:
        engine.dispose()
    assert seen() == ("Moved", "Moved", ["Elsewhere"])


def identifier(obj: dict[str, Any]) -> dict[str, str]:
    return {"type": obj["type"], "id": obj["id"]}
