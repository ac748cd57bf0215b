"""``sandbox.search.results``: search documents as frames (pure, literal documents)."""

from __future__ import annotations

from typing import Any

import pandas as pd
import pytest

from sandbox.search import aggregations_frame, legacy_frame, search_frames

SEARCH = {
    "data": [
        {
            "type": "search",
            "id": "users-1",
            "links": {"entityUrl": "http://x/user/view/1"},
            "attributes": {"entityName": "John Doe"},
            "relationships": {"entity": {"data": {"type": "users", "id": "1"}}},
        },
        {
            "type": "search",
            "id": "contacts-6",
            "links": {"entityUrl": "http://x/contact/view/6"},
            "attributes": {"entityName": "John Anderson"},
            "relationships": {"entity": {"data": {"type": "contacts", "id": "6"}}},
        },
    ],
    "included": [
        {"type": "users", "id": "1", "attributes": {"username": "admin", "loginCount": 3}},
        {
            "type": "contacts",
            "id": "6",
            "attributes": {"firstName": "John"},
            "relationships": {"owner": {"data": {"type": "users", "id": "1"}}},
        },
    ],
    "meta": {
        "aggregatedData": {
            "statusCount": [{"value": "open", "count": 3}, {"value": "closed", "count": 1}],
            "totalValueSum": 12.5,
        }
    },
}


def test_hits_and_one_frame_per_type_found() -> None:
    frames = search_frames(SEARCH)
    assert list(frames) == ["search", "users", "contacts"]
    expected = pd.DataFrame(
        {
            "entityName": ["John Doe", "John Anderson"],
            "entity.type": ["users", "contacts"],
            "entity.id": pd.array([1, 6], dtype="Int64"),
            "entityUrl": ["http://x/user/view/1", "http://x/contact/view/6"],
        },
        index=pd.Index(["users-1", "contacts-6"], name="id", dtype="str"),
    ).astype({"entityName": "str", "entity.type": "str", "entityUrl": "str"})
    pd.testing.assert_frame_equal(frames.data, expected)
    assert frames["users"].loc[1, "username"] == "admin"
    assert frames["contacts"].loc[6, "owner.id"] == 1
    assert frames.meta == SEARCH["meta"]


def test_no_hits_keep_the_columns() -> None:
    frames = search_frames({"data": []})
    assert list(frames) == ["search"]
    assert list(frames.data.columns) == ["entityName", "entity.type", "entity.id", "entityUrl"]
    assert frames.data.empty


@pytest.mark.parametrize(
    ("document", "rows"),
    [
        pytest.param(
            SEARCH,
            [
                ("statusCount", "open", 3),
                ("statusCount", "closed", 1),
                ("totalValueSum", 12.5, pd.NA),
            ],
            id="count-and-sum",
        ),
        pytest.param({"data": []}, [], id="none-asked"),
        pytest.param(
            {"meta": {"aggregatedData": {"statusCount": [], "totalValueMin": None}}},
            [("totalValueMin", None, pd.NA)],
            id="nothing-found",
        ),
    ],
)
def test_aggregations_frame(document: dict[str, Any], rows: list[tuple[Any, ...]]) -> None:
    frame = aggregations_frame(document)
    assert list(frame.columns) == ["aggregation", "value", "count"]
    assert [tuple(row) for row in frame.itertuples(index=False)] == rows
    assert str(frame["count"].dtype) == "Int64"


def test_legacy_frame() -> None:
    document = {
        "records_count": 7,
        "count": 2,
        "data": [
            {
                "entity_name": "Oro\\Bundle\\OrderBundle\\Entity\\Order",
                "record_id": 5,
                "record_string": "SO-5",
                "record_url": "http://x/order/view/5",
                "selected_data": {"identifier": "SO-5", "t": 10.5},
            },
            {
                "entity_name": "Oro\\Bundle\\OrderBundle\\Entity\\Order",
                "record_id": 6,
                "record_string": "SO-6",
                "record_url": "http://x/order/view/6",
                "selected_data": {"identifier": "SO-6"},
            },
        ],
    }
    frame = legacy_frame(document)
    assert list(frame.columns) == [
        "entity_name",
        "record_id",
        "record_string",
        "record_url",
        "selected_data.identifier",
        "selected_data.t",
    ]
    assert frame["record_id"].tolist() == [5, 6]
    assert frame["selected_data.t"].isna().tolist() == [False, True]
    assert frame.attrs == {"records_count": 7, "count": 2}


def test_legacy_frame_of_nothing_found() -> None:
    frame = legacy_frame({"records_count": 0, "count": 0, "data": []})
    assert list(frame.columns) == ["entity_name", "record_id", "record_string"]
    assert frame.empty


def test_aggregations_of_a_legacy_answer() -> None:
    document = {
        "records_count": 3,
        "count": 0,
        "data": [],
        "aggregated_data": {"statusCount": {"open": 2, "closed": 1}, "totalSum": 30.5},
    }
    frame = aggregations_frame(document)
    assert [tuple(row) for row in frame.itertuples(index=False)] == [
        ("statusCount", "open", 2),
        ("statusCount", "closed", 1),
        ("totalSum", 30.5, pd.NA),
    ]
