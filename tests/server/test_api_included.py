"""Related resources in one request: ``included`` on POST and PATCH over real HTTP (reference
§12; checklist "Related resources (included)").

One server for the module; each test makes its own records. The reference's examples are sent as
the reference writes them, with the ids this server gave in place of Oro's ``52`` and ``79``.
"""

from __future__ import annotations

import copy
from collections.abc import Iterator
from typing import Any

import httpx
import pytest

from tests.live_server import LiveServer
from tests.postgres import NewDatabase
from tests.server.write_support import (
    api_client,
    assert_errors,
    create,
    document,
    error,
    get,
    live_server,
    request_data,
    row_counts,
    send,
)

JOHN = "8da4d8e7-6b25-4c5c-8075-b510f7bbb84f"
NANCY = "707dda0d-35f5-47b9-b2ce-a3e92b9fdee7"
ORGANIZATION = {"data": {"type": "organizations", "id": "1"}}
OWNER = {"data": {"type": "users", "id": "1"}}

# reference §12, "Create example", verbatim
CREATE_EXAMPLE: dict[str, Any] = {
    "data": {
        "type": "accounts",
        "id": "1",
        "attributes": {"name": "Cloth World"},
        "relationships": {
            "organization": ORGANIZATION,
            "owner": OWNER,
            "contacts": {
                "data": [{"type": "contacts", "id": JOHN}, {"type": "contacts", "id": NANCY}]
            },
            "defaultContact": {"data": {"type": "contacts", "id": NANCY}},
        },
    },
    "included": [
        {
            "type": "contacts",
            "id": JOHN,
            "attributes": {"firstName": "John", "lastName": "Doe"},
            "relationships": {
                "organization": ORGANIZATION,
                "owner": OWNER,
                "source": {"data": {"type": "contactsources", "id": "tv"}},
            },
        },
        {
            "type": "contacts",
            "id": NANCY,
            "attributes": {"firstName": "Nancy", "lastName": "Jones"},
            "relationships": {"organization": ORGANIZATION, "owner": OWNER},
        },
    ],
}


@pytest.fixture(scope="module")
def server(new_database: NewDatabase) -> Iterator[LiveServer]:
    with live_server(new_database, "included") as live:
        yield live


@pytest.fixture(scope="module")
def http(server: LiveServer) -> Iterator[httpx.Client]:
    with api_client(server) as client:
        yield client


def identifier(type_: str, id_: str) -> dict[str, Any]:
    return {"data": {"type": type_, "id": id_}}


# --- the reference's examples --------------------------------------------------------------------


def test_create_example_creates_the_account_and_both_contacts(http: httpx.Client) -> None:
    response = send(http, "POST", "/accounts", CREATE_EXAMPLE)
    doc = document(response, 201)
    account = doc["data"]
    assert response.headers["location"].endswith(f"/api/accounts/{account['id']}")
    assert account["attributes"]["name"] == "Cloth World"
    john, nancy = doc["included"]
    assert (john["type"], john["meta"]) == ("contacts", {"includeId": JOHN})
    assert (nancy["type"], nancy["meta"]) == ("contacts", {"includeId": NANCY})
    assert john["id"] != JOHN and int(john["id"]) > 0 and int(nancy["id"]) > 0
    assert account["relationships"]["contacts"]["data"] == [
        {"type": "contacts", "id": john["id"]},
        {"type": "contacts", "id": nancy["id"]},
    ]
    assert account["relationships"]["defaultContact"]["data"] == {
        "type": "contacts",
        "id": nancy["id"],
    }
    assert john["attributes"]["firstName"] == "John"
    assert john["relationships"]["source"]["data"] == {"type": "contactsources", "id": "tv"}
    assert john["relationships"]["accounts"]["data"] == [{"type": "accounts", "id": account["id"]}]
    stored = get(http, f"/contacts/{nancy['id']}")["data"]
    assert stored["attributes"]["lastName"] == "Jones"


def test_update_example_updates_the_account_and_the_included_contact(
    http: httpx.Client,
) -> None:
    created = document(send(http, "POST", "/accounts", CREATE_EXAMPLE), 201)
    account_id, john_id = created["data"]["id"], created["included"][0]["id"]
    body = {  # reference §12, "Update example", with this server's ids
        "data": {
            "type": "accounts",
            "id": account_id,
            "attributes": {"name": "Cloth World Market"},
            "relationships": {"defaultContact": {"data": {"type": "contacts", "id": john_id}}},
        },
        "included": [
            {
                "meta": {"update": True},
                "type": "contacts",
                "id": john_id,
                "attributes": {"primaryEmail": "john_doe@example.com"},
            }
        ],
    }
    doc = document(send(http, "PATCH", f"/accounts/{account_id}", body), 200)
    assert doc["data"]["attributes"]["name"] == "Cloth World Market"
    assert doc["data"]["relationships"]["defaultContact"]["data"]["id"] == john_id
    (john,) = doc["included"]
    assert john["id"] == john_id and john["meta"] == {"includeId": john_id}
    assert john["attributes"]["primaryEmail"] == "john_doe@example.com"
    assert john["attributes"]["firstName"] == "John"  # untouched


