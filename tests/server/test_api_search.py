"""Search over real HTTP: the legacy REST search and advanced search (reference §17.1), the index
following every write in its transaction, and access control on what a caller finds and counts.

On SQLite and on PostgreSQL (tests/server/conftest.py): one live server (no access control)
serves the module's read tests, and the write tests change records they create themselves; the
access tests run a second server with access control on.
"""

from __future__ import annotations

import time
from collections.abc import Iterator
from typing import Any

import httpx
import pytest

from tests.auth.acl_support import ADMIN, REP, call, header_user_server
from tests.jsonapi_schema import assert_valid_response
from tests.live_server import JSON_API, LiveServer
from tests.postgres import NewDatabase
from tests.server.batch_support import accounts, run

JSON = "application/json"
SEARCH = "/api/rest/latest/search"
ADVANCED = "/api/rest/latest/search/advanced"
ORDER_CLASS = "Oro\\Bundle\\OrderBundle\\Entity\\Order"
ACCOUNT_CLASS = "Oro\\Bundle\\AccountBundle\\Entity\\Account"
ACCEPT = {"Accept": JSON_API}


@pytest.fixture(scope="module")
def live(new_database: NewDatabase) -> Iterator[LiveServer]:
    with LiveServer(new_database("search")) as server:
        yield server


@pytest.fixture(scope="module")
def client(live: LiveServer) -> Iterator[httpx.Client]:
    with httpx.Client(base_url=live.origin, timeout=30) as c:
        yield c


def legacy(client: httpx.Client, url: str, status: int = 200, **params: Any) -> Any:
    response = client.get(url, params=params)
    assert response.status_code == status, response.text
    assert response.headers["content-type"] == JSON
    return response.json()


def create(client: httpx.Client, type_: str, attributes: dict[str, Any]) -> str:
    body = {"data": {"type": type_, "attributes": attributes}}
    headers = {"Content-Type": JSON_API, "Accept": JSON_API}
    response = client.post(f"/api/{type_}", json=body, headers=headers)
    assert response.status_code == 201, response.text
    return str(response.json()["data"]["id"])


def found_ids(client: httpx.Client, text: str, from_: str = "oro_account") -> list[int]:
    doc = legacy(client, SEARCH, search=text, **{"from": from_, "max_results": "100"})
    return [item["record_id"] for item in doc["data"]]


# --- simple search ------------------------------------------------------------------------------


def test_simple_search_lists_records_count_count_and_data(client: httpx.Client) -> None:
    doc = legacy(client, SEARCH, search="john", max_results="3")
    assert set(doc) == {"records_count", "count", "data", "aggregated_data"}
    assert doc["aggregated_data"] == []  # Oro's Result::toSearchResultData(): none asked
    assert doc["count"] == 3 and doc["records_count"] > 3
    assert set(doc["data"][0]) == {"entity_name", "record_id", "record_string"}
    # every record found has the word in its indexed text
    whole = legacy(client, SEARCH, search="john", max_results="1000")
    assert whole["records_count"] == whole["count"] == len(whole["data"])


def test_simple_search_pages_with_offset_and_max_results(client: httpx.Client) -> None:
    first = legacy(client, SEARCH, search="john", offset="0", max_results="2")["data"]
    second = legacy(client, SEARCH, search="john", offset="2", max_results="2")["data"]
    both = legacy(client, SEARCH, search="john", offset="0", max_results="4")["data"]
    assert first + second == both


def test_simple_search_from_restricts_the_types(client: httpx.Client) -> None:
    doc = legacy(client, SEARCH, search="PO", **{"from": "oro_order", "max_results": "5"})
    assert doc["count"] > 0
    assert {item["entity_name"] for item in doc["data"]} == {ORDER_CLASS}


def test_simple_search_unknown_alias_is_a_400(client: httpx.Client) -> None:
    doc = legacy(client, SEARCH, 400, search="x", **{"from": "nope"})
    assert doc == [
        {
            "title": "bad request http exception",
            "detail": 'The search alias "nope" is unknown.',
            "source": "from",
        }
    ]


def test_legacy_search_is_get_only(client: httpx.Client) -> None:
    response = client.post(SEARCH)
    assert response.status_code == 405
    assert response.headers["allow"] == "GET"


# --- advanced search ----------------------------------------------------------------------------


