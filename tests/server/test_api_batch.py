"""The asynchronous Batch API over real HTTP (reference §15; checklist "Batch API").

One server for the module, with small chunks (2 primary, 2 included items) so that a handful of
items already spans several chunks; each test makes its own records.
"""

from __future__ import annotations

import re
import time
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from typing import Any

import httpx
import pytest

from tests.live_server import LiveServer
from tests.server.batch_support import accounts, operation_url, run, submit, wait
from tests.server.write_support import JSON_API, document, error

OPERATION_KEYS = [
    "status",
    "progress",
    "createdAt",
    "updatedAt",
    "elapsedTime",
    "entityType",
    "summary",
]


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[LiveServer]:
    database = tmp_path_factory.mktemp("batch") / "api.db"
    with LiveServer(database, batch_chunk_size=2, batch_included_chunk_size=2) as live:
        yield live


@pytest.fixture(scope="module")
def http(server: LiveServer) -> Iterator[httpx.Client]:
    with httpx.Client(
        base_url=server.origin + "/api", headers={"Accept": JSON_API}, timeout=30
    ) as client:
        yield client


def names(http: httpx.Client, type_: str, prefix: str, field: str = "name") -> list[str]:
    """The ``field`` values starting with ``prefix`` of every record, in id order."""
    params = {"page[size]": "-1", "sort": "id", f"fields[{type_}]": field}
    data = document(http.get(f"/{type_}", params=params), 200)["data"]
    return [v for item in data if (v := item["attributes"][field] or "").startswith(prefix)]


def test_batch_answers_202_with_a_new_operation(server: LiveServer, http: httpx.Client) -> None:
    response = submit(http, "accounts", accounts("New-1", "New-2"))
    assert response.status_code == 202
    assert response.headers["content-type"] == JSON_API
    url = response.headers["content-location"]
    assert re.fullmatch(rf"{server.origin}/api/asyncoperations/\d+", url)
    data = response.json()["data"]
    assert data["type"] == "asyncoperations"
    assert url.endswith("/" + data["id"])
    assert data["links"] == {"self": url}
    attributes = data["attributes"]
    assert list(attributes) == OPERATION_KEYS
    assert (attributes["status"], attributes["progress"], attributes["summary"]) == (
        "new",
        None,
        None,
    )
    assert (attributes["entityType"], attributes["elapsedTime"]) == ("accounts", 0)
    assert data["relationships"] == {
        "owner": {"data": {"type": "users", "id": "1"}},
        "organization": {"data": {"type": "organizations", "id": "1"}},
    }
    finished = wait(http, url)
    assert finished["attributes"]["status"] == "success"
    assert finished["attributes"]["progress"] == 1
    assert finished["attributes"]["summary"] | {"aggregateTime": 0} == {
        "aggregateTime": 0,
        "readCount": 2,
        "writeCount": 2,
        "errorCount": 0,
        "createCount": 2,
        "updateCount": 0,
    }
    assert names(http, "accounts", "New-") == ["New-1", "New-2"]


def test_one_invalid_item_is_an_error_the_others_are_saved(http: httpx.Client) -> None:
    body = accounts("Part-0", "Part-1", "Part-2", "", "Part-4")
    operation, errors = run(http, "accounts", body)
    summary = operation["attributes"]["summary"]
    assert operation["attributes"]["status"] == "success"
    assert (summary["readCount"], summary["writeCount"], summary["errorCount"]) == (5, 4, 1)
    assert names(http, "accounts", "Part-") == ["Part-0", "Part-1", "Part-2", "Part-4"]
    # item 3 is the second of the second chunk: the pointer names its place in the request
    assert errors == [
        {
            "type": "asyncoperationerrors",
            "id": f"{operation['id']}-2-1",
            "attributes": {
                "status": 400,
                "title": "not blank constraint",
                "detail": "This value should not be blank.",
                "source": {"pointer": "/data/3/attributes/name"},
            },
        }
    ]


def contact(id_: str, first: str) -> dict[str, Any]:
    return {"type": "contacts", "id": id_, "attributes": {"firstName": first, "lastName": "Batch"}}


