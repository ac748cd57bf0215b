"""Delete an item and delete a list by filter (reference §5.2-5.3, §7.1 X-Include, §8).

One server for the module. Seeded ids used: users 21-30 (they own nothing), business units 2-3,
customers 7, 8 and 18, contacts 2 and accounts 1, order 5, order line items 1001-1250.
"""

from __future__ import annotations

import json
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
    document,
    error,
    get,
    live_server,
)

NOT_FOUND = error(
    "not found http exception",
    "An entity with the requested identifier does not exist.",
    status=404,
)
NO_FILTER = error("filter constraint", "At least one filter must be provided.")
COUNTS = {"X-Include": "totalCount;deletedCount"}


@pytest.fixture(scope="module")
def server(new_database: NewDatabase) -> Iterator[LiveServer]:
    with live_server(new_database, "deletes") as live:
        yield live


@pytest.fixture(scope="module")
def http(server: LiveServer) -> Iterator[httpx.Client]:
    with api_client(server) as client:
        yield client


def delete(
    http: httpx.Client, url: str, body: Any = None, headers: dict[str, str] | None = None
) -> httpx.Response:
    content = None if body is None else json.dumps(body)
    return http.request(
        "DELETE", url, content=content, headers={"Content-Type": JSON_API, **(headers or {})}
    )


def assert_no_content(response: httpx.Response) -> None:
    assert response.status_code == 204, response.text
    assert response.content == b""
    assert "content-type" not in response.headers


def ids(http: httpx.Client, url: str) -> list[str]:
    return [item["id"] for item in get(http, url)["data"]]


def counts(response: httpx.Response) -> dict[str, str]:
    return {k: v for k, v in response.headers.items() if k.startswith("x-include-")}


# --- delete an item -----------------------------------------------------------------------------


def test_delete_answers_204_then_the_record_is_gone(http: httpx.Client) -> None:
    id_ = create(http, "accounts")["id"]
    assert_no_content(delete(http, f"/accounts/{id_}"))
    assert_errors(http.get(f"/accounts/{id_}"), 404, NOT_FOUND)
    assert_errors(delete(http, f"/accounts/{id_}"), 404, NOT_FOUND)


def test_the_id_of_a_deleted_record_is_not_handed_out_again(http: httpx.Client) -> None:
    first = create(http, "accounts")["id"]
    assert_no_content(delete(http, f"/accounts/{first}"))
    assert int(create(http, "accounts")["id"]) > int(first)


def test_delete_a_seeded_user_that_owns_nothing(http: httpx.Client) -> None:
    assert_no_content(delete(http, "/users/30"))
    assert_errors(http.get("/users/30"), 404, NOT_FOUND)
    assert ids(http, "/userroles/5/relationships/users?page[size]=-1").count("30") == 0


@pytest.mark.parametrize(
    ("url", "status", "expected"),
    [
        pytest.param("/accounts/999999", 404, NOT_FOUND, id="missing"),
        pytest.param(
            "/accounts/abc",
            400,
            error("entity identifier constraint", 'Expected integer value. Given "abc".'),
            id="malformed-id",
        ),
    ],
)
def test_delete_errors(http: httpx.Client, url: str, status: int, expected: Any) -> None:
    assert_errors(delete(http, url), status, expected)


def test_delete_cascades_to_owned_line_items(http: httpx.Client) -> None:
    assert ids(http, "/orderlineitems?filter[order]=5") != []
    assert_no_content(delete(http, "/orders/5"))
    assert ids(http, "/orderlineitems?filter[order]=5") == []


def test_delete_clears_optional_references_to_the_record(http: httpx.Client) -> None:
    account = get(http, "/accounts/1")["data"]["relationships"]
    assert account["defaultContact"]["data"] == {"type": "contacts", "id": "2"}
    assert {"type": "contacts", "id": "2"} in account["contacts"]["data"]
    assert_no_content(delete(http, "/contacts/2"))
    account = get(http, "/accounts/1")["data"]["relationships"]
    assert account["defaultContact"]["data"] is None
    assert {"type": "contacts", "id": "2"} not in account["contacts"]["data"]


RESTRICTED = [
    pytest.param(
        "/businessunits/2",
        ["/businessunits/2", "/businessunits/5", "/users/3"],
        'The delete operation is forbidden. Reason: the record is referenced by "owner" of'
        ' 1 "businessunits" record(s).',
        id="parent-business-unit",
    ),
    pytest.param(
        # customers.parent is cleared (set null) before orders.customer refuses: nothing may stick
        "/customers/7",
        ["/customers/7", "/customers/8", "/customers/18", "/orders/1"],
        'The delete operation is forbidden. Reason: the record is referenced by "customer" of'
        ' 17 "orders" record(s).',
        id="customer-with-orders-and-children",
    ),
]


@pytest.mark.parametrize(("url", "watched", "detail"), RESTRICTED)
def test_a_record_a_restricting_association_refers_to_cannot_be_deleted(
    http: httpx.Client, url: str, watched: list[str], detail: str
) -> None:
    before = [get(http, path) for path in watched]
    response = delete(http, url)
    assert_errors(response, 403, error("access denied exception", detail, status=403))
    assert [get(http, path) for path in watched] == before


# --- delete a list ------------------------------------------------------------------------------