def test_advanced_search_where_select_order_by(client: httpx.Client) -> None:
    query = (
        "select (text.firstName as first, text.lastName) from oro_contact"
        " where firstName ~ john order_by lastName desc max_results 5"
    )
    doc = legacy(client, ADVANCED, query=query)
    assert 0 < doc["count"] <= 5 <= doc["records_count"] or doc["count"] == doc["records_count"]
    item = doc["data"][0]
    assert set(item) == {
        "entity_name",
        "record_id",
        "record_string",
        "record_url",
        "selected_data",
    }
    assert item["record_url"].endswith(f"/contact/view/{item['record_id']}")
    last_names = [entry["selected_data"]["lastName"] for entry in doc["data"]]
    assert last_names == sorted(last_names, reverse=True)
    assert all(entry["selected_data"]["first"].lower().startswith("john") for entry in doc["data"])


@pytest.mark.parametrize(
    ("condition", "check"),
    [
        pytest.param("integer timesContacted > 5", lambda v: v > 5, id="gt"),
        pytest.param("integer timesContacted <= 2", lambda v: v <= 2, id="lte"),
        pytest.param("integer timesContacted in (1, 3)", lambda v: v in (1, 3), id="in"),
        pytest.param("integer timesContacted !in (1, 3)", lambda v: v not in (1, 3), id="not-in"),
        pytest.param("integer timesContacted = 4", lambda v: v == 4, id="eq"),
        pytest.param("integer timesContacted != 4", lambda v: v != 4, id="neq"),
    ],
)
def test_advanced_search_numeric_operators(
    client: httpx.Client, condition: str, check: Any
) -> None:
    query = f"select integer.timesContacted from oro_contact where {condition} max_results 1000"
    doc = legacy(client, ADVANCED, query=query)
    values = [item["selected_data"]["timesContacted"] for item in doc["data"]]
    assert values and all(check(v) for v in values)
    everyone = legacy(client, ADVANCED, query="from oro_contact max_results 0")["records_count"]
    assert doc["records_count"] < everyone


@pytest.mark.parametrize(
    ("condition", "check"),
    [
        pytest.param("name like inc", lambda v: "inc" in v.lower(), id="like"),
        pytest.param("name notlike inc", lambda v: "inc" not in v.lower(), id="notlike"),
        pytest.param("name !~ inc", lambda v: "inc" not in v.lower().split(), id="not-contains"),
        pytest.param('all_text ~ "inc"', lambda v: True, id="all-text"),
    ],
)
def test_advanced_search_text_operators(client: httpx.Client, condition: str, check: Any) -> None:
    query = f"select name from oro_account where {condition} max_results 1000"
    doc = legacy(client, ADVANCED, query=query)
    names = [item["selected_data"]["name"] for item in doc["data"]]
    assert names and all(check(n) for n in names)


def test_advanced_search_brackets_and_or(client: httpx.Client) -> None:
    query = (
        "select (integer.timesContacted as n, text.firstName as first) from oro_contact"
        " where (integer timesContacted = 1 or integer timesContacted = 2) and firstName ~ a"
        " max_results 1000"
    )
    doc = legacy(client, ADVANCED, query=query)
    assert doc["count"] > 0
    assert all(item["selected_data"]["n"] in (1, 2) for item in doc["data"])


def records_count(client: httpx.Client, where: str) -> int:
    query = f"from oro_contact where {where} max_results 0"
    return int(legacy(client, ADVANCED, query=query)["records_count"])


def test_advanced_search_reads_and_or_left_to_right(client: httpx.Client) -> None:
    one, two = "integer timesContacted = 1", "integer timesContacted = 2"
    nobody = "firstName ~ zqxjnobody"
    assert records_count(client, one) > 0 and records_count(client, two) > 0
    # as Oro's criteria add them, one by one: (one or two) and nobody — not one or (two and nobody)
    assert records_count(client, f"{one} or {two} and {nobody}") == 0
    assert records_count(client, f"{nobody} and {one} or {two}") == records_count(client, two)
    brackets = f"{one} or ({two} and {nobody})"
    assert records_count(client, brackets) == records_count(client, one)