# --- references between the objects --------------------------------------------------------------


def test_an_included_item_may_refer_to_the_primary_object_inversely(http: httpx.Client) -> None:
    body = {
        "data": {"type": "accounts", "id": "new-account", "attributes": {"name": "Inverse"}},
        "included": [
            {
                "type": "contacts",
                "id": "c1",
                "attributes": {"lastName": "Inverse"},
                "relationships": {
                    "accounts": {"data": [{"type": "accounts", "id": "new-account"}]}
                },
            }
        ],
    }
    doc = document(send(http, "POST", "/accounts", body), 201)
    (contact,) = doc["included"]
    assert contact["relationships"]["accounts"]["data"] == [
        {"type": "accounts", "id": doc["data"]["id"]}
    ]


def test_an_included_item_may_be_linked_through_another_included_item(
    http: httpx.Client,
) -> None:
    body = {
        "data": {
            "type": "accounts",
            "attributes": {"name": "Transitive"},
            "relationships": {"defaultContact": {"data": {"type": "contacts", "id": "boss"}}},
        },
        "included": [
            {
                "type": "contacts",
                "id": "assistant",
                "attributes": {"lastName": "Assistant"},
                "relationships": {"reportsTo": {"data": {"type": "contacts", "id": "boss"}}},
            },
            {"type": "contacts", "id": "boss", "attributes": {"lastName": "Boss"}},
        ],
    }
    doc = document(send(http, "POST", "/accounts", body), 201)
    assistant, boss = doc["included"]
    assert assistant["relationships"]["reportsTo"]["data"]["id"] == boss["id"]
    assert doc["data"]["relationships"]["defaultContact"]["data"]["id"] == boss["id"]


def test_patch_links_included_items_to_the_stored_primary_record(http: httpx.Client) -> None:
    account = create(http, "accounts")
    body = {
        "data": {"type": "accounts", "id": account["id"]},
        "included": [
            {
                "type": "contacts",
                "id": "new",
                "attributes": {"lastName": "Linked"},
                "relationships": {
                    "accounts": {"data": [{"type": "accounts", "id": account["id"]}]}
                },
            }
        ],
    }
    doc = document(send(http, "PATCH", f"/accounts/{account['id']}", body), 200)
    (contact,) = doc["included"]
    assert contact["meta"] == {"includeId": "new"}
    assert doc["data"]["relationships"]["contacts"]["data"] == [
        {"type": "contacts", "id": contact["id"]}
    ]


# --- errors ------------------------------------------------------------------------------------


def test_a_failing_last_item_leaves_every_table_as_it_was(
    http: httpx.Client, server: LiveServer
) -> None:
    before = row_counts(server)
    body = {
        "data": {
            "type": "accounts",
            "attributes": {"name": "Never"},
            "relationships": {
                "contacts": {
                    "data": [
                        {"type": "contacts", "id": "a"},
                        {"type": "contacts", "id": "b"},
                        {"type": "contacts", "id": "c"},
                    ]
                }
            },
        },
        "included": [
            {"type": "contacts", "id": "a", "attributes": {"lastName": "A"}},
            {"type": "contacts", "id": "b", "attributes": {"lastName": "B"}},
            {"type": "contacts", "id": "c", "attributes": {"lastName": None}},
        ],
    }
    assert_errors(
        send(http, "POST", "/accounts", body),
        400,
        error(
            "not blank constraint",
            "This value should not be blank.",
            "/included/2/attributes/lastName",
        ),
    )
    assert row_counts(server) == before


def test_a_missing_related_record_of_an_item_changes_nothing(
    http: httpx.Client, server: LiveServer
) -> None:
    before = row_counts(server)
    body = copy.deepcopy(CREATE_EXAMPLE)
    body["included"][1]["relationships"]["source"] = identifier("contactsources", "nowhere")
    assert_errors(
        send(http, "POST", "/accounts", body),
        400,
        error(
            "form constraint",
            "The entity does not exist.",
            "/included/1/relationships/source/data",
        ),
    )
    assert row_counts(server) == before


def test_an_unconnected_item_is_refused(http: httpx.Client) -> None:
    body = {
        "data": {"type": "accounts", "attributes": {"name": "Lonely"}},
        "included": [{"type": "contacts", "id": "x", "attributes": {"lastName": "X"}}],
    }
    assert_errors(
        send(http, "POST", "/accounts", body),
        400,
        request_data(
            "The entity should have a relationship with the primary entity", "/included/0"
        ),
    )