def linked(name: str, *contact_ids: str, **more: Any) -> dict[str, Any]:
    refs = [{"type": "contacts", "id": i} for i in contact_ids]
    item = {
        "type": "accounts",
        "attributes": {"name": name},
        "relationships": {"contacts": {"data": refs}},
    }
    return item | more


def test_included_items_are_written_with_their_primary_items(http: httpx.Client) -> None:
    body = {
        "data": [linked("Inc-A", "c1"), linked("Inc-B", "c2", "c3"), linked("Inc-C", "c1")],
        "included": [contact("c1", "Shared"), contact("c2", "Bea"), contact("c3", "Cid")],
    }
    operation, errors = run(http, "accounts", body)
    assert (operation["attributes"]["status"], errors) == ("success", [])
    params = {"include": "contacts", "sort": "name", "page[size]": "-1"}
    doc = document(http.get("/accounts", params=params), 200)
    doc["data"] = [a for a in doc["data"] if a["attributes"]["name"].startswith("Inc-")]
    firsts = {c["id"]: c["attributes"]["firstName"] for c in doc["included"]}
    linked_names = [
        sorted(firsts[r["id"]] for r in a["relationships"]["contacts"]["data"]) for a in doc["data"]
    ]
    # the contact both A and C name is written once and linked to both
    assert linked_names == [["Shared"], ["Bea", "Cid"], ["Shared"]]
    assert names(http, "contacts", "Shared", field="firstName") == ["Shared"]


def test_errors_of_included_items_point_into_the_request(http: httpx.Client) -> None:
    body = {
        "data": [linked("Ptr-A", "x1"), linked("Ptr-B", "x2")],
        "included": [
            contact("x1", "Ok"),
            {
                "type": "contacts",
                "id": "x2",
                "attributes": {"firstName": "B", "lastName": "M", "primaryEmail": "not-an-email"},
            },
            contact("x3", "Orphan"),
        ],
    }
    operation, errors = run(http, "accounts", body)
    assert operation["attributes"]["status"] == "success"
    sources = sorted(e["attributes"]["source"]["pointer"] for e in errors)
    assert sources == ["/included/1/attributes/primaryEmail", "/included/2"]
    orphan = next(e for e in errors if e["attributes"]["source"]["pointer"] == "/included/2")
    assert orphan["attributes"]["detail"] == (
        "The entity should have a relationship with at least one primary entity"
        " and this should be explicitly specified in the request"
    )
    # the included section's own errors are numbered apart from the chunks' (Oro's file 0)
    assert orphan["id"] == f"{operation['id']}-0-1"
    assert names(http, "accounts", "Ptr-") == ["Ptr-A"]


def test_an_included_section_with_refused_items_processes_nothing(http: httpx.Client) -> None:
    body = {
        "data": [linked("Ref-A", "r1"), linked("Ref-B", "r2")],
        "included": [
            contact("r1", "One"),
            {"type": "contacts", "attributes": {"firstName": "No id"}},
            "not an object",
            contact("r2", "Two"),
            contact("r2", "Two again"),
            {"type": "contacts", "id": 7},
            contact("r9", "Unlinked"),
        ],
    }
    operation, errors = run(http, "accounts", body)
    attributes = operation["attributes"]
    assert attributes["status"] == "success"
    assert attributes["summary"] | {"aggregateTime": 0} == {
        "aggregateTime": 0,
        "readCount": 0,
        "writeCount": 0,
        "errorCount": 4,
        "createCount": 0,
        "updateCount": 0,
    }
    assert [
        (e["id"], e["attributes"]["detail"], e["attributes"]["source"]["pointer"]) for e in errors
    ] == [
        (f"{operation['id']}-0-1", "The 'id' property is required", "/included/1"),
        (f"{operation['id']}-0-2", "The item should be an object", "/included/2"),
        (f"{operation['id']}-0-3", "The item duplicates the item with the index 3", "/included/4"),
        (f"{operation['id']}-0-4", "The 'id' property should be a string", "/included/5"),
    ]
    assert names(http, "accounts", "Ref-") == []