def test_advanced_search_brackets_do_not_mix_and_with_or(client: httpx.Client) -> None:
    query = "from oro_contact where (integer timesContacted = 1 or firstName ~ a and lastName ~ b)"
    doc = legacy(client, ADVANCED, 400, query=query)
    assert doc == [
        {
            "title": "bad request http exception",
            "detail": 'Unexpected "and" at position 68: expected "or" (the conditions within one'
            ' pair of brackets are joined all by "and" or all by "or").',
            "source": "query",
        }
    ]


def test_advanced_search_aggregates_as_oro_does(client: httpx.Client) -> None:
    query = (
        "from oro_order where decimal totalValue > 100 aggregate status count statuses"
        " aggregate decimal totalValue sum as total aggregate decimal totalValue max biggest"
        " aggregate datetime createdAt min first max_results 2"
    )
    doc = legacy(client, ADVANCED, query=query)
    aggregated = doc["aggregated_data"]
    assert set(aggregated) == {"statuses", "total", "biggest", "first"}
    # a count: value → records; they add up to the records found
    assert all(isinstance(v, str) and isinstance(n, int) for v, n in aggregated["statuses"].items())
    assert sum(aggregated["statuses"].values()) == doc["records_count"] > doc["count"] == 2
    assert isinstance(aggregated["total"], float) and aggregated["total"] > aggregated["biggest"]
    assert aggregated["first"] < "2100"
    # the same counts as JSON:API's filter[aggregations] over the same orders
    params = {
        "filter[entities]": "orders",
        "filter[searchQuery]": "totalValue > 100",
        "filter[aggregations]": "status count",
    }
    statuses = jsonapi(client, "/api/search", params=params).json()["meta"]["aggregatedData"]
    assert {s["value"]: s["count"] for s in statuses["statusCount"]} == aggregated["statuses"]


def test_advanced_search_aggregates_over_nothing(client: httpx.Client) -> None:
    query = (
        "from oro_order where identifier ~ zqxjnothing"
        " aggregate status count statuses aggregate decimal totalValue sum total"
    )
    doc = legacy(client, ADVANCED, query=query)
    # a count with nothing counted is left out, a sum over nothing is 0 (Oro's (float) null)
    assert doc == {"records_count": 0, "data": [], "count": 0, "aggregated_data": {"total": 0.0}}


def test_advanced_search_aggregate_errors_name_the_position(client: httpx.Client) -> None:
    doc = legacy(client, ADVANCED, 400, query="from oro_order aggregate status sum total")
    assert doc == [
        {
            "title": "bad request http exception",
            "detail": 'The function "sum" does not apply to the text field "status".'
            " (at position 25)",
            "source": "query",
        }
    ]


def test_advanced_search_datetime_and_several_aliases(client: httpx.Client) -> None:
    query = (
        'from (oro_account, oro_contact) where datetime createdAt >= "2026-01-01 00:00:00"'
        " offset 1 max_results 3"
    )
    doc = legacy(client, ADVANCED, query=query)
    assert doc["count"] == 3
    assert {i["entity_name"] for i in doc["data"]} <= {
        ACCOUNT_CLASS,
        "Oro\\Bundle\\ContactBundle\\Entity\\Contact",
    }


@pytest.mark.parametrize(
    ("query", "detail"),
    [
        pytest.param(
            "from oro_contact where firstName ~",
            "Unexpected end of the query at position 34: expected a value.",
            id="missing-value",
        ),
        pytest.param(
            "from oro_contact where firstName is john",
            'Unexpected "is" at position 33: expected an operator'
            " (~, !~, like, notlike, =, !=, >, <, >=, <=, in, !in).",
            id="bad-operator",
        ),
        pytest.param(
            "where integer timesContacted > many",
            'Expected integer value. Given "many". (at position 6)',
            id="bad-integer",
        ),
    ],
)
def test_advanced_search_errors_name_the_position(
    client: httpx.Client, query: str, detail: str
) -> None:
    doc = legacy(client, ADVANCED, 400, query=query)
    assert doc[0]["title"] == "bad request http exception"
    assert doc[0]["detail"] == detail


# --- the index follows every write --------------------------------------------------------------