def test_a_duplicate_item_is_refused(http: httpx.Client) -> None:
    item = {"type": "contacts", "id": "x", "attributes": {"lastName": "X"}}
    body = {
        "data": {
            "type": "accounts",
            "attributes": {"name": "Twice"},
            "relationships": {"contacts": {"data": [{"type": "contacts", "id": "x"}]}},
        },
        "included": [item, item],
    }
    assert_errors(
        send(http, "POST", "/accounts", body),
        400,
        request_data("The item duplicates the item with the index 0", "/included/1"),
    )


def test_an_unknown_type_is_refused(http: httpx.Client) -> None:
    body = {
        "data": {"type": "accounts", "attributes": {"name": "Unknown"}},
        "included": [{"type": "spaceships", "id": "x"}],
    }
    assert_errors(
        send(http, "POST", "/accounts", body),
        400,
        error("entity type constraint", "Unknown entity type: spaceships.", "/included/0/type"),
    )


def test_update_of_a_missing_record_is_refused(http: httpx.Client) -> None:
    body = {
        "data": {
            "type": "accounts",
            "attributes": {"name": "Missing"},
            "relationships": {"defaultContact": identifier("contacts", "999999")},
        },
        "included": [
            {"type": "contacts", "id": "999999", "meta": {"update": True}, "attributes": {}}
        ],
    }
    body["included"][0].pop("attributes")
    assert_errors(
        send(http, "POST", "/accounts", body),
        400,
        error("entity constraint", "The entity does not exist.", "/included/0"),
    )


@pytest.mark.parametrize(
    ("data_meta", "item_meta", "expected"),
    [
        pytest.param(
            None,
            {"validate": True},
            error("value constraint", "The option is not supported.", "/included/0/meta/validate"),
            id="validate-on-an-included-item",
        ),
        pytest.param(
            {"update": True},
            None,
            error("value constraint", "The option is not supported.", "/meta/update"),
            id="update-on-the-primary-object",
        ),
        pytest.param(
            None,
            {"update": True, "upsert": True},
            request_data("Only one meta option can be used.", "/included/0/meta"),
            id="two-options-on-an-included-item",
        ),
        pytest.param(
            {"upsert": True, "validate": True},
            None,
            request_data("Only one meta option can be used.", "/meta"),
            id="two-options-on-the-primary-object",
        ),
        pytest.param(
            None,
            {"update": "yes"},
            error("value constraint", "This value should be a boolean.", "/included/0/meta/update"),
            id="update-not-a-boolean",
        ),
        pytest.param(
            {"upsert": 1},
            None,
            error(
                "value constraint",
                "This value should be a boolean or an array of strings.",
                "/meta/upsert",
            ),
            id="upsert-not-a-boolean-or-list",
        ),
    ],
)
def test_meta_option_rules(
    http: httpx.Client, data_meta: Any, item_meta: Any, expected: dict[str, Any]
) -> None:
    data: dict[str, Any] = {
        "type": "accounts",
        "attributes": {"name": "Options"},
        "relationships": {"contacts": {"data": [{"type": "contacts", "id": "x"}]}},
    }
    item: dict[str, Any] = {"type": "contacts", "id": "x", "attributes": {"lastName": "X"}}
    if data_meta is not None:
        data["meta"] = data_meta
    if item_meta is not None:
        item["meta"] = item_meta
    assert_errors(
        send(http, "POST", "/accounts", {"data": data, "included": [item]}), 400, expected
    )


def test_included_is_refused_on_relationship_writes(http: httpx.Client) -> None:
    body = {"data": [], "included": [{"type": "contacts", "id": "x"}]}
    assert_errors(
        send(http, "PATCH", "/accounts/1/relationships/contacts", body),
        400,
        request_data("The 'included' section should not exist", "/included"),
    )


# --- the OpenAPI document's example bodies ----------------------------------------


def test_every_example_body_with_included_creates_its_records(http: httpx.Client) -> None:
    openapi = get_json(http, "/doc/openapi.json")
    examples = {
        path: media["x-example-with-included"]
        for path, item in openapi["paths"].items()
        if "post" in item
        for media in item["post"].get("requestBody", {}).get("content", {}).values()
        if "x-example-with-included" in media
    }
    assert {"/api/accounts", "/api/contacts", "/api/orders"} <= set(examples)
    for path, named in examples.items():  # named: the example body
        body = named
        doc = document(send(http, "POST", path.removeprefix("/api"), body), 201)
        assert [item["meta"] for item in doc["included"]] == [{"includeId": "new-1"}], path


def get_json(http: httpx.Client, url: str) -> Any:
    response = http.get(url, headers={"Accept": "application/json"})
    assert response.status_code == 200
    return response.json()