def test_meta_update_upsert_and_validate(http: httpx.Client) -> None:
    run(http, "accounts", accounts("Meta-old", "Meta-upsert"))
    params = {"filter[name]": "Meta-old"}
    old_id = document(http.get("/accounts", params=params), 200)["data"][0]["id"]
    body = {
        "data": [
            {
                "type": "accounts",
                "id": old_id,
                "meta": {"update": True},
                "attributes": {"name": "Meta-updated"},
            },
            {
                "type": "accounts",
                "meta": {"upsert": ["name"]},
                "attributes": {"name": "Meta-upsert", "description": "found"},
            },
            {
                "type": "accounts",
                "meta": {"validate": True},
                "attributes": {"name": "Meta-validated"},
            },
            {"type": "accounts", "meta": {"update": True}, "attributes": {"name": "Meta-no-id"}},
        ]
    }
    operation, errors = run(http, "accounts", body)
    summary = operation["attributes"]["summary"]
    assert (summary["createCount"], summary["updateCount"], summary["errorCount"]) == (0, 2, 1)
    assert names(http, "accounts", "Meta-") == ["Meta-updated", "Meta-upsert"]
    assert [e["attributes"]["source"] for e in errors] == [{"pointer": "/data/3/id"}]


def product(sku: str, name: str) -> dict[str, Any]:
    return {"type": "products", "attributes": {"sku": sku, "name": name}}


def test_a_unique_value_twice_in_one_chunk_saves_the_first(http: httpx.Client) -> None:
    # the items of a chunk are checked together: the second one still sees the first one's sku
    body = {
        "data": [
            product("DUP-1", "Dup first"),
            product("DUP-1", "Dup second"),
            product("4HH33", "Dup seeded"),
            product("DUP-3", "Dup third"),
        ]
    }
    operation, errors = run(http, "products", body)
    summary = operation["attributes"]["summary"]
    assert (summary["createCount"], summary["errorCount"]) == (2, 2)
    assert [
        (e["attributes"]["status"], e["attributes"]["title"], e["attributes"]["source"])
        for e in errors
    ] == [
        (400, "unique entity constraint", {"pointer": "/data/1/attributes/sku"}),
        (400, "unique entity constraint", {"pointer": "/data/2/attributes/sku"}),
    ]
    assert names(http, "products", "Dup ") == ["Dup first", "Dup third"]


def test_a_missing_related_record_skips_only_its_item(http: httpx.Client) -> None:
    missing = {"owner": {"data": {"type": "users", "id": "999999"}}}
    body = {
        "data": [
            {"type": "accounts", "attributes": {"name": "Rel-0"}},
            {"type": "accounts", "attributes": {"name": "Rel-1"}, "relationships": missing},
        ]
    }
    operation, errors = run(http, "accounts", body)
    assert operation["attributes"]["summary"]["errorCount"] == 1
    assert [(e["attributes"]["detail"], e["attributes"]["source"]) for e in errors] == [
        ("The entity does not exist.", {"pointer": "/data/1/relationships/owner/data"})
    ]
    assert names(http, "accounts", "Rel-") == ["Rel-0"]


def test_structure_errors_answer_at_once(http: httpx.Client) -> None:
    cases = [
        ({"meta": {}}, "The primary data object collection should exist"),
        ({"data": []}, "The primary data object collection should not be empty"),
        ({"data": {"type": "accounts"}}, "The primary data object collection should be an array"),
    ]
    for body, detail in cases:
        response = submit(http, "accounts", body)
        assert document(response, 400) == {
            "errors": [error("request data constraint", detail, "/data")]
        }
        assert "content-location" not in response.headers
    response = submit(http, "accounts", accounts("X"), **{"X-Mode": "later"})
    assert document(response, 400)["errors"] == [
        error(
            "invalid header value exception",
            'The accepted values for the "X-Mode" are "sync" or "async".',
        )
    ]