def test_a_created_record_is_found_and_a_deleted_one_is_not(client: httpx.Client) -> None:
    id_ = create(client, "accounts", {"name": "Zyxwvut Holdings"})
    assert found_ids(client, "zyxwvut") == [int(id_)]
    response = client.patch(
        f"/api/accounts/{id_}",
        json={"data": {"type": "accounts", "id": id_, "attributes": {"name": "Qponml Holdings"}}},
        headers={"Content-Type": JSON_API, **ACCEPT},
    )
    assert response.status_code == 200, response.text
    assert found_ids(client, "zyxwvut") == []
    assert found_ids(client, "qponml") == [int(id_)]
    assert client.delete(f"/api/accounts/{id_}", headers=ACCEPT).status_code == 204
    assert found_ids(client, "qponml") == []


def test_a_delete_by_filter_leaves_no_entry(client: httpx.Client) -> None:
    ids = [create(client, "accounts", {"name": f"Filterdel Number{i}"}) for i in range(2)]
    response = client.delete("/api/accounts", params={"filter[id]": ",".join(ids)}, headers=ACCEPT)
    assert response.status_code == 204, response.text
    assert found_ids(client, "filterdel") == []


def test_a_failed_write_leaves_no_trace(client: httpx.Client) -> None:
    body = {"data": {"type": "accounts", "attributes": {"name": "Rolledback Nowhere"}}}
    body["data"]["relationships"] = {"owner": {"data": {"type": "users", "id": "999999"}}}
    response = client.post("/api/accounts", json=body, headers={"Content-Type": JSON_API})
    assert response.status_code == 400, response.text
    assert found_ids(client, "rolledback") == []


def test_a_cascade_delete_removes_the_entries_it_takes(client: httpx.Client) -> None:
    contact = create(client, "contacts", {"firstName": "Cascadeperson", "lastName": "X"})
    assert found_ids(client, "cascadeperson", "oro_contact") == [int(contact)]
    assert client.delete(f"/api/contacts/{contact}", headers=ACCEPT).status_code == 204
    assert found_ids(client, "cascadeperson", "oro_contact") == []


def post(client: httpx.Client, url: str, body: dict[str, Any], status: int) -> Any:
    headers = {"Content-Type": JSON_API, **ACCEPT}
    response = client.post(url, json=body, headers=headers)
    assert response.status_code == status, response.text
    return response.json() if response.content else None


def test_included_items_are_indexed_with_their_primary_record(client: httpx.Client) -> None:
    body = {
        "data": {
            "type": "accounts",
            "attributes": {"name": "Primaryword Partners"},
            "relationships": {"contacts": {"data": [{"type": "contacts", "id": "c1"}]}},
        },
        "included": [
            {
                "type": "contacts",
                "id": "c1",
                "attributes": {"firstName": "Includedword", "lastName": "X"},
            }
        ],
    }
    doc = post(client, "/api/accounts", body, 201)
    assert found_ids(client, "primaryword") == [int(doc["data"]["id"])]
    contact = int(doc["included"][0]["id"])
    assert found_ids(client, "includedword", "oro_contact") == [contact]


def test_a_validate_only_create_is_never_found(client: httpx.Client) -> None:
    body = {
        "data": {
            "type": "accounts",
            "meta": {"validate": True},
            "attributes": {"name": "Validatedword Only"},
            "relationships": {"contacts": {"data": [{"type": "contacts", "id": "c"}]}},
        },
        "included": [{"type": "contacts", "id": "c", "attributes": {"lastName": "Validword"}}],
    }
    post(client, "/api/accounts", body, 201)
    assert found_ids(client, "validatedword") == []
    assert found_ids(client, "validword", "oro_contact") == []


def test_an_upsert_reindexes_the_record_it_finds(client: httpx.Client) -> None:
    sku = "SRCH-UPSERT-1"
    first = {"data": {"type": "products", "attributes": {"sku": sku, "name": "Oldupsertname"}}}
    created = post(client, "/api/products", first, 201)["data"]["id"]
    again = {
        "data": {
            "type": "products",
            "meta": {"upsert": ["sku"]},
            "attributes": {"sku": sku, "name": "Newupsertname"},
        }
    }
    assert post(client, "/api/products", again, 200)["data"]["id"] == created
    assert found_ids(client, "oldupsertname", "oro_product") == []
    assert found_ids(client, "newupsertname", "oro_product") == [int(created)]


