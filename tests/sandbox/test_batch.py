"""``sandbox.batch``: batch documents from rows (pure, table of cases) and batches sent to a live
server, asynchronous and synchronous, with errors joined back to the input rows."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pandas as pd
import pytest

from sandbox import ApiClient, Record, Ref, batch_document, submit
from tests.live_server import LiveServer

CASES = [
    pytest.param(
        [{"name": "A"}, {"name": "B", "description": None}],
        {
            "data": [
                {"type": "accounts", "id": "row-0", "attributes": {"name": "A"}},
                {"type": "accounts", "id": "row-1", "attributes": {"name": "B"}},
            ]
        },
        (),
        id="mappings",
    ),
    pytest.param(
        [
            Record("accounts", {"name": "A"}, contacts=[Record("contacts", {"lastName": "X"})]),
            Record("accounts", {"name": "B"}, contacts=[Record("contacts", {"lastName": "Y"})]),
        ],
        {
            "data": [
                {
                    "type": "accounts",
                    "id": "row-0",
                    "attributes": {"name": "A"},
                    "relationships": {
                        "contacts": {"data": [{"type": "contacts", "id": "r0.new-1"}]}
                    },
                },
                {
                    "type": "accounts",
                    "id": "row-1",
                    "attributes": {"name": "B"},
                    "relationships": {
                        "contacts": {"data": [{"type": "contacts", "id": "r1.new-1"}]}
                    },
                },
            ],
            "included": [
                {"type": "contacts", "id": "r0.new-1", "attributes": {"lastName": "X"}},
                {"type": "contacts", "id": "r1.new-1", "attributes": {"lastName": "Y"}},
            ],
        },
        (0, 1),
        id="related-records-with-ids-unique-in-the-request",
    ),
    pytest.param(
        [Record("accounts", {"name": "Z"}, id="7", update=True, owner=Ref("users", "1"))],
        {
            "data": [
                {
                    "type": "accounts",
                    "id": "7",
                    "meta": {"update": True},
                    "attributes": {"name": "Z"},
                    "relationships": {"owner": {"data": {"type": "users", "id": "1"}}},
                }
            ]
        },
        (),
        id="update",
    ),
]


@pytest.mark.parametrize(("rows", "expected", "included_rows"), CASES)
def test_batch_document(
    rows: Any, expected: dict[str, Any], included_rows: tuple[int, ...]
) -> None:
    batch = batch_document("accounts", rows)
    assert batch.document == expected
    assert batch.included_rows == included_rows


@pytest.mark.parametrize(
    ("pointer", "row"),
    [
        pytest.param("/data/1/attributes/name", 1, id="data"),
        pytest.param("/included/1", 1, id="included"),
        pytest.param(None, None, id="none"),
    ],
)
def test_row_of(pointer: str | None, row: int | None) -> None:
    rows = [Record("accounts", {"name": n}, contacts=[Record("contacts", {})]) for n in "ab"]
    assert batch_document("accounts", rows).row_of(pointer) == row


def test_a_dataframe_is_one_row_per_item() -> None:
    frame = pd.DataFrame({"name": ["A", "B"], "description": ["d", float("nan")]})
    assert batch_document("accounts", frame).document["data"][1] == {
        "type": "accounts",
        "id": "row-1",
        "attributes": {"name": "B"},
    }


@pytest.fixture(scope="module")
def client(tmp_path_factory: pytest.TempPathFactory) -> Iterator[ApiClient]:
    database = tmp_path_factory.mktemp("batch-lib") / "api.db"
    with LiveServer(database, batch_chunk_size=2) as live, ApiClient(live.origin + "/api") as api:
        yield api


def test_async_batch_errors_join_the_input_rows(client: ApiClient) -> None:
    frame = pd.DataFrame({"name": ["Lib-1", "", "Lib-3"], "description": ["a", "b", "c"]})
    result = submit(client, "accounts", frame, progress=False, poll=0.02)
    assert result.status == "success"
    assert (result.summary or {})["writeCount"] == 2
    errors = result.errors_frame(frame)
    assert errors[["row", "field", "title", "description"]].to_dict("records") == [
        {"row": 1, "field": "name", "title": "not blank constraint", "description": "b"}
    ]
    assert result.ids == {}  # Oro tells no ids of an asynchronous batch


def test_sync_batch_maps_ids_to_rows(client: ApiClient) -> None:
    rows = [{"name": "Sync-lib-1"}, {"name": "Sync-lib-2"}]
    result = submit(client, "accounts", rows, sync=True)
    assert (result.status, sorted(result.ids)) == ("success", [0, 1])
    names = [client.get(f"accounts/{result.ids[i]}").data["attributes"]["name"] for i in (0, 1)]
    assert names == ["Sync-lib-1", "Sync-lib-2"]
    framed = result.with_ids(pd.DataFrame(rows))
    assert list(framed["id"]) == [result.ids[0], result.ids[1]]


def test_sync_batch_with_an_error_saves_nothing_and_names_the_row(client: ApiClient) -> None:
    rows = [
        Record(
            "accounts", {"name": "Sync-bad-0"}, contacts=[Record("contacts", {"firstName": "F"})]
        )
    ]
    result = submit(client, "accounts", rows, sync=True)
    assert result.status == "failed"
    assert [(e["row"], e["field"], e["pointer"]) for e in result.errors] == [
        (0, "lastName", "/included/0/attributes/lastName")
    ]
    assert result.ids == {}
