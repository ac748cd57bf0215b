"""Upsert and validate over real HTTP (reference §13, §14, §21; checklist "Upsert / validate").

One server for the module; each test makes its own records. The reference's examples are sent
verbatim (``weightunits`` by id, ``taxjurisdictions`` by ``code``, ``orders`` validated).
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
    new_doc,
    row_counts,
    send,
)

WEIGHT_UNIT = {  # reference §13, verbatim
    "data": {
        "type": "weightunits",
        "id": "kg",
        "meta": {"upsert": True},
        "attributes": {"conversionRates": {"lbs": 2.2}},
    }
}
TAX_JURISDICTION = {  # reference §13, verbatim
    "data": {
        "type": "taxjurisdictions",
        "meta": {"upsert": ["code"]},
        "attributes": {
            "code": "SOME_TAX_JURISDICTION",
            "description": "Some tax jurisdiction description",
            "regionText": None,
            "zipCodes": [{"from": "90011", "to": None}, {"from": "90201", "to": "90280"}],
        },
        "relationships": {
            "country": {"data": {"type": "countries", "id": "US"}},
            "region": {"data": {"type": "regions", "id": "US-CA"}},
        },
    }
}
ORDER = {  # reference §14, verbatim
    "data": {
        "type": "orders",
        "meta": {"validate": True},
        "attributes": {"identifier": "FR1012401Z", "poNumber": "CV032342USDD"},
    }
}


@pytest.fixture(scope="module")
def server(new_database: NewDatabase) -> Iterator[LiveServer]:
    with live_server(new_database, "upsert") as live:
        yield live


@pytest.fixture(scope="module")
def http(server: LiveServer) -> Iterator[httpx.Client]:
    with api_client(server) as client:
        yield client


def value(detail: str, pointer: str = "/meta/upsert") -> dict[str, Any]:
    return error("value constraint", detail, pointer)


# --- the reference's examples --------------------------------------------------------------------


def test_weight_unit_by_id_post_then_patch(http: httpx.Client) -> None:
    response = send(http, "POST", "/weightunits", WEIGHT_UNIT)
    doc = document(response, 200)  # "kg" exists: updated
    assert doc["data"]["id"] == "kg"
    assert doc["data"]["attributes"]["conversionRates"] == {"lbs": 2.2}
    assert "meta" not in doc["data"]
    doc = document(send(http, "PATCH", "/weightunits/kg", WEIGHT_UNIT), 200)
    assert doc["data"]["attributes"]["conversionRates"] == {"lbs": 2.2}


def test_weight_unit_by_id_creates_when_absent(http: httpx.Client) -> None:
    body = {"data": {**WEIGHT_UNIT["data"], "id": "stone"}}
    response = send(http, "POST", "/weightunits", body)
    assert document(response, 201)["data"]["id"] == "stone"
    assert response.headers["location"].endswith("/api/weightunits/stone")
    body = {"data": {**WEIGHT_UNIT["data"], "id": "grain"}}
    response = send(http, "PATCH", "/weightunits/grain", body)
    assert document(response, 201)["data"]["id"] == "grain"
    assert get(http, "/weightunits/grain")["data"]["attributes"]["conversionRates"] == {"lbs": 2.2}


def test_tax_jurisdiction_by_code_creates_once_then_updates(http: httpx.Client) -> None:
    response = send(http, "POST", "/taxjurisdictions", TAX_JURISDICTION)
    created = document(response, 201)["data"]
    assert response.headers["location"].endswith(f"/api/taxjurisdictions/{created['id']}")
    assert created["attributes"]["zipCodes"] == TAX_JURISDICTION["data"]["attributes"]["zipCodes"]
    assert created["relationships"]["region"]["data"] == {"type": "regions", "id": "US-CA"}
    response = send(http, "POST", "/taxjurisdictions", TAX_JURISDICTION)
    updated = document(response, 200)["data"]
    assert "location" not in response.headers
    assert updated["id"] == created["id"]
    listed = get(http, "/taxjurisdictions?filter[code]=SOME_TAX_JURISDICTION")["data"]
    assert [item["id"] for item in listed] == [created["id"]]


def test_tax_jurisdictions_of_the_demo_have_zip_codes(http: httpx.Client) -> None:
    listed = get(http, "/taxjurisdictions?page[size]=-1")["data"]
    zip_codes = {item["attributes"]["code"]: item["attributes"]["zipCodes"] for item in listed}
    assert zip_codes["US_CA_LA"] == [
        {"from": "90011", "to": None},
        {"from": "90201", "to": "90280"},
    ]
    assert zip_codes["US_TX"] == []


@pytest.mark.parametrize(
    ("zip_codes", "expected"),
    [
        pytest.param(
            [{"from": "90011"}, "90012"],
            error("form constraint", "This value is not valid.", "/data/attributes/zipCodes/1"),
            id="scalar-item",
        ),
        pytest.param(
            [{"from": "90011", "till": "90020"}],
            error(
                "extra fields constraint",
                'This form should not contain extra fields: "till".',
                "/data/attributes/zipCodes/0",
            ),
            id="unknown-key",
        ),
        pytest.param(
            [{"from": "A1", "to": "A9"}],
            error(
                "zip code fields constraint",
                "Ranges are supported only for numeric postal codes",
                "/data/attributes/zipCodes/0/from",
            ),
            id="range-not-numeric",
        ),
        pytest.param(
            {"from": "90011"},
            error("form constraint", "This value is not valid.", "/data/attributes/zipCodes"),
            id="not-a-list",
        ),
    ],
)
def test_zip_codes_are_objects_with_from_and_to(
    http: httpx.Client, server: LiveServer, zip_codes: Any, expected: dict[str, Any]
) -> None:
    before = row_counts(server)
    body = copy.deepcopy(TAX_JURISDICTION)
    body["data"]["attributes"] |= {"code": "ZIP_CHECK", "zipCodes": zip_codes}
    assert_errors(send(http, "POST", "/taxjurisdictions", body), 400, expected)
    assert row_counts(server) == before


def test_validate_order_example_persists_nothing(http: httpx.Client, server: LiveServer) -> None:
    before = row_counts(server)
    body = {
        "data": {
            **ORDER["data"],
            "attributes": {**ORDER["data"]["attributes"], "currency": "USD"},
            "relationships": {"customer": {"data": {"type": "customers", "id": "1"}}},
        }
    }
    response = send(http, "POST", "/orders", body)
    doc = document(response, 201)
    assert "location" not in response.headers  # reference §21
    assert doc["data"]["attributes"]["identifier"] == "FR1012401Z"
    would_be = doc["data"]["id"]
    assert row_counts(server) == before
    assert http.get(f"/orders/{would_be}").status_code == 404
    real = {"data": {**body["data"], "meta": {"validate": False}}}
    assert document(send(http, "POST", "/orders", real), 201)["data"]["id"] == would_be


def test_validate_order_example_without_required_fields_answers_the_errors(
    http: httpx.Client,
) -> None:
    assert_errors(
        send(http, "POST", "/orders", ORDER),
        400,
        error(
            "not blank constraint", "This value should not be blank.", "/data/attributes/currency"
        ),
        error(
            "not blank constraint",
            "This value should not be blank.",
            "/data/relationships/customer/data",
        ),
    )


def test_validate_patch_answers_the_would_be_state_and_keeps_the_record(
    http: httpx.Client,
) -> None:
    before = get(http, "/orders/1")["data"]
    body = {  # reference §14, verbatim
        "data": {
            "type": "orders",
            "id": "1",
            "meta": {"validate": True},
            "attributes": {"customerNotes": "Please, call before delivery"},
        }
    }
    doc = document(send(http, "PATCH", "/orders/1", body), 200)
    assert doc["data"]["attributes"]["customerNotes"] == "Please, call before delivery"
    assert get(http, "/orders/1")["data"] == before  # not even updatedAt moved


def test_validate_runs_included_items_and_upsert_too(
    http: httpx.Client, server: LiveServer
) -> None:
    before = row_counts(server)
    body = {
        "data": {
            "type": "accounts",
            "meta": {"validate": True},
            "attributes": {"name": "Would be"},
            "relationships": {"contacts": {"data": [{"type": "contacts", "id": "c"}]}},
        },
        "included": [{"type": "contacts", "id": "c", "attributes": {"lastName": "Would"}}],
    }
    doc = document(send(http, "POST", "/accounts", body), 201)
    assert doc["included"][0]["meta"] == {"includeId": "c"}
    assert row_counts(server) == before
    product = create(http, "products")
    upsert = {
        "data": {
            "type": "products",
            "meta": {"validate": True},
            "attributes": {"sku": product["attributes"]["sku"], "name": "Renamed"},
        }
    }
    # validate and upsert are two options: "Only one meta option can be used."
    upsert["data"]["meta"] = {"validate": True, "upsert": ["sku"]}
    assert_errors(
        send(http, "POST", "/products", upsert),
        400,
        error("request data constraint", "Only one meta option can be used.", "/meta"),
    )


# --- upsert rules --------------------------------------------------------------------------------


def test_upsert_by_sku_updates_the_product(http: httpx.Client) -> None:
    product = create(http, "products")
    body = {
        "data": {
            "type": "products",
            "meta": {"upsert": ["sku"]},
            "attributes": {"sku": product["attributes"]["sku"], "name": "Upserted"},
        }
    }
    doc = document(send(http, "POST", "/products", body), 200)
    assert doc["data"]["id"] == product["id"]
    assert doc["data"]["attributes"]["name"] == "Upserted"


@pytest.mark.parametrize("field", ["username", "email"])
def test_upsert_user_by_username_or_email(http: httpx.Client, field: str) -> None:
    user = create(http, "users")
    body = {
        "data": {
            "type": "users",
            "meta": {"upsert": [field]},
            "attributes": {field: user["attributes"][field], "firstName": "Upserted"},
        }
    }
    doc = document(send(http, "POST", "/users", body), 200)
    assert doc["data"]["id"] == user["id"]
    assert doc["data"]["attributes"]["firstName"] == "Upserted"


def test_two_matches_are_a_conflict_and_change_nothing(http: httpx.Client) -> None:
    # accounts may be found by name (declared as a developer adds a field set): not unique
    first = create(http, "accounts", {"name": "Twin"})
    second = create(http, "accounts", {"name": "Twin"})
    body = {
        "data": {
            "type": "accounts",
            "meta": {"upsert": ["name"]},
            "attributes": {"name": "Twin", "description": "changed"},
        }
    }
    assert_errors(
        send(http, "POST", "/accounts", body),
        409,
        error(
            "conflict constraint", "The upsert operation founds more than one entity.", status=409
        ),
    )
    for account in (first, second):
        assert get(http, f"/accounts/{account['id']}")["data"]["attributes"]["description"] is None


@pytest.mark.parametrize(
    ("method", "url", "data", "expected"),
    [
        pytest.param(
            "PATCH",
            "/taxjurisdictions/1",
            {"type": "taxjurisdictions", "id": "1", "meta": {"upsert": ["code"]}},
            value(
                "Only the entity identifier can be used by the upsert operation to find an entity."
            ),
            id="patch-with-fields",
        ),
        pytest.param(
            "PATCH",
            "/accounts/1",
            {"type": "accounts", "id": "1", "meta": {"upsert": True}},
            value(
                "The upsert operation is not supported for resources with auto-generated"
                " identifier value."
            ),
            id="patch-auto-generated-id",
        ),
        pytest.param(
            "POST",
            "/accounts",
            {"type": "accounts", "id": "1", "meta": {"upsert": True}, "attributes": {"name": "x"}},
            value("The upsert operation cannot use the entity identifier to find an entity."),
            id="post-by-id-auto-generated-id",
        ),
        pytest.param(
            "POST",
            "/products",
            {"type": "products", "meta": {"upsert": ["name"]}, "attributes": {"name": "x"}},
            value("The upsert operation cannot use this field to find an entity."),
            id="field-not-configured",
        ),
        pytest.param(
            "POST",
            "/products",
            {
                "type": "products",
                "meta": {"upsert": ["name", "sku"]},
                "attributes": {"name": "x", "sku": "y"},
            },
            value("The upsert operation cannot use these fields to find an entity."),
            id="fields-not-configured",
        ),
        pytest.param(
            "POST",
            "/products",
            {"type": "products", "meta": {"upsert": ["sku"]}, "attributes": {"name": "x"}},
            value('The "sku" field does not exist in the request data.'),
            id="field-not-sent",
        ),
        pytest.param(
            "POST",
            "/businessunits",
            {"type": "businessunits", "meta": {"upsert": ["name"]}, "attributes": {"name": "x"}},
            value("The upsert operation is not allowed."),
            id="upsert-disabled",
        ),
        pytest.param(
            "POST",
            "/tasks",
            {"type": "tasks", "meta": {"validate": True}, "attributes": {"subject": "x"}},
            value("The option is not supported.", "/meta/validate"),
            id="validate-not-enabled",
        ),
    ],
)
def test_upsert_and_validate_errors(
    http: httpx.Client, method: str, url: str, data: dict[str, Any], expected: dict[str, Any]
) -> None:
    assert_errors(send(http, method, url, {"data": data}), 400, expected)


def test_upsert_of_a_new_product_by_sku_creates_it(http: httpx.Client) -> None:
    body = new_doc("products")
    body["data"]["meta"] = {"upsert": ["sku"]}
    response = send(http, "POST", "/products", body)
    created = document(response, 201)["data"]
    assert response.headers["location"].endswith(f"/api/products/{created['id']}")
    assert document(send(http, "POST", "/products", body), 200)["data"]["id"] == created["id"]


def test_included_item_upsert_by_fields(http: httpx.Client) -> None:
    product = create(http, "products")
    body = {
        "data": {
            "type": "orderlineitems",
            "attributes": {"productSku": product["attributes"]["sku"], "quantity": 2},
            "relationships": {
                "order": {"data": {"type": "orders", "id": "1"}},
                "product": {"data": {"type": "products", "id": "p"}},
            },
        },
        "included": [
            {
                "type": "products",
                "id": "p",
                "meta": {"upsert": ["sku"]},
                "attributes": {"sku": product["attributes"]["sku"], "name": "Via line"},
            }
        ],
    }
    doc = document(send(http, "POST", "/orderlineitems", body), 201)
    (item,) = doc["included"]
    assert item["id"] == product["id"] and item["meta"] == {"includeId": "p"}
    assert item["attributes"]["name"] == "Via line"


@pytest.mark.parametrize("method", ["GET", "DELETE"])
def test_meta_validate_query_parameter_is_an_unsupported_filter(
    http: httpx.Client, method: str
) -> None:
    response = http.request(method, "/accounts/1", params={"meta[validate]": "true"})
    assert_errors(
        response,
        400,
        {
            "status": "400",
            "title": "filter constraint",
            "detail": "The filter is not supported.",
            "source": {"parameter": "meta[validate]"},
        },
    )