def test_a_relationship_write_reindexes_the_owner(client: httpx.Client) -> None:
    id_ = create(client, "accounts", {"name": "Relwrite Account"})
    query = "select integer.owner from oro_account where name ~ relwrite"
    before = legacy(client, ADVANCED, query=query)["data"][0]["selected_data"]["owner"]
    other = 6 if before != 6 else 7
    response = client.patch(
        f"/api/accounts/{id_}/relationships/owner",
        json={"data": {"type": "users", "id": str(other)}},
        headers={"Content-Type": JSON_API, **ACCEPT},
    )
    assert response.status_code == 204, response.text
    after = legacy(client, ADVANCED, query=query)["data"][0]["selected_data"]["owner"]
    assert after == other


def test_records_created_through_a_batch_are_found(live: LiveServer) -> None:
    """An asynchronous operation's records are indexed after it is saved, as Oro's message
    queue indexes them (its queue's next task); a synchronous one's with it."""
    with httpx.Client(base_url=live.origin + "/api", headers=ACCEPT, timeout=30) as api:
        operation, errors = run(api, "accounts", accounts("Batchword One", "Batchword Two"))
        assert (operation["attributes"]["status"], errors) == ("success", [])
        response = api.patch(
            "/accounts",
            json=accounts("Syncword One"),
            headers={"Content-Type": JSON_API, "X-Mode": "sync"},
        )
        assert response.status_code == 200, response.text
    with httpx.Client(base_url=live.origin, timeout=30) as client:
        found = legacy(client, SEARCH, search="syncword", **{"from": "oro_account"})["data"]
        assert [item["record_string"] for item in found] == ["Syncword One"]
        deadline = time.monotonic() + 30
        while True:
            doc = legacy(client, SEARCH, search="batchword", **{"from": "oro_account"})
            if doc["records_count"] == 2 or time.monotonic() > deadline:
                break
            time.sleep(0.05)
    assert sorted(item["record_string"] for item in doc["data"]) == [
        "Batchword One",
        "Batchword Two",
    ]


# --- access control -----------------------------------------------------------------------------


@pytest.fixture(scope="module")
def guarded(new_database: NewDatabase) -> Iterator[LiveServer]:
    yield from header_user_server(new_database("search-acl"))


def search_as(server: LiveServer, user: int, url: str, **params: str) -> Any:
    response = call(server, user, "GET", url.removeprefix("/api"), params=params)
    assert response.status_code == 200, response.text
    return response.json()


def test_a_sales_rep_finds_and_counts_only_their_records(guarded: LiveServer) -> None:
    query = "select integer.owner from oro_order max_results 1000"
    mine = search_as(guarded, REP, ADVANCED, query=query)
    everyone = search_as(guarded, ADMIN, ADVANCED, query=query)
    assert 0 < mine["records_count"] < everyone["records_count"]
    assert {item["selected_data"]["owner"] for item in mine["data"]} == {REP}
    simple = search_as(guarded, REP, SEARCH, search="PO", **{"from": "oro_order"})
    assert simple["records_count"] <= mine["records_count"]


def test_a_sales_reps_legacy_aggregates_count_only_their_records(guarded: LiveServer) -> None:
    query = "from oro_order aggregate integer owner count owners aggregate status count statuses"
    mine = search_as(guarded, REP, ADVANCED, query=query)
    everyone = search_as(guarded, ADMIN, ADVANCED, query=query)
    assert mine["aggregated_data"]["owners"] == {str(REP): mine["records_count"]}
    assert sum(mine["aggregated_data"]["statuses"].values()) == mine["records_count"]
    assert len(everyone["aggregated_data"]["owners"]) > 1


def test_search_without_credentials_is_401(guarded: LiveServer) -> None:
    response = call(guarded, None, "GET", "/rest/latest/search", params={"search": "x"})
    assert response.status_code == 401


# --- JSON:API /api/search and /api/searchentities ----------------------------------------------


def jsonapi(client: httpx.Client, url: str, status: int = 200, **kw: Any) -> Any:
    headers = {"Accept": JSON_API, **kw.pop("headers", {})}
    response = client.get(url, params=kw.pop("params", None), headers=headers)
    assert response.status_code == status, response.text
    assert response.headers["content-type"] == JSON_API
    assert_valid_response(response.json())
    return response


