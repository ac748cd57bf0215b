"""Write documents with related records (``sandbox.writes``): built from dicts and pandas rows,
then sent to a live server whose answer maps each temporary id to a real one."""

from __future__ import annotations

import math
from typing import Any

import orjson
import pandas as pd
import pytest

from sandbox import ApiClient, Record, Ref, RequestSpec, SpecError, include_ids
from tests.jsonapi_schema import assert_valid_response

JOHN = Record(
    "contacts", {"firstName": "John", "lastName": "Doe"}, source=Ref("contactsources", "tv")
)


@pytest.mark.parametrize(
    ("record", "expected"),
    [
        pytest.param(
            Record("accounts", {"name": "Solo"}),
            {"data": {"type": "accounts", "attributes": {"name": "Solo"}}},
            id="no-related-records",
        ),
        pytest.param(
            Record("accounts", {"name": "Cloth World"}, contacts=[JOHN], owner=Ref("users", "1")),
            {
                "data": {
                    "type": "accounts",
                    "attributes": {"name": "Cloth World"},
                    "relationships": {
                        "contacts": {"data": [{"type": "contacts", "id": "new-1"}]},
                        "owner": {"data": {"type": "users", "id": "1"}},
                    },
                },
                "included": [
                    {
                        "type": "contacts",
                        "id": "new-1",
                        "attributes": {"firstName": "John", "lastName": "Doe"},
                        "relationships": {
                            "source": {"data": {"type": "contactsources", "id": "tv"}}
                        },
                    }
                ],
            },
            id="a-new-related-record-gets-a-temporary-id",
        ),
        pytest.param(
            Record(
                "accounts",
                {"name": "Same"},
                contacts=[JOHN],
                defaultContact=JOHN,
            ),
            {
                "data": {
                    "type": "accounts",
                    "attributes": {"name": "Same"},
                    "relationships": {
                        "contacts": {"data": [{"type": "contacts", "id": "new-1"}]},
                        "defaultContact": {"data": {"type": "contacts", "id": "new-1"}},
                    },
                },
                "included": [
                    {
                        "type": "contacts",
                        "id": "new-1",
                        "attributes": {"firstName": "John", "lastName": "Doe"},
                        "relationships": {
                            "source": {"data": {"type": "contactsources", "id": "tv"}}
                        },
                    }
                ],
            },
            id="one-record-referred-twice-is-included-once",
        ),
        pytest.param(
            Record(
                "products",
                {"sku": "A-1", "name": "Upserted"},
                upsert=["sku"],
                weightUnit=Record("weightunits", {"conversionRates": {}}, id="st", upsert=True),
            ),
            {
                "data": {
                    "type": "products",
                    "meta": {"upsert": ["sku"]},
                    "attributes": {"sku": "A-1", "name": "Upserted"},
                    "relationships": {"weightUnit": {"data": {"type": "weightunits", "id": "st"}}},
                },
                "included": [
                    {
                        "type": "weightunits",
                        "id": "st",
                        "meta": {"upsert": True},
                        "attributes": {"conversionRates": {}},
                    }
                ],
            },
            id="upsert-options-and-a-client-id",
        ),
        pytest.param(
            Record(
                "accounts",
                {"name": "Updated"},
                id="5",
                update=True,
                defaultContact=Record("contacts", {"jobTitle": "CEO"}, id="7", update=True),
            ),
            {
                "data": {
                    "type": "accounts",
                    "id": "5",
                    "attributes": {"name": "Updated"},
                    "relationships": {"defaultContact": {"data": {"type": "contacts", "id": "7"}}},
                },
                "included": [
                    {
                        "type": "contacts",
                        "id": "7",
                        "meta": {"update": True},
                        "attributes": {"jobTitle": "CEO"},
                    }
                ],
            },
            id="update-of-an-included-record",
        ),
    ],
)
def test_document(record: Record, expected: dict[str, Any]) -> None:
    assert record.document() == expected


def test_validate_marks_the_primary_object() -> None:
    assert Record("tasks", {"subject": "x"}).document(validate=True)["data"]["meta"] == {
        "validate": True
    }


def test_a_reference_back_to_a_primary_record_without_id_is_refused() -> None:
    account = Record("accounts", {"name": "Loop"})
    account.relationships["contacts"] = [Record("contacts", {"lastName": "L"}, accounts=[account])]
    with pytest.raises(SpecError, match="needs an id"):
        account.document()


def test_of_a_pandas_row_leaves_missing_values_out() -> None:
    frame = pd.DataFrame(
        [{"sku": "P-1", "name": "Bolt", "weight": math.nan, "gtin": 42, "featured": True}]
    )
    row = frame.iloc[0]
    record = Record.of("products", row, upsert=["sku"], weightUnit=None)
    assert record.document() == {
        "data": {
            "type": "products",
            "meta": {"upsert": ["sku"]},
            "attributes": {"sku": "P-1", "name": "Bolt", "gtin": 42, "featured": True},
        }
    }


@pytest.mark.parametrize(
    ("document", "expected"),
    [
        pytest.param({"data": {}}, {}, id="nothing-included"),
        pytest.param(
            {
                "included": [
                    {"type": "contacts", "id": "79", "meta": {"includeId": "new-1"}},
                    {"type": "users", "id": "1"},
                ]
            },
            {"new-1": "79"},
            id="only-written-items",
        ),
        pytest.param(None, {}, id="no-document"),
    ],
)
def test_include_ids(document: Any, expected: dict[str, str]) -> None:
    assert include_ids(document) == expected


def test_request_spec_meta_and_included() -> None:
    spec = RequestSpec("accounts", "create", body='{"data": {"type": "accounts"}}')
    spec = spec.with_meta(validate=True).with_included(
        Record("contacts", {"lastName": "Doe"}, id="c1")
    )
    assert orjson.loads(spec.body) == {
        "data": {"type": "accounts", "meta": {"validate": True}},
        "included": [{"type": "contacts", "id": "c1", "attributes": {"lastName": "Doe"}}],
    }
    assert "meta" not in orjson.loads(spec.with_meta(validate=None).body)["data"]
    with pytest.raises(SpecError, match="not JSON"):
        RequestSpec("accounts", "create", body="{").with_meta(validate=True)


def test_write_creates_related_records_and_maps_their_ids(fresh_api_url: str) -> None:
    with ApiClient(fresh_api_url) as client:
        john = Record("contacts", {"firstName": "John", "lastName": "Doe"})
        nancy = Record("contacts", {"firstName": "Nancy", "lastName": "Jones"})
        account = Record("accounts", {"name": "Cloth World"}, contacts=[john, nancy])
        checked = client.write(account, validate=True)
        assert checked.status == 201 and "location" not in checked.headers
        exchange = client.write(account).raise_for_errors()
        assert exchange.status == 201
        assert_valid_response(exchange.document)
        ids = exchange.include_ids
        assert set(ids) == {"new-1", "new-2"}
        linked = [item["id"] for item in exchange.data["relationships"]["contacts"]["data"]]
        assert linked == [ids["new-1"], ids["new-2"]]
        assert client.get(f"contacts/{ids['new-2']}").data["attributes"]["lastName"] == "Jones"
        again = Record("accounts", {"name": "Renamed"}, id=exchange.data["id"], update=True)
        assert client.write(again).data["attributes"]["name"] == "Renamed"