def test_item_structure_errors_are_operation_errors(http: httpx.Client) -> None:
    body = {"data": ["not an object", {"type": "contacts", "attributes": {"firstName": "T"}}]}
    _, errors = run(http, "accounts", body)
    assert [(e["attributes"]["status"], e["attributes"]["source"]["pointer"]) for e in errors] == [
        (400, "/data/0"),
        (409, "/data/1/type"),
    ]


def test_batch_is_enabled_per_resource(http: httpx.Client) -> None:
    response = submit(http, "tasks", {"data": [{"type": "tasks", "attributes": {"subject": "T"}}]})
    assert response.status_code == 405
    assert response.headers["allow"] == "OPTIONS, GET, POST, DELETE"
    assert http.options("/accounts").headers["allow"] == "OPTIONS, GET, PATCH, POST, DELETE"


def test_operations_have_only_get_and_errors(http: httpx.Client) -> None:
    url = operation_url(submit(http, "accounts", accounts("Only-get")))
    for method, path, allow in [
        ("GET", "/asyncoperations", "OPTIONS"),
        ("POST", "/asyncoperations", "OPTIONS"),
        ("PATCH", url, "OPTIONS, GET"),
        ("DELETE", url, "OPTIONS, GET"),
        ("POST", f"{url}/errors", "OPTIONS, GET"),
        ("GET", "/asyncoperationerrors", "OPTIONS"),
    ]:
        response = http.request(method, path, headers={"Content-Type": JSON_API}, content=b"{}")
        assert (response.status_code, response.headers["allow"]) == (405, allow), (method, path)
    assert (
        document(http.get(f"{url}/owner"), 404)["errors"][0]["title"] == "relationship constraint"
    )
    meta = document(http.get(url, params={"meta": "title"}), 400)
    assert meta == {
        "errors": [
            {
                "status": "400",
                "title": "filter constraint",
                "detail": "The filter is not supported.",
                "source": {"parameter": "meta"},
            }
        ]
    }


def test_unknown_operation_is_404(http: httpx.Client) -> None:
    for path in ("/asyncoperations/999999", "/asyncoperations/999999/errors"):
        assert document(http.get(path), 404) == {
            "errors": [
                error(
                    "not found http exception",
                    "The asynchronous operation does not exist.",
                    status=404,
                )
            ]
        }


def test_errors_are_paginated_with_total_count(http: httpx.Client) -> None:
    operation, _ = run(http, "accounts", accounts("", "", "Pg-ok", ""))
    url = f"/asyncoperations/{operation['id']}/errors"
    page = http.get(url, params={"page[size]": "2"}, headers={"X-Include": "totalCount"})
    doc = document(page, 200)
    assert page.headers["x-include-total-count"] == "3"
    assert [e["attributes"]["source"]["pointer"] for e in doc["data"]] == [
        "/data/0/attributes/name",
        "/data/1/attributes/name",
    ]
    assert doc["links"]["next"].endswith("page%5Bnumber%5D=2&page%5Bsize%5D=2")
    second = document(http.get(url, params={"page[size]": "2", "page[number]": "2"}), 200)
    assert [e["id"] for e in second["data"]] == [f"{operation['id']}-2-1"]
    assert (
        document(http.get(url, params={"sort": "id"}), 400)["errors"][0]["title"]
        == "filter constraint"
    )


def test_two_batches_at_once_both_finish(http: httpx.Client) -> None:
    def one(tag: str) -> dict[str, Any]:
        body = accounts(*(f"Two-{tag}-{i}" for i in range(7)))
        return run(http, "accounts", body)[0]

    with ThreadPoolExecutor(2) as pool:
        results = list(pool.map(one, "ab"))
    assert [r["attributes"]["summary"]["createCount"] for r in results] == [7, 7]
    assert len(names(http, "accounts", "Two-")) == 14


def test_operations_older_than_the_lifetime_are_deleted(
    server: LiveServer, http: httpx.Client
) -> None:
    url = operation_url(submit(http, "accounts", accounts("Old")))
    wait(http, url)
    queue = server.app.state.backend.queue
    assert queue.cleanup(now=time.time() + 29 * 86400) == 0
    assert queue.cleanup(now=time.time() + 31 * 86400) >= 1
    assert http.get(url).status_code == 404