def test_delete_list_the_documented_example(http: httpx.Client) -> None:
    response = delete(http, "/users?filter[id]=21,22", headers={"X-Include": "deletedCount"})
    assert_no_content(response)
    assert counts(response) == {"x-include-deleted-count": "2"}
    assert ids(http, "/users?filter[id]=21,22") == []


def test_delete_list_reports_total_and_deleted_counts(http: httpx.Client) -> None:
    for _ in range(3):
        create(http, "accounts", {"name": "Doomed Co."})
    response = delete(http, "/accounts?filter[name]=Doomed Co.", headers=COUNTS)
    assert_no_content(response)
    assert counts(response) == {"x-include-total-count": "3", "x-include-deleted-count": "3"}
    again = delete(http, "/accounts?filter[name]=Doomed Co.", headers=COUNTS)
    assert_no_content(again)
    assert counts(again) == {"x-include-total-count": "0", "x-include-deleted-count": "0"}


def test_delete_list_without_x_include_sends_no_counts(http: httpx.Client) -> None:
    id_ = create(http, "accounts")["id"]
    response = delete(http, f"/accounts?filter[id]={id_}")
    assert_no_content(response)
    assert counts(response) == {}
    assert_errors(http.get(f"/accounts/{id_}"), 404, NOT_FOUND)


@pytest.mark.parametrize(
    ("body", "deleted"),
    [
        pytest.param({"filter": {"id": {"gt": "28", "lt": "30"}}}, ["29"], id="nested-operators"),
        pytest.param({"filter": {"id": "23"}}, ["23"], id="nested"),
        pytest.param({"filter[id]": "24"}, ["24"], id="flat"),
    ],
)
def test_delete_list_reads_filters_from_the_body(
    http: httpx.Client, body: dict[str, Any], deleted: list[str]
) -> None:
    response = delete(http, "/users", body, headers={"X-Include": "deletedCount"})
    assert_no_content(response)
    assert counts(response) == {"x-include-deleted-count": str(len(deleted))}
    assert ids(http, f"/users?filter[id]={','.join(deleted)}") == []


@pytest.mark.parametrize(
    ("query_id", "body", "body_id"),
    [
        pytest.param("25", {"filter[id]": "26"}, "26", id="flat"),
        pytest.param("27", {"filter": {"id": "28"}}, "28", id="nested"),
    ],
)
def test_delete_list_query_string_wins_over_the_body(
    http: httpx.Client, query_id: str, body: dict[str, Any], body_id: str
) -> None:
    response = delete(http, f"/users?filter[id]={query_id}", body, headers=COUNTS)
    assert_no_content(response)
    assert counts(response) == {"x-include-total-count": "1", "x-include-deleted-count": "1"}
    assert ids(http, f"/users?filter[id]={query_id},{body_id}") == [body_id]


def test_delete_list_deletes_at_most_100_records_per_request(http: httpx.Client) -> None:
    url = "/orderlineitems?filter[id][gt]=1000&filter[id][lte]=1250"
    first = delete(http, url, headers=COUNTS)
    assert_no_content(first)
    assert counts(first) == {"x-include-total-count": "250", "x-include-deleted-count": "100"}
    remaining = http.get(url + "&page[size]=1", headers={"X-Include": "totalCount"})
    assert document(remaining, 200)["data"] != []
    assert remaining.headers["x-include-total-count"] == "150"
    second = delete(http, url, headers=COUNTS)
    assert counts(second) == {"x-include-total-count": "150", "x-include-deleted-count": "100"}


@pytest.mark.parametrize(
    ("url", "body"),
    [
        pytest.param("/users", None, id="no-filter"),
        pytest.param("/users", {}, id="empty-body-object"),
        pytest.param("/users", {"filter": {}}, id="empty-body-filter"),
    ],
)
def test_delete_list_needs_a_filter(http: httpx.Client, url: str, body: Any) -> None:
    before = get(http, "/users?page[size]=-1")
    response = delete(http, url, body, headers=COUNTS)
    assert_errors(response, 400, NO_FILTER)
    assert counts(response) == {}
    assert get(http, "/users?page[size]=-1") == before


@pytest.mark.parametrize(
    ("url", "status", "expected"),
    [
        pytest.param(
            "/users?filter[id]=abc",
            400,
            {
                "status": "400",
                "title": "filter constraint",
                "detail": 'Expected integer value. Given "abc".',
                "source": {"parameter": "filter[id]"},
            },
            id="bad-filter-value",
        ),
        pytest.param(
            "/businessunits?filter[id]=2,3",
            403,
            error(
                "access denied exception",
                'The delete operation is forbidden. Reason: the record is referenced by "owner"'
                ' of 1 "businessunits" record(s).',
                status=403,
            ),
            id="restricted",
        ),
    ],
)
def test_delete_list_drops_count_headers_on_errors(
    http: httpx.Client, url: str, status: int, expected: dict[str, Any]
) -> None:
    response = delete(http, url, headers=COUNTS)
    assert_errors(response, status, expected)
    assert counts(response) == {}


def test_delete_list_in_a_restricted_set_deletes_nothing(http: httpx.Client) -> None:
    free = create(http, "businessunits")["id"]  # nothing refers to it; unit 2 is referred to
    watched = ["/businessunits/2", f"/businessunits/{free}"]
    before = [get(http, path) for path in watched]
    response = delete(http, f"/businessunits?filter[id]=2,{free}", headers=COUNTS)
    assert response.status_code == 403
    assert counts(response) == {}
    assert [get(http, path) for path in watched] == before