def test_search_text_lists_search_items(client: httpx.Client) -> None:
    params = {"filter[searchText]": "john", "page[size]": "2"}
    response = jsonapi(client, "/api/search", params=params, headers={"X-Include": "totalCount"})
    doc = response.json()
    assert len(doc["data"]) == 2
    assert int(response.headers["X-Include-Total-Count"]) > 2
    item = doc["data"][0]
    type_, _, id_ = item["id"].rpartition("-")
    assert item["type"] == "search"
    assert item["relationships"]["entity"]["data"] == {"type": type_, "id": id_}
    assert set(item["attributes"]) == {"entityName"}
    ui = {"users": "/user/view/", "contacts": "/contact/view/"}[type_]
    origin = str(client.base_url).rstrip("/")
    assert item["links"]["entityUrl"] == f"{origin}{ui}{id_}"
    assert doc["links"]["next"].endswith("page%5Bnumber%5D=2&page%5Bsize%5D=2")


def test_search_include_entity_hydrates_the_records(client: httpx.Client) -> None:
    params = {
        "filter[searchText]": "john",
        "filter[entities]": "contacts",
        "include": "entity",
        "page[size]": "3",
    }
    doc = jsonapi(client, "/api/search", params=params).json()
    related = [item["relationships"]["entity"]["data"] for item in doc["data"]]
    assert [{"type": i["type"], "id": i["id"]} for i in doc["included"]] == related
    assert all(
        "john" in f"{i['attributes']['firstName']} {i['attributes']['lastName']}".lower()
        for i in doc["included"]
    )


def test_search_query_and_aggregations(client: httpx.Client) -> None:
    params = {
        "filter[entities]": "orders",
        "filter[searchQuery]": "totalValue > 100",
        "filter[aggregations]": "status count, totalValue sum, totalValue max biggest",
        "page[size]": "1",
    }
    response = jsonapi(client, "/api/search", params=params, headers={"X-Include": "totalCount"})
    doc = response.json()
    aggregated = doc["meta"]["aggregatedData"]
    statuses = aggregated["statusCount"]
    assert sum(s["count"] for s in statuses) == int(response.headers["X-Include-Total-Count"])
    assert all(set(s) == {"value", "count"} for s in statuses)
    assert aggregated["totalValueSum"] > aggregated["biggest"] > 100


@pytest.mark.parametrize(
    ("params", "parameter", "detail"),
    [
        pytest.param(
            {"filter[searchQuery]": "totalValue >"},
            "filter[searchQuery]",
            "Unexpected end of the query at position 12: expected a value.",
            id="syntax",
        ),
        pytest.param(
            {"filter[aggregations]": "status median"},
            "filter[aggregations]",
            'Unexpected "median" at position 7: expected an aggregate function'
            " (count, sum, avg, min, max).",
            id="function",
        ),
        pytest.param(
            {"filter[entities]": "countries"},
            "filter[entities]",
            'The "countries" is not a searchable entity type.',
            id="entities",
        ),
        pytest.param({"filter[name]": "x"}, "filter[name]", "The filter is not supported.", id="f"),
    ],
)
def test_search_errors(
    client: httpx.Client, params: dict[str, str], parameter: str, detail: str
) -> None:
    doc = jsonapi(client, "/api/search", 400, params=params).json()
    assert doc == {
        "errors": [
            {
                "status": "400",
                "title": "filter constraint",
                "detail": detail,
                "source": {"parameter": parameter},
            }
        ]
    }


def test_searchentities_lists_types_and_their_fields(client: httpx.Client) -> None:
    doc = jsonapi(client, "/api/searchentities", params={"filter[searchable]": "true"}).json()
    by_type = {item["id"]: item["attributes"] for item in doc["data"]}
    assert "countries" not in by_type
    assert by_type["users"]["entityName"] == "User"
    assert by_type["users"]["searchable"] is True
    assert {
        "name": "fullName",
        "type": "text",
        "entityFields": ["firstName", "middleName", "lastName"],
    } in by_type["users"]["fields"]
    one = jsonapi(client, "/api/searchentities/countries").json()
    assert one["data"]["attributes"]["searchable"] is False
    jsonapi(client, "/api/searchentities/nope", 404)


def test_a_sales_reps_aggregations_count_only_their_records(guarded: LiveServer) -> None:
    params = {"filter[entities]": "orders", "filter[aggregations]": "owner count"}
    mine = call(guarded, REP, "GET", "/search", params=params).json()
    assert mine["meta"]["aggregatedData"]["ownerCount"][0]["value"] == REP
    assert len(mine["meta"]["aggregatedData"]["ownerCount"]) == 1
