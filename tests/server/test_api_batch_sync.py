"""The synchronous Batch API, ``X-Mode: sync``, over real HTTP (reference §16; checklist "Sync
batch"). The limits are set low (3 primary, 2 included items) so that exceeding them is cheap."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import httpx
import pytest

from tests.live_server import LiveServer
from tests.server.batch_support import accounts, submit, wait
from tests.server.write_support import JSON_API, document, error

SYNC = {"X-Mode": "sync"}


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[LiveServer]:
    database = tmp_path_factory.mktemp("batch-sync") / "api.db"
    with LiveServer(database, sync_limit=3, sync_included_limit=2, batch_chunk_size=1) as live:
        yield live


@pytest.fixture(scope="module")
def http(server: LiveServer) -> Iterator[httpx.Client]:
    with httpx.Client(
        base_url=server.origin + "/api", headers={"Accept": JSON_API}, timeout=30
    ) as client:
        yield client


def count(http: httpx.Client, type_: str) -> int:
    response = http.get(
        f"/{type_}", params={"page[size]": "1"}, headers={"X-Include": "totalCount"}
    )
    return int(response.headers["x-include-total-count"])


# reference §16's example, as the reference writes it
EXAMPLE: dict[str, Any] = {
    "data": [
        {
            "type": "accounts",
            "id": "account_1",
            "attributes": {"name": "Account 1"},
            "relationships": {"contacts": {"data": [{"type": "contacts", "id": "contact_1"}]}},
        },
        {
            "type": "accounts",
            "id": "account_2",
            "attributes": {"name": "Account 2"},
            "relationships": {"contacts": {"data": [{"type": "contacts", "id": "contact_2"}]}},
        },
    ],
    "included": [
        {
            "type": "contacts",
            "id": "contact_1",
            "attributes": {
                "firstName": "C1",
                "lastName": "Sync",
                "primaryEmail": "contact1@example.com",
            },
        },
        {
            "type": "contacts",
            "id": "contact_2",
            "attributes": {
                "firstName": "C2",
                "lastName": "Sync",
                "primaryEmail": "contact2@example.com",
            },
        },
    ],
}


def test_sync_batch_answers_200_with_what_it_wrote(http: httpx.Client) -> None:
    response = submit(http, "accounts", EXAMPLE, **SYNC)
    doc = document(response, 200)
    assert "content-location" not in response.headers
    assert [(a["attributes"]["name"], a["meta"]) for a in doc["data"]] == [
        ("Account 1", {"dataId": "account_1"}),
        ("Account 2", {"dataId": "account_2"}),
    ]
    assert [(c["attributes"]["primaryEmail"], c["meta"]) for c in doc["included"]] == [
        ("contact1@example.com", {"includeId": "contact_1"}),
        ("contact2@example.com", {"includeId": "contact_2"}),
    ]
    contacts = [a["relationships"]["contacts"]["data"] for a in doc["data"]]
    assert contacts == [[{"type": "contacts", "id": c["id"]}] for c in doc["included"]]
    stored = document(http.get(f"/accounts/{doc['data'][0]['id']}"), 200)["data"]
    assert stored["attributes"]["name"] == "Account 1"


def test_items_sent_without_id_get_no_meta(http: httpx.Client) -> None:
    doc = document(submit(http, "accounts", accounts("Plain 1", "Plain 2"), **SYNC), 200)
    assert ["meta" in item for item in doc["data"]] == [False, False]
    assert [item["attributes"]["name"] for item in doc["data"]] == ["Plain 1", "Plain 2"]


def test_any_error_saves_nothing(http: httpx.Client) -> None:
    before = (count(http, "accounts"), count(http, "contacts"))
    body = {
        **EXAMPLE,
        "data": [EXAMPLE["data"][0], {**EXAMPLE["data"][1], "attributes": {"name": ""}}],
    }
    response = submit(http, "accounts", body, **SYNC)
    assert document(response, 400) == {
        "errors": [
            error(
                "not blank constraint", "This value should not be blank.", "/data/1/attributes/name"
            )
        ]
    }
    assert "content-location" not in response.headers
    assert (count(http, "accounts"), count(http, "contacts")) == before


def test_a_refused_included_item_is_the_answer(http: httpx.Client) -> None:
    """Oro's testTryToUpdateEntitiesWithDuplicatedIncludeEntities…WithSyncMode."""
    before = count(http, "accounts")
    twice = EXAMPLE["included"][0]
    body = {**EXAMPLE, "included": [twice, twice]}
    response = submit(http, "accounts", body, **SYNC)
    assert document(response, 400) == {
        "errors": [
            error(
                "request data constraint",
                "The item duplicates the item with the index 0",
                "/included/1",
            )
        ]
    }
    assert count(http, "accounts") == before


@pytest.mark.parametrize(
    ("body", "detail"),
    [
        pytest.param(
            accounts("a", "b", "c", "d"),
            "The data limit for the synchronous operation exceeded. The maximum number of records"
            " that can be processed by the synchronous operation is 3.",
            id="primary",
        ),
        pytest.param(
            {
                "data": [{"type": "accounts", "attributes": {"name": "x"}}],
                "included": [{"type": "contacts", "id": str(i)} for i in range(3)],
            },
            'The data limit for the synchronous operation exceeded for the section "included".'
            " The maximum number of included records that can be processed by the synchronous"
            " operation is 2.",
            id="included",
        ),
    ],
)
def test_limits(http: httpx.Client, body: dict[str, Any], detail: str) -> None:
    response = submit(http, "accounts", body, **SYNC)
    assert document(response, 400) == {"errors": [error("request data constraint", detail)]}
    assert "content-location" not in response.headers


def test_explicit_async_mode_is_the_default(http: httpx.Client) -> None:
    response = submit(http, "accounts", accounts("Async 1"), **{"X-Mode": "async"})
    assert response.status_code == 202
    assert wait(http, response.headers["content-location"])["attributes"]["status"] == "success"


def test_past_the_wait_timeout_the_answer_is_asynchronous(tmp_path: Any) -> None:
    with (
        LiveServer(tmp_path / "api.db", sync_wait_timeout=0.0) as live,
        httpx.Client(base_url=live.origin + "/api", headers={"Accept": JSON_API}) as http,
    ):
        response = submit(http, "accounts", accounts("Late 1", "Late 2"), **SYNC)
        assert response.status_code == 202
        url = response.headers["content-location"]
        assert document(response, 202)["data"]["type"] == "asyncoperations"
        finished = wait(http, url)
        assert finished["attributes"]["summary"]["createCount"] == 2
